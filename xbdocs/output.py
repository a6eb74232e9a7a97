"""Writing output files so that nothing is lost: each file appears whole or not at all, and
an existing file is replaced only when the user said --force."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from xbdocs.errors import OutputError
from xbdocs.i18n import _


def check_free(paths: list[Path], force: bool) -> None:
    """Refuse before any work is written if an output exists and --force was not given."""
    if force:
        return
    existing = [str(path) for path in paths if path.exists()]
    if existing:
        raise OutputError(_("{paths}: already exists; use --force to overwrite").format(
            paths=", ".join(existing)))


def write_atomic(path: Path, data: bytes, force: bool) -> None:
    """Write to a temporary file beside ``path``, then move it into place."""
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(_("{path}: cannot create the folder: {error}").format(
            path=directory, error=exc.strerror)) from None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=directory)
    except OSError as exc:
        raise OutputError(_("{path}: cannot write: {error}").format(
            path=path, error=exc.strerror)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            os.replace(temporary, path)
        else:
            # A hard link fails if the name appeared meanwhile: no silent overwrite.
            os.link(temporary, path)
            os.unlink(temporary)
    except FileExistsError:
        raise OutputError(_("{path}: already exists; use --force to overwrite").format(
            path=path)) from None
    except OSError as exc:
        raise OutputError(_("{path}: cannot write: {error}").format(
            path=path, error=exc.strerror)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def write_all(files: dict[Path, bytes], force: bool) -> None:
    check_free(list(files), force)
    for path, data in files.items():
        write_atomic(path, data, force)
