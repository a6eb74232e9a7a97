"""The law a document cites for a district's powers is marked where it lands while the day
131-FZ gives way to 33-FZ is not verified (acts.yaml: laws, verified: false; issue 23): a
Word comment on the citation in the explanatory note, a line of the check sheet and a line
of `xbdocs check`, all the same note and only where a document cites the law. Once the
department records the day (`xbdocs facts set laws.fz-33-2025`), the documents cite the
law of that day and the note is gone. Each is read back from the built DOCX or the
command's output."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from docx import Document
from lxml import etree

import xbdocs
from tests.conftest import SAMPLES, docx_text, plain, sample
from tests.test_law_on_date import _in_year
from xbdocs import catalogue, i18n
from xbdocs.errors import InputError
from xbdocs.registry.facts import CATALOGUE, Facts
from xbdocs.registry.store import open_register

MUNICIPAL = "uglovsky-borodulikha-municipal"
PLACE = "laws.fz-33-2025"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHAT = "Не проверено: закон о полномочиях муниципального образования на дату документа и " \
    "день перехода к новому закону."
#: The citation each year's explanatory note prints, and the law as the check sheet names it.
CITED = {
    2027: ("Федеральному закону от 20.03.2025 № 33-ФЗ «Об общих принципах организации "
           "местного самоуправления в единой системе публичной власти»",
           "Федеральный закон от 20.03.2025 № 33-ФЗ"),
    2026: ("Федеральному закону от 06.10.2003 № 131-ФЗ «Об общих принципах организации "
           "местного самоуправления в Российской Федерации»",
           "Федеральный закон от 06.10.2003 № 131-ФЗ"),
}


def _answers(year: int) -> dict:
    return _in_year(sample(MUNICIPAL), year)


def _render(data: dict, stage: str = "approval", **options):
    return xbdocs.render_package(data, stage=stage, today=dt.date(2026, 12, 3),
                                 count_sheets=False, **options)


def _anchored(data: bytes) -> dict[str, tuple[str, str]]:
    """Each Word comment of a DOCX by id: the text it is anchored on, and its own text."""
    with zipfile.ZipFile(_file(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        comments = etree.fromstring(archive.read("word/comments.xml")) \
            if "word/comments.xml" in archive.namelist() else None
    open_, anchored = set(), {}
    for element in body.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        key = element.get(f"{W}id")
        if element.tag == f"{W}commentRangeStart":
            open_.add(key)
            anchored[key] = ""
        elif element.tag == f"{W}commentRangeEnd":
            open_.discard(key)
        else:
            for key in open_:
                anchored[key] += element.text or ""
    texts = {c.get(f"{W}id"): "".join(c.itertext()) for c in comments} \
        if comments is not None else {}
    return {key: (anchored.get(key, "").replace("\u00a0", " "), text)
            for key, text in texts.items()}


def _file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def _text(data: bytes) -> str:
    """A DOCX's paragraphs, as the tests read them."""
    return plain("\n".join(p.text for p in Document(_file(data)).paragraphs))


def _law_notes(package) -> list:
    return [note for note in package.unverified if note.place.startswith("laws.")]


@pytest.mark.parametrize("year", [2027, 2026])
def test_the_cited_law_carries_its_note_as_a_comment(year):
    package = _render(_answers(year))
    citation, _law = CITED[year]
    found = [text for anchor, text in _anchored(package.files["explanatory-note.docx"])
             .values() if anchor == citation]
    assert len(found) == 1, "the comment is anchored on the citation itself"
    comment = found[0]
    assert comment.startswith(WHAT)
    assert "Источник: Федеральный закон от" in comment
    assert ("с 01.01.2027" if year == 2027 else "применяются до 31.12.2026") in comment
    assert "вторичный источник" in comment
    assert "официальным опубликованием закона (pravo.gov.ru)" in comment
    assert "со статьёй о вступлении его в силу" in comment
    assert f"xbdocs facts set {PLACE} --field from=ДД.ММ.ГГГГ --source «…»" in comment
    # Never a developer's file nor a file inside the installed package.
    for word in ("domain.md", "[S]", ".yaml", "verified: true"):
        assert word not in comment, word


