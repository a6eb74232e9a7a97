"""What differs between systems: locking, limits, and child processes tied to xbdocs's life."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from xbdocs import system

pytestmark = pytest.mark.skipif(system.WINDOWS, reason="POSIX process groups")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_tied_process_tree_dies_with_xbdocs(tmp_path):
    """A parent (standing in for xbdocs) runs a launcher that forks, as LibreOffice's does;
    killing the parent outright kills the whole tree."""
    pids = tmp_path / "pids"
    launcher = f"sleep 300 & echo $! > {pids}; sleep 300"
    parent = subprocess.Popen([sys.executable, "-c", (
        "import sys; from xbdocs import system; "
        f"system.run_tied(['sh', '-c', {launcher!r}], 600)")])
    for _ in range(400):  # up to 20 s on a loaded machine
        if pids.exists() and pids.read_text().strip():
            break
        time.sleep(0.05)
    grandchild = int(pids.read_text())
    assert _alive(grandchild)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(200):
        if not _alive(grandchild):
            break
        time.sleep(0.1)
    assert not _alive(grandchild)


def test_a_tied_process_is_killed_after_its_timeout(tmp_path):
    start = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        system.run_tied(["sh", "-c", "sleep 300 & sleep 300"], 0.5)
    assert time.monotonic() - start < 15


def test_run_tied_returns_the_exit_code():
    assert system.run_tied(["sh", "-c", "exit 3"], 30) == 3


def test_limits_of_names():
    assert system.name_limit(os.getcwd()) >= 255
    assert system.path_limit(os.getcwd()) >= 1024
