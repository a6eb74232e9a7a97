"""The admin's page of the department's users (the department server; issue 22): who may
log in, with which role and what it covers; add a user, change a role, disable or enable
an account, give a new password. The same rules as ``xbdocs users``
(:class:`xbdocs.registry.accounts.Accounts`); every change is in the audit trail, and a
disabled user's sessions end at once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from xbdocs import i18n
from xbdocs.errors import XbdocsError
from xbdocs.registry.models import ADMIN, ROLES
from xbdocs.web.common import (
    Page,
    State,
    address_of,
    check_csrf,
    current_person,
    form_of,
    language_of,
)


def _admin() -> str:
    person = current_person.get()
    if person is None or person.role != ADMIN:
        raise Page(403, i18n._("Forbidden"), [i18n._(
            "Only the department's administrator keeps its users.")])
    return person.username


def add_routes(app: FastAPI, state: State) -> None:
    if state.accounts is None:
        return
    accounts = state.accounts
    municipalities = sorted(((p.id, p.name.ru) for p in state.cat.parties.values()
                             if p.country == "RU" and p.level in ("district", "city")),
                            key=lambda item: item[1])
    regions = sorted(((r.id, r.name.ru) for r in state.cat.regions.values()
                      if r.country == "RU" and r.border), key=lambda item: item[1])

    def shown(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
        return state.page(request, "users.html", {
            "users": accounts.listing(), "roles": ROLES, "municipalities": municipalities,
            "regions": regions, "error": error}, status)

    @app.get("/users", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        with i18n.language(language_of(request)):
            _admin()
            return shown(request)

    @app.post("/users")
    def change(request: Request, form: Annotated[FormData, form_of(60)]) -> Response:
        with i18n.language(language_of(request)):
            by = _admin()
            check_csrf(request, form)
            try:
                _apply(accounts, form, by, address_of(request))
            except XbdocsError as exc:
                return shown(request, str(exc), 422)
        return RedirectResponse("/users", status_code=303)


def _apply(accounts: Any, form: Any, by: str, address: str) -> None:
    action = str(form.get("action") or "")
    username = str(form.get("username") or "").strip()
    role = str(form.get("role") or "")
    chosen = [str(m) for m in form.getlist("municipality")]
    region = str(form.get("region") or "")
    if action == "add":
        directory = form.get("directory") == "yes"
        accounts.add(username, role, password=None if directory else str(
            form.get("password") or ""), municipalities=chosen, region=region,
            display_name=str(form.get("display_name") or "")[:200], directory=directory,
            by=by, address=address)
    elif action == "role":
        accounts.set_role(username, role, municipalities=chosen, region=region, by=by,
                          address=address)
    elif action in ("disable", "enable"):
        accounts.set_disabled(username, action == "disable", by=by, address=address)
    elif action == "password":
        accounts.reset_password(username, str(form.get("password") or ""), by=by,
                                address=address)
    else:
        raise Page(400, i18n._("Bad request"), [i18n._("There is no such action.")])
