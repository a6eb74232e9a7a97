"""The rules a step of the register passes, and what a recorded step does to an entry.

A step is checked against the agreement's own procedure (:mod:`~xbdocs.registry.procedure`,
its profile's track) and against the calendar: no step dated after today — the register
records what has happened, a planned date stays in the answers —, none before the step
before it (so registration is not before filing, entry into force not before registration
or signing), expiry not before the term's end, and an end a notice set not before its day.
Every refusal says why in the user's language: the steps still missing, the date to respect.

An entry's columns (status, the dates of signing, registration and entry into force, the
approval, the end a notice set) are what its history says: :func:`replay` computes them
again from the rows that count (:func:`xbdocs.registry.models.effective`), which is how an
undo takes a step back without deleting it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xbdocs.errors import printable
from xbdocs.i18n import Message
from xbdocs.registry import due, statuses
from xbdocs.registry.due import date_of, planned_signing
from xbdocs.registry.models import NOTICE, Agreement, Change, effective, kind_of
from xbdocs.registry.procedure import REFUSALS, Procedure

#: How a notice ends an agreement (its kind), and the status it then reaches.
ENDS_AS = {"non-renewal": statuses.EXPIRED, "termination": statuses.TERMINATED}
#: The statuses reached only after signing: one recorded without a signing before it (an
#: import of what the papers show) was signed on the day the answers give.
_AFTER_SIGNING = (statuses.FILED, statuses.REGISTERED, statuses.IN_FORCE)


@dataclass(frozen=True)
class Step:
    """A step of the procedure as recorded: the status, its document's date and number."""

    status: str
    on: dt.date | None
    number: str = ""
    note: str = ""


class Labels(Message):
    """Statuses as a person reads them, joined by commas — translated when shown, as every
    message is (a :class:`~xbdocs.i18n.Message` whose text is the labels')."""

    __slots__ = ("items",)

    def __init__(self, items: list[str]) -> None:
        super().__init__(_NO_MSGID)
        self.items = tuple(items)

    def __str__(self) -> str:
        return ", ".join(statuses.label(status) for status in self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Labels) and self.items == other.items

    def __hash__(self) -> int:
        return hash(self.items)


_NO_MSGID = ""


def _who(agreement: int | None) -> Message:
    """How a message names the agreement: its number in the register, or — for an entry of
    an import not yet recorded, whose messages are placed by its line in the file — «the
    agreement by this step»."""
    if agreement is None:
        return Message("the agreement by this step")
    return Message("№ {id}").format(id=agreement)


