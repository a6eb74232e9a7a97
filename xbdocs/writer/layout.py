"""The document model laid out as WordprocessingML, with lxml.

Each paragraph, run and table is made as the XML python-docx would make for it, but
directly: python-docx's proxies find every child's place by scanning the schema's order,
which was most of a build's time.
"""

from __future__ import annotations

from lxml import etree

from xbdocs.model import Block, Paragraph, Run
from xbdocs.writer.page_style import HYPHENATED, ITEM_MARK, PageStyle, twips

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, PPR, PSTYLE, R, RPR, T, TAB, BR = (w(t) for t in ("p", "pPr", "pStyle", "r", "rPr", "t",
                                                     "tab", "br"))
BOLD, ITALIC, LANG, RSTYLE = w("b"), w("i"), w("lang"), w("rStyle")
TBL, TBLPR, TBLGRID, GRIDCOL, TR, TRPR, TC, TCPR, TCW = (
    w(t) for t in ("tbl", "tblPr", "tblGrid", "gridCol", "tr", "trPr", "tc", "tcPr", "tcW"))
VAL, TYPE, WIDTH = w("val"), w("type"), w("w")
COMMENT_RANGE_START, COMMENT_RANGE_END, COMMENT_REFERENCE = (
    w("commentRangeStart"), w("commentRangeEnd"), w("commentReference"))
_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")
_SUB = etree.SubElement


