"""The document model: what a document says and how it is divided, with no file format.

The assembler fills it; the writer lays it out. Every block has an id, so two documents in
different languages with the same block ids in the same order are aligned.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    #: A remark anchored on this run (a comment in the margin), for the reader to act on.
    comment: str | None = None
    #: What the remark is about: a hashable key of the assembler's choosing, kept on every
    #: run of that value (the comment text only where it first appears), so a document
    #: tells which notes it carries without comparing texts. The writer ignores it.
    note: object | None = None


@dataclass
class Paragraph:
    """A paragraph of runs. ``role`` is the kind of paragraph (body, title, subtitle, item,
    dateline, signature); a dateline has two parts, set flush left and flush right."""

    runs: list[Run]
    role: str = "body"
    #: For a dateline: the runs set flush right.
    right: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        left = "".join(run.text for run in self.runs)
        return f"{left}\t{''.join(run.text for run in self.right)}" if self.right else left


@dataclass
class Block:
    """A unit that stays together across languages: a title, a heading, a numbered clause,
    an unnumbered passage, or a row of signature columns."""

    id: str
    #: title | heading | clause | text | signatures | aside (set in the right half) | right
    #: (set flush right) |
    #: subject | note (small print) | table | sign (a signature line: the left part — a
    #: post, one or more lines — and the right part level with its last line, after a gap,
    #: kept with the text before it) | bottom (small print set at the foot of the page it
    #: falls on: a letter's executor) | hanging (flush left; after a paragraph's first tab
    #: its lines hang at one indent: «Приложение:» and its items)
    kind: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    #: The computed number as printed: «Статья 3.», «3-бап.», «3.2.».
    label: str | None = None
    #: For signatures: one list of paragraphs per signing party, side by side.
    columns: list[list[Paragraph]] = field(default_factory=list)
    #: For a table: rows of cells; the first row is the header.
    rows: list[list[Paragraph]] = field(default_factory=list)
    #: For a table: relative column widths (any scale); empty for equal columns.
    widths: list[int] = field(default_factory=list)

    def runs(self) -> list[Run]:
        """Every run of the block: its paragraphs, columns and cells, in reading order."""
        paragraphs = [*self.paragraphs, *(p for column in self.columns for p in column),
                      *(p for row in self.rows for p in row)]
        return [run for p in paragraphs for run in (*p.runs, *p.right)]

    @property
    def text(self) -> str:
        parts = [p.text for p in self.paragraphs]
        parts += [p.text for column in self.columns for p in column]
        parts += [" | ".join(cell.text for cell in row) for row in self.rows]
        body = "\n".join(parts)
        return f"{self.label} {body}" if self.label else body


@dataclass
class Document:
    lang: str
    blocks: list[Block]
    #: Core properties: title, subject, keywords, comments.
    properties: dict[str, str] = field(default_factory=dict)
    #: Where pages are numbered: "head-after-first" (at the top centre from the second page
    #: on, as GOST R 7.0.97-2016, 5.1 has it for every document) or "foot" (every page, at
    #: the foot).
    page_numbers: str = "head-after-first"

    def comments(self) -> list[str]:
        """The remarks anchored in the document, in reading order."""
        return [run.comment for block in self.blocks for run in block.runs() if run.comment]

    def notes(self) -> list[object]:
        """What the remarks of the document are about (:attr:`Run.note`), each once, in
        reading order."""
        return list(dict.fromkeys(run.note for block in self.blocks for run in block.runs()
                                  if run.note is not None))

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)


@dataclass
class ParallelDocument:
    """Two aligned documents, shown side by side block for block."""

    left: Document
    right: Document
    properties: dict[str, str] = field(default_factory=dict)
    #: Blocks set after the two columns at full width (a certification on a copy).
    tail: list[Block] = field(default_factory=list)
    #: Blocks set before the two columns at full width (the mark «КОПИЯ» on a copy).
    head: list[Block] = field(default_factory=list)
    #: As :attr:`Document.page_numbers`.
    page_numbers: str = "head-after-first"

    def rows(self) -> list[tuple[Block, Block]]:
        return list(zip(self.left.blocks, self.right.blocks, strict=True))
