"""The certified copy states its own sheets («Всего в копии 4 л.») when LibreOffice counted
them, and the number is the copy's page count as LibreOffice lays it out; without the count
the blank stays for the pen (issue 23).

The counting test is skipped when LibreOffice is missing, unless XBDOCS_REQUIRE_OFFICE=1
(as in CI), where its absence fails the run."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from docx import Document

from tests.conftest import SAMPLES, docx_text
from xbdocs import office
from xbdocs.build import build

REQUIRED = os.environ.get("XBDOCS_REQUIRE_OFFICE") == "1"
MUNICIPAL = SAMPLES / "uglovsky-borodulikha-municipal.yaml"
TODAY = dt.date(2026, 12, 3)
COPY = "certified-copy.docx"


def _stated(path) -> str:
    found = re.findall(r"Всего в копии (\S+) л\.", docx_text(path))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.skipif(office.soffice() is None and not REQUIRED,
                    reason="LibreOffice is not installed")
def test_the_copy_states_its_own_sheets(tmp_path):
    if office.soffice() is None:
        pytest.fail("XBDOCS_REQUIRE_OFFICE=1 but LibreOffice is missing")
    build(MUNICIPAL, tmp_path, stage="registration", today=TODAY, count_sheets=True)
    stated = _stated(tmp_path / COPY)
    assert stated.isdigit()
    # With the number in place of the blank the copy has as many pages as it says.
    pdf = office.convert_to_pdf([tmp_path / COPY], tmp_path / "pdf")[0]
    assert int(stated) == office.count_pages(pdf)
    # The inventory lists the copy with the same number of sheets.
    table = Document(str(tmp_path / "inventory-registration.docx")).tables[0]
    sheets = {row.cells[1].text: row.cells[3].text for row in table.rows[1:]}
    assert sheets[next(title for title in sheets if title.startswith("Копия"))] == stated
    # «4 л.»: the number and its unit on one line.
    assert f"Всего в копии {stated}\u00a0л." in docx_text(tmp_path / COPY, exact=True)


def test_without_the_count_the_blank_stays(tmp_path):
    build(MUNICIPAL, tmp_path, stage="registration", today=TODAY, count_sheets=False)
    assert _stated(tmp_path / COPY) == "____"
