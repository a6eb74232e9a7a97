"""xbdocs batch (and so the register import, which reads tables the same way) under hostile
tables: a forged XLSX, a zip bomb, DTDs, broken parts, CSV in the encodings a Russian Excel
saves, NUL bytes, huge fields and lines, 100,000 bad rows, formula text. Each ends in one
clean line naming the file (and the sheet, the row), exit 1, never a traceback or exit 70;
memory stays flat; nothing the batch writes holds a live formula."""

from __future__ import annotations

import csv
import io
import os
import resource
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.test_tables import MAIN, cell, sheet_xml, workbook
from xbdocs import errors, tables
from xbdocs.batch import items, runner
from xbdocs.package import Options
from xbdocs.tables import FORMULA_STARTS

TODAY = "2026-11-27"
#: A row that reads but does not validate: the batch goes on to build (and fail) it.
HEADER, BAD_ROW = ["name", "track", "term.years"], ["r-1", "regional", "пять"]


@pytest.fixture
def batch(run, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", TODAY)

    def invoke(*args):
        return run("batch", *args, "-j", "1")
    return invoke


def _report(outdir: Path) -> list[list[str]]:
    with open(outdir / runner.REPORT, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream, delimiter=";"))


def _one_clean_line(result, *names: str) -> str:
    assert result.code == 1, (result.code, result.err)
    assert "Traceback" not in result.err and result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def _limited(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``command`` in a process that may have 500 MB of address space, no more."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (500 << 20, 500 << 20))

    env = {**os.environ, "XBDOCS_TODAY": TODAY, "XBDOCS_LANG": "en"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60, preexec_fn=limit)


def _sized(data: bytes, part: str, size: int) -> bytes:
    """The workbook with ``part``'s unpacked size in its zip directory (and local header)
    replaced by ``size``: the lie a zip bomb or a forged file tells."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(part)
    buffer = bytearray(data)
    struct.pack_into("<I", buffer, info.header_offset + 22, size)  # the local header
    central = buffer.find(b"PK\x01\x02")
    while central >= 0:  # the central directory's entry
        length = struct.unpack_from("<H", buffer, central + 28)[0]
        if bytes(buffer[central + 46:central + 46 + length]) == part.encode():
            struct.pack_into("<I", buffer, central + 24, size)
        central = buffer.find(b"PK\x01\x02", central + 4)
    return bytes(buffer)


# --- 1. XLSX that claims or unpacks to too much ------------------------------------------------

def test_a_cell_at_xfd1048576_costs_nothing(tmp_path):
    """A 6 KB workbook with a cell at XFD1048576 and a <dimension> that says so took all
    memory (MemoryError at 4 GB): now its first row is the header, the cell right of it is
    not read, and the row under it fails as itself — under 500 MB of address space."""
    sheet = sheet_xml({1: HEADER, 2: BAD_ROW}, dimension="A1:XFD1048576").replace(
        "</sheetData>", '<row r="1048576">' + cell("XFD1048576", "x") + "</row></sheetData>")
    (tmp_path / "far.xlsx").write_bytes(workbook(sheet))
    done = _limited([sys.executable, "-m", "xbdocs", "batch", "far.xlsx", "-o", "out", "-j",
                     "1"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert "failed: r-1: far.xlsx:2: term.years: expected a whole number" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert [row[:3] for row in _report(tmp_path / "out")[1:]] == [
        ["r-1", "far.xlsx:2", "failed"]]


def test_a_row_past_the_limit_is_refused_whatever_its_number(batch, tmp_path):
    sheet = sheet_xml({1: HEADER, 2: BAD_ROW, 1_048_576: ["r-2"]}, dimension="A1")
    (tmp_path / "far.xlsx").write_bytes(workbook(sheet))
    _one_clean_line(batch(tmp_path / "far.xlsx", "-o", tmp_path / "out"),
                    "far.xlsx: more than 100000 rows; split the table")
    assert not (tmp_path / "out").exists()


def test_a_zip_bomb_is_refused_by_its_directory_before_it_is_unpacked(batch, tmp_path):
    data = workbook(sheet_xml({1: HEADER, 2: BAD_ROW}))
    (tmp_path / "bomb.xlsx").write_bytes(_sized(data, "xl/worksheets/sheet1.xml", 1 << 30))
    _one_clean_line(batch(tmp_path / "bomb.xlsx", "-o", tmp_path / "out"),
                    "bomb.xlsx: xl/worksheets/sheet1.xml: unpacks to more than 256 MB")


def test_a_directory_that_lies_small_is_found_out_while_unpacking(batch, tmp_path):
    """Unpacking stops at the size the directory gives, and what is left is checked."""
    data = workbook(sheet_xml({1: HEADER, 2: BAD_ROW}))
    (tmp_path / "lie.xlsx").write_bytes(_sized(data, "xl/worksheets/sheet1.xml", 40))
    line = _one_clean_line(batch(tmp_path / "lie.xlsx", "-o", tmp_path / "out"),
                           "lie.xlsx: not a readable XLSX workbook")
    assert "xl/worksheets/sheet1.xml" in line


def test_a_sheet_that_unpacks_past_the_limit_is_refused(batch, tmp_path, monkeypatch):
    """What unpacks past the limit is refused even if the directory were right: the limit
    counted as it unpacks (here made small, for a small file)."""
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 200_000)
    rows = {1: HEADER, **{n: [f"r-{n}", "regional", "5"] for n in range(2, 3_000)}}
    (tmp_path / "big.xlsx").write_bytes(workbook(sheet_xml(rows)))
    _one_clean_line(batch(tmp_path / "big.xlsx", "-o", tmp_path / "out"),
                    "big.xlsx: ", "unpacks to more than")


# --- 2. Malformed XLSX -------------------------------------------------------------------------

GOOD = sheet_xml({1: HEADER, 2: BAD_ROW})
DTD = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "lol">'
          + "".join(f'<!ENTITY a{i} "{"&a;" * 10}">' for i in range(8)) + "]>")


@pytest.mark.parametrize("make, message", [
    (lambda: workbook(GOOD[: len(GOOD) // 2]), "x.xlsx: sheet «S1»: broken XML"),
    (lambda: workbook(GOOD.replace("<row", "<row><c>", 1)), "x.xlsx: sheet «S1»: broken XML"),
    (lambda: workbook(sheet_xml({1: ["&e;"]}, before=DTD)),
     "x.xlsx: xl/worksheets/sheet1.xml: declares a DTD or entities"),
    (lambda: workbook(sheet_xml({1: ["&a7;"]}, before=LAUGHS)),
     "x.xlsx: xl/worksheets/sheet1.xml: declares a DTD or entities"),
    # In a part nobody reads as well: the workbook is not one Excel saved.
    (lambda: workbook(GOOD, parts={"docProps/app.xml": DTD + "<Properties/>"}),
     "x.xlsx: docProps/app.xml: declares a DTD or entities"),
    (lambda: workbook(GOOD, parts={"xl/workbook.xml": DTD + "<workbook/>"}),
     "x.xlsx: xl/workbook.xml: declares a DTD or entities"),
    (lambda: workbook(GOOD, parts={"xl/worksheets/sheet1.xml": GOOD.encode("utf-16")}),
     "x.xlsx: not a readable XLSX workbook (xl/worksheets/sheet1.xml: not UTF-8 XML)"),
    (lambda: workbook(kinds=("chartsheet", "worksheet")),
     "x.xlsx: the first sheet «S1» is a chart, not a table"),
    (lambda: workbook(GOOD, parts={"xl/worksheets/sheet1.xml": None}),
     "x.xlsx: sheet «S1»: its part xl/worksheets/sheet1.xml is missing"),
    (lambda: workbook(GOOD, parts={"xl/workbook.xml": f'<workbook xmlns="{MAIN}"><sheets/>'
                                                      "</workbook>"}),
     "x.xlsx: the workbook has no sheets"),
    (lambda: workbook(GOOD, parts={"xl/workbook.xml": None}),
     "x.xlsx: xl/workbook.xml: missing from the workbook"),
    (lambda: workbook(GOOD.replace('<row r="2">', '<row r="1">')),
     "x.xlsx: sheet «S1»: row number «1» out of order or not one"),
    (lambda: workbook(GOOD.replace('<row r="1">', '<row r="0">')),
     "x.xlsx: sheet «S1»: row number «0» out of order or not one"),
    (lambda: workbook(GOOD.replace('r="A1"', 'r="XFE1"')),
     "x.xlsx: sheet «S1»: «XFE1» is not a cell of row 1"),
    (lambda: workbook(GOOD.replace('<c r="A2" t="inlineStr"><is><t>r-1</t></is></c>',
                                   '<c r="A2" t="s"><v>1000000000000</v></c>')),
     "x.xlsx: sheet «S1»: cell A2 names a shared string the workbook has not"),
    (lambda: workbook(GOOD.replace("r-1", "x" * 40_000)),
     "x.xlsx: sheet «S1»: cell A2: more than 32767 characters"),
    (lambda: workbook(GOOD)[:300], "x.xlsx: not a readable XLSX workbook"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
     "x.xlsx: an old .xls or a workbook with a password"),
    (lambda: b"name;track\n", "x.xlsx: not a readable XLSX workbook (File is not a zip file)"),
])
def test_a_malformed_xlsx_is_one_line_naming_the_file(batch, tmp_path, make, message):
    (tmp_path / "x.xlsx").write_bytes(make())
    _one_clean_line(batch(tmp_path / "x.xlsx", "-o", tmp_path / "out"), message)
    assert not (tmp_path / "out").exists()


def test_an_entity_never_reaches_a_message(batch, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    dtd = f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY s SYSTEM "file://{secret}">]>'
    (tmp_path / "x.xlsx").write_bytes(workbook(sheet_xml({1: ["&s;"]}, before=dtd)))
    result = batch(tmp_path / "x.xlsx", "-o", tmp_path / "out")
    assert result.code == 1 and "TOP-SECRET" not in result.err + result.out


def test_the_register_import_reads_tables_as_the_batch_does(run, tmp_path):
    (tmp_path / "x.xlsx").write_bytes(workbook(kinds=("chartsheet",)))
    result = run("registry", "--db", tmp_path / "r.db", "import", tmp_path / "x.xlsx")
    assert result.code == 1 and "Traceback" not in result.err
    assert "x.xlsx: the first sheet «S1» is a chart, not a table" in result.err


# --- 3. Many bad rows: memory and output ---------------------------------------------------------

def _invalid_csv(path: Path, count: int) -> Path:
    lines = [";".join(HEADER)] + [f"r-{n};regional;пять" for n in range(count)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _peak(path: Path, tmp_path: Path, monkeypatch) -> int:
    """Peak memory (bytes Python allocated) of reading the table and running its batch; the
    build of an item stubbed to fail at once, as a bad row does."""
    def build_item(item, *_args):
        return runner.Outcome(item.name, item.source, runner.FAILED, "term.years",
                              (f"{item.source}: term.years: expected a whole number",))

    monkeypatch.setattr(runner, "build_item", build_item)
    # Reading a file allocates its limit at first (and gives back the rest): the limit the
    # file's own size, so that the peak is the batch's.
    monkeypatch.setattr(tables, "MAX_TABLE_BYTES", path.stat().st_size)
    tracemalloc.start()
    try:
        work = items.read(path)
        summary = runner.run(work, tmp_path / path.stem, Options("agreement"), jobs=1)
        assert summary.counts[runner.FAILED] == len(work)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_is_flat_in_the_number_of_rows(tmp_path, monkeypatch):
    """100,000 invalid rows took 1.3 GB: every row was an item in a list, each with a dict
    of every key path (before this change: 52 MB at 1,000 rows, 119 MB at 10,000). Now the
    growth is the table's bytes and a few bytes a row."""
    _peak(_invalid_csv(tmp_path / "warm.csv", 10), tmp_path, monkeypatch)  # caches, imports
    small = _peak(_invalid_csv(tmp_path / "small.csv", 300), tmp_path, monkeypatch)
    large = _peak(_invalid_csv(tmp_path / "large.csv", 3_000), tmp_path, monkeypatch)
    assert large - small < 1_000_000, (small, large)
    assert len(_report(tmp_path / "large")) == 3_001


def test_one_item_shows_at_most_max_problems(tmp_path, monkeypatch):
    from xbdocs.findings import ERROR, Finding

    many = errors.FindingsError([Finding("XB001", ERROR, f"areas[{n}]", "wrong")
                                 for n in range(500)])

    def fail(item):
        raise many

    monkeypatch.setattr(items, "answers_with_text", fail)
    (item,) = items.read(_invalid_csv(tmp_path / "t.csv", 1))
    outcome = runner.build_item(item, tmp_path / "out", Options("agreement"), False, None)
    assert len(outcome.messages) == errors.MAX_PROBLEMS + 1
    assert outcome.messages[-1] == "… and 400 more problems"


def test_many_bad_rows_print_a_bounded_console(batch, tmp_path):
    result = batch(_invalid_csv(tmp_path / "t.csv", 300), "-o", tmp_path / "out")
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) < 30  # the first failures, each whole, and a count of the rest
    shown = len({line.split(":")[1] for line in lines if line.startswith("failed: ")})
    assert 1 <= shown < 20
    assert f"… and {300 - shown} more failed items: see the report" in result.err
    # Every problem of a row at once: the number that is not one and what the row lacks.
    assert "failed: r-0: t.csv:2: term.years: expected a whole number" in result.err
    assert "failed: r-0: t.csv:2: parties: required, but missing" in result.err
    assert "failed: r-0: t.csv:2: term: required" not in result.err  # not the cell again
    assert len(_report(tmp_path / "out")) == 301


