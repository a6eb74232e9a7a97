"""The department's own facts (``xbdocs facts``, the admin's page): what the shipped
filing profile leaves unverified or blank — an addressee's post and address, the region's
act's date and number — and what the catalogue leaves unverified — a party's official
names, a Russian border district's or region's neighbours across the border, the day a law
xbdocs cites takes effect (131-FZ giving way to 33-FZ) — verified by
someone of the department, with the source and the day. Kept in the register's database;
the server renders with the profile these make (:meth:`Facts.profile_file`) and the
catalogue (:meth:`Facts.parties`), so the documents, their Word comments and the check
sheet use them and a verified fact is no longer flagged. Every change is in the audit
trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from xbdocs import profile as profile_module
from xbdocs import system
from xbdocs.catalogue import LAWS, Law
from xbdocs.errors import InputError, printable
from xbdocs.i18n import Message
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.models import DepartmentFact
from xbdocs.registry.store import Register, clean_text

MAX_SOURCE = 500
#: Where the department's facts about the catalogue's parties are kept (in place of a
#: profile's id), and how their places begin: ``parties.altai-uglovsky-district`` (its
#: official names), ``neighbours.altai-uglovsky-district`` (the Kazakh parties across the
#: border from a Russian district; of a Russian region: the Kazakh regions).
CATALOGUE, PARTIES, NEIGHBOURS = "catalogue", "parties.", "neighbours."
PARTY_FIELDS = ("name_ru", "name_kk")
NEIGHBOUR_FIELDS = ("neighbours",)
#: ``laws.fz-33-2025``: the day a law xbdocs cites (acts.yaml: laws) takes effect in its
#: role — and the law it replaces is in force until the day before.
LAW_FIELDS = ("from",)


@dataclass(frozen=True)
class NeighbourList:
    """A Russian border district's (``party``) or region's (``region``) neighbours across
    the border: the catalogue's ids, whether the shipped data verified them, and the
    department's row when it verified them."""

    place: str
    kind: str
    name: str
    ids: tuple[str, ...]
    shipped: bool
    own: DepartmentFact | None


@dataclass(frozen=True)
class LawDay:
    """The day a law xbdocs cites takes over its role from the law it replaces (131-FZ
    giving way to 33-FZ): the place (``laws.<id>``), the law, the day as the shipped data
    has it or as the department recorded it (its row), and whether the shipped data
    verified it."""

    place: str
    law: Law
    day: dt.date | None
    shipped: bool
    own: DepartmentFact | None


