"""The department server's whole story, as issue 22 tells it: two clerks of different
districts and a lawyer at once; the clerk sends a draft for review, the lawyer returns it
with a comment, the clerk sees it beside the question and fixes it, the lawyer accepts it
and moves the agreement through approval to registration; each sees only what their role
allows, and the audit trail shows every step."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.test_web_accounts import login
from tests.test_web_interview import answer_all
from tests.web_forms import UGLOVSKY, department, filled


@pytest.fixture
def app(tmp_path):
    return department(tmp_path, dt.date(2027, 6, 1))


#: The municipal sample's answers, uploaded by the tests below.
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "uglovsky-borodulikha-municipal.yaml"


def _revision(page: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', page).group(1)


def _uploaded(clerk, text: str, name: str = "a.yaml") -> tuple[str, str]:
    """A clerk's uploaded answers (an approval package): the review's address and the
    draft's id."""
    review = clerk.post("/upload", data={"csrf_token": clerk.cookies.get("xbdocs_csrf"),
                                         "stage": "approval"},
                        files={"answers": (name, text.encode(), "text/yaml")},
                        follow_redirects=False).headers["location"]
    return review, review.split("/")[2]


def _sent_for_review(clerk, text: str, name: str = "a.yaml") -> tuple[str, str]:
    """A clerk's uploaded answers sent for review: the review's address and the draft's
    id."""
    review, draft = _uploaded(clerk, text, name)
    clerk.post(f"/draft/{draft}/submit", data={
        "csrf_token": clerk.cookies.get("xbdocs_csrf"),
        "revision": _revision(clerk.get(review).text)})
    return review, draft


def test_review_return_fix_accept_and_move_to_registration(app):
    app, accounts = app
    clerk, lawyer, other = login(app, "ivanova"), login(app, "petrov"), login(app, "sidorova")
    first = clerk.post("/new", data={"csrf_token": clerk.cookies.get("xbdocs_csrf"),
                                     "stage": "approval"},
                       follow_redirects=False).headers["location"]
    draft = first.split("/")[2]
    review, _seen = answer_all(clerk, first, {**UGLOVSKY, "russian-post-ru": "глава района"})

    # The clerk sends it for review.
    page = clerk.get(review).text
    sent = clerk.post(f"/draft/{draft}/submit", data={
        "csrf_token": clerk.cookies.get("xbdocs_csrf"), "revision": _revision(page)})
    assert "отправлен на проверку" in sent.text.lower() or "sent for review" in sent.text
    assert other.get(review).status_code == 404

    # The lawyer comments on the post and returns it.
    page = lawyer.get(review).text
    assert 'name="action" value="accept"' in page
    returned = lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "revision": _revision(page),
        "question": "russian-post-ru", "comment": "Укажите должность полностью.",
        "action": "return"})
    assert returned.status_code == 200

    # The clerk sees the comment beside the question, fixes the answer, sends it again.
    signatories = clerk.get(f"/draft/{draft}/page/signatories").text
    assert re.search(r'id="f-russian-post-ru"[^>]*>\s*<aside class="comment" '
                     r'id="c-russian-post-ru-1"[^>]*>.*Укажите должность полностью\.',
                     signatories, re.S)
    assert re.search(r'id="q-russian-post-ru"[^>]*aria-describedby="[^"]*c-russian-post-ru-1',
                     signatories)
    fixed = clerk.post(f"/draft/{draft}/page/signatories",
                       data=filled(signatories, UGLOVSKY, go="review"),
                       follow_redirects=False)
    assert fixed.status_code == 303
    page = clerk.get(review).text
    clerk.post(f"/draft/{draft}/submit", data={
        "csrf_token": clerk.cookies.get("xbdocs_csrf"), "revision": _revision(page)})

    # A clerk cannot accept; the lawyer accepts: the agreement is in the register.
    page = lawyer.get(review).text
    refused = clerk.post(f"/draft/{draft}/verdict", data={
        "csrf_token": clerk.cookies.get("xbdocs_csrf"), "revision": _revision(page),
        "action": "accept"})
    assert refused.status_code == 403
    accepted = lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "revision": _revision(page),
        "action": "accept"})
    agreement = re.search(r'href="/register/(\d+)"', accepted.text).group(1)
    assert other.get(f"/register/{agreement}").status_code == 404
    assert clerk.get(f"/register/{agreement}").status_code == 200

    # The lawyer moves it through approval to registration, step by step.
    # The Altai Krai's profile begins with the notice of negotiations (domain.md).
    steps = [("notice-sent", "20.01.2027", "01-15/54"),
             ("sent-for-approval", "01.03.2027", "01-15/131"),
             ("approved", "24.03.2027", "112-р"), ("signed", "14.04.2027", ""),
             ("filed-for-registration", "20.04.2027", ""),
             ("registered", "05.05.2027", "77")]
    for status, on, number in steps:
        moved = lawyer.post(f"/register/{agreement}/move", data={
            "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "status": status, "on": on,
            "number": number}, follow_redirects=False)
        assert moved.status_code == 303, moved.text
    page = lawyer.get(f"/register/{agreement}").text
    assert "05.05.2027" in page
    # A step the procedure does not allow is refused with the reason.
    wrong = lawyer.post(f"/register/{agreement}/move", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "status": "draft", "on": ""})
    assert wrong.status_code == 422 and 'role="alert"' in wrong.text
    # A clerk may not move it.
    assert clerk.post(f"/register/{agreement}/move", data={
        "csrf_token": clerk.cookies.get("xbdocs_csrf"), "status": "in-force"}
    ).status_code == 403

    # The audit trail has every step, by whom.
    admin = next(p for p in accounts.users() if p.username == "admin1")
    trail = [(row.username, row.action) for row in reversed(accounts.audit(admin))]
    for expected in [("ivanova", "draft-created"), ("ivanova", "draft-submitted"),
                     ("petrov", "comment-added"), ("petrov", "draft-returned"),
                     ("ivanova", "answers-changed"), ("petrov", "draft-accepted"),
                     ("petrov", "status-moved")]:
        assert expected in trail, expected
    assert sum(1 for row in trail if row == ("petrov", "status-moved")) == len(steps)

    # The register's lists and exports, scoped.
    assert agreement in lawyer.get("/register").text
    assert f'href="/register/{agreement}"' not in other.get("/register").text
    for kind in ("xlsx", "docx", "csv", "ics"):
        exported = lawyer.get(f"/register?format={kind}")
        assert exported.status_code == 200 and exported.content, kind
    assert lawyer.get("/register/due").status_code == 200
    package = clerk.get(f"/register/{agreement}/package.zip")
    assert package.content[:2] == b"PK", re.findall(r"<li>.*?</li>", package.text)[:5]


