"""The browser door under the fuzz campaign's inputs (tests/fuzzcases.py): hostile text,
raw YAML values and damaged answers files, sent as a browser would — into every field of
every interview page (whole pages and HTMX's single-field saves), the search boxes, and the
upload — judged as the CLI's doors are: never an internal error or a traceback, only the
statuses a clerk may meet, every page escaped, and the draft still readable after.

A fixed seed per case, so a failure names the input that caused it; XBDOCS_WEB_FUZZ sets
how many cases (default 60: a few seconds)."""

from __future__ import annotations

import datetime as dt
import os
import random
import re

import pytest
from fastapi.testclient import TestClient

from tests.fuzzcases import HOSTILE_TEXT, RAW_VALUES, SPECIAL_ANSWERS, _mutated, _raw_mutated
from tests.web_forms import UGLOVSKY, filled, form_fields, questions
from xbdocs.interview import flow
from xbdocs.web.app import create_app

CASES = int(os.environ.get("XBDOCS_WEB_FUZZ", "60"))
#: What a clerk may meet: a page, a redirect, a refusal with its reason.
ALLOWED = {200, 303, 400, 403, 404, 409, 411, 413, 422}
BASE = "http://127.0.0.1:8000"


def _judge(response, what: str, allowed: set[int] = ALLOWED) -> None:
    assert response.status_code in allowed, (what, response.status_code, response.text[:500])
    text = response.text
    assert "Traceback" not in text and "Внутренняя ошибка" not in text, what
    assert not re.search(r"<script>alert|<img\b", text), what


def _value(rng: random.Random) -> str:
    pool = HOSTILE_TEXT + RAW_VALUES + ["<script>alert(1)</script>", "<img src=x onerror=1>"]
    value = rng.choice(pool)
    return value if rng.random() < 0.7 else value + rng.choice(pool)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("web-fuzz"), today=dt.date(2026, 11, 27),
                     port=8000)
    with TestClient(app, base_url=BASE) as client:
        client.get("/")
        yield client


@pytest.mark.parametrize("seed", range(CASES))
def test_hostile_fields_on_every_page(client, seed):
    rng = random.Random(seed)
    token = client.cookies.get("xbdocs_csrf")
    new = client.post("/new", data={"csrf_token": token,
                                    "stage": rng.choice(["agreement", "approval", "all"])},
                      follow_redirects=False)
    draft = new.headers["location"].split("/")[2]
    for section in rng.sample(flow.SECTIONS, k=len(flow.SECTIONS)):
        address = f"/draft/{draft}/page/{section.id}"
        page = client.get(address)
        _judge(page, address)
        fields = questions(page.text)
        answers = {name: (_value(rng) if rng.random() < 0.5 else UGLOVSKY.get(name, ""))
                   for name in fields}
        if fields and rng.random() < 0.5:   # HTMX: one field saved as it changes
            name = rng.choice(fields)
            question = name.removesuffix("-ru").removesuffix("-kk") \
                if name.startswith("custom-") else name
            sent = {**form_fields(page.text), f"q-{name}": [answers[name]]}
            if rng.random() < 0.2:
                sent["revision"] = [rng.choice(["0", "-1", "99999999999", "x", ""])]
            response = client.post(f"{address}/field/{question}", data=sent,
                                   headers={"HX-Request": "true"})
            _judge(response, f"{address} field {name}")
            page = client.get(address)
        data = filled(page.text, answers, go=rng.choice(["next", "back", "save", "x", ""]))
        if rng.random() < 0.2:
            data[rng.choice(["stage", "return", "find-russian-party", "q-nonsense"])] = [
                _value(rng)]
        _judge(client.post(address, data=data, follow_redirects=False), address)
        if "q-russian-party" in data or "q-kazakh-party" in data:
            side = "russian" if "q-russian-party" in data else "kazakh"
            _judge(client.get(f"/draft/{draft}/page/{section.id}/part/{side}-party",
                              params={f"find-{side}-party": _value(rng)}), "search")
    for address in (f"/review/{draft}", f"/preview/{draft}", f"/draft/{draft}/live", "/"):
        _judge(client.get(address), address)


@pytest.mark.parametrize("seed", range(CASES))
def test_damaged_answers_files_uploaded(client, seed):
    rng = random.Random(1000 + seed)
    kind = rng.choice(["mutated", "raw", "special", "bytes"])
    if kind == "mutated":
        text = _mutated(rng).encode()
    elif kind == "raw":
        text = _raw_mutated(rng).encode()
    elif kind == "special":
        text = rng.choice(list(SPECIAL_ANSWERS.values()))
        text = text.encode() if isinstance(text, str) else text
    else:
        text = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
    response = client.post("/upload", data={"csrf_token": client.cookies.get("xbdocs_csrf"),
                                            "stage": rng.choice(["agreement", "all"])},
                           files={"answers": (_value(rng)[:200] or "a.yaml", text,
                                              "text/yaml")},
                           follow_redirects=False)
    _judge(response, f"upload {kind}")
    if response.status_code == 303:
        draft = response.headers["location"].split("/")[2]
        for address in (f"/review/{draft}", f"/preview/{draft}",
                        f"/draft/{draft}/page/{rng.choice(flow.SECTIONS).id}",
                        f"/download/{draft}/package.zip"):
            _judge(client.get(address, follow_redirects=False), address)
