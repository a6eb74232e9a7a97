"""The register as a department keeps it (xbdocs.registry.export), called directly on
entries made in memory: the typed rows, the CSV, the XLSX read back with openpyxl, the DOCX
read back with python-docx, and the file written whole."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from xbdocs.errors import XbdocsError
from xbdocs.registry import export, statuses
from xbdocs.registry.models import Agreement, Change

D = dt.date
TODAY = D(2027, 5, 4)
#: 176 characters: the tallest cell of its row (4 lines of the title's 58 in the XLSX).
TITLE = ("Соглашение между Администрацией Угловского района Алтайского края (Российская "
         "Федерация) и акиматом Бородулихинского района области Абай (Республика Казахстан) "
         "о сотрудничестве")
HEADINGS = ["№ п/п", "Рег. номер", "Дата рег.", "Наименование соглашения", "Российская сторона",
            "Казахстанская сторона", "Подписано", "Срок действия", "Статус", "Примечание"]


def _agreement(history: tuple[tuple[str, D], ...] = (), **fields) -> Agreement:
    values = {"title": "Соглашение", "track": "municipal", "russian_party": "",
              "russian_ids": "", "russian_signatory": "", "kazakh_party": "", "kazakh_ids": "",
              "kazakh_signatory": "", "signed_on": None, "term_years": None, "renewal": False,
              "renewal_years": None, "entry_into_force": "registration", "in_force_on": None,
              "registration_number": "", "registered_on": None, "status_on": None, "notes": "",
              "answers": {}}
    values.update(fields)
    entry = Agreement(**values)
    entry.history = [Change(status=status, on=on) for status, on in history]
    return entry


@pytest.fixture(scope="module")
def entries() -> list[Agreement]:
    registered = _agreement(
        id=1, title=TITLE, russian_party="Администрация Угловского района",
        russian_ids="ИНН 2279001236", russian_signatory="глава района Петрова Е.В. ",
        kazakh_party="Аппарат акима Бородулихинского района", kazakh_ids="",
        kazakh_signatory="аким района Жумабеков Е.С.", signed_on=D(2027, 4, 14), term_years=5,
        registration_number="17", registered_on=D(2027, 4, 30), status=statuses.REGISTERED,
        status_on=D(2027, 4, 30))
    renewed = _agreement(
        id=2, title="Соглашение 2012 года", russian_party="Администрация Алтайского края",
        kazakh_party="Акимат Павлодарской области", signed_on=D(2012, 9, 19), term_years=5,
        renewal=True, renewal_years=5, in_force_on=D(2012, 9, 19), status=statuses.RENEWED,
        status_on=D(2022, 9, 19), notes="продлено автоматически",
        history=((statuses.IN_FORCE, D(2012, 9, 19)), (statuses.RENEWED, D(2017, 9, 19)),
                 (statuses.RENEWED, D(2022, 9, 19))))
    draft = _agreement(id=3, title="Проект", russian_party="Администрация",
                       kazakh_party="Акимат", status=statuses.DRAFT)
    return [registered, renewed, draft]


def test_one_typed_row_per_agreement(entries):
    rows = export.rows(entries)
    assert rows[0] == [
        1, "17", D(2027, 4, 30), TITLE,
        "Администрация Угловского района; ИНН 2279001236; глава района Петрова Е.В.",
        "Аппарат акима Бородулихинского района; аким района Жумабеков Е.С.",
        D(2027, 4, 14), "5 (пять) лет; до 29.04.2032",  # from registration, as it takes effect
        "зарегистрировано с 30.04.2027", ""]
    # In force since 19.09.2012 for 5 years, renewed twice by 5: the term ends 18.09.2027.
    assert rows[1][7] == "5 (пять) лет, с автоматическим продлением на 5 (пять) лет; до 18.09.2027"
    assert rows[1][8:] == ["продлено с 19.09.2022", "продлено автоматически"]
    assert rows[2] == [3, "", None, "Проект", "Администрация", "Акимат", None, "бессрочно",
                       "проект", ""]
    assert export.rows([]) == []


def test_the_term_of_a_draft_has_no_end_yet():
    draft = _agreement(id=4, status=statuses.DRAFT, term_years=3, renewal=True,
                       renewal_years=1)
    assert export.rows([draft])[0][7] == "3 (три) года, с автоматическим продлением на 1 (один) год"


def test_the_csv_reads_in_excel(entries):
    data = export.as_csv(entries)
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs for Cyrillic
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADINGS and len(rows) == 4
    assert rows[1][:3] == ["1", "17", "30.04.2027"] and rows[1][6] == "14.04.2027"
    assert rows[3][2] == "" and rows[3][6] == ""  # no date: an empty cell, not «None»


def test_the_xlsx_has_real_columns_and_types(entries, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(export.as_xlsx(entries, TODAY))
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "Реестр" and book.sheetnames == ["Реестр"]
    assert [cell.value for cell in sheet[1]] == HEADINGS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.max_row == 4 and sheet.max_column == 10
    # Typed cells: the number a number, dates dates shown as dd.mm.yyyy.
    assert sheet["A2"].value == 1 and sheet["B2"].value == "17"
    assert sheet["C2"].value == dt.datetime(2027, 4, 30)
    assert sheet["G2"].value == dt.datetime(2027, 4, 14)
    assert sheet["C2"].number_format == sheet["G2"].number_format == "DD.MM.YYYY"
    assert sheet["D2"].value == TITLE and sheet["H2"].value == "5 (пять) лет; до 29.04.2032"
    assert sheet["I3"].value == "продлено с 19.09.2022" and sheet["J3"].value == \
        "продлено автоматически"
    assert sheet["C4"].value is None and sheet["H4"].value == "бессрочно"
    assert sheet["D3"].alignment.wrap_text and sheet["D3"].alignment.vertical == "top"
    # Widths in characters; each row as tall as its tallest cell's wrapped lines.
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJ"]
    assert widths == [5, 10, 11, 34, 24, 24, 11, 17, 15, 20]
    # … which a landscape A4 page holds in 10 pt near full size (fitted to the page at 266
    # characters, it printed at half size).
    assert sum(widths) <= 175
    assert sheet.row_dimensions[1].height == 27  # «№ п/п» in a column of 5: two lines
    assert sheet.row_dimensions[2].height == 81  # the title: 176 characters, 33 a line
    assert sheet.row_dimensions[4].height == 13.5
    # Ruled like a paper register, in 10 pt, with its title on top of every printed page.
    assert all(cell.border.left.style == cell.border.bottom.style == "thin"
               for row in sheet["A1:J4"] for cell in row)
    assert sheet["D2"].font.sz == 10 and sheet["A1"].font.b and not sheet["D2"].font.b
    assert sheet.oddHeader.center.text == \
        "РЕЕСТР соглашений о приграничном сотрудничестве по состоянию на 04.05.2027"
    assert sheet.oddFooter.center.text == "&P"
    # Printed as the DOCX is: landscape A4, one page wide, the header row on every page.
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J4"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.print_title_rows == "$1:$1"
    assert book.properties.title == "Реестр соглашений о приграничном сотрудничестве"
    assert book.properties.creator == "xbdocs"
    assert book.properties.created == dt.datetime(2027, 5, 4)


def test_the_xlsx_is_the_same_bytes_on_the_same_day(entries):
    assert export.as_xlsx(entries, TODAY) == export.as_xlsx(entries, TODAY)


def test_the_docx_is_a_landscape_table(entries):
    document = Document(io.BytesIO(export.as_docx(entries, TODAY)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:3] == ["РЕЕСТР", "соглашений о приграничном сотрудничестве",
                         "по состоянию на 04.05.2027"]
    section = document.sections[0]
    assert abs(section.page_width - Mm(297)) < Mm(1) and abs(section.page_height - Mm(210)) < \
        Mm(1)
    (table,) = document.tables
    assert [cell.text for cell in table.rows[0].cells] == HEADINGS
    assert len(table.rows) == 4
    first = [cell.text for cell in table.rows[1].cells]
    assert first[:3] == ["1", "17", "30.04.2027"] and first[6] == "14.04.2027"
    assert first[8] == "зарегистрировано с 30.04.2027"
    assert [cell.text for cell in table.rows[3].cells][2] == ""
    # Column widths as the module gives them, filling the 262 mm between the margins.
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(grid) == 10 and grid.index(max(grid)) == 3 and grid.index(min(grid)) == 0
    assert abs(sum(grid) - 262 / 25.4 * 1440) < 10
    assert document.core_properties.title == "Реестр соглашений о приграничном сотрудничестве"


def test_an_empty_register_says_so():
    document = Document(io.BytesIO(export.as_docx([], TODAY)))
    assert document.tables == []
    assert "Записей нет." in [p.text for p in document.paragraphs]
    sheet = openpyxl.load_workbook(io.BytesIO(export.as_xlsx([], TODAY))).active
    assert sheet.max_row == 1 and sheet["A1"].value == "№ п/п"


@pytest.mark.parametrize("kind", export.FORMATS)
def test_export_writes_the_file_whole_and_never_over_one(entries, tmp_path, kind):
    path = tmp_path / f"register.{kind}"
    written = export.export(entries, kind, path, False, TODAY)
    assert written == path and path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing left beside it
    path.write_bytes(b"kept")
    with pytest.raises(XbdocsError, match="already exists; use --force"):
        export.export(entries, kind, path, False, TODAY)
    assert path.read_bytes() == b"kept"
    export.export(entries[:1], kind, path, True, TODAY)
    data = path.read_bytes()
    if kind == "csv":
        assert data == export.as_csv(entries[:1])
    elif kind == "xlsx":
        assert openpyxl.load_workbook(path).active.max_row == 2
    else:
        assert len(Document(str(path)).tables[0].rows) == 2


# --- hostile or damaged text (issue 19) -------------------------------------------------------

#: Text a spreadsheet would run as a formula, one for each character that starts one.
FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1")


def _formula_entries() -> list[Agreement]:
    return [_agreement(id=n, title=text, registration_number=text, notes=text,
                       russian_party=text, status=statuses.DRAFT)
            for n, text in enumerate(FORMULAS, start=1)]


def test_no_exported_xlsx_cell_is_a_formula(tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(export.as_xlsx(_formula_entries(), TODAY))
    sheet = openpyxl.load_workbook(path).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert sheet["B2"].value == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert sheet["J2"].data_type == "s" and sheet["J2"].value.endswith("\"click\")")
    # Tab and carriage return are written as escapes, so no cell starts with one either.
    assert [sheet[f"J{row}"].value for row in range(3, 8)] == [
        "'+1+1", "'-2+3", "'@SUM(A1:A9)", "\\x09=1+1", "\\x0d=1+1"]


def test_no_exported_csv_cell_starts_a_formula():
    data = export.as_csv(_formula_entries()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline=""), delimiter=";"))
    assert len(rows) == 1 + len(FORMULAS)
    assert not [cell for row in rows[1:] for cell in row if cell.startswith(
        ("=", "+", "-", "@", "\t", "\r"))]
    assert rows[1][9] == "'=HYPERLINK(\"http://evil.example\",\"click\")"


#: What a register made before xbdocs checked its input may hold: controls no document can
#: carry (NUL, ESC, \x01, a form feed), a direction override, a non-character.
DAMAGED = "a\x00b\x1b[31mc\x01d\x0ce\u202ef\ufffeg"


@pytest.mark.parametrize("kind", export.FORMATS)
def test_stored_control_characters_are_escaped_not_fatal(kind, tmp_path):
    entry = _agreement(id=1, title=DAMAGED, notes=f"{DAMAGED}\nвторая строка",
                       registration_number="\x01", russian_party="\x1b", status="weird\x07",
                       signed_on=D(2012, 9, 19), term_years=5)
    written = export.export([entry], kind, tmp_path / f"r.{kind}", False, TODAY)
    shown = "a\\x00b\\x1b[31mc\\x01d\\x0ce\\u202ef\\ufffeg"
    if kind == "xlsx":
        sheet = openpyxl.load_workbook(written).active
        assert sheet["D2"].value == shown and sheet["J2"].value == f"{shown}\nвторая строка"
        assert sheet["I2"].value == "weird\\x07"
    elif kind == "csv":
        rows = list(csv.reader(io.StringIO(written.read_bytes().decode("utf-8-sig"),
                                           newline=""), delimiter=";"))
        assert rows[1][3] == shown and rows[1][1] == "\\x01"
    else:
        cells = [cell.text for cell in Document(str(written)).tables[0].rows[1].cells]
        assert cells[3] == shown and cells[4] == "\\x1b"


def test_an_xlsx_row_is_as_tall_as_the_lines_of_its_cells(tmp_path):
    notes = "\n".join(f"строка {n}" for n in range(1, 6))  # five short lines
    path = tmp_path / "register.xlsx"
    path.write_bytes(export.as_xlsx([_agreement(id=1, notes=notes, status=statuses.DRAFT)],
                                    TODAY))
    sheet = openpyxl.load_workbook(path).active
    assert sheet["J2"].value == notes
    assert sheet.row_dimensions[2].height == 5 * 13.5


def test_damaged_stored_numbers_and_dates_give_no_term_not_a_failure():
    entry = _agreement(id=1, status=statuses.IN_FORCE, term_years="abc",
                       renewal=True, renewal_years=10**9, in_force_on=D(2012, 9, 19))
    assert export.rows([entry])[0][7] == "бессрочно"
    far = _agreement(id=2, status=statuses.IN_FORCE, term_years=999,
                     in_force_on=D(9999, 1, 1))
    assert export.rows([far])[0][7] == "999 (девятьсот девяносто девять) лет"
