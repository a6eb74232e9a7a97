"""The interview in pages: one page per section of :data:`xbdocs.interview.flow.SECTIONS`,
driven by the interview engine (its questions, defaults, choices, checks and preview), so
the browser asks exactly what the terminal asks.

A page is a plain form: Next and Back submit it, save the draft and go on (an answer that is
refused keeps the page, with the error beside its field and in a summary at the top). With
HTMX, every changed field is saved at once (``/field/<question>``) and the agreement's
preview below the form refreshes. Every save names the draft's revision it was made from;
a save from a tab that is behind is refused with the newer answers shown.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from xbdocs import catalogue, i18n
from xbdocs.errors import XbdocsError
from xbdocs.interview.engine import Asked, Interview
from xbdocs.interview.flow import SECTION_BY_ID, SECTIONS, Invalid
from xbdocs.interview.store import Draft
from xbdocs.lang.kk import plain_letters
from xbdocs.model import ParallelDocument
from xbdocs.registry.models import CLERK
from xbdocs.stages import DEFAULT_STAGE, STAGES
from xbdocs.web import fields, workflow
from xbdocs.web.common import (
    Page,
    PageForm,
    ShortForm,
    State,
    check_csrf,
    current_person,
    language_of,
    not_found,
    revision_of,
)
from xbdocs.web.drafts import Conflict, Stored
from xbdocs.writer import html as html_writer

#: The notes of a draft that keep what was typed into fields that were refused.
RAW = "web.raw"


def add_routes(app: FastAPI, state: State) -> None:
    @app.post("/new")
    def new(request: Request, form: ShortForm) -> Response:
        with i18n.language(language_of(request)):
            check_csrf(request, form)
            stage = str(form.get("stage") or DEFAULT_STAGE)
            if stage not in STAGES:
                raise Page(400, i18n._("Bad request"), [i18n._("There is no such stage.")])
            interview = Interview.start(stage, i18n.current_language(), cat=catalogue.load(),
                                        today=state.today)
            person = current_person.get()
            stored = state.drafts.create(Draft.of(interview.session),
                                         i18n._("New agreement"),
                                         owner=person.username if person else "")
            state.audit(request, "draft-created", stored, None, {"stage": stage})
        return RedirectResponse(_page_url(stored.id, SECTIONS[0].id), status_code=303)

    @app.get("/draft/{draft_id}/page/{section_id}", response_class=HTMLResponse)
    def page(request: Request, draft_id: str, section_id: str) -> HTMLResponse:
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            _section(section_id)
            return _render(request, state, stored, section_id, {})

    @app.post("/draft/{draft_id}/page/{section_id}")
    def submit(request: Request, draft_id: str, section_id: str,
               form: PageForm) -> Response:
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            _section(section_id)
            check_csrf(request, form)
            try:
                saved, refused = _save(request, state, stored, section_id, form, None)
            except Conflict as exc:
                return _render(request, state, exc.newer, section_id, {}, conflict=True,
                               status=409)
            go = str(form.get("go") or "save")
            if go == "save":  # Enter in a field, a search without JavaScript: stay
                return _render(request, state, saved, section_id, refused, find=form,
                               saved=True)
            if refused and go != "back":
                return _render(request, state, saved, section_id, refused, status=422,
                               find=form)
            interview = state.interview(saved)
            target = _after(interview, section_id, go, str(form.get("return") or ""))
            if target is None:  # questions appeared on this page (a party by hand …)
                return _render(request, state, saved, section_id, {}, appeared=True)
            return RedirectResponse(target.replace("{id}", saved.id), status_code=303)

    @app.post("/draft/{draft_id}/page/{section_id}/field/{question_id}")
    def field(request: Request, draft_id: str, section_id: str, question_id: str,
              form: PageForm) -> Response:
        """HTMX: one changed field saved at once; the field again (with its error), or the
        whole form when what the page asks has changed with it."""
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            section = _section(section_id)
            if question_id not in section.questions:
                raise not_found(i18n._("There is no such question."))
            check_csrf(request, form)
            # What the page asks, with what each question offers: the answer may change
            # another's offer (the Russian post, the Kazakh post offered beside it).
            before = {q.id: q.default for q in state.interview(stored).page(
                section_id, previews=False)}
            try:
                saved, refused = _save(request, state, stored, section_id, form,
                                       question_id)
            except Conflict as exc:
                return _fragment(request, state, exc.newer, section_id, {}, conflict=True)
            interview = state.interview(saved)
            layout = interview.layout(section_id, previews=False)
            one = next((q for qid, _group, q in layout if qid == question_id), None)
            if one is None:  # the answer took its own question away: the page again
                return _fragment(request, state, saved, section_id, refused)
            # What else the answer changed: questions that now apply or no longer do, the
            # preview of the same party, which reads its answers, and an unanswered field
            # whose offer changed with it; every other field is left as it is, so nothing
            # typed meanwhile is lost.
            side = question_id.split("-")[0]
            answered = set(interview.answered)
            slots = [(qid, interview.question(qid) if q is not None and q.kind == "preview"
                      else q) for qid, _group, q in layout if qid != question_id and (
                (q is not None) != (qid in before)
                or (q is not None and q.kind == "preview" and qid.startswith(side))
                or (q is not None and qid not in answered and q.default != before[qid]))]
            text = state.render(request, "_field_saved.html", {
                "q": one, "draft": saved, "section_id": section_id, "errors": refused,
                "raw": _raw(saved), "slots": slots,
                **_field_context(interview, [q for _i, _g, q in layout if q], None,
                                 saved)})
            return State.cookies(request, HTMLResponse(text, headers={
                "HX-Trigger": "xbdocs-saved"}))

    @app.get("/draft/{draft_id}/page/{section_id}/part/{question_id}",
             response_class=HTMLResponse)
    def part(request: Request, draft_id: str, section_id: str,
             question_id: str) -> HTMLResponse:
        """HTMX: one field again — its choices narrowed to what its search box says, or a
        preview as the answers saved since make it."""
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            _section(section_id)
            interview = state.interview(stored)
            questions = interview.page(section_id)
            asked = next((q for q in questions if q.id == question_id), None)
            if asked is None:
                raise not_found(i18n._("There is no such question."))
            context = _field_context(interview, questions, request.query_params, stored)
            text = state.render(request, "_field.html", {
                "q": asked, "raw": _raw(stored), "draft": stored, "section_id": section_id,
                "errors": {}, **context})
            return State.cookies(request, HTMLResponse(text))

    @app.get("/draft/{draft_id}/live", response_class=HTMLResponse)
    def live(request: Request, draft_id: str) -> HTMLResponse:
        """The agreement as the answers so far make it, both languages side by side."""
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            text = state.render(request, "_live.html", _live(state, stored))
            return State.cookies(request, HTMLResponse(text, headers={
                "Cache-Control": "no-store"}))

    @app.post("/draft/{draft_id}/delete")
    def delete(request: Request, draft_id: str, form: ShortForm) -> Response:
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            check_csrf(request, form)
            state.drafts.delete(stored.id)
            state.audit(request, "draft-deleted", stored, {"title": stored.title}, None)
        return RedirectResponse("/", status_code=303)


def _page_url(draft_id: str, section_id: str) -> str:
    return f"/draft/{draft_id}/page/{section_id}"


def _section(section_id: str) -> Any:
    if section_id not in SECTION_BY_ID:
        raise not_found(i18n._("There is no such page of the interview."))
    return SECTION_BY_ID[section_id]


def _raw(stored: Stored) -> dict[str, str]:
    raw = stored.draft.notes.get(RAW)
    return raw if isinstance(raw, dict) else {}


def _save(request: Request, state: State, stored: Stored, section_id: str, form: Any,
          only: str | None) -> tuple[Stored, dict[str, str]]:
    """Take a page's fields (or the one field ``only``) into the draft and save it from
    the revision the page was made from; the refused answers' messages by question."""
    interview = state.interview(stored)
    given: dict[str, Any] = {}
    raw = dict(_raw(stored))
    if section_id == SECTIONS[0].id and only is None and form.get("stage") in STAGES:
        interview.set_stage(str(form.get("stage")))
    for asked in interview.page(section_id, previews=False):
        if only is not None and asked.id != only:
            continue
        if only is None or asked.id == only:
            given[asked.id] = fields.value_of(asked, form)
            raw.pop(fields.name(asked), None)
    refused = interview.submit(section_id, {q: v for q, v in given.items()
                                            if q not in _outside_scope(state, given)})
    refused.update(_outside_scope(state, given))
    for asked in interview.page(section_id, previews=False):
        if asked.id in refused:
            raw.update(fields.raw_of(asked, form))
    interview.session.notes[RAW] = raw
    if not raw:
        interview.session.notes.pop(RAW, None)
    draft = Draft.of(interview.session)
    changed = draft.values != stored.draft.values
    saved = state.drafts.save(stored, draft, revision_of(form),
                              keep_source=not changed, title=_title(interview, stored),
                              review=workflow.after_edit(stored.review) if changed
                              else None)
    old, new = _changes(stored.draft, draft)
    if old or new:
        state.audit(request, "answers-changed", saved, old, new)
    return saved, {qid: str(exc) for qid, exc in refused.items()}