class Facts:
    def __init__(self, register: Register) -> None:
        self.register = register

    def all(self, profile_id: str = profile_module.DEFAULT_PROFILE) -> list[DepartmentFact]:
        with self.register.session() as session:
            return list(session.scalars(select(DepartmentFact).where(
                DepartmentFact.profile == profile_id).order_by(DepartmentFact.place)))

    def set(self, place: str, fields: dict[str, str], source: str, *, by: str,
            on: dt.date | None = None, address: str = "",
            profile_id: str = profile_module.DEFAULT_PROFILE) -> DepartmentFact:
        """Verify (and complete) a fact of the profile, a party's official name
        (``parties.<id>``), a Russian border district's or region's neighbours
        (``neighbours.<id>``, field ``neighbours``: catalogue ids) or the day a law takes
        effect (``laws.<id>``, field ``from``): each field checked as
        any text the documents print (neighbours: as Kazakh ids of the catalogue), the
        source required, and a profile fact read back in the profile as the build reads it
        — so nothing is kept that would break a document."""
        on = on or dt.date.today()
        source_text = _source(source)
        if place.startswith(PARTIES):
            from xbdocs import catalogue

            if place[len(PARTIES):] not in catalogue.shipped().parties:
                raise InputError.one("facts", Message(
                    "{place}: no such party in the catalogue (xbdocs catalogue list --kind "
                    "party)").format(place=printable(place, 120)))
            checked = _fields(fields, PARTY_FIELDS, Message(
                "{key}: not a field of a party; one of {fields}"))
            return self._keep(CATALOGUE, place, checked, source_text, by, on, address)
        if place.startswith(NEIGHBOURS):
            return self._keep(CATALOGUE, place, {"neighbours": _neighbours(place, fields)},
                              source_text, by, on, address)
        if place.startswith(LAWS):
            return self._keep(CATALOGUE, place, {"from": _law_day(place, fields)},
                              source_text, by, on, address)
        if place not in {p.place for p in profile_module.fact_places(profile_id)}:
            raise InputError.one("facts", Message("{place}: not a fact of the profile; "
                                                  "xbdocs facts list shows them").format(
                                                      place=printable(place, 120)))
        checked = _fields(fields, profile_module.FACT_FIELDS, Message(
            "{key}: not a field of a fact; one of {fields}"))
        current = {f.place: _shown(f) for f in self.all(profile_id)}
        current[place] = {"fields": checked, "source": _provenance(source_text, by, on)}
        profile_module.load_text(profile_module.with_facts(profile_id, current),
                                 f"{profile_id} with the department's facts")
        return self._keep(profile_id, place, checked, source_text, by, on, address)

    def _keep(self, profile_id: str, place: str, checked: dict[str, Any], source: str,
              by: str, on: dt.date, address: str) -> DepartmentFact:
        """Store a fact (a new row, or the place's row changed) with its audit row."""
        with self.register.session() as session:
            row = session.scalar(select(DepartmentFact).where(
                DepartmentFact.profile == profile_id, DepartmentFact.place == place))
            old = _shown(row) if row else None
            if row is None:
                row = DepartmentFact(profile=profile_id, place=place)
                session.add(row)
            row.fields, row.source, row.verified_by = checked, source, by
            row.verified_on, row.at = on, dt.datetime.now(dt.UTC)
            Accounts.record(session, by, address, "fact-set", "setting",
                            f"{profile_id}:{place}"[:64], "", old,
                            {"fields": checked, "source": source,
                             "verified_on": on.isoformat()})
        return row

    def parties(self) -> dict[str, dict[str, Any]]:
        """What the department verified of the catalogue, for
        :func:`xbdocs.catalogue.with_parties`: a party's names with the source as the
        documents' notes quote it; a party's or a region's ``neighbours`` (catalogue ids);
        under ``laws.<id>`` the day a law takes effect (``from``) with its source."""
        found: dict[str, dict[str, Any]] = {}
        for row in self.all(CATALOGUE):
            if row.place.startswith(PARTIES):
                found.setdefault(row.place[len(PARTIES):], {}).update(
                    {**dict(row.fields or {}), "source": _shown(row)["source"]})
            elif row.place.startswith(NEIGHBOURS):
                found.setdefault(row.place[len(NEIGHBOURS):], {})["neighbours"] = list(
                    (row.fields or {}).get("neighbours") or ())
            elif row.place.startswith(LAWS) and (row.fields or {}).get("from"):
                found[row.place] = {"from": row.fields["from"],
                                    "source": _shown(row)["source"]}
        return found

    def neighbour_lists(self) -> list[NeighbourList]:
        """Every Russian border district's and region's neighbours across the border, as
        the shipped catalogue has them or as the department verified them (the row)."""
        from xbdocs import catalogue

        cat = catalogue.shipped()
        mine = {f.place: f for f in self.all(CATALOGUE) if f.place.startswith(NEIGHBOURS)}
        items = [*(p for p in cat.parties.values()
                   if p.country == "RU" and p.level != "regional"),
                 *(r for r in cat.regions.values() if r.country == "RU" and r.border)]
        found = []
        for item in items:
            own = mine.get(f"{NEIGHBOURS}{item.id}")
            ids = tuple((own.fields or {}).get("neighbours") or ()) if own else item.neighbours
            found.append(NeighbourList(
                f"{NEIGHBOURS}{item.id}", "region" if isinstance(item, catalogue.Region)
                else "party", item.name.ru, ids, item.neighbours_verified, own))
        return found

    def law_days(self) -> list[LawDay]:
        """Every day a law of the catalogue takes over a role from another (the facts
        ``facts set laws.<id> --field from=…`` records), as shipped or as recorded."""
        from xbdocs import catalogue

        laws = catalogue.shipped().laws
        mine = {f.place: f for f in self.all(CATALOGUE) if f.place.startswith(LAWS)}
        found = []
        for law in laws:
            if not any(item.replaced_by == law.id for item in laws):
                continue
            own = mine.get(f"{LAWS}{law.id}")
            recorded = (own.fields or {}).get("from") if own is not None else None
            day = dt.date.fromisoformat(recorded) if recorded else law.in_force.start
            found.append(LawDay(f"{LAWS}{law.id}", law, day, law.verified, own))
        return found

    def profile_file(self, folder: Path,
                     profile_id: str = profile_module.DEFAULT_PROFILE) -> Path | None:
        """The profile with the department's facts as a file in ``folder``, or None when
        there are none. Named by what it is made from (the facts and the shipped profile's
        bytes), so it is made once — not on every render — and every worker finds the
        same file."""
        facts = {f.place: _shown(f) for f in self.all(profile_id)}
        if not facts:
            return None
        shipped = profile_module.find(profile_id)
        digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode())
        digest.update(shipped.read_bytes())
        # The file keeps the profile's own name (the manifest and XB027's paths name it);
        # its folder is named by the digest.
        path = folder / digest.hexdigest()[:16] / f"{shipped.stem}.yaml"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            system.write_atomic(path, profile_module.with_facts(profile_id, facts).encode())
        return path


