"""What the department server keeps to be fast under load (bench/server.py) must never show
anything stale or hide anything: the review's findings kept by what they come from, and
the start page's drafts read again only when their files change."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.test_web_accounts import login
from tests.test_web_interview import answer_all
from tests.web_forms import UGLOVSKY, department
from xbdocs.registry.facts import Facts
from xbdocs.web import drafts

GOVERNMENT = "tracks.municipal.addressees.government"


@pytest.fixture
def server(tmp_path):
    return department(tmp_path, dt.date(2027, 6, 1), lawyer=False)


def _new(client, stage: str = "approval") -> str:
    return client.post("/new", data={"csrf_token": client.cookies.get("xbdocs_csrf"),
                                     "stage": stage},
                       follow_redirects=False).headers["location"]


def _unverified(page: str) -> str:
    start = page.find('<ul class="unverified">')
    return page[start:page.index("</ul>", start)] if start >= 0 else ""


def test_the_review_is_the_same_when_seen_again_and_new_when_a_fact_is_verified(server):
    app, accounts = server
    clerk = login(app, "ivanova")
    review, _seen = answer_all(clerk, _new(clerk), UGLOVSKY)
    first, again = clerk.get(review).text, clerk.get(review).text
    assert "Председатель Правительства Алтайского края" in _unverified(first)
    strip = re.compile(r'name="csrf_token" value="[^"]*"')
    assert strip.sub("", first) == strip.sub("", again)

    # The department verifies the Government's addressee: the next review no longer
    # flags it (the kept findings were made with the profile before the fact).
    Facts(accounts.register).set(GOVERNMENT, {"address": "пр. Ленина, д. 59, г. Барнаул, "
                                              "656038"}, "сайт Правительства края",
                                 by="admin1", on=dt.date(2027, 5, 30))
    after = clerk.get(review).text
    assert "Председатель Правительства Алтайского края" not in _unverified(after)
    assert _unverified(after).count("<li") == _unverified(first).count("<li") - 1


def test_the_review_follows_a_changed_answer(server):
    app, _accounts = server
    clerk = login(app, "ivanova")
    review, _seen = answer_all(clerk, _new(clerk), UGLOVSKY)
    before = clerk.get(review).text  # seen once: kept
    draft = review.split("/")[2]
    page = clerk.get(f"/draft/{draft}/page/signatories").text
    revision = re.search(r'name="revision" id="revision" value="(\d+)"', page).group(1)
    response = clerk.post(f"/draft/{draft}/page/signatories/field/russian-signatory-ru",
                          data={"csrf_token": clerk.cookies.get("xbdocs_csrf"),
                                "revision": revision,
                                "q-russian-signatory-ru": "Смирнова Ольга Ивановна"})
    assert response.status_code == 200
    after = clerk.get(review).text
    assert "Смирнова Ольга Ивановна" in after and "Петрова Елена Викторовна" not in after
    assert "Петрова Елена Викторовна" in before


def test_a_clerks_drafts_are_listed_however_many_newer_drafts_others_have(server,
                                                                           monkeypatch):
    app, _accounts = server
    monkeypatch.setattr(drafts, "LISTED", 3)
    mine, other = login(app, "ivanova"), login(app, "sidorova")
    own = _new(mine).split("/")[2]
    for _ in range(5):
        _new(other)
    start = mine.get("/").text
    assert own in start
    # Another district's start page never lists the clerk's draft …
    assert own not in other.get("/").text
    # … and a deleted draft is no longer listed (nothing kept of it is shown).
    mine.post(f"/draft/{own}/delete", data={"csrf_token": mine.cookies.get("xbdocs_csrf")})
    assert own not in mine.get("/").text