@pytest.mark.parametrize("year", [2027, 2026])
def test_the_check_sheet_lists_the_law_where_it_stands(year, write_answers, tmp_path):
    from xbdocs.build import build

    build(write_answers(_answers(year)), tmp_path, stage="approval",
          today=dt.date(2026, 12, 3), count_sheets=False)
    sheet = docx_text(tmp_path / "check-sheet.docx")
    _citation, law = CITED[year]
    assert f"Закон о полномочиях муниципального образования на дату документа и день " \
           f"перехода к новому закону: {law}" in sheet
    row = next(line for line in sheet.split("\n") if line.startswith("Закон о полномочиях"))
    index = sheet.split("\n").index(row)
    assert sheet.split("\n")[index + 1] == "explanatory-note.docx"
    assert f"xbdocs facts set {PLACE} --field from=" in sheet


@pytest.mark.parametrize("year", [2027, 2026])
def test_check_prints_the_law_to_verify(year, run, write_answers):
    path = write_answers(_answers(year))
    result = run("check", path, "--stage", "approval", lang="ru")
    assert result.code == 0, result.err
    _citation, law = CITED[year]
    line = next(line for line in result.out.splitlines() if PLACE in line)
    assert line.startswith("предупреждение: не проверено: закон о полномочиях муниципального "
                           f"образования на дату документа и день перехода к новому закону "
                           f"«{law}» (Федеральный закон от")
    assert line.endswith(f"после проверки запишите день: xbdocs facts set {PLACE} "
                         "--field from=ДД.ММ.ГГГГ [XB012]")
    assert "…" in line and len(line) <= 400  # the source shortened, what to do kept whole
    listed = json.loads(run("check", path, "--stage", "approval", "--format", "json",
                            lang="en").out)
    assert [f["code"] for f in listed if PLACE in f["message"]] == ["XB012"]


def test_the_doors_agree_on_the_law_note():
    """collect()'s list (the package's unverified values), the files it stands in, the
    comments of those files and check's findings: one note, the same everywhere."""
    package = _render(_answers(2027), stage="all")
    notes = _law_notes(package)
    assert len(notes) == 1
    note = notes[0]
    assert package.places[note] == ["explanatory-note.docx"]
    commented = sorted(name for name, data in package.files.items() if name.endswith(".docx")
                       and any(text == note.comment() for _a, text in _anchored(data).values()))
    assert commented == ["explanatory-note.docx"]
    with i18n.language("en"):
        findings = xbdocs.review(_answers(2027), stage="all", today=dt.date(2026, 12, 3))
        assert [f.text for f in findings if PLACE in f.text] == [note.line()]


@pytest.mark.parametrize("name, stage", [(MUNICIPAL, "agreement"), (MUNICIPAL, "registration"),
                                         ("altai-pavlodar-2012", "approval"),
                                         ("altai-pavlodar-2012", "all")])
def test_no_note_where_no_document_cites_the_law(name, stage, run):
    """The agreement and the registration set cite no law by its role, nor does the regional
    track's explanatory note: no note, no line, no comment."""
    package = _render(sample(name), stage=stage)
    assert _law_notes(package) == []
    assert not any("laws." in text for name_, data in package.files.items()
                   if name_.endswith(".docx") for _a, text in _anchored(data).values())
    assert PLACE not in run("check", SAMPLES / f"{name}.yaml", "--stage", stage).out


# --- the department records the day -------------------------------------------------------

@pytest.fixture
def facts(tmp_path):
    return Facts(open_register(str(tmp_path / "r.sqlite3")))


def _with(facts: Facts):
    return catalogue.using(catalogue.with_parties(catalogue.shipped(), facts.parties()))


