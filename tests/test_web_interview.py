"""The interview in the browser's pages (xbdocs serve), through FastAPI's TestClient: a
whole municipal agreement answered page by page to a ZIP, Back that keeps what was typed,
errors beside their fields, two tabs, a restart, the search in the lists, the saves HTMX
makes field by field, the live preview, and hostile text on every page."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.web_forms import UGLOVSKY, filled, form_fields, questions
from xbdocs import system
from xbdocs.interview import flow
from xbdocs.interview.engine import Interview
from xbdocs.web.app import create_app

TODAY = dt.date(2026, 11, 27)
BASE = "http://127.0.0.1:8000"
HTMX = {"HX-Request": "true"}


def _client(data: Path) -> TestClient:
    client = TestClient(create_app(data, today=TODAY, port=8000), base_url=BASE)
    client.get("/")
    return client


@pytest.fixture
def client(tmp_path):
    with _client(tmp_path / "data") as client:
        yield client


def _token(client: TestClient) -> str:
    return client.cookies.get("xbdocs_csrf")


def new_draft(client: TestClient, stage: str = "approval") -> str:
    """A new interview; the address of its first page."""
    response = client.post("/new", data={"csrf_token": _token(client), "stage": stage},
                           follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"]


def answer_all(client: TestClient, first: str, answers: dict = UGLOVSKY) -> tuple[str, list]:
    """Answer page after page as a clerk would, until the review; the review's address
    and the pages seen (a page that asks more after an answer is answered again)."""
    address, seen = first, []
    for _round in range(30):
        if address.startswith("/review/"):
            return address, seen
        page = client.get(address)
        assert page.status_code == 200, page.text
        seen.append(address)
        response = client.post(address, data=filled(page.text, answers),
                               follow_redirects=False)
        if response.status_code == 200:  # more questions on the same page
            response = client.post(address, data=filled(response.text, answers),
                                   follow_redirects=False)
        assert response.status_code == 303, _errors(response.text)
        address = response.headers["location"]
    raise AssertionError("the interview did not end")


def _errors(page: str) -> list[str]:
    return re.findall(r'<p class="error" id="e-([\w-]+)">([^<]*)', page)


def _draft_id(address: str) -> str:
    return address.split("/")[2]


def test_every_question_is_on_exactly_one_page():
    on_pages = [q for section in flow.SECTIONS for q in section.questions]
    assert sorted(on_pages) == sorted(flow.BY_ID)
    assert len(on_pages) == len(set(on_pages))


@pytest.mark.parametrize("stage", ["agreement", "all"])
def test_every_page_has_a_field_for_each_question_that_applies(client, stage):
    """No second list of questions: what the engine asks on a page is what the page shows,
    field for field."""
    first = new_draft(client, stage)
    draft = _draft_id(first)
    review, _seen = answer_all(client, first, {
        **UGLOVSKY, "approval-document": "распоряжение", "approval-number": "1-р",
        "approval-date": "01.03.2027", "application-date": "01.05.2027"})
    assert review.startswith("/review/")
    for section in flow.SECTIONS:
        page = client.get(f"/draft/{draft}/page/{section.id}")
        assert page.status_code == 200
        shown = {name.removesuffix("-ru").removesuffix("-kk") if name.startswith(
            "custom-") else name for name in questions(page.text)}
        engine_ids = {q.id for q in _engine_page(client, draft, section.id)}
        assert shown == engine_ids, section.id


def _engine_page(client: TestClient, draft: str, section: str):
    """The engine's own questions for the page, from the draft the server keeps."""
    from xbdocs import catalogue
    from xbdocs.web.drafts import DraftFiles

    folder = Path(client.app.state.data_dir) / "drafts"
    stored = DraftFiles(folder).load(draft)
    return Interview(stored.draft.session(catalogue.load()), "ru").page(section)


