"""DOCX (and, in :mod:`~xbdocs.writer.html`, an HTML preview) from the document model.

The writer knows paragraphs, blocks and columns, not agreements. It returns the file as
bytes; writing to disk (atomically) is the caller's business. Layered as python-docx is:
:mod:`~xbdocs.writer.skeleton` makes the styled empty document with python-docx, once per
process; :mod:`~xbdocs.writer.layout` lays the model out as XML with lxml;
:mod:`~xbdocs.writer.package` zips the parts, reusing the compressed ones that never change.
"""

from __future__ import annotations

from lxml import etree

from xbdocs.model import Document, ParallelDocument
from xbdocs.writer import skeleton
from xbdocs.writer.layout import Layout, comments_part, keep_with_next, table_element, w
from xbdocs.writer.package import (
    COMMENTS_PART,
    CORE_PART,
    DOCUMENT_PART,
    FAST,
    Skeleton,
    deflate,
    zip_members,
)
from xbdocs.writer.page_style import CELL_PADDING_MM, PARALLEL_STYLE, PageStyle, language_tag
from xbdocs.writer.properties import core_xml, moment

__all__ = ["PARALLEL_STYLE", "PageStyle", "write", "write_parallel"]


def write(document: Document, style: PageStyle | None = None,
          base: bytes | None = None) -> bytes:
    """One language, as running text; on the blank ``base`` (a DOCX) if given."""
    style = style or PageStyle()
    commented = bool(document.comments())
    frame = skeleton.prepare(style, style.body_size, document.lang, style.text_width_mm, base,
                     document.page_numbers, commented)
    root, body, end = _body(frame)
    layout = Layout(style, frame.style_ids)
    for block in document.blocks:
        layout.block(body, block)
    body.append(end)
    return _package(frame, root, layout, document.properties, document.lang)


def write_parallel(parallel: ParallelDocument, style: PageStyle | None = None) -> bytes:
    """Two languages side by side: one table row per block, so they stay level."""
    style = style or PARALLEL_STYLE
    column_width = style.text_width_mm / 2 - CELL_PADDING_MM
    commented = bool(parallel.left.comments() or parallel.right.comments()
                     or any(run.comment for block in parallel.tail for run in block.runs()))
    frame = skeleton.prepare(style, style.table_size, parallel.left.lang, column_width,
                     page_numbers=parallel.page_numbers, comments=commented)
    root, body, end = _body(frame)
    layout = Layout(style, frame.style_ids)
    for block in parallel.head:
        layout.block(body, block)
    table = table_element(body, [style.text_width_mm / 2] * 2, borders="nil", centred=True)
    langs = language_tag(parallel.left.lang), language_tag(parallel.right.lang)
    lines_per_page = style.page_height_mm / (style.table_size * LINE_MM)
    for left, right in parallel.rows():
        # A row that fits in a third of a page is not split by a page break: its lines
        # stay together (no widow of one line on the next page); a longer one may split.
        short = max(estimated_lines(block, column_width, style.table_size)
                    for block in (left, right)) <= lines_per_page / 3
        if left.kind == "signatures" and table.find(w("tr")) is not None:
            # kept with the row before: no page holds the signatures alone
            for paragraph in table.findall(w("tr"))[-1].iter(w("p")):
                keep_with_next(paragraph)
        layout.columns_row(table, list(zip((left, right), langs, strict=True)),
                           keep_whole=left.kind == "signatures" or short)
    if parallel.tail:
        _keep_tail_with_text(body, table, layout, parallel.tail)
    body.append(end)
    return _package(frame, root, layout, parallel.properties, parallel.left.lang)


#: The height of a line of single-spaced text per point of its size, in mm.
LINE_MM = 0.41
#: The mean width of a character of Times New Roman per point of its size, in mm (Russian
#: and Kazakh running text).
CHAR_MM = 0.175


def estimated_lines(block, width_mm: float, size: float) -> int:
    """About how many lines a block takes in a column ``width_mm`` wide: enough to tell a
    short row from one running over a large part of a page."""
    per_line = max(1, int(width_mm / (size * CHAR_MM)))
    paragraphs = [*block.paragraphs, *(p for column in block.columns for p in column)]
    return sum(1 + len(p.text) // per_line for p in paragraphs) + len(block.columns)


def _keep_tail_with_text(body: etree._Element, table: etree._Element, layout: Layout,
                         tail: list) -> None:
    """The tail (a copy's certification) laid after the columns and kept with their last
    row, so that no page holds the tail alone: every paragraph of the last row and of the
    tail but its last is kept with the next."""
    start = len(body)
    for block in tail:
        layout.block(body, block)
    rows = table.findall(w("tr"))
    kept = [*(rows[-1].iter(w("p")) if rows else ()),
            *(p for element in body[start:] for p in element.iter(w("p")))][:-1]
    for paragraph in kept:
        keep_with_next(paragraph)


def _body(frame: Skeleton) -> tuple[etree._Element, etree._Element, etree._Element]:
    """A fresh copy of the skeleton's document: its root, its body, and the section
    properties taken out, to go back at the end."""
    root = etree.fromstring(frame.document)
    body = root.find(w("body"))
    end = body.find(w("sectPr"))
    body.remove(end)
    return root, body, end


def _package(frame: Skeleton, root: etree._Element, layout: Layout,
             properties: dict[str, str], lang: str) -> bytes:
    when = moment(properties)
    varying = {DOCUMENT_PART: etree.tostring(root, encoding="UTF-8", standalone=True),
               CORE_PART: core_xml(properties, lang, when)}
    if frame.comments is not None:
        # Dated the document's date: the same document on the same day gives the same bytes.
        varying[COMMENTS_PART] = comments_part(frame.comments, layout.comments,
                                               when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    members = [(name, member or deflate(varying[name], FAST)) for name, member in frame.members]
    return zip_members(members, when)
