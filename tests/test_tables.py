"""What the project writes into tables: never a live formula."""

from __future__ import annotations

import datetime as dt

import pytest

from xbdocs.tables import safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\tcmd", "\rcmd"])
def test_a_cell_a_spreadsheet_would_run_is_kept_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Угловский район", "№ 12-ра", "", None, 5, 2.5,
                                   dt.date(2027, 1, 1)])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value
