"""Building a batch: worker processes that each build many items, the progress, the skip of
items already built from the same inputs, the report.

Each item is built into ``OUTDIR/<item name>/`` by the same build as ``xbdocs build``, which
writes a package whole or not at all; so a failing item, or Ctrl-C, never leaves half a
package. Workers ignore Ctrl-C: the batch stops handing out items, lets the running ones
finish, and reports the rest as not built.
"""

from __future__ import annotations

import array
import concurrent.futures
import contextlib
import csv
import datetime as dt
import itertools
import multiprocessing
import os
import pickle
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from xbdocs import build, i18n
from xbdocs.batch import items as items_module
from xbdocs.batch.items import Item
from xbdocs.errors import MAX_PROBLEMS, InputError, XbdocsError
from xbdocs.i18n import N_, Message, _
from xbdocs.package import Options, provenance
from xbdocs.tables import safe_cell

REPORT = "batch-report.csv"
BUILT, SKIPPED, FAILED, NOT_BUILT = "built", "skipped", "failed", "not-built"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one item."""

    name: str
    source: str
    status: str
    #: The key path at fault, for a failed item.
    field: str = ""
    #: A failed item's errors; a built one's findings (warnings). At most
    #: :data:`xbdocs.errors.MAX_PROBLEMS` and a line counting the rest.
    messages: tuple[str, ...] = ()
    warnings: int = 0
    seconds: float = 0.0


class Outcomes(Sequence[Outcome]):
    """The outcomes of a batch in the order of its items, kept in a temporary file rather
    than in memory: 100,000 failed rows cost 8 bytes each here, not their messages."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._offsets = array.array("q")
        self._end = 0

    def close(self) -> None:
        self._file.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._file.close()

    def append(self, outcome: Outcome) -> None:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        self._offsets.append(self._end)
        self._end += len(data)

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> Outcome: ...

    @overload
    def __getitem__(self, index: slice) -> list[Outcome]: ...

    def __getitem__(self, index: int | slice) -> Outcome | list[Outcome]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        self._file.seek(self._offsets[index])
        return pickle.load(self._file)  # our own file, written above

    def __iter__(self) -> Iterator[Outcome]:
        for index in range(len(self)):
            yield self[index]


@dataclass
class Summary:
    outcomes: Sequence[Outcome]
    seconds: float
    report: Path
    interrupted: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    #: The first failed outcomes (at most :data:`FAILURES_KEPT`), for the console: the
    #: report has them all.
    failures: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.counts:
            for status in (BUILT, SKIPPED, FAILED, NOT_BUILT):
                self.counts[status] = sum(1 for o in self.outcomes if o.status == status)
            self.failures = [o for o in self.outcomes if o.status == FAILED][:FAILURES_KEPT]


def build_item(item: Item, outdir: Path, options: Options, force: bool,
               today: dt.date) -> Outcome:
    """Build one item; every error becomes a failed outcome naming the field at fault."""
    start = time.perf_counter()

    def outcome(status: str, **details) -> Outcome:
        return Outcome(item.name, item.source, status, seconds=time.perf_counter() - start,
                       **details)

    try:
        answers, text = items_module.answers_with_text(item)
        answers_name = item.path.name if item.path is not None else item.source
        target = outdir / item.name
        state, edited = build.compare(target, provenance(answers, answers_name, options))
        if not force and state == build.CURRENT:
            return outcome(SKIPPED)
        if not force and state == build.OTHER_INPUTS:
            return outcome(FAILED, messages=(_(
                "{path}: built before from other answers, templates or options; use --force "
                "to build it again").format(path=target),))
        if not force and state == build.EDITED:
            return outcome(FAILED, messages=(_(
                "{path}: changed since it was built ({files}); use --force to build it again "
                "(the changes are lost)").format(path=target, files=", ".join(edited)),))
        result = build.build_answers(answers, answers_name, target, options, force, today,
                                     text)
        # The report lists a built item's findings as `xbdocs check` and `build` print them.
        return outcome(BUILT, warnings=len(result.warnings),
                       messages=_bounded([str(w) for w in result.warnings]))
    except XbdocsError as exc:
        return outcome(FAILED, field=_field_at_fault(exc), messages=_bounded(exc.lines()))
    except Exception as exc:  # a bug in xbdocs: reported for this item, the others go on
        return outcome(FAILED, messages=(_(
            "internal error: {error}. This is a bug in xbdocs; build this item alone with "
            "XBDOCS_DEBUG=1 to see the details.").format(error=type(exc).__name__),))


