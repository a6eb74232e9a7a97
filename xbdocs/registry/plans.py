"""An agreement's plan of joint events kept in the register (the department server's plan
form and upload; migration 0005): the plan file's own YAML text — what ``xbdocs plan``
reads — with a revision. A save names the revision it was made from and is refused when
the plan has moved on since (:class:`StalePlan`): two people editing one plan, the second
is told, nothing is overwritten. Every save is in the audit trail, with the old text and
the new."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from xbdocs.errors import StalePlan
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.models import AgreementPlan
from xbdocs.registry.store import Register


@dataclass(frozen=True)
class KeptPlan:
    agreement_id: int
    text: str
    revision: int
    by: str
    at: dt.datetime


class Plans:
    def __init__(self, register: Register) -> None:
        self.register = register

    def get(self, agreement_id: int) -> KeptPlan | None:
        with self.register.session() as session:
            row = session.scalar(select(AgreementPlan).where(
                AgreementPlan.agreement_id == agreement_id))
            return _kept(row) if row else None

    def save(self, agreement_id: int, text: str, revision: int | None, *, by: str,
             address: str = "", municipality: str = "",
             action: str = "plan-saved") -> KeptPlan:
        """Keep ``text`` (already read by :func:`xbdocs.plans.loads`) as the agreement's
        plan, if its revision is still ``revision`` (0: no plan yet; None: whatever it is
        now — an upload replaces the plan as it stands). The write itself is conditional
        (``UPDATE … WHERE revision = …``; the plan's row is unique per agreement), so a save
        racing another on PostgreSQL is refused too, not only one made on a stale page."""
        try:
            with self.register.session() as session:
                row = session.scalar(select(AgreementPlan).where(
                    AgreementPlan.agreement_id == agreement_id))
                current = row.revision if row else 0
                if revision is not None and revision != current:
                    raise StalePlan
                now = dt.datetime.now(dt.UTC)
                if row is None:
                    session.add(AgreementPlan(agreement_id=agreement_id, text=text,
                                              revision=1, by=by, at=now))
                else:
                    done = session.execute(
                        update(AgreementPlan)
                        .where(AgreementPlan.id == row.id,
                               AgreementPlan.revision == current)
                        .values(text=text, revision=current + 1, by=by, at=now)
                        .execution_options(synchronize_session=False))
                    if done.rowcount != 1:
                        raise StalePlan
                Accounts.record(session, by, address, action, "agreement", str(agreement_id),
                                municipality,
                                {"revision": current, "plan": row.text} if row else None,
                                {"revision": current + 1, "plan": text})
        except IntegrityError:  # another first save of this agreement's plan came first
            raise StalePlan from None
        return KeptPlan(agreement_id, text, current + 1, by, now)


def _kept(row: AgreementPlan) -> KeptPlan:
    return KeptPlan(row.agreement_id, row.text, row.revision, row.by, row.at)
