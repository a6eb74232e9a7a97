"""Reading the files a user passes: bounded in size, regular files only, errors that name the
file. A FIFO would block forever and a device never ends, so neither is read."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from xbdocs.errors import InputError, printable
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
            # As large as the file says it is, then in steps: reading ``limit`` bytes at
            # once would reserve that much memory for every small file.
            chunks = [stream.read(min(info.st_size, limit) + 1)]
            size = len(chunks[0])
            while size <= limit and (chunk := stream.read(min(1 << 20, limit + 1 - size))):
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
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


def inside(base_dir: Path, name: str, source: str) -> Path:
    """The file ``name`` that the input ``source`` (a plan, a register import) names, which
    must lie under ``base_dir``, the folder of that input.

    A file a user passes on the command line is theirs to name; a file named *inside*
    another file is not: a plan or an import sent by someone else could name
    ``/etc/shadow`` or ``../../.ssh/id_rsa``. So the name must be relative, and the path,
    symbolic links resolved, must stay under ``base_dir``."""
    candidate = Path(name)
    if not name.strip() or "\0" in name or candidate.is_absolute():
        raise InputError.one(source, Message(
            "«{name}»: name a file in the folder of this file (a relative name such as "
            "answers.yaml)").format(name=printable(name, 120)))
    try:
        base = base_dir.resolve(strict=True)
        target = (base / candidate).resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        raise InputError.one(source, Message("«{name}»: cannot be resolved").format(
            name=printable(name, 120))) from None
    if not target.is_relative_to(base):
        raise InputError.one(source, Message(
            "«{name}»: outside the folder of this file; put the file beside it").format(
                name=printable(name, 120)))
    return target
