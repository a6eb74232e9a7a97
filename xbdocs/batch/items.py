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

import datetime as dt
import functools
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from xbdocs import schema, tables
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
#: The limits of a table: see :mod:`xbdocs.tables`.
MAX_TABLE_BYTES = tables.MAX_TABLE_BYTES
MAX_ROWS = tables.MAX_ROWS


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



def read(source: Path, extra: tuple[str, ...] = ()) -> Sequence[Item]:
    """The items of a folder of answers files, a CSV or an XLSX file; a table may also have
    the ``extra`` columns (kept in :attr:`Item.extra`). What cannot be read as a whole — a
    column that is no field, two items of one name, a table past its limits — is a
    BatchError here, before any item is built. A table's items are made as they are gone
    through (see :class:`Table`)."""
    if source.is_dir():
        items = _folder(source)
    elif source.suffix.lower() == ".csv":
        items = Table(source, CSV, extra)
    elif source.suffix.lower() in (".xlsx", ".xlsm"):
        items = Table(source, XLSX, extra)
    elif not source.exists():
        raise BatchError(Message("{path}: no such file or folder").format(
            path=printable(str(source))))
    else:
        raise BatchError(Message("{path}: expected a folder of answers files (.yaml), a CSV or an "
                                 "XLSX table").format(path=printable(str(source))))
    if not items:
        raise BatchError(Message("{path}: nothing to build: no answers files or rows").format(
            path=printable(str(source))))
    if isinstance(items, list):
        _check_names(items)
    return items


def _folder(folder: Path) -> list[Item]:
    """The answers files of ``folder``. One that is a link to a file outside it is an item
    that fails, unread: the folder may come from someone else, and a link to a secret file
    must not make its contents appear among the messages."""
    base = folder.resolve()
    paths = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file())
    items = []
    for path in paths:
        item = Item(path.stem, str(path), path=path)
        if not path.resolve().is_relative_to(base):
            item.problems.append(problem("", Message(
                "a link to a file outside the folder; put the answers file itself in the "
                "folder")))
        items.append(item)
    return items


def _check_names(items: list[Item]) -> None:
    seen: dict[str, str] = {}
    for item in items:
        why = check_name(item.name)
        if why:
            raise BatchError(f"{item.source}: {why}")
        if item.name in seen:
            raise _taken(item.source, item.name, seen[item.name])
        seen[item.name] = item.source


def _taken(source: str, name: str, other: str) -> BatchError:
    return BatchError(Message("{source}: the name «{name}» is taken by {other}; each item "
                              "needs its own folder").format(source=source,
                                                             name=printable(name, 60),
                                                             other=other))


# --- tables -------------------------------------------------------------------------------------

CSV, XLSX = "csv", "xlsx"


