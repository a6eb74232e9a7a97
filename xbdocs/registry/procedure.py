"""The procedure an agreement goes through, read from its filing profile's track — the law's
order of steps, not a line of statuses of the register's own. The register's one rule of
moves: :func:`xbdocs.registry.store.move` checks every step with it, and
:mod:`xbdocs.registry.due` reads what a status completes from it.

179-FZ Art. 12: a municipal agreement is approved by the region's Government before it is
signed, and takes effect only after registration; the Altai Krai's profile adds a notice of
negotiations before the request. A region's own (regional-track) agreement goes by 4-FZ and
the Government's decree № 552. Which of the register's statuses an agreement must pass is
therefore what its profile's steps say:

- a step sending the «notice» → *notice of negotiations sent*;
- a step sending the «approval-request» → *sent for approval*, and then *approved*;
- a step sending the «registration-application» → *filed for registration*, and then
  *registered*;
- *draft*, *signed* and *in force* always.

An agreement moves forward one step of its line at a time — a step may be passed over only
where the profile has no such step — and back only on a refusal (approval refused → draft,
registration refused → signed). Once in force it may be renewed, expire or be terminated;
terminated it may be at any time (negotiations abandoned, a party withdraws).

One exception comes from the agreement itself: an agreement that takes effect on its own
date (on signing, or on the exchange of notifications — the regional track's choice, which
the answers' schema allows only there) is in force on that date; the state registration
4-FZ Art. 8 requires follows the signing. Such an agreement may go from *signed* to *in
force*, passing over filing and registration (:func:`passable`); a municipal agreement
never does (179-FZ Art. 12: in force only after registration).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xbdocs.profile import TrackProfile
from xbdocs.registry import statuses

#: The document whose step each status stands for, and the status its decision brings.
_SENDS = (("notice", (statuses.NOTICE_SENT,)),
          ("approval-request", (statuses.SENT_FOR_APPROVAL, statuses.APPROVED)),
          ("registration-application", (statuses.FILED, statuses.REGISTERED)))
#: Where an agreement may be sent back to, each for a refusal.
REFUSALS = statuses.REFUSALS
#: A municipal agreement with no profile at hand: 179-FZ's own steps.
_LAW = statuses.LAW
#: How an agreement may take effect without registration (schema.ENTRY_INTO_FORCE).
_OWN_DATE = ("signing", "notifications")
#: What such an agreement may pass over on its way to «in force».
_NOT_A_CONDITION = frozenset({statuses.FILED, statuses.REGISTERED})
#: The rule of moves on a line (kept in :mod:`~xbdocs.registry.statuses`, beside the
#: statuses, for callers that know no profile): an agreement's procedure applies it to the
#: line its profile's track gives.
missing = statuses.missing_on
allowed = statuses.allowed_on
next_ones = statuses.next_on


def line(track: TrackProfile | None) -> tuple[str, ...]:
    """The statuses an agreement on ``track`` passes, in the procedure's order."""
    if track is None:
        return _LAW
    sent = {document for step in track.steps for document in step.documents}
    found = [statuses.DRAFT]
    for document, reached in _SENDS:
        if document == "registration-application":
            found.append(statuses.SIGNED)
        if document in sent:
            found += reached
    if statuses.SIGNED not in found:
        found.append(statuses.SIGNED)
    return (*found, statuses.IN_FORCE)


def passable(entry_into_force: str | None) -> frozenset[str]:
    """The steps an agreement may pass over on its way to «in force»: filing and
    registration when it takes effect on its own date (signing, notifications); none when it
    takes effect on registration (every municipal agreement, 179-FZ Art. 12)."""
    return _NOT_A_CONDITION if entry_into_force in _OWN_DATE else frozenset()


def completes(track: TrackProfile | None) -> dict[str, str]:
    """The status that completes each of ``track``'s steps, by the step's id: a step is
    due until the agreement reaches it. A step sending a document of the line completes
    with its first status (the letter sent); the decision step after it, with the second
    (the decision taken)."""
    if track is None:
        return {}
    found: dict[str, str] = {}
    awaiting: str | None = None
    for step in track.steps:
        sends = next((reached for document, reached in _SENDS
                      if document in step.documents), None)
        if sends is not None:
            found[step.id] = sends[0]
            awaiting = sends[1] if len(sends) > 1 else None
        elif step.decision and awaiting is not None:
            found[step.id] = awaiting
            awaiting = None
    return found


@dataclass(frozen=True)
class Procedure:
    """The procedure of one agreement: its track's line, what it may pass over, and which
    profile and track it was read from (for messages)."""

    line: tuple[str, ...]
    passed_over: frozenset[str] = frozenset()
    track: TrackProfile | None = field(default=None, compare=False)

    def allowed(self, current: str, new: str) -> bool:
        return allowed(self.line, current, new, self.passed_over)

    def missing(self, current: str, new: str) -> list[str]:
        return missing(self.line, current, new, self.passed_over)

    def next_ones(self, current: str) -> list[str]:
        return next_ones(self.line, current, self.passed_over)

    def reached(self, current: str, status: str) -> bool:
        """Whether an agreement in ``current`` has passed ``status`` (or is in it): once in
        force, renewed or ended, every step of the line is behind it."""
        if current in (statuses.RENEWED, *statuses.FINAL):
            return True
        if current not in self.line or status not in self.line:
            return False
        return self.line.index(current) >= self.line.index(status)


#: Procedures read in one call (a listing, an import), by profile, track and entry into
#: force. The profile module caches the files; this spares re-reading them per entry.
Cache = dict[tuple[str, str, str], Procedure]


def of(profile_id: str | None, track_name: str, entry_into_force: str | None,
       cache: Cache | None = None) -> Procedure:
    """The procedure of an agreement recorded with ``profile_id`` (none: the default
    profile) on ``track_name``. A profile gone or broken since, or a track it lacks, gives
    179-FZ's own line: the register stays usable."""
    from xbdocs import profile as profile_module
    from xbdocs.errors import XbdocsError

    key = (profile_id or "", track_name, entry_into_force or "")
    if cache is not None and key in cache:
        return cache[key]
    try:
        track = profile_module.load(profile_id or None).tracks.get(track_name)
    except XbdocsError:
        track = None
    found = Procedure(line(track), passable(entry_into_force), track)
    if cache is not None:
        cache[key] = found
    return found
