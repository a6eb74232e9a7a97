"""The department server's people: users with roles, their logins and sessions, the
throttle on guessing, and the audit trail — kept in the register's database, so every
worker process of the server, and the ``xbdocs users`` command, see the same.

- Passwords are hashed with argon2 (argon2-cffi's defaults, rehashed when they change); a
  directory user (LDAP, :mod:`xbdocs.registry.directory`) has none here.
- A session is a random token in the browser's cookie; the database keeps its SHA-256, so a
  copy of the table logs no one in. A session ends after :data:`IDLE` without a request, at
  :data:`LONGEST` at most, at logout, and for all of a user's sessions at «log out
  everywhere», a new password or a disabled account.
- Logins are throttled: :data:`ACCOUNT_FAILURES` failures for an account, or
  :data:`ADDRESS_FAILURES` from an address, within :data:`WINDOW` lock it until the window
  has passed. An unknown name costs the same time as a known one and gets the same message.
- The audit trail is only ever inserted into (:meth:`Accounts.record`): who, when, from
  which address, what, and its old and new value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xbdocs.errors import AccountError, printable
from xbdocs.i18n import Message
from xbdocs.registry.models import (
    ADMIN,
    CLERK,
    LAWYER,
    ROLES,
    AuditEntry,
    LoginAttempt,
    User,
    WebSession,
)
from xbdocs.registry.store import Register

IDLE = dt.timedelta(hours=2)
LONGEST = dt.timedelta(hours=12)
WINDOW = dt.timedelta(minutes=15)
#: How long a login attempt is kept (a day: the throttle reads only its window of them).
KEEP_ATTEMPTS = dt.timedelta(days=1)
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 30
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
#: A user name: what directories use (uid, sAMAccountName, a UPN with @).
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,127}")


@dataclass(frozen=True)
class Person:
    """Who is logged in, as a request sees it (no database object leaves the session)."""

    id: int
    username: str
    display_name: str
    role: str
    municipalities: tuple[str, ...]
    region: str

    def may_see(self, municipality: str | None, region: str | None) -> bool:
        """Whether the user may see what concerns ``municipality`` (a catalogue party id)
        of ``region``: a clerk their municipalities, a lawyer their region, an admin all."""
        if self.role == ADMIN:
            return True
        if self.role == LAWYER:
            return bool(self.region) and region == self.region
        return bool(municipality) and municipality in self.municipalities


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    """A time read back: SQLite gives it without its zone; it was written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ImportError:
        raise AccountError(Message("accounts need the server extra: pip install "
                                   "'xbdocs[server]'")) from None
    return PasswordHasher()


def person(user: User) -> Person:
    return Person(user.id, user.username, user.display_name, user.role,
                  tuple(user.municipalities or ()), user.region)


def check_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise AccountError(Message(
            "user name «{name}»: expected 1 to 128 Latin letters, digits and . _ @ -, "
            "starting with a letter or a digit").format(name=printable(str(username), 60)))
    return username


def check_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(Message("a password has at least {n} characters").format(
            n=MIN_PASSWORD))
    return password


def check_role(role: str, municipalities: Iterable[str], region: str) -> tuple[list[str], str]:
    """The role's scope, checked against the catalogue: a clerk's municipalities are
    Russian parties, a lawyer's region is a Russian region."""
    from xbdocs import catalogue

    cat = catalogue.load()
    if role not in ROLES:
        raise AccountError(Message("role «{role}»: expected one of {roles}").format(
            role=printable(str(role), 40), roles=", ".join(ROLES)))
    chosen = list(dict.fromkeys(municipalities))
    for party in chosen:
        entry = cat.parties.get(party)
        if entry is None or entry.country != "RU":
            raise AccountError(Message("municipality «{id}»: not a Russian party of the "
                                       "catalogue (xbdocs catalogue list --kind party)").format(
                                           id=printable(party, 80)))
    if region and (region not in cat.regions or cat.regions[region].country != "RU"):
        raise AccountError(Message("region «{id}»: not a Russian region of the catalogue "
                                   "(xbdocs catalogue list --kind region)").format(
                                       id=printable(region, 80)))
    if role == CLERK and not chosen:
        raise AccountError(Message("a clerk needs at least one municipality (--municipality)"))
    if role == LAWYER and not region:
        raise AccountError(Message("a lawyer needs a region (--region)"))
    return chosen, region


