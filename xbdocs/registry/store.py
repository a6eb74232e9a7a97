"""Opening a register and changing it: add a built package, import agreements made before
xbdocs, move an agreement through the procedure.

A register is a SQLite file by default (``xbdocs registry where``) or any SQLAlchemy URL —
PostgreSQL for a department that shares one. Opening it brings its schema up to date with
the migrations; a register made by a newer xbdocs is refused, never touched. Every change
is one transaction: two clerks at once lose nothing (SQLite takes the write lock at the
start of a change; PostgreSQL locks the agreement's row), and each move is kept in the
history with the time and who made it. Moves follow the agreement's own procedure (its
profile's track, :mod:`~xbdocs.registry.procedure`) and dates that can be true
(:mod:`~xbdocs.registry.steps`); a mistake is taken back by an undo that adds to the history
and never deletes from it. A revised draft is a new version of its entry; an amendment is an
entry of its own, linked to the agreement it amends.

What comes in is checked at the door, since a register outlives the files it was fed
from: an import file may have been sent by someone else (it opens only answers files in
its own folder, is read with the hardened YAML reader, and is bounded in agreements and
steps); text with control characters is refused before it is stored (a document could
not hold it later); a register location that would keep nothing (in memory, a blank
name) is refused; and no message shows a database password.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session, selectinload

from xbdocs.answers import Answers
from xbdocs.errors import InputError, RegistryError, printable, problem
from xbdocs.findings import Finding, line_of
from xbdocs.i18n import N_, Message, MessageText, _
from xbdocs.output import ANSWERS, MANIFEST
from xbdocs.registry import due, statuses, steps
from xbdocs.registry import procedure as procedure_module
from xbdocs.registry.models import (
    ADDED,
    AMENDMENT,
    NOTICE,
    STEP,
    UNDO,
    VERSION,
    Agreement,
    Change,
    Version,
    effective,
    kind_of,
)
from xbdocs.registry.steps import Step

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FILE_NAME = "registry.sqlite3"

#: The most agreements one import brings in, and the most steps one agreement's history
#: has: a real procedure has a dozen steps and a renewal every five years; an import past
#: these is a mistake or an attack (10,000 steps once took minutes and gigabytes).
MAX_AGREEMENTS = 10_000
MAX_STEPS = 200
#: The widths of the columns that keep a document's number and who recorded a step.
MAX_NUMBER = 60
MAX_BY = 120


def default_location() -> str:
    """``$XBDOCS_DB``, else a SQLite file in the user's data folder."""
    chosen = os.environ.get("XBDOCS_DB")
    if chosen:
        return chosen
    base = os.environ.get("XDG_DATA_HOME") or (Path.home() / ".local" / "share")
    return str(Path(base) / "xbdocs" / FILE_NAME)


def url_of(location: str) -> str:
    """A SQLAlchemy URL for ``location``: a URL as it is, a path as a SQLite file.

    A blank location or «-» is refused rather than made into a file of that name (a script
    that meant «standard input», a variable left empty). The path is quoted into the URL, so
    a file name with «?» or «#» stays a file name and cannot add options (``mode=memory``)."""
    if not location.strip() or location.strip() == "-":
        raise RegistryError(Message("the register's location «{location}» names no register; "
                                    "give a file path or a database URL").format(
                                        location=printable(location, 40)))
    if "://" in location:
        return location
    try:
        path = Path(location).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a symlink loop (Python < 3.13)
        raise _unresolvable(location) from None
    return URL.create("sqlite", database=str(path)).render_as_string()


def _unresolvable(where: str) -> RegistryError:
    return RegistryError(Message("{where}: cannot open the register: the path cannot be "
                                 "resolved (a loop of symbolic links, or a character a path "
                                 "cannot hold)").format(where=printable(where, 120)))


#: The password of a URL: what follows «scheme://user:» up to the last «@» on the line —
#: for a URL too broken to parse, whose parts SQLAlchemy cannot name. Masks too much
#: rather than too little.
_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^\n]*@")


def masked(text: str, url: str = "") -> str:
    """``text`` (a URL, or an error that may quote one) without the password: every
    ``//user:password@`` masked, and the password of ``url`` wherever it appears."""
    text = _PASSWORD.sub(r"\1***@", text)
    try:
        password = make_url(url).password if url else None
    except (ArgumentError, ValueError, TypeError):
        password = None
    if password:
        secret = str(password)
        for form in {secret, quote_plus(secret), quote(secret, safe="")}:
            text = text.replace(form, "***")
    return re.sub(r"(?i)(password\s*=\s*)\S+", r"\1***", text)


def describe(url: str) -> str:
    """The register's place as a person reads it, without a password (also for a URL that
    cannot be parsed: a message about a bad URL must not show its secret)."""
    try:
        made = make_url(url)
        if made.get_backend_name() == "sqlite":
            return made.database or url
        return made.render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        return masked(url)


