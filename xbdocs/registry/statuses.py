"""The statuses an agreement passes through, and which moves between them are possible.

Draft → notice sent → sent for approval → approved → signed → filed for registration →
registered → in force → renewed / expired / terminated. A regional agreement skips what
does not apply to it (it is registered federally, not by the region), so some steps may be
passed over; going back is never possible, except that a refused registration returns the
agreement to «signed» to be filed again, and a refused approval to «draft».
"""

from __future__ import annotations

from xbdocs.errors import printable
from xbdocs.i18n import N_, _

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
#: The procedure's line: from each, any later one of these may follow (steps passed over).
_LINE = (DRAFT, NOTICE_SENT, SENT_FOR_APPROVAL, APPROVED, SIGNED, FILED, REGISTERED, IN_FORCE)
#: Moves back, each for a refusal.
_BACK = {(SENT_FOR_APPROVAL, DRAFT), (FILED, SIGNED)}
#: Where an agreement's life ends; nothing follows.
FINAL = (EXPIRED, TERMINATED)


def label(status: str) -> str:
    """The status as a person reads it. One xbdocs does not know (a register edited by hand,
    or by a newer xbdocs) is shown as it is, made printable: listing the register must not
    fail on it."""
    known = LABELS.get(status)
    return _(known) if known else printable(str(status), 40)


def allowed(current: str, new: str) -> bool:
    """Whether an agreement in ``current`` may be moved to ``new``."""
    if current in FINAL or (new == current and new != RENEWED):
        return False
    if (current, new) in _BACK:
        return True
    if new in (RENEWED, EXPIRED):
        return current in (IN_FORCE, RENEWED)
    if new == TERMINATED:
        return current in (*_LINE, RENEWED)
    if current in _LINE and new in _LINE:
        return _LINE.index(new) > _LINE.index(current)
    return False


def next_ones(current: str) -> list[str]:
    return [status for status in STATUSES if allowed(current, status)]
