"""The web app of ``xbdocs serve``: the interview in pages, or an uploaded answers file;
the review; a preview of every document; the downloads (issue 21).

Every page is rendered on the server and works as a plain HTML form; HTMX (vendored in
``static/``, no CDN: the clerk's machine is offline) only boosts links and forms and saves a
field as it changes. The app keeps nothing in process memory: an interview or an upload is
a draft file in ``data_dir/drafts`` named by a random id (:mod:`xbdocs.web.drafts`), the CSRF
token is a cookie compared with the form's field (double submit), the language is the
query's ``lang`` or a cookie. So a restart, two tabs or two workers see the same state, and
the department server of the next issue can run several processes.

Safety, even on loopback (a web page in the clerk's own browser can reach 127.0.0.1): the
Host header must name the loopback (DNS rebinding), every POST carries the CSRF token,
every response has a Content-Security-Policy without inline script or style, uploads are
bounded by the answers reader's own limit, and a draft id is checked against a strict
pattern before it becomes a file name, so nothing from the browser reaches a path outside
the data folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

import xbdocs
from xbdocs import answers as answers_module
from xbdocs import catalogue, i18n
from xbdocs.errors import FindingsError, InputError, XbdocsError
from xbdocs.findings import ERROR, Finding
from xbdocs.i18n import Message
from xbdocs.inputs import MAX_TEXT_BYTES
from xbdocs.interview.engine import Interview
from xbdocs.interview.flow import SECTION_OF
from xbdocs.interview.store import Draft
from xbdocs.model import ParallelDocument
from xbdocs.stages import DEFAULT_STAGE, STAGES
from xbdocs.web import auth, facts, pages, pdf, register, users, workflow
from xbdocs.web.common import (
    HERE,
    SECURITY_HEADERS,
    Page,
    State,
    check_csrf,
    current_person,
    language_of,
    stage_of,
)
from xbdocs.web.jobs import PdfJobs
from xbdocs.writer import html as html_writer

if TYPE_CHECKING:
    from xbdocs.registry.accounts import Accounts

__all__ = ["SECURITY_HEADERS", "create_app"]

_LOG = logging.getLogger("xbdocs.web")
#: The multipart envelope around an upload (boundaries, headers, the stage and token
#: fields) on top of the answers' own limit.
_ENVELOPE_BYTES = 64_000
_MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".yaml": "text/yaml; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
}


def create_app(data_dir: Path, today: dt.date | None = None, port: int | None = None, *,
               accounts: Accounts | None = None, server_names: tuple[str, ...] = (),
               secure_cookies: bool = False, directory: Any = None) -> FastAPI:
    """The app over ``data_dir`` (drafts go to its ``drafts`` folder).

    ``today`` fixes the date documents are dated with and deadlines judged against, as
    XBDOCS_TODAY does for the CLI (tests compare the ZIP with ``xbdocs build``); ``port``,
    when given, is the only port the Host header may name. With ``accounts`` (the
    department server) every page needs a login, each person sees what their role allows,
    every change goes to the audit trail, and the Host header may be any of
    ``server_names`` (any at all when none are given); ``secure_cookies`` behind HTTPS;
    ``directory`` checks a directory user's password."""
    state = State(data_dir, today, port, catalogue.load(), accounts, tuple(
        name.lower() for name in server_names), secure_cookies)
    state.directory = directory
    jobs = PdfJobs(Path(data_dir) / "pdf-jobs")

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        jobs.start_worker()
        yield
        jobs.stop_worker()

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.data_dir = Path(data_dir)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        if not state.host_allowed(request.headers.get("host", "")):
            response: Response = Response("Bad Host header\n", status_code=400,
                                          media_type="text/plain")
        elif request.method == "POST" and not _bounded(request):
            with i18n.language(language_of(request)):
                response = state.page(request, "error.html", {
                    "heading": i18n._("The request is too large"),
                    "lines": [i18n._("A form or a file sent here is at most {limit} bytes.")
                              .format(limit=MAX_TEXT_BYTES)]}, 413)
        elif (refused := await _guarded(request, state)) is not None:
            response = refused
        else:
            try:
                department = await _department_catalogue(state)
                with catalogue.using(department) if department else contextlib.nullcontext():
                    response = await call_next(request)
            except Exception:  # a bug: the traceback to the log, a page to the clerk
                _LOG.exception("internal error on %s %s", request.method, request.url.path)
                with i18n.language(language_of(request)):
                    response = state.page(request, "error.html", {
                        "heading": i18n._("Internal error"),
                        "lines": [i18n._("This is a bug in xbdocs.")]}, 500)
        current_person.set(None)  # nothing of this request outlives it
        response.headers.update(SECURITY_HEADERS)
        # The server's own time, for bench/web.py and the browser's developer tools.
        response.headers["Server-Timing"] = \
            f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    @app.exception_handler(Page)
    async def ended(request: Request, exc: Page) -> Response:
        with i18n.language(language_of(request)):
            return state.page(request, "error.html", {"heading": exc.heading,
                                                      "lines": exc.lines}, exc.status)

    app.state.secure_cookies = secure_cookies
    auth.add_routes(app, state)
    _routes(app, state)
    _review_routes(app, state)
    pages.add_routes(app, state)
    workflow.add_routes(app, state)
    register.add_routes(app, state)
    facts.add_routes(app, state)
    users.add_routes(app, state)
    pdf.add_routes(app, state, jobs)
    _file_routes(app, state)
    return app


