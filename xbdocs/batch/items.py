"""What a batch builds: one item per answers file of a folder, or per row of a table.

A table's first row names its columns; each column is a key path of the answers file
(``track``, ``parties.russian.catalogue``, ``signing.date``,
``parties.kazakh.signatory.name.kk``), the same paths ``xbdocs check`` prints. A catalogue
party's id in ``…catalogue`` fills its names and details. A list (``areas``) is one cell
with its items separated by «;» or new lines; yes/no as yes/no, true/false or да/нет; an
empty cell is an answer not given. The column ``name``, which is not a field, names the
item's folder (else ``row-N``). Values are converted and checked by the schema
(:func:`xbdocs.schema.cell_value`), so a table and an answers file say the same things.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xbdocs import schema
from xbdocs.answers import Answers
from xbdocs.errors import BatchError, InputError, printable, problem
from xbdocs.findings import Finding
from xbdocs.i18n import Message, _
from xbdocs.inputs import read_bytes
from xbdocs.output import check_name
from xbdocs.schema import LIST_SEPARATOR
from xbdocs.yamlread import unknown_key

#: The column that names an item's folder; not an answers field.
NAME_COLUMN = "name"
ANSWERS_SUFFIXES = (".yaml", ".yml")
MAX_TABLE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000


@dataclass
class Item:
    """One agreement to build."""

    #: The folder it is built into, inside the batch's output folder.
    name: str
    #: Where it comes from, as messages name it: «answers/a.yaml», «list.csv:4».
    source: str
    #: An answers file (folder input) …
    path: Path | None = None
    #: … or the answers as the file would hold them (table input).
    data: dict[str, Any] | None = None
    #: Key path → row number, for messages about a table row.
    lines: dict[str, int] = field(default_factory=dict)
    #: Problems found reading the row (a cell that is not a number …).
    problems: list[Finding] = field(default_factory=list)
    #: Cells of the extra columns a caller allowed (not answers fields), by column.
    extra: dict[str, Any] = field(default_factory=dict)



def read(source: Path, extra: tuple[str, ...] = ()) -> list[Item]:
    """The items of a folder of answers files, a CSV or an XLSX file; a table may also have
    the ``extra`` columns (kept in :attr:`Item.extra`)."""
    if source.is_dir():
        items = _folder(source)
    elif source.suffix.lower() == ".csv":
        items = _table(source, _csv_rows(source), extra)
    elif source.suffix.lower() in (".xlsx", ".xlsm"):
        items = _table(source, _xlsx_rows(source), extra)
    elif not source.exists():
        raise BatchError(Message("{path}: no such file or folder").format(
            path=printable(str(source))))
    else:
        raise BatchError(Message("{path}: expected a folder of answers files (.yaml), a CSV or an "
                                 "XLSX table").format(path=printable(str(source))))
    if not items:
        raise BatchError(Message("{path}: nothing to build: no answers files or rows").format(
            path=printable(str(source))))
    _check_names(items)
    return items


def _folder(folder: Path) -> list[Item]:
    paths = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file())
    return [Item(path.stem, str(path), path=path) for path in paths]


def _check_names(items: list[Item]) -> None:
    seen: dict[str, str] = {}
    for item in items:
        why = check_name(item.name)
        if why:
            raise BatchError(f"{item.source}: {why}")
        if item.name in seen:
            raise BatchError(Message("{source}: the name «{name}» is taken by {other}; each item "
                                     "needs its own folder").format(source=item.source,
                                                              name=item.name,
                                                              other=seen[item.name]))
        seen[item.name] = item.source


# --- tables -------------------------------------------------------------------------------------

def _csv_rows(path: Path) -> list[list[Any]]:
    data = read_bytes(path, _("a table of agreements (CSV)"), MAX_TABLE_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BatchError(Message("{path}: not UTF-8 text; save the table as «CSV UTF-8»").format(
            path=printable(str(path)))) from None
    first = text.split("\n", 1)[0]
    # Russian Excel saves CSV with «;»; others with «,».
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise BatchError(f"{printable(str(path))}: {exc}") from None


def _xlsx_rows(path: Path) -> list[list[Any]]:
    import zipfile

    import openpyxl

    data = read_bytes(path, _("a table of agreements (XLSX)"), MAX_TABLE_BYTES)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BatchError(Message("{path}: not a readable XLSX workbook ({error})").format(
            path=printable(str(path)), error=printable(str(exc), 80))) from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _table(path: Path, rows: list[list[Any]], extra: tuple[str, ...] = ()) -> list[Item]:
    if not rows:
        return []
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    columns = schema.columns()
    for index, name in enumerate(header):
        if name and name != NAME_COLUMN and name not in columns and name not in extra:
            raise BatchError(Message("{path}: column {column} «{name}»: {problem}").format(
                path=printable(str(path)), column=_letter(index), name=printable(name, 60),
                problem=unknown_key(name, [*columns, *extra, NAME_COLUMN])))
        if name and header.count(name) > 1:
            raise BatchError(Message("{path}: column «{name}» appears twice").format(
                path=printable(str(path)), name=printable(name, 60)))
    if len(rows) > MAX_ROWS + 1:
        raise BatchError(Message("{path}: more than {limit} rows; split the table").format(
            path=printable(str(path)), limit=MAX_ROWS))
    items = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: row[i] if i < len(row) else None for i, name in enumerate(header) if name}
        if all(_empty(value) for value in cells.values()):
            continue  # a blank line between groups of rows
        item = _row_item(path, number, {k: v for k, v in cells.items() if k not in extra})
        item.extra = {k: v for k, v in cells.items() if k in extra and not _empty(v)}
        items.append(item)
    return items


def row_of(answers: dict[str, Any]) -> dict[str, Any]:
    """An answers file's data as one table row (the inverse of reading a row): a column per
    key path, a list as «a; b», yes/no as да/нет, a date as 19.09.2012. A list of sections
    (``custom_areas``) has no column: ValueError names it."""
    row: dict[str, Any] = {}

    def put(data: dict[str, Any], prefix: str) -> None:
        for key, value in data.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                put(value, f"{path}.")
            elif path not in schema.columns():
                raise ValueError(Message("{path}: no column for it in a table").format(path=path))
            elif isinstance(value, list):
                row[path] = f"{LIST_SEPARATOR} ".join(map(str, value))
            elif isinstance(value, bool):
                row[path] = "да" if value else "нет"
            elif isinstance(value, dt.date):
                row[path] = value.strftime("%d.%m.%Y")
            else:
                row[path] = value

    put(answers, "")
    return row


def _row_item(path: Path, number: int, cells: dict[str, Any]) -> Item:
    name = cells.pop(NAME_COLUMN, None)
    name = str(name).strip() if not _empty(name) else f"row-{number}"
    # Every key path of the row is on its row, so any message about it names the row.
    lines = {"": number, **{prefix: number for column in schema.columns()
                            for prefix in _prefixes(column)}}
    item = Item(name, f"{path.name}:{number}", data={}, lines=lines)
    order = {column: index for index, column in enumerate(schema.columns())}
    # In the answers' own order, whatever the table's: the same answers, the same text.
    for column, value in sorted(cells.items(), key=lambda cell: order[cell[0]]):
        try:
            converted = schema.cell_value(column, value)
        except ValueError as exc:
            item.problems.append(problem(column, str(exc), number))
            continue
        if converted is None:
            continue
        if not _put(item.data, column, converted):
            item.problems.append(problem(column, Message(
                "given both as one value and by its parts (…ru, …kk); keep one"), number))
    return item


def _prefixes(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def _put(data: dict, path: str, value: Any) -> bool:
    *sections, key = path.split(".")
    for section in sections:
        data = data.setdefault(section, {})
        if not isinstance(data, dict):
            return False
    if key in data:
        return False
    data[key] = value
    return True


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _letter(index: int) -> str:
    """A column as a spreadsheet names it: A, B, … Z, AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def answers_of(item: Item) -> Answers:
    """The item's answers, validated: InputError names the file or row and the field."""
    return answers_with_text(item)[0]


def answers_with_text(item: Item) -> tuple[Answers, str]:
    """The item's answers, validated, and their text (which its package keeps)."""
    from xbdocs import answers as answers_module

    if item.path is not None:
        return answers_module.load_with_text(item.path)
    source = item.source.rsplit(":", 1)[0]
    if item.problems:
        raise InputError(source, item.problems)
    assert item.data is not None
    return (answers_module.from_data(item.data, source, item.lines),
            answers_module.as_text(item.data))
