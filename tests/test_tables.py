"""What the project writes into tables: never a live formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest

from xbdocs import tables
from xbdocs.errors import BatchError
from xbdocs.tables import safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\tcmd", "\rcmd"])
def test_a_cell_a_spreadsheet_would_run_is_kept_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Угловский район", "№ 12-ра", "", None, 5, 2.5,
                                   dt.date(2027, 1, 1)])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


# --- reading: CSV -------------------------------------------------------------------------------

def _known(header: list[str]) -> bool:
    return header[:2] == ["name", "subject.ru"]


ROWS = [["name", "subject.ru", "areas"], ["a-1", "Об сотрудничестве", "economy; culture"],
        ["a-2", "О «дружбе», ; и прочем", ""]]


def _csv(rows: list[list[str]], delimiter: str = ";", newline: str = "\r\n") -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding, delimiter, newline", [
    ("utf-8-sig", ";", "\r\n"),     # Excel's «CSV UTF-8»
    ("utf-8", ",", "\n"),
    ("utf-8", "\t", "\r"),
    ("cp1251", ";", "\r\n"),        # a Russian Excel's «CSV (разделители — точка с запятой)»
    ("utf-16", "\t", "\r\n"),       # Excel's «Unicode text»
    ("utf-16-le", "\t", "\r\n"),    # … that lost its byte order mark
])
def test_a_csv_in_the_encodings_and_delimiters_excel_saves(tmp_path, encoding, delimiter,
                                                           newline):
    path = tmp_path / "t.csv"
    path.write_bytes(_csv(ROWS, delimiter, newline).encode(encoding))
    # The last row's empty cell is not kept: a row ends at its last non-empty cell.
    assert list(tables.csv_rows(path, known=_known)) == [
        (1, ROWS[0]), (2, ROWS[1]), (3, ROWS[2][:2])]


def test_a_csv_not_in_utf8_is_read_only_with_a_header_of_ours(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(_csv([["имя", "тема"], ["a", "б"]]).encode("cp1251"))
    with pytest.raises(BatchError, match=r"t\.csv: not UTF-8 text; save the table as «CSV UTF-8»"):
        list(tables.csv_rows(path, known=_known))
    path.write_bytes(_csv(ROWS).encode("cp1251"))
    with pytest.raises(BatchError, match="not UTF-8 text"):
        list(tables.csv_rows(path))  # nobody to say the header is ours


def test_windows_1251_lost_the_kazakh_letters(tmp_path):
    """Excel writes «?» for each letter Windows-1251 has not: ә, ғ, қ, ң, ө, ұ, ү, һ."""
    path = tmp_path / "t.csv"
    path.write_bytes(_csv([ROWS[0], ["a", "Қазақстан", ""]]).encode("cp1251", errors="replace"))
    with pytest.raises(BatchError, match=r"t\.csv: cell B2: «\?» in a table saved in "
                                         r"Windows-1251 .*save the table as «CSV UTF-8»"):
        list(tables.csv_rows(path, known=_known))


@pytest.mark.parametrize("content, message", [
    (b"name;track\r\nx;regi\x00onal\r\n", r"row 2: a NUL character"),
    (b"name;track\r\nx;" + b"y" * 140_000 + b"\r\n", r"row 2: not readable as CSV \(field "
                                                      r"larger than field limit"),
    (b"name;track\r\nx;" + b"y" * 40_000 + b"\r\n", r"cell B2: more than 32767 characters"),
    (b"name" + b";x" * 600_000 + b"\r\n", r"row 1: more than 1048576 characters"),
    (b";" * 2_000 + b"x\r\n", r"row 1: more than 1024 columns"),
    (b"name\r\n" + b"x\r\n" * (tables.MAX_ROWS + 1), r"more than 100000 rows; split the table"),
    (bytes(range(256)) * 4, r"not UTF-8 text"),
])
def test_a_csv_past_its_limits_is_one_clean_error(tmp_path, content, message):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    with pytest.raises(BatchError, match=rf"^{re.escape(str(path))}: .*{message}"):
        list(tables.csv_rows(path))


def test_blank_rows_are_left_out_and_a_row_longer_than_the_header_is_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\r\n\r\na;b\r\n1;2\r\n;;\r\n5\r\n")
    # Blank rows are left out, whatever their place; the header is the first non-blank one.
    assert list(tables.csv_rows(path)) == [(3, ["a", "b"]), (4, ["1", "2"]), (6, ["5"])]
    # A row with more cells than the header had a «;» inside a cell not in quotes: read on,
    # its cells would be answers in the wrong fields (issue 24).
    path.write_bytes(b"a;b\r\n1;2;3;4\r\n")
    with pytest.raises(BatchError, match="row 2: 4 cells where the header has 2"):
        list(tables.csv_rows(path))


# --- reading: XLSX ------------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def cell(reference: str, value: object) -> str:
    """A cell as Excel writes it: text inline, a number, a boolean."""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_xml(rows: dict[int, list[object]], dimension: str = "A1:C3", before: str = "") -> str:
    body = "".join(f'<row r="{number}">' + "".join(
        cell(f"{tables.column_letter(i)}{number}", v) for i, v in enumerate(values)
        if v is not None) + "</row>" for number, values in rows.items())
    return (f'{before}<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{body}</sheetData></worksheet>")


def workbook(sheet: str | None = None, *, kinds: tuple[str, ...] = ("worksheet",),
             parts: dict[str, str | bytes | None] | None = None, date1904: bool = False) -> bytes:
    """An XLSX made by hand, as small as Excel reads: ``kinds`` are its sheets in order
    (worksheet, chartsheet), the first worksheet's XML ``sheet``; ``parts`` replace (or,
    given None, remove) parts."""
    sheets = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>'
                     for n in range(1, len(kinds) + 1))
    relations = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/{kind}" '
        f'Target="{kind}s/sheet{n}.xml"/>' for n, kind in enumerate(kinds, start=1))
    content: dict[str, str | bytes | None] = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Default Extension="xml" '
                               'ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                       f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
                       "</Relationships>",
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
                           f'<workbookPr date1904="{int(date1904)}"/><sheets>{sheets}</sheets>'
                           "</workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}">{relations}'
                                      "</Relationships>",
    }
    for n, kind in enumerate(kinds, start=1):
        content[f"xl/{kind}s/sheet{n}.xml"] = (
            sheet if kind == "worksheet" and sheet is not None
            else sheet_xml({1: ["name"]}) if kind == "worksheet"
            else f'<chartsheet xmlns="{MAIN}"/>')
    content.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in content.items():
            if data is not None:
                archive.writestr(name, data)
    return buffer.getvalue()


def test_an_xlsx_by_hand_read_a_row_at_a_time(tmp_path):
    styles = (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
              'formatCode="dd.mm.yyyy"/></numFmts><cellXfs count="3"><xf numFmtId="0"/>'
              '<xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>')
    strings = (f'<sst xmlns="{MAIN}" count="999999999" uniqueCount="999999999"><si><t>name</t>'
               "</si><si><r><t>Угловский </t></r><r><t>район</t></r><rPh><t>x</t></rPh></si>"
               "</sst>")
    sheet = (f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="str"><v>when</v></c>'
             '<c r="C1" t="inlineStr"><is><t>n</t></is></c><c r="D1"><v>1</v></c></row>'
             '<row r="2" ht="30" customHeight="1"><c r="A2" t="s"><v>1</v></c>'
             '<c r="B2" s="1"><v>46126</v></c><c r="C2"><v>5</v></c><c r="D2" t="b"><v>1</v>'
             '</c><c r="XFD2"><v>7</v></c></row>'
             '<row r="5"><c r="B5" s="2"><f>TODAY()</f><v>46127.5</v></c>'
             '<c r="C5"><v>2.5E+3</v></c><c r="D5" t="e"><v>#N/A</v></c></row>'
             '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
             "</sheetData></worksheet>")
    rels = (f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" '
            f'Target="sharedStrings.xml"/><Relationship Id="rId3" '
            f'Type="{RELATIONSHIPS}/styles" Target="/xl/styles.xml"/></Relationships>')
    path = tmp_path / "t.xlsx"
    path.write_bytes(workbook(sheet, parts={"xl/_rels/workbook.xml.rels": rels,
                                            "xl/sharedStrings.xml": strings,
                                            "xl/styles.xml": styles}))
    # The forged dimension and the cells right of the header cost nothing; the row at
    # 1048576 has none within it, so it is no row of the table.
    assert list(tables.xlsx_rows(path)) == [
        (1, ["name", "when", "n", 1]),
        (2, ["Угловский район", dt.datetime(2026, 4, 14), 5, True]),
        (5, [None, dt.datetime(2026, 4, 15, 12), 2500.0, "#N/A"])]
    path.write_bytes(workbook(sheet.replace("046126", ""), parts={
        "xl/_rels/workbook.xml.rels": rels, "xl/sharedStrings.xml": strings,
        "xl/styles.xml": styles, "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="'
        f'{RELATIONSHIPS}"><workbookPr date1904="1"/><sheets><sheet name="S" r:id="rId1"/>'
        "</sheets></workbook>"}))
    assert list(tables.xlsx_rows(path))[1][1][1] == dt.datetime(2030, 4, 15)


def test_an_xlsx_past_its_limits(tmp_path, monkeypatch):
    path = tmp_path / "t.xlsx"
    rows = {1: ["name"], **{n: [f"r{n}"] for n in range(2, 400)}}
    path.write_bytes(workbook(sheet_xml(rows)))
    monkeypatch.setattr(tables, "MAX_ROWS", 100)
    with pytest.raises(BatchError, match=r"t\.xlsx: more than 100 rows; split the table"):
        list(tables.xlsx_rows(path))
    monkeypatch.setattr(tables, "MAX_PART_BYTES", 4_000)
    with pytest.raises(BatchError, match=r"t\.xlsx: xl/worksheets/sheet1\.xml: unpacks to "
                                         r"more than"):
        list(tables.xlsx_rows(path))
    monkeypatch.undo()
    header = "".join(cell(f"{tables.column_letter(i)}1", f"c{i}") for i in range(1_100))
    path.write_bytes(workbook(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{header}'
                              "</row></sheetData></worksheet>"))
    with pytest.raises(BatchError, match=r"sheet «S1»: more than 1024 columns"):
        list(tables.xlsx_rows(path))