def test_a_whole_municipal_interview_to_the_zip(client):
    """Угловский–Бородулиха with its approval paperwork, answered in pages: the review has
    no errors, and the ZIP holds the agreement with the clerk's answers in it."""
    first = new_draft(client, "approval")
    review, seen = answer_all(client, first)
    assert [a.rsplit("/", 1)[1] for a in seen][:4] == [
        "agreement", "russian", "kazakh", "signatories"]
    page = client.get(review)
    assert page.status_code == 200
    assert 'class="error"' not in page.text
    assert "Петрова Елена Викторовна" in page.text
    assert page.text.count(">Изменить<") >= 20
    archive = client.get(f"/download/{_draft_id(first)}/package.zip")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert any(n.endswith(".docx") for n in names) and "built-from.yaml" in names
    built_from = yaml.safe_load(zipfile.ZipFile(io.BytesIO(archive.content)).read(
        "built-from.yaml"))
    assert built_from["parties"]["russian"]["catalogue"] == "altai-uglovsky-district"
    assert str(built_from["signing"]["date"]) == "2027-04-14"
    assert {"agreement.ru-kk.docx", "notice.docx", "approval-request.docx",
            "explanatory-note.docx"} <= set(names)
    document = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(io.BytesIO(archive.content)).read(
        "agreement.ru.docx"))).read("word/document.xml").decode("utf-8")
    assert "Петровой Елены Викторовны" in document
    assert "01-15/131" in zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(io.BytesIO(
        archive.content)).read("approval-request.docx"))).read(
            "word/document.xml").decode("utf-8")


def test_progress_line_and_the_pages_in_order(client):
    page = client.get(new_draft(client, "approval"))
    assert "Шаг 1 из 8" in page.text
    assert 'aria-current="step"' in page.text


def test_an_error_is_shown_beside_its_field_and_in_a_summary_then_fixed(client):
    first = new_draft(client, "agreement")
    answer_all(client, first)
    draft = _draft_id(first)
    address = f"/draft/{draft}/page/signatories"
    page = client.get(address)
    wrong = filled(page.text, {**UGLOVSKY, "russian-post-ru": ""})
    response = client.post(address, data=wrong, follow_redirects=False)
    assert response.status_code == 422
    assert 'role="alert"' in response.text and "autofocus" in response.text
    assert '<a href="#q-russian-post-ru">' in response.text
    assert ("russian-post-ru", "здесь нужен ответ") in _errors(response.text)
    assert re.search(r'id="q-russian-post-ru"[^>]*aria-invalid="true"', response.text)
    fixed = client.post(address, data=filled(response.text, UGLOVSKY),
                        follow_redirects=False)
    assert fixed.status_code == 303


