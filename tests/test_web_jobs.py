"""The PDF job queue of ``xbdocs serve`` (xbdocs/web/jobs.py): queueing, one id per package,
position, failures, recovery after a crash, one conversion at a time across objects on one
folder (as several server processes), ids and names that must not reach a path.

The converter is a fake passed in, except in the last test, which converts a real package
with LibreOffice: skipped when LibreOffice is missing, unless XBDOCS_REQUIRE_OFFICE=1 (as in
CI, like tests/test_office.py), where its absence fails the run."""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from pathlib import Path

import pytest

import xbdocs
from tests.conftest import SAMPLES
from xbdocs import i18n, office
from xbdocs.errors import XbdocsError
from xbdocs.i18n import Message
from xbdocs.web import jobs as jobs_module
from xbdocs.web.jobs import LOCK_NAME, MAX_ATTEMPTS, MAX_FILES, PdfJobs

REQUIRED = os.environ.get("XBDOCS_REQUIRE_OFFICE") == "1"
PACKAGE = {"agreement.ru.docx": b"first", "agreement.kk.docx": b"second",
           "built-from.yaml": b"answers: not converted"}


class Fake:
    """A converter writing small PDFs, counting its calls and the most run at once."""

    def __init__(self, pause: float = 0.0) -> None:
        self.calls = 0
        self.pause = pause
        self.active = 0
        self.most = 0
        self._lock = threading.Lock()

    def __call__(self, files: list[Path], outdir: Path, timeout: int = 180,
                 work: Path | None = None) -> list[Path]:
        with self._lock:
            self.calls += 1
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            assert work is not None and work.is_dir() and outdir.parent == work.parent
            time.sleep(self.pause)
            pdfs = []
            for path in files:
                pdf = outdir / f"{path.stem}.pdf"
                pdf.write_bytes(b"%PDF-fake " + path.read_bytes())
                pdfs.append(pdf)
            return pdfs
        finally:
            with self._lock:
                self.active -= 1


def _package(n: int) -> dict[str, bytes]:
    return {"agreement.ru.docx": f"package {n}".encode()}


def test_a_job_is_queued_then_converted(tmp_path):
    fake = Fake()
    jobs = PdfJobs(tmp_path, convert=fake)
    job = jobs.submit(PACKAGE)
    assert len(job) == 32
    status = jobs.status(job)
    assert (status.state, status.total, status.position, status.files) == ("queued", 2, 0, ())
    assert status.started is None and status.error is None
    assert jobs.result(job, "agreement.ru.pdf") is None  # not done yet
    assert sorted(os.listdir(tmp_path / job / "in")) == ["agreement.kk.docx",
                                                         "agreement.ru.docx"]

    assert jobs.run_pending() is True
    status = jobs.status(job)
    assert status.state == "done"
    assert sorted(status.files) == ["agreement.kk.pdf", "agreement.ru.pdf"]
    assert status.converted == 2 and status.position == 0
    assert status.started <= status.finished
    assert jobs.result(job, "agreement.ru.pdf") == b"%PDF-fake first"
    assert not (tmp_path / job / "work").exists()
    assert jobs.run_pending() is False  # nothing left
    # A restarted server (a new object on the same folder) sees the same job.
    assert PdfJobs(tmp_path, convert=fake).status(job) == status


def test_the_same_package_is_one_job(tmp_path):
    fake = Fake()
    jobs = PdfJobs(tmp_path, convert=fake)
    job = jobs.submit(PACKAGE)
    assert jobs.submit(dict(reversed(PACKAGE.items()))) == job
    assert jobs.run_pending() is True
    assert jobs.run_pending() is False
    assert jobs.submit(PACKAGE) == job  # done already: no new work
    assert jobs.status(job).state == "done"
    assert jobs.run_pending() is False
    assert fake.calls == 1
    # Different content is a different job.
    assert jobs.submit({**PACKAGE, "agreement.ru.docx": b"changed"}) != job


