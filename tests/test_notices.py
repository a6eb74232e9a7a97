"""Ending an agreement: the notice to the other Party under the agreement's own clauses,
with the last day to give it, from the register."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from tests.conftest import SAMPLES, docx_text
from xbdocs import answers, assembler, notices
from xbdocs.errors import XbdocsError


@pytest.fixture
def register(run, tmp_path, monkeypatch):
    """The shipped register import: the 2012 Pavlodar agreement is № 2, in force since
    19.09.2012 and renewed to 18.09.2027, notice 6 months."""
    monkeypatch.setenv("XBDOCS_DB", str(tmp_path / "registry.sqlite3"))
    result = run("registry", "import", SAMPLES / "register" / "before-xbdocs.yaml",
                 "--answers-dir", SAMPLES)
    assert result.code == 0, result.err
    return tmp_path


def _clause(text: str, number: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"{number}."))


def test_a_notice_against_renewal_cites_the_renewal_clause(run, register, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2026-12-03")
    out = register / "notice"
    result = run("notice", "2", "--kind", "non-renewal", "--number", "01-15/77", "-o", out)
    assert result.code == 0, result.err
    assert "the last day to send this notice: 18.03.2027" in result.out
    russian, kazakh = docx_text(out / "ending-notice.ru.docx"), docx_text(
        out / "ending-notice.kk.docx")
    assert "03.12.2026 № 01-15/77" in russian and "Акиму Павлодарской области" in russian
    assert "В соответствии с пунктом 9.3 Соглашения между Администрацией Алтайского края" \
        in russian and "от 19.09.2012 (далее — Соглашение)" in russian
    assert "Действие Соглашения прекращается 18 сентября 2027 года" in russian
    assert "9.3-тармағына сәйкес" in kazakh and "2027 жылғы 18 қыркүйекте" in kazakh
    assert "9.5-тармағына сәйкес" in kazakh
    # The clause cited is the agreement's own clause on renewal.
    agreement = assembler.assemble(answers.load(SAMPLES / "altai-pavlodar-2012.yaml"))
    numbers = assembler.clause_numbers(agreement.documents["ru"])
    assert numbers["final.renewal"] == "9.3" and numbers["final.survival"] == "9.5"
    both = docx_text(out / "ending-notice.ru-kk.docx")
    assert "УВЕДОМЛЕНИЕ" in both and "ХАБАРЛАМА" in both


def test_a_notice_against_renewal_too_late_is_refused_with_the_day(run, register,
                                                                    monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2027-04-01")
    result = run("notice", "2", "--kind", "non-renewal", "-o", register / "late")
    assert result.code == 1
    assert "the last day to give notice against renewal was 18.03.2027" in result.err
    assert "--kind termination" in result.err
    assert not (register / "late").exists()


def test_a_termination_ends_the_notice_period_after_receipt(run, register, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2027-04-01")
    out = register / "notice"
    early = run("notice", "2", "--kind", "termination", "--date", "05.04.2027", "-o", out)
    assert early.code == 1 and "--date 05.04.2027 is after today" in early.err
    assert not out.exists()
    result = run("notice", "2", "--kind", "termination", "--date", "05.04.2027", "-o", out,
                 "--no-record")
    assert result.code == 0, result.err
    assert "not before 05.10.2027" in result.out and "recorded" not in result.out
    russian = docx_text(out / "ending-notice.ru.docx")
    assert "пунктом 9.4" in russian and "не ранее 5 октября 2027 года" in russian
    assert "6 (шести) месяцев с даты получения" in russian
    # The Kazakh wording no lawyer has checked carries its note.
    with zipfile.ZipFile(out / "ending-notice.kk.docx") as package:
        assert "word/comments.xml" in package.namelist()


def test_the_kinds_the_agreement_does_not_allow():
    loaded = answers.load(SAMPLES / "altai-pavlodar-2012.yaml")
    day = dt.date(2026, 12, 3)
    fixed = loaded.model_copy(update={"term": loaded.term.model_copy(
        update={"renewal": False})})
    with pytest.raises(XbdocsError, match="does not renew itself"):
        notices.ending(fixed, "non-renewal", day, dt.date(2027, 9, 18))
    with pytest.raises(XbdocsError, match="period is not known"):
        notices.ending(loaded, "non-renewal", day, None)
    assert notices.ending(loaded, "termination", day, None).ends_on == dt.date(2027, 6, 3)


def test_no_such_entry(run, register):
    result = run("notice", "99", "--kind", "termination", "-o", register / "x")
    assert result.code == 1 and "no agreement № 99" in result.err


def test_a_number_with_a_control_character_is_refused(run, register):
    result = run("notice", "2", "--kind", "termination", "--number", "\x1b[2J",
                 "-o", register / "x")
    assert result.code == 1 and "--number: contains the control character U+001B" in result.err
    assert not (register / "x").exists()


def test_a_notice_sent_is_recorded_and_the_register_ends_the_agreement(run, register,
                                                                       monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2026-12-03")
    result = run("notice", "2", "--kind", "non-renewal", "--number", "01-15/77",
                 "-o", register / "notice")
    assert result.code == 0, result.err
    assert "recorded in the register: № 2" in result.out
    shown = run("registry", "show", "2").out
    assert "01-15/77" in shown and "18.09.2027" in shown
    # Before its day the agreement cannot be recorded as expired; on it, it can.
    assert run("registry", "set", "2", "expired").code == 1
    monkeypatch.setenv("XBDOCS_TODAY", "2027-09-20")
    ended = run("registry", "set", "2", "expired", "--date", "18.09.2027")
    assert ended.code == 0, ended.err


def test_a_notice_the_register_refuses_leaves_no_documents(run, tmp_path, monkeypatch):
    """A draft is not in force: the notice is refused before anything is written."""
    monkeypatch.setenv("XBDOCS_DB", str(tmp_path / "registry.sqlite3"))
    built = run("build", SAMPLES / "uglovsky-borodulikha-municipal.yaml", "-o",
                tmp_path / "package", "--no-sheet-count")
    assert built.code == 0, built.err
    assert run("registry", "add", tmp_path / "package").code == 0
    result = run("notice", "1", "--kind", "termination", "-o", tmp_path / "notice")
    assert result.code == 1 and "a notice ends an agreement in force" in result.err
    assert not (tmp_path / "notice").exists()


def test_documents_that_cannot_be_written_take_the_record_back(run, register, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2026-12-03")
    out = register / "notice"
    assert run("notice", "2", "--kind", "non-renewal", "-o", out).code == 0
    again = run("notice", "2", "--kind", "non-renewal", "-o", out)
    assert again.code == 1 and "use --force to overwrite" in again.err
    shown = run("registry", "show", "2").out
    assert "the notice's documents were not written" in shown
    assert "undo of «notice 03.12.2026»" in shown
