"""The exceptions a user can cause. Each message points at its source: a field of the
answers file, a template file and line, or an output path. The CLI prints them and exits 1;
anything else is a bug in xbdocs."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from xbdocs.findings import ERROR, Finding
from xbdocs.i18n import Message, MessageText

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
    """A problem the user can fix. Its message is translated when shown (``str()``), in the
    language of whoever is shown it, not of whoever caused it."""

    exit_code = 1

    def __init__(self, message: MessageText = "") -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)

    def __reduce__(self) -> tuple:
        # Raised in a batch's worker process and shown in the parent: pickled whole, the
        # message untranslated, so the parent shows it in its own language.
        return _rebuilt, (type(self), self.__dict__)

    def lines(self) -> list[str]:
        return [str(self)]


def _rebuilt(kind: type[XbdocsError], state: dict) -> XbdocsError:
    error = kind.__new__(kind)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


def problem(path: str, message: MessageText, line: int | None = None) -> Finding:
    """One thing wrong with an input file: where (a dotted key path, a column) and what.
    A finding without a code: the file cannot be read as what it should be, so no check
    has run on it yet."""
    return Finding("", ERROR, path, message, line)


#: The most problems of one input shown; past them, how many more there are. A file with
#: 100,000 broken rows must not print 100,000 lines.
MAX_PROBLEMS = 100


class InputError(XbdocsError):
    """An input file (answers, profile, plan, letterhead, table, draft, register import) is
    unreadable or wrong; carries every problem found, not just the first, each located in
    ``source``. The lines shown are the first :data:`MAX_PROBLEMS` and a count of the
    rest."""

    def __init__(self, source: str, problems: list[Finding]) -> None:
        self.source = source
        self.problems = [p if p.source else dataclasses.replace(p, source=source)
                         for p in problems]
        super().__init__()

    @classmethod
    def one(cls, source: str, message: MessageText, path: str = "",
            line: int | None = None) -> InputError:
        """The error of a file with one problem (it is not text, not YAML, too large …)."""
        return cls(source, [problem(path, message, line)])

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS]]
        more = len(self.problems) - MAX_PROBLEMS
        if more > 0:
            shown.append(str(Message("{source}: … and {count} more problems").format(
                source=printable(self.source, 200), count=more)))
        return shown


class FindingsError(XbdocsError):
    """Checks or template lint found errors; one line per finding."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__()

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        return [str(f) for f in self.findings]


class LetterheadError(XbdocsError):
    """The letterhead file cannot be used."""

    def __init__(self, path: Path, reason: MessageText) -> None:
        super().__init__(Message("{path}: not a usable letterhead: {reason}; give a DOCX "
                                 "saved by Word or LibreOffice").format(
                                     path=printable(str(path), 200), reason=reason))


class RegistryError(XbdocsError):
    """A register cannot be opened, or a change to it is not possible."""


class AccountError(XbdocsError):
    """A login refused, or a change to the users that is not possible."""


class BatchError(XbdocsError):
    """A batch's input cannot be read as a whole (not one item's fault)."""


class CatalogueError(XbdocsError):
    """A catalogue data file is broken."""


class TemplateError(XbdocsError):
    """A template cannot be rendered or does not fit its pair."""

    def __init__(self, message: MessageText, file: str | None = None, line: int | None = None,
                 clause: str | None = None) -> None:
        super().__init__(message)
        self.file, self.line, self.clause = file, line, clause

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line:
            where += f":{self.line}"
        clause = f"[{self.clause}] " if self.clause else ""
        return f"{where}: {clause}{self.message}" if where else f"{clause}{self.message}"


class OutputError(XbdocsError):
    """An output file cannot be written, or would overwrite one without --force."""


class StalePlan(RegistryError):
    """A plan of joint events saved by someone else after the revision a save was made
    from (the department server's plan form): nothing is saved over it."""

    def __init__(self) -> None:
        super().__init__(Message("the plan was changed by someone else; nothing was saved"))
