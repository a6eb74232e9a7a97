"""The department server under load, and under faults (issue 22).

    python bench/server.py [--clerks 50] [--lawyers 5] [--seconds 120] [--workers 2]
                           [--think 1.0] [--ramp 10] [--db postgresql+psycopg://…]
                           [--faults]

Starts PostgreSQL (``.ci/postgres``, unless ``--db`` names one; a fresh database either way)
and ``xbdocs serve --accounts --workers N`` over it; makes the users with ``xbdocs users``;
then for ``--seconds`` runs clerks (each: log in, a new draft of their own district answered
page by page with each text field saved as it changes, sent for review — in a bounded loop)
and lawyers (each: the drafts sent for review, accepted, then moved a step of the procedure
at a time). At the end it checks that nothing was lost: every answer a clerk saw saved is in
the draft, every move a lawyer saw recorded is in the register's history and in the audit
trail. Prints the server's own p95 per kind of page (Server-Timing), the clients' p95, the
counts and the machine's load.

``--faults`` adds, in the middle of the run, a ``kill -9`` of one worker process (requests
in flight on it fail; the master starts another; nothing committed is lost) and a restart of
PostgreSQL (requests get «the server's database cannot be reached», 503, then work again
without a restart of xbdocs). Errors during the faults are counted apart.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.web_forms import UGLOVSKY, filled, form_fields  # noqa: E402
from xbdocs import catalogue  # noqa: E402
from xbdocs.web.serve import choose_port  # noqa: E402

PASSWORD = "bench password 1"
#: The register's refusal of a second agreement with the same parties and title once the
#: first is signed.
SAME = "то же соглашение"
STEPS = ("notice-sent", "sent-for-approval", "approved", "signed", "filed-for-registration",
         "registered")
TEXTS = ("russian-signatory-ru", "russian-post-ru", "kazakh-post-ru")


class Stats:
    def __init__(self) -> None:
        self.server: dict[str, list[float]] = defaultdict(list)
        self.client: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.fault_errors: Counter[str] = Counter()
        self.faulting = False
        self.refused = 0
        #: Seconds a person takes between two requests, on average (0: none).
        self.think = 0.0
        self.saved: dict[str, dict[str, str]] = defaultdict(dict)   # draft → field → value
        self.moves: dict[int, list[str]] = defaultdict(list)        # agreement → statuses
        #: What an error page said, by the error (its first).
        self.error_pages: dict[str, str] = {}
        self.lock = threading.Lock()

    def add(self, kind: str, response: httpx.Response | None, took: float,
            error: str = "") -> None:
        with self.lock:
            if response is not None:
                match = re.search(r"dur=([\d.]+)", response.headers.get("server-timing", ""))
                if match:
                    self.server[kind].append(float(match.group(1)))
                self.client[kind].append(took * 1000)
            if error:
                (self.fault_errors if self.faulting else self.errors)[error] += 1


def _said(page: str) -> str:
    """An error page's own words (its items, else its text), briefly."""
    items = re.findall(r"<li[^>]*>(.*?)</li>", page, re.S)
    text = " · ".join(items) if items else page
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())[:300]


def _mark(name: str, number: int) -> str:
    """A word made of the clerk's name and the draft's number, letters only («Жвбг»)."""
    letters = "абвгдежзик"
    digits = "".join(c for c in f"{name}{number}" if c.isdigit())
    return "Ж" + "".join(letters[int(d)] for d in digits)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0


