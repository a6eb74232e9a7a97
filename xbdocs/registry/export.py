"""The register as a department keeps it: number and date of registration, title, parties,
date of signing, term, status, notes — as a DOCX in the house style, an XLSX with real
columns and types, or a CSV. Written in Russian, as the register is kept. A date of signing
only planned (the answers', no «signed» step yet) is written as planned («планируется:
14.04.2027»), as text: never as a date the agreement was signed.

The export writes whatever the register holds, including what was stored before xbdocs
checked its input or was edited by hand: a control character no document can hold is
written as an escape (``\\x01``) rather than failing the whole list, and a cell a
spreadsheet would run as a formula (``=HYPERLINK(…)``) is written as text
(:func:`xbdocs.tables.safe_cell`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from pathlib import Path

from xbdocs import output, writer
from xbdocs.errors import printable
from xbdocs.i18n import in_language
from xbdocs.lang import ru
from xbdocs.model import Block, Document, Paragraph, Run
from xbdocs.registry import due, procedure, statuses
from xbdocs.registry.due import planned_signing
from xbdocs.registry.models import Agreement
from xbdocs.tables import safe_cell

FORMATS = ("docx", "xlsx", "csv")
#: Heading, width in the DOCX (mm, of 262 on a landscape A4 page), width in the XLSX
#: (characters). Short headings: a narrow column must not break a word.
#: The XLSX's widths add up to what a landscape A4 page holds in 10 pt at about 90 %
#: (they added up to 266 characters once: fitted to the page, it printed at half size).
COLUMNS = (("№ п/п", 11, 5), ("Рег. номер", 18, 10), ("Дата рег.", 20, 11),
           ("Наименование соглашения", 44, 34), ("Российская сторона", 30, 24),
           ("Казахстанская сторона", 30, 24), ("Подписано", 22, 11),
           ("Срок действия", 30, 17), ("Статус", 31, 15), ("Примечание", 24, 20))
#: The XLSX's title, printed at the top of every page (the sheet's own first row stays the
#: columns' headings, so the table sorts and filters as a table).
XLSX_TITLE = "РЕЕСТР соглашений о приграничном сотрудничестве по состоянию на {day}"
#: The register's pages lie on their side, in 10 pt: ten columns need the width.
LANDSCAPE = writer.PageStyle(page_width_mm=297, page_height_mm=210, left_mm=20, right_mm=15,
                             body_size=10)


def _term(entry: Agreement, cache: procedure.Cache | None = None) -> str:
    years = due.whole(entry.term_years)
    if not years:
        return "бессрочно"
    text = ru.count(years, "год")
    if entry.renewal:
        again = due.whole(entry.renewal_years) or years
        text += f", с автоматическим продлением на {ru.count(again, 'год', 'accusative')}"
    end = due.term_end(entry, cache)
    return f"{text}; до {end:%d.%m.%Y}" if end else text


def _date(value: object) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else ""


#: What XML cannot hold and :func:`xbdocs.errors.printable` leaves: surrogates and the two
#: non-characters.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def writable(value: object) -> str:
    """Stored text as every format can write it: line breaks kept, each control,
    separator or direction mark written as an escape (as messages show them) — a note
    stored with a NUL or ESC must not make every later export fail."""
    if value is None:
        return ""
    lines = str(value).replace("\r\n", "\n").split("\n")
    return "\n".join(_NOT_XML.sub(lambda m: f"\\u{ord(m[0]):04x}", printable(line, sys.maxsize))
                     for line in lines)


def _party(name: object, ids: object, signatory: object) -> str:
    parts = (writable(name), writable(ids), writable(signatory).strip())
    return "; ".join(part for part in parts if part)


def _signed(entry: Agreement) -> dt.date | str | None:
    """The day of signing when a step recorded it; else, while the agreement may still be
    signed, the day the answers plan — as text that says so, never as a date done."""
    if isinstance(entry.signed_on, dt.date):
        return entry.signed_on
    planned = planned_signing(entry)
    if planned is None or entry.status in statuses.FINAL:
        return None
    return f"планируется: {planned:%d.%m.%Y}"


def _status(entry: Agreement) -> str:
    known = statuses.LABELS.get(entry.status)
    shown = in_language("ru", known) if known else writable(entry.status)
    return shown + (f" с {entry.status_on:%d.%m.%Y}"
                    if isinstance(entry.status_on, dt.date) else "")


def rows(entries: list[Agreement]) -> list[list[object]]:
    """One row per agreement, typed: dates as dates, the number as a number; text as
    :func:`writable` makes them."""
    cache: procedure.Cache = {}  # one profile read per profile and track, not per entry
    return [[entry.id, writable(entry.registration_number),
             entry.registered_on if isinstance(entry.registered_on, dt.date) else None,
             writable(entry.title),
             _party(entry.russian_party, entry.russian_ids, entry.russian_signatory),
             _party(entry.kazakh_party, entry.kazakh_ids, entry.kazakh_signatory),
             _signed(entry), _term(entry, cache), _status(entry), writable(entry.notes)]
            for entry in entries]


def as_csv(entries: list[Agreement]) -> bytes:
    buffer = io.StringIO(newline="")
    table = csv.writer(buffer, delimiter=";")
    table.writerow([heading for heading, _w, _x in COLUMNS])
    for row in rows(entries):
        table.writerow([safe_cell(_date(v) if isinstance(v, dt.date) else v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # Excel reads Cyrillic with the mark


def _lines(value: object, width: int) -> int:
    """The lines a cell's text takes in a column ``width`` characters wide: each of its
    own lines, wrapped."""
    if value is None or isinstance(value, dt.date | int | float):
        return 1
    return sum(max(-(-len(line) // width), 1) for line in str(value).split("\n"))


def as_xlsx(entries: list[Agreement], today: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Реестр"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([heading for heading, _w, _x in COLUMNS])
    for row in rows(entries):
        sheet.append([safe_cell(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, whatever it begins with: never a formula
    for index, (_heading, _width, chars) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = chars
        for number, cell in enumerate(sheet[letter]):
            cell.font = Font(name="Times New Roman", size=10, bold=number == 0)
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       horizontal="center" if number == 0 else None)
            cell.border = border
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    # A spreadsheet does not size a row to its wrapped text when it opens: estimate the
    # lines of the tallest cell of each row, its line breaks counted.
    for index, row in enumerate(sheet.iter_rows(min_row=1), start=1):
        lines = max(_lines(cell.value, max(COLUMNS[n][2] - 1, 1)) for n, cell in enumerate(row))
        sheet.row_dimensions[index].height = 13.5 * max(lines, 1)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    # Printed as the DOCX is: landscape A4, every column on the page, the header repeated,
    # the title on top of every page and the page numbers below.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.8  # inches: the title fits above
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = XLSX_TITLE.format(day=ru.date_numeric(today))
    sheet.oddHeader.center.size = 12
    sheet.oddHeader.center.font = "Times New Roman,Bold"
    sheet.oddFooter.center.text = "&P"
    book.properties.title = "Реестр соглашений о приграничном сотрудничестве"
    book.properties.creator = "xbdocs"
    moment = dt.datetime.combine(today, dt.time())
    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_docx(entries: list[Agreement], today: dt.date) -> bytes:
    title = Block("title", "title", [
        Paragraph([Run("РЕЕСТР", bold=True)], "title"),
        Paragraph([Run("соглашений о приграничном сотрудничестве", bold=True)], "title"),
        Paragraph([Run(f"по состоянию на {ru.date_numeric(today)}")], "title")])
    header = [Paragraph([Run(heading, bold=True)], "cell") for heading, _w, _x in COLUMNS]
    body = [[Paragraph([Run(_date(v) if isinstance(v, dt.date) else str(v or ""))], "cell")
             for v in row] for row in rows(entries)]
    table = Block("register", "table", rows=[header, *body],
                  widths=[width for _h, width, _x in COLUMNS])
    if not entries:
        table = Block("register", "text", [Paragraph([Run("Записей нет.")])])
    document = Document("ru", [title, table], {
        "title": "Реестр соглашений о приграничном сотрудничестве",
        "created": today.isoformat()})
    return writer.write(document, LANDSCAPE)


def export(entries: list[Agreement], kind: str, path: Path, force: bool,
           today: dt.date) -> Path:
    """Write the register to ``path`` (whole or not at all; an existing file only with
    ``force``)."""
    data = {"csv": lambda: as_csv(entries), "xlsx": lambda: as_xlsx(entries, today),
            "docx": lambda: as_docx(entries, today)}[kind]()
    with output.Package(path.parent if str(path.parent) else Path("."), force) as files:
        files.add(path.name, data)
        return files.commit()[0]
