"""DOCX from the document model, with python-docx.

The writer knows paragraphs, blocks and columns, not agreements. It returns the file as
bytes; writing to disk (atomically) is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from xbdocs.model import Block, Document, Paragraph, ParallelDocument, Run

LANGUAGE_TAGS = {"ru": "ru-RU", "kk": "kk-KZ"}
#: The mark of a list item: the same dash as in the text («—»), one dash style throughout.
ITEM_MARK = "— "


@dataclass(frozen=True)
class PageStyle:
    font: str = "Times New Roman"
    body_size: float = 14
    table_size: float = 12
    page_width_mm: float = 210
    page_height_mm: float = 297
    top_mm: float = 20
    bottom_mm: float = 20
    left_mm: float = 30
    right_mm: float = 15
    first_line_mm: float = 12.5

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.left_mm - self.right_mm


#: Two columns need the width: narrower margins for the parallel text.
PARALLEL_STYLE = PageStyle(left_mm=20, right_mm=10)
#: Word's default cell margins (0.19 cm each side) narrow a column's text.
CELL_PADDING_MM = 3.8


# Paragraph roles of the model → style names in the DOCX.
STYLE_NAMES = {
    "title": "XB Title",
    "heading": "Heading 1",
    "body": "XB Body",
    "item": "XB Item",
    "dateline": "XB Dateline",
    "signature": "XB Signature",
    "aside": "XB Aside",
    "subject": "XB Subject",
    "note": "XB Note",
    "cell": "XB Cell",
}


def _set_fonts(rpr, font: str) -> None:
    """Name the font for every script and drop theme fonts, which would override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _set_language(rpr, tag: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), tag)


def _configure_styles(doc, style: PageStyle, size: float, lang: str,
                      line_width_mm: float, own_blank: bool = False) -> None:
    """Set the document's fonts and add xbdocs's paragraph styles. On a user's own blank
    (``own_blank``) its defaults and any styles it already defines are left as they are."""
    styles = doc.styles
    if own_blank:
        _add_styles(doc, style, size, line_width_mm, keep_existing=True)
        return
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, style.font)
    _set_language(rpr, LANGUAGE_TAGS.get(lang, lang))

    for fonts in styles.element.iter(qn("w:rFonts")):
        _set_fonts(fonts.getparent(), style.font)

    _set_normal(styles, style, size)
    _add_styles(doc, style, size, line_width_mm, keep_existing=False)


def _set_normal(styles, style: PageStyle, size: float) -> None:
    normal = styles["Normal"]
    normal.font.name = style.font
    normal.font.size = Pt(size)
    _set_fonts(normal.element.get_or_add_rPr(), style.font)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _add_styles(doc, style: PageStyle, size: float, line_width_mm: float,
                keep_existing: bool) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    existing = {s.name for s in styles}

    def paragraph_style(name: str, *, align, bold: bool = False, first_line: float = 0,
                        before: float = 0, after: float = 0, keep_next: bool = False,
                        left: float = 0, font_size: float | None = None):
        if keep_existing and name in existing and name != "Heading 1":
            return styles[name]
        if name in existing:
            item = styles[name]
        else:
            item = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        item.base_style = normal
        item.quick_style = True
        item.font.name = style.font
        item.font.size = Pt(font_size or size)
        item.font.bold = bold
        item.font.italic = False
        item.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(item.element.get_or_add_rPr(), style.font)
        pf = item.paragraph_format
        pf.alignment = align
        pf.first_line_indent = Mm(first_line) if first_line else Mm(0)
        pf.left_indent = Mm(left)
        pf.space_before = Pt(before)
        pf.space_after = Pt(after)
        pf.keep_with_next = keep_next
        pf.line_spacing = 1.0
        return item

    paragraph_style("XB Title", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, after=6,
                    keep_next=True)
    heading = paragraph_style("Heading 1", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
                              before=size, after=size / 2, keep_next=True)
    heading.element.get_or_add_pPr()  # keeps its outline level for navigation
    paragraph_style("XB Body", align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    first_line=style.first_line_mm)
    paragraph_style("XB Item", align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    first_line=style.first_line_mm)
    paragraph_style("XB Signature", align=WD_ALIGN_PARAGRAPH.LEFT, after=size / 2)
    dateline = paragraph_style("XB Dateline", align=WD_ALIGN_PARAGRAPH.LEFT, before=6,
                               after=6)
    dateline.paragraph_format.tab_stops.add_tab_stop(Mm(line_width_mm),
                                                     WD_TAB_ALIGNMENT.RIGHT)
    paragraph_style("XB Aside", align=WD_ALIGN_PARAGRAPH.LEFT, left=line_width_mm / 2)
    paragraph_style("XB Subject", align=WD_ALIGN_PARAGRAPH.LEFT, before=size, after=size)
    paragraph_style("XB Note", align=WD_ALIGN_PARAGRAPH.LEFT, font_size=10)
    paragraph_style("XB Cell", align=WD_ALIGN_PARAGRAPH.LEFT, font_size=min(size, 12))
    settings = doc.settings.element
    if settings.find(qn("w:autoHyphenation")) is None:
        settings.append(OxmlElement("w:autoHyphenation"))


