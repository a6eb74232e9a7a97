"""The browser's drafts: one JSON file per draft in the data folder, each with a revision.

Every page submit and every changed field saves the draft here before the response is sent,
so closing the tab, a crash or ``kill -9`` of the server loses at most the field being
typed. Each save names the revision it was made from; a save from an older revision (the
same draft changed in another tab meanwhile) is refused with :class:`Conflict`, which
carries the newer draft, so nothing is silently overwritten. The compare and the write are
one step under an exclusive lock on the draft's file, so two server processes keep the rule
too. Files are written whole or not at all (a temporary file, fsync, rename).

An uploaded answers file becomes a draft too, keeping the file's own text (``source``) until
an answer is changed, so its package is built from exactly what was uploaded (the ZIP is
the CLI's, byte for byte).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xbdocs import system
from xbdocs.inputs import MAX_TEXT_BYTES
from xbdocs.interview.store import DamagedDraft, Draft

__all__ = ["DRAFT_ID", "Conflict", "DraftFiles", "Stored"]

#: A draft's id as ``secrets.token_urlsafe(16)`` makes it; anything else never becomes a path.
DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: How many drafts the start page lists (the newest first).
LISTED = 200
#: A draft file larger than this is not one the app wrote (answers are at most 1 MB, kept
#: once as values and once as the uploaded text).
MAX_DRAFT_BYTES = 4 * MAX_TEXT_BYTES


@dataclass(frozen=True)
class Stored:
    """A draft as kept: the interview's state, its revision, when it was saved, and the
    uploaded text it still equals (None once an answer is changed)."""

    id: str
    draft: Draft
    revision: int
    saved: str
    source: str | None
    title: str
    #: Who made it (a user name on the department server; "" on one clerk's machine).
    owner: str = ""
    #: The lawyer's review on the department server (xbdocs.web.workflow): its state, the
    #: comments, the register entry once accepted.
    review: dict = field(default_factory=dict)


class Conflict(Exception):
    """A save from an older revision: the draft was changed in another tab."""

    def __init__(self, newer: Stored) -> None:
        super().__init__(newer.id)
        self.newer = newer


class DraftFiles:
    """Drafts as files ``<id>.json`` in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.damaged = self.folder / "damaged"
        #: The drafts the start page last read, by file name, each with the file's
        #: identity (inode, size, change time in ns): a memo of the files' content, never
        #: their state — a file written since (a save renames a new file in) has another
        #: identity and is read again. Reading 200 JSON files on every start page cost
        #: 16 ms of its 31 (one clerk); under 55 people it was the start page's p95.
        self._seen: dict[str, tuple[tuple[int, int, int], Stored]] = {}

    def path(self, draft_id: str) -> Path | None:
        """The draft's file, or None for a string that is not a draft id."""
        return self.folder / f"{draft_id}.json" if DRAFT_ID.fullmatch(draft_id) else None

    def create(self, draft: Draft, title: str, source: str | None = None,
               owner: str = "") -> Stored:
        draft_id = secrets.token_urlsafe(16)
        stored = Stored(draft_id, draft, 1, _now(), source, title, owner)
        path = self.path(draft_id)
        assert path is not None
        with _locked(path):
            system.write_atomic(path, _data(stored))
        return stored

    def load(self, draft_id: str) -> Stored | None:
        """The draft, or None when there is none by that id; a damaged file is moved to
        ``damaged/`` (kept for whoever looks) and counts as none."""
        path = self.path(draft_id)
        if path is None or not path.is_file():
            return None
        return self._read(draft_id, path)

    def save(self, stored: Stored, draft: Draft, revision: int, *,
             keep_source: bool = False, title: str | None = None,
             review: dict | None = None) -> Stored:
        """Keep ``draft`` as the next revision of ``stored``, if ``revision`` (the one the
        page was made from) is still the newest; :class:`Conflict` otherwise."""
        path = self.path(stored.id)
        assert path is not None
        with _locked(path):
            current = self._read(stored.id, path)
            if current is None:
                raise Conflict(stored)
            if current.revision != revision:
                raise Conflict(current)
            saved = Stored(stored.id, draft, revision + 1, _now(),
                           current.source if keep_source else None,
                           title if title is not None else current.title, current.owner,
                           review if review is not None else current.review)
            system.write_atomic(path, _data(saved))
        return saved

    def delete(self, draft_id: str) -> None:
        path = self.path(draft_id)
        if path is not None:
            path.unlink(missing_ok=True)

    def listed(self, visible: Callable[[Stored], bool] = lambda _stored: True,
               ) -> list[Stored]:
        """The newest drafts ``visible`` lets through, at most :data:`LISTED` (filtered
        before they are counted: a clerk's own drafts are listed however many newer ones
        other districts have). For showing only: the drafts may be shared with other
        requests, so nothing may change them."""
        found = []
        for path in self.folder.glob("*.json"):
            if DRAFT_ID.fullmatch(path.stem):
                with contextlib.suppress(OSError):
                    found.append((path.stat(), path))
        found.sort(key=lambda item: item[0].st_mtime_ns, reverse=True)
        seen, listed = {}, []
        for status, path in found:
            identity = (status.st_ino, status.st_size, status.st_ctime_ns)
            kept = self._seen.get(path.name)
            stored = kept[1] if kept and kept[0] == identity else self._read(path.stem, path)
            if stored is None:
                continue
            seen[path.name] = (identity, stored)
            if visible(stored):
                listed.append(stored)
                if len(listed) == LISTED:
                    break
        self._seen = {**self._seen, **seen} if len(self._seen) < 4 * LISTED else seen
        return listed

    def _read(self, draft_id: str, path: Path) -> Stored | None:
        try:
            with path.open("rb") as stream:
                raw = stream.read(MAX_DRAFT_BYTES + 1)
            if len(raw) > MAX_DRAFT_BYTES:
                raise DamagedDraft("too large")
            data = json.loads(raw.decode("utf-8"))
            return _stored(draft_id, data)
        except FileNotFoundError:
            return None
        except (ValueError, RecursionError, TypeError, KeyError):
            self._set_aside(path)
            return None

    def _set_aside(self, path: Path) -> None:
        self.damaged.mkdir(exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        with contextlib.suppress(OSError):
            os.replace(path, self.damaged / f"{path.name}.{stamp}")


def _stored(draft_id: str, data: Any) -> Stored:
    if not isinstance(data, dict):
        raise DamagedDraft("not an object")
    revision, saved, source, title, owner, review = (data.get(key) for key in (
        "revision", "saved", "source", "title", "owner", "review"))
    owner, review = owner or "", review or {}
    if not isinstance(review, dict) or len(json.dumps(review)) > MAX_TEXT_BYTES:
        raise DamagedDraft("review")
    if not (isinstance(revision, int) and revision > 0 and isinstance(saved, str)
            and isinstance(title, str) and (source is None or isinstance(source, str))
            and isinstance(owner, str)):
        raise DamagedDraft("revision, saved, source, title or owner")
    return Stored(draft_id, Draft.from_data(data.get("draft")), revision, saved, source,
                  title[:300], owner[:128], review)


def _data(stored: Stored) -> bytes:
    return json.dumps({"draft": stored.draft.as_data(), "revision": stored.revision,
                       "saved": stored.saved, "source": stored.source,
                       "title": stored.title, "owner": stored.owner,
                       "review": stored.review},
                      ensure_ascii=False).encode("utf-8")


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _locked(path: Path) -> contextlib.AbstractContextManager[None]:
    """An exclusive lock for one draft, across threads and processes (a lock file beside
    it, since the draft itself is replaced by rename)."""
    return system.file_locked(path.with_suffix(".lock"), wait_seconds=30)
