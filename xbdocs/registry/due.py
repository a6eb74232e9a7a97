"""What falls due: the filing deadlines of the region's procedure, the last day to give
notice against automatic renewal (the term's end less the notice period), and expiry — or,
once a notice ending the agreement is recorded, the day it ends — soonest first, and the
same as an iCalendar file for a calendar.

Filing deadlines count from the events the register knows (the dates of its recorded
steps, else those in the answers), in working or calendar days as the profile says; which
step a status completes is the agreement's procedure's to say
(:func:`xbdocs.registry.procedure.completes`), as is the order of the statuses. The term
runs from the day the agreement took effect (in force; else its registration or signing,
as its entry into force says), for its years, each renewal recorded, and each extension an
amendment in force makes.

A register outlives the xbdocs that wrote it and may be edited by hand, so what is stored
is read tolerantly: a date in the answers that is not ISO, a term that is not a whole number
of years, a date past the calendar's end give no reminder, never a failure of the whole
list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.exc import DetachedInstanceError

from xbdocs import deadlines
from xbdocs.errors import printable
from xbdocs.i18n import _
from xbdocs.registry import procedure, statuses
from xbdocs.registry.models import Agreement, steps

NOTICE, EXPIRY, FILING, ENDS = "notice", "expiry", "filing", "ends"


@dataclass(frozen=True)
class Reminder:
    """A date an agreement's keeper must act by: a filing step, the last day to give
    notice against renewal, the end of the term."""

    agreement: int
    title: str
    kind: str
    what: str
    date: dt.date
    #: Whether the date comes from a fact checked against its act (filing deadlines).
    verified: bool = True

    def days_left(self, today: dt.date) -> int:
        return (self.date - today).days


def whole(value: Any, limit: int = 1000) -> int | None:
    """A stored count (years, months) as a whole number from 1 to ``limit``, else None: a
    register edited by hand may hold text or a number no calendar reaches."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limit:
        return None
    return value


def _months_on(day: dt.date, months: int) -> dt.date | None:
    """:func:`xbdocs.deadlines.add_months`, or None past the calendar's ends."""
    try:
        return deadlines.add_months(day, months)
    except (ValueError, OverflowError):
        return None


def answered(answers: Any, *path: str) -> Any:
    """What the stored answers hold at ``path`` (None where they hold nothing there: a
    register edited by hand may hold any JSON)."""
    value = answers
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def date_of(value: Any) -> dt.date | None:
    """A date the answers hold: ISO as they are stored, or 19.09.2012 typed by hand; None
    for anything else."""
    from xbdocs.yamlread import parse_date

    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value) if isinstance(value, str) else None
    except ValueError:
        return None


def planned_signing(entry: Agreement) -> dt.date | None:
    """The date of signing the answers plan — shown as planned until a «signed» step records
    the day it happened."""
    return date_of(answered(entry.answers, "signing", "date"))


def _dated(entry: Agreement) -> dict[str, dt.date | None]:
    """The date of each status the history records (the latest of each step that counts:
    a step taken back is not a date to count from)."""
    found: dict[str, dt.date | None] = {}
    for change in steps(entry):
        found[change.status] = change.on if isinstance(change.on, dt.date) else None
    return found


def _procedure(entry: Agreement, cache: procedure.Cache | None = None) -> procedure.Procedure:
    """The entry's procedure; ``cache``: the procedures one listing has read already."""
    return procedure.of(entry.profile, entry.track, entry.entry_into_force, cache)


def _reached(entry: Agreement, status: str, cache: procedure.Cache | None = None) -> bool:
    return _procedure(entry, cache).reached(entry.status, status)


def _amendments(entry: Agreement) -> list[Agreement]:
    """The amendments recorded for ``entry``, as far as they were read with it (an entry
    made in memory, or read without them, has none to count)."""
    try:
        return list(entry.amendments or [])
    except DetachedInstanceError:
        return []


def extension(entry: Agreement) -> int:
    """The years amendments in force add to the agreement's term (``extend_term``): an
    amendment takes effect as the agreement does, and only then changes its term."""
    years = 0
    for amendment in _amendments(entry):
        if amendment.status != statuses.IN_FORCE:
            continue
        changes = amendment.answers.get("amends", {}).get("changes", []) \
            if isinstance(amendment.answers, dict) else []
        for change in changes if isinstance(changes, list) else []:
            extend = change.get("extend_term") if isinstance(change, dict) else None
            added = whole(extend.get("years"), 99) if isinstance(extend, dict) else None
            years += added or 0
    return years


def term_start(entry: Agreement, cache: procedure.Cache | None = None) -> dt.date | None:
    """The day the agreement took effect, once it has: recorded as in force, or its
    signing or registration when that is how it takes effect (a draft has no term yet)."""
    if isinstance(entry.in_force_on, dt.date):
        return entry.in_force_on
    if entry.entry_into_force == "signing" and _reached(entry, statuses.SIGNED, cache):
        return entry.signed_on if isinstance(entry.signed_on, dt.date) else None
    if entry.entry_into_force == "registration" and _reached(entry, statuses.REGISTERED,
                                                             cache):
        return entry.registered_on if isinstance(entry.registered_on, dt.date) else None
    return None


