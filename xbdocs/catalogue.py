"""The catalogue: areas of cooperation, known parties, regions, acts and legal references.

Shipped as YAML in ``xbdocs/data`` so a lawyer can correct a name without touching code.
Every party and reference carries ``verified`` and ``source``; the build reports unverified
entries it uses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from xbdocs.errors import CatalogueError
from xbdocs.i18n import N_, Message, _

DATA_DIR = Path(__file__).parent / "data"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Bilingual:
    """A text in both document languages."""

    ru: str
    kk: str

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


@dataclass(frozen=True)
class Entry:
    """A catalogue item with a code and labels in both languages."""

    code: str
    label: Bilingual
    #: For an area outside a municipal district's own powers: its wording on the municipal
    #: track («содействие … в пределах полномочий Сторон»).
    municipal: Bilingual | None = None
    #: For an area: how far it is a municipal district's own power (own, part,
    #: participation, none) and the article that says so (areas.yaml: powers).
    powers: str | None = None
    powers_source: str = ""


@dataclass(frozen=True)
class Region:
    id: str
    country: str
    name: Bilingual
    #: Borders the other country (domain.md §4).
    border: bool = True
    #: Regions of the other country it borders, where known (domain.md §4).
    neighbours: tuple[str, ...] = ()
    #: Whether ``neighbours`` was checked against a source (else it is the common map).
    neighbours_verified: bool = False
    #: The title of the region's charter, where it has its own («Устав (Основной Закон) …»).
    charter: Bilingual | None = None


def _period_bound(value: object, end: bool) -> dt.date | None:
    """A bound of a period as the data gives it: a date, or a year (its first or last day
    — the data knows only the year)."""
    if value is None or isinstance(value, dt.date):
        return value
    year = int(str(value))
    return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)


@dataclass(frozen=True)
class Period:
    """When something is in force (a law) or exists (a body, a name): from and until, both
    days included; None where open."""

    start: dt.date | None = None
    end: dt.date | None = None

    def holds(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @classmethod
    def read(cls, start: object, end: object) -> Period:
        return cls(_period_bound(start, False), _period_bound(end, True))


@dataclass(frozen=True)
class DatedName:
    """A name a body bore until a day (a district before it became a municipal okrug), with
    the kind of municipality it named and how sure we are of the change."""

    until: dt.date
    name: Bilingual
    verified: bool
    source: str
    municipal_kind: str | None = None
    #: The region it belonged to then, when another (a district of the East Kazakhstan
    #: region before the Abai region was formed from it in 2022).
    region: str | None = None


@dataclass(frozen=True)
class KnownParty:
    id: str
    country: str
    region: str
    level: str
    name: Bilingual
    verified: bool
    source: str
    address: Bilingual | None = None
    valid_until: str | None = None
    #: A Russian border district's partners across the border (parties.yaml's header).
    neighbours: tuple[str, ...] = ()
    neighbours_verified: bool = False
    #: When the body existed (valid_from / valid_until: a year or a date).
    existed: Period = Period()
    #: The body that took its place (its catalogue id) once it ceased.
    replaced_by: str | None = None
    #: Names it bore before ``name``, oldest first, each until a day.
    former_names: tuple[DatedName, ...] = ()
    #: The kind of municipality ``name`` names (municipal-district, municipal-okrug …).
    municipal_kind: str | None = None

    def former_on(self, day: dt.date | None) -> DatedName | None:
        """The former name in use on ``day``, or None when today's name holds (and when the
        day is not known: a document without a date is written today)."""
        return next((n for n in self.former_names if day is not None and day <= n.until),
                    None)

    def name_on(self, day: dt.date | None) -> Bilingual:
        """The body's name on ``day``: a 2012 agreement keeps the name of its day, a 2027
        one uses today's."""
        former = self.former_on(day)
        return former.name if former else self.name

    def kind_on(self, day: dt.date | None) -> str | None:
        former = self.former_on(day)
        return (former.municipal_kind or self.municipal_kind) if former \
            else self.municipal_kind


@dataclass(frozen=True)
class Law:
    """A law xbdocs cites by its role (acts.yaml: laws), with the period it is in force."""

    id: str
    role: str
    kind: str
    date: dt.date
    number: str
    title: str
    in_force: Period
    verified: bool
    source: str
    replaced_by: str | None = None


@dataclass(frozen=True)
class Reference:
    id: str
    date: dt.date
    tracks: tuple[str, ...]
    title: Bilingual
    number: str | None
    verified: bool
    source: str


