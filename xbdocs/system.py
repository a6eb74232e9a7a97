"""What differs between the systems clerks use (Windows, Astra Linux and other Linux): locking
a folder, the limits of file names, where LibreOffice lives, and child processes that must
not outlive xbdocs. Every other module asks here instead of testing the platform itself."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

WINDOWS = sys.platform == "win32"
#: The hidden lock file used where a folder itself cannot be locked (Windows).
LOCK_NAME = ".xbdocs-lock"


class Busy(Exception):
    """The folder is locked by another process."""


@contextlib.contextmanager
def locked(folder: Path, wait_seconds: float = 60) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that two builds never write into it at once.

    On POSIX the folder itself is locked (flock), which leaves nothing behind; on Windows a
    hidden lock file inside it is. Raises :class:`Busy` after ``wait_seconds``."""
    if WINDOWS:  # pragma: no cover - not run on this CI
        import msvcrt

        handle = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _retry(lambda: msvcrt.locking(handle, msvcrt.LK_NBLCK, 1), wait_seconds)
            try:
                yield
            finally:
                os.lseek(handle, 0, os.SEEK_SET)
                msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(handle)
        return
    import fcntl

    handle = os.open(folder, os.O_RDONLY)
    try:
        _retry(lambda: fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB), wait_seconds)
        yield
    finally:
        os.close(handle)  # closing releases the lock


@contextlib.contextmanager
def file_locked(path: Path, wait_seconds: float = 60) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if missing), across threads and
    processes, on POSIX (flock) and Windows (msvcrt) alike; :class:`Busy` after
    ``wait_seconds`` (0: try once). Each call opens the file anew, so two threads of one
    process exclude each other as two processes do."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if WINDOWS:  # pragma: no cover - not run on this CI
            import msvcrt

            _retry(lambda: msvcrt.locking(handle, msvcrt.LK_NBLCK, 1), wait_seconds)
            try:
                yield
            finally:
                os.lseek(handle, 0, os.SEEK_SET)
                msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
            return
        import fcntl

        _retry(lambda: fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB), wait_seconds)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a reader in another process (or after a crash)
    sees the old content or the new, never half of it (a temporary file beside it, fsync,
    rename)."""
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                         dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _retry(attempt, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            attempt()
            return
        except OSError:
            if time.monotonic() >= deadline:
                raise Busy from None
            time.sleep(0.1)


def name_limit(folder: Path) -> int:
    """The longest file name the folder's file system takes."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        return os.pathconf(folder, "PC_NAME_MAX")
    return 255


def path_limit(folder: Path) -> int:
    """The longest path the system takes (Windows without long paths: 260)."""
    if WINDOWS:  # pragma: no cover
        return 260
    with contextlib.suppress(AttributeError, OSError, ValueError):
        return os.pathconf(folder, "PC_PATH_MAX")
    return 4096


def fsync_folder(folder: Path) -> None:
    """Make renames inside ``folder`` durable (POSIX; Windows has no folder handles)."""
    if WINDOWS:  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


# --- LibreOffice ----------------------------------------------------------------------------

_SOFFICE_PLACES = {
    "win32": [r"{ProgramFiles}\LibreOffice\program\soffice.exe",
              r"{ProgramFiles(x86)}\LibreOffice\program\soffice.exe"],
    "darwin": ["/Applications/LibreOffice.app/Contents/MacOS/soffice"],
    "linux": ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
              "/opt/libreoffice/program/soffice", "/snap/bin/libreoffice"],
}


def soffice() -> str | None:
    """LibreOffice's program: on the PATH, or in its standard install places."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    places = _SOFFICE_PLACES.get(sys.platform, _SOFFICE_PLACES["linux"])
    for place in places:
        with contextlib.suppress(KeyError):
            path = Path(place.format(**os.environ))
            if path.is_file():
                return str(path)
    return None


_GUARD = """
import os, signal, subprocess, sys, threading
child = subprocess.Popen(sys.argv[1:], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def orphaned():
    while os.read(0, 4096):          # returns b"" when xbdocs has gone, however it ended
        pass
    os.killpg(child.pid, signal.SIGKILL)
    os._exit(1)
threading.Thread(target=orphaned, daemon=True).start()
signal.signal(signal.SIGTERM, lambda *a: (os.killpg(child.pid, signal.SIGKILL), os._exit(1)))
code = child.wait()
try:
    os.killpg(child.pid, signal.SIGKILL)  # what the command left running
except OSError:
    pass
os._exit(code if code >= 0 else 128 - code)
"""


def run_tied(command: list[str], timeout: float) -> int:
    """Run ``command`` so that it and everything it starts die with xbdocs, even when
    xbdocs is killed outright, and after ``timeout`` seconds.

    On POSIX a small guard process starts the command in a process group of its own and
    kills that group as soon as its pipe from xbdocs closes; LibreOffice's launcher forks,
    so killing one process would not be enough. Raises subprocess.TimeoutExpired."""
    if WINDOWS:  # pragma: no cover - Windows ends a console's children with it
        return subprocess.run(command, capture_output=True, timeout=timeout,
                              check=False).returncode
    guard = subprocess.Popen([sys.executable, "-c", _GUARD, *command], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return guard.wait(timeout=timeout)
    except BaseException:
        guard.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            guard.wait(timeout=10)
        raise
    finally:
        assert guard.stdin is not None
        guard.stdin.close()
