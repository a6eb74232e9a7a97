"""The department server's backups restore, and its deployment files say what docs/server.md
says: a register copied while it is in use (SQLite's online backup; PostgreSQL's pg_dump -Fc
and pg_restore into a fresh database — on a real server: .ci/postgres starts one, .ci/run sets
XBDOCS_TEST_POSTGRES and XBDOCS_REQUIRE_POSTGRES; elsewhere that run skips) opens with its
users, its audit trail and a login that works; deploy/xbdocs-backup does the same with the
data folder; the systemd unit has what the doc promises (and systemd-analyze accepts it); and
every xbdocs command the doc quotes is one the CLI knows, option for option."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.conftest import ROOT
from xbdocs.errors import AccountError
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.models import AuditEntry
from xbdocs.registry.store import open_register

#: CI installs sqlite3, systemd-analyze, nginx and caddy and sets this: no skipping there.
REQUIRED = os.environ.get("XBDOCS_REQUIRE_SERVER_TOOLS") == "1"

POSTGRES = os.environ.get("XBDOCS_TEST_POSTGRES")
DOC = ROOT / "docs" / "server.md"
DEPLOY = ROOT / "deploy"
UGLOVSKY = "altai-uglovsky-district"
PASSWORD = "correct horse battery"


# --- a register in use ---------------------------------------------------------------------

def _populate(location: str) -> Accounts:
    """A register as a server leaves it: three users, logins, a draft's change audited."""
    accounts = Accounts(open_register(location))
    accounts.add("admin1", "admin", password=PASSWORD, display_name="Сидоров О. И.",
                 by="setup")
    accounts.add("ivanova", "clerk", password=PASSWORD, municipalities=[UGLOVSKY],
                 display_name="Иванова Анна Петровна", by="admin1")
    accounts.add("petrov", "lawyer", password=PASSWORD, region="altai-krai", by="admin1")
    accounts.login("ivanova", PASSWORD, "10.0.0.5")
    with pytest.raises(AccountError):
        accounts.login("petrov", "a wrong password", "10.0.0.6")
    with accounts.register.session() as session:
        accounts.record(session, "ivanova", "10.0.0.5", "answer-changed", "draft",
                        "Zq3v9KfLr2XbW8sTn1Ae", UGLOVSKY,
                        {"russian.signatory": "Петров П. П."},
                        {"russian.signatory": "Сидорова Е. В."})
    return accounts


def _audit(accounts: Accounts) -> list[tuple]:
    with accounts.register.session() as session:
        return [(row.id, row.at, row.username, row.address, row.action, row.object_kind,
                 row.object_id, row.municipality, row.old, row.new)
                for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _state(accounts: Accounts) -> tuple[list, list]:
    return accounts.listing(), _audit(accounts)


def _check_restored(location: str, expected: tuple[list, list]) -> None:
    """The restored register has the users and the audit trail of the copy, and works."""
    accounts = Accounts(open_register(location))
    users, audit = _state(accounts)
    assert users == expected[0]
    assert audit == expected[1]
    assert [row["username"] for row in users] == ["admin1", "ivanova", "petrov"]
    actions = [row[4] for row in audit]
    assert {"user-added", "login", "login-failed", "answer-changed"} <= set(actions)
    changed = next(row for row in audit if row[4] == "answer-changed")
    assert changed[9] == {"russian.signatory": "Сидорова Е. В."}
    person, token = accounts.login("ivanova", PASSWORD, "10.0.0.7")
    assert person.municipalities == (UGLOVSKY,)
    assert accounts.session_person(token) == person
    with pytest.raises(AccountError):
        accounts.login("petrov", "still a wrong password", "10.0.0.7")
    accounts.register.engine.dispose()


# --- SQLite ----------------------------------------------------------------------------------

def test_a_sqlite_register_copied_while_in_use_restores(tmp_path):
    live = tmp_path / "live" / "register.sqlite3"
    accounts = _populate(str(live))
    expected = _state(accounts)
    copy = tmp_path / "backup" / "register-2026-12-01.sqlite3"
    copy.parent.mkdir()
    # The online backup: the server's connections stay open, and one reads meanwhile.
    source = sqlite3.connect(live)
    try:
        assert source.execute("SELECT count(*) FROM users").fetchone() == (3,)
        target = sqlite3.connect(copy)
        source.backup(target)
        target.close()
    finally:
        source.close()
    # The server goes on after the copy: what it does then is not in the copy.
    accounts.login("petrov", PASSWORD, "10.0.0.8")
    assert len(_audit(accounts)) == len(expected[1]) + 1
    accounts.register.engine.dispose()

    restored = tmp_path / "restored" / "register.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(copy, restored)
    _check_restored(str(restored), expected)


# --- PostgreSQL ------------------------------------------------------------------------------

def _postgres_bin() -> Path:
    """The newest server's programs, as .ci/postgres finds them (pg_dump must be at least
    as new as the server it copies)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                   key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    if not found or not (found[-1] / "pg_dump").exists():
        pytest.fail("XBDOCS_TEST_POSTGRES is set but no pg_dump under /usr/lib/postgresql/*/bin")
    return found[-1]


@pytest.fixture
def postgres(request):
    """Makes fresh databases on the test server (dropped afterwards): ``postgres()`` gives
    one's SQLAlchemy URL."""
    if not POSTGRES:
        if os.environ.get("XBDOCS_REQUIRE_POSTGRES"):
            pytest.fail("the backups must be tested on PostgreSQL here: run .ci/postgres and "
                        "set XBDOCS_TEST_POSTGRES to the URL it prints")
        pytest.skip("no PostgreSQL server (XBDOCS_TEST_POSTGRES); .ci/postgres starts one")
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def database() -> str:
        name = f"xbdocs_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return sa.engine.make_url(POSTGRES).set(database=name).render_as_string(
            hide_password=False)

    yield database
    with admin.connect() as connection:
        for name in made:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _libpq(url: str) -> str:
    """SQLAlchemy's postgresql+psycopg://… as libpq's postgresql://… (what pg_dump takes)."""
    return "postgresql://" + url.split("://", 1)[1]