@dataclass
class Catalogue:
    areas: dict[str, Entry]
    cooperation_forms: dict[str, Entry]
    regions: dict[str, Region]
    parties: dict[str, KnownParty]
    acts: dict[str, Entry]
    settlements: dict[str, Entry]
    references: list[Reference]
    areas_source: str
    #: Why some areas are worded as assistance on the municipal track.
    powers_source: str = ""
    #: Known case forms: ``forms[lang][nominative][case]``.
    forms: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    #: How a charter is titled from its territory, by level (municipal, regional).
    charter_titles: dict[str, Bilingual] = field(default_factory=dict)
    #: Laws cited by role, each with its period in force (acts.yaml: laws).
    laws: tuple[Law, ...] = ()
    #: The kinds of municipality by code, as a document names them (acts.yaml).
    municipal_kinds: dict[str, Bilingual] = field(default_factory=dict)

    def law_for(self, role: str, day: dt.date | None) -> Law | None:
        """The law of ``role`` in force on ``day`` (with no day, the one in force now and
        later: the one without an end)."""
        return next((law for law in self.laws if law.role == role and
                     (law.in_force.holds(day) if day else law.in_force.end is None)), None)

    def party_on(self, party_id: str, day: dt.date) -> KnownParty | None:
        """The body that acts for ``party_id`` on ``day``: itself while it exists, else the
        body that replaced it (followed to the one existing then); None when none did."""
        seen: set[str] = set()
        party = self.parties.get(party_id)
        while party is not None and party.id not in seen and not party.existed.holds(day):
            seen.add(party.id)
            party = self.parties.get(party.replaced_by or "")
        return party


def _read(name: str) -> dict:
    path = DATA_DIR / name
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(Message("{path}: cannot read the catalogue: {error}").format(
            path=path, error=exc)) from None


def _party_items() -> list[dict]:
    """The parties: ``parties.yaml`` (the Altai Krai and the first regions), then one file
    per Russian region's border municipalities and their Kazakh neighbours
    (``parties/<region>.yaml``), each a list under ``parties``."""
    items = list(_read("parties.yaml")["parties"])
    for path in sorted((DATA_DIR / "parties").glob("*.yaml")):
        items.extend(_read(f"parties/{path.name}")["parties"])
    return items


def _bilingual(item: dict, source: str) -> Bilingual:
    try:
        return Bilingual(ru=str(item["ru"]), kk=str(item["kk"]))
    except KeyError as exc:
        raise CatalogueError(Message("{path}: entry {entry} has no {key}").format(
            path=source, entry=item.get("id") or item.get("code"), key=exc.args[0])) from None


def _add_forms(forms: dict, item: dict) -> None:
    for lang, by_case in (item.get("forms") or {}).items():
        nominative = item["name"][lang] if "name" in item else item[lang]
        forms.setdefault(lang, {}).setdefault(nominative, {}).update(by_case)


def _entries(items: list[dict], source: str, forms: dict) -> dict[str, Entry]:
    entries = {}
    for item in items:
        municipal = item.get("municipal")
        powers = item.get("powers") or {}
        entries[item["code"]] = Entry(item["code"], _bilingual(item, source),
                                      _bilingual(municipal, source) if municipal else None,
                                      powers.get("district"), powers.get("source", ""))
        _add_forms(forms, item)
    return entries


#: The catalogue of the request being served, when a department's own facts change the
#: shipped one (the department server; :func:`using`). Per request, never process-wide:
#: a contextvar, as the interface language is.
_department: ContextVar[Catalogue | None] = ContextVar("xbdocs_catalogue", default=None)


def load() -> Catalogue:
    """The catalogue: the department's (:func:`using`) while one is in use, else the
    shipped one, read once per process."""
    current = _department.get()
    return current if current is not None else shipped()


@contextmanager
def using(cat: Catalogue) -> Iterator[None]:
    """Use ``cat`` instead of the shipped catalogue in this context (a request)."""
    token = _department.set(cat)
    try:
        yield
    finally:
        _department.reset(token)


#: How the keys of the days of laws begin among a department's facts of the catalogue
#: (``laws.fz-33-2025``: the day that law takes effect in its role, and the source).
LAWS = "laws."


