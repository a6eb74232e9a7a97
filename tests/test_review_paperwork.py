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


def test_explanatory_note_lists_results_after_a_colon_and_names_the_region_once(built):
    regional = text(built, "altai-pavlodar-2012", "explanatory-note")
    assert "акимат Павлодарской области (Республика Казахстан)." in regional.replace(
        "Акимат", "акимат")
    assert "(Республика Казахстан, Павлодарская область)" not in regional
    municipal = text(built, "uglovsky-borodulikha-municipal", "explanatory-note")
    assert "(Республика Казахстан, область Абай)" in municipal
    for note in (regional, municipal):
        assert "7. Ожидаемые результаты:\n" in note or "7. Ожидаемые результаты. " in note
        assert "7. Ожидаемые результаты.\n" not in note


def test_check_sheet_wording(built):
    sheet = text(built, "uglovsky-borodulikha-municipal", "check-sheet")
    assert "Сверьте каждый пункт," in sheet
    assert "Акт субъекта: закон Алтайского края от" in sheet
    assert "законом Алтайского края" not in sheet
    assert "10 календарных дней до начала переговоров" in sheet
    assert "10 рабочих дней после подписания" in sheet
    assert " дн. (" not in sheet


def test_kazakh_treaty_formulas(built):
    for name in NAMES:
        kazakh = text(built, name, "agreement.kk")
        assert "жеке хаттамалармен" in kazakh
        assert "жекелеген" not in kazakh
        assert "келіседі, оларда іс-шаралар" in kazakh


def test_a_comma_closes_the_participial_phrase_in_the_attachments(built):
    letter = text(built, "uglovsky-borodulikha-municipal", "registration-application")
    assert "Копия соглашения, заверенная главой Угловского района, на " in letter
    # in the inventory's cell the title ends there: no comma
    inventory = text(built, "uglovsky-borodulikha-municipal", "inventory-registration")
    assert "заверенная главой Угловского района\n" in inventory
