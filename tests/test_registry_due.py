"""What falls due for an agreement of the register (xbdocs.registry.due), called directly on
entries made in memory: the filing deadlines of the profile's steps, the term's end and the
last day to give notice, and the calendar file.

Expected dates are counted by hand from the shipped profiles: the Altai Krai's municipal
track gives notice 10 calendar days before negotiations, expects the approval decision 30
calendar days after the request, the registration application 10 working days after
signing and the decision 10 working days after filing; the Orenburg profile wants the
application 10 calendar days after signing (a verified step)."""

from __future__ import annotations

import datetime as dt

import pytest

from xbdocs.registry import due, statuses
from xbdocs.registry.models import Agreement, Change

D = dt.date
NOTICE_STEP = "Уведомление о намерении провести переговоры"
DECISION_STEP = "Решение о согласовании проекта соглашения"
APPLICATION_STEP = "Заявление о регистрации соглашения"
REGISTRATION_DECISION_STEP = "Решение о регистрации или об отказе в регистрации"
FILING_ANSWERS = {"filing": {"negotiations_date": "2027-02-15",
                             "approval_request": {"date": "2027-02-25"}}}


def entry(**fields) -> Agreement:
    """An agreement of the Altai Krai's municipal track, as the register holds it."""
    values = {"id": 1, "title": "Соглашение о приграничном сотрудничестве", "track": "municipal",
              "status": statuses.DRAFT, "answers": FILING_ANSWERS, "profile": "",
              "term_years": 5, "renewal": False, "renewal_years": None, "notice_months": 6,
              "entry_into_force": "registration", "signed_on": None, "registered_on": None,
              "in_force_on": None}
    values.update(fields)
    history = values.pop("history", [])
    agreement = Agreement(**values)
    agreement.history = [Change(status=status, on=on) for status, on in history]
    return agreement


def dates(items: list[due.Reminder]) -> list[tuple[str, str, D]]:
    return [(item.kind, item.what, item.date) for item in items]


# --- filing deadlines -------------------------------------------------------------------------

def test_a_draft_owes_the_notice_and_awaits_the_approval_decision():
    found = due.of(entry())
    assert dates(found) == [(due.FILING, NOTICE_STEP, D(2027, 2, 5)),
                            (due.FILING, DECISION_STEP, D(2027, 3, 27))]
    # The profile marks these steps unverified: a date counted from them is a guess.
    assert [item.verified for item in found] == [False, False]
    assert {(item.agreement, item.title) for item in found} == {
        (1, "Соглашение о приграничном сотрудничестве")}


def test_a_signed_agreement_owes_the_application_in_working_days():
    # Signed Wednesday 1 September 2027: ten working days skip two weekends.
    found = due.of(entry(status=statuses.SIGNED, signed_on=D(2027, 9, 1)))
    assert dates(found) == [(due.FILING, APPLICATION_STEP, D(2027, 9, 15)),
                            # not filed yet: the decision counts from the application's due day
                            (due.FILING, REGISTRATION_DECISION_STEP, D(2027, 9, 29))]


def test_a_recorded_step_counts_instead_of_the_answers():
    """The register's own dates win over those the answers expected."""
    requested = entry(history=[(statuses.SENT_FOR_APPROVAL, D(2027, 3, 1))],
                      status=statuses.SENT_FOR_APPROVAL)
    assert dates(due.of(requested)) == [(due.FILING, DECISION_STEP, D(2027, 3, 31))]
    filed = entry(status=statuses.FILED, signed_on=D(2027, 9, 1),
                  history=[(statuses.SIGNED, D(2027, 9, 1)), (statuses.FILED, D(2027, 9, 10))])
    assert dates(due.of(filed)) == [(due.FILING, REGISTRATION_DECISION_STEP, D(2027, 9, 24))]


