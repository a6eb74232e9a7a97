"""The register's tables. Changed only through a migration (``migrations/versions``), so a
register made by an older xbdocs is upgraded, never rebuilt.

An agreement keeps its answers whole (as the answers file holds them) beside the columns the
register shows, which are read from the answers through the schema when it is added — not
typed again here.

Nothing in the history is ever deleted or rewritten: a correction is a row of its own
(``kind`` «undo», naming the row it takes back), and the entry's columns are what its
history, replayed without the rows taken back, says (:func:`xbdocs.registry.store.replay`).
Each version of a draft is kept (``versions``); an amendment is an entry of its own, linked
to the agreement it amends (``amends_id``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
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
    #: For an amendment (дополнительное соглашение): the entry of the agreement it amends
    #: (None: an agreement, or an amendment whose agreement the register does not hold), and
    #: its own number («№ 1»).
    amends_id: Mapped[int | None] = mapped_column(Integer, index=True)
    amendment_number: Mapped[int | None] = mapped_column(Integer)
    #: The day the agreement ends by a notice recorded (non-renewal: its period's last day;
    #: termination: the earliest day, counted from sending), and how: «expired» or
    #: «terminated». Set by the notice's history row (replayed as the steps are).
    ends_on: Mapped[dt.date | None] = mapped_column(StoredDate)
    ends_as: Mapped[str] = mapped_column(String(30), default="", server_default="")

    history: Mapped[list[Change]] = relationship(
        back_populates="agreement", order_by="Change.id", cascade="all, delete-orphan")
    versions: Mapped[list[Version]] = relationship(
        back_populates="agreement", order_by="Version.number", cascade="all, delete-orphan")
    #: The amendments recorded for this agreement (their own entries), in the order added.
    amendments: Mapped[list[Agreement]] = relationship(
        primaryjoin="Agreement.id == foreign(Agreement.amends_id)",
        order_by="Agreement.id", viewonly=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


#: What a row of the history is. «added»: the entry was made (a draft); «step»: a step of
#: the procedure (``status`` is the one it reached); «undo»: a step taken back
#: (``undoes_id``; ``status`` is the one the entry returned to, ``note`` the reason);
#: «notice»: a notice ending the agreement sent (``details``: kind and the day it ends);
#: «version»: a new version of the draft (``details``: its number and digest);
#: «amendment»: an amendment recorded for this agreement (``details``: its entry).
ADDED, STEP, UNDO, NOTICE, VERSION, AMENDMENT = (
    "added", "step", "undo", "notice", "version", "amendment")
KINDS = (ADDED, STEP, UNDO, NOTICE, VERSION, AMENDMENT)


class Change(Base):
    """One row of the history: a step of the procedure as recorded (status, its document's
    number and date), or a correction, a notice, a version, an amendment (``kind``)."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    on: Mapped[dt.date | None] = mapped_column(StoredDate)
    number: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20), default=STEP, server_default=STEP)
    #: For an «undo»: the row it takes back.
    undoes_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict | None] = mapped_column(JSON)

    agreement: Mapped[Agreement] = relationship(back_populates="history")


class Version(Base):
    """One version of an agreement's text while it is a draft: its answers as they were
    (the entry keeps the current one's in its own columns), their digest, where it came
    from. Number 1 is the text the entry was made with."""

    __tablename__ = "versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    answers: Mapped[dict] = mapped_column(JSON)
    answers_sha256: Mapped[str] = mapped_column(String(64), index=True)
    templates_sha256: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    agreement: Mapped[Agreement] = relationship(back_populates="versions")


def kind_of(change: Change) -> str:
    """The row's kind; a row made in memory and not yet stored has none yet (its column
    default is given when it is written): a step."""
    return change.kind or STEP


def effective(entry: Agreement) -> list[Change]:
    """The rows of ``entry``'s history that count: its steps and notices, without those a
    later «undo» took back (and without the undos themselves), in the order recorded."""
    undone = {change.undoes_id for change in entry.history
              if kind_of(change) == UNDO and change.undoes_id is not None}
    return [change for change in entry.history
            if kind_of(change) in (STEP, NOTICE) and
            (change.id is None or change.id not in undone)]


def steps(entry: Agreement) -> list[Change]:
    """The steps of the procedure that count (:func:`effective` without notices)."""
    return [change for change in effective(entry) if kind_of(change) == STEP]


# --- the department server: accounts, sessions, the audit trail (migration 0003) ----------

#: What a user may do (docs/server.md): a clerk drafts for the municipalities given; a
#: lawyer reviews and files for a region; an admin keeps the users and the settings.
CLERK, LAWYER, ADMIN = "clerk", "lawyer", "admin"
ROLES = (CLERK, LAWYER, ADMIN)


class User(Base):
    """Someone who may log in: by a password kept here (argon2), or through the directory
    (``password_hash`` empty, ``directory`` true)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    #: A clerk's municipalities: catalogue party ids.
    municipalities: Mapped[list] = mapped_column(JSON, default=list)
    #: A lawyer's region: a catalogue region id.
    region: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    directory: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: Sessions begun before this moment are ended (a new password, «log out everywhere»,
    #: a disabled account).
    sessions_valid_after: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A login: the cookie holds a random token, this row its digest (a copy of the table
    logs no one in)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(64), default="")
    ended: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginAttempt(Base):
    """A try to log in, kept to throttle guessing per account and per address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    success: Mapped[bool] = mapped_column(Boolean)


class AuditEntry(Base):
    """One change — an answer, a review comment, a status, a user, a setting — with who,
    when, from where, what it was and what it became. Only ever inserted: the application
    has no code that updates or deletes a row of it (tests/test_accounts.py looks)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str] = mapped_column(String(128), index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))
    #: What it is about: «draft», «user», «agreement», «setting», «session».
    object_kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str] = mapped_column(String(64), default="")
    #: The municipality (catalogue party id) it concerns, so a clerk sees only theirs.
    municipality: Mapped[str] = mapped_column(String(80), default="", index=True)
    old: Mapped[dict | None] = mapped_column(JSON)
    new: Mapped[dict | None] = mapped_column(JSON)


class DepartmentFact(Base):
    """A fact of a filing profile the department has verified or completed (migration
    0004): the shipped profile stays as it is; the server's documents use the profile with
    these put in (:func:`xbdocs.profile.with_facts`)."""

    __tablename__ = "facts"
    __table_args__ = (UniqueConstraint("profile", "place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(60))
    place: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(Text, default="")
    verified_by: Mapped[str] = mapped_column(String(128))
    verified_on: Mapped[dt.date] = mapped_column(StoredDate)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AgreementPlan(Base):
    """An agreement's plan of joint events (migration 0005), kept as the plan file's own
    YAML text — what ``xbdocs plan`` reads and the browser's form writes — so it downloads
    as a file a person can edit and upload again. ``revision`` is bumped by every save: a
    save made from an older revision is refused, not lost (two people editing one plan)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
