"""The department server (``xbdocs serve --accounts``) through FastAPI's TestClient on a
real register: logins, who sees what (a clerk of one district gets 404 for another
district's draft by every address), sessions, throttling, the audit trail and its export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient

from tests.web_forms import UGLOVSKY, filled
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.store import open_register
from xbdocs.web.app import create_app

PASSWORD = "correct horse battery"
BASE = "https://xbdocs.example.ru"


@pytest.fixture
def server(tmp_path):
    accounts = Accounts(open_register(str(tmp_path / "r.sqlite3")))
    accounts.add("admin1", "admin", password=PASSWORD, by="setup")
    accounts.add("ivanova", "clerk", password=PASSWORD,
                 municipalities=["altai-uglovsky-district"], by="admin1",
                 display_name='<script>alert("name")</script>Иванова')
    accounts.add("sidorova", "clerk", password=PASSWORD,
                 municipalities=["altai-rubtsovsky-district"], by="admin1")
    accounts.add("petrov", "lawyer", password=PASSWORD, region="altai-krai", by="admin1")
    app = create_app(tmp_path / "data", today=dt.date(2026, 11, 27), accounts=accounts,
                     server_names=("xbdocs.example.ru",), secure_cookies=True)
    return app, accounts


def _browser(app) -> TestClient:
    client = TestClient(app, base_url=BASE)
    client.get("/login")
    return client


def login(app, username: str, password: str = PASSWORD) -> TestClient:
    client = _browser(app)
    response = client.post("/login", data={"csrf_token": client.cookies.get("xbdocs_csrf"),
                                           "username": username, "password": password,
                                           "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def _draft_of(client: TestClient) -> str:
    """A draft of the Угловский district, answered as far as the parties."""
    response = client.post("/new", data={"csrf_token": client.cookies.get("xbdocs_csrf"),
                                         "stage": "agreement"}, follow_redirects=False)
    address = response.headers["location"]
    draft = address.split("/")[2]
    for section in ("agreement", "russian", "kazakh"):
        page = client.get(f"/draft/{draft}/page/{section}").text
        client.post(f"/draft/{draft}/page/{section}", data=filled(page, UGLOVSKY),
                    follow_redirects=False)
    return draft


def test_every_page_needs_a_login(server):
    app, _accounts = server
    client = _browser(app)
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/"
    page = client.get("/login").text
    assert re.search(r'name="username"[^>]*autocomplete="username"', page)
    assert re.search(r'name="password"[^>]*autocomplete="current-password"', page)
    assert client.post("/new", data={"csrf_token": client.cookies.get("xbdocs_csrf")},
                       follow_redirects=False).status_code == 401
    assert client.get("/static/style.css").status_code == 200


def test_a_login_sets_a_fresh_httponly_strict_secure_session(server):
    app, _accounts = server
    client = _browser(app)
    client.cookies.set("xbdocs_session", "attacker-chosen-value-0123456789abcdef")  # fixation
    response = client.post("/login", data={"csrf_token": client.cookies.get("xbdocs_csrf"),
                                           "username": "ivanova", "password": PASSWORD},
                           follow_redirects=False)
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("xbdocs_session="))
    assert "attacker-chosen" not in session
    assert "HttpOnly" in session and "SameSite=strict" in session and "Secure" in session
    assert any(c.startswith("xbdocs_csrf=") for c in cookies)   # a new CSRF token too


def test_a_wrong_password_is_told_in_russian_and_guessing_locks(server):
    app, _accounts = server
    client = _browser(app)
    for _attempt in range(5):
        response = client.post("/login", data={
            "csrf_token": client.cookies.get("xbdocs_csrf"), "username": "ivanova",
            "password": "guess"})
        assert response.status_code == 401
        assert 'role="alert"' in response.text
    locked = client.post("/login", data={"csrf_token": client.cookies.get("xbdocs_csrf"),
                                         "username": "ivanova", "password": PASSWORD})
    assert locked.status_code == 401
    assert "15" in locked.text


@pytest.mark.parametrize("address", [
    "/draft/{d}/page/russian", "/review/{d}", "/preview/{d}", "/download/{d}/package.zip",
    "/draft/{d}/live", "/draft/{d}/page/kazakh/part/kazakh-party"])
def test_a_clerk_of_another_district_gets_404_for_every_address(server, address):
    app, _accounts = server
    draft = _draft_of(login(app, "ivanova"))
    other = login(app, "sidorova")
    assert other.get(address.format(d=draft)).status_code == 404
    assert login(app, "petrov").get(address.format(d=draft)).status_code != 404   # lawyer
    assert login(app, "admin1").get(address.format(d=draft)).status_code != 404


def test_a_clerk_of_another_district_cannot_change_or_delete_it(server):
    app, _accounts = server
    owner = login(app, "ivanova")
    draft = _draft_of(owner)
    other = login(app, "sidorova")
    token = other.cookies.get("xbdocs_csrf")
    for address in (f"/draft/{draft}/page/agreement", f"/draft/{draft}/delete",
                    f"/draft/{draft}/page/agreement/field/track", f"/pdf/{draft}"):
        response = other.post(address, data={"csrf_token": token, "q-track": "regional",
                                             "revision": "1"}, follow_redirects=False)
        assert response.status_code == 404, address
    assert draft not in other.get("/").text
    assert draft in owner.get("/").text
    assert owner.get(f"/review/{draft}").status_code == 200


def test_a_disabled_user_is_logged_out_at_once(server):
    app, accounts = server
    client = login(app, "ivanova")
    assert client.get("/", follow_redirects=False).status_code == 200
    accounts.set_disabled("ivanova", True, by="admin1")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_logout_and_logout_everywhere(server):
    app, _accounts = server
    first, second = login(app, "ivanova"), login(app, "ivanova")
    first.post("/logout", data={"csrf_token": first.cookies.get("xbdocs_csrf")})
    assert first.get("/", follow_redirects=False).status_code == 303
    assert second.get("/", follow_redirects=False).status_code == 200
    third = login(app, "ivanova")
    third.post("/logout", data={"csrf_token": third.cookies.get("xbdocs_csrf"),
                                "everywhere": "1"})
    assert second.get("/", follow_redirects=False).status_code == 303


def test_a_form_without_the_csrf_token_is_refused(server):
    app, _accounts = server
    client = login(app, "ivanova")
    draft = _draft_of(client)
    response = client.post(f"/draft/{draft}/delete", data={}, follow_redirects=False)
    assert response.status_code == 403


def test_the_name_of_a_user_is_escaped(server):
    app, _accounts = server
    page = login(app, "ivanova").get("/").text
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page


def test_every_answer_changed_is_in_the_audit_with_who_where_old_and_new(server):
    app, accounts = server
    client = login(app, "ivanova")
    draft = _draft_of(client)
    page = client.get(f"/draft/{draft}/page/russian").text
    client.post(f"/draft/{draft}/page/russian",
                data=filled(page, {**UGLOVSKY, "russian-inn": "2279001236"}, go="save"))
    page = client.get(f"/draft/{draft}/page/russian").text
    client.post(f"/draft/{draft}/page/russian",
                data=filled(page, {**UGLOVSKY, "russian-inn": "=HYPERLINK(1)"}, go="save"))
    admin = next(p for p in accounts.users() if p.username == "admin1")
    rows = [r for r in accounts.audit(admin) if r.object_id == draft]
    actions = [r.action for r in rows]
    assert "draft-created" in actions and "answers-changed" in actions
    inn = next(r for r in rows if r.new and "parties.russian.inn" in r.new)
    assert inn.username == "ivanova" and inn.address and inn.municipality == \
        "altai-uglovsky-district"
    assert inn.new["parties.russian.inn"] == "2279001236"
    # The audit page: the admin sees it all; a clerk of another district sees none of it.
    assert draft in login(app, "admin1").get("/audit").text
    assert draft not in login(app, "sidorova").get("/audit").text
    exported = login(app, "admin1").get("/audit?format=csv")
    assert exported.headers["content-type"].startswith("text/csv")
    for row in csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_security_headers_and_no_store_on_documents(server):
    app, _accounts = server
    client = login(app, "ivanova")
    draft = _draft_of(client)
    page = client.get(f"/review/{draft}")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    live = client.get(f"/draft/{draft}/live")
    assert live.headers["cache-control"] == "no-store"


def test_an_unknown_host_is_refused(server):
    app, _accounts = server
    client = TestClient(app, base_url="https://evil.example.com")
    assert client.get("/login").status_code == 400


def test_a_directory_user_logs_in_through_openldap_and_gets_their_role(tmp_path,
                                                                         monkeypatch):
    """The login form against the real OpenLDAP of CI (.ci/slapd): a directory user is made
    on their first login with the role their groups give, and sees only their district."""
    import os

    from tests.test_directory import PEOPLE, RULES_YAML
    from xbdocs.web import serve as web_serve

    url = os.environ.get("XBDOCS_TEST_LDAP", "")
    if not url:
        if os.environ.get("XBDOCS_REQUIRE_LDAP"):
            pytest.fail("XBDOCS_REQUIRE_LDAP=1 but XBDOCS_TEST_LDAP is not set")
        pytest.skip("no LDAP server (XBDOCS_TEST_LDAP); .ci/slapd starts one")
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES_YAML, "utf-8")
    monkeypatch.setenv("XBDOCS_LDAP_URL", url)
    monkeypatch.setenv("XBDOCS_LDAP_USER_DN", f"uid={{username}},{PEOPLE}")
    monkeypatch.setenv("XBDOCS_LDAP_BASE", "dc=example,dc=org")
    accounts = Accounts(open_register(str(tmp_path / "r.sqlite3")))
    app = create_app(tmp_path / "data", today=dt.date(2026, 11, 27), accounts=accounts,
                     directory=web_serve.directory_check(rules))
    client = login(app, "ivanova", "ivanova-pass-1")
    assert "Иванова Мария Петровна" in client.get("/").text
    made = next(p for p in accounts.users() if p.username == "ivanova")
    assert made.role == "clerk" and made.municipalities == ("altai-uglovsky-district",)
    guess = _browser(app)
    wrong = guess.post("/login", data={"csrf_token": guess.cookies.get("xbdocs_csrf"),
                                       "username": "ivanova", "password": "nope"})
    assert wrong.status_code == 401
    nobody = _browser(app)
    refused = nobody.post("/login", data={"csrf_token": nobody.cookies.get("xbdocs_csrf"),
                                          "username": "sidorov",
                                          "password": "sidorov-pass-4"})
    assert refused.status_code == 401   # in the directory, but no group gives a role


def test_the_admin_keeps_the_users_in_the_browser(server):
    app, accounts = server
    assert login(app, "ivanova").get("/users").status_code == 403
    admin = login(app, "admin1")
    page = admin.get("/users").text
    assert "ivanova" in page and "&lt;script&gt;" in page   # the hostile display name
    token = admin.cookies.get("xbdocs_csrf")
    added = admin.post("/users", data={
        "csrf_token": token, "action": "add", "username": "kozlova", "role": "clerk",
        "municipality": ["altai-uglovsky-district", "altai-rubtsovsky-district"],
        "password": "another long password"}, follow_redirects=False)
    assert added.status_code == 303
    made = next(p for p in accounts.users() if p.username == "kozlova")
    assert made.municipalities == ("altai-uglovsky-district", "altai-rubtsovsky-district")
    assert login(app, "kozlova", "another long password").get("/").status_code == 200
    refused = admin.post("/users", data={"csrf_token": token, "action": "add",
                                         "username": "x y", "role": "clerk"})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    kozlova = login(app, "kozlova", "another long password")
    admin.post("/users", data={"csrf_token": token, "action": "disable",
                               "username": "kozlova"})
    assert kozlova.get("/", follow_redirects=False).status_code == 303   # logged out
    actions = [r.action for r in accounts.audit(accounts.users()[0])]
    assert "user-added" in actions and "user-disabled" in actions


def test_a_clerk_is_offered_and_may_choose_only_their_own_district(server):
    app, _accounts = server
    client = login(app, "ivanova")
    first = client.post("/new", data={"csrf_token": client.cookies.get("xbdocs_csrf"),
                                      "stage": "agreement"},
                        follow_redirects=False).headers["location"]
    draft = first.split("/")[2]
    client.post(first, data=filled(client.get(first).text, UGLOVSKY), follow_redirects=False)
    page = client.get(f"/draft/{draft}/page/russian").text
    offered = re.findall(r'name="q-russian-party" id="[^"]+" value="([^"-][^"]*)"', page)
    assert offered == ["altai-uglovsky-district"]
    other = client.post(f"/draft/{draft}/page/russian", data={
        **filled(page, UGLOVSKY), "q-russian-party": ["altai-rubtsovsky-district"]},
        follow_redirects=False)
    assert other.status_code == 422 and "Угловского" in other.text