class Person:
    def __init__(self, base: str, name: str, stats: Stats) -> None:
        self.http = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
        self.name, self.stats = name, stats
        self.login()

    def login(self) -> None:
        self.http.cookies.clear()
        self.http.get("/login")
        self.http.post("/login", data={"csrf_token": self.http.cookies.get("xbdocs_csrf"),
                                       "username": self.name, "password": PASSWORD})

    @property
    def token(self) -> str:
        return self.http.cookies.get("xbdocs_csrf") or ""

    def call(self, kind: str, method: str, address: str, **kwargs) -> httpx.Response | None:
        if self.stats.think:   # a person reads the page before the next click
            time.sleep(random.uniform(0.5, 1.5) * self.stats.think)
        started = time.perf_counter()
        try:
            response = self.http.request(method, address, **kwargs)
        except httpx.HTTPError as exc:
            self.stats.add(kind, None, 0, f"{kind}: {type(exc).__name__}")
            return None
        took = time.perf_counter() - started
        bad = response.status_code not in (200, 303)
        if kind == "accept" and response.status_code == 422 and SAME in response.text:
            # Another clerk of the district drafted the same parties, already signed: the
            # register's rule (an amendment is needed), not a fault.
            with self.stats.lock:
                self.stats.refused += 1
            return None
        self.stats.add(kind, response, took,
                       f"{kind}: {response.status_code}" if bad else "")
        if bad:
            with self.stats.lock:   # what the page said, once per kind of error
                self.stats.error_pages.setdefault(f"{kind}: {response.status_code}",
                                           _said(response.text))
        if response.status_code == 303 and response.headers.get("location", "").startswith(
                "/login"):
            self.login()
        return None if bad else response


def clerk(base: str, name: str, district: str, stats: Stats, stop: float) -> None:
    me = Person(base, name, stats)
    kazakh = sorted(p.id for p in catalogue.load().parties.values()
                    if p.country == "KZ" and p.level in ("district", "city"))
    for number in itertools.count(1):
        if time.monotonic() >= stop:
            break
        answers = {**UGLOVSKY, "russian-party": district,
                   "kazakh-party": kazakh[(number + hash(name)) % len(kazakh)]}
        new = me.call("new draft", "POST", "/new", data={"csrf_token": me.token,
                                                          "stage": "approval"})
        if new is None:
            continue
        address = new.headers["location"]
        draft = address.split("/")[2]
        for _round in range(20):
            if not address.startswith("/draft/") or time.monotonic() > stop:
                break
            page = me.call("interview page (GET)", "GET", address)
            if page is None:
                break
            text = page.text
            for question in TEXTS:
                if f'name="q-{question}"' in text:
                    # Each text its own, and still an answer the interview takes (a
                    # name of capitalised words: no digits).
                    value = f"{answers[question]} {_mark(name, number)}"
                    sent = {**form_fields(text), f"q-{question}": value}
                    if me.call("field saved (HTMX)", "POST", f"{address}/field/{question}",
                               data=sent, headers={"HX-Request": "true"}) is not None:
                        with stats.lock:
                            stats.saved[draft][question] = value
                    refreshed = me.call("interview page (GET)", "GET", address)
                    text = refreshed.text if refreshed is not None else text
            typed = {**answers, **{q: v for q, v in stats.saved[draft].items()}}
            posted = me.call("interview page (POST)", "POST", address,
                             data=filled(text, typed))
            if posted is not None and posted.status_code == 200:
                posted = me.call("interview page (POST)", "POST", address,
                                 data=filled(posted.text, typed))
            if posted is None or posted.status_code != 303:
                break
            address = posted.headers["location"]
        review = me.call("review", "GET", f"/review/{draft}")
        if review is not None:
            revision = re.search(r'name="revision" value="(\d+)"', review.text)
            if revision:
                me.call("send for review", "POST", f"/draft/{draft}/submit",
                        data={"csrf_token": me.token, "revision": revision.group(1)})


def lawyer(base: str, name: str, stats: Stats, stop: float, index: int, count: int) -> None:
    me = Person(base, name, stats)
    while time.monotonic() < stop:
        start = me.call("start page", "GET", "/")
        if start is None:
            time.sleep(0.5)
            continue
        drafts = re.findall(r'href="/review/([\w-]+)"', start.text)
        mine = [d for d in drafts if zlib.crc32(d.encode()) % count == index]  # one lawyer each
        for draft in mine[:3]:
            review = me.call("review", "GET", f"/review/{draft}")
            if review is None or 'value="accept"' not in review.text:
                continue
            revision = re.search(r'name="revision" value="(\d+)"', review.text).group(1)
            accepted = me.call("accept", "POST", f"/draft/{draft}/verdict", data={
                "csrf_token": me.token, "revision": revision, "action": "accept"})
            after = me.call("review", "GET", f"/review/{draft}") if accepted else None
            found = re.search(r'href="/register/(\d+)"', after.text) if after else None
            if found is None:
                continue
            agreement = int(found.group(1))
            for step, status in enumerate(STEPS):
                on = f"{10 + step:02d}.01.2027"   # each step after the one before
                moved = me.call("status moved", "POST", f"/register/{agreement}/move", data={
                    "csrf_token": me.token, "status": status, "on": on})
                if moved is not None and moved.status_code == 303:
                    with stats.lock:
                        stats.moves[agreement].append(status)
                else:
                    break
        time.sleep(0.2)


