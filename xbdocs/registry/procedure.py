"""The procedure an agreement goes through, read from its filing profile's track — the law's
order of steps, not a line of statuses of the register's own.

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
"""

from __future__ import annotations

from xbdocs.profile import TrackProfile
from xbdocs.registry import statuses

#: The document whose step each status stands for, and the status its decision brings.
_SENDS = (("notice", (statuses.NOTICE_SENT,)),
          ("approval-request", (statuses.SENT_FOR_APPROVAL, statuses.APPROVED)),
          ("registration-application", (statuses.FILED, statuses.REGISTERED)))
#: Where an agreement may be sent back to, each for a refusal.
REFUSALS = {statuses.SENT_FOR_APPROVAL: statuses.DRAFT, statuses.FILED: statuses.SIGNED}
#: A municipal agreement with no profile at hand: 179-FZ's own steps.
_LAW = (statuses.DRAFT, statuses.SENT_FOR_APPROVAL, statuses.APPROVED, statuses.SIGNED,
        statuses.FILED, statuses.REGISTERED, statuses.IN_FORCE)


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


def missing(track_line: tuple[str, ...], current: str, new: str) -> list[str]:
    """The steps of the line an agreement in ``current`` has still to pass before ``new``
    (empty when the move is a next step)."""
    if current not in track_line or new not in track_line:
        return []
    start, end = track_line.index(current), track_line.index(new)
    return list(track_line[start + 1:end]) if end > start else []


def allowed(track_line: tuple[str, ...], current: str, new: str) -> bool:
    """Whether an agreement on a track with ``track_line`` may move from ``current`` to
    ``new``."""
    if current in statuses.FINAL:
        return False
    if new == statuses.TERMINATED:
        return True
    if REFUSALS.get(current) == new:
        return True
    if new in (statuses.RENEWED, statuses.EXPIRED):
        return current in (statuses.IN_FORCE, statuses.RENEWED)
    if current in track_line and new in track_line:
        start, end = track_line.index(current), track_line.index(new)
        return end == start + 1
    return False


def next_ones(track_line: tuple[str, ...], current: str) -> list[str]:
    """Where an agreement in ``current`` may go next, in the order of the statuses."""
    return [status for status in statuses.STATUSES if allowed(track_line, current, status)]
