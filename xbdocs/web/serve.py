"""Starting the app for ``xbdocs serve``: the address, the port, the server.

Importable without the ``web`` extra (the CLI imports it to refuse a host or to say how to
install what is missing); FastAPI and uvicorn are imported only when the server starts.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xbdocs.errors import XbdocsError
from xbdocs.i18n import Message

DEFAULT_PORT = 8000
#: How many ports after the first are tried before giving up.
PORT_TRIES = 50
INSTALL_HINT = "pip install 'xbdocs[web]'"


def check_host(host: str, accounts: bool = False) -> str:
    """The host, if it is the loopback: local mode has no login, so anything another
    machine could reach is refused. With accounts (the department server) any address."""
    if accounts:
        return host.strip("[]")
    if host == "localhost":
        return "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise XbdocsError(Message(
            "xbdocs serve listens only on the loopback (127.0.0.1), not on {host}: local "
            "mode has no login (a department's server: --accounts)").format(host=host))
    return host.strip("[]")


def port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(host: str, wanted: int = DEFAULT_PORT,
                free: Callable[[str, int], bool] = port_free) -> int:
    """``wanted`` or the next free port after it: a second ``xbdocs serve`` (or another
    program on 8000) does not stop the clerk."""
    for port in range(wanted, min(wanted + PORT_TRIES, 65536)):
        if free(host, port):
            return port
    raise XbdocsError(Message("no free port from {first} to {last}").format(
        first=wanted, last=min(wanted + PORT_TRIES, 65536) - 1))


def default_data_dir() -> Path:
    """Where uploads are kept: XBDOCS_DATA_DIR, else the user's data folder."""
    if os.environ.get("XBDOCS_DATA_DIR"):
        return Path(os.environ["XBDOCS_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "xbdocs" / "web"


@dataclass(frozen=True)
class ServerOptions:
    """The department server's settings (``xbdocs serve --accounts``): docs/server.md."""

    #: The register's database (users, sessions, audit): a path or URL; None: the default.
    db: str | None = None
    #: The names the server is reached by (the Host header); empty: any.
    server_names: tuple[str, ...] = ()
    #: Behind HTTPS (a reverse proxy): cookies are Secure.
    secure_cookies: bool = False
    #: The directory's group rules (YAML); the directory itself from XBDOCS_LDAP_* .
    ldap_rules: Path | None = None
    #: uvicorn worker processes (each request may reach any: they share nothing but the
    #: database and the data folder).
    workers: int = 1


#: How ``xbdocs serve --workers N`` hands its settings to each worker process.
SETTINGS_VARIABLE = "XBDOCS_SERVE_SETTINGS"


def app_options(server: ServerOptions | None) -> dict[str, Any]:
    """create_app's keywords for the department server (none for one clerk's machine)."""
    if server is None:
        return {}
    from xbdocs.registry.accounts import Accounts
    from xbdocs.registry.store import open_register

    return {"accounts": Accounts(open_register(server.db)),
            "server_names": server.server_names, "secure_cookies": server.secure_cookies,
            "directory": directory_check(server.ldap_rules)}


def _serve_workers(host: str, port: int, data_dir: Path, today: dt.date | None,
                   say: Callable[[str], None], server: ServerOptions) -> None:
    """Several uvicorn processes, each making the app from the settings passed in the
    environment. The register is opened (its schema brought up to date) once here first,
    so the workers never run a migration side by side."""
    import json

    import uvicorn

    app_options(server)  # opens the register: migrations run once, here
    os.environ[SETTINGS_VARIABLE] = json.dumps({
        "data_dir": str(data_dir), "today": today.isoformat() if today else None,
        "db": server.db, "server_names": list(server.server_names),
        "secure_cookies": server.secure_cookies,
        "ldap_rules": str(server.ldap_rules) if server.ldap_rules else None})
    say(Message("xbdocs is at {address} (Ctrl-C stops it)").format(
        address=f"http://{host}:{port}/"))
    uvicorn.run("xbdocs.web.serve:app_from_environment", factory=True, host=host, port=port,
                workers=server.workers, log_level="warning", proxy_headers=True)


def app_from_environment() -> Any:
    """The app of one worker process of ``xbdocs serve --workers N``."""
    import json

    from xbdocs.web.app import create_app

    settings = json.loads(os.environ[SETTINGS_VARIABLE])
    server = ServerOptions(settings["db"], tuple(settings["server_names"]),
                           settings["secure_cookies"],
                           Path(settings["ldap_rules"]) if settings["ldap_rules"] else None)
    today = dt.date.fromisoformat(settings["today"]) if settings["today"] else None
    return create_app(Path(settings["data_dir"]), today=today, **app_options(server))


def directory_check(rules_file: Path | None) -> Callable[[str, str], Any] | None:
    """What checks a directory user's password and gives their role, from XBDOCS_LDAP_*
    and the rules file; None when no directory is set."""
    from xbdocs.registry import directory

    settings = directory.DirectorySettings.from_env()
    if settings is None:
        return None
    if rules_file is None:
        raise XbdocsError(Message("XBDOCS_LDAP_URL is set: give the rules that map the "
                                  "directory's groups to roles with --ldap-rules FILE"))
    from xbdocs.inputs import read_text

    rules = directory.load_rules(read_text(rules_file, "the directory's rules"),
                                 str(rules_file))

    def check(username: str, password: str) -> Any:
        found = directory.authenticate(settings, username, password)
        if found is None:
            return None
        role = directory.role_of(rules, found)
        return None if role is None else (*role, found.display_name)

    return check


def serve(host: str, port: int, data_dir: Path, today: dt.date | None,
          say: Callable[[str], None], open_browser: bool,
          server: ServerOptions | None = None) -> None:
    """Run the server until interrupted, after printing its address. With ``server``
    (the department server): logins against the register's users (and the directory)."""
    try:
        import uvicorn

        from xbdocs.web.app import create_app
    except ImportError as exc:
        raise XbdocsError(Message(
            "the browser door needs the web extra ({missing} is missing): {hint}").format(
                missing=exc.name, hint=INSTALL_HINT)) from None
    if server is not None and server.workers > 1:
        _serve_workers(host, port, data_dir, today, say, server)
        return
    app = create_app(data_dir, today=today, port=None if server else port,
                     **app_options(server))
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    say(Message("xbdocs is at {address} (Ctrl-C stops it)").format(address=address))
    if open_browser:
        import webbrowser

        webbrowser.open(address)
    uvicorn.run(app, host=host, port=port, log_level="warning",
                proxy_headers=server is not None)