def _page_setup(doc, style: PageStyle, page_numbers: str = "foot") -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width = Mm(style.page_width_mm)
    section.page_height = Mm(style.page_height_mm)
    section.top_margin = Mm(style.top_mm)
    section.bottom_margin = Mm(style.bottom_mm)
    section.left_margin = Mm(style.left_mm)
    section.right_margin = Mm(style.right_mm)
    if page_numbers == "head-after-first":
        # A one-page letter has no number; the first page's own header stays empty.
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
    else:
        number = section.footer.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_field(number, "PAGE")


def _add_field(paragraph, instruction: str) -> None:
    """A field Word and LibreOffice compute when they lay out the page."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run("1")
    char("end")


def _add_runs(paragraph, runs: list[Run], remarks: list | None = None) -> None:
    for run in runs:
        added = paragraph.add_run(run.text)
        if run.bold:
            added.bold = True
        if run.italic:
            added.italic = True
        if run.comment and remarks is not None and run.text:
            remarks.append((added, run.comment))


def _add_comments(doc, remarks: list, when: dt.datetime) -> None:
    """Word comments on the runs that asked for one, all dated the document's date (the same
    document on the same day gives the same bytes)."""
    for run, text in remarks:
        comment = doc.add_comment(run, text=text, author="xbdocs", initials="XB")
        comment._comment_elm.date = when  # python-docx stamps the current time


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _grid_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _fixed_table(container, rows: int, width_mm: float, columns: int = 2):
    table = container.add_table(rows=rows, cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    _no_borders(table)
    for column in table.columns:
        column.width = Mm(width_mm / columns)
    for row in table.rows:
        for cell in row.cells:
            cell.width = Mm(width_mm / columns)
    return table


def _keep_whole(row) -> None:
    """Never split this table row across pages (signatures must stand on one page)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _clear(cell) -> None:
    """A new cell holds one empty paragraph; drop it before filling the cell."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)


class _Layout:
    """Adds model paragraphs and blocks to one python-docx document."""

    def __init__(self, doc, style: PageStyle) -> None:
        self.style = style
        #: (python-docx run, comment text) pairs, commented once the body is laid out.
        self.remarks: list = []
        # Role → style id, looked up once: python-docx finds a style by name slowly.
        self.style_ids = {role: doc.styles[name].style_id for role, name in STYLE_NAMES.items()}

    def paragraph(self, container, model: Paragraph, label: str | None = None,
                  role: str | None = None):
        role = role or model.role
        paragraph = container.add_paragraph()
        paragraph._p.style = self.style_ids.get(role, self.style_ids["body"])
        if label:
            paragraph.add_run(f"{label} ")
        if role == "item":
            paragraph.add_run(ITEM_MARK)
        _add_runs(paragraph, model.runs, self.remarks)
        if model.right:
            paragraph.add_run("\t")
            _add_runs(paragraph, model.right, self.remarks)
        return paragraph

    def block(self, container, block: Block, in_table: bool = False) -> None:
        if block.kind == "signatures":
            self._signatures(container, block, in_table)
            return
        if block.kind == "table":
            self._table(container, block)
            return
        for index, paragraph in enumerate(block.paragraphs):
            if block.kind == "heading":
                text_runs = paragraph.runs
                heading = Paragraph([Run(block.label or "")]
                                    + ([Run(" ")] if text_runs else []) + text_runs, "heading")
                self.paragraph(container, heading)
                continue
            label = block.label if index == 0 and block.kind == "clause" else None
            self.paragraph(container, paragraph, label)

    def _table(self, container, block: Block) -> None:
        for paragraph in block.paragraphs:
            self.paragraph(container, paragraph)
        if not block.rows:
            return
        columns = max(len(row) for row in block.rows)
        table = container.add_table(rows=len(block.rows), cols=columns)
        _grid_borders(table)
        widths = block.widths if len(block.widths) == columns else [1] * columns
        total = sum(widths)
        for index, column in enumerate(table.columns):
            width = Mm(self.style.text_width_mm * widths[index] / total)
            column.width = width
            for cell in column.cells:
                cell.width = width
        for row, cells in zip(table.rows, block.rows, strict=True):
            for cell, model in zip(row.cells, cells, strict=False):
                _clear(cell)
                self.paragraph(cell, model, role="cell")
            for cell in row.cells[len(cells):]:
                if not cell.paragraphs:
                    cell.add_paragraph()
        header = table.rows[0]._tr.get_or_add_trPr()
        header.append(OxmlElement("w:tblHeader"))

    def _signatures(self, container, block: Block, in_table: bool) -> None:
        if in_table:
            # A half-page column has no room for two columns: one party under the other.
            for index, column in enumerate(block.columns):
                if index:
                    self.paragraph(container, Paragraph([]), role="signature")
                for paragraph in column:
                    self.paragraph(container, paragraph, role="signature")
            return
        self.paragraph(container, Paragraph([]))
        table = _fixed_table(container, 1, self.style.text_width_mm, max(1, len(block.columns)))
        _keep_whole(table.rows[0])
        for cell, column in zip(table.rows[0].cells, block.columns, strict=True):
            _clear(cell)
            for paragraph in column:
                self.paragraph(cell, paragraph, role="signature")


def _set_properties(doc, properties: dict[str, str], lang: str) -> None:
    core = doc.core_properties
    core.title = properties.get("title", "")
    core.subject = properties.get("subject", "")
    core.keywords = properties.get("keywords", "")
    core.comments = properties.get("comments", "")
    core.author = properties.get("author", "xbdocs")
    core.last_modified_by = "xbdocs"
    core.language = properties.get("language", LANGUAGE_TAGS.get(lang, lang))
    for key in ("identifier", "version", "content_status", "category"):
        if key in properties:
            setattr(core, key, properties[key])
    # The build's date, not the date python-docx's default template was made (2013).
    when = properties.get("created")
    moment = (dt.datetime.combine(dt.date.fromisoformat(when), dt.time(), tzinfo=dt.UTC)
              if when else dt.datetime.now(dt.UTC).replace(microsecond=0))
    core.created = core.modified = moment
    core.revision = 1


def _new(style: PageStyle, size: float, lang: str, line_width_mm: float,
         base: bytes | None = None, page_numbers: str = "foot"):
    """A new document; on ``base`` (a cleaned letterhead package, see :mod:`xbdocs.blank`)
    its page, header and styles stay."""
    doc = new_docx(io.BytesIO(base) if base is not None else None)
    if base is not None:
        section = doc.sections[0]
        line_width_mm = (section.page_width - section.left_margin - section.right_margin) \
            / Mm(1)
    _configure_styles(doc, style, size, lang, line_width_mm, own_blank=base is not None)
    if base is None:
        _page_setup(doc, style, page_numbers)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


class _StampedZip:
    """The physical writer python-docx's PackageWriter calls, with one fixed time on every
    member: the same document on the same day gives the same bytes."""

    def __init__(self, stream: io.BytesIO, when: dt.datetime) -> None:
        self.archive = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)
        self.date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute,
                          when.second)

    def write(self, pack_uri, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.archive.writestr(info, blob)

    def close(self) -> None:
        self.archive.close()


def _bytes(doc) -> bytes:
    buffer = io.BytesIO()
    package = doc.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    stamped = _StampedZip(buffer, doc.core_properties.modified)
    PackageWriter._write_content_types_stream(stamped, parts)
    PackageWriter._write_pkg_rels(stamped, package.rels)
    PackageWriter._write_parts(stamped, parts)
    stamped.close()
    return buffer.getvalue()


def write(document: Document, style: PageStyle | None = None,
          base: bytes | None = None) -> bytes:
    """One language, as running text; on the blank ``base`` (a DOCX) if given."""
    style = style or PageStyle()
    doc = _new(style, style.body_size, document.lang, style.text_width_mm, base,
               document.page_numbers)
    layout = _Layout(doc, style)
    for block in document.blocks:
        layout.block(doc, block)
    _set_properties(doc, document.properties, document.lang)
    _add_comments(doc, layout.remarks, doc.core_properties.modified)
    return _bytes(doc)


def write_parallel(parallel: ParallelDocument, style: PageStyle | None = None) -> bytes:
    """Two languages side by side: one table row per block, so they stay level."""
    style = style or PARALLEL_STYLE
    column_width = style.text_width_mm / 2 - CELL_PADDING_MM
    doc = _new(style, style.table_size, parallel.left.lang, column_width)
    layout = _Layout(doc, style)
    rows = parallel.rows()
    table = _fixed_table(doc, len(rows), style.text_width_mm)
    for row, (left, right) in zip(table.rows, rows, strict=True):
        if left.kind == "signatures":
            _keep_whole(row)
        for cell, block, lang in ((row.cells[0], left, parallel.left.lang),
                                  (row.cells[1], right, parallel.right.lang)):
            _clear(cell)
            layout.block(cell, block, in_table=True)
            for run_element in cell._tc.iter(qn("w:r")):
                _set_language(run_element.get_or_add_rPr(), LANGUAGE_TAGS.get(lang, lang))
            if not cell.paragraphs:
                cell.add_paragraph()
    for block in parallel.tail:
        layout.block(doc, block)
    _set_properties(doc, parallel.properties, parallel.left.lang)
    _add_comments(doc, layout.remarks, doc.core_properties.modified)
    return _bytes(doc)
