"""The department's own facts: a filing profile's facts verified or completed by the
department (who, when, the source), kept in the database, never in the installed package.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile", sa.String(60), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("verified_by", sa.String(128), nullable=False),
        sa.Column("verified_on", sa.Date, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("profile", "place"),
    )


def downgrade() -> None:
    op.drop_table("facts")
