"""The department server's users, sessions, throttle and audit trail, on a real register
(SQLite here; the same code on PostgreSQL in CI through XBDOCS_TEST_POSTGRES in the
register's tests), and the ``xbdocs users`` command."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from xbdocs.errors import AccountError
from xbdocs.registry import accounts as accounts_module
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.models import AuditEntry, User, WebSession
from xbdocs.registry.store import open_register

UGLOVSKY = "altai-uglovsky-district"
PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(tmp_path):
    register = open_register(str(tmp_path / "r.sqlite3"))
    accounts = Accounts(register)
    accounts.add("admin1", "admin", password=PASSWORD, by="setup")
    accounts.add("ivanova", "clerk", password=PASSWORD, municipalities=[UGLOVSKY],
                 by="admin1")
    accounts.add("petrov", "lawyer", password=PASSWORD, region="altai-krai", by="admin1")
    return accounts


def test_a_right_password_logs_in_and_the_session_finds_the_person(accounts):
    person, token = accounts.login("ivanova", PASSWORD, "10.0.0.5")
    assert person.role == "clerk" and person.municipalities == (UGLOVSKY,)
    assert accounts.session_person(token) == person
    with accounts.register.session() as session:   # the table keeps a digest, not the token
        stored = session.query(WebSession).one()
        assert token not in stored.token_sha256 and len(stored.token_sha256) == 64
        assert session.query(User).filter_by(username="ivanova").one().password_hash \
            .startswith("$argon2")


@pytest.mark.parametrize(("name", "password"), [
    ("ivanova", "wrong password"), ("nobody", PASSWORD), ("ivanova", ""),
    ("", PASSWORD), ("x' OR 1=1 --", PASSWORD), ("ivanova", "x" * 5000)])
def test_a_wrong_login_gets_the_same_words(accounts, name, password):
    with pytest.raises(AccountError) as refused:
        accounts.login(name, password, "10.0.0.5")
    assert str(refused.value) == "wrong user name or password, or the account is disabled"


def test_guessing_locks_the_account_then_the_window_passes(accounts, monkeypatch):
    for _attempt in range(accounts_module.ACCOUNT_FAILURES):
        with pytest.raises(AccountError):
            accounts.login("ivanova", "guess", "10.0.0.9")
    with pytest.raises(AccountError, match="too many failed logins"):
        accounts.login("ivanova", PASSWORD, "10.0.0.10")   # even the right one, elsewhere
    later = dt.datetime.now(dt.UTC) + accounts_module.WINDOW + dt.timedelta(seconds=5)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    person, _token = accounts.login("ivanova", PASSWORD, "10.0.0.10")
    assert person.username == "ivanova"


def test_guessing_from_one_address_is_throttled_across_accounts(accounts, monkeypatch):
    monkeypatch.setattr(accounts_module, "ADDRESS_FAILURES", 4)
    for name in ("a1", "a2", "a3", "a4"):
        with pytest.raises(AccountError):
            accounts.login(name, "guess", "10.0.0.66")
    with pytest.raises(AccountError, match="too many"):
        accounts.login("petrov", PASSWORD, "10.0.0.66")


def test_a_disabled_users_sessions_end(accounts):
    _person, token = accounts.login("ivanova", PASSWORD, "10.0.0.5")
    accounts.set_disabled("ivanova", True, by="admin1")
    assert accounts.session_person(token) is None
    with pytest.raises(AccountError):
        accounts.login("ivanova", PASSWORD, "10.0.0.5")


@pytest.mark.parametrize("change", ["password", "role", "everywhere"])
def test_a_new_password_a_new_role_or_logging_out_everywhere_ends_sessions(accounts, change):
    _person, token = accounts.login("ivanova", PASSWORD, "10.0.0.5")
    if change == "password":
        accounts.reset_password("ivanova", "another long password", by="admin1")
    elif change == "role":
        accounts.set_role("ivanova", "lawyer", region="altai-krai", by="admin1")
    else:
        accounts.logout_everywhere("ivanova")
    assert accounts.session_person(token) is None


def test_an_idle_or_old_session_ends(accounts, monkeypatch):
    _person, token = accounts.login("ivanova", PASSWORD, "10.0.0.5")
    later = dt.datetime.now(dt.UTC) + accounts_module.IDLE + dt.timedelta(minutes=1)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    assert accounts.session_person(token) is None


def test_logout_ends_the_session(accounts):
    _person, token = accounts.login("ivanova", PASSWORD, "10.0.0.5")
    accounts.logout(token)
    assert accounts.session_person(token) is None


def test_ended_sessions_and_old_attempts_are_forgotten_at_a_login(accounts, monkeypatch):
    """Neither the sessions nor the throttle's attempts grow without end: a login forgets
    the user's ended (logged out, idle, too old) sessions and attempts older than a day;
    another user's live session stays, and the audit keeps every login."""
    _person, first = accounts.login("ivanova", PASSWORD, "10.0.0.5")
    accounts.logout(first)
    _person, idle = accounts.login("ivanova", PASSWORD, "10.0.0.5")
    _person, _other = accounts.login("petrov", PASSWORD, "10.0.0.6")
    with pytest.raises(AccountError):
        accounts.login("ivanova", "wrong", "10.0.0.7")
    later = dt.datetime.now(dt.UTC) + accounts_module.KEEP_ATTEMPTS + dt.timedelta(hours=1)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    _person, fresh = accounts.login("ivanova", PASSWORD, "10.0.0.5")
    with accounts.register.session() as session:
        kept = {row.user_id for row in session.query(WebSession)}
        users = {u.username: u.id for u in session.query(User)}
        attempts = session.query(accounts_module.LoginAttempt).count()
    assert kept == {users["ivanova"], users["petrov"]}   # ivanova's fresh one, petrov's
    assert accounts.session_person(fresh).username == "ivanova"
    assert accounts.session_person(idle) is None and accounts.session_person(first) is None
    assert attempts == 1   # the attempt just made; the day-old four are gone
    with accounts.register.session() as session:
        logins = session.query(AuditEntry).filter_by(action="login").count()
    assert logins == 4


