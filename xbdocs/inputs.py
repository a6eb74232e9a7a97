"""Reading the files a user passes: bounded in size, regular files only, errors that name the
file. A FIFO would block forever and a device never ends, so neither is read."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from xbdocs.errors import InputError
from xbdocs.i18n import Message, MessageText

#: An answers file or a profile is a page or two; anything far larger is not one.
MAX_TEXT_BYTES = 1_000_000


def read_bytes(path: Path, what: MessageText, limit: int) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes."""
    source = str(path)

    def fail(message: MessageText) -> InputError:
        return InputError.one(source, message)

    try:
        info = path.stat()
    except FileNotFoundError:
        raise fail(Message("no such file")) from None
    except OSError as exc:
        raise fail(Message("cannot read the file: {error}").format(error=exc.strerror)) from None
    if stat.S_ISDIR(info.st_mode):
        raise fail(Message("this is a folder; expected {what}").format(what=what))
    if not stat.S_ISREG(info.st_mode):
        raise fail(Message("not a regular file; expected {what}").format(what=what))
    if info.st_size > limit:
        raise fail(Message("too large for {what}: {size} bytes, at most {limit}").format(
            what=what, size=info.st_size, limit=limit))
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise fail(Message("cannot read the file: {error}").format(error=exc.strerror)) from None
    if len(data) > limit:
        raise fail(Message("too large for {what}: more than {limit} bytes").format(
            what=what, limit=limit))
    return data


def read_text(path: Path, what: MessageText) -> str:
    """The text of a small UTF-8 file a person wrote (a byte order mark is allowed)."""
    data = read_bytes(path, what, MAX_TEXT_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.one(str(path), Message("the file is not UTF-8 text (a byte that "
                                                "UTF-8 does not allow); save it as UTF-8"),
                             line=line) from None


def text_digest(text: str) -> str:
    """sha256 of a text as UTF-8: what the manifest records of an input."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
