"""The register follows the law (issue 20), driven through the command line and checked in
the database's rows: the moves each shipped profile's track allows (and the steps a refused
one lacks), dates that can be true, undo without losing history, versions of a draft,
amendments linked to their agreement, and a notice that ends one.

The expectations are the law's, written here, not read from the code: 179-FZ Art. 12 — a
municipal agreement is approved by the region's Government before it is signed and takes
effect only after registration; the Altai Krai's profile adds a notice of negotiations
before the request for approval; 4-FZ — a regional agreement is notified, approved,
registered by the Ministry of Justice, and may take effect on signing, its registration (Art.
8) then no condition of entry into force."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
import yaml

from tests.conftest import SAMPLES, docx_text
from xbdocs import profile as profiles
from xbdocs.registry import statuses as s
from xbdocs.registry import store

D = dt.date
#: «Today» for these tests: every date the samples plan is behind it.
TODAY = "2030-01-15"

#: The statuses each shipped track requires, in order — the law's and the profile's steps.
LINES = {
    ("altai-krai", "municipal"): (s.DRAFT, s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED,
                                  s.SIGNED, s.FILED, s.REGISTERED, s.IN_FORCE),
    ("altai-krai", "regional"): (s.DRAFT, s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED,
                                 s.SIGNED, s.FILED, s.REGISTERED, s.IN_FORCE),
    ("orenburg", "municipal"): (s.DRAFT, s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED,
                                s.SIGNED, s.FILED, s.REGISTERED, s.IN_FORCE),
    # Issue 23 §5: the same steps, every one unverified (their profiles say so).
    ("omsk", "municipal"): (s.DRAFT, s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED,
                            s.SIGNED, s.FILED, s.REGISTERED, s.IN_FORCE),
    ("samara", "municipal"): (s.DRAFT, s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED,
                              s.SIGNED, s.FILED, s.REGISTERED, s.IN_FORCE),
    ("saratov", "municipal"): (s.DRAFT, s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED,
                               s.SIGNED, s.FILED, s.REGISTERED, s.IN_FORCE),
}
#: The sample each track's entry is made from, and what it may pass over to take effect:
#: the regional sample takes effect on signing (its own clause), so filing and registration
#: are no condition of its entry into force; a municipal one never passes them over.
SAMPLE_OF = {"municipal": ("uglovsky-borodulikha-municipal", ()),
             "regional": ("altai-pavlodar-2012", (s.FILED, s.REGISTERED))}
#: Moves back, each for a refusal: approval refused → draft, registration refused → signed.
BACK = {(s.SENT_FOR_APPROVAL, s.DRAFT), (s.FILED, s.SIGNED)}
RU = {s.DRAFT: "проект", s.NOTICE_SENT: "направлено уведомление о переговорах",
      s.SENT_FOR_APPROVAL: "направлено на согласование", s.APPROVED: "согласовано",
      s.SIGNED: "подписано", s.FILED: "подано на регистрацию", s.REGISTERED: "зарегистрировано",
      s.IN_FORCE: "действует", s.RENEWED: "продлено", s.EXPIRED: "истекло",
      s.TERMINATED: "прекращено"}


def _shipped_tracks() -> list[tuple[str, str]]:
    return [(path.stem, track) for path in sorted(profiles.PROFILES_DIR.glob("*.yaml"))
            for track in profiles.load(path.stem).tracks]


# --- the register and its rows ------------------------------------------------------------------

@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A register of its own; «today» is TODAY."""
    path = tmp_path / "registry.sqlite3"
    monkeypatch.setenv("XBDOCS_DB", str(path))
    monkeypatch.setenv("XBDOCS_TODAY", TODAY)
    return path


def _rows(db: Path, sql: str, **params) -> list[dict]:
    engine = sa.create_engine(store.url_of(str(db)))
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def _entry(db: Path, agreement: int = 1) -> dict:
    (row,) = _rows(db, "SELECT * FROM agreements WHERE id = :id", id=agreement)
    return row


def _history(db: Path, agreement: int = 1) -> list[dict]:
    return _rows(db, "SELECT * FROM changes WHERE agreement_id = :id ORDER BY id", id=agreement)