def _sqlite_locks(engine: Engine) -> None:
    """SQLite: take the write lock when a transaction starts (BEGIN IMMEDIATE), so two
    writers queue instead of one failing half-way; wait up to 30 s for it."""
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not sqlite3, begins
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Register:
    engine: Engine
    url: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed whole at the end, or not at all."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                with session.begin():
                    yield session
            except IntegrityError:
                raise  # the callers say which agreement it is
            except DBAPIError as exc:
                raise RegistryError(Message("{where}: the register is busy or cannot be written "
                                            "({error})").format(
                                                where=printable(describe(self.url), 200),
                                                error=_short(exc, self.url))) from None

    # --- entries -----------------------------------------------------------------------------

    def add_package(self, outdir: Path, answers_file: Path | None = None,
                    by: str | None = None, revises: int | None = None,
                    new: bool = False) -> Added:
        """Record the agreement (or amendment) built into ``outdir`` (its manifest and
        answers): a new entry, or a new version of a draft — the one ``revises`` names, or
        the one with the same parties and title that is not yet signed (unless ``new``).

        The package's own files are read as files named by the package, not by the user:
        only from its folder (a ``built-from.yaml`` linked to a file elsewhere is refused, and
        one that is not an answers file is named, never shown), bounded in size, the manifest
        checked for the shape xbdocs writes. ``--answers FILE`` is the user's own choice."""
        from xbdocs import answers as answers_module

        by = _who(by)
        if revises is not None:
            _an_id(revises)
        manifest = _manifest(outdir)
        path = answers_file or outdir / ANSWERS
        if not path.is_file():
            raise RegistryError(Message("{path}: the package holds no {name} (built by an older "
                                        "xbdocs?); give the answers file it was built from with "
                                        "--answers").format(path=printable(str(outdir)),
                                                      name=ANSWERS))
        answers = answers_module.load(path) if answers_file else \
            answers_module.load_named(ANSWERS, outdir / ANSWERS)
        if answers.digest != manifest["answers"]["sha256"]:
            raise RegistryError(Message("{path}: not the answers this package was built from (its "
                                        "manifest records another digest)").format(
                                      path=printable(str(path))))
        profile, _problem = clean_text((manifest.get("profile") or {}).get("id"), limit=60)
        entry = entry_from(answers, str(outdir.resolve()), profile)
        entry.templates_sha256 = _digest((manifest.get("templates") or {}).get("sha256"))
        try:
            with self.session() as session:
                return record(session, entry, answers, by, _("added from the package"),
                              revises, new)
        except IntegrityError:  # added by someone else between the look and the write
            raise RegistryError(Message("this agreement is in the register already")) from None

    def add_answers(self, answers: Answers, source: str, profile_id: str | None,
                    by: str | None = None) -> Added:
        """Record an agreement from its answers (an accepted draft of the browser): a new
        entry, or a new version of the draft with the same parties and title."""
        by = _who(by)
        entry = entry_from(answers, source, profile_id)
        try:
            with self.session() as session:
                return record(session, entry, answers, by, _("added from the browser"))
        except IntegrityError:
            raise RegistryError(Message("this agreement is in the register already")) from None

    def move(self, agreement_id: int, status: str, on: dt.date | None = None,
             number: str = "", note: str = "", by: str | None = None,
             today: dt.date | None = None) -> Agreement:
        """Record a step of the procedure; an impossible move is refused with the steps
        missing, a date after ``today`` or before the last step is refused, and so is a
        number or note no document could hold (every export would fail on it later).
        Without a date the step is dated today — or, for the end a notice set, that day."""
        number = _field("number", number, limit=MAX_NUMBER)
        note = _field("note", note)
        by = _who(by)
        today = today or dt.date.today()
        _an_id(agreement_id)
        with self.session() as session:
            entry = self._locked(session, agreement_id)
            if on is None and status == entry.ends_as and isinstance(entry.ends_on, dt.date) \
                    and entry.ends_on <= today:
                on = entry.ends_on
            move(entry, Step(status, on or today, number, note), by, today,
                 procedure_module.of(entry.profile, entry.track, entry.entry_into_force))
        return entry

    def undo(self, agreement_id: int, reason: str, by: str | None = None) -> Undone:
        """Take back the last step (or notice) of an entry: a row of the history records
        the undo — who, when, why, which row it takes back — and the entry's status and
        dates become what its history without that step says. Nothing is deleted."""
        reason = _field("reason", reason)
        if not reason:
            raise RegistryError(Message("--reason: say why the step is taken back (it is kept "
                                        "in the history with the step)"))
        by = _who(by)
        _an_id(agreement_id)
        with self.session() as session:
            entry = self._locked(session, agreement_id)
            rows = effective(entry)
            if not rows:
                raise RegistryError(Message("№ {id} has no step to take back: its history "
                                            "holds only its making").format(id=entry.id))
            target, now = rows[-1], _now()
            row = Change(kind=UNDO, status=entry.status, on=None, number="", note=reason,
                         by=by, at=now, undoes_id=target.id,
                         details={"kind": kind_of(target), "status": target.status,
                                  "on": target.on.isoformat()
                                  if isinstance(target.on, dt.date) else None,
                                  "number": target.number or ""})
            entry.history.append(row)
            steps.replay(entry)
            row.status, entry.updated_at = entry.status, now
        return Undone(entry, target)

    def record_notice(self, agreement_id: int, kind: str, sent_on: dt.date,
                      ends_on: dt.date, number: str = "", by: str | None = None,
                      today: dt.date | None = None) -> Agreement:
        """Record a notice ending the agreement (``xbdocs notice`` calls this once the notice
        is written): a history row of kind «notice» — the status is unchanged, the
        agreement is still in force — with the day it was sent, its number, and the day the
        agreement ends (``ends_on``) and how («expired» for non-renewal, «terminated» for
        termination), which the entry keeps. ``registry due`` then lists that day, ``show``
        shows it, and ``registry set ID expired|terminated`` is allowed from it. A later
        notice replaces an earlier one; ``registry undo`` takes one back."""
        if kind not in steps.ENDS_AS:
            raise RegistryError(Message("a notice is «{kinds}», not «{kind}»").format(
                kinds="», «".join(steps.ENDS_AS), kind=printable(str(kind), 40)))
        number = _field("number", number, limit=MAX_NUMBER)
        by = _who(by)
        today = today or dt.date.today()
        _an_id(agreement_id)
        with self.session() as session:
            entry = self._locked(session, agreement_id)
            if entry.status not in (statuses.IN_FORCE, statuses.RENEWED):
                raise RegistryError(Message("№ {id} is «{status}»: a notice ends an agreement in "
                                            "force").format(id=entry.id,
                                                            status=statuses.shown(entry.status)))
            refused = steps.date_refusal(sent_on, steps.last_date(entry), today, entry.id)
            if refused is not None:
                raise RegistryError(refused)
            if ends_on < sent_on:
                raise RegistryError(Message("the day the agreement ends ({ends}) is before the "
                                            "notice is sent ({sent})").format(
                                                ends=f"{ends_on:%d.%m.%Y}",
                                                sent=f"{sent_on:%d.%m.%Y}"))
            now = _now()
            row = Change(kind=NOTICE, status=entry.status, on=sent_on, number=number, note="",
                         by=by, at=now, details={"kind": kind, "ends_on": ends_on.isoformat(),
                                                 "ends_as": steps.ENDS_AS[kind]})
            entry.history.append(row)
            steps.effect(entry, row)
            entry.updated_at = now
        return entry

    @staticmethod
    def _locked(session: Session, agreement_id: int) -> Agreement:
        """The entry, its row locked for the change (PostgreSQL), with what the rules read:
        its history and its amendments (whose extension moves the term's end)."""
        entry = session.get(Agreement, agreement_id, with_for_update=True,
                            options=[selectinload(Agreement.history),
                                     selectinload(Agreement.amendments)])
        if entry is None:
            raise RegistryError(Message("no agreement № {id} in the register").format(
                id=agreement_id))
        return entry

    # --- reading -----------------------------------------------------------------------------

    def all(self) -> list[Agreement]:
        with self.session() as session:
            return list(session.scalars(select(Agreement).options(*_LOADED).order_by(
                Agreement.id)))

    def get(self, agreement_id: int) -> Agreement:
        _an_id(agreement_id)
        with self.session() as session:
            entry = session.get(Agreement, agreement_id, options=list(_LOADED))
        if entry is None:
            raise RegistryError(Message("no agreement № {id} in the register").format(
                id=agreement_id))
        return entry


