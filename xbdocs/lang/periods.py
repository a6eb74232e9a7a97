"""When an event of a plan takes place: a day, a month, a quarter, a half-year, a year, a
span of those, or «постоянно» — written as «2027-05», «2027-Q2», «2027-05..2027-06» in a
plan file and read into a :class:`Period`, which each language writes in its own words
(:func:`xbdocs.lang.ru.period`, :func:`xbdocs.lang.kk.period`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from xbdocs.i18n import Message

ROMAN = ("", "I", "II", "III", "IV")
ONGOING = "ongoing"
_FORMS = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"(\d{2})\.(\d{2})\.(\d{4})$"), "day"),
    (re.compile(r"(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"(\d{4})-[QqКк]([1-4])$"), "quarter"),
    (re.compile(r"(\d{4})-[HhПп]([12])$"), "half"),
    (re.compile(r"(\d{4})$"), "year"),
)


@dataclass(frozen=True)
class Period:
    kind: str  # day | month | quarter | half | year | ongoing
    year: int = 0
    #: The month (1–12), quarter (1–4) or half (1–2).
    number: int = 0
    day: int = 0
    #: The last period of a span, of the same kind.
    until: Period | None = None

    @property
    def first_day(self) -> dt.date:
        if self.kind == "day":
            return dt.date(self.year, self.number, self.day)
        month = {"month": self.number, "quarter": 3 * self.number - 2,
                 "half": 6 * self.number - 5}.get(self.kind, 1)
        return dt.date(self.year, month, 1)


def _one(text: str) -> Period:
    for pattern, kind in _FORMS:
        match = pattern.match(text)
        if not match:
            continue
        if kind == "day":
            parts = [int(g) for g in match.groups()]
            year, month, day = parts if pattern.pattern.startswith("(\\d{4})") else parts[::-1]
            dt.date(year, month, day)  # ValueError for 31.02
            return Period("day", year, month, day)
        year = int(match[1])
        number = int(match[2]) if kind != "year" else 0
        if kind == "month" and not 1 <= number <= 12:
            raise ValueError(text)
        return Period(kind, year, number)
    raise ValueError(text)


def parse(text: str) -> Period:
    """A period from a plan file; ValueError with the message for anything else."""
    text = str(text).strip()
    if text.lower() in (ONGOING, "постоянно", "тұрақты"):
        return Period(ONGOING)
    first, _sep, last = text.partition("..")
    try:
        start = _one(first.strip())
        if not last:
            return start
        end = _one(last.strip())
    except ValueError:
        raise ValueError(Message(
            "expected a period: 2027-05-20, 2027-05 (a month), 2027-Q2 (a quarter), 2027-H1 "
            "(a half-year), 2027 (a year), a span as 2027-05..2027-06, or ongoing; got "
            "«{value}»").format(value=text[:40])) from None
    if end.kind != start.kind or end.first_day <= start.first_day:
        raise ValueError(Message("a span runs from the earlier to the later period of one kind "
                                 "(2027-05..2027-06); got «{value}»").format(value=text[:40]))
    return Period(start.kind, start.year, start.number, start.day, until=end)
