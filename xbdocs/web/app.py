"""The web app of ``xbdocs serve``: upload → review → preview → downloads (issue 21, slice 1).

Every page is rendered on the server and works as a plain HTML form; HTMX (vendored in
``static/``, no CDN: the clerk's machine is offline) only boosts links and forms. The app
keeps nothing in process memory: an upload is a file in ``data_dir/uploads`` named by a
random id, the CSRF token is a cookie compared with the form's field (double submit), the
language is the query's ``lang`` or a cookie. So a restart, two tabs or two workers see the
same state, and the department server of the next issue can run several processes.

Safety, even on loopback (a web page in the clerk's own browser can reach 127.0.0.1): the
Host header must name the loopback (DNS rebinding), every POST carries the CSRF token,
every response has a Content-Security-Policy without inline script or style, uploads are
bounded by the answers reader's own limit, and an upload id is checked against a strict
pattern before it becomes a file name, so nothing from the browser reaches a path outside
the data folder.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.datastructures import UploadFile

import xbdocs
from xbdocs import answers as answers_module
from xbdocs import i18n
from xbdocs.errors import FindingsError, InputError, XbdocsError
from xbdocs.findings import ERROR, Finding
from xbdocs.i18n import Message
from xbdocs.inputs import MAX_TEXT_BYTES
from xbdocs.model import ParallelDocument
from xbdocs.stages import DEFAULT_STAGE, STAGES
from xbdocs.writer import html as html_writer

__all__ = ["SECURITY_HEADERS", "create_app"]

HERE = Path(__file__).parent
_LOG = logging.getLogger("xbdocs.web")
#: An upload's id as ``secrets.token_urlsafe(16)`` makes it (22 characters); anything else
#: is not an id, and never becomes part of a path.
UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")
LANG_COOKIE = "xbdocs_lang"
CSRF_COOKIE = "xbdocs_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
#: The multipart envelope around an upload (boundaries, headers, the stage and token
#: fields) on top of the answers' own limit.
_ENVELOPE_BYTES = 64_000
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "object-src 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".yaml": "text/yaml; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
}
STAGE_LABELS = {
    "agreement": i18n.N_("the agreement only"),
    "approval": i18n.N_("the agreement and the approval paperwork"),
    "registration": i18n.N_("the agreement and the registration paperwork"),
    "all": i18n.N_("everything"),
}
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


class _Page(Exception):
    """A page that ends a request early (a bad id, a refused upload), with its status."""

    def __init__(self, status: int, heading: str, lines: list[str]) -> None:
        super().__init__(heading)
        self.status, self.heading, self.lines = status, heading, lines


def create_app(data_dir: Path, today: dt.date | None = None,
               port: int | None = None) -> FastAPI:
    """The app over ``data_dir`` (uploads go to its ``uploads`` folder).

    ``today`` fixes the date documents are dated with and deadlines judged against, as
    XBDOCS_TODAY does for the CLI (tests compare the ZIP with ``xbdocs build``); ``port``,
    when given, is the only port the Host header may name."""
    uploads = Path(data_dir) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(_=i18n._, STAGES=STAGES, STAGE_LABELS=STAGE_LABELS,
                       LANGUAGE_NAMES=LANGUAGE_NAMES)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    state = _State(uploads, today, port, env)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if not state.host_allowed(request.headers.get("host", "")):
            response: Response = Response("Bad Host header\n", status_code=400,
                                          media_type="text/plain")
        else:
            try:
                response = await call_next(request)
            except Exception:  # a bug: the traceback to the log, a page to the clerk
                _LOG.exception("internal error on %s %s", request.method, request.url.path)
                with i18n.language(language_of(request)):
                    response = state.page(request, "error.html", {
                        "heading": i18n._("Internal error"),
                        "lines": [i18n._("This is a bug in xbdocs.")]}, 500)
        response.headers.update(SECURITY_HEADERS)
        return response

    _routes(app, state)
    return app


class _State:
    """What the routes share: the uploads folder, the day, the templates. No request's
    data: that lives in files and cookies."""

    def __init__(self, uploads: Path, today: dt.date | None, port: int | None,
                 env: Environment) -> None:
        self.uploads, self._today, self.port, self.env = uploads, today, port, env

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

    def page(self, request: Request, template: str, context: dict[str, Any],
             status: int = 200) -> HTMLResponse:
        """A page in the request's language, with the CSRF cookie it needs."""
        lang = language_of(request)
        token = request.cookies.get(CSRF_COOKIE, "")
        fresh = not _TOKEN.fullmatch(token)
        if fresh:
            token = secrets.token_urlsafe(32)
        with i18n.language(lang):
            text = self.env.get_template(template).render(
                lang=lang, csrf=token,
                path=request.url.path if request.method == "GET" else "/",
                query=_query_without_lang(request), **context)
        response = HTMLResponse(text, status_code=status)
        if fresh:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 86400)
        return response

    def upload_path(self, upload_id: str) -> Path:
        if not UPLOAD_ID.fullmatch(upload_id):
            raise _Page(404, i18n._("Not found"), [i18n._("There is no such upload.")])
        path = self.uploads / f"{upload_id}.yaml"
        if not path.is_file():
            raise _Page(404, i18n._("Not found"), [i18n._("There is no such upload.")])
        return path

    def answers_text(self, upload_id: str) -> str:
        return self.upload_path(upload_id).read_text("utf-8")

    def save(self, text: str) -> str:
        """Keep the answers in the data folder under a new random id, whole or not at all
        (a temporary file renamed), so a crash never leaves half an upload."""
        upload_id = secrets.token_urlsafe(16)
        handle, temporary = tempfile.mkstemp(dir=self.uploads, prefix=".upload-",
                                             suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.uploads / f"{upload_id}.yaml")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return upload_id