def _day(value) -> D | None:
    """A date column as SQLite returns it (text) or a driver does (a date)."""
    if value is None or isinstance(value, D):
        return value
    return D.fromisoformat(str(value)[:10])


def _import(run, tmp_path: Path, sample: str, profile: str | None = None,
            history: list | None = None, name: str = "import.yaml") -> None:
    """The sample's answers imported as they are (a draft unless ``history`` says more); its
    profile set to ``profile`` in the row (an import records the default profile)."""
    answers = yaml.safe_load((SAMPLES / f"{sample}.yaml").read_text("utf-8"))
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"agreements": [{"answers": answers,
                                                    "history": history or []}]},
                                   allow_unicode=True), encoding="utf-8")
    result = run("registry", "import", path)
    assert result.code == 0, result.err
    if profile:
        engine = sa.create_engine(store.url_of(str(tmp_path / "registry.sqlite3")))
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE agreements SET profile = :p"), {"p": profile})
        engine.dispose()


# --- 1. the moves each track allows ----------------------------------------------------------

def test_every_shipped_track_is_in_the_table():
    assert sorted(_shipped_tracks()) == sorted(LINES)


@pytest.mark.parametrize("profile, track", sorted(LINES))
def test_the_moves_of_each_shipped_track(run, db, tmp_path, profile, track):
    """An entry walks its track's line one step at a time. At each step every other status is
    tried: the next one and a refusal's way back are allowed (and taken back again), a jump
    ahead is refused naming the steps missing, a move back is refused; nothing a refusal
    touches changes the row."""
    sample, passable = SAMPLE_OF[track]
    _import(run, tmp_path, sample, profile if profile != "altai-krai" else None)
    line = LINES[(profile, track)]
    day = D(2027, 1, 10)
    for index, current in enumerate(line):
        day += dt.timedelta(days=3)
        on = f"{day:%d.%m.%Y}"
        for new in s.STATUSES:
            if index + 1 < len(line) and new == line[index + 1]:
                continue  # taken below, to go on
            before = _entry(db)
            result = run("registry", "set", "1", new, "--date", on)
            allowed = (current, new) in BACK or new == s.TERMINATED or (
                current == s.IN_FORCE and new == s.RENEWED)
            ahead = new in line and line.index(new) > index
            skippable = new == s.IN_FORCE and all(
                step in passable for step in line[index + 1:line.index(new)]) if ahead else False
            if allowed or skippable:
                assert result.code == 0, (current, new, result.err)
                assert _entry(db)["status"] == new
                undone = run("registry", "undo", "1", "--reason", "проверка")
                assert undone.code == 0, undone.err
                assert _entry(db)["status"] == current
                continue
            assert result.code == 1, (current, new, result.out)
            assert "Traceback" not in result.err
            if ahead:
                missing = [step for step in line[index + 1:line.index(new)]
                           if not (new == s.IN_FORCE and step in passable)]
                assert f"it can become «{s.LABELS[new]}» only after the steps: " + ", ".join(
                    s.LABELS[step] for step in missing) in result.err, (current, new, result.err)
            elif current == s.IN_FORCE and new == s.EXPIRED:
                assert "cannot expire on" in result.err and "its term runs to" in result.err
            elif new in (s.RENEWED, s.EXPIRED):
                assert f"it can become «{s.LABELS[new]}» only after the steps:" in result.err
            else:
                assert "it cannot go back to" in result.err or "already" in result.err, \
                    result.err
            after = _entry(db)
            assert {k: after[k] for k in ("status", "status_on", "signed_on", "version")} == \
                {k: before[k] for k in ("status", "status_on", "signed_on", "version")}
        if index + 1 < len(line):
            result = run("registry", "set", "1", line[index + 1], "--date", on)
            assert result.code == 0, (current, line[index + 1], result.err)
            row = _entry(db)
            assert (row["status"], _day(row["status_on"])) == (line[index + 1], day)


