"""The browser door in a real browser (Debian's chromium through Playwright): the pages
work with HTMX loaded under the Content-Security-Policy, from upload to the preview; a
municipal interview answered by keyboard alone to the ZIP, with the focus visible on every
Tab; Back, an error summary, a server killed and started again, two tabs, the Kazakh pages,
the search in a party list; axe-core (tests/vendor/axe-core) on every page, in Russian and
in Kazakh and after HTMX's updates, with no WCAG 2.1 A/AA violation; and no sideways
scrolling at 640 px, which is what 200 % zoom makes of a 1280 px window.

Screenshots of the pages go to XBDOCS_SHOTS (default /tmp/browser-shots). Skipped without
chromium or Playwright, unless XBDOCS_REQUIRE_BROWSER=1 (as in CI), where that fails."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web_forms import UGLOVSKY, filled
from xbdocs.interview import flow
from xbdocs.web import serve as web_serve

REQUIRED = os.environ.get("XBDOCS_REQUIRE_BROWSER") == "1"
CHROMIUM = Path("/usr/lib/chromium/chromium")
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "altai-pavlodar-2012.yaml"


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRED:
            pytest.fail("XBDOCS_REQUIRE_BROWSER=1 but playwright is not installed")
        pytest.skip("playwright is not installed")
    if not CHROMIUM.exists():
        if REQUIRED:
            pytest.fail(f"XBDOCS_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip("chromium is not installed")
    return sync_playwright


@pytest.fixture
def server(tmp_path):
    """uvicorn on a free loopback port in a thread, as ``xbdocs serve`` runs it."""
    import uvicorn

    from xbdocs.web.app import create_app

    port = web_serve.choose_port("127.0.0.1", 8100)
    app = create_app(tmp_path / "data", today=dt.date(2012, 9, 1), port=port)
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


def test_upload_review_preview_in_chromium(server, tmp_path):
    sync_playwright = _playwright()
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/")
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.evaluate("typeof htmx") == "object"  # loaded under the CSP
        page.set_input_files("#answers", str(SAMPLE))
        page.select_option("#stage", "all")
        page.click("form[action='/upload'] button[type=submit]")
        page.wait_for_url("**/review/**")
        page.get_by_role("heading", level=1).wait_for()
        assert "Проверка" in page.locator("h1").inner_text()
        page.click("a.button")
        page.wait_for_url("**/preview/**")
        page.locator(".xb-parallel").first.wait_for()
        assert page.locator('.xb-column[lang="kk"]').count() > 0
        row = page.locator(".xb-parallel .xb-row").nth(3)
        left, right = row.locator(".xb-column").all()
        assert left.bounding_box()["y"] == right.bounding_box()["y"]  # side by side
        assert left.bounding_box()["x"] < right.bounding_box()["x"]
        page.screenshot(path=str(tmp_path / "preview.png"))
        if os.environ.get("XBDOCS_SCREENSHOT"):
            page.screenshot(path=os.environ["XBDOCS_SCREENSHOT"])
            page.locator(".xb-parallel .xb-row").nth(3).screenshot(
                path=os.environ["XBDOCS_SCREENSHOT"].replace(".png", "-parallel.png"))
        browser.close()
    assert [e for e in errors if "Content Security Policy" in e] == []


# ---------------------------------------------------------------------------------------
# The interview in a real browser: by keyboard alone, Back, errors, a killed server, two
# tabs, the Kazakh pages, the search, axe-core on every page, and 200 % zoom.

TODAY = dt.date(2026, 11, 27)
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = Path(os.environ.get("XBDOCS_SHOTS") or "/tmp/browser-shots")
#: Every element that is busy with an HTMX request, swap or settle.
BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One server for the module's tests, dated as the interview tests are."""
    import uvicorn

    from xbdocs.web.app import create_app

    port = web_serve.choose_port("127.0.0.1", 8150)
    app = create_app(tmp_path_factory.mktemp("site") / "data", today=TODAY, port=port)
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


