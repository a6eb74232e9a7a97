"""PDF conversions for the browser door as background jobs kept in files.

Converting a package's DOCX with LibreOffice takes seconds to minutes, too long for a
request, so ``xbdocs serve`` queues it and the page polls a status with a progress
indicator. The department server runs several uvicorn workers and may restart at any time,
so nothing a request needs lives in process memory: every job is a folder ::

    folder/<id>/state.json   what the job is: queued, running, done or failed (atomic writes)
    folder/<id>/in/          the DOCX to convert
    folder/<id>/pdf/         the PDFs, once done
    folder/<id>/work/        LibreOffice's profile and temporaries, while converting

and any process (any worker, or the same one after a restart) sees the same jobs. The id is
a hash of the documents, so the same package submitted twice is one job, converted once.

One conversion at a time, across threads and processes: LibreOffice is heavy, and a server
converting ten packages at once would answer no one. The converter holds an exclusive
``flock`` on ``folder/.convert.lock``; the kernel drops it when its process dies, so a job
still marked running while nobody holds the lock was abandoned, and is taken up again.
Each conversion has its own LibreOffice profile and a timeout (:mod:`xbdocs.office`).

Nothing from a browser becomes a path unchecked: an id must match a strict pattern, a PDF's
name must be one the job recorded, and names of inputs are plain file names.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from xbdocs import office, system
from xbdocs.errors import XbdocsError
from xbdocs.i18n import Message, MessageText
from xbdocs.output import SAFE_NAME

log = logging.getLogger(__name__)

State = Literal["queued", "running", "done", "failed"]
Converter = Callable[..., list[Path]]

#: A job id: the first 32 hex digits of a sha256. Checked before an id becomes a path.
JOB_ID = re.compile(r"[0-9a-f]{32}")
#: The most DOCX in one job (a package has a handful) and their total size: a job is
#: written to disk before anything checks it, so it must be bounded.
MAX_FILES = 50
MAX_BYTES = 200 << 20
#: Times a job is started before it is given up: a job that kills its converting process
#: would otherwise be taken up again, and kill it again, forever.
MAX_ATTEMPTS = 3
#: Seconds the worker thread waits for a job submitted by another process.
POLL_SECONDS = 1.0
#: Seconds past the timeout before a converter that ignores its timeout is given up on.
GRACE_SECONDS = 30.0
#: Finished jobs older than this are removed by the worker (a week: the clerk's link to a
#: PDF outlives a restart, not forever).
KEEP_SECONDS = 7 * 24 * 3600
LOCK_NAME = ".convert.lock"
_NEW_PREFIX = ".new-"
_PRUNE_EVERY = 3600.0


@dataclass(frozen=True)
class JobStatus:
    """What a status page shows: the state, the PDFs when done, and how far along."""

    state: State
    #: The PDFs' names, when done.
    files: tuple[str, ...]
    #: How many DOCX the job converts.
    total: int
    #: How many jobs are ahead of this one, when queued; 0 otherwise.
    position: int
    #: Why it failed, for the clerk: a translated message, never a traceback.
    error: MessageText | None
    started: float | None
    finished: float | None
    #: How many PDFs are made so far: LibreOffice writes them one by one, so a running
    #: job's progress is this out of :attr:`total`.
    converted: int = 0


def job_id(files: dict[str, bytes]) -> str:
    """The id of a job converting ``files``: a hash of their names and contents, so the
    same documents are one job whichever process or request submits them."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()[:32]


def _plain(name: str) -> bool:
    """Whether ``name`` is a plain file name that cannot be a path: letters, digits, «.»,
    «-», «_» (the names xbdocs gives its files), no «..»."""
    return bool(SAFE_NAME.fullmatch(name)) and ".." not in name


def _docx(files: dict[str, bytes]) -> dict[str, bytes]:
    """The DOCX among ``files``, checked: our own renderer names them, so a name that is
    not a plain ``*.docx`` or a package past the bounds is a bug (ValueError)."""
    docx = {name: data for name, data in files.items() if name.lower().endswith(".docx")}
    for name in docx:
        if not _plain(name) or not name.endswith(".docx"):
            raise ValueError(f"not a plain .docx name: {name!r}")
    if not docx:
        raise ValueError("no .docx to convert")
    if len(docx) > MAX_FILES:
        raise ValueError(f"{len(docx)} files to convert; at most {MAX_FILES}")
    if sum(map(len, docx.values())) > MAX_BYTES:
        raise ValueError(f"more than {MAX_BYTES} bytes to convert")
    return docx