def test_the_profile_of_the_entry_decides_the_deadlines():
    orenburg = entry(status=statuses.SIGNED, signed_on=D(2027, 9, 1), profile="orenburg")
    (application,) = due.of(orenburg)  # its decision has no deadline
    assert (application.what, application.date, application.verified) == (
        "Заявление о регистрации соглашения (подаёт первый подписавший район)", D(2027, 9, 11),
        True)
    gone = entry(status=statuses.SIGNED, signed_on=D(2027, 9, 1), profile="no-such-profile")
    assert due.of(gone) == []  # a profile gone since: no filing dates, not an error
    unknown_track = entry(track="no-such-track")
    assert due.of(unknown_track) == []


# --- the term ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, start", [
    ({}, None),  # a draft has no term yet
    ({"in_force_on": D(2027, 4, 30)}, D(2027, 4, 30)),
    ({"status": statuses.SIGNED, "signed_on": D(2027, 4, 14)}, None),  # takes effect later
    ({"status": statuses.SIGNED, "signed_on": D(2027, 4, 14), "entry_into_force": "signing"},
     D(2027, 4, 14)),
    ({"status": statuses.REGISTERED, "registered_on": D(2027, 4, 30)}, D(2027, 4, 30)),
    ({"status": statuses.RENEWED, "registered_on": D(2017, 5, 2)}, D(2017, 5, 2)),
])
def test_when_the_term_starts(fields, start):
    assert due.term_start(entry(**fields)) == start


def test_the_term_ends_the_day_before_its_anniversary_and_grows_with_each_renewal():
    in_force = entry(status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30))
    assert due.term_end(in_force) == D(2032, 4, 29)
    assert dates(due.of(in_force)) == [(due.EXPIRY, "the term ends", D(2032, 4, 29))]
    renewed = entry(status=statuses.RENEWED, in_force_on=D(2027, 4, 30), renewal=True,
                    renewal_years=3, history=[(statuses.RENEWED, D(2032, 4, 30))])
    assert due.term_end(renewed) == D(2035, 4, 29)  # 5 years, then 3
    assert dates(due.of(renewed)) == [
        (due.NOTICE, "last day to give notice against automatic renewal (6 months before the "
                     "term ends)", D(2034, 10, 29)),
        (due.EXPIRY, "the term ends (renewed unless notice was given)", D(2035, 4, 29))]
    twice = entry(status=statuses.RENEWED, in_force_on=D(2027, 4, 30), renewal=True,
                  history=[(statuses.RENEWED, D(2032, 4, 30)), (statuses.RENEWED, D(2037, 4, 30))])
    assert due.term_end(twice) == D(2042, 4, 29)  # renewed by the term itself
    # A month without the day: 31 August less 6 months is 28 February.
    leap = entry(status=statuses.IN_FORCE, in_force_on=D(2026, 9, 1), term_years=1,
                 renewal=True, notice_months=6)
    assert [item.date for item in due.of(leap)] == [D(2027, 2, 28), D(2027, 8, 31)]


def test_no_term_no_dates_and_an_ended_life_owes_nothing():
    endless = entry(status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30), term_years=None)
    assert due.term_end(endless) is None and due.of(endless) == []
    for status in statuses.FINAL:
        assert due.of(entry(status=status, in_force_on=D(2010, 1, 1))) == []


def test_within_a_window_soonest_first_overdue_included():
    a = entry(id=1, status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30), renewal=True)
    b = entry(id=2)  # notice 05.02.2027, approval decision 27.03.2027
    c = entry(id=3, status=statuses.SIGNED, signed_on=D(2027, 9, 1))
    everything = due.within([a, b, c], D(2027, 3, 1), None)
    assert [(item.agreement, item.date) for item in everything] == [
        (2, D(2027, 2, 5)), (2, D(2027, 3, 27)), (3, D(2027, 9, 15)), (3, D(2027, 9, 29)),
        (1, D(2031, 10, 29)), (1, D(2032, 4, 29))]
    soon = due.within([a, b, c], D(2027, 3, 1), 30)
    assert [(item.agreement, item.date) for item in soon] == [(2, D(2027, 2, 5)),
                                                              (2, D(2027, 3, 27))]
    assert soon[0].days_left(D(2027, 3, 1)) == -24 and soon[1].days_left(D(2027, 3, 1)) == 26
    assert due.within([a, b, c], D(2027, 3, 1), 0) == soon[:1]
    # The same day: ordered by agreement, then kind.
    twin = entry(id=0, status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30), renewal=True)
    assert [item.agreement for item in due.within([a, twin], D(2027, 1, 1), None)] == \
        [0, 1, 0, 1]


