"""The register's procedure is the law's, read from each shipped profile's tracks: a table of
moves, each allowed or refused with the steps missing."""

from __future__ import annotations

import dataclasses

import pytest

from xbdocs import profile as profiles
from xbdocs.registry import procedure
from xbdocs.registry import statuses as s

SHIPPED = sorted(path.stem for path in profiles.PROFILES_DIR.glob("*.yaml"))

#: What each shipped profile's tracks require, as the law and the profile say.
LINES = {
    ("altai-krai", "municipal"): (s.DRAFT, s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED,
                                  s.SIGNED, s.FILED, s.REGISTERED, s.IN_FORCE),
    ("altai-krai", "regional"): (s.DRAFT, s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED,
                                 s.SIGNED, s.FILED, s.REGISTERED, s.IN_FORCE),
}


def _tracks():
    for name in SHIPPED:
        for track_name, track in profiles.load(name).tracks.items():
            yield name, track_name, track


def test_every_shipped_track_has_a_line_of_the_law():
    for name, track_name, track in _tracks():
        line = procedure.line(track)
        assert line[0] == s.DRAFT and line[-1] == s.IN_FORCE, (name, track_name)
        # 179-FZ Art. 12 / 4-FZ: approved before signed, registered before in force.
        assert line.index(s.APPROVED) < line.index(s.SIGNED), (name, track_name)
        assert line.index(s.REGISTERED) < line.index(s.IN_FORCE), (name, track_name)
        if (name, track_name) in LINES:
            assert line == LINES[(name, track_name)]


@pytest.mark.parametrize("current, new, missing", [
    (s.DRAFT, s.IN_FORCE, [s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED, s.SIGNED, s.FILED,
                           s.REGISTERED]),
    (s.DRAFT, s.REGISTERED, [s.NOTICE_SENT, s.SENT_FOR_APPROVAL, s.APPROVED, s.SIGNED,
                             s.FILED]),
    (s.NOTICE_SENT, s.FILED, [s.SENT_FOR_APPROVAL, s.APPROVED, s.SIGNED]),
    (s.SIGNED, s.IN_FORCE, [s.FILED, s.REGISTERED]),
    (s.DRAFT, s.SENT_FOR_APPROVAL, [s.NOTICE_SENT]),
])
def test_a_municipal_agreement_cannot_skip_a_step_of_the_law(current, new, missing):
    line = procedure.line(profiles.load("altai-krai").tracks["municipal"])
    assert not procedure.allowed(line, current, new)
    assert procedure.missing(line, current, new) == missing


@pytest.mark.parametrize("current, new", [
    (s.DRAFT, s.NOTICE_SENT), (s.NOTICE_SENT, s.SENT_FOR_APPROVAL),
    (s.SENT_FOR_APPROVAL, s.APPROVED), (s.APPROVED, s.SIGNED), (s.SIGNED, s.FILED),
    (s.FILED, s.REGISTERED), (s.REGISTERED, s.IN_FORCE), (s.IN_FORCE, s.RENEWED),
    (s.RENEWED, s.RENEWED), (s.IN_FORCE, s.EXPIRED), (s.DRAFT, s.TERMINATED),
    (s.IN_FORCE, s.TERMINATED),
    # refusals send it back
    (s.SENT_FOR_APPROVAL, s.DRAFT), (s.FILED, s.SIGNED),
])
def test_the_moves_the_procedure_allows(current, new):
    line = procedure.line(profiles.load("altai-krai").tracks["municipal"])
    assert procedure.allowed(line, current, new)


@pytest.mark.parametrize("current, new", [
    (s.SIGNED, s.DRAFT), (s.REGISTERED, s.SIGNED), (s.IN_FORCE, s.DRAFT),
    (s.EXPIRED, s.IN_FORCE), (s.TERMINATED, s.DRAFT), (s.DRAFT, s.RENEWED),
    (s.SIGNED, s.EXPIRED), (s.APPROVED, s.APPROVED),
])
def test_the_moves_it_refuses(current, new):
    line = procedure.line(profiles.load("altai-krai").tracks["municipal"])
    assert not procedure.allowed(line, current, new)


def test_a_track_without_a_notice_passes_over_it():
    track = profiles.load("altai-krai").tracks["municipal"]
    without = dataclasses.replace(track, steps=tuple(
        step for step in track.steps if "notice" not in step.documents))
    line = procedure.line(without)
    assert s.NOTICE_SENT not in line
    assert procedure.allowed(line, s.DRAFT, s.SENT_FOR_APPROVAL)


def test_with_no_profile_the_law_itself():
    assert procedure.line(None) == (s.DRAFT, s.SENT_FOR_APPROVAL, s.APPROVED, s.SIGNED,
                                    s.FILED, s.REGISTERED, s.IN_FORCE)


def test_an_agreement_in_force_on_its_own_date_may_pass_over_registration():
    """4-FZ Art. 8: a regional agreement is registered, but one that takes effect on signing
    (or on the exchange of notifications) is in force without waiting for it; a municipal
    one takes effect only after registration (179-FZ Art. 12)."""
    line = procedure.line(profiles.load("altai-krai").tracks["regional"])
    for entry_into_force in ("signing", "notifications"):
        passable = procedure.passable(entry_into_force)
        assert procedure.allowed(line, s.SIGNED, s.IN_FORCE, passable)
        assert procedure.missing(line, s.SIGNED, s.IN_FORCE, passable) == []
        # … but nothing else is passed over: not the approval before signing.
        assert procedure.missing(line, s.NOTICE_SENT, s.SIGNED, passable) == [
            s.SENT_FOR_APPROVAL, s.APPROVED]
        assert not procedure.allowed(line, s.SIGNED, s.REGISTERED, passable)
    assert procedure.passable("registration") == frozenset()
    assert not procedure.allowed(line, s.SIGNED, s.IN_FORCE, procedure.passable("registration"))


def test_what_each_step_of_a_profile_completes():
    """A step is due until the status it completes: its letter sent, or the decision taken."""
    altai = procedure.completes(profiles.load("altai-krai").tracks["municipal"])
    assert altai == {"notice": s.NOTICE_SENT, "approval-request": s.SENT_FOR_APPROVAL,
                     "approval-decision": s.APPROVED, "registration": s.FILED,
                     "registration-decision": s.REGISTERED}
    orenburg = procedure.completes(profiles.load("orenburg").tracks["municipal"])
    assert orenburg == {"notice": s.NOTICE_SENT, "approval-request": s.SENT_FOR_APPROVAL,
                        "registration": s.FILED, "registration-decision": s.REGISTERED}
    assert procedure.completes(None) == {}


def test_a_procedure_of_a_profile_gone_is_the_laws():
    gone = procedure.of("no-such-profile", "municipal", "registration")
    assert gone.line == procedure.line(None) and gone.track is None
    cache: procedure.Cache = {}
    first = procedure.of(None, "regional", "signing", cache)
    assert procedure.of(None, "regional", "signing", cache) is first
    assert first.reached(s.RENEWED, s.REGISTERED) and not first.reached(s.DRAFT, s.SIGNED)
