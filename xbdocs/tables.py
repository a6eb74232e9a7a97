"""Tables a clerk opens in Excel or LibreOffice Calc: what the project writes into them.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by a
spreadsheet as a formula (OWASP, «CSV injection»): a register note «=HYPERLINK(…)» would
become a live link, a folder name a command. Every table the project writes passes each
text cell through :func:`safe_cell` first: such a cell gets a leading apostrophe, which
the spreadsheet shows as text and does not display.
"""

from __future__ import annotations

#: What makes a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as a table may hold it: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe; numbers, dates and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
