"""The department's own facts (``xbdocs facts``, the admin's page): what the shipped
filing profile leaves unverified or blank — an addressee's post and address, the region's
act's date and number — verified by someone of the department, with the source and the
day. Kept in the register's database; the server renders with the profile these make
(:meth:`Facts.profile_file`), so the documents, their Word comments and the check sheet use them
and a verified fact is no longer flagged. Every change is in the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from xbdocs import profile as profile_module
from xbdocs import system
from xbdocs.errors import InputError, printable
from xbdocs.i18n import Message
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.models import DepartmentFact
from xbdocs.registry.store import Register, clean_text

MAX_SOURCE = 500
#: Where the department's facts about the catalogue's parties are kept (in place of a
#: profile's id), and how their places begin: ``parties.altai-uglovsky-district``.
CATALOGUE, PARTIES = "catalogue", "parties."
PARTY_FIELDS = ("name_ru", "name_kk")


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
        """Verify (and complete) a fact of the profile, or a party's official name
        (``parties.<id>``): each field checked as any text the documents print, the source
        required, and a profile fact read back in the profile as the build reads it — so
        nothing is kept that would break a document."""
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

    def _keep(self, profile_id: str, place: str, checked: dict[str, str], source: str,
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

    def parties(self) -> dict[str, dict[str, str]]:
        """The parties the department verified: their names and the source as the
        documents' notes quote it (for :func:`xbdocs.catalogue.with_parties`)."""
        return {row.place[len(PARTIES):]: {**dict(row.fields or {}),
                                           "source": _shown(row)["source"]}
                for row in self.all(CATALOGUE)}

    def profile_file(self, folder: Path,
                     profile_id: str = profile_module.DEFAULT_PROFILE) -> Path | None:
        """The profile with the department's facts as a file in ``folder``, or None when
        there are none. Named by what it is made from (the facts and the shipped profile's
        bytes), so it is made once — not on every render — and every worker finds the
        same file."""
        facts = {f.place: _shown(f) for f in self.all(profile_id)}
        if not facts:
            return None
        digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode())
        digest.update(profile_module.find(profile_id).read_bytes())
        # The file keeps the profile's own name (the check sheet's notes say where a fact
        # is: «altai-krai.yaml: tracks…»); its folder is named by the digest.
        path = folder / digest.hexdigest()[:16] / f"{profile_module.find(profile_id).stem}.yaml"
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