async def _department_catalogue(state: State) -> Any:
    """The catalogue with the department's verified parties, for this request (None: the
    shipped one serves)."""
    if state.accounts is None:
        return None
    return await run_in_threadpool(state.department_catalogue)


async def _guarded(request: Request, state: State) -> Response | None:
    """The login check; a database that cannot be reached (restarted, down) gives a page
    saying so, with 503, and the next request tries again."""
    try:
        return await auth.guard(request, state)
    except XbdocsError as exc:
        _LOG.warning("the register cannot be reached: %s", exc)
        with i18n.language(language_of(request)):
            return state.page(request, "error.html", {
                "heading": i18n._("The server's database cannot be reached"),
                "lines": [i18n._("Nothing is lost: try again in a minute. If it goes on, "
                                 "tell the department's administrator.")]}, 503)


def _bounded(request: Request) -> bool:
    """A POST says its length, and the length is one an answers file and its envelope
    can have: the body is refused before anything reads it into memory."""
    length = request.headers.get("content-length", "")
    return length.isdigit() and int(length) <= MAX_TEXT_BYTES + _ENVELOPE_BYTES


def _problems(error: InputError) -> list[dict[str, Any]]:
    return [{"line": p.line, "path": p.path, "text": p.text} for p in error.problems]


def _findings(findings: list[Finding], interview: Interview | None = None,
              ) -> list[dict[str, Any]]:
    """Errors first, each with its key path and line, in the language being shown, and
    the page and question whose answer it concerns."""
    ordered = sorted(findings, key=lambda f: f.severity != ERROR)
    shown = []
    for finding in ordered:
        question = interview.question_for(finding.path) if interview else None
        shown.append({"code": finding.code, "error": finding.severity == ERROR,
                      "path": finding.path, "line": finding.line, "text": finding.text,
                      "question": question,
                      "section": SECTION_OF.get(question or "")})
    return shown


async def _read_upload(request: Request) -> tuple[str, str, str]:
    """The uploaded answers' text, their file name and the stage, bounded: the request is
    refused by its length before it is read, and the file by its own."""
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise Page(411, i18n._("Bad request"), [i18n._("The upload has no length.")])
    too_big = Page(413, i18n._("The file is too large"), [i18n._(
        "An answers file is at most {limit} bytes.").format(limit=MAX_TEXT_BYTES)])
    if int(length) > MAX_TEXT_BYTES + _ENVELOPE_BYTES:
        raise too_big
    form = await request.form(max_files=1, max_fields=4)
    check_csrf(request, form)
    stage = str(form.get("stage") or DEFAULT_STAGE)
    if stage not in STAGES:
        raise Page(400, i18n._("Bad request"), [i18n._("There is no such stage.")])
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


