"""The browser preview (xbdocs/writer/html.py) says what the DOCX says: for every document
of the sample packages, the visible text of the HTML equals the text of the DOCX made from
the same model, and its list of notes the DOCX's comments; unverified values are marked
with their note; hostile text comes out as text."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
from html.parser import HTMLParser

import lxml.html
import pytest
from docx import Document as DocxDocument
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

import xbdocs
from tests import writer_models
from tests.conftest import SAMPLES
from tests.test_architecture import import_graph
from xbdocs import writer
from xbdocs.model import Block, Document, Paragraph, ParallelDocument, Run
from xbdocs.writer.html import STYLESHEET, html, html_parallel

TODAY = dt.date(2026, 12, 3)
SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))
HOSTILE = "<script>alert(1)</script>\" onmouseover=\"alert(2)\" x='y' &amp; &lt;b&gt;"
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")  # not the no-break space: it must survive as it is
#: Classes for a page to find things by (a block, a label), with no look of their own.
HOOKS = {"xb-block", "xb-columns", "xb-left", "xb-mark"}
_VOID = {"br", "col", "hr", "img", "input", "meta", "link", "wbr"}
_BLOCK_TAGS = {"article", "footer", "div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
               "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "colgroup", "br"}


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


# --- reading the two formats -------------------------------------------------------------------

class _Reader(HTMLParser):
    """The text a browser shows of a fragment (block elements and ``<br>`` break lines),
    apart from the notes list (the DOCX's comment margin), which is read on its own; the
    tags and attributes met; whether every element closes where it opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.notes: list[str] = []
        self.in_notes = False
        self.in_note = False
        self.stack: list[str] = []
        self.misnested: list[str] = []
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.classes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _value in attrs)
        classes = (dict(attrs).get("class") or "").split()
        self.classes.update(classes)
        if tag == "footer" and "xb-notes" in classes:
            self.in_notes = True
        if self.in_notes and tag == "li":
            self.in_note = True
            self.notes.append("")
        if tag in _BLOCK_TAGS and not self.in_notes:
            self.text.append("\n")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.misnested.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()
        if tag == "li":
            self.in_note = False
        if tag == "footer" and self.in_notes:
            self.in_notes = False
        elif tag in _BLOCK_TAGS and not self.in_notes:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_note:
            self.notes[-1] += data
        elif not self.in_notes:
            self.text.append(data)


def read_html(fragment: str) -> _Reader:
    reader = _Reader()
    reader.feed(fragment)
    reader.close()
    assert not reader.misnested and not reader.stack, (reader.misnested, reader.stack)
    return reader


def html_text(fragment: str) -> str:
    return _collapse("".join(read_html(fragment).text))


def docx_text(data: bytes) -> str:
    """The DOCX's paragraphs and table cells in reading order (a table inside a cell too)."""
    def inner(container) -> list[str]:
        found = []
        for item in container.iter_inner_content():
            if isinstance(item, DocxParagraph):
                found.append(item.text)
            else:
                for row in item.rows:
                    for cell in row.cells:
                        found += inner(cell)
        return found

    return _collapse("\n".join(inner(DocxDocument(io.BytesIO(data)))))