HOSTILE = '<script>alert(1)</script>=HYPERLINK("http://x")<img src=x onerror=alert(2)>'


def test_hostile_comments_notes_and_file_names_are_escaped_everywhere(app):
    """Stored XSS through a review comment, a step's note and number, an uploaded file's
    name: escaped on every page; no cell of an export starts as a formula."""
    import csv
    import io
    import zipfile

    app, _accounts = app
    clerk, lawyer = login(app, "ivanova"), login(app, "petrov")
    text = SAMPLE.read_text("utf-8")
    review, draft = _sent_for_review(clerk, text, HOSTILE + ".yaml")
    page = lawyer.get(review).text
    lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "revision": _revision(page),
        "question": "", "comment": HOSTILE, "action": "comment"})
    page = lawyer.get(review).text
    lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "revision": _revision(page),
        "action": "accept"})
    agreement = re.search(r'href="/register/(\d+)"', lawyer.get(review).text).group(1)
    lawyer.post(f"/register/{agreement}/move", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "status": "notice-sent",
        "on": "20.01.2027", "number": "=1+1", "note": HOSTILE})
    admin = login(app, "admin1")
    pages = [(clerk, "/"), (clerk, review), (lawyer, review), (clerk, f"/register/{agreement}"),
             (lawyer, "/register"), (admin, "/audit"), (clerk, f"/draft/{draft}/page/agreement")]
    for who, address in pages:
        shown = who.get(address).text
        assert "<script>alert" not in shown and "<img src=x" not in shown, address
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in lawyer.get(review).text
    for kind in ("csv",):
        exported = lawyer.get(f"/register?format={kind}").content.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(exported), delimiter=";"):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    audit = admin.get("/audit?format=csv").text.lstrip("\ufeff")
    for row in csv.reader(io.StringIO(audit)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    xlsx = lawyer.get("/register?format=xlsx").content
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet   # no cell is a formula


@pytest.mark.parametrize("address", ["/register/..%2F1", "/register/1.0", "/register/-1",
                                     "/register/99999999999", "/register/1/package.zip/..",
                                     "/register/abc/package.zip"])
def test_register_addresses_that_are_not_an_agreement_are_not_found(app, address):
    app, _accounts = app
    assert login(app, "petrov").get(address).status_code == 404


def test_a_plan_of_joint_events_is_built_for_an_agreement_of_the_register(app):
    import io
    import zipfile

    app, _accounts = app
    clerk, lawyer = login(app, "ivanova"), login(app, "petrov")
    root = SAMPLE.parent.parent
    review, draft = _sent_for_review(clerk, SAMPLE.read_text("utf-8"))
    lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"),
        "revision": _revision(lawyer.get(review).text), "action": "accept"})
    agreement = re.search(r'href="/register/(\d+)"', lawyer.get(review).text).group(1)
    plan = (root / "samples" / "plans" / "pavlodar-2027-2028.yaml").read_bytes()
    built = clerk.post(f"/register/{agreement}/plan",
                       data={"csrf_token": clerk.cookies.get("xbdocs_csrf")},
                       files={"plan": ("plan.yaml", plan, "text/yaml")})
    assert built.status_code == 200, built.text[-2000:]
    names = zipfile.ZipFile(io.BytesIO(built.content)).namelist()
    assert any(name.endswith(".docx") for name in names)
    broken = clerk.post(f"/register/{agreement}/plan",
                        data={"csrf_token": clerk.cookies.get("xbdocs_csrf")},
                        files={"plan": ("broken.yaml", b"events: [\n", "text/yaml")})
    assert broken.status_code == 422 and "broken.yaml" in broken.text
    assert 'role="alert"' in broken.text