class Accounts:
    """The users, sessions and audit trail of one register."""

    def __init__(self, register: Register) -> None:
        self.register = register

    # --- users ---------------------------------------------------------------------------

    def add(self, username: str, role: str, *, password: str | None = None,
            municipalities: Iterable[str] = (), region: str = "", display_name: str = "",
            directory: bool = False, by: str, address: str = "") -> Person:
        check_username(username)
        chosen, region = check_role(role, municipalities, region)
        hashed = "" if directory else _hasher().hash(check_password(password or ""))
        now = _now()
        user = User(username=username, display_name=printable(display_name, 200), role=role,
                    municipalities=chosen, region=region, password_hash=hashed,
                    directory=directory, disabled=False, created_at=now,
                    sessions_valid_after=now)
        try:
            with self.register.session() as session:
                session.add(user)
                session.flush()
                self.record(session, by, address, "user-added", "user", username, "", None,
                            _shown(user))
        except IntegrityError:
            raise AccountError(Message("user «{name}» exists already").format(
                name=username)) from None
        return person(user)

    def users(self) -> list[Person]:
        with self.register.session() as session:
            return [person(u) for u in session.scalars(select(User).order_by(User.username))]

    def listing(self) -> list[dict[str, Any]]:
        """Every user as ``xbdocs users list`` shows them."""
        with self.register.session() as session:
            return [{**_shown(u), "disabled": u.disabled}
                    for u in session.scalars(select(User).order_by(User.username))]

    def _user(self, session: Session, username: str) -> User:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise AccountError(Message("no user «{name}»").format(
                name=printable(username, 128)))
        return user

    def set_disabled(self, username: str, disabled: bool, *, by: str,
                     address: str = "") -> None:
        """Disable an account (its sessions end at once) or enable it again."""
        with self.register.session() as session:
            user = self._user(session, username)
            old = {"disabled": user.disabled}
            user.disabled = disabled
            if disabled:
                user.sessions_valid_after = _now()
            self.record(session, by, address, "user-disabled" if disabled else "user-enabled",
                        "user", username, "", old, {"disabled": disabled})

    def reset_password(self, username: str, password: str, *, by: str,
                       address: str = "") -> None:
        hashed = _hasher().hash(check_password(password))
        with self.register.session() as session:
            user = self._user(session, username)
            user.password_hash, user.directory = hashed, False
            user.sessions_valid_after = _now()
            self.record(session, by, address, "password-reset", "user", username, "", None,
                        None)

    def set_role(self, username: str, role: str, *, municipalities: Iterable[str] = (),
                 region: str = "", by: str, address: str = "") -> None:
        chosen, region = check_role(role, municipalities, region)
        with self.register.session() as session:
            user = self._user(session, username)
            old = _shown(user)
            user.role, user.municipalities, user.region = role, chosen, region
            user.sessions_valid_after = _now()
            self.record(session, by, address, "role-set", "user", username, "", old,
                        _shown(user))

    # --- logging in ----------------------------------------------------------------------

    def login(self, username: str, password: str, address: str,
              directory: Any = None) -> tuple[Person, str]:
        """A new session for a right name and password: (the person, the cookie's token).
        A wrong one, a locked or disabled account — :class:`AccountError`, the same words
        whether the name exists or not. ``directory`` (a callable taking the name and the
        password, giving a :class:`Person`-like role or None) checks a directory user."""
        address = printable(address, 64)
        name = username if isinstance(username, str) and USERNAME.fullmatch(username) else ""
        now = _now()
        with self.register.session() as session:
            self._throttle(session, name or "?", address, now)
            user = session.scalar(select(User).where(User.username == name)) if name else None
            if directory is not None and name and (user is None or user.directory) \
                    and not (user is not None and user.disabled):
                user = self._from_directory(session, user, name, password, directory,
                                            address, now)
                ok = user is not None
            else:
                ok = self._verify(session, user, password, None)
            session.add(LoginAttempt(username=name or "?", address=address, at=now,
                                     success=ok))
            if not ok or user is None:
                self.record(session, name or "?", address, "login-failed", "session", "", "",
                            None, None)
                refused = True
            else:
                refused = False
                _prune(session, user.id, now)
                token = secrets.token_urlsafe(32)
                session.add(WebSession(token_sha256=_digest(token), user_id=user.id,
                                       created_at=now, seen_at=now, address=address,
                                       ended=False))
                self.record(session, user.username, address, "login", "session", "", "",
                            None, None)
                who = person(user)
        if refused:
            raise AccountError(Message("wrong user name or password, or the account is "
                                       "disabled"))
        return who, token

    def _from_directory(self, session: Session, user: User | None, name: str,
                        password: Any, directory: Any, address: str,
                        now: dt.datetime) -> User | None:
        """A directory user whose password the directory accepts and whose groups give a
        role (``directory(name, password)`` → (role, municipalities, region, display
        name) or None): made on their first login, their role brought up to date from
        their groups at every login (the directory is the authority)."""
        if not isinstance(password, str) or not 0 < len(password) <= MAX_PASSWORD:
            return None
        found = directory(name, password)
        if found is None:
            return None
        role, municipalities, region, display_name = found
        shown = {"role": role, "municipalities": list(municipalities), "region": region}
        if user is None:
            user = User(username=name, display_name=printable(display_name, 200), role=role,
                        municipalities=list(municipalities), region=region, password_hash="",
                        directory=True, disabled=False, created_at=now,
                        sessions_valid_after=now)
            session.add(user)
            session.flush()
            self.record(session, name, address, "user-from-directory", "user", name, "",
                        None, shown)
        elif (user.role, list(user.municipalities or ()), user.region) != (
                role, list(municipalities), region):
            old = _shown(user)
            user.role, user.municipalities, user.region = role, list(municipalities), region
            self.record(session, name, address, "role-from-directory", "user", name, "",
                        old, shown)
        return user

    def _throttle(self, session: Session, name: str, address: str, now: dt.datetime) -> None:
        since = now - WINDOW
        failures = select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.at >= since, LoginAttempt.success.is_(False))
        by_name = session.scalar(failures.where(LoginAttempt.username == name)) or 0
        by_address = session.scalar(failures.where(LoginAttempt.address == address)) or 0
        if by_name >= ACCOUNT_FAILURES or by_address >= ADDRESS_FAILURES:
            raise AccountError(Message("too many failed logins; try again in {minutes} "
                                       "minutes").format(minutes=WINDOW.seconds // 60))

    @staticmethod
    def _verify(session: Session, user: User | None, password: Any, directory: Any) -> bool:
        if not isinstance(password, str) or not 0 < len(password) <= MAX_PASSWORD:
            return False
        hasher = _hasher()
        from argon2.exceptions import InvalidHashError, VerificationError

        if user is None or user.disabled:
            try:  # the same work as for a real account, so time tells nothing
                hasher.verify(_DUMMY.get(hasher), password)
            except VerificationError:
                pass
            return False
        if user.directory:  # no password here; checked by the directory alone
            return False
        try:
            hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        return True

    def session_person(self, token: str, address: str = "") -> Person | None:
        """Who a session cookie belongs to, or None when it is unknown, ended, idle too
        long, too old, or its user disabled or changed since."""
        if not isinstance(token, str) or not 20 <= len(token) <= 200:
            return None
        now = _now()
        with self.register.session() as session:
            # One query for the session and its user: every page of the server asks it.
            found = session.execute(select(WebSession, User).outerjoin(
                User, User.id == WebSession.user_id).where(
                    WebSession.token_sha256 == _digest(token))).first()
            if found is None or found[0].ended:
                return None
            row, user = found
            created, seen = _utc(row.created_at), _utc(row.seen_at)
            if user is None or user.disabled or created < _utc(user.sessions_valid_after) \
                    or now - seen > IDLE or now - created > LONGEST:
                row.ended = True
                return None
            if now - seen > dt.timedelta(minutes=1):  # not a write per request
                row.seen_at = now
            return person(user)

    def logout(self, token: str, address: str = "") -> None:
        with self.register.session() as session:
            row = session.scalar(select(WebSession).where(
                WebSession.token_sha256 == _digest(token)))
            if row is not None and not row.ended:
                row.ended = True
                user = session.get(User, row.user_id)
                self.record(session, user.username if user else "?", address, "logout",
                            "session", "", "", None, None)

    def logout_everywhere(self, username: str, address: str = "") -> None:
        with self.register.session() as session:
            user = self._user(session, username)
            user.sessions_valid_after = _now()
            self.record(session, username, address, "logout-everywhere", "session", "", "",
                        None, None)

    # --- the audit trail -------------------------------------------------------------------

    @staticmethod
    def record(session: Session, username: str, address: str, action: str, kind: str,
               object_id: str, municipality: str, old: dict | None, new: dict | None) -> None:
        """Add one row to the audit trail, in the transaction of the change it records."""
        session.add(AuditEntry(at=_now(), username=printable(username, 128),
                               address=printable(address, 64), action=action,
                               object_kind=kind, object_id=printable(object_id, 64),
                               municipality=municipality, old=old, new=new))

    def audit(self, viewer: Person, *, limit: int = 500,
              object_id: str | None = None) -> list[AuditEntry]:
        """The newest rows the viewer may see: an admin all, a lawyer their region's
        municipalities', a clerk their own municipalities' and their own actions."""
        from xbdocs import catalogue

        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if object_id is not None:
            query = query.where(AuditEntry.object_id == object_id)
        if viewer.role == LAWYER:
            cat = catalogue.load()
            mine = [p.id for p in cat.parties.values() if p.region == viewer.region]
            query = query.where(AuditEntry.municipality.in_(mine))
        elif viewer.role == CLERK:
            query = query.where(AuditEntry.municipality.in_(viewer.municipalities) |
                                (AuditEntry.username == viewer.username))
        with self.register.session() as session:
            return list(session.scalars(query))


def _shown(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "municipalities": list(user.municipalities or ()), "region": user.region,
            "directory": user.directory}


class _Dummy:
    """A hash of nothing, made once, verified against for unknown names."""

    def __init__(self) -> None:
        self.value: str | None = None

    def get(self, hasher: Any) -> str:
        if self.value is None:
            self.value = hasher.hash(secrets.token_urlsafe(16))
        return self.value


_DUMMY = _Dummy()


def _prune(session: Session, user_id: int, now: dt.datetime) -> None:
    """Forget what can no longer matter, at a login: the user's sessions that have ended
    (logged out, idle, too old) and everyone's login attempts older than the throttle's
    window, so neither table grows without end. The audit trail keeps every login and
    logout; it is never pruned."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id, or_(
        WebSession.ended.is_(True), WebSession.seen_at < now - IDLE,
        WebSession.created_at < now - LONGEST)))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP_ATTEMPTS))