def test_position_counts_the_jobs_ahead(tmp_path):
    fake = Fake()
    jobs = PdfJobs(tmp_path, convert=fake)
    ids = []
    for n in range(3):
        ids.append(jobs.submit(_package(n)))
        time.sleep(0.01)
    assert [jobs.status(job).position for job in ids] == [0, 1, 2]
    assert jobs.run_pending() is True  # the oldest first
    assert [jobs.status(job).state for job in ids] == ["done", "queued", "queued"]
    assert [jobs.status(job).position for job in ids] == [0, 0, 1]


def test_a_running_job_is_ahead_and_shows_its_progress(tmp_path):
    jobs = PdfJobs(tmp_path, convert=Fake())
    first, second = jobs.submit(PACKAGE), jobs.submit(_package(1))
    state = json.loads((tmp_path / first / "state.json").read_text())
    (tmp_path / first / "state.json").write_text(json.dumps({**state, "state": "running"}))
    (tmp_path / first / "pdf").mkdir()
    (tmp_path / first / "pdf" / "agreement.kk.pdf").write_bytes(b"%PDF")
    assert (jobs.status(first).state, jobs.status(first).converted) == ("running", 1)
    assert jobs.status(second).position == 1


@pytest.mark.parametrize("files", [
    {"../agreement.docx": b"x"}, {"sub/agreement.docx": b"x"}, {".hidden.docx": b"x"},
    {"agreement.DOCX": b"x"}, {"a\x00.docx": b"x"}, {"built-from.yaml": b"x"}, {},
    {f"d{n}.docx": b"x" for n in range(MAX_FILES + 1)},
])
def test_refuses_what_our_renderer_never_makes(tmp_path, files):
    jobs = PdfJobs(tmp_path, convert=Fake())
    with pytest.raises(ValueError):
        jobs.submit(files)
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_converter_error_fails_the_job_with_its_message(tmp_path):
    def failing(files, outdir, timeout=180, work=None):
        raise XbdocsError(Message("LibreOffice did not finish in {seconds} s").format(
            seconds=timeout))

    jobs = PdfJobs(tmp_path, timeout=7, convert=failing)
    job = jobs.submit(PACKAGE)
    assert jobs.run_pending() is True
    status = jobs.status(job)
    assert status.state == "failed" and status.files == ()
    assert isinstance(status.error, Message)
    with i18n.language("en"):
        assert str(status.error) == "LibreOffice did not finish in 7 s"
    with i18n.language("ru"):  # stored untranslated, shown in the reader's language
        assert "7" in str(status.error) and "LibreOffice did not" not in str(status.error)
    assert jobs.result(job, "agreement.ru.pdf") is None
    assert jobs.run_pending() is False  # a failed job is not retried by itself

    jobs.convert = Fake()
    assert jobs.submit(PACKAGE) == job  # submitted again: retried
    assert jobs.status(job).state == "queued"
    assert jobs.run_pending() is True
    assert jobs.status(job).state == "done" and jobs.status(job).error is None


def test_a_converter_past_its_timeout_fails_the_job(tmp_path):
    fake = Fake(pause=3.0)
    jobs = PdfJobs(tmp_path, timeout=1, convert=fake)
    jobs.grace = 0.1
    job = jobs.submit(PACKAGE)
    seen: list[str] = []

    def watch():
        time.sleep(2.0)  # past the timeout and grace, before the converter returns
        seen.append(jobs.status(job).state)

    watcher = threading.Thread(target=watch)
    watcher.start()
    assert jobs.run_pending() is True
    watcher.join()
    assert seen == ["failed"]
    status = jobs.status(job)
    assert status.state == "failed"
    with i18n.language("en"):
        assert str(status.error) == "LibreOffice did not finish in 1 s"
    assert jobs.result(job, "agreement.ru.pdf") is None  # what it wrote late is not offered