@pytest.mark.parametrize(("role", "kwargs", "message"), [
    ("clerk", {}, "at least one municipality"),
    ("clerk", {"municipalities": ["abai-borodulikha-district-akimat"]}, "not a Russian party"),
    ("clerk", {"municipalities": ["../etc"]}, "not a Russian party"),
    ("lawyer", {}, "needs a region"),
    ("lawyer", {"region": "pavlodar"}, "not a Russian region"),
    ("root", {}, "expected one of")])
def test_roles_are_checked_against_the_catalogue(accounts, role, kwargs, message):
    with pytest.raises(AccountError, match=message):
        accounts.add("newone", role, password=PASSWORD, by="admin1", **kwargs)


def test_names_and_passwords_are_checked(accounts):
    with pytest.raises(AccountError, match="user name"):
        accounts.add("bad name", "admin", password=PASSWORD, by="admin1")
    with pytest.raises(AccountError, match="at least 10"):
        accounts.add("newone", "admin", password="short", by="admin1")
    with pytest.raises(AccountError, match="exists already"):
        accounts.add("ivanova", "admin", password=PASSWORD, by="admin1")


def test_every_change_is_in_the_audit_with_who_and_what(accounts):
    accounts.set_role("ivanova", "clerk", municipalities=[UGLOVSKY], by="admin1",
                      address="10.1.1.1")
    rows = accounts.audit(accounts.users()[0])
    latest = rows[0]
    assert (latest.username, latest.action, latest.object_id, latest.address) == (
        "admin1", "role-set", "ivanova", "10.1.1.1")
    assert latest.old["role"] == "clerk" and latest.new["municipalities"] == [UGLOVSKY]
    actions = {row.action for row in rows}
    assert {"user-added", "role-set"} <= actions


def test_a_clerk_sees_only_their_municipalities_audit(accounts):
    with accounts.register.session() as session:
        Accounts.record(session, "someone", "", "answers-changed", "draft", "d1", UGLOVSKY,
                        None, {"a": 1})
        Accounts.record(session, "someone", "", "answers-changed", "draft", "d2",
                        "altai-rubtsovsky-district", None, {"a": 1})
    clerk = next(p for p in accounts.users() if p.username == "ivanova")
    seen = {row.object_id for row in accounts.audit(clerk) if row.object_kind == "draft"}
    assert seen == {"d1"}
    lawyer = next(p for p in accounts.users() if p.username == "petrov")
    assert {"d1", "d2"} <= {row.object_id for row in accounts.audit(lawyer)}


def test_the_audit_is_only_ever_inserted_into():
    """No code of xbdocs updates or deletes a row of the audit trail."""
    for path in Path(accounts_module.__file__).parents[1].rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("update", "delete") and node.args and \
                    isinstance(node.args[0], ast.Name) and node.args[0].id == "AuditEntry":
                raise AssertionError(f"{path}: {node.func.id}(AuditEntry)")
    source = Path(accounts_module.__file__).read_text("utf-8")
    assert "session.delete" not in source


def test_users_command(run, tmp_path, monkeypatch):
    db = str(tmp_path / "r.sqlite3")
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    added = run("users", "--db", db, "add", "admin1", "--role", "admin", "--password-stdin")
    assert added.code == 0, added.err
    assert PASSWORD not in added.out + added.err
    clerk = run("users", "--db", db, "add", "ivanova", "--role", "clerk", "--municipality",
                UGLOVSKY, "--directory")
    assert clerk.code == 0, clerk.err
    listed = run("users", "--db", db, "list")
    assert "ivanova" in listed.out and UGLOVSKY in listed.out
    assert run("users", "--db", db, "disable", "ivanova").code == 0
    assert "disabled" in run("users", "--db", db, "list").out
    wrong = run("users", "--db", db, "add", "x", "--role", "clerk", "--directory")
    assert wrong.code == 1 and "municipality" in wrong.err
    missing = run("users", "--db", db, "disable", "nobody")
    assert missing.code == 1 and "no user" in missing.err