def with_parties(cat: Catalogue, facts: dict[str, dict]) -> Catalogue:
    """``cat`` with what a department verified (or corrected) of its parties, regions and
    laws (:meth:`xbdocs.registry.facts.Facts.parties`): for a party id with a ``source``, its
    official names (``name_ru``/``name_kk`` when given) — the party is then verified; for a
    party's or a region's id with ``neighbours``, those ids across the border — its
    neighbours are then verified, so a pairing outside them is an error (checks, XB001); for
    ``laws.<id>``, the day that law takes effect (:func:`with_law_days`). Unknown ids are
    left out."""
    parties, regions = dict(cat.parties), dict(cat.regions)
    for item_id, fact in facts.items():
        party, region = parties.get(item_id), regions.get(item_id)
        near = {"neighbours": tuple(fact["neighbours"]), "neighbours_verified": True} \
            if fact.get("neighbours") else {}
        if party is not None:
            if "source" in fact:
                name = Bilingual(ru=fact.get("name_ru") or party.name.ru,
                                 kk=fact.get("name_kk") or party.name.kk)
                party = dataclasses.replace(party, name=name, verified=True,
                                            source=fact.get("source") or party.source)
            parties[item_id] = dataclasses.replace(party, **near)
        elif region is not None and near:
            regions[item_id] = dataclasses.replace(region, **near)
    days = {key[len(LAWS):]: fact for key, fact in facts.items() if key.startswith(LAWS)}
    return dataclasses.replace(cat, parties=parties, regions=regions,
                               laws=with_law_days(cat.laws, days))


def with_law_days(laws: tuple[Law, ...], days: dict[str, dict]) -> tuple[Law, ...]:
    """``laws`` with the days the department verified, by law id (``from``: an ISO date;
    ``source``): that law takes effect in its role on the day, and the law it replaces
    (``replaced_by``) is in force until the day before — both then verified, with the
    department's source. The one fact settles the transition, so a document on either side
    of it cites the law of its day and is no longer flagged."""
    changed = []
    for law in laws:
        own, successor = days.get(law.id), days.get(law.replaced_by or "")
        start, end, source = law.in_force.start, law.in_force.end, law.source
        if own is not None:
            start, source = dt.date.fromisoformat(own["from"]), own.get("source") or source
        if successor is not None:
            end = dt.date.fromisoformat(successor["from"]) - dt.timedelta(days=1)
            source = successor.get("source") or source
        if own is None and successor is None:
            changed.append(law)
            continue
        # Verified once the day its note names is (unverified.law: the day the law taking
        # over takes effect); a law's other bound was never in doubt.
        verified = law.verified or (law.replaced_by or law.id) in days
        changed.append(dataclasses.replace(law, in_force=Period(start, end),
                                           verified=verified, source=source))
    return tuple(changed)


@cache
def shipped() -> Catalogue:
    """The shipped catalogue, read once per process."""
    forms: dict[str, dict[str, dict[str, str]]] = {}
    areas = _read("areas.yaml")
    regions = {}
    for item in _read("regions.yaml")["regions"]:
        regions[item["id"]] = Region(item["id"], item["country"], _bilingual(item, "regions"),
                                     bool(item.get("border", True)),
                                     tuple(item.get("neighbours", ())),
                                     bool(item.get("neighbours_verified", False)),
                                     _bilingual(item["charter"], "regions.yaml")
                                     if item.get("charter") else None)
        _add_forms(forms, item)
    parties = {}
    for item in _party_items():
        if item["id"] in parties:
            raise CatalogueError(Message("{id}: a party listed twice in the catalogue "
                                         "(parties.yaml, parties/)").format(id=item["id"]))
        address = item.get("address")
        valid_until = item.get("valid_until")
        parties[item["id"]] = KnownParty(
            id=item["id"], country=item["country"], region=item["region"], level=item["level"],
            name=_bilingual(item["name"], "parties.yaml"), verified=bool(item["verified"]),
            source=item["source"],
            valid_until=str(valid_until.year if isinstance(valid_until, dt.date)
                            else valid_until) if valid_until is not None else None,
            address=Bilingual(address.get("ru", ""), address.get("kk", "")) if address else None,
            neighbours=tuple(item.get("neighbours", ())),
            neighbours_verified=bool(item.get("neighbours_verified", False)),
            existed=Period.read(item.get("valid_from"), valid_until),
            replaced_by=item.get("replaced_by"),
            former_names=tuple(DatedName(
                until=former["until"], name=_bilingual(former, "parties.yaml"),
                verified=bool(former.get("verified", False)), source=str(former["source"]),
                municipal_kind=former.get("municipal_kind"), region=former.get("region"))
                for former in item.get("former_names") or ()),
            municipal_kind=item.get("municipal_kind"),
        )
        _add_forms(forms, item)
        for former in item.get("former_names") or ():
            _add_forms(forms, {**former, "name": former})
    references = []
    acts = _read("acts.yaml")
    for item in _read("references.yaml")["references"]:
        references.append(Reference(
            id=item["id"], date=item["date"], tracks=tuple(item["tracks"]),
            title=_bilingual(item, "references.yaml"), number=item.get("number"),
            verified=bool(item["verified"]), source=item["source"]))
        _add_forms(forms, item)
    return Catalogue(
        areas=_entries(areas["areas"], "areas.yaml", forms),
        cooperation_forms=_entries(_read("cooperation_forms.yaml")["forms"],
                                   "cooperation_forms.yaml", forms),
        regions=regions,
        parties=parties,
        acts=_entries(acts["acts"], "acts.yaml", forms),
        settlements=_entries(_read("settlements.yaml")["settlements"], "settlements.yaml", forms),
        references=references,
        areas_source=areas["source"],
        powers_source=areas.get("powers_source", ""),
        forms=forms,
        charter_titles={level: _bilingual(title, "acts.yaml")
                        for level, title in acts["charter_titles"].items()},
        laws=tuple(Law(
            id=law["id"], role=law["role"], kind=law["kind"], date=law["date"],
            number=str(law["number"]), title=law["title"],
            in_force=Period.read((law.get("in_force") or {}).get("from"),
                                 (law.get("in_force") or {}).get("until")),
            verified=bool(law["verified"]), source=law["source"],
            replaced_by=law.get("replaced_by")) for law in acts.get("laws") or ()),
        municipal_kinds={code: _bilingual(kind, "acts.yaml")
                         for code, kind in (acts.get("municipal_kinds") or {}).items()},
    )


