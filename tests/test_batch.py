"""xbdocs batch: a folder, a CSV or an XLSX in; one whole package per item out; failures
reported by file or row and field, never stopping the others; unchanged items skipped."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from tests.conftest import ROOT, SAMPLES
from xbdocs import build, schema
from xbdocs.batch import items

TODAY = "2026-11-27"


def _rows(*names: str) -> list[dict]:
    rows = []
    for name in names:
        data = yaml.safe_load((SAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
        data.pop("custom_areas", None)  # a list of sections: not for a table
        rows.append({"name": name, **items.row_of(data)})
    return rows


def _write_csv(path: Path, rows: list[dict], delimiter: str = ";") -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, columns, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _report(outdir: Path) -> dict[str, dict]:
    """The report by item, its columns and statuses as the English ids (the tests speak
    English: the report is in the language of the messages)."""
    statuses = {"skipped: built before from the same inputs": "skipped",
                "not built: stopped": "not-built"}
    with open(outdir / "batch-report.csv", encoding="utf-8-sig", newline="") as stream:
        rows = [{("status" if key == "Outcome" else key.lower()): value
                 for key, value in row.items()}
                for row in csv.DictReader(stream, delimiter=";")]
    return {row["item"]: {**row, "status": statuses.get(row["status"], row["status"])}
            for row in rows}


def _whole(package: Path) -> bool:
    manifest = json.loads((package / "manifest.json").read_text("utf-8"))
    return all((package / f["name"]).is_file() for f in manifest["files"])


@pytest.fixture
def batch(run, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", TODAY)

    def invoke(*args):
        return run("batch", *args)
    return invoke


# --- the mapping of columns to fields -------------------------------------------------------

@pytest.mark.parametrize("path, cell, expected", [
    ("term.years", "5", 5),
    ("term.years", 5.0, 5),            # a spreadsheet's number
    ("term.renewal", "да", True),
    ("term.renewal", "No", False),
    ("term.renewal", True, True),
    ("areas", "economy; culture\nsports-tourism", ["economy", "culture", "sports-tourism"]),
    ("signing.date", "14.04.2027", "14.04.2027"),  # the schema reads it as a date
    ("signing.date", dt.datetime(2027, 4, 14), dt.date(2027, 4, 14)),
    ("parties.russian.inn", 2279001236.0, "2279001236"),
    ("parties.russian.signatory.name.kk", " Петрова Елена ", "Петрова Елена"),
    ("parties.russian.signatory.acts_on", "charter", "charter"),
    ("term.years", "  ", None),
])
def test_a_cell_becomes_the_value_an_answers_file_holds(path, cell, expected):
    assert schema.cell_value(path, cell) == expected


@pytest.mark.parametrize("path, cell, message", [
    ("term.years", "пять", "expected a whole number"),
    ("term.years", "5.5", "expected a whole number"),
    ("term.renewal", "может быть", "expected yes or no"),
])
def test_a_cell_that_cannot_be_the_field(path, cell, message):
    with pytest.raises(ValueError, match=message):
        schema.cell_value(path, cell)


def test_the_columns_are_the_schemas_fields():
    """Every plain field of the answers is a column, and nothing else is (one schema)."""
    columns = set(schema.columns())
    assert {"track", "parties.russian.catalogue", "parties.kazakh.signatory.name.kk",
            "signing.date", "term.renewal", "areas", "filing.expected_results"} <= columns
    for column in columns:
        schema.field_at(column)  # each names a real field
    assert "parties.russian" not in columns and "custom_areas" not in columns
    documented = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    assert [c for c in schema.columns() if f"`{c}`" not in documented] == []


# --- a folder ----------------------------------------------------------------------------------

def test_a_folder_with_a_bad_file_builds_the_others(batch, tmp_path):
    source = tmp_path / "answers"
    source.mkdir()
    for name in ("altai-pavlodar-2012", "uglovsky-borodulikha-municipal"):
        (source / f"{name}.yaml").write_bytes((SAMPLES / f"{name}.yaml").read_bytes())
    bad = yaml.safe_load((SAMPLES / "uglovsky-borodulikha-municipal.yaml").read_text("utf-8"))
    bad["term"]["years"] = "пять"
    (source / "bad.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), "utf-8")
    (source / "notes.txt").write_text("not an answers file")
    result = batch(source, "-o", tmp_path / "out", "-j", "2")
    assert result.code == 1
    assert "built 2, skipped 0 (unchanged), failed 1" in result.out
    assert f"failed: bad: {source / 'bad.yaml'}:" in result.err
    assert "term.years: expected a whole number" in result.err
    report = _report(tmp_path / "out")
    assert report["bad"]["status"] == "failed" and report["bad"]["field"] == "term.years"
    assert report["altai-pavlodar-2012"]["status"] == "built"
    assert not (tmp_path / "out" / "bad").exists()
    for name in ("altai-pavlodar-2012", "uglovsky-borodulikha-municipal"):
        assert _whole(tmp_path / "out" / name)
    assert (tmp_path / "out" / "batch-report.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_batch_builds_what_single_builds_build(batch, run, tmp_path, monkeypatch):
    """Same answers, same day: the same bytes, whether built alone or in a batch."""
    source = tmp_path / "answers"
    source.mkdir()
    for sample in SAMPLES.glob("*.yaml"):
        (source / sample.name).write_bytes(sample.read_bytes())
    assert batch(source, "-o", tmp_path / "batch", "-j", "2", "--stage", "all",
                 "--no-sheet-count").code == 0
    for sample in SAMPLES.glob("*.yaml"):
        alone = tmp_path / "alone" / sample.stem
        assert run("build", sample, "-o", alone, "--stage", "all", "--no-sheet-count").code == 0
        made = sorted(p.name for p in alone.glob("*.docx"))
        assert made == sorted(p.name for p in (tmp_path / "batch" / sample.stem).glob("*.docx"))
        for name in made:
            assert (alone / name).read_bytes() == \
                (tmp_path / "batch" / sample.stem / name).read_bytes(), name


# --- tables -------------------------------------------------------------------------------------

def test_a_csv_with_a_bad_row_builds_the_others(batch, tmp_path):
    rows = _rows("altai-pavlodar-2012", "uglovsky-borodulikha-municipal")
    bad = dict(rows[1], name="bad-row")
    bad["term.years"] = "пять"
    bad["parties.kazakh.catalogue"] = "nowhere-akimat"
    source = _write_csv(tmp_path / "agreements.csv", [rows[0], bad, rows[1]])
    result = batch(source, "-o", tmp_path / "out", "-j", "1")
    assert result.code == 1
    assert "agreements.csv:3: term.years: expected a whole number" in result.err
    report = _report(tmp_path / "out")
    assert report["bad-row"]["source"] == "agreements.csv:3"
    assert report["bad-row"]["field"] == "term.years"
    assert [report[n]["status"] for n in ("altai-pavlodar-2012", "uglovsky-borodulikha-municipal")
            ] == ["built", "built"]
    package = tmp_path / "out" / "uglovsky-borodulikha-municipal"
    assert _whole(package)
    kept = yaml.safe_load((package / "built-from.yaml").read_text("utf-8"))
    assert kept["parties"]["russian"]["catalogue"] == "altai-uglovsky-district"
    assert kept["term"] == {"years": 5, "renewal": False, "notice_months": 6}


def test_every_problem_of_a_row_in_one_run(batch, tmp_path):
    """A row with a number that is not one and a party the catalogue does not have: both
    in the first run, not one a run."""
    bad = dict(_rows("uglovsky-borodulikha-municipal")[0], name="bad-row")
    bad["term.years"] = "пять"
    bad["parties.kazakh.catalogue"] = "nowhere-akimat"
    result = batch(_write_csv(tmp_path / "agreements.csv", [bad]), "-o", tmp_path / "out")
    assert result.code == 1
    assert "agreements.csv:2: term.years: expected a whole number" in result.err
    assert "agreements.csv:2: parties.kazakh.catalogue:" in result.err
    assert "nowhere-akimat" in _report(tmp_path / "out")["bad-row"]["messages"]


def test_a_row_split_by_an_unquoted_semicolon_is_named(batch, tmp_path):
    """«economy; culture» unquoted in a «;» table makes the row longer than the header: the
    batch stops before building anything, naming the row and what to do (read on, its
    cells would be answers in the wrong fields)."""
    rows = _rows("altai-pavlodar-2012", "uglovsky-borodulikha-municipal")
    source = _write_csv(tmp_path / "agreements.csv", rows[:1])
    columns = list(dict.fromkeys(key for row in rows for key in row))
    source = _write_csv(tmp_path / "agreements.csv", [dict.fromkeys(columns, ""), rows[0]])
    lines = source.read_text("utf-8-sig").splitlines()
    header = lines[0].split(";")
    municipal = [str(rows[1].get(column, "")).replace("\n", " ") for column in header]
    assert any("; " in cell for cell in municipal), "a list cell with «;» in it"
    lines = [lines[0], *lines[2:], ";".join(municipal)]  # written by hand, unquoted
    source.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    result = batch(source, "-o", tmp_path / "out", "-j", "1")
    assert result.code == 1
    extra = sum(cell.count(";") for cell in municipal)
    assert f"agreements.csv: row 3: {len(header) + extra} cells where the header has " \
        f"{len(header)}: a «;» inside a cell" in result.err
    assert not (tmp_path / "out" / "altai-pavlodar-2012").exists()  # stopped before any


def test_the_report_speaks_russian_for_a_russian_clerk(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", TODAY)
    source = _write_csv(tmp_path / "agreements.csv", _rows("altai-pavlodar-2012"))
    assert run("batch", source, "-o", tmp_path / "out", lang="ru").code == 0
    raw = (tmp_path / "out" / "batch-report.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("Соглашение;Источник;Итог;")
    assert ";собрано;" in row
def test_a_csv_row_builds_the_same_text_as_its_answers_file(batch, run, tmp_path):
    source = _write_csv(tmp_path / "agreements.csv", _rows("uglovsky-borodulikha-municipal"),
                        delimiter=",")
    assert batch(source, "-o", tmp_path / "out").code == 0
    alone = tmp_path / "alone"
    assert run("build", SAMPLES / "uglovsky-borodulikha-municipal.yaml", "-o", alone).code == 0
    for name in ("agreement.ru-kk.docx", "agreement.kk.docx"):
        with zipfile.ZipFile(alone / name) as a, zipfile.ZipFile(
                tmp_path / "out" / "uglovsky-borodulikha-municipal" / name) as b:
            assert a.read("word/document.xml") == b.read("word/document.xml")


def test_a_row_read_back_is_the_answers_it_was_made_from(tmp_path):
    from xbdocs import answers as answers_module

    for sample in sorted(SAMPLES.glob("*.yaml")):
        data = yaml.safe_load(sample.read_text("utf-8"))
        data.pop("custom_areas", None)
        (item,) = items.read(_write_csv(tmp_path / "one.csv", [items.row_of(data)]))
        assert items.answers_of(item).model_dump() == \
            answers_module.parse(data, {}).model_dump(), sample.name
    with pytest.raises(ValueError, match="custom_areas: no column for it in a table"):
        items.row_of({"custom_areas": [{"ru": "а", "kk": "ә"}]})


def test_a_row_without_a_name_is_named_by_its_row(tmp_path):
    rows = _rows("altai-pavlodar-2012")
    del rows[0]["name"]
    work = items.read(_write_csv(tmp_path / "list.csv", [rows[0], {}, rows[0]]))
    assert [(i.name, i.source) for i in work] == [("row-2", "list.csv:2"),
                                                   ("row-4", "list.csv:4")]


@pytest.mark.parametrize("header, message", [
    ("parties.russian.catalog", "column B «parties.russian.catalog»: unknown key; did you mean "
                                "«parties.russian.catalogue»?"),
    ("parties.russian", "column B «parties.russian»: unknown key"),
    ("track", "column «track» appears twice"),
])
def test_a_column_that_is_not_a_field_stops_the_batch_before_any_build(batch, tmp_path,
                                                                       header, message):
    row = _rows("altai-pavlodar-2012")[0]
    source = tmp_path / "list.csv"
    source.write_text(f"track;{header}\nregional;x\n", encoding="utf-8")
    result = batch(source, "-o", tmp_path / "out")
    assert result.code == 1 and message in result.err, result.err
    assert not (tmp_path / "out").exists()
    assert row  # the header alone is at fault


def test_an_xlsx_with_typed_cells(batch, tmp_path):
    rows = _rows("uglovsky-borodulikha-municipal", "altai-pavlodar-2012")
    book = openpyxl.Workbook()
    sheet = book.active
    columns = list(dict.fromkeys(key for row in rows for key in row))
    sheet.append(columns)
    for row in rows:
        values = []
        for column in columns:
            value = row.get(column)
            if column.endswith("date") and value:
                value = dt.datetime.strptime(value, "%d.%m.%Y")  # a real date cell
            elif column in ("term.years", "copies", "term.notice_months") and value:
                value = float(value)  # Excel keeps numbers as floats
            elif column == "parties.russian.inn" and value:
                value = int(value)
            elif value in ("да", "нет"):
                value = value == "да"
            values.append(value)
        sheet.append(values)
    sheet.append([None] * len(columns))  # an empty row is skipped
    bad = {"name": "incomplete", "track": "municipal"}
    sheet.append([bad.get(c) for c in columns])
    source = tmp_path / "list.xlsx"
    book.save(source)
    result = batch(source, "-o", tmp_path / "out", "-j", "2")
    assert result.code == 1
    report = _report(tmp_path / "out")
    assert report["uglovsky-borodulikha-municipal"]["status"] == "built"
    assert report["altai-pavlodar-2012"]["status"] == "built"
    assert report["incomplete"]["status"] == "failed"
    assert report["incomplete"]["source"] == "list.xlsx:5"
    assert "list.xlsx:5: parties" in result.err
    kept = yaml.safe_load((tmp_path / "out" / "uglovsky-borodulikha-municipal" /
                           "built-from.yaml").read_text("utf-8"))
    assert kept["signing"]["date"] == dt.date(2027, 4, 14) and kept["copies"] == 2


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04broken", "not a readable XLSX workbook"),
    (b"", "nothing to build"),
])
def test_unreadable_tables(batch, tmp_path, content, message):
    source = tmp_path / ("list.xlsx" if content else "list.csv")
    source.write_bytes(content)
    result = batch(source, "-o", tmp_path / "out")
    assert result.code == 1 and message in result.err and "Traceback" not in result.err


# --- running again ----------------------------------------------------------------------------

def test_running_again_skips_what_is_built_from_the_same_inputs(batch, tmp_path):
    rows = _rows("altai-pavlodar-2012", "uglovsky-borodulikha-municipal")
    source = _write_csv(tmp_path / "list.csv", rows)
    out = tmp_path / "out"
    # In this process (-j 1): what is skipped is decided per item, whoever builds it; a
    # worker process would only cost its start-up, six times.
    batch = functools.partial(batch, "-j", "1")
    assert batch(source, "-o", out).code == 0
    before = (out / "altai-pavlodar-2012" / "agreement.ru.docx").stat().st_mtime_ns
    again = batch(source, "-o", out)
    assert again.code == 0 and "built 0, skipped 2 (unchanged)" in again.out
    assert (out / "altai-pavlodar-2012" / "agreement.ru.docx").stat().st_mtime_ns == before
    # A row moved is the same answers: still skipped.
    _write_csv(source, rows[::-1])
    assert "skipped 2" in batch(source, "-o", out).out
    # A changed row is not overwritten without --force …
    rows[0]["copies"] = 3
    _write_csv(source, rows)
    changed = batch(source, "-o", out)
    assert changed.code == 1 and "built before from other answers" in changed.err
    assert "built 0, skipped 1 (unchanged), failed 1" in changed.out
    # … and is with it; a different stage is a different build.
    assert "built 2, skipped 0" in batch(source, "-o", out, "--force").out
    assert "failed 2" in batch(source, "-o", out, "--stage", "approval",
                               "--no-sheet-count").out
    # A document edited since is not overwritten without --force either.
    (out / "altai-pavlodar-2012" / "agreement.ru.docx").write_bytes(b"edited by hand")
    edited = batch(source, "-o", out)
    assert "built 0, skipped 1 (unchanged), failed 1" in edited.out
    assert "changed since it was built (agreement.ru.docx); use --force" in edited.err


@pytest.mark.parametrize("after", [0.2, 0.6, 1.0])
def test_ctrl_c_while_starting_is_quiet(tmp_path, after):
    """Ctrl-C while the command or its workers are still starting: no traceback, exit 130,
    nothing half-made."""
    row = _rows("altai-pavlodar-2012")[0]
    source = _write_csv(tmp_path / "list.csv",
                        [dict(row, name=f"item-{index:03d}") for index in range(20)])
    out = tmp_path / "out"
    env = {**os.environ, "XBDOCS_TODAY": TODAY, "XBDOCS_LANG": "en"}
    process = subprocess.Popen(
        [sys.executable, "-m", "xbdocs", "batch", str(source), "-o", str(out), "-j", "2"],
        env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)
    _out, stderr = process.communicate(timeout=60)
    # 130; 0 when it had finished; or ended by the signal itself, which a shell also reports
    # as 130 — Python does so when Ctrl-C lands while it starts up or shuts down.
    assert process.returncode in (130, 0, -signal.SIGINT), stderr
    assert "Traceback" not in stderr, stderr
    for folder in (p for p in out.iterdir() if p.is_dir()) if out.exists() else ():
        assert _whole(folder)


def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(tmp_path):
    """Ctrl-C in a terminal reaches the whole process group: the batch stops handing out
    items, the running ones finish, and every package left is whole."""
    row = _rows("altai-pavlodar-2012")[0]
    rows = [dict(row, name=f"item-{index:03d}") for index in range(60)]
    source = _write_csv(tmp_path / "list.csv", rows)
    out = tmp_path / "out"
    env = {**os.environ, "XBDOCS_TODAY": TODAY, "XBDOCS_LANG": "en"}
    command = [sys.executable, "-m", "xbdocs", "batch", str(source), "-o", str(out), "-j", "2"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("item-*/manifest.json"))) < 3:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)
    _out, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    report = _report(out)
    built = [name for name, row in report.items() if row["status"] == "built"]
    assert 3 <= len(built) < 60 and "not-built" in {row["status"] for row in report.values()}
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert sorted(p.name for p in folders) == sorted(built)  # nothing half-made beside them
    for folder in folders:
        assert _whole(folder) and not list(folder.glob(".xbdocs-*"))
    rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"built {60 - len(built)}, skipped {len(built)} (unchanged)" in rerun.stdout


def test_a_folder_without_a_manifest_holds_nothing_built(tmp_path):
    assert build.compare(tmp_path, {"answers": {"sha256": "x"}}) == (build.NOTHING, [])
    (tmp_path / "manifest.json").write_text("{not json")
    assert build.compare(tmp_path, {"answers": {"sha256": "x"}})[0] == build.OTHER_INPUTS


def test_many_failures_are_summed_up_and_all_in_the_report(batch, tmp_path):
    rows = [{"name": f"bad-{index:02d}", "track": "municipal"} for index in range(25)]
    result = batch(_write_csv(tmp_path / "list.csv", rows), "-o", tmp_path / "out", "-j", "1")
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith("failed: bad-")]
    shown = {line.split(":")[1] for line in lines}
    assert 25 - 3 <= len(lines) <= 25 and " bad-20" not in shown  # each item whole
    assert f"… and {25 - len(shown)} more failed items: see the report" in result.err
    assert len(_report(tmp_path / "out")) == 25