@pytest.mark.parametrize("year", [2027, 2026])
def test_a_recorded_day_is_used_and_no_longer_flagged(facts, year):
    facts.set(PLACE, {"from": "01.01.2027"}, "Федеральный закон от 20.03.2025 № 33-ФЗ, "
              "статья о вступлении в силу (pravo.gov.ru)", by="petrov",
              on=dt.date(2026, 12, 1))
    with _with(facts):
        package = _render(_answers(year))
        findings = xbdocs.review(_answers(year), stage="approval", today=dt.date(2026, 12, 3))
    assert _law_notes(package) == []
    note = _text(package.files["explanatory-note.docx"])
    assert CITED[year][0] in note
    assert not any(PLACE in f.text for f in findings)
    assert not any("laws." in text for _a, text in
                   _anchored(package.files["explanatory-note.docx"]).values())
    # The shipped catalogue is untouched.
    assert not catalogue.load().law_for("municipal-powers", dt.date(2027, 1, 1)).verified


def test_the_documents_cite_the_law_of_the_recorded_day(facts):
    """Had the official text said 01.03.2027, a note dated 25.02.2027 would still cite
    131-FZ."""
    facts.set(PLACE, {"from": "01.03.2027"}, "официальное опубликование", by="petrov")
    with _with(facts):
        note = _text(_render(_answers(2027)).files["explanatory-note.docx"])
        cat = catalogue.load()
    assert CITED[2026][0] in note and "33-ФЗ" not in note
    old, new = (cat.law_for("municipal-powers", dt.date(2027, 2, 28)),
                cat.law_for("municipal-powers", dt.date(2027, 3, 1)))
    assert (old.number, old.in_force.end) == ("131-ФЗ", dt.date(2027, 2, 28))
    assert (new.number, new.in_force.start) == ("33-ФЗ", dt.date(2027, 3, 1))
    assert old.verified and new.verified
    assert "проверено: petrov" in new.source


@pytest.mark.parametrize("place, fields, says", [
    ("laws.fz-131-2003", {"from": "01.01.2027"}, "laws.fz-131-2003: not the day of a law "
                                                  "xbdocs cites; one of laws.fz-33-2025"),
    ("laws.fz-1-2000", {"from": "01.01.2027"}, "not the day of a law xbdocs cites"),
    (PLACE, {"until": "01.01.2027"}, "until: not a field of a law's day; one of from"),
    (PLACE, {}, "from: give the day the law takes effect"),
    (PLACE, {"from": "31.02.2027"}, "from: «31.02.2027» is not a day of the calendar"),
    (PLACE, {"from": "01.01.2003"}, "from: 01.01.2003 is not after the day the Federal Law "
                                    "№ 131-ФЗ it replaces took effect (08.10.2003)"),
])
def test_a_day_that_cannot_be_kept_is_refused_naming_why(facts, place, fields, says):
    with pytest.raises(InputError) as caught:
        facts.set(place, fields, "pravo.gov.ru", by="petrov")
    assert says in str(caught.value)
    assert facts.all(CATALOGUE) == []


def test_the_command_records_the_day_and_check_no_longer_flags_it(run, tmp_path,
                                                                   monkeypatch):
    """On one computer: `xbdocs facts set laws.fz-33-2025 --field from=…`, as the note
    says, and `check` and `build` use it."""
    monkeypatch.setenv("XBDOCS_DB", str(tmp_path / "r.sqlite3"))
    path = SAMPLES / f"{MUNICIPAL}.yaml"
    assert PLACE in run("check", path, "--stage", "approval").out
    result = run("facts", "set", PLACE, "--field", "from=01.01.2027", "--source",
                 "pravo.gov.ru, 20.03.2025", "--by", "petrov")
    assert result.code == 0, result.err
    after = run("check", path, "--stage", "approval")
    assert after.code == 0 and PLACE not in after.out
    built = run("build", path, "--stage", "approval", "-o", tmp_path / "out",
                "--no-sheet-count")
    assert built.code == 0, built.err
    assert "33-ФЗ" in docx_text(tmp_path / "out" / "explanatory-note.docx")
    assert "laws." not in docx_text(tmp_path / "out" / "check-sheet.docx")
