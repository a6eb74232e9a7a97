"""HTML from the document model: a browser's preview of what the DOCX writer lays out.

Beside the DOCX writer and on the same model (it knows blocks, paragraphs and runs, not
agreements), so the preview cannot say anything the DOCX does not: every paragraph and cell
the DOCX shows is here with the same text (``tests/test_writer_html.py`` compares them for
every document of the sample packages), laid out as the DOCX lays it out — the title centred
and bold, a clause's number before its text, items with their dash, tables with a header
row, signature blocks side by side, a letter's addressee in the right half, and the parallel
text as two columns with one row per block, so a clause sits beside its translation.

A run with a note (an unverified value) is a ``<mark class="xb-unverified">`` with the
note's text as its ``title`` and, for screen readers, ``aria-describedby`` pointing at the
note in the list at the article's end: the DOCX's comments, in the order of their anchors.

The result is a fragment (an ``<article>``) for a page that links ``preview.css``
(:data:`STYLESHEET`): no inline scripts, event handlers or ``style`` attributes, so a
Content-Security-Policy without ``'unsafe-inline'`` holds. Every text and attribute value is
escaped by :class:`markupsafe.Markup` formatting, which escapes whatever is not markup
already: HTML is never made by joining unescaped text.
"""

from __future__ import annotations

import re
from itertools import groupby
from pathlib import Path

from markupsafe import Markup, escape

from xbdocs.model import Block, Document, Paragraph, ParallelDocument, Run
from xbdocs.writer.page_style import ITEM_MARK

__all__ = ["STYLESHEET", "html", "html_parallel"]

#: The classes the fragments use; a page serves this file (it is package data).
STYLESHEET = Path(__file__).with_name("preview.css")

#: Block kinds and paragraph roles with a class of their own in the stylesheet; any other
#: lays out as plain text (the DOCX writer gives an unknown role the body style).
_KINDS = {"title", "heading", "clause", "text", "signatures", "aside", "subject", "note",
          "table", "right", "hanging", "bottom", "sign"}
_ROLES = {"title", "heading", "body", "item", "dateline", "signature", "aside", "subject",
          "note", "cell", "right", "hanging"}
_IDS = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_BREAKS = re.compile(r"(\r|\n)")
#: Relative column widths become percentage classes in steps of 5 (``xb-w5`` … ``xb-w100``):
#: a class, not a ``style`` attribute, and close enough for a preview.
_WIDTH_STEP = 5


def html(document: Document, *, ids: str = "xb", heading_level: int = 2,
         notes_heading: str | None = None) -> Markup:
    """One language as running text, as :func:`xbdocs.writer.write` lays it out.

    ``ids`` prefixes the ids the fragment defines (its notes): give each document on a page
    its own. ``heading_level`` is the level of the title's heading (2: the page has its own
    ``<h1>``); an article's heading is one level below. ``notes_heading`` heads the list of
    notes (the caller translates it; none by default). Returns :class:`markupsafe.Markup`
    (a ``str``), which a Jinja2 template prints as it is."""
    writer = _Writer(ids, heading_level, _scan(document.blocks))
    body = Markup("").join(writer.block(block) for block in document.blocks)
    return _article(document.lang, "xb-document", body, writer, notes_heading)


def html_parallel(document: ParallelDocument, *, ids: str = "xb", heading_level: int = 2,
                  notes_heading: str | None = None) -> Markup:
    """Two languages side by side, as :func:`xbdocs.writer.write_parallel` lays them out:
    one row per aligned block, each column in its own ``lang``; the tail (a copy's
    certification) after the rows at full width. Arguments as :func:`html`'s."""
    rows = document.rows()
    tail_runs = [run for block in document.tail for run in _shown(block)]
    writer = _Writer(ids, heading_level, _scan(
        [*document.head, *(block for pair in rows for block in pair)], tail_runs))
    langs = document.left.lang, document.right.lang
    parts = []
    for left, right in rows:
        cells = Markup("").join(
            Markup('<div class="xb-column" lang="{}">{}</div>').format(
                lang, writer.block(block))
            for block, lang in zip((left, right), langs, strict=True))
        parts.append(Markup('<div class="xb-row">{}</div>\n').format(cells))
    body = Markup('<div class="xb-columns">\n{}</div>\n').format(Markup("").join(parts))
    if document.head:
        body = Markup('<div class="xb-head">{}</div>\n').format(
            Markup("").join(writer.block(block) for block in document.head)) + body
    if document.tail:
        body += Markup('<div class="xb-tail">{}</div>\n').format(
            Markup("").join(writer.block(block) for block in document.tail))
    return _article(document.left.lang, "xb-document xb-parallel", body, writer,
                    notes_heading)