def _routes(app: FastAPI, state: State) -> None:
    @app.get("/", response_class=HTMLResponse)
    def start(request: Request) -> HTMLResponse:
        with i18n.language(language_of(request)):
            return _start_page(request, state, [], DEFAULT_STAGE)

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        with i18n.language(language_of(request)):
            try:
                text, name, stage = await _read_upload(request)
            except _Problems as exc:
                return _start_page(request, state, exc.problems, DEFAULT_STAGE, status=422)
            # Reading, checking and keeping it in the thread pool: the worker's other
            # requests go on meanwhile.
            return await run_in_threadpool(_uploaded, request, state, text, name, stage)


def _uploaded(request: Request, state: State, text: str, name: str, stage: str) -> Response:
    """An uploaded answers file as a new draft, or the start page with its problems."""
    try:
        answers_module.loads(text, name)  # its problems, as `xbdocs check` says
        values, _lines = answers_module.load_yaml(text, name)
    except InputError as exc:
        return _start_page(request, state, _problems(exc), stage, status=422, filename=name)
    interview = Interview.adopt(values, stage, i18n.current_language(),
                                cat=catalogue.load(), today=state.today)
    stored = state.drafts.create(Draft.of(interview.session), name, source=text,
                                 owner=_owner())
    state.audit(request, "draft-uploaded", stored, None, {"file": name[:200]})
    return RedirectResponse(f"/review/{stored.id}", status_code=303)


def _review_routes(app: FastAPI, state: State) -> None:
    @app.get("/review/{draft_id}", response_class=HTMLResponse)
    def review(request: Request, draft_id: str) -> HTMLResponse:
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            stage = stage_of(request, stored)
            interview = state.interview(stored)
            answers = _answers(interview)
            return state.page(request, "review.html", {
                "draft": stored, "stage": stage, "sections": interview.sections(),
                "answers": answers, "complete": interview.complete,
                "workflow": _workflow(state, stored, answers),
                **_checked(state, stored, stage, interview)})

    @app.get("/preview/{draft_id}", response_class=HTMLResponse)
    def preview(request: Request, draft_id: str) -> Response:
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            stage = stage_of(request, stored)
            try:
                package = state.render_package(state.answers_text(stored), stage=stage,
                                                today=state.today, count_sheets=False,
                                                lang=i18n.current_language())
            except XbdocsError:
                return RedirectResponse(f"/review/{draft_id}", status_code=303)
            return state.page(request, "preview.html", {
                "draft": stored, "stage": stage, "documents": _documents(package),
                "clause_comments": _clause_comments(stored),
                "files": [n for n in package.files if n != "manifest.json"]})


def _start_page(request: Request, state: State, problems: list[dict[str, Any]], stage: str,
                status: int = 200, filename: str | None = None) -> HTMLResponse:
    return state.page(request, "start.html", {
        "problems": problems, "stage": stage, "filename": filename,
        "drafts": state.drafts.listed(state.visible)}, status)


def _owner() -> str:
    person = current_person.get()
    return person.username if person else ""


def _workflow(state: State, stored: Any, answers: list[dict[str, Any]]) -> dict | None:
    """The lawyer's review as the review page shows it (the department server only)."""
    if state.accounts is None:
        return None
    person = current_person.get()
    labels = {item.question_id: item.label for group in answers for item in group["items"]}
    current = workflow.state_of(stored)
    return {"label": workflow.STATE_LABELS[current],
            "agreement": stored.review.get("agreement"),
            "comments": [{**c, "label": labels.get(str(c.get("question") or ""), "")
                          or str(c.get("clause") or "").replace("#", ", ")}
                         for c in workflow.comments_of(stored)],
            "can_submit": current in (workflow.EDITING, workflow.RETURNED)
            and person is not None,
            "can_review": current == workflow.SUBMITTED and workflow.may_review(state)}


def _clause_comments(stored: Any) -> dict[str, list[dict[str, Any]]]:
    """The lawyer's comments on clauses, by the document they are in."""
    found: dict[str, list[dict[str, Any]]] = {}
    for comment in workflow.comments_of(stored):
        clause = str(comment.get("clause") or "")
        if "#" in clause:
            name, block = clause.split("#", 1)
            found.setdefault(name, []).append({**comment, "block": block})
    return found


