"""A real office suite opens what we make: every sample's package through LibreOffice.

Skipped when LibreOffice or poppler is missing, unless XBDOCS_REQUIRE_OFFICE=1 (as in CI),
where their absence fails the run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.conftest import SAMPLES
from xbdocs import office
from xbdocs.build import build

REQUIRED = os.environ.get("XBDOCS_REQUIRE_OFFICE") == "1"
MISSING = office.soffice() is None or shutil.which("pdftotext") is None
# The styles ask for Times New Roman; where it is not installed (Debian), fontconfig maps it
# to Liberation Serif, its metric twin that has every Kazakh letter. Anything else is a
# fallback: a letter the font lacks drawn from another font.
BODY_FONTS = ("TimesNewRoman", "LiberationSerif")

pytestmark = pytest.mark.skipif(MISSING and not REQUIRED,
                                reason="LibreOffice or poppler-utils is not installed")

KEYS = {
    "agreement.ru-kk.pdf": ["СОГЛАШЕНИЕ", "КЕЛІСІМ", "Стороны", "Тараптар", "М.П.", "М.О."],
    "agreement.ru.pdf": ["СОГЛАШЕНИЕ", "Статья 1. Предмет Соглашения", "М.П."],
    "agreement.kk.pdf": ["КЕЛІСІМ", "1-бап. Келісімнің нысанасы", "М.О."],
    "registration-application.pdf": ["О регистрации соглашения", "Приложение:"],
    "register-card.pdf": ["ПРОЕКТ РЕГИСТРАЦИОННОЙ КАРТОЧКИ"],
    "certified-copy.pdf": ["КОПИЯ", "Верно", "(подпись)", "(қолы)", "Всего в копии"],
}


def _text(pdf) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"\s+", " ", text.replace("-\n", ""))


def _fonts(pdf) -> set[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    return {line.split()[0].split("+")[-1] for line in listing if line.strip()}


@pytest.fixture(scope="module", params=sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def package(request, tmp_path_factory):
    if MISSING:
        pytest.fail("XBDOCS_REQUIRE_OFFICE=1 but LibreOffice or poppler-utils is missing")
    outdir = tmp_path_factory.mktemp(request.param.stem)
    # Sheets are not counted: that is LibreOffice run a second time on the same documents
    # (≈ 1.7 s a sample), and tests/test_filing.py tests it.
    build(request.param, outdir, stage="all", make_pdf=True, count_sheets=False)
    return outdir


def test_every_document_converts_with_both_languages(package):
    pdfs = sorted(package.glob("*.pdf"))
    assert {p.stem for p in pdfs} == {d.stem for d in package.glob("*.docx")}
    for name, keys in KEYS.items():
        text = _text(package / name)
        for key in keys:
            assert key in text, (name, key)
    parallel = _text(package / "agreement.ru-kk.pdf")
    assert set("әғқңөұүі") <= set(parallel.lower())


def test_page_counts_are_sane(package):
    for pdf in package.glob("*.pdf"):
        pages = office.count_pages(pdf)
        # The agreement and its certified copy run to several pages; the check sheet lists
        # a dozen values; a letter or a form fits on two or three.
        limit = 8 if pdf.stem.startswith(("agreement", "certified-copy", "check-sheet")) \
            else 3
        assert 1 <= pages <= limit, (pdf.name, pages)


def test_page_counts_are_kept_by_the_documents_bytes(package, tmp_path, monkeypatch):
    """A package built again does not start LibreOffice for documents counted before: the
    count comes from the disk cache, and equals LibreOffice's own."""
    files = {p.name: p.read_bytes() for p in sorted(package.glob("notice*.docx"))}
    first = office.page_counts(files, tmp_path)

    def converted(*_args, **_kwargs):
        raise AssertionError("LibreOffice started for a document counted before")

    monkeypatch.setattr(office, "_converted", converted)
    assert office.page_counts(files, tmp_path) == first
    assert first == {name: office.count_pages(package / name.replace(".docx", ".pdf"))
                     for name in files}


def test_body_font_is_the_styled_one(package):
    for pdf in package.glob("*.pdf"):
        fonts = _fonts(pdf)
        assert fonts, pdf.name
        strays = {f for f in fonts if not f.startswith(BODY_FONTS)}
        assert strays == set(), (pdf.name, strays)


def test_a_rebuild_without_pdf_removes_the_old_pdfs(package, tmp_path, run):
    outdir = tmp_path / "out"
    shutil.copytree(package, outdir)
    assert list(outdir.glob("*.pdf"))
    sample = SAMPLES / "uglovsky-borodulikha-municipal.yaml"
    result = run("build", sample, "-o", outdir, "--force", "--no-sheet-count")
    assert result.code == 0, result.err
    assert not list(outdir.glob("*.pdf"))
    assert sorted(p.name for p in outdir.iterdir()) == [
        "agreement.kk.docx", "agreement.ru-kk.docx", "agreement.ru.docx", "built-from.yaml",
        "check-sheet.docx", "manifest.json"]


def _pages(pdf) -> list[str]:
    """The text of each page, as LibreOffice laid it out."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [re.sub(r"[ \t]+", " ", page) for page in text.split("\f") if page.strip()]


def test_rendered_pages_keep_what_belongs_together(package):
    """Issue 23, as a reader sees the pages: no page of the agreement or its copy holds the
    signatures or the certification alone; page numbers only from the second page; a
    letter's executor is the last thing on its last page, under the signature."""
    for name in ("agreement.ru.pdf", "agreement.kk.pdf", "agreement.ru-kk.pdf",
                 "certified-copy.pdf"):
        pages = _pages(package / name)
        last = pages[-1]
        assert "М.П." in last or "М.О." in last, name
        assert re.search(r"\d\.\d", last) or "Совершено" in last or "жасалды" in last, (
            name, "the signatures alone on a page")
        assert not re.match(r"\s*1\s*\n", pages[0]), (name, "a number on page 1")
        for number, page in enumerate(pages[1:], 2):
            assert page.lstrip().startswith(str(number)), (name, number)
    copy = _pages(package / "certified-copy.pdf")
    assert "КОПИЯ" in copy[0] and "Верно" in copy[-1] and "М.П." in copy[-1]
    letter = _pages(package / "registration-application.pdf")[-1]
    lines = [line.strip() for line in letter.splitlines() if line.strip()]
    assert lines[-1].startswith("+7") or re.match(r"[\d\s()+-]+$", lines[-1]), lines[-2:]
    assert lines.index(next(line for line in lines if line.startswith("Приложение:"))) < \
        len(lines) - 3
