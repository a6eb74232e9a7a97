"""The department server (``xbdocs serve --accounts``) in a real browser (Debian's chromium
through Playwright), as issue 22 tells its story: a clerk logs in through the form, answers
an agreement by keyboard and sends it to the lawyer; the lawyer, in another browser,
comments on a question and returns it; the clerk sees the comment beside the question and
sends it again; the lawyer accepts it and records the next step in the register; the
administrator opens the audit trail, the department's facts, the register and what falls due.

On every page reached — the login page and its error, the start page, the interview's pages,
the review with the workflow panel as the clerk and as the lawyer see it, the register, an
agreement of it, what falls due, the audit trail, the facts and the 403 a lawyer gets there —
axe-core's WCAG 2.1 A/AA rules find nothing (in Russian; the login page and the register in
Kazakh too), and at 640 px (200 % zoom) the page does not scroll sideways (a table may
scroll inside its own ``.table-scroll`` region).

Screenshots (desktop and 640 px) go to XBDOCS_SERVER_SHOTS (default /tmp/server-shots).
Skipped without chromium or Playwright, unless XBDOCS_REQUIRE_BROWSER=1."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_web_browser import (
    AXE,
    AXE_TAGS,
    CHROMIUM,
    Tab,
    _answer_by_keyboard,
    _draft_id,
    _new_by_keyboard,
    _playwright,
    _real,
)
from tests.web_forms import UGLOVSKY
from xbdocs.registry.accounts import Accounts
from xbdocs.registry.store import open_register
from xbdocs.web import serve as web_serve

PASSWORD = "correct horse battery"
TODAY = dt.date(2027, 6, 1)
SHOTS = Path(os.environ.get("XBDOCS_SERVER_SHOTS") or "/tmp/server-shots")
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 640, "height": 900}  # what 200 % zoom makes of a 1280 px window


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def department(tmp_path_factory):
    """``xbdocs serve --accounts`` on a free loopback port in a thread, with an SQLite
    register: an administrator, a clerk of the Угловский district, a lawyer of the krai."""
    import uvicorn

    from xbdocs.web.app import create_app

    root = tmp_path_factory.mktemp("department")
    accounts = Accounts(open_register(str(root / "register.sqlite3")))
    accounts.add("admin1", "admin", password=PASSWORD, by="setup")
    accounts.add("ivanova", "clerk", password=PASSWORD,
                 municipalities=["altai-uglovsky-district"], by="admin1")
    accounts.add("petrov", "lawyer", password=PASSWORD, region="altai-krai", by="admin1")
    port = web_serve.choose_port("127.0.0.1", 8450)
    app = create_app(root / "data", today=TODAY, accounts=accounts,
                     server_names=("127.0.0.1",))
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                            log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _attempt in range(100):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


class Checked:
    """What axe and the 640 px check found on the pages, all reported at the end."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.pages: list[str] = []

    def page(self, tab: Tab, what: str, lang: str = "ru") -> None:
        """The page as it is: its language, axe's violations, a desktop screenshot, then
        at 640 px no sideways scrolling and a screenshot; the viewport back after."""
        page = tab.page
        tab.settle()
        self.pages.append(what)
        name = what.replace(" ", "-").replace("/", "-").replace("'", "")
        assert page.get_attribute("html", "lang") == lang, what
        for violation in _axe(tab):
            self.problems.append(
                f"axe on {what} ({page.url}): {violation['id']}: {violation['help']} at "
                f"{violation['targets']}\n  {violation['summary']}")
        _shot(tab, f"{name}-1280")
        page.set_viewport_size(NARROW)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                        && !e.closest('.table-scroll'))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                                  + (e.className ? '.' + e.className : ''))""")
            self.problems.append(f"{what} scrolls sideways at 640 px: {widths} {wide}")
        _shot(tab, f"{name}-640")
        page.set_viewport_size(DESKTOP)

    def none(self) -> None:
        print(f"checked {len(self.pages)} pages: {', '.join(self.pages)}")
        assert self.problems == [], "\n".join(self.problems)


def _axe(tab: Tab) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is."""
    page = tab.page
    if not page.evaluate("typeof axe === 'object'"):
        page.evaluate(AXE.read_text("utf-8") + "\n;0")  # CDP, not a <script> (the CSP)
    passed, violations = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return [result.passes.length, result.violations.map(v => ({
            id: v.id, help: v.help,
            targets: v.nodes.map(n => n.target.join(' ')).slice(0, 6),
            summary: v.nodes.length ? v.nodes[0].failureSummary : ''}))];
    }""", AXE_TAGS)
    assert passed > 5, f"axe checked next to nothing on {page.url}"
    for violation in violations:
        print(f"axe: {page.url}: {violation['id']}: {violation['help']} at "
              f"{violation['targets']}")
    return violations


def _shot(tab: Tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret injects a <style>, which the CSP refuses.
    tab.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def _person(browser: Any, base: str) -> Tab:
    """A browser of its own (its own cookies): one person's."""
    return Tab(browser.new_context(viewport=DESKTOP, locale="ru-RU").new_page(), base)


def _login(tab: Tab, username: str, password: str = PASSWORD) -> None:
    """The login form: the name and password typed, Enter pressed."""
    page = tab.page
    if "/login" not in page.url:
        tab.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.press("#password", "Enter")
    tab.settle()


def _open(tab: Tab, address: str) -> None:
    tab.goto(address)
    assert tab.page.locator("h1").count() == 1, tab.page.url


def _press(tab: Tab, selector: str) -> Any:
    """A button of a boosted form pressed from the keyboard; its POST's response."""
    response = tab.submit(selector)
    assert response.status in (200, 303), (selector, response.status)
    return response


