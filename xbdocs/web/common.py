"""What the browser door's pages share: the app's state (the data folder's drafts, the day,
the templates), the request's language, the CSRF check, and the early-ending page.

Nothing here holds a request's data: drafts live in files and the rest in the request's
cookies and query, so a restart, two tabs or two workers see the same state."""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from starlette.datastructures import FormData

from xbdocs import i18n
from xbdocs.catalogue import Catalogue
from xbdocs.interview.engine import Interview
from xbdocs.interview.store import answers_yaml
from xbdocs.memo import Memo
from xbdocs.stages import DEFAULT_STAGE, STAGES
from xbdocs.web.drafts import DraftFiles, Stored

if TYPE_CHECKING:
    from xbdocs.registry.accounts import Accounts, Person

HERE = Path(__file__).parent
_TOKEN_LENGTH = (32, 128)
LANG_COOKIE = "xbdocs_lang"
CSRF_COOKIE = "xbdocs_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "xbdocs_session"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
#: Who the request being served is from (None: one clerk's machine, no accounts). Set by
#: the app's guard for each request, as docassemble keeps per-request state: never a
#: global that two requests share.
current_person: contextvars.ContextVar[Person | None] = contextvars.ContextVar(
    "xbdocs_person", default=None)
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
ROLE_LABELS = {"clerk": i18n.N_("clerk"), "lawyer": i18n.N_("lawyer"),
               "admin": i18n.N_("administrator")}


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
                 cat: Catalogue, accounts: Accounts | None = None,
                 server_names: tuple[str, ...] = (), secure_cookies: bool = False) -> None:
        self.accounts, self.server_names = accounts, server_names
        self.secure_cookies = secure_cookies
        #: Checks a directory user's password (name, password) → bool; None: no directory.
        self.directory: Any = None
        #: The department's catalogue by the digest of its facts (a memo of content: the
        #: same facts give the same catalogue, whichever request asks).
        self._catalogues: dict[str, Catalogue] = {}
        self.drafts = DraftFiles(Path(data_dir) / "drafts")
        #: The review's findings by the digest of what they come from (the answers, the
        #: stage, the day, the language, the profile and catalogue in use): a review seen
        #: again unchanged — after sending it, by the lawyer — is not rendered again.
        self.reviews = Memo(256)
        self.data_dir = Path(data_dir)
        self._today, self.port, self.cat = today, port, cat
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(_=i18n._, ngettext=i18n.ngettext, STAGES=STAGES,
                                STAGE_LABELS=STAGE_LABELS, ROLE_LABELS=ROLE_LABELS,
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
        if self.accounts is not None:  # a server: its names, when given, else any
            return not self.server_names or name.lower() in self.server_names
        if name not in LOOPBACK_HOSTS:
            return False
        return self.port is None or port == str(self.port)

    def render(self, request: Request, template: str, context: dict[str, Any]) -> str:
        lang = language_of(request)
        with i18n.language(lang):
            return self.env.get_template(template).render(
                lang=lang, csrf=csrf_token(request), person=current_person.get(),
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
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                                secure=bool(getattr(request.app.state, "secure_cookies",
                                                    False)))
        if request.query_params.get("lang") == language_of(request):
            response.set_cookie(LANG_COOKIE, language_of(request), samesite="lax",
                                max_age=365 * 86400)
        return response

    def stored(self, draft_id: str) -> Stored:
        """The draft by its id, if the person asking may see it; a 404 page for anything
        else (a path, a guess, another district's draft: the same page, so an id tells
        nothing)."""
        stored = self.drafts.load(draft_id)
        if stored is None or not self.visible(stored):
            raise not_found(i18n._("There is no such draft."))
        return stored

    def visible(self, stored: Stored) -> bool:
        """Whether the person of this request may see a draft: its maker always; a clerk
        a draft of their municipality, a lawyer one of their region, an admin all."""
        person = current_person.get()
        if self.accounts is None:
            return True
        if person is None:
            return False
        municipality, region = self.place(stored)
        return stored.owner == person.username or person.may_see(municipality, region)

    def place(self, stored: Stored) -> tuple[str, str]:
        """The draft's Russian party (a catalogue id, "" when described by hand) and its
        region."""
        values = stored.draft.values
        russian = values.get("parties", {}).get("russian", {}) \
            if isinstance(values.get("parties"), dict) else {}
        russian = russian if isinstance(russian, dict) else {}
        municipality = russian.get("catalogue") if isinstance(russian.get("catalogue"),
                                                              str) else ""
        party = self.cat.parties.get(municipality or "")
        region = party.region if party else russian.get("region")
        return municipality or "", region if isinstance(region, str) else ""

    def audit(self, request: Request, action: str, stored: Stored,
              old: dict | None = None, new: dict | None = None) -> None:
        """Record a change of a draft in the audit trail (on the department server)."""
        if self.accounts is None:
            return
        person = current_person.get()
        municipality, _region = self.place(stored)
        with self.accounts.register.session() as session:
            self.accounts.record(session, person.username if person else "?",
                                 address_of(request), action, "draft", stored.id,
                                 municipality, old, new)

    def interview(self, stored: Stored) -> Interview:
        """The draft's interview, speaking the language of the request being served."""
        from xbdocs import catalogue

        return Interview(stored.draft.session(catalogue.load()), i18n.current_language(),
                         today=self.today)

    def department_catalogue(self) -> Catalogue | None:
        """The catalogue with the parties the department verified (their official names),
        or None when it verified none. Made once per content of those facts."""
        if self.accounts is None:
            return None
        import hashlib
        import json

        from xbdocs import catalogue
        from xbdocs.registry.facts import Facts

        parties = Facts(self.accounts.register).parties()
        if not parties:
            return None
        key = hashlib.sha256(json.dumps(parties, sort_keys=True).encode()).hexdigest()
        made = self._catalogues.get(key)
        if made is None:
            made = catalogue.with_parties(catalogue.shipped(), parties)
            self._catalogues = {key: made}  # the newest only: facts change rarely
        return made

    def profile(self) -> str | None:
        """The filing profile the documents are built with: on the department server the
        shipped one with the department's verified facts put in (xbdocs facts), else the
        shipped one."""
        if self.accounts is None:
            return None
        from xbdocs.registry.facts import Facts

        path = Facts(self.accounts.register).profile_file(self.data_dir / "profiles")
        return str(path) if path else None

    def review_key(self, text: str, stage: str, profile: str | None, cat: Catalogue) -> str:
        """The key of a review in :attr:`reviews`: everything its findings come from, the
        catalogue by its identity (the memo's owner)."""
        return hashlib.sha256("\0".join((
            text, stage, self.today.isoformat(), i18n.current_language(), str(profile),
            str(id(cat)))).encode()).hexdigest()

    def builds(self, text: str, stage: str, profile: str | None, cat: Catalogue) -> bool:
        """Whether a review of these answers, kept in :attr:`reviews`, rendered the package
        with no error: an acceptance then need not render it again."""
        kept = self.reviews.peek(self.review_key(text, stage, profile, cat), owner=cat)
        return kept is not None and bool(kept.get("built"))

    def render_package(self, answers: str, **options: Any) -> Any:
        """:func:`xbdocs.render_package` with this server's profile (``profile=`` when the
        caller has it already)."""
        import xbdocs

        if "profile" not in options:
            options["profile"] = self.profile()
        return xbdocs.render_package(answers, **options)

    def review(self, answers: str, **options: Any) -> Any:
        """:func:`xbdocs.review` with this server's profile (``profile=`` when the caller
        has it already)."""
        import xbdocs

        if "profile" not in options:
            options["profile"] = self.profile()
        return xbdocs.review(answers, **options)

    @staticmethod
    def answers_text(stored: Stored) -> str:
        """The answers a package is built from: the uploaded file itself while no answer
        has been changed, else the answers written as the interview writes them."""
        if stored.source is not None:
            return stored.source
        with i18n.language("ru"):
            return answers_yaml(stored.draft.values)


def address_of(request: Request) -> str:
    """The client's address (uvicorn gives the proxy's client with --proxy-headers)."""
    return request.client.host if request.client else ""


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


def form_of(max_fields: int) -> Any:
    """A route's form, read in the event loop before the route runs: the route itself is
    then a plain ``def`` that FastAPI runs in its thread pool, so its file locks, fsyncs,
    database writes and renders never hold up the other requests of the worker (as the
    ``async def`` routes did: under 55 people a burst of new drafts waited 1 s)."""

    async def read(request: Request) -> FormData:
        return await request.form(max_files=0, max_fields=max_fields)

    return Depends(read)


#: A route's form of a few fields (a token, a revision, a button, a comment).
ShortForm = Annotated[FormData, form_of(8)]
#: An interview page's form: its questions' fields (two each at most), the stage, the
#: token, the revision and the button.
PageForm = Annotated[FormData, form_of(200)]


def revision_of(form: Any) -> int:
    """The draft's revision a form was made from (0 for anything that is not one, which no
    draft has: the save is then refused as from another tab)."""
    text = str(form.get("revision") or "")
    return int(text) if text.isdigit() and len(text) < 10 else 0


def stage_of(request: Request, stored: Stored) -> str:
    """The stage a page shows: the draft's, unless the query names another (a link to
    one stage's files)."""
    stage = request.query_params.get("stage", stored.draft.stage or DEFAULT_STAGE)
    if stage not in STAGES:
        raise Page(400, i18n._("Bad request"), [i18n._("There is no such stage.")])
    return stage