#: What a read of the register loads with each entry: the entries outlive the session that
#: read them, so nothing may be left to load later.
_LOADED = (selectinload(Agreement.history), selectinload(Agreement.versions),
           selectinload(Agreement.amendments))


@dataclass(frozen=True)
class Added:
    """What ``registry add`` recorded: a new entry, or a new version of one (``version``,
    and whether the register recognised the draft by its parties and title: ``recognised``);
    for an amendment, the agreement it is linked to, or why it is not (``unlinked``).
    ``reapprove``: the version came after the draft was sent for approval (or approved) —
    the approval is of another text."""

    entry: Agreement
    version: int | None = None
    recognised: bool = False
    linked: int | None = None
    unlinked: MessageText | None = None
    reapprove: bool = False


@dataclass(frozen=True)
class Undone:
    """An undo: the entry as it is now, and the row taken back."""

    entry: Agreement
    target: Change


def _an_id(agreement_id: int) -> None:
    """No entry has a number a database integer cannot hold (the driver would fail on it,
    not say «no such entry»)."""
    if not 0 < agreement_id < 2**63:
        raise RegistryError(Message("no agreement № {id} in the register").format(
            id=printable(str(agreement_id), 40)))


# --- text that goes in --------------------------------------------------------------------------

#: What a multi-line note may not hold beside what any text may not: line breaks are kept,
#: tabs, carriage returns and direction marks are not (they reorder or hide what is read).
_NOT_IN_NOTES = re.compile("[\t\r\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_text(value: Any, one_line: bool = True,
               limit: int | None = None) -> tuple[str, MessageText | None]:
    """A text field as the register keeps it (stripped; "" when not given), or why it cannot
    be kept: a control character, a line break in a one-line field, too long. The rules of
    an answers file's text (:func:`xbdocs.yamlread.check_text`), so that what a document
    cannot hold never reaches the register."""
    from xbdocs.yamlread import check_text

    if value is None or (isinstance(value, str) and not value.strip()):
        return "", None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a spreadsheet cell: 17, not 17.0
    if isinstance(value, str) and not one_line:
        value = value.replace("\r\n", "\n")
    cleaned, message = check_text(value, one_line)
    if message is not None or cleaned is None:
        return "", message
    if not one_line and _NOT_IN_NOTES.search(cleaned):
        return "", Message("must not hold tabs, carriage returns or direction marks")
    if limit is not None and len(cleaned) > limit:
        return "", Message("too long: {length} characters, at most {limit}").format(
            length=len(cleaned), limit=limit)
    return cleaned, None


def _field(name: str, value: Any, one_line: bool = True, limit: int | None = None) -> str:
    """``value`` cleaned, or a RegistryError naming the field (``registry set --number``)."""
    cleaned, message = clean_text(value, one_line, limit)
    if message is not None:
        raise RegistryError(Message("{field}: {problem}").format(field=name, problem=message))
    return cleaned


def _who(by: str | None) -> str:
    """Who makes a change: ``--by`` (checked as any text), else the OS user — whose name
    comes from the environment, so is made printable rather than trusted."""
    if by is not None and by.strip():
        return _field("by", by, limit=MAX_BY)
    return printable(user(), MAX_BY)