class Tab:
    """A browser page with what a test needs: the console's errors, the focus outlines seen
    while tabbing, and the waits for HTMX."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.focus_seen: list[dict[str, Any]] = []
        page.on("console", lambda m: self.errors.append(
            f"{m.text} at {m.location.get('url')}") if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def goto(self, address: str) -> None:
        self.page.goto(self.base + address if address.startswith("/") else address)
        self.settle()

    def settle(self) -> None:
        """Until HTMX has no request in flight and nothing being swapped or settled."""
        self.page.wait_for_function(f"() => !document.querySelector({BUSY!r})")

    def focused(self) -> dict[str, Any]:
        return self.page.evaluate("""() => {
            const e = document.activeElement;
            if (!e || e === document.body) return {tag: 'body'};
            const style = getComputedStyle(e);
            return {tag: e.tagName.toLowerCase(), name: e.getAttribute('name') || '',
                    type: e.getAttribute('type') || '', value: e.value ?? '',
                    checked: !!e.checked, id: e.id,
                    text: (e.innerText || e.value || '').trim().slice(0, 60),
                    outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }""")

    def press(self, key: str) -> dict[str, Any]:
        """A key; after Tab, the focused element's outline is noted."""
        self.page.keyboard.press(key)
        now = self.focused()
        if key in ("Tab", "Shift+Tab") and now["tag"] != "body":
            self.focus_seen.append(now)
        return now

    def tab_to(self, selector: str, limit: int = 120) -> dict[str, Any]:
        """Tab (or Shift+Tab, when it is above the focus) until ``selector`` has the focus."""
        for _step in range(limit):
            where = self.page.evaluate("""(sel) => {
                const e = document.activeElement;
                if (e && e !== document.body && e.matches(sel)) return 'here';
                const target = document.querySelector(sel);
                if (!target) return 'missing';
                if (!e || e === document.body) return 'after';
                return e.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING
                    ? 'before' : 'after';
            }""", selector)
            if where == "here":
                return self.focused()
            assert where != "missing", selector
            self.press("Shift+Tab" if where == "before" else "Tab")
        raise AssertionError(f"Tab never reached {selector}; at {self.focused()}")

    def saving(self, key: str) -> None:
        """A key that changes a field: its save by HTMX and the swap after it."""
        with self.page.expect_response(lambda r: r.request.method == "POST"
                                       and "/field/" in r.url) as saved:
            self.page.keyboard.press(key)
        assert saved.value.status == 200, saved.value.text()
        self.settle()

    def submit(self, selector: str, key: str = "Enter") -> Any:
        """A button pressed from the keyboard; the POST's response, after the new page (or
        the same one again) is in place."""
        self.tab_to(selector)
        self.page.evaluate("() => document.querySelector('h1').dataset.old = 'yes'")
        with self.page.expect_response(lambda r: r.request.method == "POST"
                                       and "/field/" not in r.url) as posted:
            self.page.keyboard.press(key)
        self.page.wait_for_function("() => !document.querySelector('h1[data-old]')")
        self.settle()
        return posted.value

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret injects a <style>, which the CSP refuses.
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True,
                             caret="initial")

    def axe(self, what: str) -> None:
        """axe-core's WCAG 2.1 A and AA rules on the page as it is: no violation."""
        if not self.page.evaluate("typeof axe === 'object'"):
            self.page.evaluate(AXE.read_text("utf-8") + "\n;0")  # CDP, not a <script>
        passed, violations = self.page.evaluate("""async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return [result.passes.length, result.violations.map(v => ({
                id: v.id, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')).slice(0, 6),
                summary: v.nodes.length ? v.nodes[0].failureSummary : ''}))];
        }""", AXE_TAGS)
        assert passed > 10, f"axe checked next to nothing on {what}"
        assert violations == [], f"axe on {what} ({self.page.url}):\n" + "\n".join(
            f"- {v['id']}: {v['help']} at {v['targets']}\n  {v['summary']}"
            for v in violations)

    def fits(self, what: str) -> None:
        """No horizontal scrolling."""
        widths = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{what} scrolls sideways: {widths} ({self.page.url})"


