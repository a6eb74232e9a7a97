"""Opening a register and changing it: add a built package, import agreements made before
xbdocs, move an agreement through the procedure.

A register is a SQLite file by default (``xbdocs registry where``) or any SQLAlchemy URL —
PostgreSQL for a department that shares one. Opening it brings its schema up to date with
the migrations; a register made by a newer xbdocs is refused, never touched. Every change
is one transaction: two clerks at once lose nothing (SQLite takes the write lock at the
start of a change; PostgreSQL locks the agreement's row), and each move is kept in the
history with the time and who made it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload

from xbdocs.answers import Answers
from xbdocs.errors import RegistryError, printable
from xbdocs.i18n import Message, _
from xbdocs.output import ANSWERS, MANIFEST
from xbdocs.registry import statuses
from xbdocs.registry.models import Agreement, Change

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FILE_NAME = "registry.sqlite3"


def default_location() -> str:
    """``$XBDOCS_DB``, else a SQLite file in the user's data folder."""
    chosen = os.environ.get("XBDOCS_DB")
    if chosen:
        return chosen
    base = os.environ.get("XDG_DATA_HOME") or (Path.home() / ".local" / "share")
    return str(Path(base) / "xbdocs" / FILE_NAME)


def url_of(location: str) -> str:
    """A SQLAlchemy URL for ``location``: a URL as it is, a path as a SQLite file."""
    if "://" in location:
        return location
    return f"sqlite:///{Path(location).expanduser().resolve()}"


def describe(url: str) -> str:
    """The register's place as a person reads it, without a password."""
    from sqlalchemy.engine import make_url

    made = make_url(url)
    return made.database or "" if made.get_backend_name() == "sqlite" else \
        made.render_as_string(hide_password=True)


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
            except OperationalError as exc:
                raise RegistryError(Message("{where}: the register is busy or cannot be written "
                                            "({error})").format(where=describe(self.url),
                                                          error=_short(exc))) from None

    # --- entries -----------------------------------------------------------------------------

    def add_package(self, outdir: Path, answers_file: Path | None = None,
                    by: str | None = None) -> Agreement:
        """Record the agreement built into ``outdir`` (its manifest and answers)."""
        from xbdocs import answers as answers_module

        manifest = _manifest(outdir)
        path = answers_file or outdir / ANSWERS
        if not path.is_file():
            raise RegistryError(Message("{path}: the package holds no {name} (built by an older "
                                        "xbdocs?); give the answers file it was built from with "
                                        "--answers").format(path=printable(str(outdir)),
                                                      name=ANSWERS))
        answers = answers_module.load(path)
        if answers.digest != manifest["answers"]["sha256"]:
            raise RegistryError(Message("{path}: not the answers this package was built from (its "
                                        "manifest records another digest)").format(
                                      path=printable(str(path))))
        entry = entry_from(answers, str(outdir.resolve()), manifest.get("profile", {}).get("id"))
        entry.templates_sha256 = manifest.get("templates", {}).get("sha256", "")
        return self._insert(entry, by, _("added from the package"))

    def _insert(self, entry: Agreement, by: str | None, note: str) -> Agreement:
        try:
            with self.session() as session:
                insert(session, entry, by, note)
        except IntegrityError:  # added by someone else between the look and the write
            raise RegistryError(Message("this agreement is in the register already")) from None
        return entry

    def move(self, agreement_id: int, status: str, on: dt.date | None = None,
             number: str = "", note: str = "", by: str | None = None) -> Agreement:
        """Record a step of the procedure; an impossible move is refused."""
        with self.session() as session:
            entry = session.get(Agreement, agreement_id, with_for_update=True)
            if entry is None:
                raise RegistryError(Message("no agreement № {id} in the register").format(
                    id=agreement_id))
            move(entry, Step(status, on or dt.date.today(), number, note), by)
        return entry

    # --- reading -----------------------------------------------------------------------------

    def all(self) -> list[Agreement]:
        with self.session() as session:
            return list(session.scalars(select(Agreement).options(
                selectinload(Agreement.history)).order_by(Agreement.id)))

    def get(self, agreement_id: int) -> Agreement:
        with self.session() as session:
            entry = session.get(Agreement, agreement_id,
                                options=[selectinload(Agreement.history)])
        if entry is None:
            raise RegistryError(Message("no agreement № {id} in the register").format(
                id=agreement_id))
        return entry