# --- the calendar -------------------------------------------------------------------------------

STAMP = dt.datetime(2027, 3, 1, 9, 30, 5)


def _unfolded(data: bytes) -> list[str]:
    assert data.endswith(b"\r\n")
    raw = data[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in raw)
    text = b"\r\n".join(raw).replace(b"\r\n ", b"").decode("utf-8")
    return text.split("\r\n")


def test_the_calendar_has_one_all_day_event_per_date():
    items = [due.Reminder(7, "Соглашение", due.FILING, "Заявление", D(2027, 9, 15), False),
             due.Reminder(7, "Соглашение", due.EXPIRY, "the term ends", D(2032, 12, 31))]
    lines = _unfolded(due.ics(items, STAMP))
    assert lines[:4] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//xbdocs//registry//RU",
                         "CALSCALE:GREGORIAN"]
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20270915" in lines and "DTEND;VALUE=DATE:20270916" in lines
    assert "DTEND;VALUE=DATE:20330101" in lines  # the day after, over a year's end
    assert lines.count("DTSTAMP:20270301T093005Z") == 2
    assert "SUMMARY:№ 7: Заявление" in lines and "DESCRIPTION:Соглашение" in lines
    uids = [line for line in lines if line.startswith("UID:")]
    assert uids[0].startswith("UID:xbdocs-7-filing-") and uids[0].endswith("@xbdocs")
    assert len(set(uids)) == 2


def test_exporting_again_updates_the_same_events():
    item = due.Reminder(3, "Соглашение", due.NOTICE, "last day to give notice", D(2031, 10, 29))
    moved = due.Reminder(3, "Соглашение", due.NOTICE, "last day to give notice", D(2031, 11, 2))
    other = due.Reminder(3, "Соглашение", due.NOTICE, "another notice", D(2031, 10, 29))

    def uid(one: due.Reminder) -> str:
        return next(line for line in _unfolded(due.ics([one], STAMP)) if line.startswith("UID"))

    assert uid(item) == uid(moved) != uid(other)


def test_long_and_special_text_is_escaped_and_folded_between_characters():
    title = "Соглашение, заключённое; между сторонами\\с переносом\nстроки " * 3
    item = due.Reminder(12, title, due.EXPIRY, "срок, истекает", D(2030, 1, 1))
    lines = _unfolded(due.ics([item], STAMP))
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert description == "DESCRIPTION:" + ("Соглашение\\, заключённое\\; между сторонами\\\\с "
                                            "переносом\\nстроки " * 3)
    assert "SUMMARY:№ 12: срок\\, истекает" in lines
    raw = due.ics([due.Reminder(12, title, due.EXPIRY, "x", D(2030, 1, 1))], STAMP).split(b"\r\n")
    folded = [line for line in raw if line.startswith(b" ")]
    assert folded  # the description took several lines …
    for line in raw:
        line.decode("utf-8")  # … each of them whole characters


# --- what a register may hold (issue 19) ------------------------------------------------------

@pytest.mark.parametrize("stored, expected", [
    ("2027-02-15", D(2027, 2, 5)),   # ISO, as the register stores answers
    ("15.02.2027", D(2027, 2, 5)),   # as a clerk typed it into the database by hand
    ("на днях", None),               # not a date at all: no reminder counted from it
    (20270215, None),
])
def test_a_stored_answers_date_that_is_not_iso_is_read_or_left_out(stored, expected):
    found = due.of(entry(answers={"filing": {"negotiations_date": stored}}))
    notice = [item.date for item in found if item.what == NOTICE_STEP]
    assert notice == ([expected] if expected else [])