# --- 4. CSV as a Russian Excel saves it, and hostile CSV ------------------------------------------

@pytest.mark.parametrize("encoding, delimiter", [
    ("utf-8-sig", ";"), ("utf-8", ","), ("cp1251", ";"), ("utf-16", "\t"), ("utf-16-le", "\t")])
def test_a_csv_in_each_encoding_excel_saves(batch, tmp_path, encoding, delimiter):
    text = "\r\n".join(delimiter.join(line) for line in (HEADER, BAD_ROW)) + "\r\n"
    (tmp_path / "t.csv").write_bytes(text.encode(encoding))
    result = batch(tmp_path / "t.csv", "-o", tmp_path / "out")
    # The row is read right (its Cyrillic too) and fails as itself.
    assert result.code == 1
    assert "t.csv:2: term.years: expected a whole number, got «пять»" in result.err


@pytest.mark.parametrize("content, message", [
    (b"name;track\r\nx;\xcf\xff\x98\r\n", "t.csv: not UTF-8 text; save the table as «CSV UTF-8»"),
    ("name;subject.kk\r\nx;Қазақстан\r\n".encode("cp1251", errors="replace"),
     "t.csv: cell B2: «?» in a table saved in Windows-1251"),
    (b"name;track\r\nx;regi\x00onal\r\n", "t.csv: row 2: a NUL character"),
    (b"name;track\r\nx;" + b"y" * 200_000 + b"\r\n", "t.csv: row 2: not readable as CSV"),
    (b"name;track\r\n" + b"x;" * 1_000_000 + b"\r\n", "t.csv: row 2: more than 1048576 "
                                                      "characters"),
    (b"name" + b";" * 1_000_000 + b"x\r\n", "t.csv: row 1: more than 1024 columns"),
])
def test_a_hostile_csv_is_one_line_naming_the_file(batch, tmp_path, content, message):
    (tmp_path / "t.csv").write_bytes(content)
    _one_clean_line(batch(tmp_path / "t.csv", "-o", tmp_path / "out"), message)