def user() -> str:
    """Who makes a change: the OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


# --- the procedure ------------------------------------------------------------------------------

def record(session: Session, entry: Agreement, answers: Answers, by: str, note: str,
           revises: int | None = None, new: bool = False) -> Added:
    """Record ``entry`` (made from ``answers``): as a new version of the draft ``revises``
    names, or of the one not yet signed with the same parties and title (unless ``new``),
    else as a new draft — an amendment linked to the agreement it amends."""
    _not_recorded(session, entry.answers_sha256)
    target: Agreement | None = None
    unlinked: MessageText | None = None
    if answers.is_amendment:
        target, unlinked = link(session, answers)
        if target is not None:
            entry.amends_id = target.id
            if answers.amends is not None and answers.amends.agreement_date is None:
                entry.title = title_of(answers, target.signed_on or due.planned_signing(target))
    if revises is not None:
        draft = session.get(Agreement, revises, with_for_update=True,
                            options=[selectinload(Agreement.history),
                                     selectinload(Agreement.versions)])
        if draft is None:
            raise RegistryError(Message("--revises: no agreement № {id} in the register").format(
                id=revises))
        return _add_version(draft, entry, by, recognised=False)
    if not new:
        same = _same_agreement(session, entry)
        if same is not None:
            return _add_version(same, entry, by, recognised=True)
    if unlinked is not None:
        note = f"{note}; {unlinked}"
    insert(session, entry, by, note)
    if target is not None:
        now = _now()
        target.history.append(Change(kind=AMENDMENT, status=target.status, on=None, number="",
                                     note="", by=by, at=now,
                                     details={"amendment": entry.id,
                                              "number": entry.amendment_number}))
        target.updated_at = now
    return Added(entry, linked=target.id if target else None, unlinked=unlinked)


def _not_recorded(session: Session, digest: str) -> None:
    """The same answers are the same text: recorded once, as an entry or a version."""
    duplicate = session.scalar(select(Agreement.id).where(Agreement.answers_sha256 == digest))
    if duplicate is None:
        duplicate = session.scalar(select(Version.agreement_id).where(
            Version.answers_sha256 == digest))
    if duplicate is not None:
        raise RegistryError(Message("this agreement is in the register already, as № {id}").format(
            id=duplicate))


def insert(session: Session, entry: Agreement, by: str, note: str) -> None:
    """Add ``entry`` as a draft, its text as version 1."""
    _not_recorded(session, entry.answers_sha256)
    now = _now()
    _start(entry, by, note, now)
    session.add(entry)
    session.flush()  # its id, for the messages of the steps that follow


def _start(entry: Agreement, by: str, note: str, now: dt.datetime) -> None:
    """``entry`` as a new draft, its history begun and its text kept as version 1."""
    entry.status, entry.created_at, entry.updated_at = statuses.DRAFT, now, now
    entry.history.append(Change(kind=ADDED, status=statuses.DRAFT, on=None, number="",
                                note=note, by=by, at=now))
    entry.versions.append(_version(entry, 1, by, now))


def _version(entry: Agreement, number: int, by: str, now: dt.datetime) -> Version:
    return Version(number=number, title=entry.title, answers=entry.answers,
                   answers_sha256=entry.answers_sha256,
                   templates_sha256=entry.templates_sha256 or "", source=entry.source or "",
                   by=by, at=now)


#: What a new version of a draft replaces in its entry: what the answers say. The history,
#: the status and its dates stay; the earlier text stays in ``versions``.
_TEXT_COLUMNS = ("title", "russian_party", "russian_ids", "russian_signatory", "kazakh_party",
                 "kazakh_ids", "kazakh_signatory", "areas", "signed_at", "term_years",
                 "renewal", "renewal_years", "notice_months", "entry_into_force", "profile",
                 "answers", "answers_sha256", "templates_sha256", "source", "amends_id",
                 "amendment_number")
#: The statuses of a draft still open to a new version once it was sent for approval: the
#: approval is then of an earlier text.
_ASKED = (statuses.SENT_FOR_APPROVAL, statuses.APPROVED)


def _add_version(draft: Agreement, entry: Agreement, by: str, recognised: bool) -> Added:
    """``entry``'s text recorded as the next version of ``draft``: refused once the draft
    is signed (a change is then an amendment) or its life has ended, or when it is another
    kind of document or another track."""
    proc = procedure_module.of(draft.profile, draft.track, draft.entry_into_force)
    if draft.status in statuses.FINAL:
        raise RegistryError(Message("№ {id} is «{status}»: its life has ended; a new text is "
                                    "a new agreement (registry add --new)").format(
                                        id=draft.id, status=statuses.shown(draft.status)))
    if proc.reached(draft.status, statuses.SIGNED):
        raise RegistryError(Message(
            "№ {id} is signed («{status}»): a change to it now is an amendment "
            "(дополнительное соглашение), not a version — make one as docs/amendments.md says "
            "(answers with amends: registry: {id}), build it and add it").format(
                id=draft.id, status=statuses.shown(draft.status)))
    if draft.track != entry.track or \
            (draft.amendment_number is None) != (entry.amendment_number is None):
        raise RegistryError(Message("the package is not a version of № {id}: another track or "
                                    "another kind of document").format(id=draft.id))
    now = _now()
    number = max((version.number for version in draft.versions), default=0) + 1
    for name in _TEXT_COLUMNS:
        setattr(draft, name, getattr(entry, name))
    draft.versions.append(_version(entry, number, by, now))
    draft.history.append(Change(kind=VERSION, status=draft.status, on=None, number="",
                                note="", by=by, at=now,
                                details={"version": number,
                                         "answers_sha256": entry.answers_sha256,
                                         "source": entry.source}))
    steps.replay(draft)
    draft.updated_at = now
    return Added(draft, version=number, recognised=recognised, linked=draft.amends_id,
                 reapprove=draft.status in _ASKED)


def _same_agreement(session: Session, entry: Agreement) -> Agreement | None:
    """The draft ``entry`` is a new version of: an entry with the same parties, track and
    title (the title names the subject) that is not yet signed. One already signed is
    refused — a change to it is an amendment —, and so are several drafts (which one?)."""
    found = list(session.scalars(select(Agreement).where(
        Agreement.russian_party == entry.russian_party,
        Agreement.kazakh_party == entry.kazakh_party, Agreement.track == entry.track,
        Agreement.title == entry.title, Agreement.status.not_in(statuses.FINAL)).options(
            selectinload(Agreement.history), selectinload(Agreement.versions)).order_by(
                Agreement.id)))
    signed = [e for e in found if procedure_module.of(
        e.profile, e.track, e.entry_into_force).reached(e.status, statuses.SIGNED)]
    if signed:
        raise RegistryError(Message(
            "№ {id} is the same agreement (the same parties and title) and is signed: a change "
            "to it now is an amendment (дополнительное соглашение: docs/amendments.md); if "
            "this is another agreement, add it with --new").format(id=signed[0].id))
    if len(found) > 1:
        raise RegistryError(Message(
            "several drafts have the same parties and title ({ids}): name the one this revises "
            "with --revises ID, or add it as another agreement with --new").format(
                ids=", ".join(f"№ {e.id}" for e in found)))
    return found[0] if found else None


def link(session: Session, answers: Answers) -> tuple[Agreement | None, MessageText | None]:
    """The agreement an amendment amends, as the register holds it: the entry
    ``amends.registry`` names, else the one agreement between the same parties on the same
    track signed on ``amends.agreement_date`` (or, with no date, the one signed). None and
    why, when there is no such entry or several."""
    amends = answers.amends
    assert amends is not None
    if amends.registry is not None:
        target = session.get(Agreement, amends.registry)
        if target is None or target.amendment_number is not None:
            return None, Message("not linked: amends.registry names № {id}, which is not an "
                                 "agreement of this register").format(id=amends.registry)
        return target, None
    parties = answers.parties
    found = [e for e in session.scalars(select(Agreement).where(
        Agreement.russian_party == parties.russian.name.ru,
        Agreement.kazakh_party == parties.kazakh.name.ru, Agreement.track == answers.track,
        Agreement.amendment_number.is_(None)).order_by(Agreement.id))
        if isinstance(e.signed_on, dt.date) and
        (amends.agreement_date is None or e.signed_on == amends.agreement_date)]
    if len(found) == 1:
        return found[0], None
    if found:
        return None, Message("not linked: several agreements between these parties are signed "
                             "({ids}); name one with amends.registry").format(
                                 ids=", ".join(f"№ {e.id}" for e in found))
    if amends.agreement_date is not None:
        return None, Message("not linked: the register holds no agreement between these "
                             "parties signed on {date}").format(
                                 date=f"{amends.agreement_date:%d.%m.%Y}")
    return None, Message("not linked: the register holds no signed agreement between these "
                         "parties")


def move(entry: Agreement, step: Step, by: str | None, today: dt.date,
         proc: procedure_module.Procedure) -> None:
    """Record ``step`` on ``entry``, if its procedure and the calendar allow it."""
    refused = steps.refusal(entry, entry.status, steps.last_date(entry), step, proc, today,
                            entry.id)
    if refused is not None:
        raise RegistryError(refused[1])
    _apply(entry, step, by or printable(user(), MAX_BY), _now())


def _apply(entry: Agreement, step: Step, by: str, now: dt.datetime) -> None:
    """``step`` recorded on ``entry`` (already allowed): a line of the history, and the
    columns it sets (:func:`xbdocs.registry.steps.effect`)."""
    change = Change(kind=STEP, status=step.status, on=step.on, number=step.number,
                    note=step.note, by=by, at=now)
    entry.history.append(change)
    steps.effect(entry, change)
    entry.updated_at = now


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


#: What a database's own error means, in the user's words (SQLite's and PostgreSQL's
#: messages are English whatever the language: «file is not a database»).
_EXPLAINED = (
    (re.compile(r"file is not a database", re.I),
     N_("the file is not a register (not an SQLite database); give the register's own file, "
        "or a new file name for a new register")),
    (re.compile(r"unable to open database file", re.I),
     N_("the file cannot be opened: check that its folder exists and that you may write "
        "in it")),
    (re.compile(r"readonly database|read-only", re.I),
     N_("you may not write in it: ask whoever keeps the register for write access")),
    (re.compile(r"database is locked", re.I),
     N_("another program is writing in it just now; try again in a minute")),
    (re.compile(r"malformed|disk image", re.I),
     N_("the database file is damaged; restore it from the last backup (docs/server.md)")),
    (re.compile(r"disk I/O error|no space left", re.I),
     N_("the disk could not be read or written (is it full?)")),
    (re.compile(r"password authentication failed|no password supplied", re.I),
     N_("the database server refused the user name or the password")),
    (re.compile(r'database "[^"]*" does not exist', re.I),
     N_("the database server has no database of that name")),
    (re.compile(r"connection refused|could not connect|connection to server .* failed|"
                r"timeout expired|server closed the connection", re.I),
     N_("the database server does not answer: is it running, and are its address and "
        "port right?")),
)


def _short(exc: BaseException, url: str) -> MessageText:
    """A database error in one line, without the password of ``url``: in the user's words
    when it is one of the errors a person meets (:data:`_EXPLAINED`)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    for pattern, meaning in _EXPLAINED:
        if pattern.search(text):
            return Message(meaning)
    lines = text.splitlines() or [type(exc).__name__]
    return printable(masked(lines[0], url), 160)


