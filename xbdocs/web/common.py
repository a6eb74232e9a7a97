"""What the browser door's pages share: the app's state (the data folder's drafts, the day,
the templates), the request's language, the CSRF check, and the early-ending page.

Nothing here holds a request's data: drafts live in files and the rest in the request's
cookies and query, so a restart, two tabs or two workers see the same state."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader

from xbdocs import i18n
from xbdocs.catalogue import Catalogue
from xbdocs.interview.engine import Interview
from xbdocs.interview.store import answers_yaml
from xbdocs.stages import DEFAULT_STAGE, STAGES
from xbdocs.web.drafts import DraftFiles, Stored

HERE = Path(__file__).parent
_TOKEN_LENGTH = (32, 128)
LANG_COOKIE = "xbdocs_lang"
CSRF_COOKIE = "xbdocs_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "object-src 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
STAGE_LABELS = {
    "agreement": i18n.N_("the agreement only"),
    "approval": i18n.N_("the agreement and the approval paperwork"),
    "registration": i18n.N_("the agreement and the registration paperwork"),
    "all": i18n.N_("everything"),
}
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


class Page(Exception):
    """A page that ends a request early (a bad id, a refused upload), with its status."""

    def __init__(self, status: int, heading: str, lines: list[str]) -> None:
        super().__init__(heading)
        self.status, self.heading, self.lines = status, heading, lines


def not_found(line: str) -> Page:
    return Page(404, i18n._("Not found"), [line])


class State:
    """What the routes share: the drafts, the day, the templates, the catalogue."""

    def __init__(self, data_dir: Path, today: dt.date | None, port: int | None,
                 cat: Catalogue) -> None:
        self.drafts = DraftFiles(Path(data_dir) / "drafts")
        self.data_dir = Path(data_dir)
        self._today, self.port, self.cat = today, port, cat
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(_=i18n._, ngettext=i18n.ngettext, STAGES=STAGES,
                                STAGE_LABELS=STAGE_LABELS,
                                LANGUAGE_NAMES=LANGUAGE_NAMES)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def host_allowed(self, host: str) -> bool:
        """Only the loopback by name, and only our port when we know it: a page from
        elsewhere that rebinds its DNS name to 127.0.0.1 sends its own name here."""
        if host.startswith("["):
            name, _sep, rest = host.partition("]")
            name, port = name + "]", rest.removeprefix(":")
        else:
            name, _sep, port = host.partition(":")
        if name not in LOOPBACK_HOSTS:
            return False
        return self.port is None or port == str(self.port)

    def render(self, request: Request, template: str, context: dict[str, Any]) -> str:
        lang = language_of(request)
        with i18n.language(lang):
            return self.env.get_template(template).render(
                lang=lang, csrf=csrf_token(request),
                path=request.url.path if request.method == "GET" else "/",
                query=query_without_lang(request), **context)

    def page(self, request: Request, template: str, context: dict[str, Any],
             status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
        """A page in the request's language, with the CSRF cookie it needs."""
        response = HTMLResponse(self.render(request, template, context), status_code=status,
                                headers=headers)
        return self.cookies(request, response)

    @staticmethod
    def cookies(request: Request, response: HTMLResponse) -> HTMLResponse:
        token = csrf_token(request)
        if request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        if request.query_params.get("lang") == language_of(request):
            response.set_cookie(LANG_COOKIE, language_of(request), samesite="lax",
                                max_age=365 * 86400)
        return response

    def stored(self, draft_id: str) -> Stored:
        """The draft by its id; a 404 page for anything else (a path, a guess)."""
        stored = self.drafts.load(draft_id)
        if stored is None:
            raise not_found(i18n._("There is no such draft."))
        return stored

    def interview(self, stored: Stored) -> Interview:
        """The draft's interview, speaking the language of the request being served."""
        return Interview(stored.draft.session(self.cat), i18n.current_language(),
                         today=self.today)

    @staticmethod
    def answers_text(stored: Stored) -> str:
        """The answers a package is built from: the uploaded file itself while no answer
        has been changed, else the answers written as the interview writes them."""
        if stored.source is not None:
            return stored.source
        with i18n.language("ru"):
            return answers_yaml(stored.draft.values)


def csrf_token(request: Request) -> str:
    """The request's CSRF token: its cookie's, or a new one made once per request."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if _valid_token(token):
        return token
    fresh = getattr(request.state, "csrf", None)
    if fresh is None:
        fresh = request.state.csrf = secrets.token_urlsafe(32)
    return str(fresh)


def _valid_token(token: str) -> bool:
    low, high = _TOKEN_LENGTH
    return low <= len(token) <= high and all(c.isalnum() or c in "-_" for c in token)


def check_csrf(request: Request, form: Any) -> None:
    """Double submit: the form's token (or HTMX's header) equals the cookie's."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = str(form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, ""))
    if not (_valid_token(cookie) and secrets.compare_digest(cookie, sent)):
        raise Page(403, i18n._("Forbidden"), [i18n._(
            "The form has expired or did not come from this page. Open the start page "
            "and send it again.")])


def language_of(request: Request) -> str:
    """The query's ``lang``, else the cookie's, else Russian."""
    for wanted in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if wanted in i18n.UI_LANGUAGES:
            return str(wanted)
    return i18n.DEFAULT_LANGUAGE


def query_without_lang(request: Request) -> str:
    """The page's query without ``lang``, for the language switch's links."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return urlencode(pairs)


def stage_of(request: Request, stored: Stored) -> str:
    """The stage a page shows: the draft's, unless the query names another (a link to
    one stage's files)."""
    stage = request.query_params.get("stage", stored.draft.stage or DEFAULT_STAGE)
    if stage not in STAGES:
        raise Page(400, i18n._("Bad request"), [i18n._("There is no such stage.")])
    return stage
