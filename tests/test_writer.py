"""The DOCX as Word reads it: page, fonts, styles, footer field, tables."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from docx.shared import Mm

from tests.conftest import SAMPLES, sample
from xbdocs import answers, assembler, writer
from xbdocs.model import Block, Paragraph, ParallelDocument, Run
from xbdocs.model import Document as ModelDocument

KAZAKH_LETTERS = "әғқңөұүһі"


@pytest.fixture(scope="module")
def assembly():
    return assembler.assemble(answers.load(SAMPLES / "altai-pavlodar-2012.yaml"))


@pytest.fixture(scope="module")
def parallel_bytes(assembly):
    return writer.write_parallel(assembly.parallel)


def _xml(data: bytes, part: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(part).decode("utf-8")


def test_page_is_a4_with_page_numbers(parallel_bytes):
    document = Document(io.BytesIO(parallel_bytes))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    # GOST R 7.0.97-2016, 5.1: numbered at the top centre from the second page (issue 23)
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and "fldChar" in header_xml
    assert 'w:val="center"' in header_xml
    assert section.different_first_page_header_footer
    assert "PAGE" not in section.first_page_header._element.xml
    assert "PAGE" not in section.footer._element.xml


def test_no_theme_fonts_override_the_chosen_font(parallel_bytes):
    styles = _xml(parallel_bytes, "word/styles.xml")
    assert not re.search(r"w:(asciiTheme|hAnsiTheme|cstheme|eastAsiaTheme)=", styles)
    assert 'w:ascii="Times New Roman"' in styles
    document = Document(io.BytesIO(parallel_bytes))
    for name in ("Normal", "XB Body", "Heading 1", "XB Title"):
        assert document.styles[name].font.name == "Times New Roman"
    assert document.styles["XB Body"].font.size.pt == 12


def test_single_language_body_is_14pt_justified(assembly):
    document = Document(io.BytesIO(writer.write(assembly.documents["ru"])))
    body = document.styles["XB Body"]
    assert body.font.size.pt == 14
    assert body.paragraph_format.alignment == 3  # justify
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Статья 1. Предмет Соглашения"


def test_parallel_rows_match_clause_for_clause(parallel_bytes, assembly):
    table = Document(io.BytesIO(parallel_bytes)).tables[0]
    assert len(table.rows) == len(assembly.parallel.rows())
    numbered = 0
    for row in table.rows:
        left, right = row.cells[0].text, row.cells[1].text
        left_number = re.match(r"(\d+\.\d+)\. ", left)
        right_number = re.match(r"(\d+\.\d+)\. ", right)
        assert bool(left_number) == bool(right_number)
        if left_number:
            numbered += 1
            assert left_number[1] == right_number[1]
        article = re.match(r"Статья (\d+)\.", left)
        if article:
            assert right.startswith(f"{article[1]}-бап.")
    assert numbered >= 15


def test_kazakh_letters_and_languages_survive():
    data = sample()
    data["custom_areas"] = [{"ru": "связи между городами", "kk": "шаһарлар арасындағы байланыс"}]
    result = assembler.assemble(answers.parse(data, {}))
    parallel_bytes = writer.write_parallel(result.parallel)
    text = "\n".join(row.cells[1].text for row in Document(io.BytesIO(parallel_bytes))
                     .tables[0].rows)
    for letter in KAZAKH_LETTERS:
        assert letter in text, letter
    assert 'w:val="kk-KZ"' in _xml(parallel_bytes, "word/document.xml")


def test_signature_blocks_side_by_side(assembly):
    document = Document(io.BytesIO(writer.write(assembly.documents["kk"])))
    signatures = document.tables[-1]
    assert len(signatures.columns) == 2
    assert "Алтай өлкесінің әкімшілігі үшін" in signatures.cell(0, 0).text
    assert "Павлодар облысының әкімдігі үшін" in signatures.cell(0, 1).text


def test_properties(parallel_bytes):
    core = Document(io.BytesIO(parallel_bytes)).core_properties
    assert core.title.startswith("СОГЛАШЕНИЕ")
    assert "xbdocs" in core.keywords


def test_writer_takes_any_model():
    """The writer knows blocks, not agreements."""
    left = ModelDocument("ru", [Block("a", "heading", [Paragraph([Run("Раздел")], "heading")],
                                     label="Часть 1."),
                                Block("b", "clause", [Paragraph([Run("жирный", bold=True),
                                                                 Run(" и "),
                                                                 Run("курсив", italic=True)])],
                                      label="1.1.")])
    right = ModelDocument("kk", [Block("a", "heading", [Paragraph([Run("Бөлім")], "heading")],
                                       label="1-бөлік."),
                                 Block("b", "clause", [Paragraph([Run("мәтін")])], label="1.1.")])
    document = Document(io.BytesIO(writer.write_parallel(ParallelDocument(left, right))))
    cell = document.tables[0].cell(1, 0)
    runs = cell.paragraphs[0].runs
    assert cell.text == "1.1. жирный и курсив"
    assert [r.bold for r in runs if r.text == "жирный"] == [True]
    assert [r.italic for r in runs if r.text == "курсив"] == [True]


def _parts(data: bytes) -> dict[str, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_core_properties_carry_the_build_date_and_the_document_language(run, tmp_path,
                                                                        monkeypatch):
    import datetime as dt

    from docx import Document

    from tests.conftest import SAMPLES

    monkeypatch.setenv("XBDOCS_TODAY", "03.09.2026")
    assert run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path).code == 0
    ru = Document(str(tmp_path / "agreement.ru.docx")).core_properties
    kk = Document(str(tmp_path / "agreement.kk.docx")).core_properties
    both = Document(str(tmp_path / "agreement.ru-kk.docx")).core_properties
    assert ru.created == ru.modified == dt.datetime(2026, 9, 3, tzinfo=dt.UTC)
    assert ru.title.startswith("СОГЛАШЕНИЕ") and ru.language == "ru-RU"
    assert kk.title.startswith("Ресей") or "КЕЛІСІМ" in kk.title
    assert "сентября" not in kk.title and kk.language == "kk-KZ"
    assert ru.subject == "Соглашение о приграничном сотрудничестве"
    assert kk.subject == "Шекара маңындағы ынтымақтастық туралы келісім"
    assert " / " in both.title


def test_documents_do_not_depend_on_the_message_language_or_the_hour(run, tmp_path,
                                                                    monkeypatch):
    import time

    from tests.conftest import SAMPLES

    monkeypatch.setenv("XBDOCS_TODAY", "2026-09-03")
    sample = SAMPLES / "uglovsky-borodulikha-municipal.yaml"

    def build(folder, lang):
        result = run("build", sample, "-o", folder, "--stage", "all", "--no-sheet-count",
                     lang=lang)
        assert result.code == 0, result.err

    build(tmp_path / "en", "en")
    time.sleep(2.1)  # a ZIP stores times to two seconds
    build(tmp_path / "ru", "ru")
    docx = sorted(p.name for p in (tmp_path / "en").glob("*.docx"))
    assert len(docx) >= 10
    for name in docx:
        assert (tmp_path / "en" / name).read_bytes() == (tmp_path / "ru" / name).read_bytes(), name


def test_signatures_never_split_across_pages(run, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    from tests.conftest import SAMPLES

    assert run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path).code == 0
    for name in ("agreement.ru-kk.docx", "agreement.ru.docx", "agreement.kk.docx"):
        rows = [row for table in Document(str(tmp_path / name)).tables for row in table.rows]
        whole = [row for row in rows if row._tr.trPr is not None
                 and row._tr.trPr.find(qn("w:cantSplit")) is not None]
        # the signatures' row, and in the parallel text every short row too (issue 23)
        assert len(whole) == 1 or name == "agreement.ru-kk.docx", name
        assert "_______________" in "".join(cell.text for cell in whole[-1].cells), name


def test_the_package_is_a_sound_zip_without_the_template_leftovers():
    from tests.writer_models import parallel, single
    data = writer.write(single())
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        names = package.namelist()
        assert names[0] == "[Content_Types].xml"
        assert not [n for n in names if "thumbnail" in n or "stylesWithEffects" in n
                    or n.startswith("customXml/")]
        content_types = package.read("[Content_Types].xml").decode()
        assert "jpeg" not in content_types and "stylesWithEffects" not in content_types
        assert {info.date_time for info in package.infolist()} == {(2027, 3, 1, 0, 0, 0)}
    # The same model gives the same bytes; the cached skeleton is not changed by a write.
    assert writer.write(single()) == data
    assert writer.write_parallel(parallel()) == writer.write_parallel(parallel())


def test_comments_part_only_when_the_document_has_remarks():
    plain = ModelDocument("ru", [Block("b", "text", [Paragraph([Run("Текст")])])])
    remarked = ModelDocument("ru", [Block("b", "text", [Paragraph([Run("Текст", comment="Да")])])])
    for model, expected in ((remarked, ["Да"]), (plain, []), (remarked, ["Да"])):
        document = Document(io.BytesIO(writer.write(model)))
        assert [c.text for c in document.comments] == expected
        with zipfile.ZipFile(io.BytesIO(writer.write(model))) as package:
            assert ("word/comments.xml" in package.namelist()) == bool(expected)