def test_a_stored_term_or_notice_that_is_not_a_number_gives_no_date():
    for fields in ({"term_years": "5"}, {"term_years": -5}, {"term_years": 10**9},
                   {"notice_months": "six", "renewal": True},
                   {"in_force_on": D(9999, 6, 1)}):  # the term would end past year 9999
        values = {"status": statuses.IN_FORCE, "in_force_on": D(2027, 4, 30), **fields}
        found = due.of(entry(**values))
        assert all(isinstance(item.date, D) for item in found)
    assert due.term_end(entry(status=statuses.IN_FORCE, in_force_on=D(9999, 6, 1))) is None
    assert dates(due.of(entry(status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30),
                              renewal=True, notice_months="six"))) == [
        (due.EXPIRY, "the term ends (renewed unless notice was given)", D(2032, 4, 29))]


def test_a_stored_control_character_cannot_break_the_calendar():
    title = "Соглашение\r\nBEGIN:VEVENT\x1b[2J\x00"
    data = due.ics([due.Reminder(1, title, due.EXPIRY, "x\ry", D(2030, 1, 1))], STAMP)
    lines = data.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1  # the title added no event of its own
    assert b"DESCRIPTION:\xd0\xa1\xd0\xbe\xd0\xb3\xd0\xbb\xd0\xb0\xd1\x88\xd0\xb5\xd0\xbd" \
           b"\xd0\xb8\xd0\xb5\\nBEGIN:VEVENT\\\\x1b[2J\\\\x00" in data
    assert b"\x00" not in data and b"\x1b" not in data and b"x\\\\x0dy" in data


# --- amendments and notices (issue 20) ---------------------------------------------------------

def _extension(status: str, years: object = 3) -> Agreement:
    return entry(id=2, status=status, term_years=None,
                 answers={"amends": {"changes": [{"add_area": ["ecology"]},
                                                 {"extend_term": {"years": years}}]}})


@pytest.mark.parametrize("status, end", [
    (statuses.SIGNED, D(2032, 4, 29)),    # signed, not yet in force: the term is as it was
    (statuses.IN_FORCE, D(2035, 4, 29)),  # in force: 5 years and 3 more
])
def test_an_amendment_extends_the_term_once_it_is_in_force(status, end):
    agreement = entry(status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30))
    agreement.amendments = [_extension(status)]
    assert due.term_end(agreement) == end
    assert [item.date for item in due.of(agreement)] == [end]


def test_a_stored_extension_that_is_not_a_number_extends_nothing():
    agreement = entry(status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30))
    agreement.amendments = [_extension(statuses.IN_FORCE, "три")]
    assert due.term_end(agreement) == D(2032, 4, 29)


def test_a_notice_recorded_replaces_the_renewal_and_the_terms_end():
    agreement = entry(status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30), renewal=True,
                      ends_on=D(2032, 4, 29), ends_as=statuses.EXPIRED)
    assert dates(due.of(agreement)) == [
        (due.ENDS, "the agreement ends: «expired» on 29.04.2032", D(2032, 4, 29))]


def test_a_step_taken_back_counts_for_nothing():
    """A renewal recorded and then taken back (an «undo» naming it) adds no term."""
    agreement = entry(status=statuses.IN_FORCE, in_force_on=D(2027, 4, 30))
    agreement.history = [Change(id=1, status=statuses.IN_FORCE, on=D(2027, 4, 30), kind="step"),
                         Change(id=2, status=statuses.RENEWED, on=D(2032, 4, 30), kind="step"),
                         Change(id=3, status=statuses.IN_FORCE, kind="undo", undoes_id=2)]
    assert due.term_end(agreement) == D(2032, 4, 29)


def test_a_window_past_the_calendars_end_holds_every_date():
    """``due --within 99999m`` is 8,000 years: the window ends with the calendar."""
    draft = entry()
    assert due.within([draft], D(2027, 1, 1), 99999 * 30) == due.within([draft], D(2027, 1, 1),
                                                                        None)
