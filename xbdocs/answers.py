"""The answers file: what the clerk decided, as YAML a person can read and edit.

Reading it is strict: every unknown key, wrong type or impossible value is a problem that
names its key path and line, and all problems are reported together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xbdocs import catalogue as catalogue_module
from xbdocs.catalogue import Bilingual, Catalogue
from xbdocs.errors import AnswersError
from xbdocs.i18n import _
from xbdocs.inputs import read_text, text_digest
from xbdocs.yamlread import Reader, State, describe, load_yaml

TRACKS = ("municipal", "regional")
LEVELS = ("regional", "district", "city")
GENDERS = ("male", "female")
COORDINATION_MODES = ("coordinators", "working-group")
ENTRY_INTO_FORCE = ("registration", "signing", "notifications")


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
    #: False when renewal is on and its period was left out (the term's length is used).
    renewal_years_given: bool = True


@dataclass(frozen=True)
class Signing:
    date: dt.date | None
    place: Bilingual | None
    place_kind: str


@dataclass(frozen=True)
class Outgoing:
    """An outgoing letter's registration number and date; either may still be blank."""

    number: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class Approval:
    """The region's decision approving the draft (согласование)."""

    document: str | None = None
    number: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class Filing:
    """What the approval and registration paperwork needs beyond the agreement."""

    executor_name: str | None = None
    executor_phone: str | None = None
    negotiations_date: dt.date | None = None
    notice: Outgoing = Outgoing()
    approval_request: Outgoing = Outgoing()
    registration_application: Outgoing = Outgoing()
    approval: Approval = Approval()
    purpose: str | None = None
    expected_results: tuple[str, ...] = ()
    financing: str | None = None


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
    filing: Filing = Filing()
    source: str = ""
    #: sha256 of the file's text (UTF-8), for the manifest and for skipping unchanged builds.
    digest: str = ""
    #: The line of each key path in the file, for messages.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def parties(self) -> tuple[Party, Party]:
        return self.russian, self.kazakh


# --- the sections -----------------------------------------------------------------------

_IDENTIFIERS = {"RU": {"inn": 10, "ogrn": 13}, "KZ": {"bin": 12}}


def _signatory(reader: Reader, cat: Catalogue) -> Signatory | None:
    name = reader.bilingual("name")
    gender = reader.choice("gender", GENDERS)
    position = reader.bilingual("position")
    acts_on_raw = reader.raw("acts_on", True)
    acts_path = reader.child("acts_on")
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


def _party(reader: Reader, side: str, cat: Catalogue) -> Party | None:
    country = "RU" if side == "russian" else "KZ"
    signatory_reader = reader.section("signatory")
    signatory = _signatory(signatory_reader, cat) if signatory_reader else None
    catalogue_id = reader.raw("catalogue", False)
    if catalogue_id is not None:
        ids = [p.id for p in cat.parties.values() if p.country == country]
        chosen = reader.state.choice(catalogue_id, ids, reader.child("catalogue"))
        for key in ("name", "region", "level", "address", "country"):
            if key in reader.data:
                reader.seen.add(key)
                reader.state.problem(reader.child(key), _(
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
        reader.state.problem(reader.child("country"), _(
            "this party must be from {country}").format(country=country))
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


def _identifiers(reader: Reader, country: str) -> dict[str, str]:
    found = {}
    for key, length in _IDENTIFIERS[country].items():
        value = reader.raw(key, False)
        if value is None:
            continue
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and len(text) == length):
            reader.state.problem(reader.child(key), _(
                "expected {length} digits, got {got}").format(length=length,
                                                              got=describe(value)))
            continue
        found[key] = text
    return found


def _codes(reader: Reader, key: str, table: dict, required: bool) -> list[Bilingual]:
    result = []
    for path, item in reader.items(key, required):
        code = reader.state.choice(item, list(table), path)
        if code:
            result.append(table[code].label)
    return result


def _custom(reader: Reader, key: str) -> list[Bilingual]:
    result = []
    for path, item in reader.items(key):
        text = reader.state.bilingual(item, path)
        if text:
            result.append(text)
    return result


def _forms(reader: Reader) -> dict[str, dict[str, dict[str, str]]]:
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
                    entry.state.problem(entry.child(case), _(
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
    state = State(lines)
    root = Reader(data, "", state)
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
    filing = _filing(root.section("filing", required=False))
    root.finish()
    if state.problems:
        raise AnswersError(state.problems, source)
    assert russian and kazakh and coordination and term and track
    return Answers(track=track, subject=subject, russian=russian, kazakh=kazakh, areas=tuple(areas),
                   custom_areas=tuple(custom_areas), cooperation_forms=tuple(cooperation),
                   coordination=coordination, term=term, entry_into_force=entry_into_force,
                   signing=signing, copies=copies or 2, forms=forms, filing=filing,
                   source=source, lines=lines)


def _outgoing(reader: Reader | None) -> Outgoing:
    if reader is None:
        return Outgoing()
    result = Outgoing(reader.text("number", required=False), reader.date("date"))
    reader.finish()
    return result


def _filing(reader: Reader | None) -> Filing:
    if reader is None:
        return Filing()
    executor = reader.section("executor", required=False)
    name = phone = None
    if executor is not None:
        name, phone = executor.text("name"), executor.text("phone")
        executor.finish()
    approval_reader = reader.section("approval", required=False)
    approval = Approval()
    if approval_reader is not None:
        approval = Approval(approval_reader.text("document", required=False),
                            approval_reader.text("number", required=False),
                            approval_reader.date("date"))
        approval_reader.finish()
    results = tuple(text for path, item in reader.items("expected_results")
                    if (text := reader.state.text(item, path)))
    filing = Filing(
        executor_name=name, executor_phone=phone,
        negotiations_date=reader.date("negotiations_date"),
        notice=_outgoing(reader.section("notice", required=False)),
        approval_request=_outgoing(reader.section("approval_request", required=False)),
        registration_application=_outgoing(
            reader.section("registration_application", required=False)),
        approval=approval,
        purpose=reader.text("purpose", required=False),
        expected_results=results,
        financing=reader.text("financing", required=False),
    )
    reader.finish()
    return filing


def _coordination(reader: Reader | None) -> Coordination | None:
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


def _term(reader: Reader | None) -> Term | None:
    if reader is None:
        return None
    years = reader.integer("years", 1, 99)
    renewal = reader.boolean("renewal", default=False)
    renewal_years = reader.integer("renewal_years", 1, 99, default=0) or None
    notice_months = reader.integer("notice_months", 1, 60)
    given = renewal_years is not None
    if renewal and renewal_years is None:
        renewal_years = years
    if not renewal and "renewal_years" in reader.data:
        reader.state.problem(reader.child("renewal_years"), _(
            "given, but «renewal» is off; remove it or set «renewal: true»"))
    reader.finish()
    if years is None or notice_months is None:
        return None
    return Term(years, renewal, renewal_years, notice_months, given or not renewal)


def _signing(reader: Reader | None, cat: Catalogue) -> Signing:
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
    text = read_text(path, _("an answers file (YAML)"))
    data, lines = load_yaml(text, source)
    return dataclasses.replace(parse(data, lines, source), digest=text_digest(text))