def _article(lang: str, classes: str, body: Markup, writer: _Writer,
             notes_heading: str | None) -> Markup:
    return Markup('<article class="{}" lang="{}">\n{}{}</article>\n').format(
        classes, lang, body, writer.notes_list(notes_heading))


def _scan(blocks: list[Block], extra: list[Run] | None = None) -> dict[object, tuple[int, str]]:
    """Each note's first comment and its number, counted in the order the DOCX writer
    anchors comments (a block's paragraphs, columns, cells): a later run of the same value
    carries the note but not the comment, and is shown with the same text."""
    found: dict[object, tuple[int, str]] = {}
    number = 0
    for run in [*(run for block in blocks for run in _shown(block)), *(extra or [])]:
        if run.comment and run.text:
            number += 1
            if run.note is not None:
                found.setdefault(run.note, (number, run.comment))
    return found


def _shown(block: Block) -> list[Run]:
    """The runs of a block that the DOCX writer shows, in its order: a signature block's
    columns, a table's paragraphs and cells, any other block's paragraphs."""
    if block.kind == "signatures":
        paragraphs = [p for column in block.columns for p in column]
    elif block.kind == "table":
        paragraphs = [*block.paragraphs, *(p for row in block.rows for p in row)]
    else:
        paragraphs = block.paragraphs
    return [run for p in paragraphs for run in (*p.runs, *p.right)]