def test_a_lawyer_comments_on_a_clause_of_a_document(app):

    app, _accounts = app
    clerk, lawyer = login(app, "ivanova"), login(app, "petrov")
    text = SAMPLE.read_text("utf-8")
    review, draft = _sent_for_review(clerk, text)
    page = lawyer.get(review).text
    assert 'value="c:agreement.ru.docx#subject.main"' in page
    lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "revision": _revision(page),
        "about": "c:agreement.ru.docx#subject.main", "comment": "Уточните предмет.",
        "action": "return"})
    shown = clerk.get(review).text
    assert "agreement.ru.docx, subject.main" in shown and "Уточните предмет." in shown
    preview = clerk.get(f"/preview/{draft}").text
    assert re.search(r'agreement\.ru\.docx\)</span></h2>\s*<aside class="comment">.*'
                     r'Уточните предмет\.', preview, re.S)
    bad = lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "revision": _revision(
            lawyer.get(review).text), "about": "c:../../etc/passwd", "comment": "x"})
    assert bad.status_code == 400


def test_an_acceptance_renders_only_what_this_worker_has_not_checked(app, tmp_path,
                                                                      monkeypatch):
    """The lawyer accepts what the review page just showed as building: that worker's kept
    review says so and the package is not rendered again; another worker (a fresh app over
    the same register and drafts: its memo empty) renders it before accepting."""
    import xbdocs
    from xbdocs.web.app import create_app

    app, accounts = app
    clerk, lawyer = login(app, "ivanova"), login(app, "petrov")
    text = SAMPLE.read_text("utf-8")
    renders = []
    real = xbdocs.render_package
    monkeypatch.setattr(xbdocs, "render_package",
                        lambda *a, **k: renders.append(k.get("stage")) or real(*a, **k))
    other_worker = login(create_app(tmp_path / "data", today=dt.date(2027, 6, 1),
                                    accounts=accounts, server_names=("xbdocs.example.ru",)),
                         "petrov")
    for number, accepting in enumerate((lawyer, other_worker)):
        changed = text.replace("Петрова", "Петрова" if number == 0 else "Петренко")
        review, draft = _sent_for_review(clerk, changed)
        page = lawyer.get(review).text     # the review, kept by the first worker
        renders.clear()
        accepting.post(f"/draft/{draft}/verdict", data={
            "csrf_token": accepting.cookies.get("xbdocs_csrf"), "revision": _revision(page),
            "action": "accept"}, follow_redirects=False)
        assert renders == ([] if number == 0 else ["approval"])
        assert re.search(r'href="/register/(\d+)"', lawyer.get(review).text)


def test_only_a_draft_sent_for_review_is_accepted_and_from_its_current_revision(app):
    """A verdict needs the draft sent for review (the page shows the buttons only then; a
    crafted request is refused), and an acceptance from a page older than the draft is
    refused before anything reaches the register — nothing recorded for answers the clerk
    has changed since."""
    app, accounts = app
    clerk, lawyer = login(app, "ivanova"), login(app, "petrov")
    text = SAMPLE.read_text("utf-8")
    review, draft = _uploaded(clerk, text)
    for action in ("accept", "return"):
        unsent = lawyer.post(f"/draft/{draft}/verdict", data={
            "csrf_token": lawyer.cookies.get("xbdocs_csrf"),
            "revision": _revision(lawyer.get(review).text), "action": action})
        assert unsent.status_code == 409, action
        assert "не отправлен на проверку" in unsent.text or "not sent for review" in unsent.text
    assert accounts.register.all() == []
    review, draft = _sent_for_review(clerk, text.replace("Петрова", "Петренко"))
    stale = _revision(lawyer.get(review).text)
    commented = lawyer.post(f"/draft/{draft}/verdict", data={   # still sent for review
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "revision": stale,
        "comment": "Проверьте должность.", "action": "comment"})
    assert commented.status_code == 200
    refused = lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"), "revision": stale,
        "action": "accept"})
    assert refused.status_code == 409 and "в другой вкладке" in refused.text
    assert accounts.register.all() == []
    accepted = lawyer.post(f"/draft/{draft}/verdict", data={
        "csrf_token": lawyer.cookies.get("xbdocs_csrf"),
        "revision": _revision(lawyer.get(review).text), "action": "accept"})
    assert accepted.status_code == 200 and len(accounts.register.all()) == 1
