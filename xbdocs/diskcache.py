"""What a build can keep between processes: made once, reused while nothing it came from
changes.

The folder is ``$XBDOCS_CACHE_DIR``, else ``$XDG_CACHE_HOME/xbdocs``, else
``~/.cache/xbdocs``; ``XBDOCS_CACHE_DIR=off`` turns the cache off. Every entry is named by
a digest of everything it depends on (the xbdocs code that made it included), so a changed
input or a new xbdocs finds no entry rather than a stale one. A cache is only ever a
shortcut: an entry that cannot be read or written is made again, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from pathlib import Path

from xbdocs.version import __version__

_PACKAGE = Path(__file__).parent


def folder() -> Path | None:
    """The cache folder, or ``None`` when the cache is off."""
    chosen = os.environ.get("XBDOCS_CACHE_DIR")
    if chosen:
        return None if chosen.lower() in ("off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "xbdocs"


@functools.cache
def code_digest(*modules: str) -> str:
    """A digest of xbdocs's version and the source of ``modules`` (paths inside the
    package): an entry made by other code is never found."""
    digest = hashlib.sha256(__version__.encode())
    for module in modules:
        with contextlib.suppress(OSError):
            digest.update((_PACKAGE / module).read_bytes())
    return digest.hexdigest()[:16]


def subfolder(name: str, root: Path | None = None) -> Path | None:
    """A folder of the cache (of ``root``, else of :func:`folder`), made if missing;
    ``None`` if the cache is off or cannot be made (a read-only home)."""
    root = root or folder()
    if root is None:
        return None
    path = root / name
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return path


def read(kind: str, key: str, root: Path | None = None) -> bytes | None:
    path = subfolder(kind, root)
    if path is None:
        return None
    try:
        return (path / key).read_bytes()
    except OSError:
        return None


def write(kind: str, key: str, data: bytes, root: Path | None = None) -> None:
    """Store an entry whole or not at all (another process may be reading it)."""
    path = subfolder(kind, root)
    if path is None:
        return
    try:
        handle, temporary = tempfile.mkstemp(dir=path, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path / key)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)
