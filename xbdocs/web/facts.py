"""The admin's page of the department's own facts (the department server; issue 22): every
fact of the filing profile, whether the profile or the department verified it, and a form
to verify one — its fields, the source, the day. The same rules as ``xbdocs facts set``
(:class:`xbdocs.registry.facts.Facts`); the change is in the audit trail, and the next
document built uses it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xbdocs import i18n
from xbdocs import profile as profile_module
from xbdocs.errors import XbdocsError
from xbdocs.registry.facts import PARTY_FIELDS, Facts
from xbdocs.registry.models import ADMIN
from xbdocs.web.common import (
    Page,
    State,
    address_of,
    check_csrf,
    current_person,
    language_of,
)

#: What each field of a fact is, for the form's labels.
FIELD_LABELS = {"text": i18n.N_("Wording"), "body": i18n.N_("The body"),
                "position": i18n.N_("The official's post"), "address": i18n.N_("Address"),
                "kind": i18n.N_("The kind of act"), "date": i18n.N_("Date"),
                "number": i18n.N_("Number"), "title": i18n.N_("Title"),
                "about": i18n.N_("What the act is about"), "article": i18n.N_("Article"),
                "name_ru": i18n.N_("Official name in Russian"),
                "name_kk": i18n.N_("Official name in Kazakh")}


def _admin() -> None:
    person = current_person.get()
    if person is None or person.role != ADMIN:
        raise Page(403, i18n._("Forbidden"), [i18n._(
            "Only the department's administrator keeps its facts.")])


def _party_rows(facts: Facts) -> list[dict[str, Any]]:
    """The catalogue's parties the shipped data leaves unverified, or the department has
    verified: their official names."""
    from xbdocs import catalogue
    from xbdocs.registry.facts import CATALOGUE, PARTIES

    mine = {f.place: f for f in facts.all(CATALOGUE)}
    rows = []
    for party in catalogue.shipped().parties.values():
        own = mine.get(f"{PARTIES}{party.id}")
        if party.verified and own is None:
            continue
        fields = {"name_ru": party.name.ru, "name_kk": party.name.kk,
                  **(own.fields if own else {})}
        rows.append({"place": f"{PARTIES}{party.id}", "fields": fields, "shipped": False,
                     "source": own.source if own else party.source,
                     "by": own.verified_by if own else "",
                     "on": own.verified_on.strftime("%d.%m.%Y") if own and isinstance(
                         own.verified_on, dt.date) else ""})
    return rows


def _rows(facts: Facts) -> list[dict[str, Any]]:
    mine = {f.place: f for f in facts.all()}
    rows = []
    for place in profile_module.fact_places():
        own = mine.get(place.place)
        fields = {**place.fields, **(own.fields if own else {})}
        rows.append({"place": place.place, "fields": fields, "shipped": place.verified,
                     "source": own.source if own else place.source,
                     "by": own.verified_by if own else "",
                     "on": own.verified_on.strftime("%d.%m.%Y") if own and isinstance(
                         own.verified_on, dt.date) else ""})
    return rows + _party_rows(facts)


def add_routes(app: FastAPI, state: State) -> None:
    if state.accounts is None:
        return
    facts = Facts(state.accounts.register)

    @app.get("/facts", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        with i18n.language(language_of(request)):
            _admin()
            return state.page(request, "facts.html", {"rows": _rows(facts), "error": None,
                                                      "labels": FIELD_LABELS})

    @app.post("/facts")
    async def set_fact(request: Request) -> Response:
        with i18n.language(language_of(request)):
            _admin()
            form = await request.form(max_files=0, max_fields=20)
            check_csrf(request, form)
            person = current_person.get()
            fields = {key: str(form.get(f"field-{key}") or "")
                      for key in (*profile_module.FACT_FIELDS, *PARTY_FIELDS)
                      if f"field-{key}" in form}
            try:
                on_text = str(form.get("on") or "").strip()
                from xbdocs.yamlread import parse_date

                on = parse_date(on_text) if on_text else None
                facts.set(str(form.get("place") or ""), fields, str(form.get("source") or ""),
                          by=person.username if person else "?", on=on,
                          address=address_of(request))
            except (XbdocsError, ValueError) as exc:
                return state.page(request, "facts.html", {
                    "rows": _rows(facts), "error": str(exc), "labels": FIELD_LABELS}, 422)
        return RedirectResponse("/facts", status_code=303)