def _fields(fields: dict[str, str], allowed: tuple[str, ...],
            unknown: Message) -> dict[str, str]:
    """A fact's fields, each one of ``allowed`` and checked as any text a document prints;
    empty ones left out."""
    checked = {}
    for key, value in fields.items():
        if key not in allowed:
            raise InputError.one("facts", unknown.format(key=printable(key, 40),
                                                         fields=", ".join(allowed)))
        text, problem = clean_text(value, limit=300)
        if problem is not None:
            raise InputError.one("facts", Message("{key}: {problem}").format(
                key=key, problem=problem))
        if text:
            checked[key] = text
    return checked


def neighbours_of(place: str) -> tuple[str, str]:
    """What a ``neighbours.<id>`` place is of — ``("party", id)`` for a Russian border
    district or city, ``("region", id)`` for a Russian border region — and refused
    otherwise, naming what is expected."""
    from xbdocs import catalogue

    cat, item_id = catalogue.shipped(), place[len(NEIGHBOURS):]
    party, region = cat.parties.get(item_id), cat.regions.get(item_id)
    if party is not None and party.country == "RU" and party.level != "regional":
        return "party", item_id
    if region is not None and region.country == "RU" and region.border:
        return "region", item_id
    raise InputError.one("facts", Message(
        "{place}: not a Russian border district or region of the catalogue; its neighbours "
        "are kept for those only (xbdocs catalogue list --kind party)").format(
            place=printable(place, 120)))