def test_a_refused_move_names_the_missing_steps_in_russian(run, db, tmp_path):
    _import(run, tmp_path, "uglovsky-borodulikha-municipal")
    result = run("registry", "set", "1", "in-force", "--date", "01.02.2027", lang="ru")
    assert result.code == 1
    assert "№ 1 — «проект»: стать «действует» оно может только после шагов: направлено " \
           "уведомление о переговорах, направлено на согласование, согласовано, подписано, " \
           "подано на регистрацию, зарегистрировано" in result.err, result.err
    signed = run("registry", "set", "1", "registered", "--date", "01.02.2027", lang="ru")
    assert "стать «зарегистрировано» оно может только после шагов: направлено уведомление " \
           "о переговорах, направлено на согласование, согласовано, подписано, подано на " \
           "регистрацию" in signed.err
    assert _entry(db)["status"] == "draft"


def test_the_issues_impossible_records_are_refused(run, db, tmp_path):
    """The records issue 20 found accepted: a draft «in force», a draft «registered» today,
    «registered» straight from «notice sent», a renewal dated in the future."""
    _import(run, tmp_path, "uglovsky-borodulikha-municipal")
    assert run("registry", "set", "1", "in-force").code == 1
    assert run("registry", "set", "1", "registered").code == 1
    assert run("registry", "set", "1", "notice-sent", "--date", "20.01.2027").code == 0
    assert run("registry", "set", "1", "registered", "--date", "01.02.2027").code == 1
    row = _entry(db)
    assert row["status"] == "notice-sent" and row["registered_on"] is None
    _import(run, tmp_path, "altai-pavlodar-2012", history=[
        {"status": "signed", "date": "19.09.2012"}, {"status": "in-force", "date": "19.09.2012"}],
            name="old.yaml")
    future = run("registry", "set", "2", "renewed", "--date", "01.04.2030")
    assert future.code == 1
    assert "date: 01.04.2030 is after today (15.01.2030): the register records steps that " \
           "have happened; a planned date stays in the answers" in future.err
    assert _entry(db, 2)["status"] == "in-force"


# --- 2. dates that can be true ------------------------------------------------------------------

@pytest.mark.parametrize("steps, message", [
    # none before the step before it: registration not before filing, in force not before
    # registration
    ([("notice-sent", "20.01.2027"), ("sent-for-approval", "25.02.2027"),
      ("approved", "24.03.2027"), ("signed", "14.04.2027"),
      ("filed-for-registration", "20.04.2027"), ("registered", "19.04.2027")],
     "date: 19.04.2027 is before the last recorded step of № 1 (20.04.2027)"),
    ([("notice-sent", "20.01.2027"), ("sent-for-approval", "25.02.2027"),
      ("approved", "24.03.2027"), ("signed", "14.04.2027"),
      ("filed-for-registration", "20.04.2027"), ("registered", "30.04.2027"),
      ("in-force", "29.04.2027")],
     "date: 29.04.2027 is before the last recorded step of № 1 (30.04.2027)"),
    ([("notice-sent", "20.01.2027"), ("sent-for-approval", "19.01.2027")],
     "date: 19.01.2027 is before the last recorded step of № 1 (20.01.2027)"),
    ([("notice-sent", "16.01.2030")], "date: 16.01.2030 is after today (15.01.2030)"),
])
def test_dates_in_the_future_or_out_of_order_are_refused(run, db, tmp_path, steps, message):
    _import(run, tmp_path, "uglovsky-borodulikha-municipal")
    *done, (status, on) = steps
    for earlier, day in done:
        assert run("registry", "set", "1", earlier, "--date", day).code == 0
    before = _entry(db)
    result = run("registry", "set", "1", status, "--date", on)
    assert result.code == 1 and message in result.err, result.err
    assert _entry(db)["status"] == before["status"]
    assert len(_history(db)) == 1 + len(done)


def test_an_import_dated_in_the_future_is_refused(run, db, tmp_path):
    path = tmp_path / "old.yaml"
    shutil.copy(SAMPLES / "altai-pavlodar-2012.yaml", tmp_path)
    path.write_text(yaml.safe_dump({"agreements": [{
        "answers": "altai-pavlodar-2012.yaml",
        "history": [{"status": "signed", "date": "19.09.2031"}]}]}), encoding="utf-8")
    result = run("registry", "import", path)
    assert result.code == 1
    assert "agreements[0].history[0].date: date: 19.09.2031 is after today" in result.err
    assert "the register is empty" in run("registry", "list").out