def test_a_postgresql_register_dumped_while_in_use_restores(postgres, tmp_path):
    bin_dir = _postgres_bin()
    live = postgres()
    accounts = _populate(live)
    expected = _state(accounts)
    dump = tmp_path / "register-2026-12-01.dump"
    # The server's connection pool stays open while pg_dump takes its snapshot.
    subprocess.run([bin_dir / "pg_dump", "-Fc", "-d", _libpq(live), "-f", dump],
                   check=True, capture_output=True, timeout=120)
    accounts.login("petrov", PASSWORD, "10.0.0.8")   # after the copy: not in it
    accounts.register.engine.dispose()

    fresh = postgres()
    restored = subprocess.run([bin_dir / "pg_restore", "--no-owner", "-d", _libpq(fresh),
                               dump], capture_output=True, text=True, timeout=120)
    assert restored.returncode == 0, restored.stderr
    _check_restored(fresh, expected)


# --- deploy/xbdocs-backup ---------------------------------------------------------------------

def _draft_folder(data: Path) -> dict[str, str]:
    drafts = data / "drafts"
    drafts.mkdir(parents=True)
    (data / "pdf-jobs").mkdir()
    files = {"Zq3v9KfLr2XbW8sTn1Ae.json": json.dumps({"revision": 3, "values": {
        "russian.signatory": "Сидорова Е. В."}}, ensure_ascii=False)}
    for name, text in files.items():
        (drafts / name).write_text(text, encoding="utf-8")
    return files


def _backup_script(tmp_path: Path, db: str, extra_path: Path | None = None) -> Path:
    """Runs deploy/xbdocs-backup with a settings file as /etc/xbdocs/xbdocs.env would be;
    the folder it wrote."""
    data = tmp_path / "var" / "web"
    settings = tmp_path / "xbdocs.env"
    settings.write_text(f"# as deploy/xbdocs.env.example\nXBDOCS_DB={db}\n"
                        f"XBDOCS_DATA_DIR={data}\nXBDOCS_LANG=ru\n", encoding="utf-8")
    backups = tmp_path / "backups"
    env = {key: value for key, value in os.environ.items()
           if key not in ("XBDOCS_DB", "XBDOCS_DATA_DIR")}
    env |= {"XBDOCS_ENV": str(settings), "XBDOCS_BACKUP_DIR": str(backups)}
    if extra_path is not None:
        env["PATH"] = f"{extra_path}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(["sh", DEPLOY / "xbdocs-backup"], env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return backups