class Table(Sequence[Item]):
    """The rows of a CSV or XLSX table as items, made one at a time each time the table is
    gone through, from the file's bytes read once (so every pass sees the same table).

    A table of 100,000 rows is never 100,000 items in memory, nor 100,000 rows: making the
    table checks it whole (its header, its limits, every row's name) keeping only a count
    and the names' hashes; building then makes each item as its turn comes."""

    def __init__(self, path: Path, kind: str, extra: tuple[str, ...] = ()) -> None:
        self.path, self.kind, self.extra = path, kind, extra
        what = (_("a table of agreements (CSV)") if kind == CSV
                else _("a table of agreements (XLSX)"))
        self._data = read_bytes(path, what, tables.MAX_TABLE_BYTES)
        self._count = self._check()

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        """An item by its place (read through to it: for tests and small tables)."""
        if isinstance(index, slice):
            return list(itertools.islice(iter(self), *index.indices(self._count)))
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return next(itertools.islice(iter(self), index, None))

    def __iter__(self) -> Iterator[Item]:
        header, rows = self._header()
        for number, row in rows:
            cells = _cells(header, row)
            if cells is not None:
                yield self._item(number, cells)

    def _item(self, number: int, cells: dict[str, Any]) -> Item:
        item = _row_item(self.path, number, {k: v for k, v in cells.items()
                                             if k not in self.extra})
        item.extra = {k: v for k, v in cells.items() if k in self.extra and not _empty(v)}
        return item

    def _rows(self) -> Iterator[tables.Row]:
        if self.kind == CSV:
            return tables.csv_rows(self.path, self._data, self._known)
        return tables.xlsx_rows(self.path, self._data)

    def _known(self, header: list[str]) -> bool:
        """Whether a header names only columns of ours: then a table not in UTF-8 is read in
        the encoding that makes it so."""
        allowed = {*schema.columns(), *self.extra, NAME_COLUMN}
        return any(header) and all(not name or name in allowed for name in header)

    def _header(self) -> tuple[list[str], Iterator[tables.Row]]:
        """The column names, checked, and the rows under them."""
        rows = self._rows()
        first = next(rows, None)
        if first is None:
            return [], iter(())
        header = [str(cell).strip() if cell is not None else "" for cell in first[1]]
        columns = schema.columns()
        for index, name in enumerate(header):
            if name and name != NAME_COLUMN and name not in columns and name not in self.extra:
                raise BatchError(Message("{path}: column {column} «{name}»: {problem}").format(
                    path=printable(str(self.path)), column=tables.column_letter(index),
                    name=printable(name, 60),
                    problem=unknown_key(printable(name, 60),
                                        [*columns, *self.extra, NAME_COLUMN])))
            if name and header.count(name) > 1:
                raise BatchError(Message("{path}: column «{name}» appears twice").format(
                    path=printable(str(self.path)), name=printable(name, 60)))
        return header, rows

    def _check(self) -> int:
        """Go through the table once: every row readable, every name one a folder can have
        and no other row's. Returns the count of items. Keeps the names' hashes, not the
        names; a hash seen twice is looked up again in the table."""
        header, rows = self._header()
        seen: set[int] = set()
        count = 0
        for number, row in rows:
            cells = _cells(header, row)
            if cells is None:
                continue
            name = _name(cells.get(NAME_COLUMN), number)
            source = f"{self.path.name}:{number}"
            why = check_name(name)
            if why:
                raise BatchError(f"{printable(source, 200)}: {why}")
            if hash(name) in seen:
                other = self._first_named(name)
                if other is not None and other != number:
                    raise _taken(printable(source, 200), name,
                                 printable(f"{self.path.name}:{other}", 200))
            seen.add(hash(name))
            count += 1
        return count

    def _first_named(self, name: str) -> int | None:
        header, rows = self._header()
        for number, row in rows:
            cells = _cells(header, row)
            if cells is not None and _name(cells.get(NAME_COLUMN), number) == name:
                return number
        return None


def _cells(header: list[str], row: list[Any]) -> dict[str, Any] | None:
    """A row's cells by column name; None for a row with every named cell empty (a blank
    line between groups of rows)."""
    cells = {name: row[i] if i < len(row) else None for i, name in enumerate(header) if name}
    if all(_empty(value) for value in cells.values()):
        return None
    return cells


def _name(cell: Any, number: int) -> str:
    return str(cell).strip() if not _empty(cell) else f"row-{number}"


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
    name = _name(cells.pop(NAME_COLUMN, None), number)
    item = Item(name, f"{path.name}:{number}", data={}, lines=OnRow(number))
    order = _column_order()
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


class OnRow(dict):
    """The lines of a row's key paths: every one is on the row, so any message about the
    row's answers names it. One small mapping an item, where a dict of each key path of
    the schema cost ~10 KB an item (1.3 GB for 100,000 rows)."""

    def __init__(self, number: int) -> None:
        super().__init__({"": number})

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> int:
        return dict.__getitem__(self, "")


@functools.cache
def _column_order() -> dict[str, int]:
    return {column: index for index, column in enumerate(schema.columns())}


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


def answers_of(item: Item) -> Answers:
    """The item's answers, validated: InputError names the file or row and the field."""
    return answers_with_text(item)[0]


def answers_with_text(item: Item) -> tuple[Answers, str]:
    """The item's answers, validated, and their text (which its package keeps)."""
    from xbdocs import answers as answers_module

    if item.path is not None:
        if item.problems:
            raise InputError(item.source, item.problems)
        return answers_module.load_with_text(item.path)
    source = item.source.rsplit(":", 1)[0]
    assert item.data is not None
    if item.problems:
        raise InputError(source, [*item.problems, *_more_problems(item, source)])
    return (answers_module.from_data(item.data, source, item.lines),
            answers_module.as_text(item.data))


def _more_problems(item: Item, source: str) -> list[Finding]:
    """What else is wrong with a row some cells of which could not be read: the answers
    its other cells make, checked as ever — every problem of a row in one run, not one a
    run (three runs to see three mistakes). A cell not read is not reported again as
    missing."""
    from xbdocs import answers as answers_module

    if not item.data:  # no cell could be read: nothing more to check
        return []
    failed = {p.path for p in item.problems}
    try:
        answers_module.from_data(item.data, source, item.lines)
    except InputError as exc:
        # Not the cell again, nor what holds it (``term`` «required» when its one cell
        # ``term.years`` was not read), nor what it holds.
        return [p for p in exc.problems if not any(
            p.path == f or p.path.startswith(f"{f}.") or f.startswith(f"{p.path}.")
            for f in failed)]
    return []
