"""How fast `xbdocs serve` answers, and whether it loses anything under load.

    python bench/web.py [--clerks 20] [--seconds 60] [--runs 30]

Starts a real `xbdocs serve` (uvicorn, one process) on a free loopback port over a fresh
data folder and measures, from the server's own Server-Timing header:

1. one clerk, warm: every interview page shown (GET) and sent (POST), a field saved by
   HTMX, the live preview of the parallel agreement, and the package ZIP — `--runs` whole
   interviews; the targets are p95 ≤ 30 ms per interview page, ≤ 100 ms per preview
   refresh, ≤ 300 ms per ZIP;
2. `--clerks` simulated clerks at once for `--seconds` (each a bounded loop of whole
   interviews: new draft, every page with each text field saved as it changes, the review,
   the ZIP); then every interview's ZIP is read back and its built-from.yaml compared with
   what the clerk typed: errors (any status a clerk should not see) and lost answers must
   both be 0.

Prints medians, p95, the counts and the machine's load average.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.web_forms import UGLOVSKY, filled, form_fields  # noqa: E402
from xbdocs.web.serve import choose_port  # noqa: E402

#: What a ZIP's built-from.yaml must hold after the interview (key path → typed value).
EXPECTED = {
    "parties.russian.catalogue": "altai-uglovsky-district",
    "parties.russian.inn": "2279001236",
    "parties.russian.signatory.name.ru": "Петрова Елена Викторовна",
    "parties.kazakh.signatory.name.kk": "Жұмабеков Ерлан Серікұлы",
    "parties.kazakh.signatory.position.ru": "аким Бородулихинского района",
    "signing.date": "2027-04-14",
    "filing.approval_request.number": "01-15/131",
}
TEXT_FIELDS = ("russian-signatory-ru", "russian-post-ru", "kazakh-post-ru", "executor-name")


class Timings:
    """Server times by kind of request, shared by the clerks' threads."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()

    def add(self, kind: str, response: httpx.Response) -> None:
        match = re.search(r"dur=([\d.]+)", response.headers.get("server-timing", ""))
        if match:
            with self.lock:
                self.times[kind].append(float(match.group(1)))

    def line(self, kind: str, target: float | None = None) -> str:
        found = sorted(self.times.get(kind, []))
        if not found:
            return f"{kind:28} (none)"
        p95 = found[min(len(found) - 1, round(0.95 * (len(found) - 1)))]
        aim = f"   target ≤ {target:.0f} ms" if target else ""
        return (f"{kind:28} n {len(found):6}   median {statistics.median(found):7.1f} ms   "
                f"p95 {p95:7.1f} ms{aim}")


class Clerk:
    """One clerk's browser: cookies, the CSRF token, and what went wrong."""

    def __init__(self, base: str, timings: Timings) -> None:
        self.http = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
        self.timings, self.errors = timings, []
        self.http.get("/")
        self.token = self.http.cookies.get("xbdocs_csrf")

    def call(self, kind: str, method: str, address: str, **kwargs) -> httpx.Response:
        response = self.http.request(method, address, **kwargs)
        self.timings.add(kind, response)
        if response.status_code not in (200, 303):
            self.errors.append(f"{method} {address}: {response.status_code}")
        return response

    def interview(self, field_saves: bool = True) -> str:
        """A whole interview to the review; the draft's id."""
        response = self.call("new draft", "POST", "/new",
                             data={"csrf_token": self.token, "stage": "approval"})
        address = response.headers["location"]
        draft = address.split("/")[2]
        for _round in range(30):
            if address.startswith("/review/"):
                break
            page = self.call("interview page (GET)", "GET", address).text
            if field_saves:
                page = self._save_fields(address, page)
            sent = self.call("interview page (POST)", "POST", address,
                             data=filled(page, UGLOVSKY))
            if sent.status_code == 200:  # more questions on the page
                sent = self.call("interview page (POST)", "POST", address,
                                 data=filled(sent.text, UGLOVSKY))
            if sent.status_code != 303:
                self.errors.append(f"{address}: stayed ({sent.status_code})")
                break
            address = sent.headers["location"]
        return draft

    def _save_fields(self, address: str, page: str) -> str:
        """HTMX's saves: each text field of the page sent as it changes."""
        for question in TEXT_FIELDS:
            if f'name="q-{question}"' not in page:
                continue
            sent = {**form_fields(page), f"q-{question}": UGLOVSKY[question]}
            self.call("field saved (HTMX)", "POST", f"{address}/field/{question}",
                      data=sent, headers={"HX-Request": "true"})
            page = self.http.get(address).text   # the page as the revision now is
        return page

    def package(self, draft: str) -> bytes:
        self.call("review", "GET", f"/review/{draft}")
        self.call("live preview", "GET", f"/draft/{draft}/live",
                  headers={"HX-Request": "true"})
        return self.call("package ZIP", "GET", f"/download/{draft}/package.zip").content