def _restore_data_folder(backups: Path, tmp_path: Path, files: dict[str, str]) -> None:
    (archive,) = backups.glob("web-*.tar.gz")
    target = tmp_path / "restored-data"
    target.mkdir()
    subprocess.run(["tar", "-C", target, "-xzf", archive], check=True, timeout=60)
    for name, text in files.items():
        assert (target / "web" / "drafts" / name).read_text(encoding="utf-8") == text
    assert (target / "web" / "pdf-jobs").is_dir()


@pytest.mark.skipif(shutil.which("sqlite3") is None and not REQUIRED,
                    reason="no sqlite3 tool (apt install sqlite3)")
def test_the_backup_script_on_sqlite(tmp_path):
    live = tmp_path / "var" / "register.sqlite3"
    accounts = _populate(str(live))
    expected = _state(accounts)
    files = _draft_folder(tmp_path / "var" / "web")
    backups = _backup_script(tmp_path, str(live))
    accounts.register.engine.dispose()
    (copy,) = backups.glob("register-*.sqlite3")
    assert not list(backups.glob("*.part"))
    restored = tmp_path / "restored" / "register.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(copy, restored)
    _check_restored(str(restored), expected)
    _restore_data_folder(backups, tmp_path, files)


def test_the_backup_script_on_postgresql(postgres, tmp_path):
    bin_dir = _postgres_bin()
    live = postgres()   # its query holds «&»: the settings file is not run by a shell
    accounts = _populate(live)
    expected = _state(accounts)
    files = _draft_folder(tmp_path / "var" / "web")
    backups = _backup_script(tmp_path, live, extra_path=bin_dir)
    accounts.register.engine.dispose()
    (dump,) = backups.glob("register-*.dump")
    fresh = postgres()
    restored = subprocess.run([bin_dir / "pg_restore", "--no-owner", "-d", _libpq(fresh),
                               dump], capture_output=True, text=True, timeout=120)
    assert restored.returncode == 0, restored.stderr
    _check_restored(fresh, expected)
    _restore_data_folder(backups, tmp_path, files)


# --- the systemd unit and the other deployment files ----------------------------------------

def _unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit's sections, each a list of (key, value) in order (keys repeat)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: {line}"
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None and "=" in line, f"{path.name}:{number}: {line}"
        key, _sep, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def _values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [value for name, value in section if name == key]


def test_the_unit_has_what_the_doc_promises():
    unit = _unit(DEPLOY / "xbdocs.service")
    assert set(unit) == {"Unit", "Service", "Install"}
    service = unit["Service"]

    def one(key: str) -> str:
        (value,) = _values(service, key)
        return value

    assert one("User") == "xbdocs" and one("Group") == "xbdocs"
    assert one("EnvironmentFile") == "/etc/xbdocs/xbdocs.env"
    assert one("Restart") == "on-failure"
    assert one("NoNewPrivileges") == "yes"
    assert one("ProtectSystem") == "strict"
    assert one("PrivateTmp") == "yes" and one("ProtectHome") == "yes"
    writable = one("ReadWritePaths").split()
    settings = dict(line.split("=", 1) for line in
                    (DEPLOY / "xbdocs.env.example").read_text(encoding="utf-8").splitlines()
                    if line and not line.startswith("#"))
    data_dir = Path(settings["XBDOCS_DATA_DIR"])
    assert any(data_dir.is_relative_to(path) for path in writable), (data_dir, writable)
    command = shlex.split(one("ExecStart"))
    assert command[0] == "/opt/xbdocs/bin/xbdocs" and command[1] == "serve"
    for option in ("--accounts", "--no-browser", "--secure-cookies"):
        assert option in command
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8000"
    assert command[command.index("--server-name") + 1] == "xbdocs.region.ru"
    assert _values(unit["Install"], "WantedBy") == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None and not REQUIRED,
                    reason="no systemd-analyze")