@dataclass(frozen=True)
class Step:
    """A step of the procedure as recorded: the status, its document's date and number."""

    status: str
    on: dt.date | None
    number: str = ""
    note: str = ""


def insert(session: Session, entry: Agreement, by: str | None, note: str) -> None:
    """Add ``entry`` as a draft, unless its answers are in the register already."""
    duplicate = session.scalar(select(Agreement.id).where(
        Agreement.answers_sha256 == entry.answers_sha256))
    if duplicate is not None:
        raise RegistryError(Message("this agreement is in the register already, as № {id}").format(
            id=duplicate))
    now = _now()
    entry.status, entry.created_at, entry.updated_at = statuses.DRAFT, now, now
    entry.history.append(Change(status=statuses.DRAFT, on=None, number="", note=note,
                                by=by or user(), at=now))
    session.add(entry)
    session.flush()  # its id, for the messages of the steps that follow


def move(entry: Agreement, step: Step, by: str | None) -> None:
    """Record ``step`` on ``entry``, if the procedure allows it."""
    status, on, number = step.status, step.on, step.number
    if status not in statuses.STATUSES:
        raise RegistryError(Message("status: «{status}» is not one; expected one of: "
                                    "{names}").format(status=printable(status, 40),
                                                names=", ".join(statuses.STATUSES)))
    if not statuses.allowed(entry.status, status):
        possible = statuses.next_ones(entry.status)
        raise RegistryError(Message(
            "№ {id} is «{current}»: it cannot become «{new}»; possible: {possible}"
        ).format(id=entry.id, current=statuses.label(entry.status),
                 new=statuses.label(status),
                 possible=", ".join(possible) or _("nothing (its life has ended)")))
    last = max((change.on for change in entry.history if change.on), default=None)
    if on is not None and last is not None and on < last:
        raise RegistryError(Message(
            "date: {date} is before the last recorded step of № {id} ({last}); steps are "
            "recorded in the order they happened").format(
                date=f"{on:%d.%m.%Y}", id=entry.id, last=f"{last:%d.%m.%Y}"))
    entry.status, entry.status_on = status, on
    if status == statuses.APPROVED:
        document = (entry.answers.get("filing", {}).get("approval", {}).get("document")
                    or "решение о согласовании")
        entry.approval = " ".join(p for p in (document, on and f"от {on:%d.%m.%Y}",
                                              number and f"№ {number}") if p)
    elif status == statuses.SIGNED:
        entry.signed_on = on
    elif status == statuses.REGISTERED:
        entry.registration_number, entry.registered_on = number, on
    elif status == statuses.IN_FORCE:
        entry.in_force_on = on
    now = _now()
    entry.updated_at = now
    entry.history.append(Change(status=status, on=on, number=number, note=step.note,
                                by=by or user(), at=now))


