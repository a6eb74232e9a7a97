"""The lawyer's review of a clerk's draft on the department server (issue 22): the clerk
sends it «на проверку»; the lawyer of the region comments on answers (or on the draft as a
whole) and returns it, or accepts it — which records the agreement in the register, where
the lawyer then moves it through approval to registration (:mod:`xbdocs.web.register`).
The clerk sees each comment beside its question. Every state and comment is kept (in the
draft, and in the audit trail).

A draft's ``review``: ``state`` (editing · submitted · returned · accepted), ``comments``
(each with who, when, the question or "", the text), ``agreement`` (the register entry once
accepted). An answer changed after sending or acceptance sets it back to editing: the
lawyer reviews what is there, never an older text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from xbdocs import i18n
from xbdocs.errors import XbdocsError
from xbdocs.interview.flow import BY_ID
from xbdocs.registry.models import ADMIN, LAWYER
from xbdocs.web.common import (
    Page,
    ShortForm,
    State,
    check_csrf,
    current_person,
    language_of,
    revision_of,
)
from xbdocs.web.drafts import Conflict, Stored

EDITING, SUBMITTED, RETURNED, ACCEPTED = "editing", "submitted", "returned", "accepted"
STATE_LABELS = {EDITING: i18n.N_("being drafted"), SUBMITTED: i18n.N_("sent for review"),
                RETURNED: i18n.N_("returned with comments"),
                ACCEPTED: i18n.N_("accepted by the lawyer")}
MAX_COMMENT = 4000
MAX_COMMENTS = 500


def state_of(stored: Stored) -> str:
    state = stored.review.get("state")
    return state if state in STATE_LABELS else EDITING


def comments_of(stored: Stored) -> list[dict[str, Any]]:
    comments = stored.review.get("comments")
    return [c for c in comments if isinstance(c, dict)] if isinstance(comments, list) else []


def after_edit(review: dict) -> dict:
    """The review of a draft whose answers a save changed: back to editing if it was sent
    or accepted (the comments stay)."""
    if review.get("state") in (SUBMITTED, ACCEPTED):
        return {**review, "state": EDITING}
    return review


def may_review(state: State) -> bool:
    person = current_person.get()
    return state.accounts is not None and person is not None and person.role in (LAWYER,
                                                                                 ADMIN)


def add_routes(app: FastAPI, state: State) -> None:
    if state.accounts is None:
        return

    @app.post("/draft/{draft_id}/submit")
    def submit(request: Request, draft_id: str, form: ShortForm) -> Response:
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            check_csrf(request, form)
            _move(request, state, stored, revision_of(form), SUBMITTED, "draft-submitted")
        return RedirectResponse(f"/review/{draft_id}", status_code=303)

    @app.post("/draft/{draft_id}/verdict")
    def verdict(request: Request, draft_id: str, form: ShortForm) -> Response:
        """The lawyer's comment, return or acceptance."""
        with i18n.language(language_of(request)):
            stored = state.stored(draft_id)
            check_csrf(request, form)
            if not may_review(state):
                raise Page(403, i18n._("Forbidden"), [i18n._(
                    "Only a lawyer of the region reviews drafts.")])
            revision = revision_of(form)
            commented = _comment(request, state, stored, form, revision)
            if commented is not None:  # the comment's save checked the page's revision
                stored, revision = commented, commented.revision
            action = str(form.get("action") or "comment")
            if action in ("return", "accept") and state_of(stored) != SUBMITTED:
                # The page offers a verdict only then; a request made otherwise is refused.
                raise Page(409, i18n._("The draft is not sent for review"), [i18n._(
                    "Only a draft its clerk has sent for review is returned or accepted.")])
            if action == "return":
                _move(request, state, stored, revision, RETURNED, "draft-returned")
            elif action == "accept":
                _accept(request, state, stored, revision)
        return RedirectResponse(f"/review/{draft_id}", status_code=303)


def _save_review(state: State, stored: Stored, revision: int, review: dict) -> Stored:
    """Keep the draft's review (its answers as they are) from the revision the page was
    made from; a page behind the draft gets a 409 page."""
    try:
        return state.drafts.save(stored, stored.draft, revision, keep_source=True,
                                 review=review)
    except Conflict:
        raise _behind() from None


def _behind() -> Page:
    """The 409 page of a verdict made from a page older than the draft."""
    return Page(409, i18n._("The draft was changed in another tab"), [i18n._(
        "Open the review again: it shows the newer answers.")])


