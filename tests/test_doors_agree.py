"""Every door reports the same findings for the same answers and stage: `xbdocs check`,
`xbdocs build`, a batch item and the Python API (:func:`xbdocs.package.review`, which the
interview's review uses too). Once `check` missed a code the assembler made; this test
compares the doors themselves, not a door with its own idea of the list."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import SAMPLES
from xbdocs import answers, office
from xbdocs.batch import runner
from xbdocs.batch.items import Item
from xbdocs.errors import printable
from xbdocs.findings import ERROR
from xbdocs.package import Options, review
from xbdocs.stages import STAGES

TODAY = dt.date(2026, 12, 3)
CASES = [(path.stem, stage) for path in sorted(SAMPLES.glob("*.yaml")) for stage in STAGES]


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", TODAY.isoformat())


def _expected(name: str, stage: str) -> list:
    return review(answers.load(SAMPLES / f"{name}.yaml"), stage=stage, today=TODAY)


@pytest.mark.parametrize("name, stage", CASES)
def test_check_and_build_print_the_same_findings(run, tmp_path, name, stage):
    expected = _expected(name, stage)
    assert expected, "every sample has something worth knowing (the blank fields at least)"
    path = SAMPLES / f"{name}.yaml"
    checked = run("check", path, "--stage", stage, "--format", "json")
    assert json.loads(checked.out) == [f.as_dict() for f in expected]
    built = run("build", path, "-o", tmp_path / "out", "--stage", stage, "--no-sheet-count")
    errors = [f for f in expected if f.severity == ERROR]
    if errors:
        assert built.code == 1 and checked.code == 1
        assert [line for line in built.err.splitlines() if line.startswith("error: ")] == [
            printable(f"error: {f}") for f in errors]
        return
    assert built.code == 0 and checked.code == 0
    assert [line for line in built.err.splitlines() if line.startswith("warning: ")] == [
        printable(f"warning: {f}") for f in expected]


@pytest.mark.parametrize("name, stage", [case for case in CASES if case[1] == "all"])
def test_a_batch_item_reports_the_same_findings(tmp_path, name, stage):
    expected = _expected(name, stage)
    item = Item(name, f"{name}.yaml", SAMPLES / f"{name}.yaml")
    outcome = runner.build_item(item, tmp_path, Options(stage, count_sheets=False), False,
                                TODAY)
    if any(f.severity == ERROR for f in expected):
        assert outcome.status == runner.FAILED
        assert outcome.messages == tuple(str(f) for f in expected if f.severity == ERROR)
    else:
        assert outcome.status == runner.BUILT
        assert outcome.messages == tuple(str(f) for f in expected)


def test_the_build_adds_only_the_sheet_count_notice(tmp_path):
    """Counting sheets needs LibreOffice; without it the build says so (XB019), which is
    about the machine, not the answers: the one finding `check` cannot have."""
    from xbdocs.package import render

    loaded, text = answers.load_with_text(SAMPLES / "altai-pavlodar-2012.yaml")
    rendered = render(loaded, "a.yaml", Options("approval"), TODAY, text)
    extra = [f.code for f in rendered.findings if f not in review(
        loaded, stage="approval", today=TODAY)]
    assert extra == ([] if office.soffice() else ["XB019"])


def _comments(data: bytes) -> set[str]:
    """The texts of a DOCX's Word comments."""
    import io
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "word/comments.xml" not in archive.namelist():
            return set()
        root = etree.fromstring(archive.read("word/comments.xml"))
    return {"".join(comment.itertext()) for comment in root}


@pytest.mark.parametrize("name, stage", CASES)
def test_the_notes_of_the_laws_cited_agree_at_every_door(name, stage):
    """A law a document cites without a verified day (131-FZ → 33-FZ): the package's list
    of unverified values (collect), the files it says the note stands in, the Word comments
    of the files and `check`'s lines name the same notes — and none where nothing cites a
    law."""
    from xbdocs import unverified
    from xbdocs.package import render_package

    expected = _expected(name, stage)
    if any(f.severity == ERROR for f in expected):
        return
    package = render_package(SAMPLES / f"{name}.yaml", stage=stage, today=TODAY,
                             count_sheets=False, lang="en")
    laws = [note for note in package.unverified if unverified.is_law(note)]
    commented = {file: _comments(data) for file, data in package.files.items()
                 if file.endswith(".docx")}
    for note in laws:
        where = [file for file, texts in commented.items() if note.comment() in texts]
        assert where and package.places[note] == where, (note.place, where)
    assert not [text for texts in commented.values() for text in texts
                if "laws." in text and text not in {note.comment() for note in laws}]
    assert [f.text for f in expected if f.code == "XB012" and "laws." in f.text] == [
        note.line() for note in laws]
    # The one template citing a law by its role: the explanatory note, on the municipal
    # track (the samples are dated, none with the day verified).
    cites = "explanatory-note.docx" in package.files and \
        answers.load(SAMPLES / f"{name}.yaml").track == "municipal"
    assert bool(laws) == cites, (name, stage)
