"""The register: agreements and the history of their statuses.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("russian_party", sa.Text, nullable=False),
        sa.Column("russian_ids", sa.String(80), nullable=False),
        sa.Column("russian_signatory", sa.Text, nullable=False),
        sa.Column("kazakh_party", sa.Text, nullable=False),
        sa.Column("kazakh_ids", sa.String(80), nullable=False),
        sa.Column("kazakh_signatory", sa.Text, nullable=False),
        sa.Column("areas", sa.JSON, nullable=False),
        sa.Column("signed_on", sa.Date),
        sa.Column("signed_at", sa.String(200), nullable=False),
        sa.Column("term_years", sa.Integer),
        sa.Column("renewal", sa.Boolean, nullable=False),
        sa.Column("renewal_years", sa.Integer),
        sa.Column("notice_months", sa.Integer),
        sa.Column("entry_into_force", sa.String(20), nullable=False),
        sa.Column("in_force_on", sa.Date),
        sa.Column("approval", sa.Text, nullable=False),
        sa.Column("registration_number", sa.String(60), nullable=False),
        sa.Column("registered_on", sa.Date),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("status_on", sa.Date),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("profile", sa.String(60), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("answers_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("templates_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agreement_id", sa.Integer, sa.ForeignKey("agreements.id"), nullable=False,
                  index=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("on", sa.Date),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("changes")
    op.drop_table("agreements")
