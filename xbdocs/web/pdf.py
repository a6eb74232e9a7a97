"""PDFs of a package as a background job: the preview's «Make PDFs» queues a conversion
(:class:`xbdocs.web.jobs.PdfJobs`, one at a time, LibreOffice with its own profile and a
timeout) and the status page follows it — refreshed by HTMX every second, or by a link
without JavaScript — while every other page stays usable. The job is found by its id (from
the documents' content) under the draft it was made for, so a PDF is only reached through a
draft that exists."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xbdocs import i18n
from xbdocs.errors import XbdocsError
from xbdocs.web.common import (
    Page,
    ShortForm,
    State,
    check_csrf,
    language_of,
    not_found,
    stage_of,
)
from xbdocs.web.jobs import PdfJobs


def add_routes(app: FastAPI, state: State, jobs: PdfJobs) -> None:
    @app.post("/pdf/{draft_id}")
    def make(request: Request, draft_id: str, form: ShortForm) -> Response:
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            check_csrf(request, form)
            stage = stage_of(request, stored)
            try:
                package = state.render_package(state.answers_text(stored), stage=stage,
                                                today=state.today,
                                                lang=i18n.current_language())
            except XbdocsError as exc:
                raise Page(422, i18n._("The package cannot be built"), exc.lines()) from None
            job = jobs.submit(package.files)
        return RedirectResponse(f"/pdf/{draft_id}/{job}?stage={stage}", status_code=303)

    @app.get("/pdf/{draft_id}/{job_id}", response_class=HTMLResponse)
    def progress(request: Request, draft_id: str, job_id: str) -> HTMLResponse:
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            status = jobs.status(job_id)
            if status is None:
                raise not_found(i18n._("There is no such conversion."))
            context: dict[str, Any] = {"draft": stored, "job": job_id, "status": status,
                                       "stage": stage_of(request, stored)}
            if request.headers.get("hx-request") == "true":
                text = state.render(request, "_pdf_status.html", context)
                return State.cookies(request, HTMLResponse(text, headers={
                    "Cache-Control": "no-store"}))
            return state.page(request, "pdf.html", context,
                              headers={"Cache-Control": "no-store"})

    @app.get("/pdf/{draft_id}/{job_id}/{name}")
    def download(request: Request, draft_id: str, job_id: str, name: str) -> Response:
        with i18n.language(language_of(request)):
            state.stored(draft_id)
            data = jobs.result(job_id, name)
            if data is None:
                raise not_found(i18n._("There is no such file."))
            return Response(data, media_type="application/pdf", headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store"})
