"""Due dates of the filing steps, counted in calendar or working days.

Working days skip weekends and Russian public holidays, and count the Saturdays the
government makes working days — all from the ``holidays`` package, not a list kept here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cache

from xbdocs import lang as languages
from xbdocs.i18n import N_, _, in_language
from xbdocs.profile import Deadline, Step


@cache
def _calendar(first_year: int, last_year: int):
    import holidays

    return holidays.country_holidays("RU", years=range(first_year, last_year + 1),
                                     language="ru")


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after (or, if negative, before) ``start``."""
    calendar = _calendar(start.year - 1, start.year + 1 + abs(days) // 200)
    return calendar.get_nth_working_day(start, days) if days else start


def is_working_day(day: dt.date) -> bool:
    return _calendar(day.year, day.year).is_working_day(day)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), or the month's last day when
    it has none (31 August + 6 months → 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def shift(start: dt.date, days: int, unit: str, relation: str) -> dt.date:
    sign = -1 if relation == "before" else 1
    if unit == "working":
        return add_working_days(start, sign * days)
    return start + dt.timedelta(days=sign * days)


@dataclass(frozen=True)
class Scheduled:
    """A step with the date its deadline falls on, once the event it counts from is known."""

    step: Step
    #: The date of the event the deadline counts from, or None when it is not known yet.
    event_date: dt.date | None
    due: dt.date | None

    def past(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today


def schedule(steps: tuple[Step, ...], events: dict[str, dt.date | None]) -> list[Scheduled]:
    """Each step with a deadline, and its due date where the event it counts from is known.

    The event «registration» (filing the application) falls back to its own due date when
    no filing date is given, so the decision date can still be estimated."""
    result = []
    known = dict(events)
    for step in steps:
        if step.deadline is None:
            continue
        deadline = step.deadline
        start = known.get(deadline.event)
        due = shift(start, deadline.days, deadline.unit, deadline.relation) if start else None
        result.append(Scheduled(step, start, due))
        if step.id == "registration" and known.get("registration") is None and due:
            known["registration"] = due
    return result


def _document_days(deadline: Deadline, lang: str | None) -> str | None:
    """The days of a deadline in a document's language, when its engine agrees them."""
    module = languages.LANGUAGES.get(lang or "")
    return module.days(deadline.days, deadline.unit) if hasattr(module, "days") else None


def rule_text(deadline: Deadline, lang: str | None = None) -> str:
    """A deadline as a clerk reads it: «10 дн. (рабочие) после подписания соглашения»; in
    the interface language, or in ``lang`` for a document's text («10 рабочих дней после
    подписания соглашения»)."""
    def say(message: str) -> str:
        return in_language(lang, message) if lang else _(message)

    events = {"negotiations": N_("the negotiations"),
              "approval-request": N_("the request for approval"),
              "signing": N_("the signing"),
              "registration": N_("the application for registration")}
    days = _document_days(deadline, lang)
    if days is not None:  # «10 календарных дней»: numerals agreed by the language engine
        return f"{days} {say(N_('before') if deadline.relation == 'before' else N_('after'))}" \
            f" {say(events[deadline.event])}"
    return say(N_("{days} {unit} days {relation} {event}")).format(
        days=deadline.days,
        unit=say(N_("working") if deadline.unit == "working" else N_("calendar")),
        relation=say(N_("before") if deadline.relation == "before" else N_("after")),
        event=say(events[deadline.event]))
