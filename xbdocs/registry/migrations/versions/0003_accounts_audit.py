"""The department server: users, their sessions, login attempts, and the audit trail.

A register made by 0002 keeps everything; these tables start empty (the first admin is
made with ``xbdocs users add --role admin``).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(128), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("municipalities", sa.JSON, nullable=False),
        sa.Column("region", sa.String(60), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("directory", sa.Boolean, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("sessions_valid_after", _WHEN, nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False,
                  index=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("seen_at", _WHEN, nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("ended", sa.Boolean, nullable=False),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(128), nullable=False, index=True),
        sa.Column("address", sa.String(64), nullable=False, index=True),
        sa.Column("at", _WHEN, nullable=False, index=True),
        sa.Column("success", sa.Boolean, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", _WHEN, nullable=False, index=True),
        sa.Column("username", sa.String(128), nullable=False, index=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_kind", sa.String(20), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("municipality", sa.String(80), nullable=False, index=True),
        sa.Column("old", sa.JSON),
        sa.Column("new", sa.JSON),
    )


def downgrade() -> None:
    for table in ("audit", "login_attempts", "web_sessions", "users"):
        op.drop_table(table)
