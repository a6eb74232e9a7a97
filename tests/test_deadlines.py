"""Due dates across weekends and Russian public holidays (from the holidays package)."""

from __future__ import annotations

import datetime as dt

import pytest

from xbdocs import deadlines, profile
from xbdocs.i18n import set_language
from xbdocs.profile import Deadline

D = dt.date


@pytest.mark.parametrize("start, days, expected", [
    (D(2026, 12, 28), 10, D(2027, 1, 20)),   # across the New Year holidays (1–8 January)
    (D(2027, 4, 14), 10, D(2027, 4, 28)),    # two ordinary weeks
    (D(2027, 4, 30), 1, D(2027, 5, 4)),      # over 1 May and its observed Monday
    (D(2027, 6, 10), 1, D(2027, 6, 11)),
    (D(2027, 6, 11), 1, D(2027, 6, 15)),     # 12 June (Russia Day) falls on a Saturday
])
def test_working_days(start, days, expected):
    assert deadlines.add_working_days(start, days) == expected


def test_new_year_holidays_are_not_working_days():
    for day in range(1, 9):
        assert not deadlines.is_working_day(D(2027, 1, day))
    assert deadlines.is_working_day(D(2027, 1, 11))


def test_calendar_days_before():
    assert deadlines.shift(D(2027, 2, 15), 10, "calendar", "before") == D(2027, 2, 5)


def test_schedule_of_the_municipal_track():
    steps = profile.load().tracks["municipal"].steps
    due = {d.step.id: d.due for d in deadlines.schedule(
        steps, {"negotiations": D(2027, 2, 15), "approval-request": D(2027, 2, 25),
                "signing": D(2026, 12, 28), "registration": None})}
    assert due["notice"] == D(2027, 2, 5)
    assert due["approval-decision"] == D(2027, 3, 27)
    assert due["registration"] == D(2027, 1, 20)
    # no filing date yet: the decision is counted from the filing deadline
    assert due["registration-decision"] == D(2027, 2, 3)


@pytest.mark.parametrize("lang, unit, relation, expected", [
    ("ru", "calendar", "before", "30 дн. (календарные) до начала переговоров"),
    ("ru", "working", "after", "30 дн. (рабочие) после начала переговоров"),
    ("en", "calendar", "before", "30 calendar days before the negotiations"),
])
def test_a_rule_reads_in_the_interface_language(lang, unit, relation, expected):
    set_language(lang)
    try:
        rule = Deadline(days=30, unit=unit, relation=relation, event="negotiations")
        assert deadlines.rule_text(rule) == expected
        # in a document's Russian the days agree with their number (issue 23)
        assert deadlines.rule_text(rule, "ru").startswith(
            "30 календарных дней до" if unit == "calendar" else "30 рабочих дней после")
    finally:
        set_language("ru")
