"""Corrections, versions, amendments and endings: what the register keeps beside the steps.

- ``changes.kind`` — what a history row is (``added``, ``step``, ``undo``, ``notice``,
  ``version``, ``amendment``); ``changes.undoes_id`` — the row an undo takes back;
  ``changes.details`` — what a notice, a version or an amendment row records;
- ``versions`` — every version of an agreement's text while it is a draft;
- ``agreements.amends_id`` / ``amendment_number`` — an amendment's link to its agreement;
- ``agreements.ends_on`` / ``ends_as`` — the day a notice ends the agreement, and how.

A register made by 0001 keeps every entry and every history row. Three things are filled in
from what it holds: the first row of each history is marked ``added`` (0001 began every
history with it); each entry's text becomes its version 1; and the date of signing is kept
only for an entry whose history reached signing — 0001 copied the *planned* date from the
answers into it at once, and the answers still hold that date, shown as planned.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

#: The statuses 0001 recorded only once an agreement was signed (or later).
_SIGNED_OR_LATER = ("signed", "filed-for-registration", "registered", "in-force", "renewed",
                    "expired")

agreements = sa.table("agreements", sa.column("id", sa.Integer), sa.column("title", sa.Text),
                      sa.column("answers", sa.JSON), sa.column("answers_sha256", sa.String),
                      sa.column("templates_sha256", sa.String), sa.column("source", sa.Text),
                      sa.column("created_at", sa.DateTime(timezone=True)),
                      sa.column("signed_on", sa.Date))
changes = sa.table("changes", sa.column("id", sa.Integer), sa.column("agreement_id", sa.Integer),
                   sa.column("status", sa.String), sa.column("by", sa.String),
                   sa.column("kind", sa.String))
versions = sa.table("versions", sa.column("agreement_id", sa.Integer),
                    sa.column("number", sa.Integer), sa.column("title", sa.Text),
                    sa.column("answers", sa.JSON), sa.column("answers_sha256", sa.String),
                    sa.column("templates_sha256", sa.String), sa.column("source", sa.Text),
                    sa.column("by", sa.String), sa.column("at", sa.DateTime(timezone=True)))


def upgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(sa.Column("amends_id", sa.Integer))
        batch.add_column(sa.Column("amendment_number", sa.Integer))
        batch.add_column(sa.Column("ends_on", sa.Date))
        batch.add_column(sa.Column("ends_as", sa.String(30), nullable=False,
                                   server_default=""))
        batch.create_index("ix_agreements_amends_id", ["amends_id"])
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False,
                                   server_default="step"))
        batch.add_column(sa.Column("undoes_id", sa.Integer))
        batch.add_column(sa.Column("details", sa.JSON))
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agreement_id", sa.Integer, sa.ForeignKey("agreements.id"), nullable=False,
                  index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("answers_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("templates_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    first = sa.select(sa.func.min(changes.c.id)).group_by(changes.c.agreement_id)
    op.execute(changes.update().where(changes.c.id.in_(first)).values(kind="added"))
    reached = sa.select(changes.c.id).where(changes.c.agreement_id == agreements.c.id,
                                            changes.c.status.in_(_SIGNED_OR_LATER))
    op.execute(agreements.update().where(~sa.exists(reached)).values(signed_on=None))
    recorded_by = sa.select(changes.c.by).where(
        changes.c.agreement_id == agreements.c.id).order_by(changes.c.id).limit(1)
    op.execute(versions.insert().from_select(
        ["agreement_id", "number", "title", "answers", "answers_sha256", "templates_sha256",
         "source", "by", "at"],
        sa.select(agreements.c.id, sa.literal(1), agreements.c.title, agreements.c.answers,
                  agreements.c.answers_sha256, agreements.c.templates_sha256,
                  agreements.c.source,
                  sa.func.coalesce(recorded_by.scalar_subquery(), ""),
                  agreements.c.created_at)))


def downgrade() -> None:
    op.drop_table("versions")
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("details")
        batch.drop_column("undoes_id")
        batch.drop_column("kind")
    with op.batch_alter_table("agreements") as batch:
        batch.drop_index("ix_agreements_amends_id")
        batch.drop_column("ends_as")
        batch.drop_column("ends_on")
        batch.drop_column("amendment_number")
        batch.drop_column("amends_id")