def _move(request: Request, state: State, stored: Stored, revision: int, to: str,
          action: str, extra: dict | None = None) -> Stored:
    old = state_of(stored)
    review = {**stored.review, "state": to, **(extra or {})}
    saved = _save_review(state, stored, revision, review)
    state.audit(request, action, saved, {"state": old}, {"state": to, **(extra or {})})
    return saved


def _comment(request: Request, state: State, stored: Stored, form: Any,
             revision: int) -> Stored | None:
    """Keep the lawyer's comment (if any) on a question or on the draft as a whole; the
    draft as saved with it, None when there was none."""
    text = str(form.get("comment") or "").strip().replace("\r\n", "\n")
    question, clause = _about(form)
    if not text:
        return None
    if len(text) > MAX_COMMENT:
        raise Page(422, i18n._("The comment is too long"), [i18n._(
            "A comment is at most {limit} characters.").format(limit=MAX_COMMENT)])
    comments = comments_of(stored)
    if len(comments) >= MAX_COMMENTS:
        raise Page(422, i18n._("Too many comments"), [i18n._(
            "A draft keeps at most {limit} comments.").format(limit=MAX_COMMENTS)])
    person = current_person.get()
    comment = {"by": person.username if person else "?",
               "at": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
               "question": question, "clause": clause, "text": text}
    review = {**stored.review, "comments": [*comments, comment]}
    saved = _save_review(state, stored, revision, review)
    state.audit(request, "comment-added", saved, None, comment)
    return saved


#: A clause of a document a comment is about: «agreement.ru.docx#subject.main».
CLAUSE = re.compile(r"[a-z0-9][a-z0-9.-]{0,59}\.docx#[A-Za-z0-9_.:-]{1,80}")


def _about(form: Any) -> tuple[str, str]:
    """What a comment is about: a question (``q:<id>``, or the older ``question`` field),
    a clause of a document (``c:<file>#<block>``), or the draft as a whole."""
    about = str(form.get("about") or "")
    if about.startswith("q:"):
        about, question = "", about[2:]
    else:
        question = str(form.get("question") or "")
    clause = about[2:] if about.startswith("c:") else ""
    if clause and not CLAUSE.fullmatch(clause):
        raise Page(400, i18n._("Bad request"), [i18n._("There is no such clause.")])
    if question and question not in BY_ID:
        raise Page(400, i18n._("Bad request"), [i18n._("There is no such question.")])
    return question, clause


def clauses(package: Any) -> list[dict[str, Any]]:
    """The clauses a lawyer may comment on: each document's numbered or named blocks, as
    «agreement.ru.docx#subject.main» with what it begins with."""
    from xbdocs.model import Document

    found = []
    for name, model in package.models.items():
        if not isinstance(model, Document):
            continue
        items = [{"value": f"{name}#{block.id}",
                  "label": " ".join(block.text.split())[:70]}
                 for block in model.blocks if block.id and block.text.strip()]
        found.append({"document": package.titles.get(name, name), "file": name,
                      "items": items})
    return found


def _accept(request: Request, state: State, stored: Stored, revision: int) -> None:
    """Accept the draft: its answers become (a new version of) a register entry. Only
    answers whose package builds are accepted; the review the lawyer has just read says so
    when this worker keeps it (:meth:`State.builds`), else the package is rendered."""
    from xbdocs import answers as answers_module
    from xbdocs import catalogue
    from xbdocs import profile as profile_module

    if stored.revision != revision:  # before the register: nothing recorded for a page
        raise _behind()              # older than the answers (the save checks it again)
    text, stage, profile = state.answers_text(stored), stored.draft.stage, state.profile()
    try:
        answers = answers_module.loads(text, "built-from.yaml")
        if not state.builds(text, stage, profile, catalogue.load()):
            state.render_package(text, stage=stage, today=state.today, count_sheets=False,
                                 lang=i18n.current_language(), profile=profile)
        person = current_person.get()
        added = state.accounts.register.add_answers(  # type: ignore[union-attr]
            answers, f"xbdocs serve: {stored.id}", profile_module.load(profile).id,
            by=person.username if person else None)
    except XbdocsError as exc:
        raise Page(422, i18n._("The draft cannot be accepted"), exc.lines()) from None
    _move(request, state, stored, revision, ACCEPTED, "draft-accepted",
          {"agreement": added.entry.id})