def _answers(interview: Interview) -> list[dict[str, Any]]:
    """The review's answers under the page each is asked on, numbered as shown; a label
    that repeats on a page («Исходящий номер» of two letters) says its group."""
    items = {item.question_id: item for item in interview.review()}
    grouped, number = [], 0
    for section in interview.sections():
        layout = [(qid, group) for qid, group, _q in interview.layout(section.id,
                                                                        previews=False)
                  if qid in items]
        labels = [items[qid].label for qid, _group in layout]
        listed = []
        for qid, group in layout:
            number += 1
            label = items[qid].label
            if group and labels.count(label) > 1:
                label = f"{group}: {label[:1].lower()}{label[1:]}"
            listed.append(replace(items[qid], number=number, label=label))
        if listed:
            grouped.append({"section": section, "items": listed})
    return grouped


def _checked(state: State, stored: Any, stage: str,
             interview: Interview) -> dict[str, Any]:
    """The findings of `xbdocs check` and the unverified facts, from one render of the
    package: its findings are the review's (tests/test_doors_agree.py); answers with
    errors, which do not render, are reviewed on their own. Kept by what they come from
    (:attr:`State.reviews`): 50 of a review's 60 ms are this render."""
    text, cat, profile = state.answers_text(stored), catalogue.load(), state.profile()
    checked = state.reviews.get(state.review_key(text, stage, profile, cat),
                                lambda: _check(state, text, stage, profile), owner=cat)
    if "problems" in checked:
        return {"findings": _findings(checked["problems"], interview), "has_errors": True,
                "unverified": [], "clauses": []}
    findings = checked["findings"]
    return {"findings": _findings(findings, interview), "unverified": checked["unverified"],
            "has_errors": any(f.severity == ERROR for f in findings),
            "clauses": checked["clauses"]}


def _check(state: State, text: str, stage: str, profile: str | None) -> dict[str, Any]:
    """What :func:`_checked` shows, before the interview's numbering is put on it."""
    try:
        try:
            package = state.render_package(text, stage=stage, today=state.today,
                                            count_sheets=False, lang=i18n.current_language(),
                                            profile=profile)
            findings, unverified = package.findings, _unverified(package)
            clauses = workflow.clauses(package) if state.accounts is not None else []
            built = True
        except FindingsError:
            findings = state.review(text, stage=stage, today=state.today, profile=profile)
            unverified, clauses, built = [], [], False
    except InputError as exc:  # an interview not finished: what its answers lack
        return {"problems": list(exc.problems)}
    except XbdocsError as exc:  # answers that read but cannot be checked
        raise Page(422, i18n._("The package cannot be built"), exc.lines()) from None
    return {"findings": findings, "unverified": unverified, "clauses": clauses,
            "built": built}


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


def _file_routes(app: FastAPI, state: State) -> None:
    @app.get("/download/{draft_id}/{name}")
    def download(request: Request, draft_id: str, name: str) -> Response:
        """A file of the package, rendered as ``xbdocs build`` renders it (sheets counted),
        so the ZIP's documents are the build's byte for byte."""
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            stage = stage_of(request, stored)
            try:
                package = state.render_package(state.answers_text(stored), stage=stage,
                                                today=state.today,
                                                make_zip=name == "package.zip",
                                                lang=i18n.current_language())
            except XbdocsError as exc:
                raise Page(422, i18n._("The package cannot be built"), exc.lines()) from None
            if name not in package.files:
                raise Page(404, i18n._("Not found"), [i18n._("The package has no such file.")])
            media = _MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
            return Response(package.files[name], media_type=media, headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store"})

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        """The stylesheets and htmx: by name from a fixed list, never a path."""
        files = {"style.css": HERE / "static" / "style.css",
                 "htmx.min.js": HERE / "static" / "htmx.min.js",
                 "focus.js": HERE / "static" / "focus.js",
                 "preview.css": html_writer.STYLESHEET}
        if name not in files:
            return Response("Not found\n", status_code=404, media_type="text/plain")
        media = "text/css" if name.endswith(".css") else "text/javascript"
        return FileResponse(files[name], media_type=media)
