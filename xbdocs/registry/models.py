"""The register's tables. Changed only through a migration (``migrations/versions``), so a
register made by an older xbdocs is upgraded, never rebuilt.

An agreement keeps its answers whole (as the answers file holds them) beside the columns the
register shows, which are read from the answers through the schema when it is added — not
typed again here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    pass


class StoredDate(TypeDecorator):
    """A date column (stored exactly as :class:`sqlalchemy.Date` stores it) that reads
    tolerantly: SQLite keeps whatever text a person wrote into the file by hand, and a date
    «19.09.2012» there must not make every listing, reminder and export of the register
    fail. Read as the date it says when it is one (ISO or 19.09.2012), else as no date."""

    impl = Date
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any):
        inner = self.impl_instance.dialect_impl(dialect).result_processor(dialect, coltype)
        if inner is None:  # the driver gives dates itself (PostgreSQL): nothing to tolerate
            return None

        def process(value: Any) -> dt.date | None:
            try:
                return inner(value)
            except (ValueError, TypeError):
                try:
                    return dt.datetime.strptime(str(value).strip(), "%d.%m.%Y").date()
                except ValueError:
                    return None
        return process


class Agreement(Base):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    track: Mapped[str] = mapped_column(String(16))
    #: The parties as the register lists them: name, identifiers, signatory.
    russian_party: Mapped[str] = mapped_column(Text)
    russian_ids: Mapped[str] = mapped_column(String(80), default="")
    russian_signatory: Mapped[str] = mapped_column(Text, default="")
    kazakh_party: Mapped[str] = mapped_column(Text)
    kazakh_ids: Mapped[str] = mapped_column(String(80), default="")
    kazakh_signatory: Mapped[str] = mapped_column(Text, default="")
    areas: Mapped[list] = mapped_column(JSON, default=list)
    signed_on: Mapped[dt.date | None] = mapped_column(StoredDate)
    signed_at: Mapped[str] = mapped_column(String(200), default="")
    term_years: Mapped[int | None] = mapped_column(Integer)
    renewal: Mapped[bool] = mapped_column(Boolean, default=False)
    renewal_years: Mapped[int | None] = mapped_column(Integer)
    notice_months: Mapped[int | None] = mapped_column(Integer)
    entry_into_force: Mapped[str] = mapped_column(String(20), default="")
    #: When the agreement took effect (registration or signing, as it says), once known.
    in_force_on: Mapped[dt.date | None] = mapped_column(StoredDate)
    approval: Mapped[str] = mapped_column(Text, default="")
    registration_number: Mapped[str] = mapped_column(String(60), default="")
    registered_on: Mapped[dt.date | None] = mapped_column(StoredDate)
    status: Mapped[str] = mapped_column(String(30))
    status_on: Mapped[dt.date | None] = mapped_column(StoredDate)
    notes: Mapped[str] = mapped_column(Text, default="")
    profile: Mapped[str] = mapped_column(String(60), default="")
    answers: Mapped[dict] = mapped_column(JSON)
    #: One entry per agreement: the same answers are the same agreement.
    answers_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    templates_sha256: Mapped[str] = mapped_column(String(64), default="")
    #: Where it came from: a package folder, or an import file and row.
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: Bumped on every change: a change made on a stale read is refused, not lost.
    version: Mapped[int] = mapped_column(Integer, default=1)

    history: Mapped[list[Change]] = relationship(
        back_populates="agreement", order_by="Change.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Change(Base):
    """One step of the procedure, as recorded: status, its document's number and date."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    on: Mapped[dt.date | None] = mapped_column(StoredDate)
    number: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    agreement: Mapped[Agreement] = relationship(back_populates="history")
