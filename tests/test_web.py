"""The browser door (xbdocs serve): a real ASGI app through FastAPI's TestClient, no mocks.

What a clerk's browser does, page by page, and what a hostile page or file must not get:
the findings are xbdocs.review's, the ZIP is xbdocs build's byte for byte, and every
response is guarded (Host, CSRF, CSP)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

import xbdocs
from xbdocs import i18n
from xbdocs.web import serve as web_serve
from xbdocs.web.app import SECURITY_HEADERS, create_app

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))
TODAY = dt.date(2012, 9, 1)
BASE = "http://127.0.0.1:8000"


@pytest.fixture
def client(tmp_path):
    app = create_app(tmp_path / "data", today=TODAY, port=8000)
    with TestClient(app, base_url=BASE) as client:
        client.get("/")
        yield client


def upload(client: TestClient, text: str | bytes, stage: str = "agreement",
           name: str = "answers.yaml", follow: bool = False, token: str | None = None):
    data = text.encode() if isinstance(text, str) else text
    token = client.cookies.get("xbdocs_csrf") if token is None else token
    return client.post("/upload", data={"csrf_token": token, "stage": stage},
                       files={"answers": (name, data, "text/yaml")},
                       follow_redirects=follow)


def uploaded(client: TestClient, text: str, stage: str = "agreement") -> str:
    """The review page's address for ``text``."""
    response = upload(client, text, stage)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_start_page_in_russian_and_kazakh(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="ru">' in page.text
    assert "Загрузите файл ответов" in page.text
    assert 'role="alert"' not in page.text
    assert re.search(r'<label for="answers">', page.text)
    assert re.search(r'<label for="stage">', page.text)
    kazakh = client.get("/?lang=kk")
    assert '<html lang="kk">' in kazakh.text
    assert client.cookies.get("xbdocs_lang") == "kk"
    assert '<html lang="kk">' in client.get("/").text  # the cookie keeps it
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text and "Upload an answers file" in english.text


@pytest.mark.parametrize("stage", ["agreement", "all"])
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_review_lists_the_findings_of_check(client, sample, stage):
    text = sample.read_text("utf-8")
    page = client.get(uploaded(client, text, stage))
    assert page.status_code == 200
    with i18n.language("ru"):
        expected = xbdocs.review(text, stage=stage, today=TODAY)
        for finding in expected:
            assert _escaped(finding.text) in page.text
            assert finding.code in page.text
            if finding.path:
                assert _escaped(finding.path) in page.text
    shown = re.findall(r"\[(XB\d+)\]", page.text)
    assert sorted(shown) == sorted(f.code for f in expected if f.code)


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_review_lists_the_unverified_facts(client):
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    page = client.get(uploaded(client, text, "all"))
    package = xbdocs.render_package(text, stage="all", today=TODAY, count_sheets=False)
    assert package.unverified
    for item in package.unverified:
        assert _escaped(item.value) in page.text


def test_broken_yaml_shows_its_line_in_russian(client):
    response = upload(client, "document:\n  kind: [unclosed\nparties: {}\n")
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert "строка" in response.text
    assert "Traceback" not in response.text
    wrong = upload(client, "document: 5\n")
    assert wrong.status_code == 422 and "document" in wrong.text
    not_utf8 = upload(client, b"a: \xff\n")
    assert not_utf8.status_code == 422 and "UTF-8" in not_utf8.text


def test_hostile_text_is_escaped_on_every_page(client):
    data = yaml.safe_load((SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8"))
    hostile = "<script>alert(1)</script>"
    data["filing"]["executor"]["name"] = hostile
    data["filing"]["notice"]["number"] = hostile
    text = yaml.safe_dump(data, allow_unicode=True)
    review = uploaded(client, text, "all")
    pages = [client.get(review), client.get(review.replace("/review/", "/preview/"))]
    bad = upload(client, f"{hostile}: [\n", name=f"{hostile}.yaml")
    pages.append(bad)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1].text
    for page in pages:
        assert "<script>alert" not in page.text
        assert all(tag in ('<script src="/static/htmx.min.js" defer></script>',
                           '<script src="/static/focus.js" defer></script>')
                   for tag in re.findall(r"<script[^>]*>.*?</script>", page.text, re.S))
        assert " style=" not in page.text and "<style" not in page.text


def test_preview_shows_the_parallel_agreement(client):
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    page = client.get(uploaded(client, text, "all").replace("/review/", "/preview/"))
    assert page.status_code == 200
    assert "xb-parallel" in page.text
    assert 'class="xb-column" lang="kk"' in page.text
    assert '/static/preview.css' in page.text
    package = xbdocs.render_package(text, stage="all", today=TODAY, count_sheets=False)
    for number, name in enumerate(package.models, start=1):
        assert f'href="#doc-{number}"' in page.text and name in page.text
    assert client.get("/static/preview.css").status_code == 200
    assert client.get("/static/htmx.min.js").status_code == 200


def test_zip_is_byte_identical_to_the_build(client, run, tmp_path, monkeypatch):
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    upload_id = uploaded(client, text, "all").split("/")[2].split("?")[0]
    response = client.get(f"/download/{upload_id}/package.zip?stage=all")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    answers = tmp_path / "answers.yaml"
    answers.write_text(text, "utf-8")
    monkeypatch.setenv("XBDOCS_TODAY", TODAY.isoformat())
    result = run("build", answers, "--stage", "all", "-o", tmp_path / "out")
    assert result.code == 0, result.err
    built = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file()}
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        zipped = {Path(n).name: archive.read(n) for n in archive.namelist()}
    names = set(zipped) - {"manifest.json"}
    assert names and names <= set(built)
    assert any(n.endswith(".docx") for n in names)
    for name in names:
        assert zipped[name] == built[name], name
    docx = client.get(f"/download/{upload_id}/agreement.ru-kk.docx?stage=all")
    assert docx.status_code == 200 and docx.content == built["agreement.ru-kk.docx"]
    assert "attachment" in docx.headers["content-disposition"]
    source = client.get(f"/download/{upload_id}/built-from.yaml?stage=all")
    assert source.content == built["built-from.yaml"]
    assert client.get(f"/download/{upload_id}/nothing.docx?stage=all").status_code == 404


def test_upload_without_csrf_is_forbidden(client):
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    assert upload(client, text, token="").status_code == 403
    assert upload(client, text, token="x" * 43).status_code == 403
    client.cookies.clear()
    assert upload(client, text, token="").status_code == 403


def test_csrf_header_is_accepted_for_htmx(client):
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    token = client.cookies.get("xbdocs_csrf")
    response = client.post("/upload", data={"stage": "agreement"},
                           files={"answers": ("a.yaml", text.encode(), "text/yaml")},
                           headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert response.status_code == 303


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1:9999",
                                  "127.0.0.1.evil.example:8000", ""])