class _Writer:
    """Lays blocks out as HTML; collects the notes (the DOCX's comments) in anchor order."""

    def __init__(self, ids: str, heading_level: int,
                 first_notes: dict[object, tuple[int, str]]) -> None:
        if not _IDS.fullmatch(ids):
            raise ValueError(f"ids must be a letter, then letters, digits, - or _: {ids!r}")
        if not 1 <= heading_level <= 5:
            raise ValueError(f"heading_level must be 1 to 5: {heading_level}")
        self.ids, self.level, self.first_notes = ids, heading_level, first_notes
        #: The notes' texts, numbered from 1 in the order of their anchors.
        self.notes: list[str] = []

    # --- runs ---------------------------------------------------------------------------------

    def runs(self, runs: list[Run]) -> Markup:
        return Markup("").join(self.run(run) for run in runs)

    def run(self, run: Run) -> Markup:
        if not run.text:
            return Markup("")
        content = Markup("<br>").join(escape(part) for part in _BREAKS.split(run.text)
                                      if part not in ("\r", "\n"))
        if run.italic:
            content = Markup("<i>{}</i>").format(content)
        if run.bold:
            content = Markup("<b>{}</b>").format(content)
        if run.comment:  # anchored here, as the DOCX's comment is
            self.notes.append(run.comment)
            return Markup('<mark class="xb-unverified" title="{}" aria-describedby="{}" '
                          'data-note="{}">{}</mark>').format(
                run.comment, self._note_id(len(self.notes)), len(self.notes), content)
        if run.note is not None:  # the same value again: the first one's note
            first = self.first_notes.get(run.note)
            if first is None:
                return Markup('<mark class="xb-unverified">{}</mark>').format(content)
            return Markup('<mark class="xb-unverified" title="{}" aria-describedby="{}">{}'
                          '</mark>').format(first[1], self._note_id(first[0]), content)
        return content

    def _note_id(self, number: int) -> str:
        return f"{self.ids}-note-{number}"

    def notes_list(self, heading: str | None) -> Markup:
        """The notes as the DOCX's comment margin: a numbered list, one per anchor."""
        if not self.notes:
            return Markup("")
        items = Markup("").join(Markup('<li id="{}">{}</li>\n').format(
            self._note_id(number), text) for number, text in enumerate(self.notes, 1))
        title = Markup("<h{0} class=\"xb-notes-heading\">{1}</h{0}>\n").format(
            self.level + 1, heading) if heading else Markup("")
        return Markup('<footer class="xb-notes">\n{}<ol>\n{}</ol>\n</footer>\n').format(
            title, items)

    # --- paragraphs ---------------------------------------------------------------------------

    def inline(self, paragraph: Paragraph, label: str | None = None,
               item: bool = False) -> Markup:
        """A paragraph's content: the label and item mark the DOCX writer prefixes, the
        runs, and a dateline's right part (after a tab there, flush right here)."""
        parts = []
        if label:
            parts.append(Markup('<span class="xb-label">{}</span> ').format(label))
        if item:
            parts.append(Markup('<span class="xb-mark" aria-hidden="true">{}</span>').format(
                ITEM_MARK))
        if paragraph.right:
            parts.append(Markup('<span class="xb-left">{}</span>\t'
                                '<span class="xb-right">{}</span>').format(
                self.runs(paragraph.runs), self.runs(paragraph.right)))
        else:
            parts.append(self.runs(paragraph.runs))
        return Markup("").join(parts)

    def paragraphs(self, paragraphs: list[Paragraph], label: str | None = None,
                   role: str | None = None) -> Markup:
        """Paragraphs as the DOCX writer sets them, ``label`` before the first; a title's
        lines are one heading, consecutive items one list. ``role`` overrides every
        paragraph's (a signature column, a table cell)."""
        parts = []
        index = 0
        for kind, group in groupby(paragraphs, key=lambda p: role or _role(p.role)):
            group = list(group)
            first_label = label if index == 0 else None
            index += len(group)
            if kind == "title":
                lines = [Markup('<span class="xb-line">{}</span>').format(
                    self.inline(p, first_label if i == 0 else None))
                    for i, p in enumerate(group)]
                parts.append(Markup('<h{0} class="xb-title">{1}</h{0}>\n').format(
                    self.level, Markup("<br>").join(lines)))
            elif kind == "item":
                items = Markup("").join(
                    Markup("<li>{}</li>\n").format(
                        self.inline(p, first_label if i == 0 else None, item=True))
                    for i, p in enumerate(group))
                parts.append(Markup('<ul class="xb-items">\n{}</ul>\n').format(items))
            elif kind == "heading":
                parts += [self._heading(p, first_label if i == 0 else None)
                          for i, p in enumerate(group)]
            else:
                parts += [Markup('<p class="xb-{}">{}</p>\n').format(
                    kind, self.inline(p, first_label if i == 0 else None))
                    for i, p in enumerate(group)]
        return Markup("").join(parts)

    def _heading(self, paragraph: Paragraph, label: str | None) -> Markup:
        return Markup('<h{0} class="xb-heading">{1}</h{0}>\n').format(
            self.level + 1, self.inline(paragraph, label))

    # --- blocks -------------------------------------------------------------------------------

    def block(self, block: Block) -> Markup:
        """One block, as :meth:`xbdocs.writer.layout.Layout.block` lays it out (in a column
        of the parallel text the stylesheet sets signature blocks one under the other, as
        the DOCX does there)."""
        kind = block.kind if block.kind in _KINDS else "text"
        if kind == "signatures":
            content = self._signatures(block)
        elif kind == "table":
            content = self.paragraphs(block.paragraphs) + self._table(block)
        elif kind == "heading":
            content = Markup("").join(self._heading(p, block.label)
                                      for p in block.paragraphs)
        else:
            content = self.paragraphs(block.paragraphs,
                                      block.label if kind == "clause" else None)
        return Markup('<div class="xb-block xb-{}-block" data-block="{}">\n{}</div>\n').format(
            kind, block.id, content)

    def _signatures(self, block: Block) -> Markup:
        parties = Markup("").join(
            Markup('<div class="xb-party">\n{}</div>\n').format(
                self.paragraphs(column, role="signature"))
            for column in block.columns)
        return Markup('<div class="xb-parties">\n{}</div>\n').format(parties)

    def _table(self, block: Block) -> Markup:
        if not block.rows:
            return Markup("")
        columns = max(len(row) for row in block.rows)
        widths = block.widths if len(block.widths) == columns else [1] * columns
        total = sum(widths) or 1
        cols = Markup("").join(Markup('<col class="xb-w{}">').format(
            max(_WIDTH_STEP, round(100 * width / total / _WIDTH_STEP) * _WIDTH_STEP))
            for width in widths)

        def row(cells: list[Paragraph], tag: str) -> Markup:
            scope = Markup(' scope="col"') if tag == "th" else Markup("")
            filled = [self.inline(cell) for cell in cells[:columns]]
            filled += [Markup("")] * (columns - len(filled))
            return Markup("<tr>{}</tr>\n").format(Markup("").join(
                Markup("<{0}{1}>{2}</{0}>").format(tag, scope, cell) for cell in filled))

        head = row(block.rows[0], "th")
        body = Markup("").join(row(cells, "td") for cells in block.rows[1:])
        return Markup('<table class="xb-table">\n<colgroup>{}</colgroup>\n<thead>\n{}</thead>\n'
                      '<tbody>\n{}</tbody>\n</table>\n').format(cols, head, body)


def _role(role: str) -> str:
    return role if role in _ROLES else "body"