def start_postgres(given: str | None) -> tuple[str, str | None]:
    """A fresh database's URL (and the server's folder when started here)."""
    import psycopg

    folder = None
    if given is None:
        given = subprocess.run([str(ROOT / ".ci" / "postgres")], check=True,
                               capture_output=True, text=True).stdout.strip()
        folder = re.search(r"host=([^&]+)", given).group(1)
    name = f"xbdocs_bench_{os.getpid()}"
    plain = given.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return re.sub(r"/postgres\?", f"/{name}?", given) if "/postgres?" in given else \
        given.rsplit("/", 1)[0] + f"/{name}", folder


def make_users(db: str, clerks: int, lawyers: int) -> list[tuple[str, str]]:
    cat = catalogue.load()
    districts = sorted(p.id for p in cat.parties.values()
                       if p.region == "altai-krai" and p.level in ("district", "city"))
    made = []
    commands = [("admin1", ["--role", "admin"])]
    for number in range(clerks):
        district = districts[number % len(districts)]
        commands.append((f"clerk{number}", ["--role", "clerk", "--municipality", district]))
        made.append((f"clerk{number}", district))
    commands += [(f"lawyer{n}", ["--role", "lawyer", "--region", "altai-krai"])
                 for n in range(lawyers)]
    for name, options in commands:
        subprocess.run([sys.executable, "-m", "xbdocs", "users", "--db", db, "add", name,
                        *options, "--password-stdin"], input=PASSWORD + "\n", text=True,
                       check=True, capture_output=True)
    return made


def start_server(db: str, data: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = choose_port("127.0.0.1", 8500)
    env = {**os.environ, "XBDOCS_DATA_DIR": str(data), "XBDOCS_TODAY": "2027-02-01"}
    process = subprocess.Popen(
        [sys.executable, "-m", "xbdocs", "serve", "--accounts", "--db", db, "--workers",
         str(workers), "--port", str(port), "--no-browser"], env=env,
        stdout=subprocess.DEVNULL, stderr=open(data / "server.log", "w"),
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(300):
        try:
            httpx.get(base + "/login", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def faults(process: subprocess.Popen, stats: Stats, folder: str | None, at: float,
           seconds: float) -> list[str]:
    """A worker killed with -9, then PostgreSQL restarted; what happened, as lines."""
    said = []
    time.sleep(at)
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                              text=True).stdout.split()
    stats.faulting = True
    if children:
        os.kill(int(children[-1]), signal.SIGKILL)
        said.append(f"kill -9 of worker {children[-1]} at {at:.0f} s")
    time.sleep(5)
    if folder:
        bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        as_user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", f"{folder}/db", "stop",
                        "-m", "fast"], check=True, capture_output=True)
        said.append("PostgreSQL stopped")
        time.sleep(5)
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", f"{folder}/db", "-l",
                        f"{folder}/db/server.log", "-w", "-o",
                        f"-p 55432 -k {folder} -c listen_addresses=''", "start"],
                       check=True, capture_output=True)
        said.append("PostgreSQL started again")
    time.sleep(5)
    stats.faulting = False
    return said