def test_a_bug_in_the_converter_fails_the_job_without_a_traceback(tmp_path, caplog):
    def broken(files, outdir, timeout=180, work=None):
        raise KeyError("secret content of a file")

    jobs = PdfJobs(tmp_path, convert=broken)
    job = jobs.submit(PACKAGE)
    assert jobs.run_pending() is True
    status = jobs.status(job)
    assert status.state == "failed"
    with i18n.language("en"):
        text = str(status.error)
    assert "secret" not in text and "Traceback" not in text and "log" in text
    assert "secret content" in caplog.text  # the traceback goes to the log


def test_a_job_left_running_by_a_dead_process_is_taken_up_again(tmp_path):
    fake = Fake()
    jobs = PdfJobs(tmp_path, convert=fake)
    job = jobs.submit(PACKAGE)
    path = tmp_path / job / "state.json"
    state = json.loads(path.read_text())
    path.write_text(json.dumps({**state, "state": "running", "started": time.time(),
                                "attempts": 1}))
    (tmp_path / job / "pdf").mkdir()
    (tmp_path / job / "pdf" / "stale.pdf").write_bytes(b"half")

    # While another process converts (holds the lock), nothing runs here.
    handle = os.open(tmp_path / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert jobs.run_pending() is False
        assert jobs.status(job).state == "running"
    finally:
        os.close(handle)

    assert jobs.run_pending() is True  # the lock is free: its converter died
    assert jobs.status(job).state == "done"
    assert sorted(os.listdir(tmp_path / job / "pdf")) == ["agreement.kk.pdf",
                                                          "agreement.ru.pdf"]


def test_a_job_that_keeps_dying_is_given_up(tmp_path):
    fake = Fake()
    jobs = PdfJobs(tmp_path, convert=fake)
    job = jobs.submit(PACKAGE)
    path = tmp_path / job / "state.json"
    state = json.loads(path.read_text())
    path.write_text(json.dumps({**state, "state": "running", "attempts": MAX_ATTEMPTS}))
    assert jobs.run_pending() is True
    status = jobs.status(job)
    assert status.state == "failed" and fake.calls == 0
    with i18n.language("en"):
        assert f"interrupted {MAX_ATTEMPTS} times" in str(status.error)
    jobs.submit(PACKAGE)  # the clerk retries
    assert jobs.run_pending() is True and jobs.status(job).state == "done"


def test_two_processes_on_one_folder_never_convert_at_once(tmp_path):
    fake = Fake(pause=0.05)
    first, second = PdfJobs(tmp_path, convert=fake), PdfJobs(tmp_path, convert=fake)
    ids = [(first if n % 2 else second).submit(_package(n)) for n in range(6)]
    assert len(set(ids)) == 6

    def drain(jobs: PdfJobs) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(
                jobs.status(job).state != "done" for job in ids):
            jobs.run_pending()

    threads = [threading.Thread(target=drain, args=(jobs,))
               for jobs in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [first.status(job).state for job in ids] == ["done"] * 6
    assert fake.most == 1
    assert fake.calls == 6


def test_the_worker_runs_jobs_from_this_process_and_others(tmp_path):
    fake = Fake()
    jobs = PdfJobs(tmp_path, convert=fake)
    jobs.start_worker()
    try:
        mine = jobs.submit(PACKAGE)  # wakes the worker
        theirs = PdfJobs(tmp_path, convert=fake).submit(_package(1))  # found by polling
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(
                jobs.status(job).state != "done" for job in (mine, theirs)):
            time.sleep(0.02)
        assert jobs.status(mine).state == jobs.status(theirs).state == "done"
    finally:
        jobs.stop_worker()


@pytest.mark.parametrize("bad", ["", "0" * 31, "0" * 33, "A" * 32, "../" + "0" * 29,
                                 "0" * 32 + "\n", "g" * 32, "..", "/etc/passwd", "0" * 32])
def test_malformed_or_unknown_ids_are_none(tmp_path, bad):
    jobs = PdfJobs(tmp_path, convert=Fake())
    jobs.submit(PACKAGE)
    jobs.run_pending()
    assert jobs.status(bad) is None
    assert jobs.result(bad, "agreement.ru.pdf") is None


def test_a_result_is_only_a_pdf_the_job_made(tmp_path):
    jobs = PdfJobs(tmp_path, convert=Fake())
    job = jobs.submit(PACKAGE)
    jobs.run_pending()
    (tmp_path / job / "pdf" / "extra.pdf").write_bytes(b"%PDF not the job's")
    for name in ["../state.json", "extra.pdf", "agreement.ru.docx", "", "pdf/agreement.ru.pdf",
                 "../in/agreement.ru.docx", "/etc/passwd"]:
        assert jobs.result(job, name) is None, name
    assert jobs.result(job, "agreement.kk.pdf") == b"%PDF-fake second"


def test_a_damaged_state_is_no_job_until_submitted_again(tmp_path):
    jobs = PdfJobs(tmp_path, convert=Fake())
    job = jobs.submit(PACKAGE)
    (tmp_path / job / "state.json").write_text("{not json")
    assert jobs.status(job) is None
    assert jobs.run_pending() is False
    assert jobs.submit(PACKAGE) == job
    assert jobs.run_pending() is True and jobs.status(job).state == "done"
    # A state naming an input that could be a path is damaged too: it never becomes one.
    path = tmp_path / job / "state.json"
    state = json.loads(path.read_text())
    path.write_text(json.dumps({**state, "state": "queued", "names": ["../../x.docx"]}))
    assert jobs.status(job) is None
    assert jobs.run_pending() is False


def test_prune_removes_old_finished_jobs(tmp_path):
    jobs = PdfJobs(tmp_path, convert=Fake())
    old, new, queued = jobs.submit(PACKAGE), jobs.submit(_package(1)), None
    jobs.run_pending()
    jobs.run_pending()
    queued = jobs.submit(_package(2))
    path = tmp_path / old / "state.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "finished": 1.0}))
    leftover = tmp_path / ".new-0123"
    leftover.mkdir()
    os.utime(leftover, (1.0, 1.0))
    assert jobs.prune(keep_seconds=60) == 1
    assert jobs.status(old) is None and not (tmp_path / old).exists()
    assert jobs.status(new).state == "done" and jobs.status(queued).state == "queued"
    assert not leftover.exists()


def test_messages_survive_the_state_file():
    message = Message("{path}: {error}").format(path="a.docx", error=Message("Internal error"))
    stored = json.loads(json.dumps(jobs_module._message_data(message)))
    assert jobs_module._message_from(stored) == message
    with i18n.language("ru"):
        assert str(jobs_module._message_from(stored)) == "a.docx: Внутренняя ошибка"


@pytest.mark.skipif(office.soffice() is None and not REQUIRED,
                    reason="LibreOffice is not installed")
def test_a_real_package_through_libreoffice(tmp_path):
    if office.soffice() is None:
        pytest.fail("XBDOCS_REQUIRE_OFFICE=1 but LibreOffice is missing")
    package = xbdocs.render_package(SAMPLES / "uglovsky-borodulikha-municipal.yaml",
                                    stage="agreement", count_sheets=False)
    jobs = PdfJobs(tmp_path)
    job = jobs.submit(package.files)
    assert jobs.run_pending() is True
    status = jobs.status(job)
    assert status.state == "done", status.error
    docx = sorted(name for name in package.files if name.endswith(".docx"))
    assert sorted(status.files) == sorted(f"{Path(name).stem}.pdf" for name in docx)
    assert status.total == status.converted == len(docx)
    for name in status.files:
        assert jobs.result(job, name).startswith(b"%PDF")
    assert not (tmp_path / job / "work").exists()  # the profile went with the work folder