def test_systemd_analyze_accepts_the_unit(tmp_path):
    """systemd's own reading: an unknown key or a value it cannot parse is reported. The
    program is not installed in /opt here, so the copy runs this checkout's."""
    program = Path(sys.executable).with_name("xbdocs")
    text = (DEPLOY / "xbdocs.service").read_text(encoding="utf-8")
    copy = tmp_path / "xbdocs.service"
    copy.write_text(text.replace("/opt/xbdocs/bin/xbdocs", str(program)), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", copy], capture_output=True, text=True,
                          timeout=60)
    tolerated = re.compile(r"user|group|not executable|No such file", re.IGNORECASE)
    problems = [line for line in done.stderr.splitlines() if not tolerated.search(line)]
    assert not problems, done.stderr
    assert done.returncode == 0 or done.stderr.strip(), done.stdout


def test_the_doc_quotes_the_deployment_files_as_they_are():
    """The unit, the settings, the proxies and the rules printed in docs/server.md are the
    files in deploy/, so a change to one shows in the other."""
    doc = DOC.read_text(encoding="utf-8")
    for name in ("xbdocs.service", "xbdocs.env.example", "nginx.conf.example",
                 "Caddyfile.example", "ldap-rules.yaml.example"):
        assert (DEPLOY / name).read_text(encoding="utf-8") in doc, name


def test_the_settings_and_rules_examples_are_what_xbdocs_reads():
    from xbdocs.registry import directory

    lines = (DEPLOY / "xbdocs.env.example").read_text(encoding="utf-8").splitlines()
    cli = (ROOT / "xbdocs" / "cli.py").read_text(encoding="utf-8")
    read = set(re.findall(r'envvar="(XBDOCS_\w+)"', cli)) | {
        "XBDOCS_DATA_DIR", "FORWARDED_ALLOW_IPS", "XBDOCS_LDAP_URL", "XBDOCS_LDAP_USER_DN",
        "XBDOCS_LDAP_BASE", "XBDOCS_LDAP_START_TLS", "XBDOCS_LDAP_CA_FILE"}
    settings = {}
    for line in lines:
        if not line or (line.startswith("#") and not re.match(r"#[A-Z_]+=", line)):
            continue
        name, sep, value = line.lstrip("#").partition("=")
        assert sep and re.fullmatch(r"[A-Z_]+", name) and value == value.strip(), line
        assert name in read, f"{name}: no part of xbdocs reads it"
        settings.setdefault(name, value)
    assert settings["XBDOCS_DB"].startswith("postgresql+psycopg://xbdocs@/xbdocs")
    ldap = directory.DirectorySettings.from_env(settings)
    assert ldap is not None and ldap.url.startswith("ldaps://") and not ldap.start_tls
    text = (DEPLOY / "ldap-rules.yaml.example").read_text(encoding="utf-8")
    rules = directory.load_rules(text, "ldap-rules.yaml.example")
    assert [rule.role for rule in rules] == ["admin", "lawyer", "clerk", "clerk"]
    member = directory.DirectoryUser("ivanova", "Иванова А. П.",
                                     ("cn=xbdocs-uglovsky,cn=groups,dc=region,dc=ru",
                                      "xbdocs-uglovsky", "xbdocs-loktevsky"))
    assert directory.role_of(rules, member) == (
        "clerk", (UGLOVSKY, "altai-loktevsky-district"), "")


# --- every xbdocs command the doc quotes ------------------------------------------------------

_SHELL_BREAKS = {"|", "||", "&", "&&", ";", ";;", "(", ")", "$(", "`"}
_REDIRECTS = {">", ">>", "<", "2>", "2>&1", "<<"}


def _shell_lines(doc: str) -> list[str]:
    """The lines of the doc's ```sh blocks, continuation lines joined, comments dropped."""
    lines, inside = [], False
    for raw in doc.splitlines():
        stripped = raw.strip()
        if stripped.startswith("```"):
            inside = stripped == "```sh" if not inside else False
            continue
        if inside:
            lines.append(stripped)
    joined = "\n".join(lines).replace("\\\n", " ")
    return [re.sub(r"(^|\s)#.*$", "", line) for line in joined.splitlines()]