def _tab(browser: Any, base: str, **options: Any) -> Tab:
    return Tab(browser.new_context(**options).new_page(), base)


def _answer_by_keyboard(tab: Tab, answers: dict[str, Any]) -> None:
    """Every field of the page that ``answers`` names, reached by Tab and answered by
    typing, Space and the arrow keys; fields that appear meanwhile too."""
    done: set[str] = set()
    while True:
        names = tab.page.eval_on_selector_all(
            "#page-form [name^='q-']:not([type=hidden])",
            "els => [...new Set(els.map(e => e.name))]")
        todo = [n for n in names if n[2:] in answers and n not in done]
        if not todo:
            return
        done.add(todo[0])
        _answer_field(tab, todo[0], answers[todo[0][2:]])


def _answer_field(tab: Tab, name: str, wanted: Any) -> None:
    page = tab.page
    kind = page.get_attribute(f'[name="{name}"]', "type") or "textarea"
    if kind == "checkbox":
        for box in page.query_selector_all(f'input[name="{name}"]'):
            box_id = box.get_attribute("id")
            now = tab.tab_to(f"#{box_id}")
            if now["checked"] != (now["value"] in wanted):
                tab.saving("Space")
        return
    if kind == "radio":
        finder = page.query_selector(f"#find-{name[2:]}")
        if finder is not None and not page.is_checked(f'input[name="{name}"][value="{wanted}"]'):
            labels = [label.lower() for label in page.locator(
                f'label:has(> input[name="{name}"])').all_inner_texts()]
            label = page.inner_text(f'label:has(> input[name="{name}"][value="{wanted}"])')
            # The word of its name that the fewest other names have, as a clerk types it.
            word = min((w.lower()[:6] for w in label.split() if len(w) > 3),
                       key=lambda w: sum(w in other for other in labels))
            tab.tab_to(f"#find-{name[2:]}")
            with page.expect_response(lambda r: "/part/" in r.url):
                page.keyboard.type(word)
            tab.settle()
        now = tab.tab_to(f'input[name="{name}"]')
        for _step in range(80):
            if now.get("name") != name:  # the form replaced (a conflict): focus elsewhere
                return
            if now["value"] == wanted:
                if not now["checked"]:
                    tab.saving("Space")
                return
            order = page.eval_on_selector_all(f'input[name="{name}"]',
                                              "els => els.map(e => e.value)")
            assert wanted in order, f"{name}: no choice {wanted} in {order}"
            tab.saving("ArrowDown" if order.index(wanted) > order.index(now["value"])
                       else "ArrowUp")
            now = tab.focused()
        raise AssertionError(f"{name}: no choice {wanted}")
    text = "\n".join(wanted) if isinstance(wanted, list) else str(wanted)
    now = tab.tab_to(f'[name="{name}"]')
    if now["value"].strip() == text:
        return
    page.keyboard.press("Control+A")
    page.keyboard.type(text)  # a textarea's lines: "\n" is Enter
    tab.saving("Tab")


def _interview_by_keyboard(tab: Tab, answers: dict[str, Any],
                           shots: str | None = None) -> list[str]:
    """From the page shown to the review, page after page: answered by keyboard, then
    Далее pressed with Enter. The pages' ids, in order."""
    seen: list[str] = []
    for _round in range(30):
        path = tab.page.evaluate("location.pathname")
        if path.startswith("/review/"):
            return seen
        section = path.rsplit("/", 1)[1]
        if not seen or seen[-1] != section:
            seen.append(section)
            if shots:
                tab.shot(f"{shots}-{section}")
        _answer_by_keyboard(tab, answers)
        response = tab.submit('button[value="next"]')
        assert response.status in (200, 303), (
            section, tab.page.inner_text("#page-form .alert") if tab.page.query_selector(
                "#page-form .alert") else response.status)
    raise AssertionError(f"the interview did not end: {seen}")