def _outside_scope(state: State, given: dict[str, Any]) -> dict[str, Invalid]:
    """On the department server a clerk drafts only for their own municipalities: another
    Russian party is refused (its answer is not taken)."""
    person = current_person.get()
    chosen = given.get("russian-party")
    if state.accounts is None or person is None or person.role != CLERK or \
            not isinstance(chosen, str) or chosen in person.municipalities:
        return {}
    return {"russian-party": Invalid(i18n._(
        "you draft agreements for {yours} only; another district's are drafted by its own "
        "clerk").format(yours=", ".join(
            state.cat.parties[m].name.ru if m in state.cat.parties else m
            for m in person.municipalities)))}


def _changes(before: Draft, after: Draft) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answers a save changed, by key path: what they were and what they became."""
    old, new = _flat(before.values), _flat(after.values)
    if before.stage != after.stage:
        old["stage"], new["stage"] = before.stage, after.stage
    changed = sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))
    return ({key: old[key] for key in changed if key in old},
            {key: new[key] for key in changed if key in new})


def _flat(values: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(values, dict):
        return {prefix: values} if prefix else {}
    flat: dict[str, Any] = {}
    for key, value in values.items():
        flat.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _title(interview: Interview, stored: Stored) -> str:
    """How the start page lists a draft: its parties once they are chosen."""
    names = [item.shown for item in interview.review()
             if item.question_id in ("russian-party", "kazakh-party")]
    return " — ".join(names) if len(names) == 2 else stored.title


def _after(interview: Interview, section_id: str, go: str, back_to: str) -> str | None:
    """Where a page's button leads: the page before or after it that asks something,
    back to the review when the page was opened from there, or the review at the end;
    None to stay (the page asks more than it did)."""
    states = interview.sections()
    here = next(s for s in states if s.id == section_id)
    if go != "back" and not here.complete:
        return None
    if go == "back":
        earlier = [s for s in states if s.number < here.number and s.applies]
        return _page_url("{id}", earlier[-1].id) if earlier else "/"
    if back_to == "review" or go == "review":
        return "/review/{id}"
    later = [s for s in states if s.number > here.number and s.applies]
    return _page_url("{id}", later[0].id) if later else "/review/{id}"


def _field_context(interview: Interview, questions: list[Asked], query: Any,
                   stored: Stored) -> dict[str, Any]:
    """What the fields of a page need besides their question: the searches typed into
    the choice lists, which party is described by hand, the lawyer's comments."""
    comments: dict[str, list[dict[str, Any]]] = {}
    for comment in workflow.comments_of(stored):
        comments.setdefault(str(comment.get("question") or ""), []).append(comment)
    finds = {}
    for asked in questions:
        if asked.kind in ("party", "choice") and query is not None:
            wanted = query.get(f"find-{asked.id}")
            if isinstance(wanted, str) and wanted.strip():
                finds[asked.id] = wanted.strip()[:100]
    person = current_person.get()
    mine = set(person.municipalities) if person is not None and person.role == CLERK \
        else None

    def listed(asked: Asked, find: str | None, chosen: Any) -> list[tuple[str, str]]:
        """The choices; a clerk's Russian party among their own municipalities only."""
        found = _listed(asked, find, chosen)
        if mine is not None and asked.id == "russian-party":
            found = [c for c in found if c[0] in mine or c[0] == chosen]
        return found

    return {"finds": finds, "listed": listed, "comments": comments, "by_hand": {
        side: interview.described_by_hand(side) for side in ("russian", "kazakh")},
        "NOT_LISTED": fields.NOT_LISTED, "shown": fields.shown, "name": fields.name}