def test_bad_host_is_refused(client, host):
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 400
    assert response.headers["content-security-policy"] == SECURITY_HEADERS[
        "Content-Security-Policy"]


def test_loopback_hosts_are_allowed(client):
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        assert client.get("/", headers={"Host": host}).status_code == 200


def test_security_headers_on_every_page(client):
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    review = uploaded(client, text)
    for path in ["/", "/?lang=kk", review, review.replace("/review/", "/preview/"),
                 "/static/style.css", "/review/../x", "/review/notanid", "/nowhere"]:
        response = client.get(path)
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header) == value, (path, header)


def test_upload_over_a_megabyte_is_refused(client, tmp_path):
    big = "# " + "x" * 1_000_000 + "\n"
    response = upload(client, big)
    assert response.status_code == 413
    assert not list((tmp_path / "data" / "drafts").glob("*.json"))


@pytest.mark.parametrize("upload_id", ["../x", "..%2Fx", "%2e%2e%2fx", "x", "a" * 100,
                                       "AAAAAAAAAAAAAAAAAAAAAA"])
def test_path_like_ids_are_not_found(client, upload_id):
    for page in ("review", "preview"):
        response = client.get(f"/{page}/{upload_id}")
        assert response.status_code == 404, (page, upload_id)
    assert client.get(f"/download/{upload_id}/package.zip").status_code == 404


def test_uploads_are_kept_in_the_data_folder(client, tmp_path):
    """An upload is a draft in the data folder that keeps the file's own text, so its
    package is built from exactly what was uploaded."""
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    upload_id = uploaded(client, text).split("/")[2].split("?")[0]
    kept = json.loads((tmp_path / "data" / "drafts" / f"{upload_id}.json").read_text("utf-8"))
    assert kept["source"] == text
    assert [p.name for p in (tmp_path / "data" / "drafts").glob("*.json")] == [
        f"{upload_id}.json"]