def _bounded(lines: list[str]) -> tuple[str, ...]:
    """An item's message lines, the first :data:`MAX_PROBLEMS` and a count of the rest: one
    item must not put 100,000 lines into the report or on the console."""
    if len(lines) <= MAX_PROBLEMS + 1:  # an InputError's own «… and N more» fits
        return tuple(lines)
    more = str(Message("… and {count} more problems").format(count=len(lines) - MAX_PROBLEMS))
    return (*lines[:MAX_PROBLEMS], more)


def _field_at_fault(exc: XbdocsError) -> str:
    if isinstance(exc, InputError) and exc.problems:
        return exc.problems[0].path
    findings = getattr(exc, "findings", None)
    return findings[0].path if findings else ""


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to set
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_worker(language: str) -> None:
    """A worker speaks the batch's language and leaves Ctrl-C to the batch."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    i18n.set_language(language)


def run(work: Sequence[Item], outdir: Path, options: Options, jobs: int = 1,
        force: bool = False, today: dt.date | None = None,
        progress: Callable[[Outcome], None] | None = None) -> Summary:
    """Build every item (see :func:`xbdocs.batch.items.read`) into ``outdir`` with ``jobs``
    worker processes (1: in this process) and write the report. ``progress`` is told of
    each finished item.

    The items are taken from ``work`` as they are built (a table makes each when its turn
    comes), and each outcome goes to the report as soon as those before it are in: memory
    does not grow with the number of items."""
    today = today or dt.date.today()
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    report = outdir / REPORT
    with _Ledger(report) as ledger:
        interrupted = False
        try:
            if jobs <= 1 or len(work) == 1:
                for index, item in enumerate(work):
                    ledger.started(index, item)
                    outcome = build_item(item, outdir, options, force, today)
                    ledger.done(index, outcome)
                    if progress:
                        progress(outcome)
            else:
                interrupted = _in_workers(work, outdir, options, jobs, force, today, ledger,
                                          progress)
        except KeyboardInterrupt:
            interrupted = True
        ledger.finish(work)
    return Summary(ledger.outcomes, time.perf_counter() - start, report, interrupted,
                   ledger.counts, ledger.failures)


def _in_workers(work: Sequence[Item], outdir: Path, options: Options, jobs: int,
                force: bool, today: dt.date, ledger: _Ledger,
                progress: Callable[[Outcome], None] | None) -> bool:
    """Build in ``jobs`` worker processes; whether Ctrl-C stopped it. At most a few items a
    worker are handed out ahead: the rest are not made before their turn."""
    # Spawned, not forked: a fresh interpreter per worker, safe whatever threads the parent
    # has; each worker then builds many items, its caches warm after the first.
    context = multiprocessing.get_context("spawn")
    workers = min(jobs, len(work))
    ahead = workers * AHEAD
    todo = enumerate(work)
    running: dict[concurrent.futures.Future, int] = {}

    def hand_out(executor: concurrent.futures.Executor) -> None:
        for index, item in itertools.islice(todo, ahead - len(running)):
            ledger.started(index, item)
            running[executor.submit(build_item, item, outdir, options, force, today)] = index

    # The workers start (on the first submits) with Ctrl-C ignored, inherited: a Ctrl-C while
    # one is still importing must not kill it with a traceback. The initializer says it
    # again where nothing is inherited (Windows).
    with _ctrl_c_ignored():
        executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start_worker,
            initargs=(i18n.current_language(),))
        hand_out(executor)
    interrupted = False
    try:
        while running:
            finished, _pending = concurrent.futures.wait(
                running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                outcome = future.result()
                ledger.done(running.pop(future), outcome)
                if progress:
                    progress(outcome)
            hand_out(executor)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # On Ctrl-C items not started are dropped; running ones finish whole …
        executor.shutdown(wait=True, cancel_futures=True)
    for future, index in running.items():  # … and are reported as built.
        if future.done() and not future.cancelled():
            ledger.done(index, future.result())
    return interrupted


#: Items handed to each worker ahead of the one it builds.
AHEAD = 4
#: Failed outcomes a summary keeps for the console.
FAILURES_KEPT = 100
#: The report's columns and its statuses as a person reads them, in the language of the
#: messages; «;»-separated with a byte order mark, as the register's CSV, so a Russian Excel
#: opens it in columns.
COLUMNS = [N_("Item"), N_("Source"), N_("Outcome"), N_("Field"), N_("Messages"),
           N_("Warnings"), N_("Seconds")]
STATUS_NAMES = {BUILT: N_("built"), SKIPPED: N_("skipped: built before from the same inputs"),
                FAILED: N_("failed"), NOT_BUILT: N_("not built: stopped")}
DELIMITER = ";"


class _Ledger:
    """The outcomes as they come, put in the order of the items: each goes into the report
    (written to a temporary file beside it, which replaces the last run's at the end) and
    into :class:`Outcomes` as soon as those before it are in."""

    def __init__(self, report: Path) -> None:
        self.report = report
        self.outcomes = Outcomes()
        self.counts = {status: 0 for status in (BUILT, SKIPPED, FAILED, NOT_BUILT)}
        self.failures: list[Outcome] = []
        self._waiting: dict[int, Outcome] = {}
        self._started: dict[int, tuple[str, str]] = {}
        self._next = 0
        self._temporary = report.with_name(f".{report.name}.tmp")

    def __enter__(self) -> _Ledger:
        self._stream = open(self._temporary, "w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._stream, delimiter=DELIMITER)
        self._writer.writerow([_(column) for column in COLUMNS])
        return self

    def __exit__(self, kind: object, *_details: object) -> None:
        self._stream.close()
        try:
            if kind is None:
                os.replace(self._temporary, self.report)
        finally:
            with contextlib.suppress(OSError):
                self._temporary.unlink()

    def started(self, index: int, item: Item) -> None:
        self._started[index] = (item.name, item.source)

    def done(self, index: int, outcome: Outcome) -> None:
        self._started.pop(index, None)
        self._waiting[index] = outcome
        while self._next in self._waiting:
            self._put(self._waiting.pop(self._next))

    def _put(self, outcome: Outcome) -> None:
        self._next += 1
        self.outcomes.append(outcome)
        self.counts[outcome.status] += 1
        if outcome.status == FAILED and len(self.failures) < FAILURES_KEPT:
            self.failures.append(outcome)
        self._writer.writerow(report_row(outcome))

    def finish(self, work: Sequence[Item]) -> None:
        """The items not built (Ctrl-C), in their places: those handed out and not done,
        then the rest of ``work``."""
        if self._next >= len(work):
            return
        for index, item in enumerate(work):
            if index < self._next:
                continue
            while self._next in self._waiting:
                self._put(self._waiting.pop(self._next))
            if index < self._next:
                continue
            name, source = self._started.pop(index, (item.name, item.source))
            self._put(Outcome(name, source, NOT_BUILT))


def report_row(outcome: Outcome) -> list[object]:
    """The report's row of an outcome, every cell safe to open in a spreadsheet (a name or
    a message starting with «=» is not run as a formula)."""
    return [safe_cell(cell) for cell in (
        outcome.name, outcome.source, _(STATUS_NAMES[outcome.status]), outcome.field,
        "\n".join(outcome.messages), outcome.warnings, f"{outcome.seconds:.3f}")]


def write_report(path: Path, outcomes: Iterable[Outcome]) -> None:
    """The report as CSV (UTF-8 with a byte order mark, so Excel reads Cyrillic), written
    whole: a new file replaces the last run's at once."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, delimiter=DELIMITER)
            writer.writerow([_(column) for column in COLUMNS])
            writer.writerows(report_row(o) for o in outcomes)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