def _manifest(outdir: Path) -> dict[str, Any]:
    """The package's manifest: read only from its folder, bounded, and of the shape xbdocs
    writes (a JSON nested 50,000 deep, a FIFO, 60 MB are refused in one line)."""
    from xbdocs.inputs import MAX_TEXT_BYTES, inside, read_bytes

    where = printable(str(outdir / MANIFEST))
    if not (outdir / MANIFEST).exists():
        raise RegistryError(Message("{path}: not a built package (no {manifest}); build it with "
                                    "xbdocs build first").format(path=printable(str(outdir)),
                                                           manifest=MANIFEST))
    data = read_bytes(inside(outdir, MANIFEST, str(outdir)), _("a package's manifest (JSON)"),
                      MAX_TEXT_BYTES)
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise RegistryError(Message("{path}: its manifest cannot be read ({error})").format(
            path=where, error=printable(str(exc).splitlines()[0] if str(exc) else
                                        type(exc).__name__, 80))) from None
    answers = manifest.get("answers") if isinstance(manifest, dict) else None
    if not isinstance(answers, dict) or not isinstance(answers.get("sha256"), str) or \
            not all(isinstance(manifest.get(key, {}), dict) for key in ("profile", "templates")):
        raise RegistryError(Message("{path}: its manifest cannot be read ({error})").format(
            path=where, error=Message("not the manifest xbdocs writes")))
    return manifest


def _digest(value: Any) -> str:
    """A sha256 as the manifest records it, or "" for anything else."""
    return value if isinstance(value, str) and re.fullmatch("[0-9a-f]{64}", value) else ""


def entry_from(answers: Answers, source: str, profile_id: str | None) -> Agreement:
    """A register entry from the answers of an agreement or an amendment: what the register
    shows, read from the schema's model, and the answers themselves. No date of signing:
    the answers' is a plan until a «signed» step records the day."""
    russian, kazakh = answers.parties.russian, answers.parties.kazakh
    data = answers.model_dump(mode="json", exclude_unset=True)
    term = answers.term
    return Agreement(
        title=title_of(answers), track=answers.track,
        russian_party=russian.name.ru, russian_ids=_ids(russian),
        russian_signatory=f"{russian.signatory.position.ru} {russian.signatory.name.ru}",
        kazakh_party=kazakh.name.ru, kazakh_ids=_ids(kazakh),
        kazakh_signatory=f"{kazakh.signatory.position.ru} {kazakh.signatory.name.ru}",
        areas=list(answers.areas), signed_on=None,
        signed_at=answers.signing.place.ru if answers.signing.place else "",
        term_years=term.years if term else None, renewal=term.renewal if term else False,
        renewal_years=term.renewal_years if term else None,
        notice_months=term.notice_months if term else None,
        entry_into_force=answers.entry_into_force or "",
        approval=steps.approval_text(data), registration_number="", registered_on=None,
        status=statuses.DRAFT, status_on=None, notes="", profile=profile_id or "",
        answers=data, answers_sha256=answers.digest, templates_sha256="", source=source,
        in_force_on=None, ends_as="",
        amendment_number=answers.amends.amendment_number if answers.amends else None)