def _new_by_keyboard(tab: Tab, lang: str = "ru") -> None:
    """The start page, «Начать новое соглашение» with the approval stage, all by keyboard."""
    tab.goto(f"/?lang={lang}")
    now = tab.tab_to("#new-stage")
    assert now["value"] == "approval"
    if lang == "ru":
        assert tab.page.evaluate("document.activeElement.selectedOptions[0].text") == (
            "соглашение и документы для согласования")
    tab.submit("form[action='/new'] button")
    assert "/page/agreement" in tab.page.url


def _draft_id(tab: Tab) -> str:
    return tab.page.evaluate("location.pathname").split("/")[2]


def test_a_municipal_interview_by_keyboard_to_the_zip(browser, site):
    """Угловский–Бородулиха with its approval paperwork, every answer given by keyboard:
    Tab, typing, Space and the arrows, Enter on the buttons and the ZIP's link; every
    element Tab reaches shows its focus."""
    tab = _tab(browser, site)
    _new_by_keyboard(tab)
    seen = _interview_by_keyboard(tab, UGLOVSKY, shots="keyboard")
    assert seen[:4] == ["agreement", "russian", "kazakh", "signatories"]
    assert "Проверка" in tab.page.inner_text("h1")
    assert tab.page.query_selector(".findings .error") is None
    assert "Петрова Елена Викторовна" in tab.page.inner_text("main")
    tab.shot("keyboard-review")
    tab.tab_to("a.button")
    tab.page.evaluate("() => document.querySelector('h1').dataset.old = 'yes'")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_function("() => !document.querySelector('h1[data-old]')")
    assert "/preview/" in tab.page.url
    tab.shot("keyboard-preview")
    tab.tab_to("a[href*='package.zip']")
    with tab.page.expect_download() as download:
        tab.page.keyboard.press("Enter")
    archive = zipfile.ZipFile(download.value.path())
    agreement = zipfile.ZipFile(io.BytesIO(archive.read("agreement.ru.docx")))
    assert "Петровой Елены Викторовны" in agreement.read("word/document.xml").decode("utf-8")
    unseen = [f for f in tab.focus_seen if f["outline"] == "none" or f["width"] < 1]
    assert len(tab.focus_seen) > 50 and unseen == [], unseen[:5]
    assert _real(tab.errors) == []


def test_back_keeps_answers_and_an_error_is_shown_then_fixed(browser, site):
    tab = _tab(browser, site)
    _new_by_keyboard(tab)
    _answer_by_keyboard(tab, UGLOVSKY)
    tab.submit('button[value="next"]')
    _answer_by_keyboard(tab, UGLOVSKY)          # the Russian party, INN, OGRN …
    tab.submit('button[value="back"]')
    assert tab.page.url.endswith("/page/agreement")
    assert tab.page.is_checked('input[name="q-track"][value="municipal"]')
    tab.submit('button[value="next"]')
    assert tab.page.url.endswith("/page/russian")
    assert tab.page.is_checked('input[name="q-russian-party"]'
                               '[value="altai-uglovsky-district"]')
    assert tab.page.input_value("#q-russian-inn") == UGLOVSKY["russian-inn"]
    # A required answer emptied: the summary, focused, links to the field.
    _interview_by_keyboard_until(tab, "signatories")
    _answer_by_keyboard(tab, UGLOVSKY)
    tab.tab_to("#q-russian-post-ru")
    tab.page.keyboard.press("Control+A")
    tab.page.keyboard.press("Delete")
    tab.saving("Tab")                            # refused: the status says why
    assert tab.page.inner_text("#status") == (
        "Должность подписанта — по-русски: здесь нужен ответ")
    assert tab.page.get_attribute("#status", "role") == "status"
    response = tab.submit('button[value="next"]')
    assert response.status == 422
    assert tab.page.url.endswith("/page/signatories")
    summary = tab.page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert tab.page.evaluate("document.activeElement.id") == "error-summary"
    assert "здесь нужен ответ" in summary.inner_text()
    assert "здесь нужен ответ" in tab.page.inner_text("#e-russian-post-ru")
    assert tab.page.get_attribute("#q-russian-post-ru", "aria-invalid") == "true"
    tab.shot("error-summary")
    tab.axe("the page with an error")
    assert summary.locator('a[href="#q-russian-post-ru"]').count() == 1
    tab.tab_to('#error-summary a[href="#q-russian-post-ru"]')
    tab.page.keyboard.press("Enter")             # the link takes the focus to the field
    assert tab.page.evaluate("document.activeElement.id") == "q-russian-post-ru"
    tab.page.keyboard.type(UGLOVSKY["russian-post-ru"])
    tab.saving("Tab")
    assert tab.page.query_selector("#e-russian-post-ru") is None
    assert tab.page.inner_text("#status") == "Черновик сохранён."
    tab.submit('button[value="next"]')
    assert tab.page.url.endswith("/page/areas")
    assert _real(tab.errors) == []


