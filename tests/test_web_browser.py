"""The browser door in a real browser (Debian's chromium through Playwright): the pages
work with HTMX loaded under the Content-Security-Policy, from upload to the preview.

Skipped without chromium or Playwright, unless XBDOCS_REQUIRE_BROWSER=1 (as in CI), where
that fails."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest

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
        page.click("button[type=submit]")
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
