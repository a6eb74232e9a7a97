"""The department's own facts (``xbdocs facts``, the admin's page): what the shipped
filing profile leaves unverified or blank — an addressee's post and address, the region's
act's date and number — verified by someone of the department, with the source and the
day. Kept in the register's database; the server renders with the profile these make
(:func:`profile_text`), so the documents, their Word comments and the check sheet use them
and a verified fact is no longer flagged. Every change is in the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
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
        """Verify (and complete) a fact: each field checked as any text the documents
        print, the source required, the resulting profile read back as the build reads
        it — so nothing is kept that would break a document."""
        if place.startswith(PARTIES):
            return self._set_party(place, fields, source, by=by, on=on, address=address)
        known = {p.place: p for p in profile_module.fact_places(profile_id)}
        if place not in known:
            raise InputError.one("facts", Message("{place}: not a fact of the profile; "
                                                  "xbdocs facts list shows them").format(
                                                      place=printable(place, 120)))
        checked: dict[str, str] = {}
        for key, value in fields.items():
            if key not in profile_module.FACT_FIELDS:
                raise InputError.one("facts", Message("{key}: not a field of a fact; one of "
                                                      "{fields}").format(
                    key=printable(key, 40), fields=", ".join(profile_module.FACT_FIELDS)))
            text, problem = clean_text(value, limit=300)
            if problem is not None:
                raise InputError.one("facts", Message("{key}: {problem}").format(
                    key=key, problem=problem))
            if text:
                checked[key] = text
        source_text, problem = clean_text(source, limit=MAX_SOURCE)
        if problem is not None or not source_text:
            raise InputError.one("facts", Message(
                "source: say where the fact was checked (an act, a letter, the official "
                "site)"))
        on = on or dt.date.today()
        current = {f.place: _shown(f) for f in self.all(profile_id)}
        current[place] = {"fields": checked, "source": _provenance(source_text, by, on)}
        profile_module.load_text(profile_module.with_facts(profile_id, current),
                                 f"{profile_id} with the department's facts")
        with self.register.session() as session:
            row = session.scalar(select(DepartmentFact).where(
                DepartmentFact.profile == profile_id, DepartmentFact.place == place))
            old = _shown(row) if row else None
            if row is None:
                row = DepartmentFact(profile=profile_id, place=place)
                session.add(row)
            row.fields, row.source, row.verified_by = checked, source_text, by
            row.verified_on, row.at = on, dt.datetime.now(dt.UTC)
            Accounts.record(session, by, address, "fact-set", "setting",
                            f"{profile_id}:{place}"[:64], "", old,
                            {"fields": checked, "source": source_text,
                             "verified_on": on.isoformat()})
        return row

    def _set_party(self, place: str, fields: dict[str, str], source: str, *, by: str,
                   on: dt.date | None, address: str) -> DepartmentFact:
        """A party of the catalogue: its official name (``name_ru``, ``name_kk``) checked
        against the department's source; the documents then print it and stop flagging
        it."""
        from xbdocs import catalogue

        party_id = place[len(PARTIES):]
        if party_id not in catalogue.shipped().parties:
            raise InputError.one("facts", Message("{place}: no such party in the catalogue "
                                                  "(xbdocs catalogue list --kind party)").format(
                                                      place=printable(place, 120)))
        checked = {}
        for key, value in fields.items():
            if key not in PARTY_FIELDS:
                raise InputError.one("facts", Message("{key}: not a field of a party; one of "
                                                      "{fields}").format(
                    key=printable(key, 40), fields=", ".join(PARTY_FIELDS)))
            text, problem = clean_text(value, limit=300)
            if problem is not None:
                raise InputError.one("facts", Message("{key}: {problem}").format(
                    key=key, problem=problem))
            if text:
                checked[key] = text
        source_text, problem = clean_text(source, limit=MAX_SOURCE)
        if problem is not None or not source_text:
            raise InputError.one("facts", Message(
                "source: say where the fact was checked (an act, a letter, the official "
                "site)"))
        on = on or dt.date.today()
        with self.register.session() as session:
            row = session.scalar(select(DepartmentFact).where(
                DepartmentFact.profile == CATALOGUE, DepartmentFact.place == place))
            old = _shown(row) if row else None
            if row is None:
                row = DepartmentFact(profile=CATALOGUE, place=place)
                session.add(row)
            row.fields, row.source, row.verified_by = checked, source_text, by
            row.verified_on, row.at = on, dt.datetime.now(dt.UTC)
            Accounts.record(session, by, address, "fact-set", "setting",
                            f"{CATALOGUE}:{place}"[:64], "", old,
                            {"fields": checked, "source": source_text,
                             "verified_on": on.isoformat()})
        return row

    def parties(self) -> dict[str, dict[str, str]]:
        """The parties the department verified: their names and the source as the
        documents' notes quote it (for :func:`xbdocs.catalogue.with_parties`)."""
        return {row.place[len(PARTIES):]: {**dict(row.fields or {}),
                                           "source": _shown(row)["source"]}
                for row in self.all(CATALOGUE)}

    def profile_text(self, profile_id: str = profile_module.DEFAULT_PROFILE) -> str | None:
        """The profile with the department's facts, or None when it has none."""
        facts = {f.place: _shown(f) for f in self.all(profile_id)}
        return profile_module.with_facts(profile_id, facts) if facts else None

    def profile_file(self, folder: Path,
                     profile_id: str = profile_module.DEFAULT_PROFILE) -> Path | None:
        """The profile with the department's facts as a file in ``folder`` (named by its
        content, so every worker writes the same one once), or None when there are none."""
        text = self.profile_text(profile_id)
        if text is None:
            return None
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        path = folder / f"{profile_id}-{digest}.yaml"
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            system.write_atomic(path, text.encode("utf-8"))
        return path


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
