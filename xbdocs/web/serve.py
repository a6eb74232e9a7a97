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
from pathlib import Path

from xbdocs.errors import XbdocsError
from xbdocs.i18n import Message

DEFAULT_PORT = 8000
#: How many ports after the first are tried before giving up.
PORT_TRIES = 50
INSTALL_HINT = "pip install 'xbdocs[web]'"


def check_host(host: str) -> str:
    """The host, if it is the loopback: local mode has no login, so anything another
    machine could reach is refused (the department server of the next issue adds
    accounts)."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise XbdocsError(Message(
            "xbdocs serve listens only on the loopback (127.0.0.1), not on {host}: local "
            "mode has no login").format(host=host))
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


def serve(host: str, port: int, data_dir: Path, today: dt.date | None,
          say: Callable[[str], None], open_browser: bool) -> None:
    """Run the server until interrupted, after printing its address."""
    try:
        import uvicorn

        from xbdocs.web.app import create_app
    except ImportError as exc:
        raise XbdocsError(Message(
            "the browser door needs the web extra ({missing} is missing): {hint}").format(
                missing=exc.name, hint=INSTALL_HINT)) from None
    app = create_app(data_dir, today=today, port=port)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    say(Message("xbdocs is at {address} (Ctrl-C stops it)").format(address=address))
    if open_browser:
        import webbrowser

        webbrowser.open(address)
    uvicorn.run(app, host=host, port=port, log_level="warning")