def _neighbours(place: str, fields: dict[str, str]) -> list[str]:
    """The field ``neighbours`` of a ``neighbours.<id>`` place: catalogue ids separated by
    commas or spaces — of a district, Kazakh districts and cities (parties); of a region,
    Kazakh regions — at least one, each once."""
    from xbdocs import catalogue

    kind = neighbours_of(place)[0]
    for key in fields:
        if key not in NEIGHBOUR_FIELDS:
            raise InputError.one("facts", Message(
                "{key}: not a field of a party's neighbours; one of {fields}").format(
                    key=printable(key, 40), fields=", ".join(NEIGHBOUR_FIELDS)))
    cat = catalogue.shipped()
    text = str(fields.get("neighbours") or "")
    ids = [item for item in dict.fromkeys(re.split(r"[\s,;]+", text)) if item]
    for item in ids:
        if kind == "party":
            party = cat.parties.get(item)
            if party is None or party.country != "KZ" or party.level == "regional":
                raise InputError.one("facts", Message(
                    "neighbours: «{id}» is not a Kazakh district or city of the catalogue; "
                    "expected their ids separated by commas (xbdocs catalogue list --kind "
                    "party)").format(id=printable(item, 80)))
        elif (region := cat.regions.get(item)) is None or region.country != "KZ":
            raise InputError.one("facts", Message(
                "neighbours: «{id}» is not a Kazakh region of the catalogue; expected their "
                "ids separated by commas (xbdocs catalogue list --kind region)").format(
                    id=printable(item, 80)))
    if not ids:
        raise InputError.one("facts", Message(
            "neighbours: give the catalogue ids of the Kazakh parties or regions across the "
            "border, separated by commas"))
    return ids


def _law_day(place: str, fields: dict[str, str]) -> str:
    """The field ``from`` of a ``laws.<id>`` place: the day that law of the catalogue takes
    effect in its role (taking over from the law it replaces), after the day that law took
    effect; as ISO."""
    from xbdocs import catalogue
    from xbdocs.yamlread import parse_date

    laws = catalogue.shipped().laws
    # The places the notes name (unverified.law): a transition is the day of the law that
    # takes over, so the law it replaces has none of its own.
    places = {f"{LAWS}{item.replaced_by or item.id}": None for item in laws}
    law = next((item for item in laws if f"{LAWS}{item.id}" == place), None)
    if law is None or place not in places:
        raise InputError.one("facts", Message(
            "{place}: not the day of a law xbdocs cites; one of {places}").format(
                place=printable(place, 120), places=", ".join(places)))
    for key in fields:
        if key not in LAW_FIELDS:
            raise InputError.one("facts", Message(
                "{key}: not a field of a law's day; one of {fields}").format(
                    key=printable(key, 40), fields=", ".join(LAW_FIELDS)))
    if not str(fields.get("from") or "").strip():
        raise InputError.one("facts", Message(
            "from: give the day the law takes effect, e.g. --field from=01.01.2027"))
    try:
        day = parse_date(fields["from"])
    except ValueError as exc:
        raise InputError.one("facts", Message("{key}: {problem}").format(
            key="from", problem=str(exc))) from None
    for earlier in (item for item in laws if item.replaced_by == law.id):
        if earlier.in_force.start is not None and day <= earlier.in_force.start:
            raise InputError.one("facts", Message(
                "from: {day} is not after the day the Federal Law № {number} it replaces "
                "took effect ({start})").format(
                    day=day.strftime("%d.%m.%Y"), number=earlier.number,
                    start=earlier.in_force.start.strftime("%d.%m.%Y")))
    return day.isoformat()


def _source(source: str) -> str:
    text, problem = clean_text(source, limit=MAX_SOURCE)
    if problem is not None or not text:
        raise InputError.one("facts", Message(
            "source: say where the fact was checked (an act, a letter, the official site)"))
    return text


def _shown(row: DepartmentFact) -> dict[str, Any]:
    when = ""
    return {"fields": dict(row.fields or {}), "source": _provenance(
        row.source, row.verified_by, row.verified_on if isinstance(row.verified_on, dt.date)
        else None, when)}


def _provenance(source: str, by: str, on: dt.date | None, shown: str = "") -> str:
    """The source as the documents' notes quote it (in Russian, as the notes are):
    where it was checked, by whom, when."""
    day = on.strftime("%d.%m.%Y") if on else shown
    return f"{source}; проверено: {by}, {day}"