def language_of(request: Request) -> str:
    """The query's ``lang``, else the cookie's, else Russian."""
    for wanted in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if wanted in i18n.UI_LANGUAGES:
            return str(wanted)
    return i18n.DEFAULT_LANGUAGE


def _query_without_lang(request: Request) -> str:
    """The page's query without ``lang``, for the language switch's links."""
    from urllib.parse import urlencode

    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return urlencode(pairs)


def _stage(request: Request) -> str:
    stage = request.query_params.get("stage", DEFAULT_STAGE)
    if stage not in STAGES:
        raise _Page(400, i18n._("Bad request"), [i18n._("There is no such stage.")])
    return stage


def _check_csrf(request: Request, form: Any) -> None:
    """Double submit: the form's token (or HTMX's header) equals the cookie's."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = str(form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, ""))
    if not (_TOKEN.fullmatch(cookie) and secrets.compare_digest(cookie, sent)):
        raise _Page(403, i18n._("Forbidden"), [i18n._(
            "The form has expired or did not come from this page. Open the start page "
            "and send it again.")])


def _problems(error: InputError) -> list[dict[str, Any]]:
    return [{"line": p.line, "path": p.path, "text": p.text} for p in error.problems]


def _findings(findings: list[Finding]) -> list[dict[str, Any]]:
    """Errors first, each with its key path and line, in the language being shown."""
    ordered = sorted(findings, key=lambda f: f.severity != ERROR)
    return [{"code": f.code, "error": f.severity == ERROR, "path": f.path, "line": f.line,
             "text": f.text} for f in ordered]


async def _read_upload(request: Request) -> tuple[str, str, str]:
    """The uploaded answers' text, their file name and the stage, bounded: the request is
    refused by its length before it is read, and the file by its own."""
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise _Page(411, i18n._("Bad request"), [i18n._("The upload has no length.")])
    too_big = _Page(413, i18n._("The file is too large"), [i18n._(
        "An answers file is at most {limit} bytes.").format(limit=MAX_TEXT_BYTES)])
    if int(length) > MAX_TEXT_BYTES + _ENVELOPE_BYTES:
        raise too_big
    form = await request.form(max_files=1, max_fields=4)
    _check_csrf(request, form)
    stage = str(form.get("stage") or DEFAULT_STAGE)
    if stage not in STAGES:
        raise _Page(400, i18n._("Bad request"), [i18n._("There is no such stage.")])
    upload = form.get("answers")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise _Problems([{"line": None, "path": "", "text": i18n._(
            "Choose an answers file to upload.")}])
    data = await upload.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise too_big
    name = Path(upload.filename.replace("\\", "/")).name or "answers.yaml"
    try:
        return data.decode("utf-8-sig"), name, stage
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _Problems([{"line": line, "path": "", "text": str(Message(
            "the file is not UTF-8 text (a byte that UTF-8 does not allow); save it as "
            "UTF-8"))}]) from None


class _Problems(Exception):
    """An upload that is not answers: the start page again, with every problem."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("problems")
        self.problems = problems