def test_a_planned_date_is_shown_as_planned_never_as_done(run, db, tmp_path):
    """The answers plan signing on 14.04.2027; until a «signed» step records it, show, list,
    the JSON list and every export say «planned»."""
    _import(run, tmp_path, "uglovsky-borodulikha-municipal")
    assert _entry(db)["signed_on"] is None
    shown = run("registry", "show", "1", lang="ru").out
    assert "планируется: 14.04.2027" in shown and "подписано      14.04.2027" not in shown
    assert "подписание планируется: 14.04.2027" in run("registry", "list", lang="ru").out
    (listed,) = yaml.safe_load(run("registry", "list", "--format", "json").out)
    assert listed["signed_on"] is None and listed["signing_planned"] == "2027-04-14"
    for kind in ("csv", "xlsx", "docx"):
        assert run("registry", "export", "--format", kind, "-o", tmp_path / f"r.{kind}").code == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_bytes().decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1][6] == "планируется: 14.04.2027"
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert sheet["G2"].value == "планируется: 14.04.2027" and sheet["G2"].data_type == "s"
    assert "планируется: 14.04.2027" in docx_text(tmp_path / "r.docx")
    # Signed (on another day than planned): the day it happened, as a date.
    for status, on in (("notice-sent", "20.01.2027"), ("sent-for-approval", "25.02.2027"),
                       ("approved", "24.03.2027"), ("signed", "16.04.2027")):
        assert run("registry", "set", "1", status, "--date", on).code == 0
    assert _day(_entry(db)["signed_on"]) == D(2027, 4, 16)
    assert "16.04.2027" in run("registry", "show", "1").out
    assert "planned" not in run("registry", "list").out
    assert run("registry", "export", "--format", "xlsx", "-o", tmp_path / "r.xlsx",
               "--force").code == 0
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").active["G2"].value == \
        dt.datetime(2027, 4, 16)


# --- 3. corrections without losing history -----------------------------------------------------

def test_undo_takes_back_the_last_step_and_keeps_it(run, db, tmp_path):
    _import(run, tmp_path, "uglovsky-borodulikha-municipal")
    for status, on, number in (("notice-sent", "20.01.2027", ""),
                               ("sent-for-approval", "25.02.2027", ""),
                               ("approved", "24.03.2027", "112-р"),
                               ("signed", "14.04.2027", ""),
                               ("filed-for-registration", "20.04.2027", ""),
                               ("registered", "30.04.2027", "17")):
        assert run("registry", "set", "1", status, "--date", on, "--number", number).code == 0
    assert _entry(db)["registration_number"] == "17"
    result = run("registry", "undo", "1", "--reason", "номер перепутан", "--by", "Сидорова А.П.")
    assert result.code == 0, result.err
    assert "№ 1: «registered» taken back; now «filed for registration»" in result.out
    row = _entry(db)
    assert (row["status"], _day(row["status_on"])) == ("filed-for-registration", D(2027, 4, 20))
    assert row["registration_number"] == "" and row["registered_on"] is None
    history = _history(db)
    assert len(history) == 8  # made, six steps, the undo: nothing deleted
    step, undo = history[-2], history[-1]
    assert (step["status"], step["number"], step["kind"]) == ("registered", "17", "step")
    assert (undo["kind"], undo["undoes_id"], undo["note"], undo["by"], undo["status"]) == (
        "undo", step["id"], "номер перепутан", "Сидорова А.П.", "filed-for-registration")
    assert undo["at"] is not None
    shown = run("registry", "show", "1").out
    assert "registered 30.04.2027 № 17 [taken back]" in shown
    assert "Сидорова А.П.: undo of «registered 30.04.2027 № 17»: back to «filed for " \
           "registration»; reason: номер перепутан" in shown
    # The right number now; the taken-back step's date no longer bounds the next one.
    assert run("registry", "set", "1", "registered", "--date", "29.04.2027",
               "--number", "18").code == 0
    assert _entry(db)["registration_number"] == "18"
    # Undo again and again walks back; signing taken back clears the day it was signed.
    for _step in range(3):
        assert run("registry", "undo", "1", "--reason", "назад").code == 0
    row = _entry(db)
    assert row["status"] == "approved" and row["signed_on"] is None
    assert len(_history(db)) == 8 + 1 + 3


