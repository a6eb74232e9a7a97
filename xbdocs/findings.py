"""A finding: one thing the user should know about their input, with a stable code, a
severity, and where it is (the file, the line, the key path). Checks, the assembler's
warnings and template lint all report findings, and every interface prints them alike:

    answers.yaml:12: parties.kazakh.signatory.gender: message [XB0NN]

A problem that stops a file being read at all (not YAML, a key of the wrong type) is a
finding without a code (:func:`xbdocs.errors.problem`). The message is a
:class:`~xbdocs.i18n.Message` where it can be, translated when the finding is shown.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from xbdocs.i18n import MessageText

ERROR, WARNING = "error", "warning"
_PARENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of key ``path``, or of the nearest enclosing key that has one."""
    while path:
        if path in lines:
            return lines[path]
        parent = _PARENT.sub("", path)
        if parent == path:  # a top-level key: nothing encloses it
            break
        path = parent
    return None


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    path: str
    message: MessageText
    line: int | None = None
    #: The file ``path`` is in (the answers file), when the finding is about one.
    source: str = ""

    def located(self, source: str, lines: dict[str, int]) -> Finding:
        """The finding with the file and the line of its key path."""
        if self.source or not self.path or ":" in self.path.split(".")[0]:
            return self
        return dataclasses.replace(self, source=source, line=line_of(lines, self.path))

    @property
    def text(self) -> str:
        """The message in the current language."""
        return str(self.message)

    def as_dict(self) -> dict[str, str | int | None]:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)
                } | {"message": self.text}

    def __str__(self) -> str:
        where = self.source
        if where and self.line:
            where += f":{self.line}"
        prefix = f"{where}: " if where else ""
        path = f"{self.path}: " if self.path else ""
        code = f" [{self.code}]" if self.code else ""
        return f"{prefix}{path}{self.message}{code}"
