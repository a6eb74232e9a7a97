"""The register: entries from packages and imports, the procedure's statuses with their
history, what falls due, the official list — on SQLite and on PostgreSQL (a real server:
.ci/postgres starts one and .ci/run sets XBDOCS_TEST_POSTGRES and XBDOCS_REQUIRE_POSTGRES;
elsewhere those runs skip). The moves each track allows, dates, undo, versions, amendments
and notices: tests/test_registry_rules.py; the migrations: tests/test_registry_migration.py."""

from __future__ import annotations

import concurrent.futures
import csv
import datetime as dt
import io
import multiprocessing
import os
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
import yaml
from docx import Document

from tests.conftest import SAMPLES, docx_text
from xbdocs.errors import RegistryError
from xbdocs.registry import procedure, store

POSTGRES = os.environ.get("XBDOCS_TEST_POSTGRES")


# --- a register on each database --------------------------------------------------------------

def _postgres_database():
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"xbdocs_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES).set(database=name)
    return url.render_as_string(hide_password=False), admin, name


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path, monkeypatch):
    """A new, empty register; XBDOCS_DB points at it for the CLI."""
    if request.param == "sqlite":
        where = str(tmp_path / "registry.sqlite3")
        monkeypatch.setenv("XBDOCS_DB", where)
        yield where
        return
    if not POSTGRES:
        if os.environ.get("XBDOCS_REQUIRE_POSTGRES"):
            pytest.fail("the register must be tested on PostgreSQL here: run .ci/postgres "
                        "and set XBDOCS_TEST_POSTGRES to the URL it prints")
        pytest.skip("no PostgreSQL server (XBDOCS_TEST_POSTGRES); .ci/postgres starts one")
    url, admin, name = _postgres_database()
    monkeypatch.setenv("XBDOCS_DB", url)
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """The three samples, built (agreement stage) once for the module."""
    from xbdocs import build

    folder = tmp_path_factory.mktemp("packages")
    for sample in sorted(SAMPLES.glob("*.yaml")):
        build.build(sample, folder / sample.stem, today=dt.date(2026, 11, 27))
    return folder


def _sample(name: str) -> Path:
    return SAMPLES / f"{name}.yaml"


@pytest.fixture
def before_xbdocs(tmp_path) -> Path:
    """samples/register/before-xbdocs.yaml with the answers files it names beside it: an
    import opens only answers files in its own folder (or the one --answers-dir gives)."""
    import shutil

    folder = tmp_path / "register"
    folder.mkdir()
    sample = SAMPLES / "register" / "before-xbdocs.yaml"
    for name in ("altai-east-kazakhstan-2010", "altai-pavlodar-2012"):
        shutil.copy(_sample(name), folder)
    target = folder / sample.name
    shutil.copy(sample, target)
    return target