def check(db: str, data: Path, stats: Stats) -> list[str]:
    """What was confirmed to a client and is not where it should be."""
    from xbdocs.registry.models import AuditEntry
    from xbdocs.registry.store import open_register
    from xbdocs.web.drafts import DraftFiles

    lost = []
    drafts = DraftFiles(data / "drafts")
    for draft, fields in stats.saved.items():
        stored = drafts.load(draft)
        values = stored.draft.values if stored else {}
        flat = repr(values)
        for question, value in fields.items():
            if value not in flat:
                lost.append(f"draft {draft}: {question}")
    register = open_register(db)
    with register.session() as session:
        moved = Counter(row.object_id for row in session.query(AuditEntry).filter_by(
            action="status-moved"))
    for agreement, statuses in stats.moves.items():
        history = [c.status for c in register.get(agreement).history if c.kind == "step"]
        if history[-len(statuses):] != statuses:
            lost.append(f"agreement {agreement}: history {history}, moves {statuses}")
        if moved[str(agreement)] < len(statuses):
            lost.append(f"agreement {agreement}: {moved[str(agreement)]} audit rows for "
                        f"{len(statuses)} moves")
    return lost


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--lawyers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db")
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--think", type=float, default=1.0, help=(
        "seconds a person takes between two requests, on average (0: hammer)"))
    parser.add_argument("--ramp", type=float, default=10.0, help=(
        "seconds over which the people arrive (0: all in the same second — 55 logins at "
        "once, each an argon2 hash, is a burst no department has)"))
    args = parser.parse_args()
    db, folder = start_postgres(args.db)
    data = Path(tempfile.mkdtemp(prefix="xbdocs-bench-server-"))
    clerks = make_users(db, args.clerks, args.lawyers)
    process, base = start_server(db, data, args.workers)
    stats = Stats()
    stats.think = args.think
    stop = time.monotonic() + args.seconds
    threads = [threading.Thread(target=clerk, args=(base, name, district, stats, stop))
               for name, district in clerks]
    threads += [threading.Thread(target=lawyer, args=(base, f"lawyer{n}", stats, stop, n,
                                                      args.lawyers))
                for n in range(args.lawyers)]
    said: list[str] = []
    if args.faults:
        threads.append(threading.Thread(target=lambda: said.extend(
            faults(process, stats, folder, args.seconds / 3, args.seconds))))
    print(f"{args.clerks} clerks and {args.lawyers} lawyers for {args.seconds:.0f} s on "
          f"{base} ({args.workers} workers, PostgreSQL; about {args.think:g} s between a "
          f"person's requests; arriving over {args.ramp:g} s); {os.cpu_count()} cores")
    for thread in threads:
        thread.start()
        time.sleep(args.ramp / len(threads))
    for thread in threads:
        thread.join(args.seconds + 600)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lost = check(db, data, stats)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(30)
    if folder:  # the PostgreSQL started here goes with the run (it was left running)
        bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        as_user = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", f"{folder}/db", "stop",
                        "-m", "fast"], check=False, capture_output=True)
    print(f"requests {sum(len(v) for v in stats.client.values())}; drafts with saves "
          f"{len(stats.saved)}; agreements moved {len(stats.moves)} "
          f"({sum(len(v) for v in stats.moves.values())} moves); load {load}")
    print(f"errors outside faults {sum(stats.errors.values())}; lost {len(lost)}; "
          f"acceptances refused by the register's rules (the same agreement signed "
          f"already) {stats.refused}")
    for line in said:
        print("  fault:", line)
    if stats.fault_errors:
        print(f"  errors while faulting {sum(stats.fault_errors.values())}: "
              f"{dict(stats.fault_errors.most_common(6))}")
    for message, count in stats.errors.most_common(8):
        print(f"  {count} × {message}: «{stats.error_pages.get(message, '')}»")
    for line in lost[:10]:
        print("  lost:", line)
    print(f"{'':26} {'server p95':>11} {'median':>8} {'client p95':>11}")
    for kind in sorted(stats.client):
        server = stats.server.get(kind, [])
        print(f"{kind:26} {p95(server):9.1f} ms {statistics.median(server or [0]):6.1f} ms "
              f"{p95(stats.client[kind]):9.1f} ms  (n {len(stats.client[kind])})")


if __name__ == "__main__":
    main()