def user() -> str:
    """Who makes a change: the OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _short(exc: DBAPIError) -> str:
    return printable(str(exc.orig).splitlines()[0] if exc.orig else str(exc), 160)


def _manifest(outdir: Path) -> dict:
    try:
        manifest = json.loads((outdir / MANIFEST).read_text("utf-8"))
        manifest["answers"]["sha256"]
    except FileNotFoundError:
        raise RegistryError(Message("{path}: not a built package (no {manifest}); build it with "
                                    "xbdocs build first").format(path=printable(str(outdir)),
                                                           manifest=MANIFEST)) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RegistryError(Message("{path}: its manifest cannot be read ({error})").format(
            path=printable(str(outdir / MANIFEST)),
            error=printable(str(exc), 80))) from None
    return manifest


def entry_from(answers: Answers, source: str, profile_id: str | None) -> Agreement:
    """A register entry from the answers: what the register shows, read from the schema's
    model, and the answers themselves."""
    from xbdocs import assembler

    russian, kazakh = answers.parties.russian, answers.parties.kazakh
    titles = assembler.agreement_titles(assembler.assemble(answers).documents["ru"])
    data = answers.model_dump(mode="json", exclude_unset=True)
    return Agreement(
        title=titles["title"], track=answers.track,
        russian_party=russian.name.ru, russian_ids=_ids(russian),
        russian_signatory=f"{russian.signatory.position.ru} {russian.signatory.name.ru}",
        kazakh_party=kazakh.name.ru, kazakh_ids=_ids(kazakh),
        kazakh_signatory=f"{kazakh.signatory.position.ru} {kazakh.signatory.name.ru}",
        areas=list(answers.areas), signed_on=answers.signing.date,
        signed_at=answers.signing.place.ru if answers.signing.place else "",
        term_years=answers.term.years, renewal=answers.term.renewal,
        renewal_years=answers.term.renewal_years, notice_months=answers.term.notice_months,
        entry_into_force=answers.entry_into_force or "",
        approval=_approval(answers), registration_number="", registered_on=None,
        status=statuses.DRAFT, status_on=None, notes="", profile=profile_id or "",
        answers=data, answers_sha256=answers.digest, templates_sha256="", source=source,
        in_force_on=None)


#: How the register labels a party's identifiers (Party.identifiers).
_ID_LABELS = {"inn": "ИНН", "ogrn": "ОГРН", "bin": "БИН"}


def _ids(party) -> str:
    return ", ".join(f"{_ID_LABELS[key]} {value}" for key, value in party.identifiers.items())


def _approval(answers: Answers) -> str:
    approval = answers.filing.approval
    if not approval.document:
        return ""
    parts = [approval.document, approval.date and f"от {approval.date:%d.%m.%Y}",
             approval.number and f"№ {approval.number}"]
    return " ".join(p for p in parts if p)


def open_register(location: str | None = None) -> Register:
    """The register at ``location`` (a path or URL; default :func:`default_location`),
    its schema brought up to date."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    url = url_of(location or default_location())
    try:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
    except (ArgumentError, OSError, ImportError) as exc:
        raise RegistryError(Message("{where}: cannot open the register: {error}").format(
            where=printable(url, 120), error=printable(str(exc), 160))) from None
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
                            where=describe(url), revision=", ".join(newer)))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DBAPIError as exc:
        raise RegistryError(Message("{where}: cannot open the register: {error}").format(
            where=describe(url), error=_short(exc))) from None
    return Register(engine, url)


# --- import of agreements made before xbdocs ---------------------------------------------------

#: What an import entry may say beside the answers (all optional).
IMPORT_KEYS = ("answers", "notes", "history")
STEP_KEYS = ("status", "date", "number", "note")
#: The columns an import table may have beside the answers' key paths: the dates of the
#: usual steps, the registration number, and a later status with its date.
REGISTER_COLUMNS = ("register.signed", "register.registered", "register.number",
                    "register.in_force", "register.status", "register.status_date",
                    "register.notes")


@dataclass
class Imported:
    answers: Answers
    source: str
    notes: str
    steps: list[Step]


