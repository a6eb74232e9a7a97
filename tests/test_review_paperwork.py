"""What a native reviewer (Russian, Kazakh, GOST R 7.0.97-2016) sent back in issue 23,
§3 and §4, read back from the DOCX files of every sample built at ``--stage all``."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from tests.conftest import SAMPLES, docx_text
from xbdocs.build import build

TODAY = dt.date(2026, 11, 24)
NAMES = ("altai-pavlodar-2012", "uglovsky-borodulikha-municipal", "altai-east-kazakhstan-2010")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every sample's whole filing set, once for the module."""
    folders = {}
    for name in NAMES:
        outdir = tmp_path_factory.mktemp(name)
        build(SAMPLES / f"{name}.yaml", outdir, stage="all", today=TODAY,
              count_sheets=False)
        folders[name] = outdir
    return folders


def text(built, name: str, document: str) -> str:
    return docx_text(built[name] / f"{document}.docx")


def part(built, name: str, document: str, member: str = "word/document.xml") -> str:
    with zipfile.ZipFile(built[name] / f"{document}.docx") as archive:
        return archive.read(member).decode("utf-8")


# --- §3: Russian and Kazakh ------------------------------------------------------------------

def test_place_of_signing_in_the_locative(built):
    assert "Совершено в г. Павлодаре 19 сентября 2012 года" in text(
        built, "altai-pavlodar-2012", "agreement.ru")
    assert "Совершено в г. Усть-Каменогорске" in text(
        built, "altai-east-kazakhstan-2010", "agreement.ru")
    assert "подписанное 19 сентября 2012 года в г. Павлодаре." in text(
        built, "altai-pavlodar-2012", "registration-application")
    assert "Совершено в с. Угловском" in text(
        built, "uglovsky-borodulikha-municipal", "agreement.ru")