def test_the_shipped_import_with_the_folder_of_its_answers(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XBDOCS_DB", str(tmp_path / "registry.sqlite3"))
    sample = SAMPLES / "register" / "before-xbdocs.yaml"
    alone = run("registry", "import", sample)
    assert alone.code == 1
    assert "agreements[0].answers: «altai-east-kazakhstan-2010.yaml»: no such file" in alone.err
    result = run("registry", "import", sample, "--answers-dir", SAMPLES)
    assert result.code == 0, result.err
    assert result.out.count("recorded as №") == 2


# --- entries -----------------------------------------------------------------------------------

def test_a_status_is_typed_in_russian(run, location, packages, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2027-05-10")
    assert run("registry", "add", packages / "uglovsky-borodulikha-municipal", "--answers",
               _sample("uglovsky-borodulikha-municipal")).code == 0
    moved = run("registry", "set", "1", "уведомление", "--date", "20.01.2027", lang="ru")
    assert moved.code == 0, moved.err
    assert "№ 1: направлено уведомление о переговорах" in moved.out
    refused = run("registry", "set", "1", "подписано", "--date", "21.01.2027", lang="ru")
    assert refused.code == 1 and "направлено на согласование" in refused.err
    assert "sent-for-approval" not in refused.err


def test_where_is_the_default_register(run, monkeypatch, tmp_path):
    monkeypatch.delenv("XBDOCS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    result = run("registry", "where")
    assert result.code == 0 and result.out.strip() == str(tmp_path / "xbdocs" /
                                                          "registry.sqlite3")
    assert run("registry", "--db", tmp_path / "other.db", "where").out.strip() == \
        str(tmp_path / "other.db")


#: The municipal sample's steps, as its answers plan them (Altai Krai, municipal track).
MUNICIPAL_STEPS = [("notice-sent", "20.01.2027", "01-15/54"),
                   ("sent-for-approval", "25.02.2027", "01-15/131"),
                   ("approved", "24.03.2027", "112-р"), ("signed", "14.04.2027", ""),
                   ("filed-for-registration", "20.04.2027", "01-15/160"),
                   ("registered", "30.04.2027", "17"), ("in-force", "30.04.2027", "")]


def move_through(run, agreement: str, until: str) -> None:
    """Record the municipal sample's steps on ``agreement`` up to ``until`` (included)."""
    for status, on, number in MUNICIPAL_STEPS:
        result = run("registry", "set", agreement, status, "--date", on, "--number", number)
        assert result.code == 0, result.err
        if status == until:
            return


def test_the_samples_through_the_procedure(run, location, packages, monkeypatch):
    """Record the three samples, move one through approval, signing and registration with
    numbers and dates; every step is in its history."""
    monkeypatch.setenv("XBDOCS_TODAY", "2027-05-10")
    for name in ("uglovsky-borodulikha-municipal", "altai-pavlodar-2012",
                 "altai-east-kazakhstan-2010"):
        result = run("registry", "add", packages / name, "--answers", _sample(name))
        assert result.code == 0, result.err
        assert "recorded as №" in result.out
    listed = run("registry", "list").out
    assert listed.count("draft") == 3 and "Угловского района" in listed
    steps = MUNICIPAL_STEPS
    for status, on, number in steps:
        result = run("registry", "set", "1", status, "--date", on, "--number", number,
                     "--by", "Сидорова А.П.")
        assert result.code == 0, result.err
    shown = run("registry", "show", "1").out
    assert "распоряжение Правительства Алтайского края от 24.03.2027 № 112-р" in shown
    assert "№ 17 30.04.2027" in shown and "term ends      29.04.2032" in shown
    assert "Сидорова А.П.: registered 30.04.2027 № 17" in shown
    assert shown.count("Сидорова А.П.") == len(steps)
    early = run("registry", "set", "1", "renewed", "--date", "01.01.2027")
    assert early.code == 1 and "date: 01.01.2027 is before the last recorded step of № 1 " \
        "(30.04.2027)" in early.err
    refused = run("registry", "set", "1", "draft")
    assert refused.code == 1
    assert "№ 1 is «in force»: it cannot go back to «draft»; possible: renewed, expired, " \
           "terminated; a step recorded by mistake is taken back with: xbdocs registry undo 1 " \
           "--reason …" in refused.err
    assert "in force" in run("registry", "show", "1").out  # nothing changed


def test_a_package_is_recorded_once_and_only_with_its_own_answers(run, location, packages,
                                                                   tmp_path):
    import shutil

    package = packages / "altai-pavlodar-2012"
    assert (package / "built-from.yaml").read_bytes() == \
        _sample("altai-pavlodar-2012").read_bytes()
    other = run("registry", "add", package, "--answers", _sample("altai-east-kazakhstan-2010"))
    assert other.code == 1 and "not the answers this package was built from" in other.err
    assert run("registry", "add", package).code == 0
    again = run("registry", "add", package, "--answers", _sample("altai-pavlodar-2012"))
    assert again.code == 1 and "in the register already, as № 1" in again.err
    missing = run("registry", "add", packages / "nothing-here")
    assert missing.code == 1 and "not a built package (no manifest.json)" in missing.err
    older = tmp_path / "older"  # a package from before packages kept their answers
    shutil.copytree(packages / "altai-east-kazakhstan-2010", older)
    (older / "built-from.yaml").unlink()
    no_answers = run("registry", "add", older)
    assert no_answers.code == 1 and "holds no built-from.yaml (built by an older xbdocs?); " \
        "give the answers file" in no_answers.err
    assert run("registry", "add", older, "--answers",
               _sample("altai-east-kazakhstan-2010")).code == 0


@pytest.mark.parametrize("args, message", [
    (["set", "7", "signed"], "no agreement № 7 in the register"),
    (["set", "1", "sealed"], "status: «sealed» is not one; expected one of: draft, notice of "
                             "negotiations sent, sent for approval,"),
    (["set", "1", "signed", "--date", "31.02.2027"], "Invalid value for '--date'"),
    (["set", "x", "signed"], "'x' is not a valid integer"),
    (["due", "--within", "soon"], "expected a number of days, as 60d, 8w or 2m"),
    (["export", "--format", "pdf", "-o", "x.pdf"], "'pdf' is not one of"),
    (["show", "3"], "no agreement № 3 in the register"),
])
def test_bad_input_is_one_line_naming_the_field(run, location, packages, args, message):
    assert run("registry", "add", packages / "altai-pavlodar-2012", "--answers",
               _sample("altai-pavlodar-2012")).code == 0
    result = run("registry", *args)
    assert result.code != 0 and message in result.err, result.err
    assert "Traceback" not in result.err


# --- imports -----------------------------------------------------------------------------------

def test_the_agreements_made_before_xbdocs(run, location, monkeypatch, before_xbdocs):
    result = run("registry", "import", before_xbdocs)
    assert result.code == 0, result.err
    assert result.out.count("recorded as №") == 2
    shown = run("registry", "show", "2").out
    assert "renewed" in shown and "term ends      18.09.2027" in shown
    assert "renewed 19.09.2022 продлено автоматически" in shown
    assert "source         before-xbdocs.yaml: agreements[1]" in shown
    # The notice against renewal of the 2012 agreement falls due in March 2027.
    monkeypatch.setenv("XBDOCS_TODAY", "2026-11-27")
    soon = run("registry", "due", "--within", "120d")
    assert soon.code == due_soon()
    assert soon.out.startswith("18.03.2027  in 111 d.")
    assert "№ 2: last day to give notice against automatic renewal (6 months before the term " \
           "ends)" in soon.out
    assert run("registry", "due", "--within", "30d").code == 0
    everything = run("registry", "due", "--all").out.splitlines()
    assert [line[:10] for line in everything] == ["18.03.2027", "18.09.2027", "06.03.2030",
                                                  "06.09.2030"]


def due_soon() -> int:
    from xbdocs.cli import DUE_SOON
    return DUE_SOON


def _beside(folder: Path, *names: str) -> None:
    """Copies of the sample answers files ``names`` in ``folder``, beside an import."""
    import shutil

    for name in names:
        shutil.copy(_sample(name), folder)


def test_an_import_is_all_or_nothing(run, location, tmp_path):
    _beside(tmp_path, "altai-pavlodar-2012", "altai-east-kazakhstan-2010")
    source = tmp_path / "old.yaml"
    source.write_text(yaml.safe_dump({"agreements": [
        {"answers": "altai-pavlodar-2012.yaml",
         "history": [{"status": "signed", "date": "19.09.2012"}]},
        {"answers": "altai-east-kazakhstan-2010.yaml",
         "history": [{"status": "in-force", "date": "07.09.2010"},
                     {"status": "signed", "date": "07.09.2010"}]},
    ]}, allow_unicode=True), encoding="utf-8")
    result = run("registry", "import", source)
    assert result.code == 1
    assert "old.yaml:11: agreements[1].history[1].status: the agreement by this step is «in " \
           "force»: it cannot go back to «signed»; possible: renewed, expired, terminated" \
           in result.err, result.err
    assert "the register is empty" in run("registry", "list").out


@pytest.mark.parametrize("entry, message", [
    ({"answers": 5}, "agreements[0].answers: expected an answers file's name or the answers"),
    ({"answers": "altai-pavlodar-2012.yaml", "when": 1},
     "agreements[0].when: unknown key; expected one of: answers, history, notes"),
    ({"answers": "altai-pavlodar-2012.yaml", "history": [{"status": "signed", "date": "вчера"}]},
     "agreements[0].history[0].date: expected a date such as 19.09.2012 or 2012-09-19, got "
     "«вчера»"),
    ({"answers": "altai-pavlodar-2012.yaml", "history": [{"status": "sealed"}]},
     "agreements[0].history[0].status: «sealed» is not one of: draft, notice-sent"),
    ({"answers": "altai-pavlodar-2012.yaml", "history": {"status": "signed"}},
     "agreements[0].history: expected a list of steps (status:, date:, number:, note:)"),
])
def test_a_bad_import_entry_names_its_place(run, location, tmp_path, entry, message):
    _beside(tmp_path, "altai-pavlodar-2012")
    source = tmp_path / "old.yaml"
    source.write_text(yaml.safe_dump({"agreements": [entry]}, allow_unicode=True), "utf-8")
    result = run("registry", "import", source)
    assert result.code == 1 and message in result.err, result.err
    assert "the register is empty" in run("registry", "list").out


def test_every_problem_of_an_import_at_once_with_its_line(run, location, tmp_path):
    _beside(tmp_path, "altai-pavlodar-2012", "altai-east-kazakhstan-2010")
    source = tmp_path / "old.yaml"
    source.write_text("agreements:\n"
                      "  - answers: altai-pavlodar-2012.yaml\n"
                      "    history:\n"
                      "      - {status: signed, date: 31.02.2012}\n"
                      "  - answers: altai-east-kazakhstan-2010.yaml\n"
                      "    colour: red\n"
                      "  - answers: altai-pavlodar-2012.yaml\n", encoding="utf-8")
    result = run("registry", "import", source)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0].endswith("old.yaml:4: agreements[0].history[0].date: «31.02.2012» is not "
                             "a day of the calendar"), lines
    assert lines[1].endswith("old.yaml:6: agreements[1].colour: unknown key; expected one of: "
                             "answers, history, notes"), lines
    assert len(lines) == 2  # the duplicate is found once the rest reads: one problem at a time
    source.write_text(source.read_text("utf-8").replace("31.02", "19.09").replace(
        "    colour: red\n", ""), "utf-8")
    again = run("registry", "import", source)
    assert again.code == 1 and "old.yaml:6: agreements[2]: the same agreement as old.yaml: " \
        "agreements[0]; keep one" in again.err, again.err
    assert "the register is empty" in run("registry", "list").out


def test_an_import_table_with_register_columns(run, location, tmp_path):
    from tests.test_batch import _rows, _write_csv

    row = _rows("altai-pavlodar-2012")[0]
    row.update({"register.signed": "19.09.2012", "register.in_force": "19.09.2012",
                "register.status": "renewed", "register.status_date": "19.09.2017",
                "register.notes": "из таблицы"})
    result = run("registry", "import", _write_csv(tmp_path / "old.csv", [row]))
    assert result.code == 0, result.err
    shown = run("registry", "show", "1").out
    assert "renewed" in shown and "из таблицы" in shown and "term ends      18.09.2022" in shown


# --- what falls due ---------------------------------------------------------------------------

def test_due_filing_deadlines_and_the_calendar(run, location, packages, tmp_path, monkeypatch):
    name = "uglovsky-borodulikha-municipal"
    assert run("registry", "add", packages / name, "--answers", _sample(name)).code == 0
    monkeypatch.setenv("XBDOCS_TODAY", "2027-04-15")
    move_through(run, "1", "signed")
    result = run("registry", "due", "--within", "30d", "--ics", tmp_path / "dates.ics")
    assert result.code == due_soon(), result.err
    # The registration application: 10 working days after signing (profile), not yet filed.
    assert "28.04.2027  in 13 d." in result.out and "№ 1:" in result.out
    calendar = (tmp_path / "dates.ics").read_bytes()
    assert calendar.startswith(b"BEGIN:VCALENDAR\r\n") and b"DTSTART;VALUE=DATE:20270428" in \
        calendar
    assert all(len(line) <= 75 for line in calendar.split(b"\r\n"))
    again = run("registry", "due", "--ics", tmp_path / "dates.ics")
    assert again.code == 1 and "already exists; use --force" in again.err
    monkeypatch.setenv("XBDOCS_TODAY", "2027-05-20")
    late = run("registry", "due")
    assert late.code == 4 and "overdue by 22 d." in late.out


# --- the official list ------------------------------------------------------------------------

def test_the_register_as_docx_xlsx_and_csv(run, location, packages, tmp_path, before_xbdocs,
                                           monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2027-05-10")
    name = "uglovsky-borodulikha-municipal"
    assert run("registry", "add", packages / name, "--answers", _sample(name)).code == 0
    assert run("registry", "import", before_xbdocs).code == 0
    move_through(run, "1", "registered")
    for kind in ("docx", "xlsx", "csv"):
        result = run("registry", "export", "--format", kind, "-o", tmp_path / f"r.{kind}")
        assert result.code == 0, result.err
    text = docx_text(tmp_path / "r.docx")
    assert "РЕЕСТР" in text and "соглашений о приграничном сотрудничестве" in text
    table = Document(str(tmp_path / "r.docx")).tables[0]
    assert [c.text for c in table.rows[0].cells][:4] == [
        "№ п/п", "Рег. номер", "Дата рег.", "Наименование соглашения"]
    first = [c.text for c in table.rows[1].cells]
    assert first[1:3] == ["17", "30.04.2027"] and first[6] == "14.04.2027"
    assert first[8] == "зарегистрировано с 30.04.2027"
    assert first[7] == "5 (пять) лет; до 29.04.2032"  # from registration, as it takes effect
    assert Document(str(tmp_path / "r.docx")).sections[0].page_width > \
        Document(str(tmp_path / "r.docx")).sections[0].page_height  # landscape
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert sheet["A2"].value == 1 and isinstance(sheet["C2"].value, dt.datetime)
    assert sheet["C2"].number_format == "DD.MM.YYYY" and sheet.freeze_panes == "A2"
    assert sheet["I3"].value.startswith("продлено")
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_bytes().decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0][0] == "№ п/п" and rows[1][2] == "30.04.2027" and len(rows) == 4
    assert "с автоматическим продлением на 5 (пять) лет; до 06.09.2030" in rows[2][7]
    refused = run("registry", "export", "--format", "csv", "-o", tmp_path / "r.csv")
    assert refused.code == 1 and "already exists; use --force" in refused.err
    with zipfile.ZipFile(tmp_path / "r.docx") as package:
        assert package.testzip() is None


# --- safety ------------------------------------------------------------------------------------

def test_a_register_from_a_newer_xbdocs_is_refused_untouched(run, location):
    store.open_register(location)
    engine = sa.create_engine(store.url_of(location))
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9001'"))
    engine.dispose()
    result = run("registry", "list")
    assert result.code == 1
    assert "the register was made by a newer xbdocs (schema 9001); update xbdocs" in result.err
    engine = sa.create_engine(store.url_of(location))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")
                                  ).scalar() == "9001"
    engine.dispose()


def test_the_migrations_make_the_models_tables(location):
    """The tables the migrations make are the ones the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from xbdocs.registry.models import Base

    register = store.open_register(location)
    with register.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_an_unreachable_register_is_one_line(run, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    result = run("registry", "--db", blocked / "registry.sqlite3", "list")
    assert result.code == 1 and "cannot open the register" in result.err
    bad_url = run("registry", "--db", "nosuchdb://x/y", "list")
    assert bad_url.code == 1 and "cannot open the register" in bad_url.err


#: The municipal track's line after the draft: each clerk tries every step, in order.
FORWARD = ("notice-sent", "sent-for-approval", "approved", "signed", "filed-for-registration",
           "registered", "in-force")


def _clerk(location: str, clerk: int, source: str) -> list[str]:
    """One clerk: imports agreements of their own and tries every move on agreement 1."""
    from xbdocs.i18n import set_language

    set_language("en")
    register = store.open_register(location)
    store.import_file(register, Path(source), by=f"clerk-{clerk}")
    moved = []
    for status in FORWARD:
        try:
            register.move(1, status, dt.date(2027, 1, 1), by=f"clerk-{clerk}",
                          today=dt.date(2027, 1, 1))
            moved.append(status)
        except RegistryError:
            pass
    return moved


def test_clerks_at_once_lose_nothing(location, tmp_path):
    """Four processes add agreements and move the same one at once: every agreement is
    recorded, and the shared one's history is each move made exactly once, each a move its
    procedure allows from the one before (a clerk trying «signed» while it is filed records a
    refused registration, and goes on), ending in force."""
    register = store.open_register(location)
    store.import_file(register, _import_of(tmp_path / "first.yaml", [1]))
    # Forked, not spawned: a clerk's process starts with xbdocs imported (4 spawned
    # interpreters importing it took ≈ 6 s of 2 cores); none inherits a database connection.
    register.engine.dispose()
    sources = [str(_import_of(tmp_path / f"clerk-{n}.yaml", [2 + n * 3 + k for k in range(3)]))
               for n in range(4)]
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(4, mp_context=context) as pool:
        moved = list(pool.map(_clerk, [location] * 4, range(4), sources))
    entries = store.open_register(location).all()
    assert len(entries) == 1 + 4 * 3
    shared = entries[0]
    history = [change.status for change in shared.history][1:]
    assert sorted(history) == sorted(status for clerk in moved for status in clerk)
    line = procedure.of(None, "municipal", "registration")
    assert all(line.allowed(before, after)
               for before, after in zip(["draft", *history], history, strict=False))
    assert shared.status == history[-1] == "in-force"


def _import_of(path: Path, terms: list[int]) -> Path:
    """An import file of agreements that differ only in their term (years); each written
    out whole (an import allows no YAML anchors, so no object is shared)."""
    import copy

    base = yaml.safe_load(_sample("uglovsky-borodulikha-municipal").read_text("utf-8"))
    path.write_text(yaml.safe_dump({"agreements": [
        {"answers": {**copy.deepcopy(base), "term": {**base["term"], "years": years}}}
        for years in terms]}, allow_unicode=True), encoding="utf-8")
    return path