def test_bad_stage_is_refused(client):
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    assert upload(client, text, stage="nonsense").status_code == 400


def test_serve_refuses_a_host_other_than_loopback(run):
    result = run("serve", "--host", "0.0.0.0", "--no-browser")
    assert result.code == 1
    assert "loopback" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert run("serve", "--host", "192.168.1.5", "--no-browser").code == 1


def test_serve_chooses_the_next_free_port():
    taken = {8000, 8001}
    assert web_serve.choose_port("127.0.0.1", 8000, lambda _h, p: p not in taken) == 8002
    assert web_serve.choose_port("127.0.0.1", 8000, lambda _h, p: True) == 8000
    with pytest.raises(xbdocs.errors.XbdocsError):
        web_serve.choose_port("127.0.0.1", 8000, lambda _h, p: False)
    assert web_serve.check_host("localhost") == "127.0.0.1"
    assert web_serve.check_host("::1") == "::1"


def test_port_free_sees_a_taken_port():
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert not web_serve.port_free("127.0.0.1", port)
        assert web_serve.choose_port("127.0.0.1", port) > port


def test_templates_messages_are_translated():
    """The templates' ``_("…")`` texts are in the Russian catalogue (tests/test_i18n.py
    extracts from Python files only)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    templates = Path(create_app.__code__.co_filename).parent / "templates"
    found = {message for _f, _l, message, _c, _x in extract_from_dir(
        str(templates), method_map=[("**.html", "jinja2")])}
    assert found
    with (i18n.LOCALE_DIR / "ru" / "LC_MESSAGES" / "xbdocs.po").open("rb") as stream:
        catalogue = read_po(stream, locale="ru")
    keys = {m[0] if isinstance(m, tuple) else m for m in found}  # a plural by its singular
    assert sorted(m for m in keys if not (catalogue.get(m) and catalogue.get(m).string)) == []


def test_serve_without_the_web_extra_says_how_to_install(run, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if it were not installed
    result = run("serve", "--no-browser", "--port", "8765")
    assert result.code == 1
    assert "pip install 'xbdocs[web]'" in result.err
    assert len(result.err.strip().splitlines()) == 1



@pytest.mark.parametrize("sample", sorted((SAMPLES / "amendments").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_amendments_upload_and_review(client, sample):
    text = sample.read_text("utf-8")
    page = client.get(uploaded(client, text))
    assert page.status_code == 200, page.text
    assert "Traceback" not in page.text and "Внутренняя ошибка" not in page.text
    with i18n.language("ru"):
        expected = xbdocs.review(text, stage="agreement", today=TODAY)
    assert sorted(re.findall(r"\[(XB\d+)\]", page.text)) == sorted(f.code for f in expected)


def test_language_links_after_a_refused_upload_lead_to_a_page(client):
    response = upload(client, "document: 5\n")
    assert response.status_code == 422
    assert 'href="/?lang=kk"' in response.text
    assert 'href="/upload?' not in response.text


def test_a_bug_shows_a_page_without_the_traceback(client, monkeypatch):
    """A bug in the engine (here: rendering that raises what no user input can) gives the
    internal-error page, guarded like every other, with no traceback."""
    text = (SAMPLES / "altai-pavlodar-2012.yaml").read_text("utf-8")
    review = uploaded(client, text)

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(xbdocs, "render_package", broken)
    response = client.get(review)
    assert response.status_code == 500
    assert "Traceback" not in response.text and "RuntimeError" not in response.text
    assert "Внутренняя ошибка" in response.text
    assert response.headers["content-security-policy"] == SECURITY_HEADERS[
        "Content-Security-Policy"]


def test_a_damaged_draft_is_set_aside_and_not_found(client, tmp_path):
    """A draft file the app did not write (not UTF-8) is moved aside, never shown."""
    broken = tmp_path / "data" / "drafts" / "AAAAAAAAAAAAAAAAAAAAAA.json"
    broken.write_bytes(b"\xff\xfe")
    response = client.get("/review/AAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 404
    assert not broken.exists()
    assert list((tmp_path / "data" / "drafts" / "damaged").iterdir())
