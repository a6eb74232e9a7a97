"""Building a batch: worker processes that each build many items, the progress, the skip of
items already built from the same inputs, the report.

Each item is built into ``OUTDIR/<item name>/`` by the same build as ``xbdocs build``, which
writes a package whole or not at all; so a failing item, or Ctrl-C, never leaves half a
package. Workers ignore Ctrl-C: the batch stops handing out items, lets the running ones
finish, and reports the rest as not built.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import datetime as dt
import io
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xbdocs import build, i18n
from xbdocs.batch import items as items_module
from xbdocs.batch.items import Item
from xbdocs.errors import InputError, XbdocsError
from xbdocs.i18n import _
from xbdocs.package import Options, provenance

REPORT = "batch-report.csv"
BUILT, SKIPPED, FAILED, NOT_BUILT = "built", "skipped", "failed", "not-built"


@dataclass(frozen=True)
class Outcome:
    """What became of one item."""

    name: str
    source: str
    status: str
    #: The key path at fault, for a failed item.
    field: str = ""
    #: A failed item's errors; a built one's findings (warnings).
    messages: tuple[str, ...] = ()
    warnings: int = 0
    seconds: float = 0.0


@dataclass
class Summary:
    outcomes: list[Outcome]
    seconds: float
    report: Path
    interrupted: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for status in (BUILT, SKIPPED, FAILED, NOT_BUILT):
            self.counts[status] = sum(1 for o in self.outcomes if o.status == status)


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
                       messages=tuple(map(str, result.warnings)))
    except XbdocsError as exc:
        return outcome(FAILED, field=_field_at_fault(exc), messages=tuple(exc.lines()))
    except Exception as exc:  # a bug in xbdocs: reported for this item, the others go on
        return outcome(FAILED, messages=(_(
            "internal error: {error}. This is a bug in xbdocs; build this item alone with "
            "XBDOCS_DEBUG=1 to see the details.").format(error=type(exc).__name__),))


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


def run(work: list[Item], outdir: Path, options: Options, jobs: int = 1,
        force: bool = False, today: dt.date | None = None,
        progress: Callable[[Outcome], None] | None = None) -> Summary:
    """Build every item (see :func:`xbdocs.batch.items.read`) into ``outdir`` with ``jobs``
    worker processes (1: in this process) and write the report. ``progress`` is told of
    each finished item."""
    today = today or dt.date.today()
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    outcomes: dict[str, Outcome] = {}

    def record(outcome: Outcome) -> None:
        outcomes[outcome.name] = outcome
        if progress:
            progress(outcome)

    interrupted = False
    try:
        if jobs <= 1 or len(work) == 1:
            for item in work:
                record(build_item(item, outdir, options, force, today))
        else:
            interrupted = _in_workers(work, outdir, options, jobs, force, today, record)
    except KeyboardInterrupt:
        interrupted = True
    ordered = [outcomes.get(item.name) or Outcome(item.name, item.source, NOT_BUILT)
               for item in work]
    report = outdir / REPORT
    write_report(report, ordered)
    return Summary(ordered, time.perf_counter() - start, report, interrupted)


def _in_workers(work: list[Item], outdir: Path, options: Options, jobs: int,
                force: bool, today: dt.date, record: Callable[[Outcome], None]) -> bool:
    """Build in ``jobs`` worker processes; whether Ctrl-C stopped it."""
    # Spawned, not forked: a fresh interpreter per worker, safe whatever threads the parent
    # has; each worker then builds many items, its caches warm after the first.
    context = multiprocessing.get_context("spawn")
    # The workers start (on the first submits) with Ctrl-C ignored, inherited: a Ctrl-C while
    # one is still importing must not kill it with a traceback. The initializer says it
    # again where nothing is inherited (Windows).
    with _ctrl_c_ignored():
        executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=min(jobs, len(work)), mp_context=context, initializer=_start_worker,
            initargs=(i18n.current_language(),))
        futures = [executor.submit(build_item, item, outdir, options, force, today)
                   for item in work]
    recorded: set[concurrent.futures.Future] = set()
    interrupted = False
    try:
        for future in concurrent.futures.as_completed(futures):
            recorded.add(future)
            record(future.result())
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # On Ctrl-C items not started are dropped; running ones finish whole …
        executor.shutdown(wait=True, cancel_futures=True)
    for future in futures:  # … and are reported as built.
        if future not in recorded and future.done() and not future.cancelled():
            record(future.result())
    return interrupted


def write_report(path: Path, outcomes: list[Outcome]) -> None:
    """The report as CSV (UTF-8 with a byte order mark, so Excel reads Cyrillic), written
    whole: a new file replaces the last run's at once."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["item", "source", "status", "field", "message", "warnings", "seconds"])
    for o in outcomes:
        writer.writerow([o.name, o.source, o.status, o.field, "\n".join(o.messages),
                         o.warnings, f"{o.seconds:.3f}"])
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8-sig", newline="") as stream:
            stream.write(buffer.getvalue())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
