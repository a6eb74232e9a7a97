"""The statuses an agreement passes through, as a person reads them, and the one rule of
moves between them on a line of statuses.

Draft → notice sent → sent for approval → approved → signed → filed for registration →
registered → in force → renewed / expired / terminated. Which of them an agreement must
pass is its procedure's to say (:mod:`xbdocs.registry.procedure`, read from its profile's
track); the rule that walks that line — forward one step at a time, back only on a refusal —
is kept here, beside the statuses, so that a caller knowing no profile asks the same rule
(on 179-FZ's own line, :data:`LAW`): one rule, not two.
"""

from __future__ import annotations

from xbdocs.errors import printable
from xbdocs.i18n import N_, Message, MessageText, _, choice_of

DRAFT = "draft"
NOTICE_SENT = "notice-sent"
SENT_FOR_APPROVAL = "sent-for-approval"
APPROVED = "approved"
SIGNED = "signed"
FILED = "filed-for-registration"
REGISTERED = "registered"
IN_FORCE = "in-force"
RENEWED = "renewed"
EXPIRED = "expired"
TERMINATED = "terminated"

#: In the procedure's order, with what a person reads.
LABELS = {
    DRAFT: N_("draft"),
    NOTICE_SENT: N_("notice of negotiations sent"),
    SENT_FOR_APPROVAL: N_("sent for approval"),
    APPROVED: N_("approved"),
    SIGNED: N_("signed"),
    FILED: N_("filed for registration"),
    REGISTERED: N_("registered"),
    IN_FORCE: N_("in force"),
    RENEWED: N_("renewed"),
    EXPIRED: N_("expired"),
    TERMINATED: N_("terminated"),
}
STATUSES = tuple(LABELS)
#: Where an agreement's life ends; nothing follows.
FINAL = (EXPIRED, TERMINATED)


def typed(text: str) -> str:
    """The status a person typed: its id, its name in any language of the interface
    («подписано»), or the start of a word of one name («уведомление»); the text as it is
    when none fits (the move then refuses it, listing the names)."""
    return choice_of(text, LABELS) or text


def label(status: str) -> str:
    """The status as a person reads it. One xbdocs does not know (a register edited by hand,
    or by a newer xbdocs) is shown as it is, made printable: listing the register must not
    fail on it."""
    known = LABELS.get(status)
    return _(known) if known else printable(str(status), 40)


def shown(status: str) -> MessageText:
    """The status for a message: translated when the message is shown (:func:`label` is
    the text now)."""
    known = LABELS.get(status)
    return Message(known) if known else printable(str(status), 40)


#: A municipal agreement with no profile at hand: 179-FZ Art. 12's own steps — approved before
#: signed, registered before in force (a profile's track adds a notice: procedure.line).
LAW = (DRAFT, SENT_FOR_APPROVAL, APPROVED, SIGNED, FILED, REGISTERED, IN_FORCE)
#: Where an agreement may be sent back to, each for a refusal: approval refused → draft,
#: registration refused → signed.
REFUSALS = {SENT_FOR_APPROVAL: DRAFT, FILED: SIGNED}
#: Once in force: what renewal and expiry may follow.
_LIFE = (IN_FORCE, RENEWED)


# The one rule of moves, on a line of statuses (:func:`xbdocs.registry.procedure.line` reads
# an agreement's line from its profile; the register asks it through the procedure).

def missing_on(line: tuple[str, ...], current: str, new: str,
               passed_over: frozenset[str] = frozenset()) -> list[str]:
    """The steps of ``line`` an agreement in ``current`` has still to pass before ``new``
    (empty when the move is a next step); ``passed_over`` may be left out on the way to «in
    force» (an agreement that takes effect on its own date)."""
    if current not in line or new not in line:
        return []
    start, end = line.index(current), line.index(new)
    between = list(line[start + 1:end]) if end > start else []
    if new == IN_FORCE:
        between = [status for status in between if status not in passed_over]
    return between


def allowed_on(line: tuple[str, ...], current: str, new: str,
               passed_over: frozenset[str] = frozenset()) -> bool:
    """Whether an agreement with ``line`` may move from ``current`` to ``new``: forward one
    step of its line at a time, back only on a refusal, renewed or expired once in force,
    terminated at any time; nothing after its life has ended."""
    if current in FINAL:
        return False
    if new == TERMINATED:
        return True
    if REFUSALS.get(current) == new:
        return True
    if new in (RENEWED, EXPIRED):
        return current in _LIFE
    if current in line and new in line:
        start, end = line.index(current), line.index(new)
        return end > start and not missing_on(line, current, new, passed_over)
    return False


def next_on(line: tuple[str, ...], current: str,
            passed_over: frozenset[str] = frozenset()) -> list[str]:
    """Where an agreement in ``current`` may go next, in the order of the statuses."""
    return [status for status in STATUSES if allowed_on(line, current, status, passed_over)]


def allowed(current: str, new: str) -> bool:
    """Whether an agreement in ``current`` may be moved to ``new`` when no profile is at hand:
    the rule on 179-FZ's own line (:data:`LAW`). The register itself asks the agreement's
    own procedure; this is for callers that know no agreement (a model of the register, the
    fuzz campaign)."""
    return allowed_on(LAW, current, new)


def next_ones(current: str) -> list[str]:
    """Where an agreement in ``current`` may go next by :func:`allowed`."""
    return next_on(LAW, current)