def title_of(answers: Answers, agreement_date: dt.date | None = None) -> str:
    """The title the document itself carries: the agreement's, or an amendment's
    («Дополнительное соглашение № 1 о внесении изменений в Соглашение … от …») — with the
    date of the agreement it amends when the amendment does not give it but the register
    knows it (``agreement_date``)."""
    from xbdocs import assembler

    if not answers.is_amendment:
        return assembler.agreement_titles(assembler.assemble(answers).documents["ru"])["title"]
    from xbdocs.template_context import AgreementText

    # The title needs of the agreement only its date: its text is not at hand here (an
    # amendment names its answers file by a name beside the answers it was built from).
    document = assembler.assemble(answers, None, "amendment",
                                  agreement_text=AgreementText(signed=agreement_date))
    return assembler.agreement_titles(document.documents["ru"])["title"]


#: How the register labels a party's identifiers (Party.identifiers).
_ID_LABELS = {"inn": "ИНН", "ogrn": "ОГРН", "bin": "БИН"}


def _ids(party) -> str:
    return ", ".join(f"{_ID_LABELS[key]} {value}" for key, value in party.identifiers.items())


# --- opening --------------------------------------------------------------------------------------

def open_register(location: str | None = None) -> Register:
    """The register at ``location`` (a path or URL; default :func:`default_location`),
    its schema brought up to date.

    Every way a location can be wrong ends in one line naming it (exit 1): a URL that does
    not parse, a driver not installed, an in-memory or unnamed SQLite database (it would
    accept a change, say «recorded», and keep nothing), a folder, a symlink loop or a
    character a path cannot hold, a place that cannot be written."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    url = url_of(location or default_location())
    where = printable(describe(url), 200)

    def fail(error: MessageText) -> RegistryError:
        shown = error if isinstance(error, Message) else printable(masked(error, url), 160)
        return RegistryError(Message("{where}: cannot open the register: {error}").format(
            where=where, error=shown))

    try:
        made = make_url(url)
    except (ArgumentError, ValueError, TypeError) as exc:
        raise fail(str(exc)) from None
    if made.get_backend_name() == "sqlite":
        _sqlite_file(made, url)
    try:
        # A server's connections are tested before use: after a restart of PostgreSQL the
        # pool's old ones are replaced instead of failing the next request.
        engine = create_engine(made, pool_pre_ping=made.get_backend_name() != "sqlite")
    except (ArgumentError, OSError, ImportError, ValueError, TypeError) as exc:
        raise fail(str(exc)) from None
    if engine.dialect.name == "sqlite":
        _sqlite_locks(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    try:
        with engine.begin() as connection:
            if inspect(connection).has_table("alembic_version"):
                found = connection.execute(text("SELECT version_num FROM alembic_version")
                                           ).scalars().all()
                newer = [revision for revision in found if revision not in known]
                if newer:
                    raise RegistryError(Message(
                        "{where}: the register was made by a newer xbdocs (schema {revision}); "
                        "update xbdocs to use it — it is left as it is").format(
                            where=where, revision=printable(", ".join(map(str, newer)), 80)))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DBAPIError as exc:
        engine.dispose()
        raise fail(_short(exc, url)) from None
    except (OSError, ValueError) as exc:  # the driver refused the file before SQL began
        engine.dispose()
        raise fail(str(exc)) from None
    return Register(engine, url)


def _sqlite_file(made: URL, url: str) -> None:
    """A SQLite database that keeps what is recorded: a named file, not memory; its folder
    made; not a folder, a device or a loop of links."""
    where = printable(describe(url), 200)
    database = made.database or ""
    if not database or ":memory:" in database or made.query.get("mode") == "memory":
        raise RegistryError(Message("{where}: an in-memory database keeps nothing; give the "
                                    "register a file (--db PATH)").format(where=where))
    if "\0" in database:
        raise RegistryError(Message("{where}: cannot open the register: a file name cannot "
                                    "hold the character NUL").format(where=where))
    if made.query.get("uri") in ("true", "1", "True"):
        return  # «file:…» for sqlite3 itself to read; nothing here to check
    try:
        path = Path(database).resolve()
    except (OSError, RuntimeError, ValueError):
        raise _unresolvable(database) from None
    if path.is_dir():
        raise RegistryError(Message("{where}: cannot open the register: it is a folder; give "
                                    "a file in it, such as {example}").format(
                                        where=where,
                                        example=printable(str(path / FILE_NAME), 200)))
    if path.exists() and not path.is_file():
        raise RegistryError(Message("{where}: cannot open the register: not a regular "
                                    "file").format(where=where))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise RegistryError(Message("{where}: cannot open the register: a part of its path is "
                                    "a file, not a folder").format(where=where)) from None
    except OSError as exc:
        raise RegistryError(Message("{where}: cannot open the register: {error}").format(
            where=where, error=printable(exc.strerror or str(exc), 160))) from None


# --- import of agreements made before xbdocs ---------------------------------------------------

#: What an import entry may say beside the answers (all optional).
IMPORT_KEYS = ("answers", "notes", "history")
STEP_KEYS = ("status", "date", "number", "note")
#: The columns an import table may have beside the answers' key paths: the dates of the
#: usual steps, the registration number, and a later status with its date.
REGISTER_COLUMNS = ("register.signed", "register.registered", "register.number",
                    "register.in_force", "register.status", "register.status_date",
                    "register.notes")


@dataclass(frozen=True)
class Placed:
    """A step of an import and where it is: the key path (or column) of its status and of
    its date, and its line (or row)."""

    step: Step
    path: str
    date_path: str
    line: int | None
    date_line: int | None


@dataclass
class Imported:
    """An agreement of an import, checked and not yet recorded."""

    answers: Answers
    #: Where it came from, as the register keeps it: «before-xbdocs.yaml: agreements[1]».
    label: str
    #: Where messages place it: its key path and line (a table: "" and its row).
    path: str
    line: int | None
    notes: str
    steps: list[Placed] = field(default_factory=list)


def import_file(register: Register, path: Path, by: str | None = None,
                answers_dir: Path | None = None,
                today: dt.date | None = None) -> list[Agreement]:
    """Agreements made before xbdocs, from a YAML file (``agreements:``, each with its
    ``answers`` — a file in the import file's folder, or in ``answers_dir`` when the user
    gives one, or the answers themselves — and the
    ``history`` of its steps) or a CSV/XLSX table (the batch's columns and ``register.*``
    columns). Every step passes the checks of ``registry set`` — its procedure, no date
    after ``today`` or before the step before it — except that it may pass over steps the
    papers do not show (an agreement registered was filed); the import is one transaction:
    all of it is recorded, or, on any error, none — every problem found is reported, each by
    its key path (or column) and line (or row)."""
    by = _who(by)
    if path.suffix.lower() in (".yaml", ".yml"):
        found = _yaml_entries(path, answers_dir)
    elif path.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        found = _table_entries(path)
    else:
        raise RegistryError(Message("{path}: expected a YAML file or a CSV/XLSX table").format(
            path=printable(str(path))))
    try:
        return _record(register, str(path), found, by, today or dt.date.today())
    except IntegrityError:  # recorded by someone else while this import ran
        raise RegistryError(Message("this agreement is in the register already")) from None


def _record(register: Register, source: str, found: list[Imported], by: str,
            today: dt.date) -> list[Agreement]:
    """``found`` recorded in one transaction, or an InputError with every problem and
    nothing recorded. The steps are checked as they are applied, against a running status
    and date (not the history re-read at each step), and the whole is flushed once. An
    import records what an agreement's papers show, so its history may pass over steps of
    the procedure it does not know (see :func:`xbdocs.registry.steps.refusal`); an
    amendment is linked to its agreement as ``registry add`` links it."""
    problems: list[Finding] = []
    first: dict[str, Imported] = {}
    for item in found:
        same = first.setdefault(item.answers.digest, item)
        if same is not item:
            problems.append(problem(item.path, Message(
                "the same agreement as {other}; keep one").format(other=same.label), item.line))
    entries = []
    with register.session() as session:
        recorded = _recorded(session, list(first))
        for item in found:
            if item.answers.digest in recorded:
                problems.append(problem(item.path, Message(
                    "this agreement is in the register already, as № {id}").format(
                        id=recorded[item.answers.digest]), item.line))
        if problems:
            raise InputError(source, problems)
        now = _now()
        procedures: procedure_module.Cache = {}
        for item in found:
            entry = entry_from(item.answers, item.label, None)
            note = _("imported from {source}").format(source=item.label)
            target, unlinked = link(session, item.answers) if item.answers.is_amendment \
                else (None, None)
            if target is not None:
                entry.amends_id = target.id
            if unlinked is not None:
                note = f"{note}; {unlinked}"
            _start(entry, by, note, now)
            entry.notes = item.notes
            proc = procedure_module.of(None, entry.track, entry.entry_into_force, procedures)
            last: dt.date | None = None
            for placed in item.steps:
                refused = steps.refusal(entry, entry.status, last, placed.step, proc, today,
                                        None, passing_over=True)
                if refused is not None:
                    if refused[0] == "date":
                        problems.append(problem(placed.date_path, refused[1], placed.date_line))
                    else:
                        problems.append(problem(placed.path, refused[1], placed.line))
                    break
                _apply(entry, placed.step, by, now)
                last = placed.step.on or last
            session.add(entry)
            entries.append(entry)
            if target is not None:
                session.flush()  # the amendment's number, for its agreement's history
                target.history.append(Change(
                    kind=AMENDMENT, status=target.status, on=None, number="", note="", by=by,
                    at=now, details={"amendment": entry.id, "number": entry.amendment_number}))
        if problems:
            raise InputError(source, problems)
    return entries


def _recorded(session: Session, digests: list[str]) -> dict[str, int]:
    """Which of ``digests`` the register holds, and as which entry: looked up in a few
    queries, not one per agreement."""
    found: dict[str, int] = {}
    for start in range(0, len(digests), 500):
        part = digests[start:start + 500]
        rows = session.execute(select(Version.answers_sha256, Version.agreement_id).where(
            Version.answers_sha256.in_(part)))
        found.update({digest: number for digest, number in rows})
        rows = session.execute(select(Agreement.answers_sha256, Agreement.id).where(
            Agreement.answers_sha256.in_(part)))
        found.update({digest: number for digest, number in rows})
    return found


def _yaml_entries(path: Path, answers_dir: Path | None = None) -> list[Imported]:
    """The agreements of an import file, read with the hardened YAML reader (no aliases,
    bounded depth and size); every problem collected with its key path and line."""
    from xbdocs.inputs import read_text
    from xbdocs.yamlread import load_yaml, unknown_key

    source = str(path)
    data, lines = load_yaml(read_text(path, _("an import file (YAML)")), source)
    problems: list[Finding] = []

    def fail(key: str, message: MessageText) -> None:
        problems.append(problem(key, message, line_of(lines, key)))

    if not isinstance(data, dict):
        raise InputError.one(source, Message("expected a section with the key agreements: (a "
                                             "list of agreements)"), line=lines.get(""))
    for key in data:
        if key != "agreements":
            fail(str(key), unknown_key(key, ["agreements"]))
    items = data.get("agreements")
    if not isinstance(items, list) or not items:
        fail("agreements", Message("expected a list of agreements"))
        raise InputError(source, problems)
    if len(items) > MAX_AGREEMENTS:
        raise InputError.one(source, Message(
            "{count} agreements: at most {limit} in one import; split the file").format(
                count=len(items), limit=MAX_AGREEMENTS), "agreements",
            line_of(lines, "agreements"))
    found = []
    for index, item in enumerate(items):
        where = f"agreements[{index}]"
        if not _section(item, where, IMPORT_KEYS, fail):
            continue
        answers = _answers(path, item.get("answers"), f"{where}.answers", lines, problems,
                           answers_dir)
        notes, message = clean_text(item.get("notes"), one_line=False)
        if message is not None:
            fail(f"{where}.notes", message)
        steps = _yaml_steps(item.get("history"), f"{where}.history", lines, problems)
        if answers is not None:
            found.append(Imported(answers, f"{path.name}: {where}", where,
                                  line_of(lines, where), notes, steps))
    if problems:
        raise InputError(source, problems)
    return found


def _section(item: Any, where: str, keys: tuple[str, ...],
             fail: Callable[[str, MessageText], None]) -> bool:
    """Whether ``item`` of an import file is a section of keys; each key it may not have is
    a problem (``fail``), and so is an item that is not a section at all."""
    from xbdocs.yamlread import unknown_key

    if not isinstance(item, dict):
        fail(where, Message("expected a section of keys"))
        return False
    for key in item:
        if key not in keys:
            fail(f"{where}.{key}", unknown_key(key, keys))
    return True


def _answers(path: Path, given: Any, key: str, lines: dict[str, int],
             problems: list[Finding], answers_dir: Path | None = None) -> Answers | None:
    """The answers an import entry gives: a file in the import file's folder (never one
    elsewhere, never shown when it is not an answers file), or the answers themselves,
    their problems located in the import file. None, with its problems added, when they
    cannot be read."""
    from xbdocs import answers as answers_module

    try:
        if isinstance(given, str):
            return answers_module.load_named(given, path, key, answers_dir)
        if isinstance(given, dict):
            prefix = f"{key}."
            own = {name[len(prefix):]: line for name, line in lines.items()
                   if name.startswith(prefix)}
            if key in lines:
                own[""] = lines[key]
            return answers_module.from_data(given, str(path), own)
    except InputError as exc:
        if isinstance(given, dict):  # the answers' own key paths, under the entry's
            problems.extend(dataclasses.replace(
                p, path=f"{key}.{p.path}" if p.path else key) for p in exc.problems)
        else:  # where the import names the file: its line there
            problems.extend(dataclasses.replace(p, line=line_of(lines, p.path))
                            if p.source == str(path) and p.line is None else p
                            for p in exc.problems)
        return None
    problems.append(problem(key, Message("expected an answers file's name or the answers "
                                         "themselves"), line_of(lines, key)))
    return None


def _yaml_steps(history: Any, key: str, lines: dict[str, int],
                problems: list[Finding]) -> list[Placed]:
    """The steps of an entry's ``history``, each checked as ``registry set`` checks its
    options; at most :data:`MAX_STEPS`."""
    from xbdocs.yamlread import not_one_of, parse_date

    def fail(where: str, message: MessageText) -> None:
        problems.append(problem(where, message, line_of(lines, where)))

    if history is None:
        return []
    if not isinstance(history, list):
        fail(key, Message("expected a list of steps (status:, date:, number:, note:)"))
        return []
    if len(history) > MAX_STEPS:
        fail(key, Message("{count} steps: at most {limit} for one agreement").format(
            count=len(history), limit=MAX_STEPS))
        return []
    steps = []
    for number, step in enumerate(history):
        place = f"{key}[{number}]"
        if not _section(step, place, STEP_KEYS, fail):
            continue
        status, message = clean_text(step.get("status"))
        if message is None and not status:
            message = Message("required, but missing")
        message = message or not_one_of(status, statuses.STATUSES)
        if message is not None:
            fail(f"{place}.status", message)
        on = None
        if step.get("date") not in (None, ""):
            try:
                on = parse_date(step.get("date"))
            except ValueError as exc:
                fail(f"{place}.date", exc.args[0])
        texts = {}
        for name, limit in (("number", MAX_NUMBER), ("note", None)):
            texts[name], message = clean_text(step.get(name), limit=limit)
            if message is not None:
                fail(f"{place}.{name}", message)
        steps.append(Placed(Step(status, on, texts["number"], texts["note"]), f"{place}.status",
                            f"{place}.date", line_of(lines, f"{place}.status"),
                            line_of(lines, f"{place}.date")))
    return steps


def _table_entries(path: Path) -> list[Imported]:
    """The agreements of a CSV/XLSX table (read by the batch's reader), each row's
    ``register.*`` cells checked as the YAML file's history is."""
    from xbdocs.batch import items

    rows = items.read(path, extra=REGISTER_COLUMNS)
    if len(rows) > MAX_AGREEMENTS:
        raise InputError.one(str(path), Message(
            "{count} agreements: at most {limit} in one import; split the file").format(
                count=len(rows), limit=MAX_AGREEMENTS))
    found: list[Imported] = []
    problems: list[Finding] = []
    for item in rows:
        imported = _table_row(item, problems)
        if imported is not None:
            found.append(imported)
    if problems:
        raise InputError(str(path), problems)
    return found


def _table_row(item: Any, problems: list[Finding]) -> Imported | None:
    """One row of an import table (a :class:`xbdocs.batch.items.Item`), its problems added
    to ``problems`` by column and row."""
    from xbdocs.batch import items
    from xbdocs.yamlread import not_one_of, parse_date

    given, row = item.extra, item.lines.get("")

    def day(column: str) -> dt.date | None:
        if given.get(column) in (None, ""):
            return None
        try:
            return parse_date(given[column])
        except ValueError as exc:
            problems.append(problem(column, exc.args[0], row))
            return None

    texts = {}
    for column, limit, one_line in (("register.number", MAX_NUMBER, True),
                                    ("register.status", None, True),
                                    ("register.notes", None, False)):
        texts[column], message = clean_text(given.get(column), one_line, limit)
        if message is not None:
            problems.append(problem(column, message, row))
    steps = []
    for column, status in (("register.signed", statuses.SIGNED),
                           ("register.registered", statuses.REGISTERED),
                           ("register.in_force", statuses.IN_FORCE)):
        if column in given:
            number = texts["register.number"] if status == statuses.REGISTERED else ""
            steps.append(Placed(Step(status, day(column), number), column, column, row, row))
    if texts["register.status"]:
        message = not_one_of(texts["register.status"], statuses.STATUSES)
        if message is not None:
            problems.append(problem("register.status", message, row))
        steps.append(Placed(Step(texts["register.status"], day("register.status_date")),
                            "register.status", "register.status_date", row, row))
    try:
        answers = items.answers_of(item)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    return Imported(answers, item.source, "", row, texts["register.notes"], steps)
