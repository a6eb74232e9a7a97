"""Strict reading of YAML a person wrote: every key path remembers its line, unknown keys
and wrong types are problems named by path, and all problems are reported together.
Used for answers files and filing profiles alike."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

import yaml

from xbdocs.errors import InputError, printable, problem
from xbdocs.findings import Finding
from xbdocs.i18n import Message, MessageText
from xbdocs.inputs import MAX_TEXT_BYTES


def dumped(data: Any) -> str:
    """YAML as xbdocs writes it for a person (an answers file, a plan, a profile with the
    department's facts): keys in their own order, letters as they are, lines of 100."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)

MAX_TEXT = 2000
#: Deeper than any answers file or profile needs (the deepest today is 5).
MAX_DEPTH = 20
# Characters a document cannot hold or that could act on the output: XML 1.0's forbidden
# controls and non-characters, the C1 controls (U+0080–U+009F), and the private-use area,
# which xbdocs keeps for its own markers. Tab, newline and carriage return are allowed by XML
# but not in one-line fields, which are checked with _LINE_BREAKS.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
                        "\ue000-\uf8ff\U000f0000-\U0010ffff]")
# Line and paragraph separators and the bidirectional overrides, which reorder what a reader
# sees: not allowed in one-line fields.
_LINE_BREAKS = re.compile("[\n\r\t\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_SCALARS = yaml.constructor.SafeConstructor()
_PLAIN_TAGS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
               "tag:yaml.org,2002:float"}