def add_text(run: etree._Element, text: str) -> None:
    """Text into a run: tabs and line breaks as their own elements, spaces kept at the ends."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        _add_t(run, text)  # nearly every run
        return
    start = 0
    for index, char in enumerate(text):
        if char in "\t\r\n":
            _add_t(run, text[start:index])
            _SUB(run, TAB if char == "\t" else BR)
            start = index + 1
    _add_t(run, text[start:])


def _add_t(run: etree._Element, text: str) -> None:
    if text:
        t = _SUB(run, T)
        t.text = text
        if len(text.strip()) < len(text):
            t.set(XML_SPACE, "preserve")


class Layout:
    """Lays model blocks into a body or a table cell; collects the comments to be written."""

    def __init__(self, style: PageStyle, style_ids: dict[str, str]) -> None:
        self.style = style
        self.style_ids = style_ids
        #: Comment texts in the order of their anchors (the comment ids).
        self.comments: list[str] = []
        #: The language every run gets, in a column of the parallel text.
        self.lang: str | None = None

    # --- paragraphs and runs ----------------------------------------------------------------

    def paragraph(self, parent: etree._Element, model: Paragraph, label: str | None = None,
                  role: str | None = None) -> etree._Element:
        role = role or model.role
        p = _SUB(parent, P)
        properties = _SUB(p, PPR)
        _SUB(properties, PSTYLE).set(VAL, self.style_ids.get(role, self.style_ids["body"]))
        if self.lang and self.lang not in HYPHENATED and role in ("body", "item"):
            _SUB(properties, w("jc")).set(VAL, "left")  # no gaps where words cannot break
        if label:
            self._run(p, f"{label} ")
        if role == "item":
            self._run(p, ITEM_MARK)
        self._runs(p, model.runs)
        if model.right:
            self._run(p, "\t")
            self._runs(p, model.right)
        return p

    def _runs(self, p: etree._Element, runs: list[Run]) -> None:
        for run in runs:
            if run.comment and run.text:
                comment_id = str(len(self.comments))
                self.comments.append(run.comment)
                _SUB(p, COMMENT_RANGE_START).set(w("id"), comment_id)
                self._run(p, run.text, run.bold, run.italic)
                _SUB(p, COMMENT_RANGE_END).set(w("id"), comment_id)
                reference = _SUB(p, R)
                _SUB(_SUB(reference, RPR), RSTYLE).set(VAL, "CommentReference")
                _SUB(reference, COMMENT_REFERENCE).set(w("id"), comment_id)
            else:
                self._run(p, run.text, run.bold, run.italic)

    def _run(self, p: etree._Element, text: str, bold: bool = False,
             italic: bool = False) -> etree._Element:
        r = _SUB(p, R)
        if bold or italic or self.lang:
            rpr = _SUB(r, RPR)
            if bold:
                _SUB(rpr, BOLD)
            if italic:
                _SUB(rpr, ITALIC)
            if self.lang:
                lang = _SUB(rpr, LANG)
                lang.set(VAL, self.lang)
                lang.set(w("eastAsia"), self.lang)
                lang.set(w("bidi"), self.lang)
        add_text(r, text)
        return r

    # --- blocks ------------------------------------------------------------------------------

    def block(self, parent: etree._Element, block: Block, in_table: bool = False) -> None:
        if block.kind == "signatures":
            self._signatures(parent, block, in_table)
            return
        if block.kind == "table":
            self._table(parent, block)
            return
        if block.kind == "sign" and not in_table:
            self._sign(parent, block)
            return
        if block.kind == "bottom" and not in_table:
            for paragraph in block.paragraphs:
                _at_foot(self.paragraph(parent, paragraph),
                         twips(self.style.text_width_mm / 2))
            return
        if block.kind == "sign":
            for paragraph in block.paragraphs:
                self.paragraph(parent, Paragraph(paragraph.runs, "dateline", paragraph.right))
            return
        for index, paragraph in enumerate(block.paragraphs):
            if block.kind == "heading":
                text_runs = paragraph.runs
                heading = Paragraph([Run(block.label or "")]
                                    + ([Run(" ")] if text_runs else []) + text_runs, "heading")
                self.paragraph(parent, heading)
                continue
            label = block.label if index == 0 and block.kind == "clause" else None
            self.paragraph(parent, paragraph, label)

    def columns_row(self, table: etree._Element, cells: list[tuple[Block, str]],
                    keep_whole: bool = False) -> None:
        """A row of side-by-side blocks, each column's runs in its language (a tag)."""
        row = _row(table, keep_whole=keep_whole)
        for cell, (block, lang) in zip(cell_elements(row, table), cells, strict=True):
            self.lang = lang
            self.block(cell, block, in_table=True)
            if cell.find(P) is None:
                _SUB(cell, P)
        self.lang = None

    def _table(self, parent: etree._Element, block: Block) -> None:
        for paragraph in block.paragraphs:
            self.paragraph(parent, paragraph)
        if not block.rows:
            return
        columns = max(len(row) for row in block.rows)
        widths = block.widths if len(block.widths) == columns else [1] * columns
        total = sum(widths)
        table = table_element(parent, [self.style.text_width_mm * width / total
                                       for width in widths], borders="single")
        for index, cells in enumerate(block.rows):
            # A row of a list (an inventory, a plan) is read whole: never split by a page.
            row = _row(table, index == 0, keep_whole=True)
            for cell, model in zip(cell_elements(row, table), cells, strict=False):
                self.paragraph(cell, model, role="cell")
            for cell in row.iterchildren(TC):
                if cell.find(P) is None:
                    _SUB(cell, P)
            if 0 < index < len(block.rows) - 1 and _is_subheading(cells):
                # A row with one filled cell heads the rows below it (a plan's area): never
                # alone at the foot of a page.
                for paragraph in row.iter(P):
                    keep_with_next(paragraph)
        if parent.tag == TC:
            _SUB(parent, P)  # a cell must end with a paragraph

    def _sign(self, parent: etree._Element, block: Block) -> None:
        """A signature line: the left part in a wide cell (a long post runs to more lines),
        the right part at the right margin level with its last line, after a gap; the text
        before it, the gap and the line kept on one page."""
        previous = parent[-1] if len(parent) else None
        if previous is not None and previous.tag == P:
            keep_with_next(previous)
        self.paragraph(parent, Paragraph([]), role="gap")
        width = self.style.text_width_mm
        table = table_element(parent, [width * 0.6, width * 0.4], borders="nil")
        row = _row(table, keep_whole=True)
        left, right = cell_elements(row, table)
        for paragraph in block.paragraphs:
            self.paragraph(left, Paragraph(paragraph.runs), role="signature")
            self.paragraph(right, Paragraph(paragraph.right), role="signname")
        _SUB(right.find(TCPR), w("vAlign")).set(VAL, "bottom")

    def _signatures(self, parent: etree._Element, block: Block, in_table: bool) -> None:
        if in_table:
            # A half-page column has no room for two columns: one party under the other.
            for index, column in enumerate(block.columns):
                if index:
                    self.paragraph(parent, Paragraph([]), role="signature")
                for paragraph in column:
                    self.paragraph(parent, paragraph, role="signature")
            return
        # The signatures kept with the text before them: no page holds them alone.
        previous = parent[-1] if len(parent) else None
        if previous is not None and previous.tag == P:
            keep_with_next(previous)
        keep_with_next(self.paragraph(parent, Paragraph([])))
        columns = max(1, len(block.columns))
        table = table_element(parent, [self.style.text_width_mm / columns] * columns,
                              borders="nil", centred=True)
        row = _row(table, keep_whole=True)
        for cell, column in zip(cell_elements(row, table), block.columns, strict=True):
            for paragraph in column:
                self.paragraph(cell, paragraph, role="signature")
            if cell.find(P) is None:
                _SUB(cell, P)


