"""Tables a clerk opens in Excel or LibreOffice Calc: what the project reads from them and
what it writes into them.

**Reading.** A batch's or a register import's table comes from anyone: a CSV saved by a
Russian Excel (Windows-1251, «;»), a «Unicode text» (UTF-16, tabs), an XLSX whose zip
unpacks to a gigabyte, whose ``<dimension>`` says the sheet runs to XFD1048576, whose XML
declares entities. :func:`csv_rows` and :func:`xlsx_rows` read either lazily, one row at a
time, within the limits below, and raise :class:`~xbdocs.errors.BatchError` naming the file
(the sheet, the row, the cell) for anything past them: memory stays flat in the number of
rows, and no input can make them allocate by what the file merely claims. The XLSX reader
parses the workbook's XML itself, with expat and no tree, so that a row of a million cells,
a forged row number or a 20-million-character string costs nothing but the time to skip it.

**Writing.** A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read by a spreadsheet as a formula (OWASP, «CSV injection»): a register note
«=HYPERLINK(…)» would become a live link, a folder name a command. Every table the project
writes passes each text cell through :func:`safe_cell` first: such a cell gets a leading
apostrophe, which the spreadsheet shows as text and does not display.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from xbdocs.errors import BatchError, printable
from xbdocs.i18n import Message, _
from xbdocs.inputs import read_bytes

#: What makes a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The table file on disk (an XLSX packed).
MAX_TABLE_BYTES = 50 * 1024 * 1024
#: Rows under the header: one agreement each.
MAX_ROWS = 100_000
#: Columns a table may use; a cell further right in a row under the header is not read.
MAX_COLUMNS = 1_024
#: One cell's text: Excel's own limit.
MAX_CELL_CHARS = 32_767
#: One CSV row, all its cells (a line of a million «;» stops here, before it is split).
MAX_ROW_CHARS = 1_048_576
#: Parts (files) in an XLSX's zip.
MAX_PARTS = 4_096
#: One part unpacked. A sheet is read as it unpacks, so only time grows with it.
MAX_PART_BYTES = 256 * 1024 * 1024
#: One part that is held whole while the sheet is read: shared strings, styles, the
#: workbook and its relationships.
MAX_HELD_PART_BYTES = 64 * 1024 * 1024
#: All the parts of an XLSX unpacked (each is read once to check it before any is parsed).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: The last row and column a spreadsheet has (XFD1048576).
SHEET_ROWS, SHEET_COLUMNS = 1_048_576, 16_384

_CHUNK = 64 * 1024
#: A row: its number as the spreadsheet shows it (1 is the first), and its cells (text from a
#: CSV; text, numbers, booleans, datetimes from an XLSX; None for an empty cell), no longer
#: than its last non-empty cell.
Row = tuple[int, list[Any]]


def safe_cell(value: object) -> object:
    """``value`` as a table may hold it: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe; numbers, dates and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def column_letter(index: int) -> str:
    """A column as a spreadsheet names it from its index (0 is A): A, B, … Z, AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.3g}"


def _where(path: Path) -> str:
    return printable(str(path), 200)


def _too_many_rows(path: Path) -> BatchError:
    return BatchError(Message("{path}: more than {limit} rows; split the table").format(
        path=_where(path), limit=MAX_ROWS))


def _too_many_columns(path: Path, row: int) -> BatchError:
    return BatchError(Message("{path}: row {row}: more than {limit} columns").format(
        path=_where(path), row=row, limit=MAX_COLUMNS))


def _long_cell(path: Path, cell: str) -> BatchError:
    return BatchError(Message("{path}: cell {cell}: more than {limit} characters").format(
        path=_where(path), cell=cell, limit=MAX_CELL_CHARS))


# --- CSV ----------------------------------------------------------------------------------------

#: The delimiters a CSV may use; the header line decides («;» is Russian Excel's).
DELIMITERS = (";", ",", "\t")


def csv_rows(path: Path, data: bytes | None = None,
             known: Callable[[list[str]], bool] | None = None) -> Iterator[Row]:
    """The non-blank rows of the CSV at ``path`` (``data``: its bytes, if read already),
    one at a time. UTF-8 with or without a byte order mark, or UTF-16 with one, is read as
    it is; a table in Windows-1251 (a Russian Excel's «CSV») or UTF-16 without the mark only
    if its header, so decoded, passes ``known`` — the header shows it is a table of ours,
    so the guess of encoding is safe. The delimiter is the one of «;», «,», tab that the
    first line has most of."""
    if data is None:
        data = read_bytes(path, _("a table (CSV)"), MAX_TABLE_BYTES)
    encoding = _csv_encoding(path, data, known)
    first = _text(data, encoding).readline(MAX_ROW_CHARS)
    delimiter = max(DELIMITERS, key=first.count)
    text = _text(data, encoding)
    number, length = 1, 0

    def lines() -> Iterator[str]:
        nonlocal length
        while line := text.readline(MAX_ROW_CHARS + 1):
            length += len(line)
            if length > MAX_ROW_CHARS:
                raise BatchError(Message("{path}: row {row}: more than {limit} characters; "
                                         "is it a table?").format(
                    path=_where(path), row=number, limit=MAX_ROW_CHARS))
            if "\x00" in line:
                raise BatchError(Message("{path}: row {row}: a NUL character, which a text "
                                         "table has not; save the table as «CSV UTF-8»").format(
                    path=_where(path), row=number))
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    width = MAX_COLUMNS
    header = True
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BatchError(Message("{path}: row {row}: not readable as CSV ({error})").format(
                path=_where(path), row=number, error=printable(str(exc), 80))) from None
        row, number, length = number, number + 1, 0
        if not header and len(cells) > width and any(not _empty(cell) for cell in cells):
            raise _split_row(path, row, len(cells), width)
        cells = _csv_cells(path, row, cells, width, encoding)
        if not cells:
            continue
        if header:
            header, width = False, len(cells)
        elif row > MAX_ROWS + 1:
            raise _too_many_rows(path)
        yield row, cells


def _split_row(path: Path, row: int, cells: int, width: int) -> BatchError:
    """A row with more cells than the header: a separator inside a cell not in quotes
    («economy; culture» in a «;» table) moved every cell after it to the wrong column —
    read on, the row would be answers in the wrong fields."""
    return BatchError(Message(
        "{path}: row {row}: {cells} cells where the header has {columns}: a «;» inside a "
        "cell moved the cells after it to other columns; put that cell in quotes, or "
        "separate a list's items with new lines").format(
            path=_where(path), row=row, cells=cells, columns=width))


def _csv_cells(path: Path, row: int, cells: list[str], width: int,
               encoding: str) -> list[str]:
    """A row's cells up to its last non-empty one within ``width``; [] for a blank row."""
    if any(not _empty(cell) for cell in cells[MAX_COLUMNS:]):
        raise _too_many_columns(path, row)
    del cells[width:]
    while cells and _empty(cells[-1]):
        cells.pop()
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            raise _long_cell(path, f"{column_letter(index)}{row}")
        if encoding == "cp1251" and "?" in cell:
            raise BatchError(Message(
                "{path}: cell {cell}: «?» in a table saved in Windows-1251 stands for a "
                "letter that encoding has not (Kazakh ә, ғ, қ, ң, ө, ұ, ү, һ); save the "
                "table as «CSV UTF-8»").format(path=_where(path),
                                              cell=f"{column_letter(index)}{row}"))
    return cells


def _text(data: bytes, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether all of ``data`` is text in ``encoding``: checked in pieces, never holding
    the whole text."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(data[start:start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_encoding(path: Path, data: bytes, known: Callable[[list[str]], bool] | None) -> str:
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        sample = data[:4096]
        candidates = []
        if sample[1::2].count(0) > len(sample) // 4:
            candidates.append("utf-16-le")  # «Unicode text» that lost its byte order mark
        elif sample[0::2].count(0) > len(sample) // 4:
            candidates.append("utf-16-be")
        candidates += ["utf-8", "cp1251"]
    for encoding in candidates:
        marked = encoding in ("utf-8-sig", "utf-16", "utf-8")
        if not _decodes(data, encoding):
            continue
        if marked or (known is not None and known(_header_cells(data, encoding))):
            return encoding
    raise BatchError(Message("{path}: not UTF-8 text; save the table as «CSV UTF-8»").format(
        path=_where(path)))


def _header_cells(data: bytes, encoding: str) -> list[str]:
    line = _text(data, encoding).readline(MAX_ROW_CHARS)
    if "\x00" in line:
        return []
    delimiter = max(DELIMITERS, key=line.count)
    try:
        return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]
    except csv.Error:
        return []


# --- XLSX ---------------------------------------------------------------------------------------

_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_STRICT_RELATIONSHIP = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
_CELL = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
#: An old .xls, or an XLSX with a password: an OLE compound file, not a zip.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def xlsx_rows(path: Path, data: bytes | None = None) -> Iterator[Row]:
    """The non-blank rows of the XLSX workbook at ``path`` (``data``: its bytes, if read
    already) — of its first sheet, which must be a worksheet — one at a time, with the
    values the cells hold (a formula's last result). Under the header (the first non-blank
    row), a row is cut to the header's width."""
    if data is None:
        data = read_bytes(path, _("a table (XLSX)"), MAX_TABLE_BYTES)
    book = _Workbook(path, data)
    try:
        yield from book.rows()
    finally:
        book.close()


def _kind(relationship_type: str) -> str:
    for prefix in (_RELATIONSHIP, _STRICT_RELATIONSHIP):
        if relationship_type.startswith(prefix):
            return relationship_type[len(prefix):]
    return relationship_type.rsplit("/", 1)[-1]


#: Tags (namespace and name) → their local names, as found.
_LOCAL: dict[str, str] = {}


def _local(name: str) -> str:
    local = name.rsplit(" ", 1)[-1]
    if len(_LOCAL) < 512:  # a file of a million made-up tags must not fill it
        _LOCAL[name] = local
    return local


@functools.lru_cache(maxsize=SHEET_COLUMNS)
def _column_index(letters: str) -> int:
    """A column's number from its letters (A is 1)."""
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return column


class _Workbook:
    """An XLSX opened for reading its first sheet: the zip checked (the size of every part
    from its directory, then by unpacking each, which also finds DTDs), then the workbook,
    its relationships, shared strings and date styles read whole, each within its bound."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        if data.startswith(_OLE):
            raise BatchError(Message("{path}: an old .xls or a workbook with a password; save "
                                     "it in Excel as .xlsx without a password").format(
                path=_where(path)))
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
                NotImplementedError) as exc:
            raise self._unreadable(exc) from None
        self.names = set(self.archive.namelist())
        try:
            self._check_parts()
            self._read_workbook()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.archive.close()

    def _unreadable(self, error: object) -> BatchError:
        return BatchError(Message("{path}: not a readable XLSX workbook ({error})").format(
            path=_where(self.path), error=printable(str(error), 80)))

    def _part_error(self, part: str, message: Message) -> BatchError:
        return BatchError(Message("{path}: {part}: {problem}").format(
            path=_where(self.path), part=printable(part, 80), problem=message))

    # The zip, before any XML is parsed.

    def _check_parts(self) -> None:
        infos = self.archive.infolist()
        if len(infos) > MAX_PARTS:
            raise BatchError(Message("{path}: more than {limit} parts in the zip; not a "
                                     "workbook").format(path=_where(self.path),
                                                        limit=MAX_PARTS))
        total = 0
        for info in infos:  # what the directory says …
            total += info.file_size
            if info.file_size > MAX_PART_BYTES:
                raise self._too_large(info.filename, MAX_PART_BYTES)
            if total > MAX_UNPACKED_BYTES:
                raise self._too_large_in_all()
        total = 0
        for info in infos:  # … and what unpacking gives, for a directory may lie
            for chunk in self._chunks(info.filename, MAX_PART_BYTES):
                total += len(chunk)
                if total > MAX_UNPACKED_BYTES:
                    raise self._too_large_in_all()

    def _too_large(self, part: str, limit: int) -> BatchError:
        return self._part_error(part, Message(
            "unpacks to more than {limit} MB; split the table").format(limit=_megabytes(limit)))

    def _too_large_in_all(self) -> BatchError:
        return BatchError(Message("{path}: unpacks to more than {limit} MB in all; split the "
                                  "table").format(path=_where(self.path),
                                                  limit=_megabytes(MAX_UNPACKED_BYTES)))

    def _chunks(self, part: str, limit: int) -> Iterator[bytes]:
        """The part unpacked, in pieces, counted (past ``limit`` it is refused, whatever the
        directory said) and searched for a DTD or an entity, which no workbook Excel or
        LibreOffice writes has and which XML parsers expand into anything."""
        try:
            info = self.archive.getinfo(part)
        except KeyError:
            raise self._part_error(part, Message("missing from the workbook")) from None
        seen, tail = 0, b""
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    seen += len(chunk)
                    if seen > limit:
                        raise self._too_large(part, limit)
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise self._dtd(part)
                    tail = window[-16:]
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
                NotImplementedError) as exc:
            raise self._unreadable(f"{part}: {exc}") from None

    def _dtd(self, part: str) -> BatchError:
        return self._part_error(part, Message(
            "declares a DTD or entities, which a workbook Excel saves has not; refused"))

    # XML, without a tree: expat, fed piece by piece.

    def _parse(self, part: str, limit: int, start: Callable[[str, dict[str, str]], None],
               end: Callable[[str], None] | None = None,
               text: Callable[[str], None] | None = None,
               sheet: str | None = None) -> Iterator[None]:
        """Parse ``part``, calling the handlers; yields after each piece, so a caller can
        hand on what the piece made before the next is read."""
        parser = expat.ParserCreate(namespace_separator=" ")

        def refuse(*_args: object) -> None:
            raise self._dtd(part)

        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        parser.buffer_text = True
        first = True
        try:
            for chunk in self._chunks(part, limit):
                if first and chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                                               b"\x00", b"<\x00")):
                    raise self._unreadable(f"{part}: not UTF-8 XML")
                first = False
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            error = expat.ErrorString(exc.code) + f" (line {exc.lineno})"
            if sheet is not None:
                raise BatchError(Message("{path}: sheet «{sheet}»: broken XML ({error})").format(
                    path=_where(self.path), sheet=printable(sheet, 60), error=error)) from None
            raise self._unreadable(f"{part}: {error}") from None
        yield

    def _read(self, part: str, start: Callable[[str, dict[str, str]], None],
              end: Callable[[str], None] | None = None,
              text: Callable[[str], None] | None = None) -> None:
        for _done in self._parse(part, MAX_HELD_PART_BYTES, start, end, text):
            pass

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (kind, part) of the relationships of ``part`` (none if it has no file)."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels not in self.names:
            return found

        def start(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                target = (target.lstrip("/") if target.startswith("/")
                          else posixpath.normpath(posixpath.join(folder, target)))
                found[attrs.get("Id", "")] = (_kind(attrs.get("Type", "")), target)

        self._read(rels, start)
        return found

    def _read_workbook(self) -> None:
        workbook = next((target for kind, target in self._relationships("").values()
                         if kind == "officeDocument"), "xl/workbook.xml")
        sheets: list[tuple[str, str]] = []
        self.epoch = dt.datetime(1899, 12, 30)

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "sheet" and len(sheets) < MAX_PARTS:
                relation = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                sheets.append((attrs.get("name", ""), relation))
            elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = dt.datetime(1904, 1, 1)

        self._read(workbook, start)
        if not sheets:
            raise BatchError(Message("{path}: the workbook has no sheets").format(
                path=_where(self.path)))
        relations = self._relationships(workbook)
        self.sheet, relation = sheets[0]
        kind, self.sheet_part = relations.get(relation, ("", ""))
        where = {"path": _where(self.path), "sheet": printable(self.sheet, 60)}
        if kind == "chartsheet":
            raise BatchError(Message("{path}: the first sheet «{sheet}» is a chart, not a "
                                     "table; put the table on the first sheet").format(**where))
        if kind != "worksheet":
            raise BatchError(Message("{path}: the first sheet «{sheet}» is not a table (a "
                                     "worksheet)").format(**where))
        if self.sheet_part not in self.names:
            raise BatchError(Message("{path}: sheet «{sheet}»: its part {part} is missing from "
                                     "the workbook").format(
                part=printable(self.sheet_part, 80), **where))
        parts = {kind: target for kind, target in relations.values()}
        self.strings = (self._shared_strings(parts["sharedStrings"])
                        if "sharedStrings" in parts else [])
        self.dates = self._date_styles(parts["styles"]) if "styles" in parts else set()

    def _shared_strings(self, part: str) -> list[str]:
        """The table of strings cells name by number. Each is kept to one character more
        than a cell may have, so that a cell naming a longer one is refused."""
        strings: list[str] = []
        pieces: list[str] = []
        state = {"size": 0, "in_text": False, "skip": 0}

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "si":
                pieces.clear()
                state["size"] = 0
            elif local == "rPh":  # a phonetic reading: not the text
                state["skip"] += 1
            elif local == "t" and not state["skip"]:
                state["in_text"] = True

        def end(tag: str) -> None:
            local = _local(tag)
            if local == "si":
                strings.append("".join(pieces))
            elif local == "rPh":
                state["skip"] -= 1
            elif local == "t":
                state["in_text"] = False

        def text(data: str) -> None:
            if state["in_text"] and state["size"] <= MAX_CELL_CHARS:
                pieces.append(data[:MAX_CELL_CHARS + 1 - state["size"]])
                state["size"] += len(data)

        self._read(part, start, end, text)
        return strings

    def _date_styles(self, part: str) -> set[int]:
        """The cell styles whose number format shows a date: a date cell is a number so
        styled."""
        from openpyxl.styles.numbers import (
            BUILTIN_FORMATS,
            is_date_format,
            is_timedelta_format,
        )

        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        styles: list[int] = []
        depth = {"cellXfs": 0}

        def number(value: str | None) -> int:
            return int(value) if value and value.isdigit() and len(value) < 10 else -1

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "numFmt" and len(formats) < MAX_PARTS * 16:
                formats[number(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                depth["cellXfs"] += 1
            elif local == "xf" and depth["cellXfs"]:
                styles.append(number(attrs.get("numFmtId")))

        def end(tag: str) -> None:
            if _local(tag) == "cellXfs":
                depth["cellXfs"] -= 1

        self._read(part, start, end)
        dates = set()
        for index, format_id in enumerate(styles):
            code = formats.get(format_id, "")
            if code and is_date_format(code) and not is_timedelta_format(code):
                dates.add(index)
        return dates

    # The sheet, a row at a time.

    def rows(self) -> Iterator[Row]:
        sheet = _SheetReader(self)
        for _done in self._parse(self.sheet_part, MAX_PART_BYTES, sheet.start, sheet.end,
                                 sheet.text, sheet=self.sheet):
            yield from sheet.ready
            sheet.ready.clear()


class _SheetReader:
    """The handlers that turn a sheet's XML into rows: only cells within the width are
    kept, a row number must grow, a cell's text is kept to its limit."""

    def __init__(self, book: _Workbook) -> None:
        self.book = book
        self.ready: list[Row] = []
        self.width = MAX_COLUMNS
        self.header = True
        self.row = 0
        self.column = 0
        self.cells: dict[int, Any] = {}
        self.in_data = False
        self.cell: dict[str, str] | None = None
        self.capture = False
        self.skip = 0
        self.pieces: list[str] = []
        self.size = 0

    def _fail(self, message: Message) -> BatchError:
        return BatchError(Message("{path}: sheet «{sheet}»: {problem}").format(
            path=_where(self.book.path), sheet=printable(self.book.sheet, 60), problem=message))

    # The handlers run once an element (a million times for a big sheet): the commonest
    # case first, and the local name of a tag looked up, not split.

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _LOCAL.get(tag) or _local(tag)
        if not self.in_data:
            self.in_data = local == "sheetData"
        elif local == "c":
            self._start_cell(attrs)
        elif self.cell is not None:
            if local == "v" or (local == "t" and not self.skip):
                self.capture = True
            elif local == "rPh":
                self.skip += 1
        elif local == "row":
            self._start_row(attrs.get("r"))

    def _start_row(self, given: str | None) -> None:
        if given is None:
            number = self.row + 1
        elif given.isdigit() and len(given) <= 7:
            number = int(given)
        else:
            number = 0
        if not 1 <= number <= SHEET_ROWS or number <= self.row:
            raise self._fail(Message("row number «{row}» out of order or not one").format(
                row=printable(str(given), 20)))
        self.row, self.column = number, 0
        self.cells = {}

    def _start_cell(self, attrs: dict[str, str]) -> None:
        reference = attrs.get("r")
        if reference is None:
            self.column += 1
        else:
            match = _CELL.fullmatch(reference)
            column = _column_index(match[1]) if match else 0
            if not match or column > SHEET_COLUMNS or int(match[2]) != self.row:
                raise self._fail(Message("«{cell}» is not a cell of row {row}").format(
                    cell=printable(reference, 20), row=self.row))
            self.column = column
        self.cell = attrs
        self.pieces, self.size, self.skip = [], 0, 0

    def text(self, data: str) -> None:
        if self.capture and self.size <= MAX_CELL_CHARS:
            self.pieces.append(data[:MAX_CELL_CHARS + 1 - self.size])
            self.size += len(data)

    def end(self, tag: str) -> None:
        local = _LOCAL.get(tag) or _local(tag)
        if not self.in_data:
            return
        if local in ("v", "t"):
            self.capture = False
        elif local == "c":
            if self.cell is not None:
                self._end_cell()
        elif local == "row":
            self._end_row()
        elif local == "rPh":
            self.skip -= 1
        elif local == "sheetData":
            self.in_data = False

    def _end_cell(self) -> None:
        attrs, self.cell, self.capture = self.cell or {}, None, False
        if self.column > self.width:
            if self.header and self.pieces:
                raise self._fail(Message("more than {limit} columns").format(
                    limit=MAX_COLUMNS))
            return  # right of the header: no column of the table
        text = "".join(self.pieces)
        if len(text) > MAX_CELL_CHARS:
            raise self._long()
        value = self._value(attrs, text)
        if value is not None and (not isinstance(value, str) or value.strip()):
            self.cells[self.column] = value

    def _name(self) -> str:
        return f"{column_letter(self.column - 1)}{self.row}"

    def _long(self) -> BatchError:
        return self._fail(Message("cell {cell}: more than {limit} characters").format(
            cell=self._name(), limit=MAX_CELL_CHARS))

    def _value(self, attrs: dict[str, str], text: str) -> Any:
        kind = attrs.get("t", "n")
        if not text:
            return None
        if kind == "s":
            index = int(text) if text.strip().isdigit() and len(text) < 12 else -1
            if not 0 <= index < len(self.book.strings):
                raise self._fail(Message("cell {cell} names a shared string the workbook has "
                                         "not").format(cell=self._name()))
            value = self.book.strings[index]
            if len(value) > MAX_CELL_CHARS:
                raise self._long()
            return value
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind in ("str", "inlineStr", "e"):
            return text
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(text.strip())
            except ValueError:
                return text
        try:
            number: int | float = int(text) if re.fullmatch(r"\s*-?\d{1,18}\s*", text) \
                else float(text)
        except ValueError:
            return text  # not a number: the cell's own text, for the field to judge
        style = attrs.get("s", "0")
        if style.isdigit() and len(style) < 10 and int(style) in self.book.dates:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, self.book.epoch)
            except (OverflowError, ValueError, TypeError):
                return number  # no date: the number, for the field to judge
        return number

    def _end_row(self) -> None:
        if not self.cells:
            return
        if self.row > MAX_ROWS + 1 and not self.header:
            raise _too_many_rows(self.book.path)
        last = max(self.cells)
        row = [self.cells.get(column) for column in range(1, last + 1)]
        if self.header:
            self.header, self.width = False, last
        self.ready.append((self.row, row))
        self.cells = {}