def _listed(asked: Asked, find: str | None, chosen: Any) -> list[tuple[str, str]]:
    """The choices that match a search («угл» finds Угловский, «акк» finds Аққулы: the
    search and the names compared with Kazakh letters folded), the chosen one always."""
    if not find:
        return asked.choices
    wanted = plain_letters(find)
    return [(value, label) for value, label in asked.choices
            if wanted in plain_letters(label) or value == chosen]


def _render(request: Request, state: State, stored: Stored, section_id: str,
            errors: dict[str, str], *, conflict: bool = False, appeared: bool = False,
            status: int = 200, find: Any = None, saved: bool = False) -> HTMLResponse:
    context = _context(request, state, stored, section_id, errors, conflict=conflict,
                       appeared=appeared, find=find)
    context["saved"] = saved
    return state.page(request, "interview.html", context, status)


def _context(request: Request, state: State, stored: Stored, section_id: str,
             errors: dict[str, str], *, conflict: bool = False, appeared: bool = False,
             find: Any = None) -> dict[str, Any]:
    interview = state.interview(stored)
    states = interview.sections()
    applying = [s for s in states if s.applies]
    here = next(s for s in states if s.id == section_id)
    step = next((n for n, s in enumerate(applying, 1) if s.id == section_id), None)
    layout = interview.layout(section_id)
    asked = [q for _qid, _group, q in layout if q is not None]
    groups_shown: dict[str, bool] = {}
    for _qid, group, question in layout:
        groups_shown[group] = groups_shown.get(group, False) or question is not None
    return {
        "layout": layout, "groups_shown": groups_shown,
        "draft": stored, "section": here, "section_id": section_id, "sections": states,
        "step": step, "steps": len(applying), "questions": asked, "errors": errors,
        "conflict": conflict, "appeared": appeared, "raw": _raw(stored),
        "stage": interview.stage, "first": section_id == SECTIONS[0].id,
        "back_to": request.query_params.get("return") or (
            find.get("return") if find is not None else "") or "",
        "state_label": workflow.STATE_LABELS[workflow.state_of(stored)]
        if state.accounts is not None else None,
        **_field_context(interview, asked, find, stored)}


def _fragment(request: Request, state: State, stored: Stored, section_id: str,
              errors: dict[str, str], *, conflict: bool = False,
              headers: dict[str, str] | None = None) -> HTMLResponse:
    """The page's form alone, for HTMX to put in place of the one shown."""
    context = _context(request, state, stored, section_id, errors, conflict=conflict)
    out = HTMLResponse(state.render(request, "_form.html", context), headers={
        **(headers or {}), "HX-Retarget": "#page-form", "HX-Reswap": "outerHTML"})
    return State.cookies(request, out)


def _live(state: State, stored: Stored) -> dict[str, Any]:
    """The agreement of the answers so far, or what it still lacks."""
    try:
        package = state.render_package(state.answers_text(stored), stage="agreement",
                                        today=state.today, count_sheets=False,
                                        lang=i18n.current_language())
    except XbdocsError:
        return {"html": None}
    name, model = next(iter(package.models.items()))
    writer = (html_writer.html_parallel if isinstance(model, ParallelDocument)
              else html_writer.html)
    return {"html": Markup(writer(model, ids="live", heading_level=3,
                                  notes_heading=i18n._("Notes"))), "name": name}