def _is_subheading(cells: list[Paragraph]) -> bool:
    """A table row with one filled cell of several: a heading of the rows below it."""
    return len(cells) > 1 and sum(1 for cell in cells if cell.text.strip()) == 1


#: CT_PPrBase's children that come before ``w:framePr`` (ECMA-376 Part 1, 17.3.1.26).
_BEFORE_FRAME = {w("pStyle"), w("keepNext"), w("keepLines"), w("pageBreakBefore")}
_BEFORE_KEEP_NEXT = {w("pStyle")}


def _insert_in_order(ppr: etree._Element, element: etree._Element, before: set[str]) -> None:
    """Put ``element`` into paragraph properties after the children named in ``before``, as
    the schema's order asks."""
    index = next((i for i, child in enumerate(ppr) if child.tag not in before), len(ppr))
    ppr.insert(index, element)


def keep_with_next(p: etree._Element) -> None:
    """Keep a paragraph on the page of the next one (``w:keepNext``)."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    if ppr.find(w("keepNext")) is None:
        _insert_in_order(ppr, etree.Element(w("keepNext")), _BEFORE_KEEP_NEXT)


def _at_foot(p: etree._Element, width: int) -> None:
    """Set a paragraph in a frame at the lower left corner of the page it falls on; frames
    of consecutive paragraphs with the same settings join into one."""
    frame = etree.Element(w("framePr"))
    for name, value in (("w", str(width)), ("wrap", "around"), ("vAnchor", "margin"),
                        ("hAnchor", "margin"), ("xAlign", "left"), ("yAlign", "bottom")):
        frame.set(w(name), value)
    _insert_in_order(p.find(PPR), frame, _BEFORE_FRAME)


def table_element(parent: etree._Element, widths_mm: list[float], borders: str,
                  centred: bool = False) -> etree._Element:
    """A table with fixed column widths; ``borders`` "single" (a grid) or "nil" (none)."""
    table = _SUB(parent, TBL)
    properties = _SUB(table, TBLPR)
    width = _SUB(properties, w("tblW"))
    width.set(TYPE, "auto")
    width.set(WIDTH, "0")
    if centred:
        _SUB(properties, w("jc")).set(VAL, "center")
    edges = _SUB(properties, w("tblBorders"))
    for edge in _EDGES:
        element = _SUB(edges, w(edge))
        element.set(VAL, borders)
        if borders != "nil":
            element.set(w("sz"), "4")
            element.set(w("color"), "000000")
    if centred:
        _SUB(properties, w("tblLayout")).set(TYPE, "fixed")
    look = _SUB(properties, w("tblLook"))
    for name, value in (("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"),
                        ("lastRow", "0"), ("noHBand", "0"), ("noVBand", "1"), ("val", "04A0")):
        look.set(w(name), value)
    grid = _SUB(table, TBLGRID)
    for width_mm in widths_mm:
        _SUB(grid, GRIDCOL).set(WIDTH, str(twips(width_mm)))
    return table


def _row(table: etree._Element, header: bool = False,
         keep_whole: bool = False) -> etree._Element:
    row = _SUB(table, TR)
    if header or keep_whole:
        # A kept row never splits across pages; a header row repeats on every page.
        properties = _SUB(row, TRPR)
        if keep_whole:
            _SUB(properties, w("cantSplit"))
        if header:
            _SUB(properties, w("tblHeader"))
    return row


def cell_elements(row: etree._Element, table: etree._Element) -> list[etree._Element]:
    """One empty cell per grid column, each with its width."""
    cells = []
    for column in table.find(TBLGRID).iterchildren(GRIDCOL):
        cell = _SUB(row, TC)
        width = _SUB(_SUB(cell, TCPR), TCW)
        width.set(TYPE, "dxa")
        width.set(WIDTH, column.get(WIDTH))
        cells.append(cell)
    return cells


def comments_part(template: bytes, texts: list[str], stamp: str) -> bytes:
    """The comments part: one Word comment per text, by xbdocs, dated ``stamp``."""
    root = etree.fromstring(template)
    for index, text in enumerate(texts):
        comment = _SUB(root, w("comment"))
        for name, value in (("id", str(index)), ("author", "xbdocs"), ("initials", "XB"),
                            ("date", stamp)):
            comment.set(w(name), value)
        p = _SUB(comment, P)
        _SUB(_SUB(p, PPR), PSTYLE).set(VAL, "CommentText")
        mark = _SUB(p, R)
        _SUB(_SUB(mark, RPR), RSTYLE).set(VAL, "CommentReference")
        _SUB(mark, w("annotationRef"))
        add_text(_SUB(p, R), text)
    return etree.tostring(root, encoding="UTF-8", standalone=True)