def test_undo_needs_a_reason_and_a_step(run, db, tmp_path):
    _import(run, tmp_path, "uglovsky-borodulikha-municipal")
    missing = run("registry", "undo", "1")
    assert missing.code == 2 and "--reason" in missing.err
    blank = run("registry", "undo", "1", "--reason", "  ")
    assert blank.code == 1 and "--reason: say why the step is taken back" in blank.err
    nothing = run("registry", "undo", "1", "--reason", "ошибка")
    assert nothing.code == 1 and "№ 1 has no step to take back" in nothing.err
    control = run("registry", "undo", "1", "--reason", "\x1b[2J")
    assert control.code == 1 and "reason: contains the control character U+001B" in control.err
    assert run("registry", "undo", "5", "--reason", "x").code == 1
    assert len(_history(db)) == 1


def test_every_command_only_adds_to_the_history(run, db, tmp_path, monkeypatch):
    """Every registry command run on one entry; after each, the history holds every row it
    held before, unchanged, in the same order."""
    sample = SAMPLES / "uglovsky-borodulikha-municipal.yaml"
    assert run("build", sample, "-o", tmp_path / "v1").code == 0
    data = yaml.safe_load(sample.read_text("utf-8"))
    data["filing"]["purpose"] = "Развитие сотрудничества (вторая редакция)."
    revised = tmp_path / "v2.yaml"
    revised.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run("build", revised, "-o", tmp_path / "v2").code == 0
    shutil.copy(SAMPLES / "altai-pavlodar-2012.yaml", tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text("agreements:\n  - answers: altai-pavlodar-2012.yaml\n", encoding="utf-8")
    commands = [
        ["add", tmp_path / "v1"], ["import", other],
        ["set", "1", "notice-sent", "--date", "20.01.2027"],
        ["add", tmp_path / "v2", "--revises", "1"],
        ["set", "1", "sent-for-approval", "--date", "25.02.2027"],
        ["undo", "1", "--reason", "письмо не отправлено"],
        ["set", "1", "sent-for-approval", "--date", "26.02.2027"],
        ["set", "1", "in-force"],  # refused
        ["set", "1", "approved", "--date", "24.03.2027", "--number", "112-р"],
        ["set", "1", "signed", "--date", "14.04.2027"],
        ["add", tmp_path / "v1", "--revises", "1"],  # refused
        ["set", "1", "filed-for-registration", "--date", "20.04.2027"],
        ["set", "1", "registered", "--date", "30.04.2027", "--number", "17"],
        ["set", "1", "in-force", "--date", "30.04.2027"],
        ["show", "1"], ["list"], ["list", "--format", "json"], ["due", "--all"],
        ["export", "--format", "csv", "-o", tmp_path / "r.csv"],
        ["export", "--format", "xlsx", "-o", tmp_path / "r.xlsx"],
        ["export", "--format", "docx", "-o", tmp_path / "r.docx"],
        ["undo", "1", "--reason", "дата вступления в силу уточняется"],
        ["set", "1", "in-force", "--date", "01.05.2027"],
        ["set", "1", "renewed", "--date", "01.05.2032"],  # refused: after today
        ["set", "1", "terminated", "--date", "01.06.2029", "--note", "по соглашению сторон"],
        ["set", "1", "renewed", "--date", "01.07.2029"],  # refused: its life has ended
        ["undo", "1", "--reason", "прекращение не состоялось"],
        ["where"],
    ]
    seen: list[dict] = []
    for command in commands:
        run("registry", *command)
        now = _history(db) if _rows(db, "SELECT id FROM agreements WHERE id = 1") else []
        assert now[:len(seen)] == seen, command
        assert len(now) >= len(seen)
        seen = now
    register = store.open_register(str(db))
    register.record_notice(1, "termination", D(2029, 7, 1), D(2030, 1, 1), "01-15/900",
                           today=D(2030, 1, 15))
    register.undo(1, "уведомление отозвано")
    register.engine.dispose()
    now = _history(db)
    assert now[:len(seen)] == seen and len(now) == len(seen) + 2
    kinds = [row["kind"] for row in now]
    assert kinds.count("undo") == 4 and kinds.count("version") == 1 and kinds[0] == "added"
    assert _entry(db)["status"] == "in-force" and _entry(db)["ends_on"] is None


# --- 4. versions of one agreement ----------------------------------------------------------------

@pytest.fixture
def drafts(run, tmp_path) -> list[Path]:
    """The municipal sample built three times, its text revised each time (another
    purpose: the same parties and title)."""
    sample = SAMPLES / "uglovsky-borodulikha-municipal.yaml"
    data = yaml.safe_load(sample.read_text("utf-8"))
    built = []
    for number, purpose in enumerate(("", "Редакция 2.", "Редакция 3."), start=1):
        revised = copy.deepcopy(data)
        if purpose:
            revised["filing"]["purpose"] = purpose
        path = tmp_path / f"draft-{number}.yaml"
        path.write_text(yaml.safe_dump(revised, allow_unicode=True), encoding="utf-8")
        result = run("build", path, "-o", tmp_path / f"draft-{number}")
        assert result.code == 0, result.err
        built.append(tmp_path / f"draft-{number}")
    return built


def test_a_revised_draft_is_a_version_of_the_same_entry(run, db, drafts, tmp_path):
    assert run("registry", "add", drafts[0]).code == 0
    assert run("registry", "set", "1", "notice-sent", "--date", "20.01.2027").code == 0
    recognised = run("registry", "add", drafts[1])
    assert recognised.code == 0, recognised.err
    assert "recorded as version 2 of № 1" in recognised.out
    assert "the same parties and title, not yet signed" in recognised.out
    named = run("registry", "add", drafts[2], "--revises", "1")
    assert named.code == 0 and "recorded as version 3 of № 1" in named.out
    assert len(_rows(db, "SELECT id FROM agreements")) == 1
    versions = _rows(db, "SELECT * FROM versions ORDER BY number")
    assert [v["number"] for v in versions] == [1, 2, 3]
    assert len({v["answers_sha256"] for v in versions}) == 3
    row = _entry(db)
    assert row["answers_sha256"] == versions[-1]["answers_sha256"]
    assert row["status"] == "notice-sent"  # the procedure goes on
    assert [h["kind"] for h in _history(db)] == ["added", "step", "version", "version"]
    shown = run("registry", "show", "1").out
    assert "versions:" in shown and "3 (current)" in shown
    for version in versions:
        assert version["answers_sha256"][:16] in shown
    again = run("registry", "add", drafts[0])
    assert again.code == 1 and "in the register already, as № 1" in again.err
    both = run("registry", "add", drafts[0], "--revises", "1", "--new")
    assert both.code == 2


def test_after_signing_a_change_is_an_amendment_not_a_version(run, db, drafts):
    assert run("registry", "add", drafts[0]).code == 0
    for status, on in (("notice-sent", "20.01.2027"), ("sent-for-approval", "25.02.2027")):
        assert run("registry", "set", "1", status, "--date", on).code == 0
    asked = run("registry", "add", drafts[1])
    assert asked.code == 0 and "sent for approval as an earlier version" in asked.err
    for status, on in (("approved", "24.03.2027"), ("signed", "14.04.2027")):
        assert run("registry", "set", "1", status, "--date", on).code == 0
    named = run("registry", "add", drafts[2], "--revises", "1")
    assert named.code == 1
    assert "№ 1 is signed («signed»): a change to it now is an amendment (дополнительное " \
           "соглашение), not a version — make one as docs/amendments.md says" in named.err
    recognised = run("registry", "add", drafts[2])
    assert recognised.code == 1
    assert "№ 1 is the same agreement (the same parties and title) and is signed: a change to " \
           "it now is an amendment" in recognised.err and "--new" in recognised.err
    assert len(_rows(db, "SELECT id FROM versions")) == 2
    another = run("registry", "add", drafts[2], "--new")
    assert another.code == 0 and "recorded as № 2" in another.out
    assert run("registry", "add", drafts[0], "--revises", "9").code == 1


# --- 5. amendments --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def amendment_packages(tmp_path_factory) -> Path:
    """The amendment samples and the 2027 agreement they amend, built once."""
    from xbdocs import build

    folder = tmp_path_factory.mktemp("amendments")
    for name in ("uglovsky-borodulikha-2027", "uglovsky-2028-areas", "pavlodar-2012-term"):
        build.build(SAMPLES / "amendments" / f"{name}.yaml", folder / name,
                    today=D(2026, 11, 27))
    return folder


def test_an_amendment_extending_the_term_moves_the_agreements_end(run, db, amendment_packages):
    """The 2012 Pavlodar agreement (imported), amended in 2016 by a 5-year extension named by
    the agreement's date: linked to it; its term's end moves once the amendment is in force
    (a regional agreement's amendment takes effect on signing, as the agreement did)."""
    result = run("registry", "import", SAMPLES / "register" / "before-xbdocs.yaml",
                 "--answers-dir", SAMPLES)
    assert result.code == 0, result.err
    assert "term ends      18.09.2027" in run("registry", "show", "2").out
    added = run("registry", "add", amendment_packages / "pavlodar-2012-term")
    assert added.code == 0, added.err
    assert "recorded as № 3: Дополнительное соглашение № 1 о внесении изменений в Соглашение " \
           "между Администрацией Алтайского края" in added.out.replace("\u00a0", " ")
    assert "an amendment of № 2" in added.out
    row = _entry(db, 3)
    assert (row["amends_id"], row["amendment_number"], row["status"]) == (2, 1, "draft")
    assert [h["kind"] for h in _history(db, 2)][-1] == "amendment"
    shown = run("registry", "show", "2").out
    assert "amendments:" in shown and "№ 3  draft  Дополнительное соглашение" in \
        shown.replace("\u00a0", " ")
    for status, on in (("notice-sent", "20.06.2016"), ("sent-for-approval", "01.08.2016"),
                       ("approved", "01.09.2016"), ("signed", "15.09.2016")):
        assert run("registry", "set", "3", status, "--date", on).code == 0
    assert "term ends      18.09.2027" in run("registry", "show", "2").out  # not yet in force
    assert run("registry", "set", "3", "in-force", "--date", "15.09.2016").code == 0
    assert "term ends      18.09.2032" in run("registry", "show", "2").out
    assert "amends         № 2" in run("registry", "show", "3").out
    assert "18.09.2032" in run("registry", "due", "--all").out
    assert run("registry", "undo", "3", "--reason", "не вступило").code == 0
    assert "term ends      18.09.2027" in run("registry", "show", "2").out


def test_an_amendment_found_by_its_agreements_parties(run, db, amendment_packages,
                                                      monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2028-07-01")
    assert run("registry", "add", amendment_packages / "uglovsky-borodulikha-2027").code == 0
    for status, on in (("notice-sent", "20.01.2027"), ("sent-for-approval", "25.02.2027"),
                       ("approved", "24.03.2027"), ("signed", "14.04.2027"),
                       ("filed-for-registration", "20.04.2027"), ("registered", "30.04.2027"),
                       ("in-force", "30.04.2027")):
        assert run("registry", "set", "1", status, "--date", on).code == 0
    added = run("registry", "add", amendment_packages / "uglovsky-2028-areas")
    assert added.code == 0, added.err
    assert "an amendment of № 1" in added.out
    row = _entry(db, 2)
    assert row["amends_id"] == 1 and row["track"] == "municipal"
    # The amendment names the agreement by its answers file; its title takes the date of
    # signing the register knows.
    assert "от 14.04.2027 № 3" in row["title"].replace("\u00a0", " ")
    # An amendment goes the agreement's procedure: approved before signed, registered before
    # it takes effect (179-FZ Art. 12).
    refused = run("registry", "set", "2", "in-force", "--date", "01.06.2028")
    assert refused.code == 1 and "only after the steps" in refused.err


def test_an_amendment_of_an_agreement_not_in_the_register_is_recorded_unlinked(
        run, db, amendment_packages):
    added = run("registry", "add", amendment_packages / "pavlodar-2012-term")
    assert added.code == 0, added.err
    assert "warning: not linked: the register holds no agreement between these parties " \
           "signed on 19.09.2012" in added.err
    row = _entry(db)
    assert row["amends_id"] is None and row["amendment_number"] == 1
    assert "not linked" in _history(db)[0]["note"]
    assert "amends         not linked" in run("registry", "show", "1").out


# --- 6. a notice recorded ------------------------------------------------------------------------

def test_a_notice_recorded_ends_the_agreement_on_its_day(run, db, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2027-02-01")
    assert run("registry", "import", SAMPLES / "register" / "before-xbdocs.yaml",
               "--answers-dir", SAMPLES).code == 0
    register = store.open_register(str(db))
    with pytest.raises(store.RegistryError, match="after today"):
        register.record_notice(2, "non-renewal", D(2027, 2, 2), D(2027, 9, 18), "01-07/55",
                               today=D(2027, 2, 1))
    with pytest.raises(store.RegistryError, match="a notice is «non-renewal», «termination»"):
        register.record_notice(2, "farewell", D(2027, 2, 1), D(2027, 9, 18))
    entry = register.record_notice(2, "non-renewal", D(2027, 2, 1), D(2027, 9, 18),
                                   "01-07/55", by="Кузнецова О.И.", today=D(2027, 2, 1))
    register.engine.dispose()
    assert entry.status == "renewed" and entry.ends_on == D(2027, 9, 18)
    row, last = _entry(db, 2), _history(db, 2)[-1]
    assert (_day(row["ends_on"]), row["ends_as"], row["status"]) == (D(2027, 9, 18), "expired",
                                                                     "renewed")
    assert (last["kind"], last["number"], _day(last["on"]), last["by"]) == (
        "notice", "01-07/55", D(2027, 2, 1), "Кузнецова О.И.")
    due = run("registry", "due", "--all").out
    assert "18.09.2027" in due and "№ 2: the agreement ends: «expired» on 18.09.2027" in due
    assert "№ 2: last day to give notice" not in due
    shown = run("registry", "show", "2").out
    assert "ends           «expired» on 18.09.2027" in shown
    assert "notice (non-renewal) sent 01.02.2027 № 01-07/55" in shown
    renewed = run("registry", "set", "2", "renewed", "--date", "01.02.2027")
    assert renewed.code == 1
    assert "№ 2 is not renewed: a notice against renewal is recorded, it ends on 18.09.2027" \
        in renewed.err
    early = run("registry", "set", "2", "expired", "--date", "01.09.2027")
    assert early.code == 1 and "after today" in early.err
    monkeypatch.setenv("XBDOCS_TODAY", "2027-09-10")
    before = run("registry", "set", "2", "expired", "--date", "10.09.2027")
    assert before.code == 1
    assert "date: by the notice recorded № 2 ends on 18.09.2027: «expired» not before that " \
           "day" in before.err
    monkeypatch.setenv("XBDOCS_TODAY", "2027-09-20")
    ended = run("registry", "set", "2", "expired")
    assert ended.code == 0, ended.err
    row = _entry(db, 2)
    assert (row["status"], _day(row["status_on"])) == ("expired", D(2027, 9, 18))
    assert run("registry", "due", "--all").out.count("№ 2") == 0


def test_a_notice_ends_only_an_agreement_in_force(db, run, tmp_path):
    _import(run, tmp_path, "uglovsky-borodulikha-municipal")
    register = store.open_register(str(db))
    with pytest.raises(store.RegistryError, match="a notice ends an agreement in force"):
        register.record_notice(1, "termination", D(2027, 2, 1), D(2027, 8, 1))
    register.engine.dispose()
    assert [h["kind"] for h in _history(db)] == ["added"]
