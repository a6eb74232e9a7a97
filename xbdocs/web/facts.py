"""The admin's page of the department's own facts (the department server; issue 22): every
fact of the filing profile, whether the profile or the department verified it, and a form
to verify one — its fields, the source, the day; the same for a catalogue party's official
names and for a Russian border district's or region's neighbours across the border. The
same rules as ``xbdocs facts set`` (:class:`xbdocs.registry.facts.Facts`); the change is
in the audit trail, and the next document built uses it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from xbdocs import i18n
from xbdocs import profile as profile_module
from xbdocs.errors import XbdocsError
from xbdocs.registry.facts import LAW_FIELDS, NEIGHBOURS, PARTY_FIELDS, Facts
from xbdocs.registry.models import ADMIN
from xbdocs.unverified import plain_source
from xbdocs.web.common import (
    Page,
    State,
    address_of,
    check_csrf,
    current_person,
    form_of,
    language_of,
)

#: What each field of a fact is, for the form's labels.
FIELD_LABELS = {"text": i18n.N_("Wording"), "body": i18n.N_("The body"),
                "position": i18n.N_("The official's post"), "address": i18n.N_("Address"),
                "kind": i18n.N_("The kind of act"), "date": i18n.N_("Date"),
                "number": i18n.N_("Number"), "title": i18n.N_("Title"),
                "about": i18n.N_("What the act is about"), "article": i18n.N_("Article"),
                "name_ru": i18n.N_("Official name in Russian"),
                "name_kk": i18n.N_("Official name in Kazakh"),
                "from": i18n.N_("In force from (DD.MM.YYYY)")}


def _admin() -> None:
    person = current_person.get()
    if person is None or person.role != ADMIN:
        raise Page(403, i18n._("Forbidden"), [i18n._(
            "Only the department's administrator keeps its facts.")])


def _day(own: Any) -> str:
    """The day the department verified a fact (its row), as the page shows it."""
    return own.verified_on.strftime("%d.%m.%Y") if own is not None and isinstance(
        own.verified_on, dt.date) else ""


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
                     "source": own.source if own else plain_source(party.source),
                     "by": own.verified_by if own else "",
                     "on": _day(own)})
    return rows


def _rows(facts: Facts) -> list[dict[str, Any]]:
    mine = {f.place: f for f in facts.all()}
    rows = []
    for place in profile_module.fact_places():
        own = mine.get(place.place)
        fields = {**place.fields, **(own.fields if own else {})}
        rows.append({"place": place.place, "fields": fields, "shipped": place.verified,
                     "source": own.source if own else plain_source(place.source),
                     "by": own.verified_by if own else "",
                     "on": _day(own)})
    return rows + _party_rows(facts) + _law_rows(facts)


def _law_rows(facts: Facts) -> list[dict[str, Any]]:
    """The days a law xbdocs cites takes over from the law it replaces (131-FZ → 33-FZ):
    recorded here, documents cite the law of their own date by it and stop flagging it."""
    return [{"place": item.place, "title": f"{item.law.kind} № {item.law.number}",
             "fields": {"from": item.day.strftime("%d.%m.%Y") if item.day else ""},
             "shipped": item.shipped,
             "source": item.own.source if item.own else plain_source(item.law.source),
             "by": item.own.verified_by if item.own else "", "on": _day(item.own)}
            for item in facts.law_days()]


def _neighbour_forms(facts: Facts) -> list[dict[str, Any]]:
    """The two forms of neighbours across the border: a Russian district's (ticking Kazakh
    districts and cities) and a Russian region's (ticking Kazakh regions); each with the
    lists as they stand, to choose one and verify (or correct) it."""
    from xbdocs import catalogue

    cat = catalogue.shipped()
    lists = facts.neighbour_lists()
    options = {
        "party": [(p.id, p.name.ru) for p in cat.parties.values()
                  if p.country == "KZ" and p.level != "regional"],
        "region": [(r.id, r.name.ru) for r in cat.regions.values()
                   if r.country == "KZ" and r.border]}
    names = {**dict(options["party"]), **dict(options["region"])}
    forms = []
    for kind, legend in (("party", i18n.N_("A Russian district's neighbours")),
                         ("region", i18n.N_("A Russian region's neighbours"))):
        rows = [{"place": item.place, "name": item.name,
                 "near": [names.get(i, i) for i in item.ids],
                 "shipped": item.shipped, "by": item.own.verified_by if item.own else "",
                 "on": _day(item.own),
                 "source": item.own.source if item.own else ""}
                for item in lists if item.kind == kind]
        forms.append({"kind": kind, "legend": legend, "rows": rows,
                      "options": options[kind]})
    return forms


def _context(facts: Facts, error: str | None) -> dict[str, Any]:
    return {"rows": _rows(facts), "error": error, "labels": FIELD_LABELS,
            "neighbours": _neighbour_forms(facts)}


def _fields_of(form: Any, place: str) -> dict[str, str]:
    """The fields a form sent: a neighbours' form ticks ids (``neighbour``, repeated)."""
    if place.startswith(NEIGHBOURS):
        return {"neighbours": ",".join(str(v) for v in form.getlist("neighbour"))}
    return {key: str(form.get(f"field-{key}") or "")
            for key in (*profile_module.FACT_FIELDS, *PARTY_FIELDS, *LAW_FIELDS)
            if f"field-{key}" in form}


def add_routes(app: FastAPI, state: State) -> None:
    if state.accounts is None:
        return
    facts = Facts(state.accounts.register)

    @app.get("/facts", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        with i18n.language(language_of(request)):
            _admin()
            return state.page(request, "facts.html", _context(facts, None))

    @app.post("/facts")
    def set_fact(request: Request, form: Annotated[FormData, form_of(60)]) -> Response:
        with i18n.language(language_of(request)):
            _admin()
            check_csrf(request, form)
            person = current_person.get()
            place = str(form.get("place") or "")
            fields = _fields_of(form, place)
            try:
                on_text = str(form.get("on") or "").strip()
                from xbdocs.yamlread import parse_date

                on = parse_date(on_text) if on_text else None
                facts.set(place, fields, str(form.get("source") or ""),
                          by=person.username if person else "?", on=on,
                          address=address_of(request))
            except (XbdocsError, ValueError) as exc:
                return state.page(request, "facts.html", _context(facts, str(exc)), 422)
        return RedirectResponse("/facts", status_code=303)