def term_end(entry: Agreement, cache: procedure.Cache | None = None) -> dt.date | None:
    """The last day of the current term: the first term, then each recorded renewal."""
    start, term = term_start(entry, cache), whole(entry.term_years)
    if start is None or term is None:
        return None
    renewals = sum(1 for change in steps(entry) if change.status == statuses.RENEWED)
    years = term + renewals * (whole(entry.renewal_years) or term) + extension(entry)
    end = _months_on(start, 12 * years)
    return end - dt.timedelta(days=1) if end is not None and end > dt.date.min else None


def of(entry: Agreement, cache: procedure.Cache | None = None) -> list[Reminder]:
    """Every date this agreement has ahead of it (past ones too: overdue)."""
    if entry.status in statuses.FINAL:
        return []
    found: list[Reminder] = []
    if not _reached(entry, statuses.REGISTERED, cache) and (
            entry.status in _procedure(entry, cache).line):
        found += _filing(entry, cache)
    if isinstance(entry.ends_on, dt.date) and entry.ends_as in statuses.FINAL:
        # A notice ends it: no renewal to give notice against, no term to run out.
        found.append(Reminder(entry.id, entry.title, ENDS, _(
            "the agreement ends: «{status}» on {date}").format(
                status=statuses.label(entry.ends_as), date=f"{entry.ends_on:%d.%m.%Y}"),
            entry.ends_on))
        return found
    end = term_end(entry, cache)
    if end is not None:
        months = whole(entry.notice_months)
        notice = _months_on(end, -months) if entry.renewal and months else None
        if notice is not None:
            found.append(Reminder(entry.id, entry.title, NOTICE, _(
                "last day to give notice against automatic renewal ({months} months before "
                "the term ends)").format(months=months), notice))
        found.append(Reminder(entry.id, entry.title, EXPIRY,
                         _("the term ends") if not entry.renewal else
                         _("the term ends (renewed unless notice was given)"), end))
    return found


def _filing(entry: Agreement, cache: procedure.Cache | None = None) -> list[Reminder]:
    proc = _procedure(entry, cache)
    track = proc.track
    if track is None:  # a profile gone or broken since: no filing dates, not an error
        return []
    filing = entry.answers.get("filing", {}) if isinstance(entry.answers, dict) else {}
    dated = _dated(entry)

    def answered(*path: str) -> dt.date | None:
        from xbdocs.yamlread import parse_date

        value = filing
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        try:  # ISO as the answers are stored, or 19.09.2012 as a clerk typed it by hand
            return parse_date(value) if isinstance(value, str) else None
        except ValueError:
            return None

    events = {"negotiations": answered("negotiations_date"),
              "approval-request": dated.get(statuses.SENT_FOR_APPROVAL)
              or answered("approval_request", "date"),
              "signing": entry.signed_on if isinstance(entry.signed_on, dt.date)
              else planned_signing(entry),
              "registration": dated.get(statuses.FILED)
              or answered("registration_application", "date")}
    completing = procedure.completes(track)
    found = []
    try:
        scheduled = deadlines.schedule(track.steps, events)
    except (ValueError, OverflowError):  # a date at the calendar's end
        return []
    for item in scheduled:
        completes = completing.get(item.step.id)
        if item.due is None or completes is None or proc.reached(entry.status, completes):
            continue
        found.append(Reminder(entry.id, entry.title, FILING, item.step.title, item.due,
                         item.step.verified))
    return found


def within(entries: list[Agreement], today: dt.date, days: int | None) -> list[Reminder]:
    """What falls due by ``today + days`` (all ahead when ``days`` is None), overdue
    included, soonest first."""
    cache: procedure.Cache = {}  # one profile read per profile and track, not per entry
    found = [due for entry in entries for due in of(entry, cache)]
    if days is not None:
        try:
            limit = today + dt.timedelta(days=days)
        except OverflowError:  # a window past the calendar's end: every date is in it
            limit = dt.date.max
        found = [due for due in found if due.date <= limit]
    return sorted(found, key=lambda due: (due.date, due.agreement, due.kind))


def ics(items: list[Reminder], stamp: dt.datetime) -> bytes:
    """An iCalendar file (RFC 5545): one all-day event per date, named so that exporting
    again updates the same events instead of adding copies."""
    def escape(value: str) -> str:
        # Each line made printable first: a carriage return or control stored in a title
        # must not end the line early and add properties of its own to the calendar.
        lines = str(value).replace("\r\n", "\n").split("\n")
        return "\\n".join(printable(line, sys.maxsize).replace("\\", "\\\\")
                          .replace(";", "\\;").replace(",", "\\,") for line in lines)

    def fold(line: str) -> list[str]:
        encoded, out = line.encode("utf-8"), []
        while len(encoded) > 75:
            cut = 75
            while (encoded[cut] & 0xC0) == 0x80:  # not inside a UTF-8 character
                cut -= 1
            out.append(encoded[:cut].decode("utf-8"))
            encoded = b" " + encoded[cut:]
        out.append(encoded.decode("utf-8"))
        return out

    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//xbdocs//registry//RU",
             "CALSCALE:GREGORIAN"]
    for due in items:
        what = hashlib.sha256(due.what.encode()).hexdigest()[:8]
        uid = f"xbdocs-{due.agreement}-{due.kind}-{what}@xbdocs"
        lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
                  f"DTSTART;VALUE=DATE:{due.date:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{due.date + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{escape(f'№ {due.agreement}: {due.what}')}",
                  f"DESCRIPTION:{escape(due.title)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(part for line in lines for part in fold(line)) + "\r\n").encode()