def import_file(register: Register, path: Path, by: str | None = None) -> list[Agreement]:
    """Agreements made before xbdocs, from a YAML file (``agreements:``, each with its
    ``answers`` — a file beside it or the answers themselves — and the ``history`` of its
    steps) or a CSV/XLSX table (the batch's columns and ``register.*`` columns). Every step
    passes the same checks as ``registry set``; the import is one transaction: all of it is
    recorded, or, on any error, none."""
    if path.suffix.lower() in (".yaml", ".yml"):
        found = _yaml_entries(path)
    elif path.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        found = _table_entries(path)
    else:
        raise RegistryError(Message("{path}: expected a YAML file or a CSV/XLSX table").format(
            path=printable(str(path))))
    entries = []
    try:
        with register.session() as session:
            for item in found:
                entry = entry_from(item.answers, item.source, None)
                insert(session, entry, by, _("imported from {source}").format(
                    source=item.source))
                entry.notes = item.notes
                for index, step in enumerate(item.steps):
                    try:
                        move(entry, step, by)
                    except RegistryError as exc:
                        raise RegistryError(f"{item.source}: history[{index}]: {exc}") from None
                entries.append(entry)
    except IntegrityError:
        raise RegistryError(Message("this agreement is in the register already")) from None
    return entries


def _yaml_entries(path: Path) -> list[Imported]:
    from xbdocs import answers as answers_module
    from xbdocs.inputs import read_text

    try:
        data = yaml.safe_load(read_text(path, _("an import file (YAML)")))
    except yaml.YAMLError as exc:
        raise RegistryError(f"{printable(str(path))}: {printable(str(exc), 200)}") from None
    items = data.get("agreements") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise RegistryError(Message("{path}: agreements: expected a list of agreements").format(
            path=printable(str(path))))
    found = []
    for index, item in enumerate(items):
        where = f"{path.name}: agreements[{index}]"
        _known_keys(item, IMPORT_KEYS, where)
        given = item.get("answers")
        if isinstance(given, str):
            answers = answers_module.load(path.parent / given)
        elif isinstance(given, dict):
            answers = answers_module.from_data(given, f"{where}.answers")
        else:
            raise RegistryError(Message("{where}.answers: expected an answers file's name or the "
                                        "answers themselves").format(where=where))
        history = item.get("history") or []
        if not isinstance(history, list):
            raise RegistryError(Message("{where}.history: expected a list of steps (status:, "
                                        "date:, number:, note:)").format(where=where))
        steps = []
        for number, step in enumerate(history):
            place = f"{where}.history[{number}]"
            _known_keys(step, STEP_KEYS, place)
            steps.append(Step(str(step.get("status") or ""),
                              _date(step.get("date"), f"{place}.date"),
                              str(step.get("number") or ""), str(step.get("note") or "")))
        found.append(Imported(answers, where, str(item.get("notes") or ""), steps))
    return found


def _known_keys(item: Any, keys: tuple[str, ...], where: str) -> None:
    if not isinstance(item, dict):
        raise RegistryError(Message("{where}: expected a section of keys").format(where=where))
    unknown = sorted(set(map(str, item)) - set(keys))
    if unknown:
        raise RegistryError(Message("{where}.{key}: unknown key; expected one of: {keys}").format(
            where=where, key=unknown[0], keys=", ".join(keys)))


def _date(value: Any, where: str) -> dt.date | None:
    from xbdocs.yamlread import parse_date

    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        raise RegistryError(Message("{where}: expected a date (19.09.2012 or 2012-09-19), got "
                                    "«{value}»").format(where=where,
                                                        value=printable(str(value), 40))
                            ) from None


def _table_entries(path: Path) -> list[Imported]:
    from xbdocs.batch import items

    found = []
    for item in items.read(path, extra=REGISTER_COLUMNS):
        given, where = item.extra, item.source
        steps = []
        for column, status in (("register.signed", statuses.SIGNED),
                               ("register.registered", statuses.REGISTERED),
                               ("register.in_force", statuses.IN_FORCE)):
            if column in given:
                steps.append(Step(status, _date(given[column], f"{where}: {column}"),
                                  str(given.get("register.number") or "")
                                  if status == statuses.REGISTERED else ""))
        if "register.status" in given:
            steps.append(Step(str(given["register.status"]).strip(),
                              _date(given.get("register.status_date"),
                                    f"{where}: register.status_date")))
        found.append(Imported(items.answers_of(item), where,
                              str(given.get("register.notes") or ""), steps))
    return found
