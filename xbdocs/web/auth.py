"""Logging in and out of the department server, and its audit trail in the browser
(``xbdocs serve --accounts``; issue 22).

The login form has the names and ``autocomplete`` values password managers expect; a right
name and password get a new session (a fresh random token in an HttpOnly, SameSite=Strict
cookie, Secure behind HTTPS — a session cookie set before the login is never taken over)
and a fresh CSRF token. Everything but the login page and the static files needs a session
(:func:`guard`); each request's person is put in :data:`~xbdocs.web.common.current_person`.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from xbdocs import i18n
from xbdocs.errors import AccountError
from xbdocs.registry.models import ADMIN
from xbdocs.tables import safe_cell
from xbdocs.web.common import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    State,
    address_of,
    check_csrf,
    current_person,
    language_of,
)

#: What may be reached without logging in.
PUBLIC = ("/login", "/static/")


async def guard(request: Request, state: State) -> Response | None:
    """The person of the request's session, put in :data:`current_person`; a redirect to
    the login page (or a 401 page for a form sent without a session) when there is none."""
    if state.accounts is None:
        return None
    token = request.cookies.get(SESSION_COOKIE, "")
    person = await run_in_threadpool(state.accounts.session_person, token,
                                     address_of(request)) if token else None
    current_person.set(person)
    if person is not None or request.url.path.startswith(PUBLIC):
        return None
    if request.method == "GET":
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(wanted)}", status_code=303)
    with i18n.language(language_of(request)):
        return state.page(request, "error.html", {
            "heading": i18n._("Log in first"),
            "lines": [i18n._("Your session has ended. Log in and send the form again.")]},
            401)


def _next(target: str) -> str:
    """Where to go after logging in: a path of this site only (never «//elsewhere»)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and len(target) < 500:
        return target
    return "/"


def add_routes(app: FastAPI, state: State) -> None:
    if state.accounts is None:
        return
    accounts = state.accounts

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        with i18n.language(language_of(request)):
            return state.page(request, "login.html", {
                "next": _next(request.query_params.get("next", "/")), "error": None})

    @app.post("/login")
    async def login(request: Request) -> Response:
        with i18n.language(language_of(request)):
            form = await request.form(max_files=0, max_fields=5)
            check_csrf(request, form)
            username, password = str(form.get("username") or ""), str(
                form.get("password") or "")
            target = _next(str(form.get("next") or "/"))
            try:
                person, token = await run_in_threadpool(
                    accounts.login, username.strip(), password, address_of(request),
                    state.directory)
            except AccountError as exc:
                return state.page(request, "login.html", {
                    "next": target, "error": str(exc), "username": username[:128]}, 401)
            response = RedirectResponse(target, status_code=303)
            secure = state.secure_cookies
            response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                                secure=secure)
            response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(32),
                                httponly=True, samesite="strict", secure=secure)
            current_person.set(person)
            return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=3)
        check_csrf(request, form)
        token = request.cookies.get(SESSION_COOKIE, "")
        person = current_person.get()
        if form.get("everywhere") and person is not None:
            await run_in_threadpool(accounts.logout_everywhere, person.username,
                                    address_of(request))
        elif token:
            await run_in_threadpool(accounts.logout, token, address_of(request))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/audit", response_class=HTMLResponse)
    def audit(request: Request) -> Response:
        """The audit trail the person may see (an admin: all of it), newest first."""
        with i18n.language(language_of(request)):
            person = current_person.get()
            assert person is not None  # the guard let only a session through
            rows = [_row(entry) for entry in accounts.audit(person, limit=500)]
            if request.query_params.get("format") == "csv":
                return _csv(rows)
            return state.page(request, "audit.html", {"rows": rows,
                                                      "admin": person.role == ADMIN})


def _row(entry: Any) -> dict[str, Any]:
    return {"at": entry.at.strftime("%d.%m.%Y %H:%M:%S") if entry.at else "",
            "username": entry.username, "address": entry.address, "action": entry.action,
            "kind": entry.object_kind, "object": entry.object_id,
            "municipality": entry.municipality,
            "old": _compact(entry.old), "new": _compact(entry.new)}


def _compact(value: Any) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 2000 else text[:2000] + "…"


def _csv(rows: list[dict[str, Any]]) -> Response:
    """The audit as CSV for a spreadsheet: a cell a spreadsheet would run as a formula
    (= + - @) is neutralised (:func:`xbdocs.tables.safe_cell`)."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    columns = list(rows[0]) if rows else ["at", "username", "address", "action", "kind",
                                          "object", "municipality", "old", "new"]
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row[column]) for column in columns])
    return Response("\ufeff" + stream.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"',
                             "Cache-Control": "no-store"})


__all__ = ["PUBLIC", "add_routes", "guard"]