def docx_comments(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if "word/comments.xml" not in package.namelist():
            return []
        root = etree.fromstring(package.read("word/comments.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return [_collapse("".join(t.text or "" for t in comment.iter(f"{w}t")))
            for comment in root.iter(f"{w}comment")]


def preview(model: Document | ParallelDocument) -> str:
    return html_parallel(model) if isinstance(model, ParallelDocument) else html(model)


def _same(made: str, expected: str, what: str) -> None:
    if made != expected:
        diff = "\n".join(difflib.unified_diff(expected.split(" "), made.split(" "), "docx",
                                              "html", n=3, lineterm=""))
        pytest.fail(f"{what}: the HTML's text differs from the DOCX's\n{diff[:3000]}")


# --- every document of the sample packages ---------------------------------------------------

@pytest.fixture(scope="module", params=SAMPLE_FILES, ids=lambda path: path.stem)
def package_models(request) -> dict[str, tuple[Document | ParallelDocument, bytes]]:
    """Each DOCX of the sample's package (stage «all») with the model it was written from,
    as the rendered package gives them (``RenderedPackage.models``: what a preview uses)."""
    rendered = xbdocs.render_package(request.param, stage="all", today=TODAY,
                                     count_sheets=False)
    documents = {name: data for name, data in rendered.files.items() if name.endswith(".docx")}
    assert set(rendered.models) == set(documents), "a DOCX of the package has no model"
    return {name: (rendered.models[name], data) for name, data in documents.items()}


def test_the_packages_have_every_kind_of_document(package_models):
    names = set(package_models)
    assert {"agreement.ru-kk.docx", "agreement.ru.docx", "agreement.kk.docx"} <= names
    assert len(names) >= 6, names
    assert any(isinstance(model, ParallelDocument) and model.tail
               for model, _data in package_models.values()) or \
        "certified-copy.docx" not in names


def test_each_html_document_reads_as_its_docx(package_models):
    for name, (model, data) in package_models.items():
        _same(html_text(preview(model)), docx_text(data), name)


def test_each_html_document_lists_the_docx_comments_as_its_notes(package_models):
    for name, (model, data) in package_models.items():
        notes = [_collapse(note) for note in read_html(preview(model)).notes]
        assert notes == docx_comments(data), name


def test_the_parallel_agreement_has_both_languages_in_rows(package_models):
    model, _data = package_models["agreement.ru-kk.docx"]
    root = lxml.html.fragment_fromstring(str(html_parallel(model)))
    assert root.tag == "article" and root.get("lang") == "ru"
    rows = root.xpath("div[@class='xb-columns']/div[@class='xb-row']")
    assert len(rows) == len(model.rows())
    for row, (left, right) in zip(rows, model.rows(), strict=True):
        columns = row.xpath("div[@class='xb-column']")
        assert [c.get("lang") for c in columns] == ["ru", "kk"]
        assert [c.xpath("div/@data-block")[0] for c in columns] == [left.id, right.id]
    headings = root.xpath("//h2[@class='xb-title']")
    assert len(headings) == 2 and "СОГЛАШЕНИЕ" in headings[0].text_content()


# --- the layout, on models that use every kind of block ---------------------------------------

@pytest.mark.parametrize("case", sorted(writer_models.CASES))
def test_the_writers_reference_models_read_as_their_docx(case):
    function, make = writer_models.CASES[case]
    model = make()
    data = getattr(writer, function)(model)
    made = html_parallel(model) if function == "write_parallel" else html(model)
    _same(html_text(made), docx_text(data), case)
    assert [_collapse(n) for n in read_html(made).notes] == docx_comments(data)


def test_blocks_are_laid_out_as_a_reader_expects():
    root = lxml.html.fragment_fromstring(str(html(writer_models.single())))
    assert root.get("lang") == "ru"
    title = root.xpath("//h2")
    assert len(title) == 1 and title[0].get("class") == "xb-title"
    assert title[0].text_content() == "СОГЛАШЕНИЕмежду Администрацией и акиматом"
    assert len(title[0].xpath("br")) == 1
    assert [h.text_content() for h in root.xpath("//h3")] == ["Статья 1. Стороны"]
    clause = root.xpath("//div[@data-block='a1.1']/p")[0]
    assert clause.xpath("span[@class='xb-label']")[0].text == "1.1."
    assert [li.text_content() for li in root.xpath("//ul[@class='xb-items']/li")] == \
        ["— пункт списка;", "— "]
    dateline = root.xpath("//p[@class='xb-dateline']")[0]
    assert dateline.xpath("span/@class") == ["xb-left", "xb-right"]
    headers = root.xpath("//table[@class='xb-table']/thead/tr/th")
    assert [th.get("scope") for th in headers] == ["col"] * 3
    assert [col.get("class") for col in root.xpath("//colgroup/col")] == \
        ["xb-w10", "xb-w65", "xb-w20"]
    assert len(root.xpath("//tbody/tr[1]/td")) == 3  # a short row filled to the width
    assert len(root.xpath("//div[@class='xb-parties']/div[@class='xb-party']")) == 2
    assert root.xpath("//p[@class='xb-aside']")[0].text == "Губернатору"
    assert root.xpath("//p[@class='xb-note']")[0].text == "Исп. Петрова"


def test_the_parallel_tail_follows_at_full_width():
    root = lxml.html.fragment_fromstring(str(html_parallel(writer_models.parallel())))
    tail = root.xpath("div[@class='xb-tail']")
    assert len(tail) == 1 and tail[0].text_content().strip() == "Верно"
    assert {c.get("lang") for c in root.xpath("//div[@class='xb-column']")} == {"ru", "kk"}


def test_every_class_is_in_the_stylesheet_and_nothing_is_inline():
    css = STYLESHEET.read_text("utf-8")
    for made in (html(writer_models.single(), notes_heading="Что проверить"),
                 html_parallel(writer_models.parallel()), html(_unshown())):
        reader = read_html(made)
        unstyled = {c for c in reader.classes if f".{c}" not in css}
        assert {c for c in unstyled if not re.fullmatch(r"xb-\w+-block", c)} <= HOOKS
        assert "style" not in reader.attributes
        assert not {a for a in reader.attributes if a.startswith("on")}
        assert "script" not in reader.tags


def test_headings_and_ids_follow_the_page():
    made = html(writer_models.single(), ids="letter-1", heading_level=1,
                notes_heading="Что проверить")
    root = lxml.html.fragment_fromstring(str(made))
    assert root.xpath("//h1/@class") == ["xb-title"]
    assert root.xpath("//footer/h2")[0].text == "Что проверить"
    assert root.xpath("//footer//li/@id") == ["letter-1-note-1", "letter-1-note-2"]
    for bad in ("", "1x", "a b", 'x"><script>'):
        with pytest.raises(ValueError):
            html(writer_models.single(), ids=bad)


def _unshown() -> Document:
    """Blocks with parts the DOCX writer does not lay out (a signature block's paragraphs,
    a text block's rows), a noted run among them, and runs of every role."""
    hidden = Run("скрыто", comment="не видно", note="hidden")
    return Document("ru", [
        Block("s", "signatures", [Paragraph([hidden])],
              columns=[[Paragraph([Run("Подпись", comment="видно", note="shown")], "item")]]),
        Block("t", "text", [Paragraph([Run("Текст ")]),
                            *(Paragraph([Run(role)], role) for role in (
                                "title", "heading", "body", "item", "dateline", "signature",
                                "aside", "subject", "note", "cell", "unknown"))],
              rows=[[Paragraph([hidden])]], columns=[[Paragraph([hidden])]]),
        Block("x", "unknown-kind", [Paragraph([Run("снова", note="hidden"),
                                               Run("и снова", note="shown")])], label="9."),
    ])


def test_what_the_docx_does_not_show_the_preview_does_not_either():
    model = _unshown()
    data = writer.write(model)
    made = html(model)
    _same(html_text(made), docx_text(data), "unshown")
    assert [_collapse(n) for n in read_html(made).notes] == docx_comments(data) == ["видно"]
    root = lxml.html.fragment_fromstring(str(made))
    marks = root.xpath("//mark")
    assert [(m.text_content(), m.get("title")) for m in marks] == [
        ("Подпись", "видно"), ("снова", None), ("и снова", "видно")]


# --- unverified values and hostile text ----------------------------------------------------------

def _noted() -> Document:
    note = ("party", "name")  # any hashable key, as the assembler's
    return Document("kk", [
        Block("preamble", "text", [Paragraph([
            Run("Тараптар: "), Run("Угловский ауданы", comment="Тексерілмеген: атауы", note=note),
            Run(" және "), Run("Бородулиха ауданы"), Run(", тағы да "),
            Run("Угловский ауданы", note=note), Run(".")])]),
        Block("orphan", "text", [Paragraph([Run("без заметки", note="nobody")])]),
    ])


def test_unverified_values_are_marked_with_their_note():
    root = lxml.html.fragment_fromstring(str(html(_noted())))
    assert root.get("lang") == "kk"
    marks = root.xpath("//mark")
    assert [m.text_content() for m in marks] == ["Угловский ауданы", "Угловский ауданы",
                                                 "без заметки"]
    assert all(m.get("class") == "xb-unverified" for m in marks)
    first, again, orphan = marks
    assert first.get("title") == again.get("title") == "Тексерілмеген: атауы"
    assert first.get("aria-describedby") == again.get("aria-describedby") == "xb-note-1"
    assert first.get("data-note") == "1" and again.get("data-note") is None
    assert orphan.get("title") is None
    assert root.xpath("//footer[@class='xb-notes']/ol/li[@id='xb-note-1']")[0].text == \
        "Тексерілмеген: атауы"
    assert "Бородулиха" not in "".join(m.text_content() for m in marks)


def test_hostile_text_comes_out_as_text():
    document = Document('ru" onload="alert(3)', [
        Block('t" onclick="x', "title", [Paragraph([Run(HOSTILE, bold=True)], "title")]),
        Block("c", "clause", [Paragraph([Run(HOSTILE, comment=HOSTILE, note="n"),
                                         Run(HOSTILE, italic=True), Run(HOSTILE, note="n")],
                                        "item")], label=HOSTILE),
        Block("d", "text", [Paragraph([Run(HOSTILE)], "dateline", right=[Run(HOSTILE)])]),
        Block("tb", "table", rows=[[Paragraph([Run(HOSTILE)], "cell")],
                                   [Paragraph([Run(HOSTILE, comment=HOSTILE)], "cell")]]),
        Block("s", "signatures", columns=[[Paragraph([Run(HOSTILE)], "signature")]]),
    ])
    made = str(html(document, notes_heading=HOSTILE))
    reader = read_html(made)
    assert reader.tags <= {"article", "div", "h2", "h3", "b", "i", "mark", "ul", "li", "span",
                           "p", "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td",
                           "footer", "ol", "br"}
    assert reader.attributes <= {"class", "lang", "data-block", "title", "aria-describedby",
                                 "data-note", "aria-hidden", "id", "scope"}
    assert "<script" not in made and "&amp;amp;" in made
    text = "".join(reader.text)
    assert text.count(HOSTILE) == 10  # every run, the label, the dateline's two parts
    root = lxml.html.fragment_fromstring(made)
    assert root.get("lang") == 'ru" onload="alert(3)'
    assert root.xpath("//div[@data-block]/@data-block")[0] == 't" onclick="x'
    assert {m.get("title") for m in root.xpath("//mark")} == {HOSTILE}
    assert [_collapse(n) for n in reader.notes] == [_collapse(HOSTILE)] * 2


# --- the writer's place ------------------------------------------------------------------------

def test_the_html_writer_knows_only_the_model():
    """As the DOCX writer: no agreements, no assembler, no package; nothing imports it back."""
    graph = import_graph()
    assert graph["xbdocs.writer.html"] <= {"xbdocs.model", "xbdocs.writer.page_style"}
    assert not [name for name, imported in graph.items()
                if "xbdocs.writer.html" in imported and name.startswith("xbdocs.writer")]
