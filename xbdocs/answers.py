"""The answers file: what the clerk decided, as YAML a person can read and edit.

Reading it is strict: every unknown key, wrong type or impossible value is a problem that
names its key path and line, and all problems are reported together.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from xbdocs import catalogue as catalogue_module
from xbdocs.catalogue import Bilingual, Catalogue
from xbdocs.errors import AnswersError, Problem
from xbdocs.i18n import _

TRACKS = ("municipal", "regional")
LEVELS = ("regional", "district", "city")
MUNICIPAL_LEVELS = ("district", "city")
GENDERS = ("male", "female")
COORDINATION_MODES = ("coordinators", "working-group")
ENTRY_INTO_FORCE = ("registration", "signing", "notifications")
MAX_TEXT = 2000
# Characters XML 1.0 cannot hold (tab, newline and carriage return are allowed by XML but
# not in one-line fields, which are checked separately).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Signatory:
    name: Bilingual
    gender: str
    position: Bilingual
    acts_on: Bilingual


@dataclass(frozen=True)
class Party:
    side: str                      # "russian" or "kazakh"
    name: Bilingual
    country: str
    region: str
    level: str
    signatory: Signatory
    address: Bilingual | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    catalogue_id: str | None = None
    verified: bool = True
    source: str = ""


@dataclass(frozen=True)
class Coordination:
    mode: str
    plan_years: int
    russian_unit: Bilingual | None = None
    kazakh_unit: Bilingual | None = None


@dataclass(frozen=True)
class Term:
    years: int
    renewal: bool
    renewal_years: int | None
    notice_months: int


@dataclass(frozen=True)
class Signing:
    date: dt.date | None
    place: Bilingual | None
    place_kind: str


@dataclass(frozen=True)
class Answers:
    track: str
    #: The kind of cooperation in the title after «о …» / before «ынтымақтастық туралы».
    subject: Bilingual | None
    russian: Party
    kazakh: Party
    areas: tuple[Bilingual, ...]
    custom_areas: tuple[Bilingual, ...]
    cooperation_forms: tuple[Bilingual, ...]
    coordination: Coordination
    term: Term
    entry_into_force: str
    signing: Signing
    copies: int
    #: Case forms the user supplied: ``forms[lang][nominative][case]``.
    forms: dict[str, dict[str, dict[str, str]]]
    source: str = ""

    @property
    def parties(self) -> tuple[Party, Party]:
        return self.russian, self.kazakh


# --- YAML with line numbers -------------------------------------------------------------

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


# --- reading sections -------------------------------------------------------------------

class _Reader:
    """One mapping of the answers file: typed reads by key that record problems with
    their key path, then :meth:`finish` reports keys nobody asked for."""

    def __init__(self, data: Any, path: str, state: _State) -> None:
        self.path, self.state = path, state
        self.seen: set[str] = set()
        if isinstance(data, dict):
            self.data = data
        else:
            self.data = {}
            if data is not None:
                state.problem(path, _("expected a section of keys, got {got}").format(
                    got=_describe(data)))

    def _child(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, required: bool) -> Any:
        self.seen.add(key)
        value = self.data.get(key)
        if value is None and required and self.data is not None:
            self.state.problem(self._child(key), _("required, but missing"),
                               line=self.state.lines.get(self.path))
        return value

    def section(self, key: str, required: bool = True) -> _Reader | None:
        value = self.raw(key, required)
        if value is None:
            return None
        return _Reader(value, self._child(key), self.state)

    def text(self, key: str, required: bool = True) -> str | None:
        return self.state.text(self.raw(key, required), self._child(key))

    def bilingual(self, key: str, required: bool = True) -> Bilingual | None:
        value = self.raw(key, required)
        if value is None:
            return None
        return self.state.bilingual(value, self._child(key))

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int | None:
        value = self.raw(key, default is None)
        path = self._child(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.state.problem(path, _("expected a whole number, got {got}").format(
                got=_describe(value)))
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
            self.state.problem(self._child(key), _("expected yes or no (true/false), got {got}")
                               .format(got=_describe(value)))
            return default
        return value

    def choice(self, key: str, options: tuple[str, ...] | list[str],
               default: str | None = None) -> str | None:
        value = self.raw(key, default is None)
        if value is None:
            return default
        return self.state.choice(value, options, self._child(key)) or default

    def date(self, key: str) -> dt.date | None:
        value = self.raw(key, False)
        path = self._child(key)
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
                                   "got {got}").format(got=_describe(value)))
        return None

    def items(self, key: str, required: bool = False) -> Iterator[tuple[str, Any]]:
        value = self.raw(key, required)
        path = self._child(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.state.problem(path, _("expected a list, got {got}").format(
                got=_describe(value)))
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
                self.state.problem(self._child(str(key)), _("unknown key; {hint}").format(
                    hint=hint))


class _State:
    def __init__(self, lines: dict[str, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(path, message, line or self._line(path)))

    def _line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path)
        return None

    def text(self, value: Any, path: str, one_line: bool = True) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(path, _("expected text, got {got}").format(got=_describe(value)))
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
        reader = _Reader(value, path, self)
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


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return _("a section of keys")
    if isinstance(value, list):
        return _("a list")
    text = repr(value) if not isinstance(value, str) else f"«{value}»"
    return text if len(text) <= 60 else text[:57] + "…"


# --- the sections -----------------------------------------------------------------------

_IDENTIFIERS = {"RU": {"inn": 10, "ogrn": 13}, "KZ": {"bin": 12}}


def _signatory(reader: _Reader, cat: Catalogue) -> Signatory | None:
    name = reader.bilingual("name")
    gender = reader.choice("gender", GENDERS)
    position = reader.bilingual("position")
    acts_on_raw = reader.raw("acts_on", True)
    acts_path = reader._child("acts_on")
    acts_on = None
    if isinstance(acts_on_raw, str):
        code = reader.state.choice(acts_on_raw, list(cat.acts), acts_path)
        acts_on = cat.acts[code].label if code else None
    elif acts_on_raw is not None:
        acts_on = reader.state.bilingual(acts_on_raw, acts_path)
    reader.finish()
    if name and gender and position and acts_on:
        return Signatory(name, gender, position, acts_on)
    return None


def _party(reader: _Reader, side: str, cat: Catalogue) -> Party | None:
    country = "RU" if side == "russian" else "KZ"
    signatory_reader = reader.section("signatory")
    signatory = _signatory(signatory_reader, cat) if signatory_reader else None
    catalogue_id = reader.raw("catalogue", False)
    if catalogue_id is not None:
        ids = [p.id for p in cat.parties.values() if p.country == country]
        chosen = reader.state.choice(catalogue_id, ids, reader._child("catalogue"))
        for key in ("name", "region", "level", "address", "country"):
            if key in reader.data:
                reader.seen.add(key)
                reader.state.problem(reader._child(key), _(
                    "give either «catalogue» or the party's own description, not both"))
        identifiers = _identifiers(reader, country)
        reader.finish()
        if not chosen or not signatory:
            return None
        known = cat.parties[chosen]
        return Party(side=side, name=known.name, country=known.country, region=known.region,
                     level=known.level, signatory=signatory, address=known.address,
                     identifiers=identifiers, catalogue_id=known.id, verified=known.verified,
                     source=known.source)
    name = reader.bilingual("name")
    given_country = reader.choice("country", ("RU", "KZ"), default=country)
    if given_country != country:
        reader.state.problem(reader._child("country"), _(
            "the {side} party must be from {country}").format(side=side, country=country))
    regions = [r.id for r in cat.regions.values() if r.country == country]
    region = reader.choice("region", regions)
    level = reader.choice("level", LEVELS)
    address = reader.bilingual("address", required=False)
    identifiers = _identifiers(reader, country)
    reader.finish()
    if not (name and region and level and signatory):
        return None
    return Party(side=side, name=name, country=country, region=region, level=level,
                 signatory=signatory, address=address, identifiers=identifiers,
                 verified=True, source=_("answers file"))


def _identifiers(reader: _Reader, country: str) -> dict[str, str]:
    found = {}
    for key, length in _IDENTIFIERS[country].items():
        value = reader.raw(key, False)
        if value is None:
            continue
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and len(text) == length):
            reader.state.problem(reader._child(key), _(
                "expected {length} digits, got {got}").format(length=length,
                                                              got=_describe(value)))
            continue
        found[key] = text
    return found


def _codes(reader: _Reader, key: str, table: dict, required: bool) -> list[Bilingual]:
    result = []
    for path, item in reader.items(key, required):
        code = reader.state.choice(item, list(table), path)
        if code:
            result.append(table[code].label)
    return result


def _custom(reader: _Reader, key: str) -> list[Bilingual]:
    result = []
    for path, item in reader.items(key):
        text = reader.state.bilingual(item, path)
        if text:
            result.append(text)
    return result


def _forms(reader: _Reader) -> dict[str, dict[str, dict[str, str]]]:
    from xbdocs import lang

    forms: dict[str, dict[str, dict[str, str]]] = {}
    section = reader.section("forms", required=False)
    if section is None:
        return forms
    for code in ("ru", "kk"):
        table = section.section(code, required=False)
        if table is None:
            continue
        cases = lang.get(code).CASES[1:]
        for nominative in table.data:
            entry = table.section(nominative)
            if entry is None:
                continue
            for case in entry.data:
                if case not in cases:
                    entry.seen.add(case)
                    entry.state.problem(entry._child(case), _(
                        "«{case}» is not one of: {options}").format(
                            case=case, options=", ".join(cases)))
                    continue
                text = entry.text(case)
                if text:
                    forms.setdefault(code, {}).setdefault(str(nominative), {})[case] = text
            entry.finish()
        table.finish()
    section.finish()
    return forms


def parse(data: Any, lines: dict[str, int], source: str = "",
          cat: Catalogue | None = None) -> Answers:
    """Validate answers already parsed from YAML."""
    cat = cat or catalogue_module.load()
    state = _State(lines)
    root = _Reader(data, "", state)
    root.integer("format", 1, 1, default=1)
    track = root.choice("track", TRACKS)
    subject = root.bilingual("subject", required=False)
    parties_reader = root.section("parties")
    russian = kazakh = None
    if parties_reader:
        russian_reader = parties_reader.section("russian")
        kazakh_reader = parties_reader.section("kazakh")
        russian = _party(russian_reader, "russian", cat) if russian_reader else None
        kazakh = _party(kazakh_reader, "kazakh", cat) if kazakh_reader else None
        parties_reader.finish()
    areas = _codes(root, "areas", cat.areas, required=False)
    custom_areas = _custom(root, "custom_areas")
    if not areas and not custom_areas and "areas" in root.data:
        state.problem("areas", _("name at least one area of cooperation"))
    elif not areas and not custom_areas:
        state.problem("areas", _("required, but missing"))
    cooperation = _codes(root, "cooperation_forms", cat.cooperation_forms, required=False)
    cooperation += _custom(root, "custom_cooperation_forms")
    if not cooperation:
        state.problem("cooperation_forms", _("name at least one form of cooperation"))
    coordination = _coordination(root.section("coordination"))
    term = _term(root.section("term"))
    default_entry = "registration" if track == "municipal" else "signing"
    entry_into_force = root.choice("entry_into_force", ENTRY_INTO_FORCE, default=default_entry)
    if track == "municipal" and entry_into_force != "registration":
        state.problem("entry_into_force", _(
            "a municipal agreement takes effect only after registration (179-FZ Art. 12 and "
            "the regional law); use «registration» or leave the key out"))
    if track == "regional" and entry_into_force == "registration":
        state.problem("entry_into_force", _(
            "on the regional track choose «signing» or «notifications»"))
    signing = _signing(root.section("signing", required=False), cat)
    copies = root.integer("copies", 2, 10, default=2)
    forms = _forms(root)
    root.finish()
    if track == "municipal":
        for party in (russian, kazakh):
            if party and party.level not in MUNICIPAL_LEVELS:
                state.problem(f"parties.{party.side}", _(
                    "on the municipal track both parties must be municipal (a district or a "
                    "city), not «{level}»").format(level=party.level))
    if state.problems:
        raise AnswersError(state.problems, source)
    assert russian and kazakh and coordination and term and track
    return Answers(track=track, subject=subject, russian=russian, kazakh=kazakh, areas=tuple(areas),
                   custom_areas=tuple(custom_areas), cooperation_forms=tuple(cooperation),
                   coordination=coordination, term=term, entry_into_force=entry_into_force,
                   signing=signing, copies=copies or 2, forms=forms, source=source)


def _coordination(reader: _Reader | None) -> Coordination | None:
    if reader is None:
        return None
    mode = reader.choice("mode", COORDINATION_MODES)
    plan_years = reader.integer("plan_years", 1, 10, default=2)
    russian_unit = reader.bilingual("russian_unit", required=mode == "coordinators")
    kazakh_unit = reader.bilingual("kazakh_unit", required=mode == "coordinators")
    reader.finish()
    if not mode or plan_years is None:
        return None
    return Coordination(mode, plan_years, russian_unit, kazakh_unit)


def _term(reader: _Reader | None) -> Term | None:
    if reader is None:
        return None
    years = reader.integer("years", 1, 99)
    renewal = reader.boolean("renewal", default=False)
    renewal_years = reader.integer("renewal_years", 1, 99, default=0) or None
    notice_months = reader.integer("notice_months", 1, 60)
    if renewal and renewal_years is None:
        renewal_years = years
    if not renewal and "renewal_years" in reader.data:
        reader.state.problem(reader._child("renewal_years"), _(
            "given, but «renewal» is off; remove it or set «renewal: true»"))
    reader.finish()
    if years is None or notice_months is None:
        return None
    return Term(years, renewal, renewal_years, notice_months)


def _signing(reader: _Reader | None, cat: Catalogue) -> Signing:
    if reader is None:
        return Signing(None, None, "city")
    date = reader.date("date")
    place = reader.bilingual("place", required=False)
    kind = reader.choice("place_kind", list(cat.settlements), default="city")
    reader.finish()
    return Signing(date, place, kind or "city")


def load(path: str | Path) -> Answers:
    """Read and validate an answers file."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswersError([Problem("", _("no such file"))], source) from None
    except UnicodeDecodeError:
        raise AnswersError([Problem("", _("the file is not UTF-8 text"))], source) from None
    except OSError as exc:
        raise AnswersError([Problem("", _("cannot read the file: {error}").format(
            error=exc.strerror))], source) from None
    data, lines = load_yaml(text, source)
    return parse(data, lines, source)