def load_yaml(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML a person wrote; return the data and the line of every key path.

    Only what such a file needs is accepted: mappings, lists and plain scalars. Anchors,
    aliases, tags and merge keys are refused (an alias can expand without bound), nesting is
    bounded, and a value that looks like a date stays text for the reader to check."""
    if len(text) > MAX_TEXT_BYTES:
        raise InputError.one(source, Message("too large: more than {limit} characters").format(
            limit=MAX_TEXT_BYTES))
    builder = _EventBuilder()
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
            if builder.fatal:
                break
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError.one(source, Message("not valid YAML: the character U+{code:04X} is "
                                             "not allowed; remove it").format(
                                                 code=exc.character if isinstance(
                                                     exc.character, int) else 0),
                             line=line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = printable(getattr(exc, "problem", None) or str(exc), 200)
        raise InputError.one(source, Message("not valid YAML: {problem}").format(
            problem=what), line=line) from None
    if builder.problems:
        raise InputError(source, builder.problems)
    if builder.root is None:
        raise InputError.one(source, Message("the file is empty"))
    return builder.root, builder.lines


class _Frame:
    """A mapping or list under construction, and for a mapping the key awaiting its value."""

    def __init__(self, value: dict | list, path: str) -> None:
        self.value, self.path = value, path
        self.key: str | None = None

    def child_path(self) -> str:
        if isinstance(self.value, list):
            return f"{self.path}[{len(self.value)}]"
        return f"{self.path}.{self.key}" if self.path else str(self.key)


class _EventBuilder:
    """Builds plain data from parser events, one at a time, with no recursion."""

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0
        self.lines: dict[str, int] = {}
        self.problems: list[Finding] = []
        self.fatal = False
        #: Depth of a subtree being skipped (a key that is not plain text), 0 if none.
        self.skipping = 0

    def problem(self, message: MessageText, event: yaml.Event, path: str = "") -> None:
        self.problems.append(problem(path, message, event.start_mark.line + 1))

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.problem(Message("more than one YAML document («---»); keep one"), event)
                self.fatal = True
            return
        if not isinstance(event, yaml.NodeEvent | yaml.CollectionEndEvent):
            return
        if self.skipping:
            if isinstance(event, yaml.CollectionStartEvent):
                self.skipping += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                self.skipping -= 1
            return
        if isinstance(event, yaml.CollectionEndEvent):
            frame = self.stack.pop()
            self._place(frame.value)
            return
        where = self.stack[-1].child_path() if self.stack and self._value_expected() else (
            self.stack[-1].path if self.stack else "")
        if isinstance(event, yaml.AliasEvent):
            self.problem(Message("aliases («*name») are not allowed in this file; write the value "
                                 "out"), event, where)
            self.fatal = True
            return
        if event.anchor is not None:
            self.problem(Message("anchors («&{name}») are not allowed in this file; write the "
                                 "value "
                                 "out").format(name=printable(event.anchor, 40)), event, where)
            self.fatal = True
            return
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            shown = printable(tag.replace("tag:yaml.org,2002:", "!!"), 40)
            self.problem(Message("tags («{tag}») are not allowed in this file; write the plain "
                                 "value").format(tag=shown), event, where)
            self.fatal = True
            return
        if isinstance(event, yaml.CollectionStartEvent):
            if self.stack and not self._value_expected():
                self.problem(Message("a key must be plain text, not a list or a section"), event,
                             self.stack[-1].path)
                self.skipping = 1
                self.stack[-1].key = None
                return
            if len(self.stack) >= MAX_DEPTH:
                self.problem(Message("nested more than {depth} levels deep").format(
                    depth=MAX_DEPTH),
                             event, where)
                self.fatal = True
                return
            path = where
            self.lines.setdefault(path, event.start_mark.line + 1)
            value: dict | list = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.stack.append(_Frame(value, path))
            return
        self._scalar(event)

    def _value_expected(self) -> bool:
        frame = self.stack[-1]
        return isinstance(frame.value, list) or frame.key is not None

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        kind = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        if self.stack and not self._value_expected():
            frame = self.stack[-1]
            if kind == "tag:yaml.org,2002:merge":
                self.problem(Message("merge keys («<<») are not allowed in this file; write the "
                                     "keys out"), event, frame.path)
                frame.key = "<<"
                return
            key = str(_plain(event, kind))
            path = f"{frame.path}.{key}" if frame.path else key
            assert isinstance(frame.value, dict)
            if key in frame.value:
                self.problem(Message("the key is given twice"), event, path)
            self.lines[path] = event.start_mark.line + 1
            frame.key = key
            return
        if self.stack:
            self.lines.setdefault(self.stack[-1].child_path(), event.start_mark.line + 1)
        else:
            self.lines.setdefault("", event.start_mark.line + 1)
        self._place(_plain(event, kind))

    def _place(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if isinstance(frame.value, list):
            frame.value.append(value)
        else:
            if frame.key is None:  # the value of a refused key
                return
            if frame.key != "<<":
                frame.value[frame.key] = value
            frame.key = None


def _plain(event: yaml.ScalarEvent, kind: str) -> Any:
    """A scalar as None, bool, int, float or text; dates and everything else stay text."""
    if kind in _PLAIN_TAGS:
        node = yaml.ScalarNode(kind, event.value, event.start_mark, event.end_mark)
        try:
            return _SCALARS.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError):
            return event.value
    return event.value


def unknown_key(key: Any, known: set[str] | list[str]) -> MessageText:
    """The message for a key the section does not have, naming the closest it does."""
    known = sorted(known)
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = (Message("did you mean «{key}»?").format(key=close[0]) if close else
            Message("expected one of: {keys}").format(keys=", ".join(known)))
    return Message("unknown key; {hint}").format(hint=hint)


def not_one_of(value: Any, options: tuple[str, ...] | list[str]) -> MessageText | None:
    """Why ``value`` is not one of ``options`` (naming the closest), or None if it is."""
    if isinstance(value, str) and value in options:
        return None
    close = difflib.get_close_matches(str(value), list(options), n=1)
    hint = Message(" (did you mean «{option}»?)").format(option=close[0]) if close else ""
    shown = ", ".join(options) if len(options) <= 16 else ", ".join(list(options)[:16]) + ", …"
    return Message("{got} is not one of: {options}{hint}").format(got=describe(value),
                                                             options=shown, hint=hint)


def check_text(value: Any, one_line: bool = True) -> tuple[str | None, MessageText | None]:
    """A text field's value, stripped, or a message saying what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, Message("expected text, got {got}").format(got=describe(value))
    text = str(value).strip()
    bad = _FORBIDDEN.search(text)
    if bad:
        return None, Message("contains the control character U+{code:04X}, which a document "
                             "cannot hold; remove it").format(code=ord(bad[0]))
    if one_line and _LINE_BREAKS.search(text):
        return None, Message("must be one line of text (without line breaks, tabs or direction "
                             "marks)")
    if len(text) > MAX_TEXT:
        return None, Message("too long: {length} characters, at most {limit}").format(
            length=len(text), limit=MAX_TEXT)
    if not text:
        return None, Message("must not be empty")
    return text, None


#: Dates an agreement or its paperwork can carry: from the year before the 1992 Treaty to the
#: end of the century (deadlines count a year or so on from them).
FIRST_DATE, LAST_DATE = dt.date(1991, 1, 1), dt.date(2099, 12, 31)
_DATE_FORMATS = (("%d.%m.%Y", re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")),
                 ("%Y-%m-%d", re.compile(r"\d{4}-\d{1,2}-\d{1,2}")))


def parse_date(value: Any) -> dt.date:
    """A date as clerks write it (19.09.2012) or as ISO (2012-09-19), within the range an
    agreement can have; ValueError with a message for the user otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        for pattern, shape in _DATE_FORMATS:
            if shape.fullmatch(text):
                try:
                    day = dt.datetime.strptime(text, pattern).date()
                except ValueError:
                    raise ValueError(Message("{got} is not a day of the calendar").format(
                        got=describe(value))) from None
                break
        else:
            raise ValueError(Message("expected a date such as 19.09.2012 or 2012-09-19, got {got}")
                             .format(got=describe(value)))
    else:
        raise ValueError(Message("expected a date such as 19.09.2012 or 2012-09-19, got {got}")
                         .format(got=describe(value)))
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(Message("{got} is outside the years {first}–{last}").format(
            got=describe(value), first=FIRST_DATE.year, last=LAST_DATE.year))
    return day


def describe(value: Any) -> MessageText:
    if isinstance(value, dict):
        return Message("a section of keys")
    if isinstance(value, list):
        return Message("a list")
    if isinstance(value, dt.date):  # a date cell of a table: as a clerk writes it
        return f"{value:%d.%m.%Y}"
    text = repr(value) if not isinstance(value, str) else f"«{printable(value, 58)}»"
    return printable(text, 60)