def lost_answers(archive: bytes) -> list[str]:
    """The expected answers the ZIP's built-from.yaml does not hold."""
    try:
        data = yaml.safe_load(zipfile.ZipFile(io.BytesIO(archive)).read("built-from.yaml"))
    except (zipfile.BadZipFile, KeyError, yaml.YAMLError):
        return ["(no readable ZIP)"]
    lost = []
    for path, value in EXPECTED.items():
        node = data
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if str(node) != value:
            lost.append(f"{path}: {node!r}")
    return lost


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    port = choose_port("127.0.0.1", 8300)
    env = {**os.environ, "XBDOCS_DATA_DIR": str(data), "XBDOCS_TODAY": "2026-11-27"}
    process = subprocess.Popen([sys.executable, "-m", "xbdocs", "serve", "--no-browser",
                                "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(200):
        try:
            httpx.get(base + "/", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def one_clerk(base: str, runs: int) -> Timings:
    timings = Timings()
    clerk = Clerk(base, timings)
    clerk.package(clerk.interview())   # warm: templates compiled, catalogue read
    timings.times.clear()
    for _run in range(runs):
        clerk.package(clerk.interview())
    if clerk.errors:
        print("errors:", clerk.errors[:5])
    return timings


def many_clerks(base: str, clerks: int, seconds: float) -> tuple[Timings, int, list, list]:
    timings, done, errors, lost = Timings(), [0], [], []
    lock, stop = threading.Lock(), time.monotonic() + seconds

    def work() -> None:
        clerk = Clerk(base, timings)
        while time.monotonic() < stop:   # bounded: ends with the time given
            draft = clerk.interview()
            missing = lost_answers(clerk.package(draft))
            with lock:
                done[0] += 1
                lost.extend(missing)
        with lock:
            errors.extend(clerk.errors)

    threads = [threading.Thread(target=work) for _ in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 300)
    return timings, done[0], errors, lost


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="xbdocs-bench-web-"))
    process, base = start_server(data)
    try:
        print(f"xbdocs serve at {base}, {os.cpu_count()} cores; load before "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        timings = one_clerk(base, args.runs)
        print(f"\n1. one clerk, {args.runs} whole interviews (server time):")
        for kind, target in (("interview page (GET)", 30), ("interview page (POST)", 30),
                             ("field saved (HTMX)", 30), ("live preview", 100),
                             ("review", None), ("package ZIP", 300)):
            print("  " + timings.line(kind, target))
        timings, done, errors, lost = many_clerks(base, args.clerks, args.seconds)
        print(f"\n2. {args.clerks} clerks at once for {args.seconds:.0f} s: {done} whole "
              f"interviews, {sum(len(v) for v in timings.times.values())} requests; "
              f"errors {len(errors)}, lost answers {len(lost)}; load "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for message in (errors + lost)[:10]:
            print("   ", message)
        for kind in ("interview page (GET)", "interview page (POST)", "field saved (HTMX)",
                     "live preview", "package ZIP"):
            print("  " + timings.line(kind))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
