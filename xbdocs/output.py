"""Writing a package of output files so that nothing is lost: the set appears whole or not at
all, an existing file is replaced only with --force, and no file lands outside the folder.

How (a small journal, as databases do it):

1. The output folder is locked, so two builds never interleave in it.
2. Every file is written into a hidden staging folder inside it (``.xbdocs-stage-*``), with
   the permissions the umask gives, and flushed to disk. Temporary work (LibreOffice's
   conversions) happens there too.
3. Before anything is moved, the names, the space and what already exists are checked.
4. A journal naming the files is written into the staging folder: from then on the build
   is committed. Each old file is moved aside into the staging folder and the new one moved
   into place. Should a move fail, the moves already made are undone.
5. The staging folder is removed.

A build killed before step 4 leaves only its staging folder; one killed during step 4
leaves the journal. The next build in the folder, holding the lock, finishes the second
(roll forward) and removes the first. Files of an earlier build that this one no longer
makes (a PDF from an earlier ``--pdf``) are removed in the same commit when ``--force``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from xbdocs import system
from xbdocs.errors import OutputError, printable
from xbdocs.i18n import Message, _

STAGE_PREFIX = ".xbdocs-stage-"
#: The file that says what a package holds and where it came from (digests of its inputs
#: and files), written last.
MANIFEST = "manifest.json"
JOURNAL = "journal.json"

# The files of a package, named once: the build writes them, the register and batch read
# them.
#: The agreement: the parallel text, and each language alone.
AGREEMENT_FILES = {
    "parallel": "agreement.ru-kk.docx",
    "ru": "agreement.ru.docx",
    "kk": "agreement.kk.docx",
}
#: Documents written from a template of the same name (the agreement aside).
LETTERS = ("notice", "approval-request", "registration-application")
FORMS = ("explanatory-note", "register-card")
#: The agreement's text with the certification «Верно» at its end.
CERTIFIED_COPY = "certified-copy"
#: The clerk's list of unchecked values; not part of any filing.
CHECK_SHEET = "check-sheet.docx"
#: The answers a package was built from, as their file held them. Not «answers.yaml»: that
#: is what a clerk calls their own file, which a build into its folder must never replace.
ANSWERS = "built-from.yaml"
PACKAGE_ZIP = "package.zip"
#: A name xbdocs writes: letters, digits, dots, dashes and underscores, no path.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: Room kept free beyond the files themselves.
SPARE_BYTES = 1 << 20


def check_name(name: str) -> str | None:
    """Why ``name`` cannot be an output file's name, or None if it can."""
    if not SAFE_NAME.fullmatch(name) or ".." in name:
        return _("«{name}» is not a plain file name (letters, digits, «.», «-», «_»)").format(
            name=printable(name, 60))
    return None


def _quote(path: Path) -> str:
    return printable(str(path), 200)