# --- listing the catalogue -------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One catalogue entry as `xbdocs catalogue` shows it."""

    id: str
    kind: str
    ru: str
    kk: str
    verified: bool
    source: str
    region: str | None = None
    #: Across the border, where the catalogue knows it, and whether that was checked.
    neighbours: tuple[str, ...] = ()
    neighbours_verified: bool = False

    @property
    def kind_label(self) -> str:
        return {"party": N_("a party"), "area": N_("an area of cooperation"),
                "form": N_("a form of cooperation"), "region": N_("a region"),
                "act": N_("what a signatory acts on")}[self.kind]

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "ru": self.ru, "kk": self.kk,
                "verified": self.verified, "source": self.source, "region": self.region,
                "neighbours": list(self.neighbours),
                "neighbours_verified": self.neighbours_verified}


def entries(cat: Catalogue, kind: str | None = None, near: str | None = None) -> list[Listed]:
    """The catalogue's entries of ``kind`` (all kinds by default); with ``near``, only the
    parties and regions across the border from that party or region."""
    found: list[Listed] = []
    if kind in (None, "party"):
        found += [Listed(p.id, "party", p.name.ru, p.name.kk, p.verified, p.source, p.region,
                         p.neighbours, p.neighbours_verified)
                  for p in cat.parties.values()]
    if kind in (None, "region"):
        found += [Listed(r.id, "region", r.name.ru, r.name.kk, True, "domain.md §4", None,
                         r.neighbours, r.neighbours_verified)
                  for r in cat.regions.values()]
    for table, label in ((cat.areas, "area"), (cat.cooperation_forms, "form"),
                         (cat.acts, "act")):
        if kind in (None, label):
            found += [Listed(code, label, item.label.ru, item.label.kk, True,
                             cat.areas_source if label == "area" else "xbdocs")
                      for code, item in table.items()]
    if near is not None:
        regions = _across(cat, near)
        found = [e for e in found if e.kind in ("party", "region") and
                 (e.region in regions or (e.kind == "region" and e.id in regions))]
        districts = _districts_across(cat, near)
        if districts is not None:
            found = [e for e in found if e.kind == "region" or e.id in districts
                     or cat.parties[e.id].level == "regional"]
    return found


def _districts_across(cat: Catalogue, near: str) -> set[str] | None:
    """The districts across the border from a district, where the catalogue knows them."""
    party = cat.parties.get(near)
    if party is None or party.level == "regional":
        return None
    if party.neighbours:
        return set(party.neighbours)
    facing = {p.id for p in cat.parties.values() if near in p.neighbours}
    return facing or None


def _across(cat: Catalogue, near: str) -> set[str]:
    """The regions across the border from a party's or a region's region."""
    party = cat.parties.get(near)
    region_id = party.region if party else near
    if region_id not in cat.regions:
        raise CatalogueError(Message("«{id}» is not a party or a region of the catalogue; «xbdocs "
                                     "catalogue list» shows them").format(id=near))
    region = cat.regions[region_id]
    if region.country == "RU":
        return set(region.neighbours)
    return {r.id for r in cat.regions.values() if region_id in r.neighbours}


def entry(cat: Catalogue, entry_id: str) -> Listed:
    for item in entries(cat):
        if item.id == entry_id:
            return item
    import difflib

    close = difflib.get_close_matches(entry_id, [item.id for item in entries(cat)], n=1)
    hint = _(" (did you mean «{option}»?)").format(option=close[0]) if close else ""
    raise CatalogueError(Message("«{id}» is not in the catalogue{hint}").format(id=entry_id,
                                                                         hint=hint))