# --- 5. Nothing the batch writes is a live formula ----------------------------------------------

def test_the_report_holds_no_live_formula(batch, tmp_path, monkeypatch):
    """A source folder named «=HYPERLINK(…)» lands in the report's source and message
    cells: each such cell starts with an apostrophe, which a spreadsheet shows as text."""
    folder = tmp_path / "=HYPERLINK(A1)"
    folder.mkdir()
    (folder / "bad.yaml").write_text("track: regional\nterm:\n  years: '@SUM(A1)'\n",
                                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = batch(folder.name, "-o", "out")
    assert result.code == 1
    rows = _report(tmp_path / "out")
    assert rows[1][1] == "'" + str(Path(folder.name) / "bad.yaml")
    assert rows[1][4].startswith("'=HYPERLINK")
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_STARTS), value


def test_a_report_row_is_safe_whatever_its_cells():
    outcome = runner.Outcome("a", "=cmd|' /C calc'!A0", runner.FAILED, "-x",
                             ("+1+1", "second"), 0, 0.0)
    assert runner.report_row(outcome) == ["a", "'=cmd|' /C calc'!A0", "failed", "'-x",
                                          "'+1+1\nsecond", 0, "0.000"]


def test_the_limits_are_documented():
    documented = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    for limit in ("100,000 rows", "1,024 columns", "32,767 characters", "50 MB", "256 MB",
                  "512 MB"):
        assert limit in documented, limit


def test_a_link_out_of_the_folder_is_a_failed_item_never_read(run, tmp_path):
    """A folder from someone else may hold a link to a secret file: it is not read, and
    nothing of it appears in the messages or the report."""
    import shutil

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER-31c\nroot:x:0:0\n", "utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "altai-pavlodar-2012.yaml", folder / "good.yaml")
    (folder / "link.yaml").symlink_to(secret)
    result = run("batch", folder, "-o", tmp_path / "out", "--no-sheet-count")
    assert result.code == 1
    assert "a link to a file outside the folder" in result.err
    report = (tmp_path / "out" / "batch-report.csv").read_text("utf-8")
    assert "SECRET-MARKER" not in result.err + result.out + report
    assert (tmp_path / "out" / "good" / "agreement.ru.docx").exists()
