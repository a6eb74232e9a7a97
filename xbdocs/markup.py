"""The block markup of a rendered template (see :mod:`xbdocs.assembler`), parsed into the
document model. Values a template printed stand in its text as tokens, so user text is
never read as markup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from xbdocs.errors import TemplateError
from xbdocs.i18n import _
from xbdocs.model import Block, Paragraph, Run
from xbdocs.values import Field, Ref

TOKEN = re.compile("\ue000(\\d+)\ue001")
_DIRECTIVE = re.compile(r"^@(?P<name>[a-z]+)(?:\s+(?P<arg>.*))?$")
_SOURCE_DIRECTIVE = re.compile(
    r"^\s*@(?:article|clause|text|party|split|sign|aside|right|subject|note|bottom|hanging|table)"
    r"\s+([^\s:]+)")
_SOURCE_REF = re.compile(r"""ref\(\s*["']([^"']+)["']""")
_INLINE = re.compile(r"(\*\*|\*)")


@dataclass
class SourceMap:
    """Where clause ids and references stand in a template's source."""

    path: str
    directives: dict[str, int]
    refs: dict[str, int]
    lines: list[str]

    def clause_at(self, line: int) -> str | None:
        best = None
        for clause, at in self.directives.items():
            if at <= line and (best is None or at > self.directives[best]):
                best = clause
        return best


def source_map(text: str, display: str) -> SourceMap:
    lines = text.splitlines()
    directives: dict[str, int] = {}
    refs: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        match = _SOURCE_DIRECTIVE.match(line)
        if match:
            directives.setdefault(match[1], number)
        for ref in _SOURCE_REF.finditer(line):
            refs.setdefault(ref[1], number)
    return SourceMap(display, directives, refs, lines)


class Parser:
    def __init__(self, text: str, values: list[Any], source: SourceMap) -> None:
        self.text, self.values, self.source = text, values, source
        self.blocks: list[Block] = []
        self.lines_of: dict[str, int | None] = {}
        self.refs: list[tuple[Block, Ref]] = []

    def _plain(self, text: str) -> str:
        return TOKEN.sub(lambda m: str(self.values[int(m[1])]), text).strip()

    def _error(self, message: str, clause: str | None = None) -> TemplateError:
        line = self.source.directives.get(clause) if clause else None
        return TemplateError(message, self.source.path, line, clause)

    def parse(self) -> list[Block]:
        block: Block | None = None
        column: list[Paragraph] | None = None
        buffer: list[str] = []
        dateline: list[str] = []

        def flush() -> None:
            if not buffer:
                return
            text = " ".join(part.strip() for part in buffer)
            buffer.clear()
            if block is None:
                raise self._error(_("text before the first directive (@title, @clause …): "
                                    "«{text}»").format(text=self._plain(text)[:60]))
            if block.kind in _PENDING:
                dateline.append(text)
                return
            role = {"title": "title", "signatures": "signature", "aside": "aside",
                    "subject": "subject", "note": "note", "table": "body", "bottom": "note",
                    "hanging": "hanging", "right": "right"}.get(block.kind, "body")
            if text.startswith("- "):
                role, text = "item", text[2:]
            paragraph = Paragraph(self._runs(text, block), role)
            (column if column is not None else block.paragraphs).append(paragraph)

        for raw in self.text.splitlines():
            line = raw.rstrip()
            match = _DIRECTIVE.match(line.strip()) if line.strip().startswith("@") else None
            if match:
                flush()
                name, arg = match["name"], self._plain(match["arg"] or "")
                block, column = self._start(name, arg, block, dateline)
                continue
            if block is not None and block.kind == "table" and line.lstrip().startswith("|"):
                flush()
                cells = line.strip().strip("|").split("|")
                block.rows.append([Paragraph(self._runs(cell.strip(), block), "cell")
                                   for cell in cells])
                continue
            if not line.strip() or line.lstrip().startswith("- "):
                flush()
            if line.strip():
                buffer.append(line)
                if block is not None and block.kind in _PENDING:
                    flush()  # the place and the date are a line each
        flush()
        self._close_dateline(dateline)
        return self.blocks

    def _close_dateline(self, dateline: list[str]) -> None:
        if not self.blocks or self.blocks[-1].kind not in _PENDING:
            return
        block = self.blocks[-1]
        if len(dateline) not in (1, 2):
            raise self._error(_("@{name} takes two lines: the left part, then the right "
                                "part").format(name=_PENDING[block.kind][1]), block.id)
        block.kind = _PENDING[block.kind][0]
        right = self._runs(dateline[1], block) if len(dateline) == 2 else []
        block.paragraphs = [Paragraph(self._runs(dateline[0], block),
                                      "dateline" if block.kind == "text" else "signature",
                                      right=right)]
        dateline.clear()

    def _start(self, name: str, arg: str, block: Block | None,
               dateline: list[str]) -> tuple[Block | None, list[Paragraph] | None]:
        self._close_dateline(dateline)
        if name == "party":
            if block is None or block.kind != "signatures":
                raise self._error(_("@party must follow @signatures"), arg)
            block.columns.append([])
            return block, block.columns[-1]
        if name in ("title", "signatures", "dateline"):
            block_id, heading = arg or name, ""
            kind = {"dateline": "dateline_pending"}.get(name, name)
        elif name in ("article", "clause", "text", "split", "sign", "aside", "right",
                      "subject", "note", "bottom", "hanging", "table"):
            block_id, _sep, heading = arg.partition(":")
            block_id, heading = block_id.strip(), heading.strip()
            if not block_id:
                raise self._error(_("@{name} needs an id").format(name=name))
            kind = {"article": "heading", "split": "dateline_pending",
                    "sign": "sign_pending"}.get(name, name)
        else:
            raise self._error(_("unknown directive @{name}; expected one of: {names}")
                              .format(name=name, names=_DIRECTIVE_NAMES))
        if any(existing.id == block_id for existing in self.blocks):
            raise self._error(_("the id «{id}» is used twice").format(id=block_id), block_id)
        new = Block(block_id, kind)
        if kind == "table" and heading:
            if not all(part.isdigit() for part in heading.split()):
                raise self._error(_("@table {id}: after the colon give the relative column "
                                    "widths as whole numbers, e.g. «: 10 60 30»").format(
                                        id=block_id), block_id)
            new.widths = [int(part) for part in heading.split()]
            heading = ""
        if kind == "heading":
            new.paragraphs.append(Paragraph([Run(heading)], "heading") if heading else
                                  Paragraph([], "heading"))
        self.blocks.append(new)
        return new, None

    def _runs(self, text: str, block: Block) -> list[Run]:
        runs: list[Run] = []
        bold = italic = False
        for part in _INLINE.split(text):
            if part == "**":
                bold = not bold
                continue
            if part == "*":
                italic = not italic
                continue
            for index, piece in enumerate(TOKEN.split(part)):
                if index % 2 == 0:
                    if piece:
                        runs.append(Run(piece, bold, italic))
                    continue
                value = self.values[int(piece)]
                if isinstance(value, Ref):
                    self.refs.append((block, value))
                    runs.append(RefRun("", bold, italic, ref=len(self.refs) - 1))
                else:
                    note = value.note if isinstance(value, Field) else None
                    runs.append(Run(str(value), bold, italic,
                                    note.comment() if note is not None else None, note))
        merged: list[Run] = []
        for run in runs:
            if (merged and not isinstance(run, RefRun) and not isinstance(merged[-1], RefRun)
                    and not run.comment and not merged[-1].comment
                    and run.note is None and merged[-1].note is None
                    and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic)):
                merged[-1].text += run.text
            else:
                merged.append(run)
        return merged


@dataclass
class RefRun(Run):
    """A run whose text is a clause number, known only once the document is numbered. Its
    type marks it, not its text, so no text a user gives can pose as a reference."""

    ref: int = 0

_DIRECTIVE_NAMES = ("@title, @dateline, @split, @sign, @text, @article, @clause, @signatures, "
                    "@party, @aside, @right, @subject, @note, @bottom, @hanging, @table")
#: Blocks of two lines, left and right, still being read: the kind each becomes, and its
#: directive.
_PENDING = {"dateline_pending": ("text", "split"), "sign_pending": ("sign", "sign")}