def _day(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def last_date(entry: Agreement) -> dt.date | None:
    """The date of the latest row that counts: a new step may not be dated before it."""
    return max((change.on for change in effective(entry) if isinstance(change.on, dt.date)),
               default=None)


def refusal(entry: Agreement, current: str, last: dt.date | None, step: Step,
            procedure: Procedure, today: dt.date, agreement: int | None,
            passing_over: bool = False) -> tuple[str, Message] | None:
    """Why ``step`` cannot follow ``current`` (and a step dated ``last``) on ``entry`` —
    which of its fields («status», «date») and the message — or None.

    ``agreement`` is the entry's number; None for an entry of an import not yet recorded.
    ``passing_over``: an import's history, which records what the papers of an agreement
    made before xbdocs show, may pass over steps of the line it does not know (signed
    implies approved; registered implies filed) — never back, never past «in force»."""
    status, on = step.status, step.on
    who = _who(agreement)
    if status not in statuses.STATUSES:
        return "status", Message("status: «{status}» is not one; expected one of: {names}"
                                 ).format(status=printable(status, 40),
                                          names=", ".join(statuses.label(s)
                                                          for s in statuses.STATUSES))
    moved = _move_refusal(current, status, procedure, who, agreement, passing_over)
    if moved is not None:
        return "status", moved
    if on is None:
        return None
    dated = date_refusal(on, last, today, agreement)
    if dated is not None:
        return "date", dated
    return _end_refusal(entry, status, on, who)


def date_refusal(on: dt.date, last: dt.date | None, today: dt.date,
                 agreement: int | None) -> Message | None:
    """Why a step (or notice) dated ``on`` cannot be recorded: after ``today``, or before the
    last row that counts (``last``)."""
    if on > today:
        return Message(
            "date: {date} is after today ({today}): the register records steps that have "
            "happened; a planned date stays in the answers").format(date=_day(on),
                                                                    today=_day(today))
    if last is not None and on < last:
        if agreement is None:
            return Message("date: {date} is before the step before it ({last}); list the "
                           "steps in the order they happened").format(
                               date=_day(on), last=_day(last))
        return Message(
            "date: {date} is before the last recorded step of № {id} ({last}); steps are "
            "recorded in the order they happened").format(
                date=_day(on), id=agreement, last=_day(last))
    return None


def _move_refusal(current: str, new: str, procedure: Procedure, who: Message,
                  agreement: int | None, passing_over: bool) -> Message | None:
    if procedure.allowed(current, new):
        return None
    line = procedure.line
    if passing_over and current in line and new in line and \
            line.index(new) > line.index(current):
        return None
    undo = Message("; a step recorded by mistake is taken back with: xbdocs registry undo "
                   "{id} --reason …").format(id=agreement) if agreement is not None else ""
    if current in statuses.FINAL:
        return Message("{who} is «{current}»: its life has ended, no step follows{undo}").format(
            who=who, current=statuses.shown(current), undo=undo)
    possible = ", ".join(procedure.next_ones(current))
    if new == current:
        return Message("{who} is «{current}» already; possible: {possible}").format(
            who=who, current=statuses.shown(current), possible=possible)
    if new in (statuses.RENEWED, statuses.EXPIRED):
        needed = [*procedure.missing(current, statuses.IN_FORCE), statuses.IN_FORCE] \
            if current in line else [statuses.IN_FORCE]
        return Message("{who} is «{current}»: it can become «{new}» only after the steps: "
                       "{steps}").format(who=who, current=statuses.shown(current),
                                         new=statuses.shown(new), steps=Labels(needed))
    if new not in line:
        return Message("{who} is «{current}»: «{new}» is not a step of its procedure ({steps}); "
                       "possible: {possible}").format(
                           who=who, current=statuses.shown(current),
                           new=statuses.shown(new), steps=Labels(list(line)),
                           possible=possible)
    if current in line and line.index(new) > line.index(current):
        return Message("{who} is «{current}»: it can become «{new}» only after the steps: "
                       "{steps}").format(who=who, current=statuses.shown(current),
                                         new=statuses.shown(new),
                                         steps=Labels(procedure.missing(current, new)))
    return Message("{who} is «{current}»: it cannot go back to «{new}»; possible: "
                   "{possible}{undo}").format(who=who, current=statuses.shown(current),
                                             new=statuses.shown(new), possible=possible,
                                             undo=undo)


def _end_refusal(entry: Agreement, status: str, on: dt.date,
                 who: Message) -> tuple[str, Message] | None:
    """An agreement ends no earlier than its term (expiry) or the day a notice gave; one
    given notice against renewal is not renewed."""
    ends_on = entry.ends_on if isinstance(entry.ends_on, dt.date) else None
    if status == statuses.RENEWED and ends_on is not None and \
            entry.ends_as == statuses.EXPIRED:
        return "status", Message(
            "{who} is not renewed: a notice against renewal is recorded, it ends on {ends}; a "
            "notice recorded by mistake is taken back with: xbdocs registry undo").format(
                who=who, ends=_day(ends_on))
    if status not in statuses.FINAL:
        return None
    if ends_on is not None and entry.ends_as == status and on < ends_on:
        return "date", Message(
            "date: by the notice recorded {who} ends on {ends}: «{status}» not before that "
            "day").format(who=who, ends=_day(ends_on), status=statuses.shown(status))
    if status == statuses.EXPIRED:
        end = due.term_end(entry)
        if end is not None and on < end:
            return "date", Message("date: {who} cannot expire on {date}: its term runs to "
                                   "{end}").format(who=who, date=_day(on), end=_day(end))
    return None


# --- what a step does ---------------------------------------------------------------------------

def effect(entry: Agreement, change: Change) -> None:
    """What ``change`` (a row that counts) sets on ``entry``: a step its status and the
    columns of its document; a notice the day the agreement ends. A move back on a refusal
    changes the status alone: the agreement stays signed on the day it was signed."""
    if kind_of(change) == NOTICE:
        details = change.details if isinstance(change.details, dict) else {}
        entry.ends_on = _iso(details.get("ends_on"))
        entry.ends_as = str(details.get("ends_as") or "")
        return
    status, on, number = change.status, change.on, change.number or ""
    back = REFUSALS.get(entry.status) == status
    entry.status, entry.status_on = status, on
    if back:
        return
    if status == statuses.APPROVED:
        entry.approval = " ".join(p for p in (approval_document(entry.answers),
                                              on and f"от {on:%d.%m.%Y}",
                                              number and f"№ {number}") if p)
    elif status == statuses.SIGNED:
        entry.signed_on = on
    elif status == statuses.REGISTERED:
        entry.registration_number, entry.registered_on = number, on
    elif status == statuses.IN_FORCE:
        entry.in_force_on = on
    if status in _AFTER_SIGNING and entry.signed_on is None:
        planned = planned_signing(entry)
        if planned is not None and (on is None or planned <= on):
            entry.signed_on = planned


def replay(entry: Agreement) -> None:
    """``entry``'s columns made again from its history: the draft it was made as, then each
    row that counts. An undo adds its row and replays; nothing is deleted."""
    entry.status, entry.status_on = statuses.DRAFT, None
    entry.signed_on = entry.registered_on = entry.in_force_on = entry.ends_on = None
    entry.registration_number, entry.ends_as = "", ""
    entry.approval = approval_text(entry.answers)
    for change in effective(entry):
        effect(entry, change)


def _iso(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def approval_document(answers: Any) -> str:
    """The approval document the answers name (a register edited by hand may hold any
    JSON there)."""
    value = due.answered(answers, "filing", "approval", "document")
    return value if isinstance(value, str) and value else "решение о согласовании"


def approval_text(answers: Any) -> str:
    """The approval as the answers give it (document, date, number), before a step records
    it; "" when they name no document."""
    document = due.answered(answers, "filing", "approval", "document")
    if not isinstance(document, str) or not document:
        return ""
    on = date_of(due.answered(answers, "filing", "approval", "date"))
    number = due.answered(answers, "filing", "approval", "number")
    parts = [document, on and f"от {on:%d.%m.%Y}",
             isinstance(number, str | int) and number and f"№ {number}"]
    return " ".join(str(p) for p in parts if p)