def _xbdocs_commands(line: str) -> list[list[str]]:
    """Each xbdocs invocation in a shell line: its arguments (after the program), whether
    it is typed as ``xbdocs`` or run as another user with ``sudo -u xbdocs /opt/…/xbdocs``."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words = list(lexer)
    commands, simple = [], []
    for word in [*words, ";"]:
        if word in _SHELL_BREAKS or set(word) <= set("|&;()"):
            commands.append(simple)
            simple = []
        else:
            simple.append(word)
    found = []
    for simple in commands:
        while simple and re.fullmatch(r"[A-Za-z_]\w*=.*", simple[0]):
            simple = simple[1:]
        if simple[:1] == ["sudo"]:
            simple = simple[1:]
            while simple and simple[0].startswith("-"):
                takes_value = simple[0] in ("-u", "-g")
                simple = simple[2 if takes_value else 1:]
        if simple and (simple[0] == "xbdocs" or simple[0].endswith("/bin/xbdocs")):
            arguments = []
            for word in simple[1:]:
                if word in _REDIRECTS or word.startswith(">"):
                    break
                arguments.append(word)
            found.append(arguments)
    return found


def _inline_commands(doc: str) -> list[list[str]]:
    """``xbdocs …`` in the prose (outside code blocks), up to an ellipsis."""
    prose = re.sub(r"```.*?```", "", doc, flags=re.S)
    found = []
    for span in re.findall(r"`(xbdocs (?:-|[a-z])[^`]*)`", prose):
        words = shlex.split(span)[1:]
        cut = next((i for i, w in enumerate(words) if "…" in w or w.isupper()), len(words))
        found.append(words[:cut])
    return found


def _quoted_commands() -> list[list[str]]:
    doc = DOC.read_text(encoding="utf-8")
    commands = [command for line in _shell_lines(doc) for command in _xbdocs_commands(line)]
    commands += _inline_commands(doc)
    entry = re.search(r"^ENTRYPOINT (\[.*\])$", (DEPLOY / "Containerfile").read_text(
        encoding="utf-8"), re.M)
    commands.append([*json.loads(entry[1])[1:], "--server-name", "xbdocs.region.ru",
                     "--secure-cookies"])
    (exec_start,) = _values(_unit(DEPLOY / "xbdocs.service")["Service"], "ExecStart")
    commands.append(shlex.split(exec_start)[1:])
    return commands


def test_the_doc_quotes_commands_and_finds_them():
    commands = _quoted_commands()
    assert len(commands) >= 15
    named = {" ".join(w for w in command if not w.startswith(("-", "$")))[:40]
             for command in commands}
    assert any(name.startswith("users ") and " add admin1" in f" {name}" for name in named)
    assert ["serve", "--accounts", "--host", "127.0.0.1", "--port", "8000", "--no-browser",
            "--server-name", "xbdocs.region.ru", "--secure-cookies"] in commands
    printed = [c for c in commands if "--password-stdin" in c]
    assert printed and printed[0][:3] == ["users", "--db", "$DB"]


def test_an_unknown_option_fails_even_with_help(run):
    """What makes the next test a check of the options: click refuses an option it does not
    know before it shows the help."""
    assert run("serve", "--accounts", "--help").code == 0
    assert run("serve", "--no-such-option", "--help").code != 0
    assert run("users", "--db", "x", "add", "a", "--no-such-option", "--help").code != 0


@pytest.mark.parametrize("command", _quoted_commands(), ids=lambda c: " ".join(c)[:70])
def test_every_quoted_command_is_one_the_cli_knows(run, command):
    result = run(*command, "--help")
    assert result.code == 0, (command, result.err)
    assert "--version" in command or "Usage" in result.out, result.out


# --- the proxies: their configurations as the servers read them, and nginx in front ---------

def _proxy_program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None or shutil.which("openssl") is None:
        if REQUIRED:
            pytest.fail(f"XBDOCS_REQUIRE_SERVER_TOOLS=1 but {name} or openssl is missing")
        pytest.skip(f"no {name} or openssl here")
    return found


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for xbdocs.region.ru, for the proxies to load."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    key, "-out", cert, "-days", "2", "-subj", "/CN=xbdocs.region.ru"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def _with_certificate(text: str, cert: Path, key: Path) -> str:
    return text.replace("/etc/ssl/xbdocs/fullchain.pem", str(cert)).replace(
        "/etc/ssl/xbdocs/privkey.pem", str(key))


def test_caddy_accepts_the_caddyfile(tmp_path):
    caddy = _proxy_program("caddy")
    cert, key = _certificate(tmp_path)
    config = tmp_path / "Caddyfile"
    config.write_text(_with_certificate((DEPLOY / "Caddyfile.example").read_text(
        encoding="utf-8"), cert, key), encoding="utf-8")
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([caddy, "validate", "--config", config, "--adapter", "caddyfile"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Valid configuration" in done.stdout + done.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, timeout: float = 30) -> None:
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"nothing listens on 127.0.0.1:{port}")


def test_through_nginx_as_the_doc_sets_it_up(tmp_path):
    """deploy/nginx.conf.example in front of ``xbdocs serve --accounts … --secure-cookies``
    as the unit starts it: HTTP goes to HTTPS, HSTS, another Host refused, cookies Secure, a
    body over 2 MB refused, and the audit trail records the client's own address — never
    one the client wrote into X-Forwarded-For."""
    httpx = pytest.importorskip("httpx")
    nginx = _proxy_program("nginx")
    cert, key = _certificate(tmp_path)
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    site = _with_certificate((DEPLOY / "nginx.conf.example").read_text(encoding="utf-8"),
                             cert, key)
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = re.sub(r"\n\s*listen \[::\]:\d+( ssl)?;", "", site)
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "logs").mkdir()
    temp = " ".join(f"{kind}_temp_path {tmp_path}/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main_config = tmp_path / "nginx.conf"
    main_config.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n{temp}\n"
                           f"access_log off;\ninclude {tmp_path}/site.conf;\n}}\n",
                           encoding="utf-8")
    prefix = ["-p", f"{tmp_path}/", "-e", f"{tmp_path}/logs/error.log", "-c", main_config]
    checked = subprocess.run([nginx, "-t", *prefix], capture_output=True, text=True,
                             timeout=60)
    assert checked.returncode == 0, checked.stderr

    db = tmp_path / "register.sqlite3"
    env = dict(os.environ, XBDOCS_DB=str(db), XBDOCS_DATA_DIR=str(tmp_path / "web"))
    env.pop("XBDOCS_LDAP_URL", None)
    subprocess.run([sys.executable, "-m", "xbdocs", "users", "add", "admin1", "--role",
                    "admin", "--password-stdin"], input=PASSWORD + "\n", text=True, env=env,
                   check=True, capture_output=True, timeout=120)
    server = subprocess.Popen([sys.executable, "-m", "xbdocs", "serve", "--accounts", "--host",
                               "127.0.0.1", "--port", str(app_port), "--no-browser",
                               "--server-name", "xbdocs.region.ru", "--secure-cookies"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proxy = subprocess.Popen([nginx, *prefix, "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(app_port)
        _wait_for(https_port)
        named = {"Host": "xbdocs.region.ru"}
        plain = httpx.get(f"http://127.0.0.1:{http_port}/", headers=named)
        assert plain.status_code == 301
        assert plain.headers["location"] == "https://xbdocs.region.ru/"
        base = f"https://127.0.0.1:{https_port}"
        with httpx.Client(verify=False, headers=named) as client:
            start = client.get(base + "/")
            assert start.status_code == 303 and start.headers["location"] == "/login?next=/"
            assert start.headers["strict-transport-security"] == "max-age=31536000"
            assert client.get(base + "/", headers={"Host": "elsewhere.example"}
                              ).status_code == 400
            page = client.get(base + "/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
            form = {"csrf_token": csrf, "username": "admin1", "next": "/"}
            wrong = client.post(base + "/login", data={**form, "password": "not the one!"},
                                headers={"X-Forwarded-For": "203.0.113.66"})
            assert wrong.status_code == 401
            right = client.post(base + "/login", data={**form, "password": PASSWORD})
            assert right.status_code == 303
            cookies = right.headers.get_list("set-cookie")
            assert any(c.startswith("xbdocs_session=") for c in cookies)
            assert all("Secure" in c and "HttpOnly" in c for c in cookies)
            assert client.post(base + "/upload", content=b"x" * (3 << 20), headers={
                "Content-Type": "application/octet-stream"}).status_code == 413
    finally:
        proxy.terminate()
        server.terminate()
        proxy.wait(timeout=30)
        server.wait(timeout=30)
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT username, address, action FROM audit "
                                  "WHERE object_kind = 'session' ORDER BY id").fetchall()
    connection.close()
    assert rows == [("admin1", "127.0.0.1", "login-failed"), ("admin1", "127.0.0.1", "login")]