def test_the_department_servers_story_in_chromium(browser, department):
    checked = Checked()
    base = department

    # The clerk: the login page, a wrong password, then the right one.
    clerk = _person(browser, base)
    clerk.goto("/")
    assert "/login" in clerk.page.url
    checked.page(clerk, "login")
    clerk.page.fill("#username", "ivanova")
    clerk.page.fill("#password", "not the password")
    with clerk.page.expect_navigation():
        clerk.page.press("#password", "Enter")
    assert clerk.page.locator("#error-summary[role=alert]").count() == 1
    assert clerk.page.input_value("#username") == "ivanova"
    checked.page(clerk, "login error")
    _login(clerk, "ivanova")
    assert "/login" not in clerk.page.url
    assert "ivanova" in clerk.page.inner_text("header .account")
    checked.page(clerk, "start")

    # A new agreement answered by keyboard, each page checked as it is first shown.
    _new_by_keyboard(clerk)
    draft = _draft_id(clerk)
    seen: list[str] = []
    for _round in range(30):
        path = clerk.page.evaluate("location.pathname")
        if path.startswith("/review/"):
            break
        section = path.rsplit("/", 1)[1]
        if section not in seen:
            seen.append(section)
            checked.page(clerk, f"interview {section}")
        _answer_by_keyboard(clerk, UGLOVSKY)
        _press(clerk, 'button[value="next"]')
    else:
        raise AssertionError(f"the interview did not end: {seen}")
    assert seen[:4] == ["agreement", "russian", "kazakh", "signatories"]
    submit = f"form[action='/draft/{draft}/submit'] button"
    assert clerk.page.inner_text(submit) == "Отправить юристу на проверку"
    checked.page(clerk, "review clerk")
    _press(clerk, submit)                                   # «Отправить юристу на проверку»
    assert clerk.page.url.endswith(f"/review/{draft}")
    assert clerk.page.locator(submit).count() == 0          # sent: nothing to send now
    assert "отправлен на проверку" in clerk.page.inner_text("section.workflow")
    checked.page(clerk, "review clerk sent")

    # The lawyer, in a browser of his own: a comment on a question, and the draft returned.
    lawyer = _person(browser, base)
    lawyer.goto(f"/review/{draft}")
    _login(lawyer, "petrov")
    assert lawyer.page.url.endswith(f"/review/{draft}")
    assert lawyer.page.locator("form.verdict").count() == 1
    checked.page(lawyer, "review lawyer")
    lawyer.page.select_option("#comment-question", "q:russian-post-ru")
    lawyer.page.fill("#comment-text", "Укажите должность полностью.")
    back = 'form.verdict button[value="return"]'
    assert lawyer.page.inner_text(back).startswith("Вернуть специалисту")
    _press(lawyer, back)
    assert lawyer.page.locator("form.verdict").count() == 0  # returned: not his turn
    assert "возвращён с замечаниями" in lawyer.page.inner_text("section.workflow")
    assert "Укажите должность полностью." in lawyer.page.inner_text("ul.comments")
    checked.page(lawyer, "review lawyer returned")
    _open(lawyer, "/facts")                                 # not a lawyer's page
    assert "/facts" in lawyer.page.url
    checked.page(lawyer, "facts forbidden to a lawyer")

    # The clerk sees the comment beside the question, and sends the draft again.
    _open(clerk, f"/draft/{draft}/page/signatories")
    comment = clerk.page.locator("aside.comment")
    assert comment.count() == 1
    assert "Укажите должность полностью." in comment.inner_text()
    checked.page(clerk, "interview signatories with a comment")
    _open(clerk, f"/review/{draft}")
    checked.page(clerk, "review clerk returned")
    _press(clerk, submit)

    # The lawyer accepts it; the agreement's page in the register; a step recorded.
    _open(lawyer, f"/review/{draft}")
    accept = 'form.verdict button[value="accept"]'
    assert lawyer.page.locator(accept).count() == 1
    _press(lawyer, accept)
    link = lawyer.page.locator("section.workflow a[href^='/register/']")
    assert link.count() == 1
    agreement = link.get_attribute("href")
    checked.page(lawyer, "review lawyer accepted")
    _open(lawyer, agreement)
    checked.page(lawyer, "register agreement")
    lawyer.page.select_option("#m-status", label="направлено уведомление о переговорах")
    lawyer.page.fill("#m-on", "20.01.2027")
    lawyer.page.fill("#m-number", "01-15/54")
    _press(lawyer, f"form[action='{agreement}/move'] button")
    assert lawyer.page.url.endswith(agreement)
    history = lawyer.page.inner_text("ol.history")
    assert "20.01.2027" in history and "01-15/54" in history, history
    checked.page(lawyer, "register agreement moved")

    # The administrator: the audit trail, the facts, the register, what falls due.
    admin = _person(browser, base)
    admin.goto("/login?lang=kk")
    checked.page(admin, "login kk", "kk")
    admin.goto("/login?lang=ru")
    _login(admin, "admin1")
    for what, address in [("audit", "/audit"), ("facts", "/facts"),
                          ("register", "/register"), ("register due", "/register/due")]:
        _open(admin, address)
        assert admin.page.url.endswith(address), admin.page.url
        checked.page(admin, what)
    assert "draft-accepted" in admin.page.evaluate("fetch('/audit').then(r => r.text())")
    _open(admin, "/register?lang=kk")
    assert admin.page.locator(f"table a[href='{agreement}']").count() == 1
    checked.page(admin, "register kk", "kk")
    _open(admin, "/register?lang=ru")

    # The console: no error but the statuses of the pages asked for (401 of the wrong
    # password, 403 of the facts refused to a lawyer).
    assert [e for e in _real(clerk.errors + lawyer.errors + admin.errors)
            if "status of 401" not in e and "status of 403" not in e] == []
    checked.none()