def _routes(app: FastAPI, state: _State) -> None:
    def shown(request: Request, exc: _Page) -> HTMLResponse:
        return state.page(request, "error.html", {"heading": exc.heading,
                                                  "lines": exc.lines}, exc.status)

    @app.get("/", response_class=HTMLResponse)
    def start(request: Request) -> HTMLResponse:
        with i18n.language(language_of(request)):
            return state.page(request, "start.html", {"problems": [], "stage": DEFAULT_STAGE})

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        with i18n.language(language_of(request)):
            try:
                text, name, stage = await _read_upload(request)
                answers_module.loads(text, name)
            except _Page as exc:
                return shown(request, exc)
            except _Problems as exc:
                return state.page(request, "start.html", {
                    "problems": exc.problems, "stage": DEFAULT_STAGE}, 422)
            except InputError as exc:
                return state.page(request, "start.html", {
                    "problems": _problems(exc), "stage": stage, "filename": name}, 422)
            upload_id = state.save(text)
        return RedirectResponse(f"/review/{upload_id}?stage={stage}", status_code=303)

    @app.get("/review/{upload_id}", response_class=HTMLResponse)
    def review(request: Request, upload_id: str) -> HTMLResponse:
        with i18n.language(language_of(request)):
            try:
                text, stage = state.answers_text(upload_id), _stage(request)
            except _Page as exc:
                return shown(request, exc)
            # One render: its findings are the review's (tests/test_doors_agree.py); only
            # answers with errors, which do not render, are reviewed on their own.
            try:
                try:
                    package = xbdocs.render_package(text, stage=stage, today=state.today,
                                                    count_sheets=False,
                                                    lang=i18n.current_language())
                    findings, unverified = package.findings, _unverified(package)
                except FindingsError:
                    findings = xbdocs.review(text, stage=stage, today=state.today)
                    unverified = []
            except XbdocsError as exc:  # answers that read but cannot be checked
                return state.page(request, "error.html", {
                    "heading": i18n._("The package cannot be built"),
                    "lines": exc.lines()}, 422)
            return state.page(request, "review.html", {
                "upload_id": upload_id, "stage": stage, "findings": _findings(findings),
                "has_errors": any(f.severity == ERROR for f in findings),
                "unverified": unverified})

    @app.get("/preview/{upload_id}", response_class=HTMLResponse)
    def preview(request: Request, upload_id: str) -> Response:
        with i18n.language(language_of(request)):
            try:
                text, stage = state.answers_text(upload_id), _stage(request)
            except _Page as exc:
                return shown(request, exc)
            try:
                package = xbdocs.render_package(text, stage=stage, today=state.today,
                                                count_sheets=False,
                                                lang=i18n.current_language())
            except XbdocsError:
                return RedirectResponse(f"/review/{upload_id}?stage={stage}",
                                        status_code=303)
            return state.page(request, "preview.html", {
                "upload_id": upload_id, "stage": stage, "documents": _documents(package),
                "files": [n for n in package.files if n != "manifest.json"]})

    _file_routes(app, state, shown)


def _unverified(package: xbdocs.RenderedPackage) -> list[dict[str, Any]]:
    """The unverified facts as the check sheet lists them, in the page's language (the
    notes are Russian or Kazakh; an English page shows the Russian)."""
    lang = i18n.current_language()
    shown_lang = lang if lang in ("ru", "kk") else "ru"
    return [{"what": item.what_in(shown_lang), "value": item.value,
             "fix": item.fix_in(shown_lang), "files": package.places.get(item, [])}
            for item in package.unverified]


def _documents(package: xbdocs.RenderedPackage) -> list[dict[str, Any]]:
    """Every document of the package laid out by the HTML writer from the model its DOCX
    was written from, so the preview says what the DOCX says."""
    documents = []
    for number, (name, model) in enumerate(package.models.items(), start=1):
        write = (html_writer.html_parallel if isinstance(model, ParallelDocument)
                 else html_writer.html)
        documents.append({
            "anchor": f"doc-{number}", "name": name, "title": package.titles.get(name, name),
            "html": Markup(write(model, ids=f"d{number}", heading_level=3,
                                 notes_heading=i18n._("Notes")))})
    return documents


def _file_routes(app: FastAPI, state: _State, shown: Any) -> None:
    @app.get("/download/{upload_id}/{name}")
    def download(request: Request, upload_id: str, name: str) -> Response:
        """A file of the package, rendered as ``xbdocs build`` renders it (sheets counted),
        so the ZIP's documents are the build's byte for byte."""
        with i18n.language(language_of(request)):
            try:
                text, stage = state.answers_text(upload_id), _stage(request)
            except _Page as exc:
                return shown(request, exc)
            try:
                package = xbdocs.render_package(text, stage=stage, today=state.today,
                                                make_zip=name == "package.zip",
                                                lang=i18n.current_language())
            except XbdocsError as exc:
                return state.page(request, "error.html", {
                    "heading": i18n._("The package cannot be built"),
                    "lines": exc.lines()}, 422)
            if name not in package.files:
                return shown(request, _Page(404, i18n._("Not found"),
                                            [i18n._("The package has no such file.")]))
            media = _MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
            return Response(package.files[name], media_type=media, headers={
                "Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        """The stylesheets and htmx: by name from a fixed list, never a path."""
        files = {"style.css": HERE / "static" / "style.css",
                 "htmx.min.js": HERE / "static" / "htmx.min.js",
                 "preview.css": html_writer.STYLESHEET}
        if name not in files:
            return Response("Not found\n", status_code=404, media_type="text/plain")
        media = "text/css" if name.endswith(".css") else "text/javascript"
        return FileResponse(files[name], media_type=media)