def _serve(data: Path, port: int) -> tuple[subprocess.Popen, str]:
    """``xbdocs serve`` as the clerk starts it; the process and its address."""
    env = {**os.environ, "XBDOCS_DATA_DIR": str(data), "XBDOCS_TODAY": TODAY.isoformat(),
           "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "xbdocs", "serve", "--no-browser",
                                "--port", str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    ready, _w, _x = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    found = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not found:
        process.kill()
        raise AssertionError(f"xbdocs serve said {line!r}, then {process.communicate()[0]!r}")
    address = found.group(0)
    for _attempt in range(200):
        try:
            if httpx.get(address + "/", timeout=1).status_code == 200:
                return process, address
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError(f"xbdocs serve did not answer at {address}")


def test_a_killed_server_restarted_continues_the_draft(browser, tmp_path):
    data = tmp_path / "data"
    port = web_serve.choose_port("127.0.0.1", 8350)
    process, address = _serve(data, port)
    try:
        tab = _tab(browser, address)
        _new_by_keyboard(tab)
        _answer_by_keyboard(tab, UGLOVSKY)
        tab.submit('button[value="next"]')
        _answer_by_keyboard(tab, {k: v for k, v in UGLOVSKY.items()
                                  if k != "russian-email"})
        tab.tab_to("#q-russian-email")
        tab.page.keyboard.type("adm@uglovsky.example.ru")
        tab.saving("Tab")                       # saved by HTMX: nothing pressed after it
        draft = _draft_id(tab)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        process.stdout.close()
    process, address = _serve(data, port)
    try:
        tab = _tab(browser, address)
        tab.goto("/")
        assert tab.page.locator(f'.drafts a[href="/review/{draft}"]').count() == 1
        tab.tab_to(f'.drafts a[href="/review/{draft}"]')
        tab.page.keyboard.press("Enter")
        tab.page.wait_for_url(f"**/review/{draft}")
        tab.settle()
        assert "adm@uglovsky.example.ru" in tab.page.inner_text("main")
        tab.tab_to(f'a[href^="/draft/{draft}/page/russian"][href$="#q-russian-email"]')
        tab.page.keyboard.press("Enter")        # «Изменить» beside the e-mail
        tab.page.wait_for_url("**/page/russian?return=review*")
        tab.settle()
        assert tab.page.input_value("#q-russian-email") == "adm@uglovsky.example.ru"
        assert tab.page.input_value("#q-russian-ogrn") == UGLOVSKY["russian-ogrn"]
        assert tab.page.is_checked('input[name="q-russian-party"]'
                                   '[value="altai-uglovsky-district"]')
        tab.page.goto(address + f"/draft/{draft}/page/agreement")
        assert tab.page.is_checked('input[name="q-track"][value="municipal"]')
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


def test_two_tabs_the_later_is_told_and_shown_the_newer_answers(browser, site):
    context = browser.new_context()
    one, two = Tab(context.new_page(), site), Tab(context.new_page(), site)
    _new_by_keyboard(one)
    two.goto(one.page.url)
    _answer_field(one, "q-track", "regional")   # saved by HTMX in the first tab
    assert one.page.input_value("#revision") == "2"
    two.page.select_option("#stage", "agreement")
    response = two.submit('button[value="next"]')
    assert response.status == 409
    assert "Черновик изменён в другой вкладке" in two.page.inner_text("main")
    assert two.page.is_checked('input[name="q-track"][value="regional"]')
    assert two.page.input_value("#revision") == "2"
    two.shot("two-tabs-conflict")
    two.axe("the page of a conflict")
    # A field saved by HTMX from a tab that is behind: the form again, with the newer
    # answers and the same words.
    three = Tab(context.new_page(), site)
    three.goto(one.page.url)
    assert three.page.is_checked('input[name="q-track"][value="regional"]')
    _answer_field(one, "q-track", "municipal")
    _answer_field(three, "q-track", "municipal")
    assert "Черновик изменён в другой вкладке" in three.page.inner_text("#page-form")
    assert three.page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    assert three.page.input_value("#revision") == one.page.input_value("#revision")
    assert _real(one.errors + two.errors + three.errors) == []


def test_the_kazakh_pages(browser, site):
    """?lang=kk: the start page, the interview's page, its buttons and its errors in
    Kazakh (the texts of xbdocs/locale/kk)."""
    tab = _tab(browser, site)
    tab.goto("/?lang=kk")
    page = tab.page
    assert page.get_attribute("html", "lang") == "kk"
    assert page.inner_text("h1") == (
        "Шекара маңы ынтымақтастығы туралы келісімнің құжаттар пакетін дайындау")
    assert page.inner_text("form[action='/new'] button") == "Жаңа келісімді бастау"
    _new_by_keyboard(tab, "kk")
    assert page.get_attribute("html", "lang") == "kk"
    assert page.inner_text("h1") == "Келісім және нені жасау керек"
    assert page.title() == "Келісім және нені жасау керек — xbdocs"
    assert page.inner_text(".progress") == "Қадам 1 / 8"
    assert page.inner_text("label[for=stage]") == "Нені жасау керек"
    buttons = page.locator("#page-form .buttons button").all_inner_texts()
    assert buttons == ["Сақтау", "Артқа", "Әрі қарай"]
    response = tab.submit('button[value="next"]')
    assert response.status == 422
    assert "мұнда жауап қажет" in page.inner_text("#error-summary")
    assert page.get_attribute("html", "lang") == "kk"
    tab.shot("kazakh-error")
    tab.axe("a Kazakh page with an error")


def test_the_search_narrows_the_kazakh_list_and_keeps_the_choice(browser, site):
    tab = _tab(browser, site)
    _new_by_keyboard(tab)
    _interview_by_keyboard_until(tab, "kazakh")
    _answer_field(tab, "q-kazakh-party", UGLOVSKY["kazakh-party"])
    before = tab.page.locator('input[name="q-kazakh-party"]').count()
    tab.tab_to("#find-kazakh-party")
    tab.page.keyboard.press("Control+A")
    with tab.page.expect_response(lambda r: "/part/kazakh-party" in r.url):
        tab.page.keyboard.type("акк")
    tab.settle()
    labels = tab.page.locator("#choices-kazakh-party label.choice").all_inner_texts()
    assert len(labels) < before
    assert any("Аккулинского" in label for label in labels), labels
    chosen = tab.page.locator(f'input[name="q-kazakh-party"][value="{UGLOVSKY["kazakh-party"]}"]')
    assert chosen.is_checked()
    tab.shot("search-akk")
    tab.axe("the list narrowed by a search")
    assert _real(tab.errors) == []


def _interview_by_keyboard_until(tab: Tab, section: str) -> None:
    for _round in range(10):
        if tab.page.url.endswith(f"/page/{section}"):
            return
        _answer_by_keyboard(tab, UGLOVSKY)
        tab.submit('button[value="next"]')
    raise AssertionError(f"never reached {section}")


def _answered(base: str, answers: dict[str, Any] = UGLOVSKY) -> str:
    """A draft answered through the forms without a browser (as tests/test_web_interview.py
    does): its id."""
    with httpx.Client(base_url=base) as client:
        client.get("/")
        token = client.cookies["xbdocs_csrf"]
        address = client.post("/new", data={"csrf_token": token, "stage": "approval"}
                              ).headers["location"]
        for _round in range(30):
            if address.startswith("/review/"):
                return address.split("/")[2]
            response = client.post(address, data=filled(client.get(address).text, answers))
            if response.status_code == 200:
                response = client.post(address, data=filled(response.text, answers))
            assert response.status_code == 303, response.text
            address = response.headers["location"]
    raise AssertionError("the interview did not end")


@pytest.fixture(scope="module")
def answered(site):
    return _answered(site)


def _addresses(draft: str) -> list[tuple[str, str]]:
    return [("start", "/"), *[(section.id, f"/draft/{draft}/page/{section.id}")
                              for section in flow.SECTIONS],
            ("review", f"/review/{draft}"), ("preview", f"/preview/{draft}"),
            ("no-such-draft", "/review/nosuchdraft0000000000")]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_axe_finds_nothing_on_any_page(browser, site, answered, tmp_path, lang):
    tab = _tab(browser, site)
    tab.goto(f"/?lang={lang}")
    for what, address in _addresses(answered):
        tab.goto(address)
        assert tab.page.get_attribute("html", "lang") == lang
        tab.shot(f"axe-{lang}-{what}")
        tab.axe(f"{what} ({lang})")
    # After an HTMX save: a field changed on the signatories' page, the previews redone.
    tab.goto(f"/draft/{answered}/page/signatories")
    _answer_field(tab, "q-russian-post-ru", "глава Угловского района Алтайского края")
    tab.axe(f"the signatories after a field's save ({lang})")
    # The start page with an upload refused.
    tab.goto("/")
    bad = tmp_path / "bad.yaml"
    bad.write_text("parties: [\n", encoding="utf-8")
    tab.page.set_input_files("#answers", str(bad))
    tab.submit("form[action='/upload'] button")
    assert tab.page.locator("#problems").count() == 1
    tab.shot(f"axe-{lang}-upload-error")
    tab.axe(f"the start page with an upload error ({lang})")
    # The PDFs' status page, in whatever state the conversion is.
    tab.goto(f"/preview/{answered}")
    tab.submit("form[action^='/pdf/'] button")
    assert "/pdf/" in tab.page.url
    tab.shot(f"axe-{lang}-pdf")
    tab.axe(f"the PDFs' page ({lang})")
    assert [e for e in tab.errors if "Content Security Policy" in e] == []


@pytest.mark.parametrize("width", [1280, 640])
def test_no_page_scrolls_sideways_at_200_percent(browser, site, answered, width):
    """640 px is what 200 % zoom makes of a 1280 px window."""
    tab = _tab(browser, site, viewport={"width": width, "height": 900})
    for what, address in _addresses(answered):
        tab.goto(address)
        tab.shot(f"zoom-{width}-{what}")
        tab.fits(what)


def _real(errors: list[str]) -> list[str]:
    """The console's errors but the favicon's 404 (the app has no icon) and the statuses
    of a refused answer or a conflict (pages the test asks for)."""
    return [e for e in errors if not e.endswith("/favicon.ico")
            and "status of 422" not in e and "status of 409" not in e]


def test_after_a_boosted_page_the_focus_is_on_its_heading_or_its_alert(browser, site):
    """HTMX swaps the next page in without a page load: focus.js puts the focus where a
    page load would start — the heading, or the error summary when there is one — so a
    screen reader announces the new page."""
    tab = _tab(browser, site)
    _new_by_keyboard(tab)
    assert tab.page.evaluate("document.activeElement.tagName") == "H1"
    tab.page.check("[name='q-track'][value='municipal']")
    tab.submit("button[value=next]")
    assert "/page/russian" in tab.page.url
    assert tab.page.evaluate("document.activeElement.tagName") == "H1"
    assert tab.page.evaluate("document.activeElement.textContent") == \
        tab.page.locator("main h1").inner_text()
    tab.submit("button[value=next]")            # nothing chosen: the error summary
    assert tab.page.evaluate("document.activeElement.id") == "error-summary"
