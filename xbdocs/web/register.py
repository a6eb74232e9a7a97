"""The register in the browser (the department server; issue 22): the agreements a person
may see, with filters; an agreement's page — its history, versions and amendments, the
package of its answers to download, and (for a lawyer of its region) the next step of the
procedure, moved by the register's own rules (:meth:`xbdocs.registry.store.Register.move`,
which refuses what the law's procedure does not allow); what falls due; the exports the
``registry export`` command writes.

Every agreement is scoped as a draft is: a clerk sees their municipalities', a lawyer
their region's, an admin all; anything else is «not found», whatever its number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xbdocs import i18n
from xbdocs.errors import XbdocsError, printable
from xbdocs.registry import due, export, procedure, statuses
from xbdocs.registry.models import ADMIN, LAWYER, Agreement
from xbdocs.web.common import (
    Page,
    ShortForm,
    State,
    address_of,
    check_csrf,
    current_person,
    language_of,
    not_found,
)

_FORMATS = {"csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "ics": "text/calendar; charset=utf-8"}


def _place(state: State, entry: Agreement) -> tuple[str, str]:
    answers = entry.answers if isinstance(entry.answers, dict) else {}
    parties = answers.get("parties") if isinstance(answers.get("parties"), dict) else {}
    russian = parties.get("russian") if isinstance(parties.get("russian"), dict) else {}
    municipality = russian.get("catalogue") if isinstance(russian.get("catalogue"),
                                                          str) else ""
    party = state.cat.parties.get(municipality or "")
    region = party.region if party else russian.get("region")
    return municipality or "", region if isinstance(region, str) else ""


def _visible(state: State, entries: list[Agreement]) -> list[Agreement]:
    person = current_person.get()
    if person is None:
        return []
    return [e for e in entries if person.may_see(*_place(state, e))]


def _entry(state: State, agreement_id: str) -> Agreement:
    if not agreement_id.isdigit() or len(agreement_id) > 9:
        raise not_found(i18n._("There is no such agreement."))
    register = state.accounts.register  # type: ignore[union-attr]
    try:
        entry = register.get(int(agreement_id))
    except XbdocsError:
        raise not_found(i18n._("There is no such agreement.")) from None
    if not _visible(state, [entry]):
        raise not_found(i18n._("There is no such agreement."))
    return entry


def _may_move() -> bool:
    person = current_person.get()
    return person is not None and person.role in (LAWYER, ADMIN)


def _row(entry: Agreement) -> dict[str, Any]:
    return {"id": entry.id, "title": entry.title, "russian": entry.russian_party,
            "kazakh": entry.kazakh_party, "status": str(statuses.shown(entry.status)),
            "status_on": entry.status_on.strftime("%d.%m.%Y") if isinstance(
                entry.status_on, dt.date) else ""}


def add_routes(app: FastAPI, state: State) -> None:
    if state.accounts is None:
        return
    register = state.accounts.register
    from xbdocs.web import plans as plan_pages

    plan_pages.add_routes(app, state, _entry, _place)

    @app.get("/register", response_class=HTMLResponse)
    def listing(request: Request) -> Response:
        with i18n.language(language_of(request)):
            entries = _visible(state, register.all())
            wanted = request.query_params.get("status", "")
            district = request.query_params.get("district", "")
            within = request.query_params.get("within", "")
            if wanted:
                entries = [e for e in entries if e.status == wanted]
            if district:
                entries = [e for e in entries if _place(state, e)[0] == district]
            if within.isdigit() and len(within) <= 4:
                soon = {r.agreement for r in due.within(entries, state.today, int(within))}
                entries = [e for e in entries if e.id in soon]
            kind = request.query_params.get("format", "")
            if kind in _FORMATS:
                return _export(entries, kind, state.today)
            districts = sorted({_place(state, e)[0] for e in _visible(state, register.all())}
                               - {""})
            return state.page(request, "register.html", {
                "rows": [_row(e) for e in entries],
                "statuses": [(s, str(statuses.shown(s))) for s in statuses.STATUSES],
                "districts": [(d, state.cat.parties[d].name.ru if d in state.cat.parties
                               else d) for d in districts],
                "chosen": {"status": wanted, "district": district, "within": within}})

    @app.get("/register/due", response_class=HTMLResponse)
    def due_page(request: Request) -> HTMLResponse:
        with i18n.language(language_of(request)):
            within = request.query_params.get("within", "90")
            days = int(within) if within.isdigit() and len(within) <= 4 else 90
            items = due.within(_visible(state, register.all()), state.today, days)
            return state.page(request, "due.html", {"days": days, "items": [
                {"agreement": r.agreement, "title": r.title, "what": r.what,
                 "date": r.date.strftime("%d.%m.%Y"), "left": r.days_left(state.today),
                 "verified": r.verified} for r in items]})

    @app.get("/register/{agreement_id}", response_class=HTMLResponse)
    def entry_page(request: Request, agreement_id: str) -> HTMLResponse:
        with i18n.language(language_of(request)):
            entry = _entry(state, agreement_id)
            return state.page(request, "agreement.html", _details(entry, state))

    @app.post("/register/{agreement_id}/move")
    def move(request: Request, agreement_id: str, form: ShortForm) -> Response:
        with i18n.language(language_of(request)):
            entry = _entry(state, agreement_id)
            check_csrf(request, form)
            if not _may_move():
                raise Page(403, i18n._("Forbidden"), [i18n._(
                    "Only a lawyer of the region moves an agreement's status.")])
            person = current_person.get()
            try:
                on = _date(str(form.get("on") or ""))
                moved = register.move(entry.id, str(form.get("status") or ""), on,
                                      str(form.get("number") or ""),
                                      str(form.get("note") or ""),
                                      by=person.username if person else None,
                                      today=state.today)
            except (XbdocsError, ValueError) as exc:
                context = _details(entry, state)
                context["error"] = str(exc)
                return state.page(request, "agreement.html", context, 422)
            with register.session() as session:
                state.accounts.record(  # type: ignore[union-attr]
                    session, person.username if person else "?", address_of(request),
                    "status-moved", "agreement", str(entry.id), _place(state, entry)[0],
                    {"status": entry.status}, {"status": moved.status,
                                               "on": str(form.get("on") or ""),
                                               "number": str(form.get("number") or "")})
        return RedirectResponse(f"/register/{entry.id}", status_code=303)

    @app.post("/register/{agreement_id}/plan")
    async def plan(request: Request, agreement_id: str) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.datastructures import UploadFile

        from xbdocs.inputs import MAX_TEXT_BYTES

        with i18n.language(language_of(request)):
            form = await request.form(max_files=1, max_fields=4)
            upload = form.get("plan")
            sent = None
            if isinstance(upload, UploadFile) and upload.filename:
                sent = (upload.filename, await upload.read(MAX_TEXT_BYTES + 1))
            # The rest (the register, the plan's reader, the build) in the thread pool: the
            # worker's other requests go on meanwhile.
            return await run_in_threadpool(_plan, request, state, agreement_id, form, sent)

    @app.get("/register/{agreement_id}/package.zip")
    def package(request: Request, agreement_id: str) -> Response:
        from xbdocs.answers import as_text

        with i18n.language(language_of(request)):
            entry = _entry(state, agreement_id)
            built, refused = None, None
            for stage in ("all", "registration", "approval", "agreement"):  # the widest
                try:
                    built = state.render_package(as_text(entry.answers), stage=stage,
                                                  today=state.today, make_zip=True,
                                                  lang=i18n.current_language())
                    break
                except XbdocsError as exc:
                    refused = refused or exc
            if built is None:
                raise Page(422, i18n._("The package cannot be built"),
                           refused.lines() if refused else [])
            return Response(built.files["package.zip"], media_type="application/zip",
                            headers={"Content-Disposition":
                                     f'attachment; filename="agreement-{entry.id}.zip"',
                                     "Cache-Control": "no-store"})


def _plan(request: Request, state: State, agreement_id: str, form: Any,
          sent: tuple[str, bytes] | None) -> Response:
    """A plan of joint events uploaded for an agreement (``sent``: its file's name and
    bytes): read by the plan file's own reader and limits, kept as the agreement's plan (to
    be edited in the plan's form), built with the agreement's answers and sent back as a ZIP
    of its documents; its problems, with their lines, on the agreement's page otherwise."""
    from xbdocs import plans
    from xbdocs.errors import StalePlan
    from xbdocs.inputs import MAX_TEXT_BYTES
    from xbdocs.web import plans as plan_pages

    entry = _entry(state, agreement_id)
    check_csrf(request, form)
    problems: list[str] = []
    status = 422
    if sent is None:
        problems = [i18n._("Choose a plan file (YAML) to upload.")]
    else:
        filename, data = sent
        name = printable(filename.replace("\\", "/").rsplit("/", 1)[-1], 120)
        try:
            if len(data) > MAX_TEXT_BYTES:
                raise ValueError(i18n._("A plan file is at most {limit} bytes.").format(
                    limit=MAX_TEXT_BYTES))
            text = data.decode("utf-8-sig")
            plans.loads(text, name)
            revision = str(form.get("revision") or "")
            plan_pages.keep_upload(state, request, entry, text, _place(state, entry)[0],
                                   int(revision) if revision.isdigit() and len(revision) < 10
                                   else None)
            response = plan_pages.built(entry, text, name, state)
        except UnicodeDecodeError:
            problems = [i18n._("{name}: not UTF-8 text; save it as UTF-8").format(name=name)]
        except StalePlan:
            status, problems = 409, [i18n._(
                "The plan was changed by someone else meanwhile; nothing was saved. Open the "
                "plan to see it as it is now, and upload the file again to replace it.")]
        except XbdocsError as exc:
            problems = exc.lines()
        except ValueError as exc:
            problems = [str(exc)]
        else:
            return response
    context = _details(entry, state)
    context["plan_problems"] = problems
    return state.page(request, "agreement.html", context, status)


def _date(text: str) -> dt.date | None:
    from xbdocs.yamlread import parse_date

    return parse_date(text.strip()) if text.strip() else None


def _details(entry: Agreement, state: State) -> dict[str, Any]:
    steps = procedure.of(entry.profile, entry.track, entry.entry_into_force)
    history = [{"on": c.on.strftime("%d.%m.%Y") if isinstance(c.on, dt.date) else "",
                "status": str(statuses.shown(c.status)), "number": c.number, "note": c.note,
                "by": c.by, "kind": c.kind} for c in entry.history]
    return {"entry": _row(entry), "history": history,
            "versions": [{"number": v.number, "by": v.by,
                          "at": v.at.strftime("%d.%m.%Y") if v.at else ""}
                         for v in entry.versions],
            "amendments": [{"id": a.id, "title": a.title,
                            "status": str(statuses.shown(a.status))}
                           for a in entry.amendments],
            "amends": entry.amends_id,
            "moves": [(s, str(statuses.shown(s))) for s in steps.next_ones(entry.status)]
            if _may_move() else [],
            "due": [{"what": r.what, "date": r.date.strftime("%d.%m.%Y"),
                     "left": r.days_left(state.today)} for r in due.of(entry)],
            "error": None, "plan_problems": [], "plan": _kept_plan(entry, state)}


def _kept_plan(entry: Agreement, state: State) -> dict[str, Any] | None:
    from xbdocs.registry.plans import Plans

    plan = Plans(state.accounts.register).get(entry.id)  # type: ignore[union-attr]
    return {"revision": plan.revision, "by": plan.by,
            "at": plan.at.strftime("%d.%m.%Y %H:%M")} if plan else None


def _export(entries: list[Agreement], kind: str, today: dt.date) -> Response:
    """The register's own exports (``registry export``): a spreadsheet cell that would run
    as a formula is neutralised there (:func:`xbdocs.tables.safe_cell`)."""
    if kind == "csv":
        data = export.as_csv(entries)
    elif kind == "xlsx":
        data = export.as_xlsx(entries, today)
    elif kind == "docx":
        data = export.as_docx(entries, today)
    else:
        data = due.ics(due.within(entries, today, None),
                       dt.datetime.now(dt.UTC).replace(microsecond=0))
    return Response(data, media_type=_FORMATS[kind], headers={
        "Content-Disposition": f'attachment; filename="register.{kind}"',
        "Cache-Control": "no-store"})
