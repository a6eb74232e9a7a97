"""Strict reading of YAML a person wrote: every key path remembers its line, unknown keys
and wrong types are problems named by path, and all problems are reported together.
Used for answers files and filing profiles alike."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from typing import Any

import yaml

from xbdocs.catalogue import Bilingual
from xbdocs.errors import AnswersError, Problem
from xbdocs.i18n import _

MAX_TEXT = 2000
# Characters XML 1.0 cannot hold (tab, newline and carriage return are allowed by XML but
# not in one-line fields, which are checked separately).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML; return the data and the line of every key path."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise AnswersError([Problem("", _("not valid YAML: {problem}").format(
            problem=problem), line)], source) from None
    if root is None:
        raise AnswersError([Problem("", _("the file is empty"))], source)
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    data = _Builder(lines, problems).build(root, "")
    if problems:
        raise AnswersError(problems, source)
    return data, lines


class _Builder(yaml.constructor.SafeConstructor):
    def __init__(self, lines: dict[str, int], problems: list[Problem]) -> None:
        super().__init__()
        self.lines, self.problems = lines, problems

    def build(self, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(self.construct_object(key_node, deep=True))
                child = f"{path}.{key}" if path else key
                if key in result:
                    self.problems.append(Problem(child, _("the key is given twice"),
                                                 key_node.start_mark.line + 1))
                self.lines[child] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, f"{path}[{index}]") for index, item in enumerate(node.value)]
        return self.construct_object(node, deep=True)


class Reader:
    """One mapping of the answers file: typed reads by key that record problems with
    their key path, then :meth:`finish` reports keys nobody asked for."""

    def __init__(self, data: Any, path: str, state: State) -> None:
        self.path, self.state = path, state
        self.seen: set[str] = set()
        if isinstance(data, dict):
            self.data = data
        else:
            self.data = {}
            if data is not None:
                state.problem(path, _("expected a section of keys, got {got}").format(
                    got=describe(data)))

    def child(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, required: bool) -> Any:
        self.seen.add(key)
        value = self.data.get(key)
        if value is None and required:
            self.state.problem(self.child(key), _("required, but missing"),
                               line=self.state.lines.get(self.path))
        return value

    def section(self, key: str, required: bool = True) -> Reader | None:
        value = self.raw(key, required)
        if value is None:
            return None
        return Reader(value, self.child(key), self.state)

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.raw(key, required)
        if not required and isinstance(value, str) and not value.strip():
            return None  # an optional text left empty: not given yet
        return self.state.text(value, self.child(key))

    def bilingual(self, key: str, required: bool = True) -> Bilingual | None:
        value = self.raw(key, required)
        if value is None:
            return None
        return self.state.bilingual(value, self.child(key))

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int | None:
        value = self.raw(key, default is None)
        path = self.child(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.state.problem(path, _("expected a whole number, got {got}").format(
                got=describe(value)))
            return default
        if not low <= value <= high:
            self.state.problem(path, _("expected a number from {low} to {high}, got {got}")
                               .format(low=low, high=high, got=value))
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.state.problem(self.child(key), _("expected yes or no (true/false), got {got}")
                               .format(got=describe(value)))
            return default
        return value

    def choice(self, key: str, options: tuple[str, ...] | list[str],
               default: str | None = None) -> str | None:
        value = self.raw(key, default is None)
        if value is None:
            return default
        return self.state.choice(value, options, self.child(key)) or default

    def date(self, key: str) -> dt.date | None:
        value = self.raw(key, False)
        path = self.child(key)
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
                try:
                    return dt.datetime.strptime(value.strip(), pattern).date()
                except ValueError:
                    pass
        self.state.problem(path, _("expected a date such as 2012-09-19 or 19.09.2012, "
                                   "got {got}").format(got=describe(value)))
        return None

    def items(self, key: str, required: bool = False) -> Iterator[tuple[str, Any]]:
        value = self.raw(key, required)
        path = self.child(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.state.problem(path, _("expected a list, got {got}").format(
                got=describe(value)))
            return
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item

    def finish(self) -> None:
        for key in self.data:
            if key not in self.seen:
                known = sorted(self.seen)
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = (_("did you mean «{key}»?").format(key=close[0]) if close else
                        _("expected one of: {keys}").format(keys=", ".join(known)))
                self.state.problem(self.child(str(key)), _("unknown key; {hint}").format(
                    hint=hint))


class State:
    def __init__(self, lines: dict[str, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(path, message, line or self._line(path)))

    def _line(self, path: str) -> int | None:
        """The line of ``path``, or of the nearest enclosing key that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            parent = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
            if parent == path:  # a top-level key: nothing encloses it
                break
            path = parent
        return self.lines.get("")

    def text(self, value: Any, path: str, one_line: bool = True) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(path, _("expected text, got {got}").format(got=describe(value)))
            return None
        text = str(value).strip()
        bad = _XML_FORBIDDEN.search(text)
        if bad:
            self.problem(path, _("contains the control character U+{code:04X}, which a "
                                 "document cannot hold; remove it").format(code=ord(bad[0])))
            return None
        if one_line and ("\n" in text or "\r" in text or "\t" in text):
            self.problem(path, _("must be one line of text"))
            return None
        if len(text) > MAX_TEXT:
            self.problem(path, _("too long: {length} characters, at most {limit}").format(
                length=len(text), limit=MAX_TEXT))
            return None
        if not text:
            self.problem(path, _("must not be empty"))
            return None
        return text

    def bilingual(self, value: Any, path: str) -> Bilingual | None:
        reader = Reader(value, path, self)
        if not isinstance(value, dict):
            return None
        ru, kk = reader.text("ru"), reader.text("kk")
        reader.finish()
        return Bilingual(ru, kk) if ru and kk else None

    def choice(self, value: Any, options: tuple[str, ...] | list[str], path: str) -> str | None:
        if isinstance(value, str) and value in options:
            return value
        close = difflib.get_close_matches(str(value), list(options), n=1)
        hint = _(" (did you mean «{option}»?)").format(option=close[0]) if close else ""
        shown = ", ".join(options) if len(options) <= 16 else ", ".join(list(options)[:16]) + ", …"
        self.problem(path, _("«{got}» is not one of: {options}{hint}").format(
            got=value, options=shown, hint=hint))
        return None


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return _("a section of keys")
    if isinstance(value, list):
        return _("a list")
    text = repr(value) if not isinstance(value, str) else f"«{value}»"
    return text if len(text) <= 60 else text[:57] + "…"
