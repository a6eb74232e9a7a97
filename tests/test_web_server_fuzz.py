"""The department server's own doors under the fuzz campaign's inputs (tests/fuzzcases.py):
the login form, the users page, the department's facts, the lawyer's verdict and comments,
the register's step form and filters, the plan upload, the audit export — every field of
each sent hostile text, raw YAML values and damaged files, as a browser would send them;
judged as every other door: only statuses a person may meet, never an internal error or a
traceback, nothing unescaped, and the pages still work after.

A fixed seed per case; XBDOCS_WEB_FUZZ sets how many (default 60)."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.fuzzcases import HOSTILE_TEXT, RAW_VALUES, SPECIAL_ANSWERS
from tests.test_web_fuzz import ALLOWED
from tests.test_web_fuzz import _judge as _judged
from tests.web_forms import UGLOVSKY, filled
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.store import open_register
from xbdocs.web.app import create_app

CASES = int(os.environ.get("XBDOCS_WEB_FUZZ", "60"))
#: A login refused (401) is an answer a person meets too, on the server.
SERVER_ALLOWED = ALLOWED | {401}


def _judge(response, what: str) -> None:
    _judged(response, what, SERVER_ALLOWED)
PASSWORD = "correct horse battery"
BASE = "http://xbdocs.example.ru"


def _value(rng: random.Random) -> str:
    pool = HOSTILE_TEXT + RAW_VALUES + ["<script>alert(1)</script>", "=cmd|' /C calc'!A0",
                                        "../../etc/passwd", "1" * 12, "", "c:a.docx#x"]
    value = rng.choice(pool)
    return value if rng.random() < 0.7 else value + rng.choice(pool)


def _login(app, username: str) -> TestClient:
    client = TestClient(app, base_url=BASE)
    client.get("/login")
    client.post("/login", data={"csrf_token": client.cookies.get("xbdocs_csrf"),
                                "username": username, "password": PASSWORD})
    return client


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server-fuzz")
    accounts = Accounts(open_register(str(folder / "r.sqlite3")))
    accounts.add("admin1", "admin", password=PASSWORD, by="setup")
    accounts.add("ivanova", "clerk", password=PASSWORD,
                 municipalities=["altai-uglovsky-district"], by="admin1")
    accounts.add("petrov", "lawyer", password=PASSWORD, region="altai-krai", by="admin1")
    app = create_app(folder / "data", today=dt.date(2027, 6, 1), accounts=accounts,
                     server_names=("xbdocs.example.ru",))
    clerk, lawyer, admin = (_login(app, name) for name in ("ivanova", "petrov", "admin1"))
    first = clerk.post("/new", data={"csrf_token": clerk.cookies.get("xbdocs_csrf"),
                                     "stage": "approval"},
                       follow_redirects=False).headers["location"]
    draft = first.split("/")[2]
    address = first
    for _round in range(20):
        if not address.startswith("/draft/"):
            break
        page = clerk.get(address).text
        sent = clerk.post(address, data=filled(page, UGLOVSKY), follow_redirects=False)
        if sent.status_code == 200:
            sent = clerk.post(address, data=filled(sent.text, UGLOVSKY),
                              follow_redirects=False)
        address = sent.headers.get("location", "")
    review = clerk.get(f"/review/{draft}").text
    clerk.post(f"/draft/{draft}/submit", data={
        "csrf_token": clerk.cookies.get("xbdocs_csrf"),
        "revision": re.search(r'name="revision" value="(\d+)"', review).group(1)})
    return {"app": app, "clerk": clerk, "lawyer": lawyer, "admin": admin, "draft": draft}


def _revision(client: TestClient, draft: str) -> str:
    found = re.search(r'name="revision" value="(\d+)"', client.get(f"/review/{draft}").text)
    return found.group(1) if found else "0"


@pytest.mark.parametrize("seed", range(CASES))
def test_hostile_input_to_the_servers_own_doors(world, seed):
    rng = random.Random(5000 + seed)
    app, clerk, lawyer, admin, draft = (world[k] for k in ("app", "clerk", "lawyer", "admin",
                                                           "draft"))
    guest = TestClient(app, base_url=BASE)
    guest.get("/login")
    door = rng.choice(["login", "users", "facts", "verdict", "move", "register", "plan",
                       "audit"])
    if door == "login":
        response = guest.post("/login", data={
            "csrf_token": guest.cookies.get("xbdocs_csrf"), "username": _value(rng),
            "password": _value(rng), "next": _value(rng)}, follow_redirects=False)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/"), response.headers
            assert not response.headers["location"].startswith("//")
    elif door == "users":
        response = admin.post("/users", data={
            "csrf_token": admin.cookies.get("xbdocs_csrf"),
            "action": rng.choice(["add", "role", "disable", "enable", "password", _value(rng)]),
            "username": rng.choice([_value(rng), "ivanova", f"u{seed}"]),
            "role": rng.choice(["clerk", "lawyer", "admin", _value(rng)]),
            "municipality": [rng.choice(["altai-uglovsky-district", _value(rng)])],
            "region": rng.choice(["altai-krai", _value(rng), ""]),
            "display_name": _value(rng), "password": _value(rng)})
        if "ivanova" in str(response.request.content) and b"disable" in response.request.content:
            admin.post("/users", data={"csrf_token": admin.cookies.get("xbdocs_csrf"),
                                       "action": "enable", "username": "ivanova"})
    elif door == "facts":
        response = admin.post("/facts", data={
            "csrf_token": admin.cookies.get("xbdocs_csrf"),
            "place": rng.choice(["tracks.municipal.addressees.government", _value(rng)]),
            "field-address": _value(rng), "field-position": _value(rng),
            "source": _value(rng), "on": _value(rng)})
    elif door == "verdict":
        response = lawyer.post(f"/draft/{draft}/verdict", data={
            "csrf_token": lawyer.cookies.get("xbdocs_csrf"),
            "revision": rng.choice([_revision(lawyer, draft), _value(rng)]),
            "about": rng.choice(["", "q:russian-inn", "c:agreement.ru.docx#subject.main",
                                 _value(rng)]),
            "question": _value(rng), "comment": _value(rng),
            "action": rng.choice(["comment", "return", _value(rng)])})
    elif door == "move":
        response = lawyer.post(rng.choice(["/register/1/move",
                                           f"/register/{quote(_value(rng), safe='')}/move"]),
                               data={"csrf_token": lawyer.cookies.get("xbdocs_csrf"),
                                     "status": rng.choice(["notice-sent", _value(rng)]),
                                     "on": _value(rng), "number": _value(rng),
                                     "note": _value(rng)})
    elif door == "register":
        response = lawyer.get("/register", params={
            "status": _value(rng), "district": _value(rng), "within": _value(rng),
            "format": rng.choice(["", "csv", "xlsx", "docx", "ics", _value(rng)])})
    elif door == "plan":
        content = rng.choice([_value(rng).encode(), *(v.encode() if isinstance(v, str) else v
                                                      for v in SPECIAL_ANSWERS.values()),
                              bytes(rng.randrange(256) for _ in range(200))])
        response = clerk.post("/register/1/plan",
                              data={"csrf_token": clerk.cookies.get("xbdocs_csrf")},
                              files={"plan": ((_value(rng) or "p")[:100], content,
                                              "text/yaml")})
    else:
        response = admin.get("/audit", params={"format": rng.choice(["csv", _value(rng)])})
    _judge(response, door)
    for who, address in ((clerk, "/"), (lawyer, f"/review/{draft}"), (admin, "/audit")):
        after = who.get(address, follow_redirects=False)
        assert after.status_code in (200, 303), (door, address, after.status_code)
        _judge(after, f"{door} then {address}")
