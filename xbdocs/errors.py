"""The exceptions a user can cause. Each message points at its source: a field of the
answers file, a template file and line, or an output path. The CLI prints them and exits 1;
anything else is a bug in xbdocs."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What must never reach a terminal raw: controls (C0, DEL, C1), line and paragraph
#: separators, direction overrides and the private-use area.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ue000-\uf8ff]")
#: A message line longer than this is cut: no input can flood the terminal.
MAX_LINE = 400


def printable(text: str, limit: int = MAX_LINE) -> str:
    """``text`` made safe to print as (part of) one line: each control or separator written
    as an escape (\\x1b, \\u2028), and the whole cut to ``limit`` characters."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match[0])
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = _UNPRINTABLE.sub(escape, text)
    if len(text) <= limit:
        return text
    # Cut in the middle: the end of a message line holds its code («[XB021]»).
    tail = min(30, limit // 4)
    return text[: limit - tail - 1] + "…" + text[-tail:]


class XbdocsError(Exception):
    """A problem the user can fix."""

    exit_code = 1

    def lines(self) -> list[str]:
        return [str(self)]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the answers: where (a dotted key path) and what."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.line}: " if self.line else ""
        return f"{where}{self.path}: {self.message}" if self.path else f"{where}{self.message}"


class AnswersError(XbdocsError):
    """The answers file is unreadable or wrong; carries every problem found, not just one."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = problems
        self.source = source
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        prefix = f"{self.source}:" if self.source else ""
        return [f"{prefix}{problem}" for problem in self.problems]


class CatalogueError(XbdocsError):
    """A catalogue data file is broken."""


class TemplateError(XbdocsError):
    """A template cannot be rendered or does not fit its pair."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 clause: str | None = None) -> None:
        self.message, self.file, self.line, self.clause = message, file, line, clause
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.file or ""
        if self.file and self.line:
            where += f":{self.line}"
        clause = f"[{self.clause}] " if self.clause else ""
        return f"{where}: {clause}{self.message}" if where else f"{clause}{self.message}"


class OutputError(XbdocsError):
    """An output file cannot be written, or would overwrite one without --force."""
