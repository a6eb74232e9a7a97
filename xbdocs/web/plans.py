"""An agreement's plan of joint events in the browser (issue 22, item 4): kept in the
register (:mod:`xbdocs.registry.plans`), edited in a form — the plan's header and each event
as inputs, an event added or removed — and checked on saving by the plan file's own reader
(:func:`xbdocs.plans.loads`: the same model, the same messages as ``xbdocs plan``), each
problem shown beside the input of the event at fault; built into the plan's ZIP and
downloaded as the plan file (YAML) to edit and upload again.

The form's inputs are named by the plan file's key paths (``years.first``,
``events.2.when``); which inputs there are, their labels and hints are read off the models
(:func:`xbdocs.plans.form_fields`), never listed here. Scoped as the agreement's page: a
person who may not see the agreement gets «not found»."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from xbdocs import i18n, plans
from xbdocs.errors import InputError, StalePlan, XbdocsError
from xbdocs.registry.models import Agreement
from xbdocs.registry.plans import KeptPlan, Plans
from xbdocs.web.common import (
    Page,
    State,
    address_of,
    check_csrf,
    current_person,
    form_of,
    language_of,
    revision_of,
)
from xbdocs.yamlread import dumped

HEADER = plans.form_fields(plans.Plan, skip=plans.FORM_SKIP)
EVENT = plans.form_fields(plans.Event)
#: At most as many events as a plan file may hold; a form's inputs for them, and a few more.
MAX_EVENTS = 500
MAX_FIELDS = len(HEADER) + MAX_EVENTS * len(EVENT) + 8
#: The plan's form, read before its route runs in the thread pool.
PlanForm = Annotated[FormData, form_of(MAX_FIELDS)]
_EVENT_KEY = re.compile(r"events\.(\d{1,3})\.")
Entry = Callable[[State, str], Agreement]
Place = Callable[[State, Agreement], tuple[str, str]]


def add_routes(app: FastAPI, state: State, entry_of: Entry, place_of: Place) -> None:
    """The plan's pages, for the register's ``add_routes`` (``entry_of`` scopes an
    agreement as its page does; ``place_of`` gives its municipality for the audit)."""
    kept = Plans(state.accounts.register)  # type: ignore[union-attr]

    @app.get("/register/{agreement_id}/plan/edit", response_class=HTMLResponse)
    def edit(request: Request, agreement_id: str) -> HTMLResponse:
        with i18n.language(language_of(request)):
            entry = entry_of(state, agreement_id)
            plan = kept.get(entry.id)
            header, events = _stored_values(plan, state)
            return _page(request, state, entry, plan, header, events,
                         saved=request.query_params.get("saved") == "1" and plan is not None)

    @app.post("/register/{agreement_id}/plan/edit", response_class=HTMLResponse)
    def save(request: Request, agreement_id: str, form: PlanForm) -> Response:
        with i18n.language(language_of(request)):
            entry = entry_of(state, agreement_id)
            check_csrf(request, form)
            header, events = _typed(form)
            action = str(form.get("action") or "save")
            plan = kept.get(entry.id)
            revision = revision_of(form)
            if action == "add" and len(events) < MAX_EVENTS:
                events.append({})
                return _page(request, state, entry, plan, header, events, revision=revision,
                             focus=len(events))
            if action.startswith("remove-") and action[7:].isdigit():
                number = int(action[7:])
                if 1 <= number <= len(events):
                    del events[number - 1]
                return _page(request, state, entry, plan, header, events, revision=revision)
            return _save(request, state, kept, place_of, entry, plan, header, events,
                         revision)

    @app.get("/register/{agreement_id}/plan.yaml")
    def plan_file(request: Request, agreement_id: str) -> Response:
        with i18n.language(language_of(request)):
            entry = entry_of(state, agreement_id)
            plan = _kept_or_404(kept, entry)
            return Response(plan.text.encode(), media_type="application/yaml; charset=utf-8",
                            headers={"Content-Disposition":
                                     f'attachment; filename="plan-{entry.id}.yaml"',
                                     "Cache-Control": "no-store"})

    @app.get("/register/{agreement_id}/plan.zip")
    def plan_zip(request: Request, agreement_id: str) -> Response:
        with i18n.language(language_of(request)):
            entry = entry_of(state, agreement_id)
            plan = _kept_or_404(kept, entry)
            try:
                return built(entry, plan.text, f"plan-{entry.id}.yaml", state)
            except XbdocsError as exc:
                raise Page(422, i18n._("The plan cannot be built"), exc.lines()) from None


def built(entry: Agreement, text: str, name: str, state: State) -> Response:
    """The plan ``text`` (a plan file's) built for the agreement: its documents as a ZIP
    to download. Raises the plan's or the agreement's problems."""
    from xbdocs.answers import from_data

    plan, digest = plans.loads(text, name)
    answers = from_data(entry.answers, f"register № {entry.id}")
    files = plans.render_plan(plan, answers, name, digest, state.today)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file_name, content in files.items():
            archive.writestr(file_name, content)
    return Response(buffer.getvalue(), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="plan-{entry.id}.zip"',
        "Cache-Control": "no-store"})


def keep_upload(state: State, request: Request, entry: Agreement, text: str,
                place: str, revision: int | None) -> KeptPlan:
    """An uploaded plan file (read by :func:`xbdocs.plans.loads` already) kept as the
    agreement's plan, as it was written, to be edited in the form later."""
    person = current_person.get()
    return Plans(state.accounts.register).save(  # type: ignore[union-attr]
        entry.id, text, revision, by=person.username if person else "?",
        address=address_of(request), municipality=place, action="plan-uploaded")


def _kept_or_404(kept: Plans, entry: Agreement) -> KeptPlan:
    plan = kept.get(entry.id)
    if plan is None:
        raise Page(404, i18n._("Not found"), [i18n._("The agreement has no plan yet.")])
    return plan


def _stored_values(plan: KeptPlan | None,
                   state: State) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The form's inputs for the plan kept (read as a file is read, valid or not); for no
    plan, the years after this one and one empty event."""
    if plan is None:
        first = state.today.year + 1
        return {"years.first": str(first), "years.last": str(first + 1)}, [{}]
    from xbdocs.yamlread import load_yaml

    try:
        data, _lines = load_yaml(plan.text, "plan")
    except XbdocsError:
        data = {}
    header, events = plans.form_values(data)
    return header, events or [{}]


def _typed(form: Any) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The form's inputs as typed: the header's, and each event's in the order of their
    numbers in the form (at most :data:`MAX_EVENTS`)."""
    header = {f.path: _text(form.get(f.path)) for f in HEADER}
    numbers = sorted({int(m.group(1)) for key in form if (m := _EVENT_KEY.match(key))})
    events = [{f.path: _text(form.get(f"events.{n}.{f.path}")) for f in EVENT}
              for n in numbers[:MAX_EVENTS]]
    return header, events


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _save(request: Request, state: State, kept: Plans, place_of: Place, entry: Agreement,
          plan: KeptPlan | None, header: dict[str, str], events: list[dict[str, str]],
          revision: int) -> Response:
    """Check the whole plan with the plan file's reader and keep it, or show the form
    again as typed: its problems beside their inputs, or the plan changed meanwhile."""
    text = dumped(plans.form_data(header, events, entry.id))
    try:
        plans.loads(text, f"plan-{entry.id}.yaml")
    except InputError as exc:
        errors, summary = _placed(exc)
        return _page(request, state, entry, plan, header, events, revision=revision,
                     errors=errors, summary=summary, status=422)
    person = current_person.get()
    try:
        kept.save(entry.id, text, revision, by=person.username if person else "?",
                  address=address_of(request), municipality=place_of(state, entry)[0])
    except StalePlan:
        now = kept.get(entry.id)
        return _page(request, state, entry, now, header, events,
                     revision=now.revision if now else 0, stale=True, status=409)
    return RedirectResponse(f"/register/{entry.id}/plan/edit?saved=1", status_code=303)


def _placed(exc: InputError) -> tuple[dict[str, list[str]], list[str]]:
    """Each problem of the plan beside its input (``events[1].when`` → ``events.1.when``;
    one about a section, beside its first input), and all of them in the summary, each
    naming its event and input in words."""
    inputs = [f.path for f in HEADER]
    errors: dict[str, list[str]] = {}
    summary: list[str] = []
    for found in exc.problems:
        path = re.sub(r"\[(\d+)\]", r".\1", found.path)
        message = str(found.message)
        event = re.match(r"events\.(\d+)(?:\.(.*))?$", path)
        if event:
            number, inner = int(event.group(1)), event.group(2) or ""
            field = next((f for f in EVENT if not inner or f.path == inner
                          or f.path.startswith(inner + ".")), None)
            key = f"events.{number}.{field.path}" if field else ""
            summary.append(i18n._("Event {number}, {field}: {message}").format(
                number=number + 1, field=_label(field) if field else "", message=message))
        else:
            key = next((p for p in inputs if p == path or p.startswith(path + ".")), "") \
                if path else ""
            field = next((f for f in HEADER if f.path == key), None)
            summary.append(f"{_label(field)}: {message}" if field else message)
        if key:
            errors.setdefault(key, []).append(message)
    return errors, summary


def _label(field: plans.FormField) -> str:
    words = i18n._(field.title)
    if field.section:
        words = f"{i18n._(field.section)}, {words}"
    return f"{words}, {i18n._(field.part)}" if field.part else words


def _page(request: Request, state: State, entry: Agreement, plan: KeptPlan | None,
          header: dict[str, str], events: list[dict[str, str]], *, revision: int | None = None,
          errors: dict[str, list[str]] | None = None, summary: list[str] | None = None,
          stale: bool = False, saved: bool = False, focus: int | None = None,
          status: int = 200) -> HTMLResponse:
    lang = i18n.current_language() if i18n.current_language() in ("ru", "kk") else "ru"
    sections: dict[str, list[plans.FormField]] = {}
    for field in HEADER:
        sections.setdefault(field.section, []).append(field)
    return state.page(request, "plan.html", {
        "entry": {"id": entry.id, "title": entry.title},
        "plan": plan, "at": plan.at.strftime("%d.%m.%Y %H:%M") if plan else "",
        "revision": revision if revision is not None else plan.revision if plan else 0,
        "sections": sections, "event_fields": EVENT, "label": _label,
        "header": header, "events": events, "errors": errors or {},
        "summary": summary or [], "stale": stale, "saved": saved, "focus": focus,
        "areas": [(code, area.label[lang]) for code, area in state.cat.areas.items()]},
        status)