def _message_data(message: MessageText) -> Any:
    """A message as JSON, untranslated: the job may fail in a worker speaking Russian and
    be shown to a clerk reading Kazakh."""
    if not isinstance(message, Message):
        return str(message)

    def value(item: object) -> Any:
        if isinstance(item, Message):
            return _message_data(item)
        return item if isinstance(item, int | float | str | bool) or item is None else str(item)

    return {"msgid": message.msgid, "args": [value(a) for a in message.args],
            "params": {k: value(v) for k, v in message.params.items()}}


def _message_from(data: Any) -> MessageText:
    """The message :func:`_message_data` stored."""
    if not isinstance(data, dict):
        return str(data)

    def value(item: Any) -> object:
        return _message_from(item) if isinstance(item, dict) else item

    msgid = str(data.get("msgid", ""))
    args = [value(a) for a in data.get("args", [])]
    params = {str(k): value(v) for k, v in dict(data.get("params", {})).items()}
    return Message(msgid).format(*args, **params) if args or params else Message(msgid)


class PdfJobs:
    """The queue of PDF conversions in ``folder``, shared by every process given it."""

    def __init__(self, folder: Path, timeout: int = office.TIMEOUT_SECONDS,
                 convert: Converter = office.convert_to_pdf) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self.convert = convert
        self.grace = GRACE_SECONDS
        # The worker thread's own plumbing: no request reads it.
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None

    # --- submitting and asking ----------------------------------------------------------

    def submit(self, files: dict[str, bytes]) -> str:
        """Queue a conversion of the DOCX among ``files`` (name -> bytes); returns the job
        id. The id is derived from the content, so the same package submitted twice is
        one job (already done -> no new work); a failed job submitted again is retried."""
        docx = _docx(files)
        identity = job_id(docx)
        for _attempt in range(3):  # a job pruned between two looks is made afresh
            if self._create(identity, docx) or self._requeue(identity, docx):
                break
        self._wake.set()
        return identity

    def _create(self, identity: str, docx: dict[str, bytes]) -> bool:
        """Make the job's folder whole beside the others, then rename it into place, so no
        process ever sees a job half written. False if the job exists already."""
        staging = self.folder / f"{_NEW_PREFIX}{secrets.token_hex(8)}"
        (staging / "in").mkdir(parents=True)
        try:
            for name, data in docx.items():
                (staging / "in" / name).write_bytes(data)
            system.write_atomic(staging / "state.json", self._queued_state(sorted(docx)))
            try:
                os.rename(staging, self.folder / identity)
            except OSError:  # ENOTEMPTY or EEXIST: the job is there
                return False
            return True
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _requeue(self, identity: str, docx: dict[str, bytes]) -> bool:
        """Queue an existing job again if it failed (or its state is unreadable); leave a
        queued, running or done one alone. False if the job vanished meanwhile."""
        job = self.folder / identity
        if not job.is_dir():
            return False
        state = self._read(identity)
        if state is not None and state["state"] != "failed":
            return True
        try:
            (job / "in").mkdir(exist_ok=True)
            for name, data in docx.items():
                system.write_atomic(job / "in" / name, data)
            system.write_atomic(job / "state.json", self._queued_state(sorted(docx)))
        except FileNotFoundError:
            return False
        return True

    @staticmethod
    def _queued_state(names: list[str]) -> bytes:
        state = {"state": "queued", "names": names, "files": [], "queued": time.time(),
                 "started": None, "finished": None, "error": None, "attempts": 0}
        return json.dumps(state, ensure_ascii=False).encode()

    def _read(self, identity: str) -> dict[str, Any] | None:
        """The job's recorded state, or None for an unknown id or a damaged file."""
        if not isinstance(identity, str) or not JOB_ID.fullmatch(identity):
            return None
        try:
            state = json.loads((self.folder / identity / "state.json").read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(state, dict) or state.get("state") not in (
                "queued", "running", "done", "failed"):
            return None
        if not isinstance(state.get("names"), list) or not isinstance(state.get("files"), list):
            return None
        if not all(isinstance(name, str) and _plain(name) for name in state["names"]):
            return None  # a name that could be a path never leaves this file
        return state

    def _write_state(self, identity: str, state: dict[str, Any]) -> None:
        system.write_atomic(self.folder / identity / "state.json",
                      json.dumps(state, ensure_ascii=False).encode())

    def _jobs(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every readable job in the folder, in no particular order."""
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.folder):
                if JOB_ID.fullmatch(entry.name):
                    state = self._read(entry.name)
                    if state is not None:
                        yield entry.name, state

    @staticmethod
    def _order(identity: str, state: dict[str, Any]) -> tuple[float, str]:
        queued = state.get("queued")
        return (float(queued) if isinstance(queued, int | float) else 0.0, identity)

    def status(self, job_id: str) -> JobStatus | None:
        """The job's state for a status page; None for an unknown or malformed id."""
        state = self._read(job_id)
        if state is None:
            return None
        position = 0
        if state["state"] == "queued":
            mine = self._order(job_id, state)
            position = sum(1 for other, theirs in self._jobs() if other != job_id and (
                theirs["state"] == "running"
                or (theirs["state"] == "queued" and self._order(other, theirs) < mine)))
        error = state.get("error")
        files = tuple(map(str, state["files"])) if state["state"] == "done" else ()
        return JobStatus(state["state"], files, len(state["names"]), position,
                         _message_from(error) if error is not None else None,
                         _time(state.get("started")), _time(state.get("finished")),
                         len(files) or self._converted(job_id, state))

    def _converted(self, identity: str, state: dict[str, Any]) -> int:
        """The PDFs a running job has made so far, for its progress bar."""
        if state["state"] != "running":
            return 0
        expected = {f"{Path(str(name)).stem}.pdf" for name in state["names"]}
        try:
            return len(expected & set(os.listdir(self.folder / identity / "pdf")))
        except OSError:
            return 0

    def result(self, job_id: str, name: str) -> bytes | None:
        """A PDF of a finished job by its file name; None unless the job is done and made a
        PDF of that name. The name only selects one the job recorded; it is never a path."""
        state = self._read(job_id)
        if state is None or state["state"] != "done":
            return None
        recorded = next((f for f in state["files"] if isinstance(f, str) and f == name), None)
        if recorded is None or not _plain(recorded):
            return None
        try:
            return (self.folder / job_id / "pdf" / recorded).read_bytes()
        except OSError:
            return None

    # --- converting ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _converting(self) -> Iterator[bool]:
        """Hold the one converter's lock, if no thread or process holds it: True inside if
        this call has it. Each call opens the file anew, so two threads of one process
        exclude each other like two processes (flock locks an open file, not a process)."""
        try:
            with system.file_locked(self.folder / LOCK_NAME, wait_seconds=0):
                yield True
        except system.Busy:
            yield False

    def run_pending(self) -> bool:
        """Convert the oldest queued job if no other process or thread is converting; True
        if one ran. A job marked running found here was abandoned (its converter died:
        whoever converts holds the lock, and now this call does), so it is taken up again."""
        with self._converting() as held:
            if not held:
                return False
            pending = [(self._order(i, s), i, s) for i, s in self._jobs()
                       if s["state"] in ("queued", "running")]
            if not pending:
                return False
            _order, identity, state = min(pending, key=lambda item: item[0])
            if int(state.get("attempts") or 0) >= MAX_ATTEMPTS:
                self._finish(identity, state, error=Message(
                    "the conversion to PDF was interrupted {count} times; submit the "
                    "documents again to try once more").format(count=MAX_ATTEMPTS))
                return True
            self._run(identity, state)
            return True

    def _run(self, identity: str, state: dict[str, Any]) -> None:
        """Convert one job, the lock held: mark it running, convert in a fresh output and
        work folder, and record the PDFs or why it failed."""
        job = self.folder / identity
        for leftover in ("pdf", "work"):
            shutil.rmtree(job / leftover, ignore_errors=True)
            (job / leftover).mkdir()
        state = {**state, "state": "running", "started": time.time(), "finished": None,
                 "error": None, "files": [], "attempts": int(state.get("attempts") or 0) + 1}
        self._write_state(identity, state)
        inputs = [job / "in" / str(name) for name in state["names"]]
        outcome: dict[str, Any] = {}
        thread = threading.Thread(target=self._convert_into, name=f"pdf-{identity[:8]}",
                                  args=(inputs, job, outcome), daemon=True)
        thread.start()
        thread.join(self.timeout + self.grace)
        if thread.is_alive():
            # The converter ignores its timeout: the clerk is told now, and the lock is kept
            # until it returns, so a second conversion still never runs beside it.
            self._finish(identity, state, error=Message(
                "LibreOffice did not finish in {seconds} s").format(seconds=self.timeout))
            thread.join()
        else:
            self._finish(identity, state, **outcome)
        shutil.rmtree(job / "work", ignore_errors=True)

    def _convert_into(self, inputs: list[Path], job: Path, outcome: dict[str, Any]) -> None:
        """Run the converter and put what came of it in ``outcome``: ``files`` (the PDFs'
        names) or ``error`` (a message for the clerk; a bug's traceback goes to the log)."""
        try:
            pdfs = self.convert(inputs, job / "pdf", timeout=self.timeout, work=job / "work")
            names = [Path(pdf).name for pdf in pdfs]
            outside = [pdf for pdf in pdfs
                       if Path(pdf).resolve().parent != (job / "pdf").resolve()
                       or not Path(pdf).is_file()]
            if outside or not all(map(_plain, names)):
                raise RuntimeError(f"the converter returned PDFs outside its folder: {outside}")
            outcome["files"] = names
        except XbdocsError as error:
            outcome["error"] = error.message
        except Exception:
            log.exception("converting job %s to PDF", job.name)
            outcome["error"] = Message("the conversion to PDF stopped on an error in xbdocs; "
                                       "the server's log has the details")

    def _finish(self, identity: str, state: dict[str, Any], files: list[str] | None = None,
                error: MessageText | None = None) -> None:
        """Record the end of a job: done with its PDFs, or failed with why."""
        done = error is None and files is not None
        self._write_state(identity, {
            **state, "state": "done" if done else "failed", "files": files if done else [],
            "finished": time.time(),
            "error": None if done else _message_data(error if error is not None else "")})

    # --- the worker thread --------------------------------------------------------------

    def start_worker(self) -> None:
        """Run pending jobs in a daemon thread of this process: woken at once by a submit
        here, and every :data:`POLL_SECONDS` for jobs submitted by another process. Each
        server process may start one; the lock lets one of them convert at a time."""
        if self._worker is not None and self._worker.is_alive():
            return
        self._stop.clear()
        self._worker = threading.Thread(target=self._work, name="xbdocs-pdf-jobs",
                                        daemon=True)
        self._worker.start()

    def stop_worker(self, wait: float = 10.0) -> None:
        """Stop the worker thread after the conversion it may be running (tests, shutdown)."""
        self._stop.set()
        self._wake.set()
        if self._worker is not None:
            self._worker.join(wait)
            self._worker = None

    def _work(self) -> None:
        pruned = 0.0
        while not self._stop.is_set():
            self._wake.clear()
            try:
                ran = self.run_pending()
                if time.monotonic() - pruned > _PRUNE_EVERY:
                    self.prune()
                    pruned = time.monotonic()
            except Exception:  # a full disk, a removed folder: try again later
                log.exception("running the PDF jobs in %s", self.folder)
                ran = False
            if not ran:
                self._wake.wait(POLL_SECONDS)

    def prune(self, keep_seconds: float = KEEP_SECONDS) -> int:
        """Remove jobs finished more than ``keep_seconds`` ago, and the leftovers of submits
        cut short; the folder would otherwise grow with every package. Returns how many
        jobs went."""
        now, removed = time.time(), 0
        for identity, state in list(self._jobs()):
            finished = _time(state.get("finished"))
            if state["state"] in ("done", "failed") and finished is not None \
                    and now - finished > keep_seconds:
                shutil.rmtree(self.folder / identity, ignore_errors=True)
                removed += 1
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.folder):
                if entry.name.startswith(_NEW_PREFIX) and \
                        now - entry.stat(follow_symlinks=False).st_mtime > 3600:
                    shutil.rmtree(entry.path, ignore_errors=True)
        return removed


def _time(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None