def test_back_keeps_what_was_typed_even_when_refused(client):
    first = new_draft(client, "approval")
    client.post(first, data=filled(client.get(first).text, UGLOVSKY), follow_redirects=False)
    draft = _draft_id(first)
    russian = f"/draft/{draft}/page/russian"
    page = client.get(russian)
    typed = filled(page.text, {**UGLOVSKY, "russian-inn": "12345"}, go="back")
    response = client.post(russian, data=typed, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/page/agreement")
    again = client.get(russian)
    assert 'value="12345"' in again.text
    assert 'value="altai-uglovsky-district" checked' in again.text


def test_two_tabs_never_overwrite_each_other(client):
    first = new_draft(client, "agreement")
    tab_one, tab_two = client.get(first).text, client.get(first).text
    saved = client.post(first, data=filled(tab_one, {"track": "regional"}),
                        follow_redirects=False)
    assert saved.status_code == 303
    late = client.post(first, data=filled(tab_two, {"track": "municipal"}),
                       follow_redirects=False)
    assert late.status_code == 409
    assert "Черновик изменён в другой вкладке" in late.text
    assert 'value="regional" checked' in late.text     # the newer answer shown
    assert client.get(first).text.count('value="regional" checked') == 1


def test_a_restarted_server_continues_the_draft(tmp_path):
    data = tmp_path / "data"
    with _client(data) as client:
        first = new_draft(client, "agreement")
        client.post(first, data=filled(client.get(first).text, UGLOVSKY),
                    follow_redirects=False)
    with _client(data) as restarted:
        start = restarted.get("/")
        assert f"/review/{_draft_id(first)}" in start.text
        page = restarted.get(first)
        assert 'value="municipal" checked' in page.text


@pytest.mark.parametrize(("side", "typed", "found", "lang"), [
    ("russian", "угл", "Угловского", "ru"), ("kazakh", "акк", "Аккулинского", "ru"),
    ("kazakh", "акк", "Аққулы", "kk"), ("kazakh", "АҚҚ", "Аққулы", "kk"),
    ("kazakh", "бород", "Бородулихинского", "ru")])
def test_the_search_finds_with_kazakh_letters_folded(client, side, typed, found, lang):
    first = new_draft(client, "agreement")
    client.post(first, data=filled(client.get(first).text, UGLOVSKY), follow_redirects=False)
    draft = _draft_id(first)
    response = client.get(f"/draft/{draft}/page/{side}/part/{side}-party",
                          params={f"find-{side}-party": typed, "lang": lang},
                          headers=HTMX)
    assert response.status_code == 200
    assert found in response.text
    listed = re.findall(r'name="q-[\w-]+-party" id="[^"]+" value="([^"]+)"', response.text)
    assert 0 < len(listed) < 6


def test_the_kazakh_neighbours_come_first_and_are_marked(client):
    first = new_draft(client, "agreement")
    for section in ("agreement", "russian"):
        page = client.get(f"/draft/{_draft_id(first)}/page/{section}")
        client.post(f"/draft/{_draft_id(first)}/page/{section}",
                    data=filled(page.text, UGLOVSKY), follow_redirects=False)
    page = client.get(f"/draft/{_draft_id(first)}/page/kazakh").text
    labels = re.findall(r'<label class="choice"><input type="radio" name="q-kazakh-party"'
                        r'[^>]*> ([^<]*)(<span class="tag">)?', page)
    marks = [bool(tag) for _label, tag in labels]
    assert marks[0] and marks == sorted(marks, reverse=True)   # the neighbours first
    assert any("Бородулих" in label and tag for label, tag in labels)


def test_each_changed_field_is_saved_at_once(client, tmp_path):
    """HTMX's save of one field: the field again and the new revision, the draft on disk
    changed, and a trigger that refreshes the preview."""
    first = new_draft(client, "agreement")
    draft = _draft_id(first)
    page = client.get(first).text
    sent = {**form_fields(page), "q-track": ["regional"]}
    response = client.post(f"/draft/{draft}/page/agreement/field/track", data=sent,
                           headers=HTMX)
    assert response.status_code == 200
    assert response.headers["hx-trigger"] == "xbdocs-saved"
    assert 'id="revision" value="2" hx-swap-oob="true"' in response.text
    kept = json.loads((tmp_path / "data" / "drafts" / f"{draft}.json").read_text("utf-8"))
    assert kept["draft"]["values"]["track"] == "regional" and kept["revision"] == 2


def test_a_party_not_in_the_list_brings_its_questions_at_once(client):
    first = new_draft(client, "agreement")
    client.post(first, data=filled(client.get(first).text, UGLOVSKY), follow_redirects=False)
    draft = _draft_id(first)
    page = client.get(f"/draft/{draft}/page/russian").text
    sent = {**form_fields(page), "q-russian-party": ["-"]}
    response = client.post(f"/draft/{draft}/page/russian/field/russian-party", data=sent,
                           headers=HTMX)
    assert "hx-retarget" not in response.headers   # the fields being typed stay
    assert re.search(r'<div class="slot" id="slot-russian-name-ru" hx-swap-oob="true">'
                     r'.*name="q-russian-name-ru"', response.text, re.S)
    assert 'name="q-russian-region"' in response.text
    assert 'id="slot-russian-inn"' not in response.text   # unchanged: not sent again


def test_the_live_preview_is_the_agreement_in_two_columns(client):
    first = new_draft(client, "agreement")
    draft = _draft_id(first)
    before = client.get(f"/draft/{draft}/live", headers=HTMX)
    assert "появится здесь" in before.text
    answer_all(client, first)
    after = client.get(f"/draft/{draft}/live", headers=HTMX)
    assert "Угловского района" in after.text and 'lang="kk"' in after.text
    assert after.headers["cache-control"] == "no-store"


def test_dates_are_shown_as_day_month_year(client):
    first = new_draft(client, "agreement")
    answer_all(client, first)
    page = client.get(f"/draft/{_draft_id(first)}/page/signing").text
    assert 'value="14.04.2027"' in page and 'placeholder="ДД.ММ.ГГГГ"' in page


def test_change_from_the_review_returns_to_the_review(client):
    first = new_draft(client, "agreement")
    review, _seen = answer_all(client, first)
    page = client.get(review).text
    link = re.search(r'href="(/draft/[^"]+/page/signing\?return=review)#q-signing-date"',
                     page).group(1)
    form = client.get(link).text
    assert 'name="return" value="review"' in form
    response = client.post(link.split("?")[0],
                           data=filled(form, {**UGLOVSKY, "signing-date": "15.04.2027"}),
                           follow_redirects=False)
    assert response.headers["location"] == review
    assert "15.04.2027" in client.get(review).text


HOSTILE = '<script>alert(1)</script>"\'&<img src=x onerror=alert(2)>'


def test_hostile_text_is_escaped_on_every_page(client):
    first = new_draft(client, "approval")
    hostile = {key: (f"{value} {HOSTILE}" if isinstance(value, str) and key.endswith(
        ("-ru", "-kk", "name", "phone", "purpose", "number")) else value)
        for key, value in UGLOVSKY.items()}
    draft = _draft_id(first)
    for section in flow.SECTIONS:
        address = f"/draft/{draft}/page/{section.id}"
        for _round in range(2):
            page = client.get(address).text
            client.post(address, data=filled(page, hostile, go="save"))
    pages = [f"/draft/{draft}/page/{s.id}" for s in flow.SECTIONS] + [
        f"/review/{draft}", f"/preview/{draft}", f"/draft/{draft}/live", "/"]
    seen_escaped = False
    for address in pages:
        text = client.get(address).text
        assert "<script>alert" not in text and "<img src=x" not in text, address
        seen_escaped |= "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert seen_escaped


@pytest.mark.parametrize("address", [
    "/draft/AAAAAAAAAAAAAAAAAAAAAA/page/agreement", "/draft/..%2F..%2Fetc/page/agreement",
    "/review/..%2Fx", "/draft/{draft}/page/nonsense", "/draft/{draft}/page/russian/part/track"])
def test_what_does_not_exist_is_not_found(client, address):
    draft = _draft_id(new_draft(client))
    assert client.get(address.format(draft=draft)).status_code == 404


def test_a_page_without_the_csrf_token_is_refused(client):
    first = new_draft(client, "agreement")
    data = filled(client.get(first).text, UGLOVSKY)
    data.pop("csrf_token")
    assert client.post(first, data=data, follow_redirects=False).status_code == 403


def test_an_upload_is_reviewed_with_its_answers_and_change_links(client):
    text = (Path(__file__).parent.parent / "samples" /
            "uglovsky-borodulikha-municipal.yaml").read_text("utf-8")
    token = _token(client)
    response = client.post("/upload", data={"csrf_token": token, "stage": "approval"},
                           files={"answers": ("a.yaml", text.encode(), "text/yaml")},
                           follow_redirects=False)
    review = client.get(response.headers["location"]).text
    assert "Жумабеков Ерлан Серикович" in review
    assert re.search(r'href="/draft/[^"]+/page/russian\?return=review#q-russian-inn"', review)
    assert "не все вопросы" not in review.lower()


OFFICE = system.soffice() is not None
REQUIRED = os.environ.get("XBDOCS_REQUIRE_OFFICE") == "1"


@pytest.mark.skipif(not OFFICE and not REQUIRED, reason="LibreOffice is not installed")
def test_pdfs_are_made_in_the_background_and_downloaded(client):
    if not OFFICE:
        pytest.fail("XBDOCS_REQUIRE_OFFICE=1 but LibreOffice is missing")
    first = new_draft(client, "agreement")
    answer_all(client, first)
    draft = _draft_id(first)
    response = client.post(f"/pdf/{draft}", data={"csrf_token": _token(client)},
                           follow_redirects=False)
    assert response.status_code == 303
    status_page = response.headers["location"]
    assert client.get(f"/review/{draft}").status_code == 200   # usable meanwhile
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        fragment = client.get(status_page, headers=HTMX).text
        if "PDF готовы" in fragment or "PDFs are ready" in fragment:
            break
        assert "alert" not in fragment, fragment
        time.sleep(1)
    pdf = re.search(r'href="(/pdf/[^"]+\.pdf)"', fragment).group(1)
    assert client.get(pdf).content.startswith(b"%PDF")


def test_a_form_over_the_limit_is_refused_before_it_is_read(client):
    first = new_draft(client, "agreement")
    data = filled(client.get(first).text, {"track": "municipal"})
    data["q-track"] = ["x" * 1_200_000]
    response = client.post(first, data=data, follow_redirects=False)
    assert response.status_code == 413
    assert "не больше" in response.text or "at most" in response.text