class Package:
    """The files of one build, written into ``folder`` in one commit.

    Use as a context manager: files are added with :meth:`add`, temporary work goes into
    :attr:`scratch`, and :meth:`commit` moves the set into place. Leaving the block without
    committing (an error, Ctrl-C) leaves the folder as it was."""

    def __init__(self, folder: Path, force: bool, previous_manifest: str | None = None) -> None:
        self.folder, self.force = folder, force
        self.previous_manifest = previous_manifest
        self.files: dict[str, bytes] = {}
        self.written: list[Path] = []
        self._created_folder = False
        self._lock: contextlib.ExitStack | None = None
        self._stage: Path | None = None

    # --- opening: the folder, the lock, what an earlier build left ------------------------

    def __enter__(self) -> Package:
        folder = self.folder
        if folder.exists() and not folder.is_dir():
            raise OutputError(Message("{path}: exists and is not a folder").format(
                path=_quote(folder)))
        if not folder.exists():
            try:
                folder.mkdir(parents=True)
            except OSError as exc:
                raise OutputError(Message("{path}: cannot create the folder: {error}").format(
                    path=_quote(folder), error=exc.strerror)) from None
            self._created_folder = True
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(system.locked(folder))
        except system.Busy:
            stack.close()
            self._remove_created_folder()
            raise OutputError(Message("{path}: another xbdocs is writing into this folder; try "
                                      "again when it has finished").format(path=_quote(folder))
                              ) from None
        except OSError as exc:
            stack.close()
            self._remove_created_folder()
            raise OutputError(Message("{path}: cannot open the folder: {error}").format(
                path=_quote(folder), error=exc.strerror)) from None
        self._lock = stack
        try:
            recover(folder)
            self._stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=folder))
            (self._stage / "new").mkdir()
        except OSError as exc:
            self._close()
            raise OutputError(Message("{path}: cannot write: {error}").format(
                path=_quote(folder), error=exc.strerror)) from None
        return self

    @property
    def scratch(self) -> Path:
        """A folder for temporary work, removed with the staging folder."""
        assert self._stage is not None
        path = self._stage / "scratch"
        path.mkdir(exist_ok=True)
        return path

    def add(self, name: str, data: bytes) -> None:
        problem = check_name(name)
        if problem:
            raise OutputError(problem)
        self.files[name] = data

    # --- committing -------------------------------------------------------------------------

    def commit(self) -> list[Path]:
        """Check, stage and move every added file into place; return their paths."""
        assert self._stage is not None
        stale = self._stale()
        self._check()
        new = self._stage / "new"
        for name, data in self.files.items():
            _write_new(new / name, data)
        system.fsync_folder(new)
        journal = {"files": list(self.files), "remove": stale}
        _write_new(self._stage / f"{JOURNAL}.part", json.dumps(journal).encode())
        os.replace(self._stage / f"{JOURNAL}.part", self._stage / JOURNAL)
        system.fsync_folder(self._stage)
        done: list[tuple[str, bool]] = []
        try:
            for name in self.files:
                done.append((name, _place(self._stage, self.folder, name, self.force)))
            for name in stale:
                _set_aside(self._stage, self.folder, name)
        except _Taken as taken:
            self._undo(done, stale)
            raise OutputError(Message("{paths}: already exists; use --force to overwrite").format(
                paths=_quote(self.folder / taken.name))) from None
        except OSError as exc:
            self._undo(done, stale)
            if isinstance(exc, PermissionError):
                raise OutputError(Message("{path}: cannot replace a document: {error}; is it open "
                                          "in Word or another program? Close it and try again")
                                  .format(path=_quote(self.folder), error=exc.strerror)
                                  ) from None
            raise OutputError(Message("{path}: cannot write: {error}").format(
                path=_quote(self.folder), error=exc.strerror)) from None
        system.fsync_folder(self.folder)
        (self._stage / JOURNAL).unlink()
        self.written = [self.folder / name for name in self.files]
        return self.written

    def _stale(self) -> list[str]:
        """Files the previous build listed that this one does not make (only with --force)."""
        if not self.force or self.previous_manifest is None:
            return []
        try:
            earlier = json.loads((self.folder / self.previous_manifest).read_text("utf-8"))
            names = [item["name"] for item in earlier.get("files", [])]
            names += [earlier["archive"]] if earlier.get("archive") else []
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return []
        return [name for name in names if isinstance(name, str) and check_name(name) is None
                and name not in self.files and (self.folder / name).is_file()
                and not (self.folder / name).is_symlink()]

    def _check(self) -> None:
        """Everything that could stop the commit half-way, found before it starts."""
        existing, folders, too_long = [], [], []
        limit, path_limit = system.name_limit(self.folder), system.path_limit(self.folder)
        staged_path = len(str((self._stage or self.folder) / "new"))
        for name in self.files:
            target = self.folder / name
            if len(name.encode()) > limit or staged_path + len(name) + 1 >= path_limit:
                too_long.append(name)
            elif target.is_dir() and not target.is_symlink():
                folders.append(str(target))
            elif os.path.lexists(target) and not self.force:
                existing.append(str(target))
        if too_long:
            raise OutputError(Message("{names}: file name too long for this folder (at most "
                                      "{limit} bytes)").format(names=printable(", ".join(too_long),
                                                                         120), limit=limit))
        if folders:
            raise OutputError(Message("{paths}: a folder stands where a document must go; move it "
                                      "away").format(paths=printable(", ".join(folders))))
        if existing:
            raise OutputError(Message("{paths}: already exists; use --force to overwrite").format(
                paths=printable(", ".join(existing))))
        needed = sum(len(data) for data in self.files.values()) + SPARE_BYTES
        try:
            free = shutil.disk_usage(self.folder).free
        except OSError:
            return
        if free < needed:
            raise OutputError(Message("{path}: not enough free space: {needed} KB needed, "
                                      "{free} KB free").format(
                path=_quote(self.folder), needed=needed // 1024, free=free // 1024))

    def _undo(self, done: list[tuple[str, bool]], stale: list[str]) -> None:
        assert self._stage is not None
        for name in stale:
            aside = self._stage / "old" / name
            if aside.exists():
                with contextlib.suppress(OSError):
                    os.replace(aside, self.folder / name)
        for name, replaced in reversed(done):
            with contextlib.suppress(OSError):
                os.unlink(self.folder / name)
            aside = self._stage / "old" / name
            if replaced and os.path.lexists(aside):
                with contextlib.suppress(OSError):
                    os.replace(aside, self.folder / name)
        with contextlib.suppress(OSError):
            (self._stage / JOURNAL).unlink()

    # --- closing ------------------------------------------------------------------------------

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._close()

    def _close(self) -> None:
        if self._stage is not None:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        self._remove_created_folder()

    def _remove_created_folder(self) -> None:
        if self._created_folder and not self.written:
            with contextlib.suppress(OSError):
                self.folder.rmdir()  # only if empty


def write_files(files: dict[str, bytes], folder: Path, force: bool = False) -> list[Path]:
    """Write ``files`` (name → bytes) into ``folder`` as one :class:`Package`: each whole
    or none, nothing over an existing file without ``force``. The paths written."""
    with Package(folder, force, previous_manifest=MANIFEST) as package:
        for name, data in files.items():
            package.add(name, data)
        return package.commit()


def _write_new(path: Path, data: bytes) -> None:
    """A new file with the permissions the umask gives (not mkstemp's 0600), flushed."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


class _Taken(Exception):
    """A name that appeared in the folder after the checks, without --force."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _place(stage: Path, folder: Path, name: str, force: bool) -> bool:
    """Move a staged file into place; return whether an old file was set aside for it."""
    target, new = folder / name, stage / "new" / name
    replaced = False
    if os.path.lexists(target):
        if not force:
            raise _Taken(name)
        _set_aside(stage, folder, name)
        replaced = True
    try:
        os.link(new, target)  # fails if the name appeared meanwhile: never a silent overwrite
        os.unlink(new)
    except FileExistsError:
        raise _Taken(name) from None
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise _Taken(name) from None
        os.replace(new, target)
    return replaced


def _set_aside(stage: Path, folder: Path, name: str) -> None:
    (stage / "old").mkdir(exist_ok=True)
    os.replace(folder / name, stage / "old" / name)


def recover(folder: Path) -> None:
    """Finish or clear what an interrupted build left in ``folder`` (the lock is held)."""
    for stage in folder.glob(f"{STAGE_PREFIX}*"):
        if not stage.is_dir() or stage.is_symlink():
            continue
        journal = stage / JOURNAL
        if journal.is_file():
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                plan = json.loads(journal.read_text("utf-8"))
                for name in plan["files"]:
                    if check_name(name) is None and (stage / "new" / name).exists():
                        if os.path.lexists(folder / name) and not os.path.lexists(
                                stage / "old" / name):
                            _set_aside(stage, folder, name)
                        os.replace(stage / "new" / name, folder / name)
                for name in plan["remove"]:
                    if check_name(name) is None and (folder / name).is_file():
                        _set_aside(stage, folder, name)
        shutil.rmtree(stage, ignore_errors=True)
