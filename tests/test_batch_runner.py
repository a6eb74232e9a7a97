"""Building a batch (xbdocs.batch.runner), called directly in this process: each item's
outcome in the order of the work, the report read back, the skip of what is built from the
same inputs, Ctrl-C between items, a bug in one item. The worker processes (``jobs`` > 1)
and the command are tests/test_batch.py's."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import SAMPLES
from xbdocs.batch import items, runner
from xbdocs.package import Options

TODAY = dt.date(2026, 11, 27)
OPTIONS = Options("agreement", count_sheets=False)
PAVLODAR, MUNICIPAL = "altai-pavlodar-2012", "uglovsky-borodulikha-municipal"


def _report(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=";"))


def _whole(package: Path) -> bool:
    manifest = json.loads((package / "manifest.json").read_text("utf-8"))
    return all((package / f["name"]).is_file() for f in manifest["files"])


@pytest.fixture
def folder(tmp_path) -> Path:
    """Two samples and one answers file with a term that is not a number."""
    source = tmp_path / "answers"
    source.mkdir()
    for name in (PAVLODAR, MUNICIPAL):
        (source / f"{name}.yaml").write_bytes((SAMPLES / f"{name}.yaml").read_bytes())
    bad = yaml.safe_load((SAMPLES / f"{MUNICIPAL}.yaml").read_text("utf-8"))
    bad["term"]["years"] = "пять"
    (source / "bad.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), "utf-8")
    return source


def test_each_item_in_order_and_the_report(folder, tmp_path):
    out = tmp_path / "out"
    told: list[str] = []
    summary = runner.run(items.read(folder), out, OPTIONS, jobs=1, today=TODAY,
                         progress=lambda outcome: told.append(outcome.name))
    assert told == [PAVLODAR, "bad", MUNICIPAL]
    assert [(o.name, o.status) for o in summary.outcomes] == [
        (PAVLODAR, runner.BUILT), ("bad", runner.FAILED), (MUNICIPAL, runner.BUILT)]
    assert summary.counts == {runner.BUILT: 2, runner.SKIPPED: 0, runner.FAILED: 1,
                              runner.NOT_BUILT: 0}
    assert not summary.interrupted and summary.report == out / runner.REPORT
    pavlodar, bad, municipal = summary.outcomes
    # A failed item names its file and the field at fault, and is not built at all …
    assert bad.source == str(folder / "bad.yaml") and bad.field == "term.years"
    assert len(bad.messages) == 1 and "term.years: expected a whole number" in bad.messages[0]
    assert bad.warnings == 0 and not (out / "bad").exists()
    # … a built one is whole, with the findings `check` prints for it.
    assert _whole(out / PAVLODAR) and _whole(out / MUNICIPAL)
    assert pavlodar.warnings == len(pavlodar.messages) == 1
    assert pavlodar.messages[0].endswith("[XB014]") and "pavlodar-region-akimat" in \
        pavlodar.messages[0]
    # agriculture, emergencies (a district only takes part) and epidemics: issue 23 §2.5
    assert [m[-7:] for m in municipal.messages] == ["[XB014]", "[XB014]", "[XB021]", "[XB021]",
                                                    "[XB021]"]
    assert all(o.seconds > 0 for o in summary.outcomes) and summary.seconds > 0
    report = _report(summary.report)
    assert list(report[0]) == ["Item", "Source", "Outcome", "Field", "Messages", "Warnings",
                               "Seconds"]
    assert [row["Item"] for row in report] == [PAVLODAR, "bad", MUNICIPAL]
    assert report[1]["Outcome"] == "failed" and report[1]["Field"] == "term.years"
    assert report[2]["Messages"] == "\n".join(municipal.messages)
    assert report[2]["Warnings"] == "5"
    assert report[0]["Seconds"] == f"{pavlodar.seconds:.3f}"


def test_a_table_row_is_built_and_a_bad_cell_fails_its_row(tmp_path):
    data = yaml.safe_load((SAMPLES / f"{MUNICIPAL}.yaml").read_text("utf-8"))
    good = {"name": "good", **items.row_of(data)}
    bad = dict(good, name="bad-cell", **{"term.years": "пять"})
    source = tmp_path / "list.csv"
    with open(source, "w", encoding="utf-8-sig", newline="") as stream:
        table = csv.DictWriter(stream, list(good), delimiter=";")
        table.writeheader()
        table.writerows([good, bad])
    summary = runner.run(items.read(source), tmp_path / "out", OPTIONS, today=TODAY)
    assert [(o.name, o.source, o.status, o.field) for o in summary.outcomes] == [
        ("good", "list.csv:2", runner.BUILT, ""),
        ("bad-cell", "list.csv:3", runner.FAILED, "term.years")]
    kept = yaml.safe_load((tmp_path / "out" / "good" / "built-from.yaml").read_text("utf-8"))
    assert kept["term"] == {"years": 5, "renewal": False, "notice_months": 6}


def test_what_is_built_from_the_same_inputs_is_skipped(folder, tmp_path):
    (item,) = [i for i in items.read(folder) if i.name == PAVLODAR]
    out = tmp_path / "out"
    first = runner.build_item(item, out, OPTIONS, False, TODAY)
    assert first.status == runner.BUILT
    document = out / PAVLODAR / "agreement.ru.docx"
    made = document.read_bytes()
    before = document.stat().st_mtime_ns
    again = runner.build_item(item, out, OPTIONS, False, TODAY)
    assert (again.status, again.messages) == (runner.SKIPPED, ())
    assert document.stat().st_mtime_ns == before
    # Other options are other inputs: not overwritten without force.
    other = runner.build_item(item, out, Options("approval", count_sheets=False), False, TODAY)
    assert other.status == runner.FAILED
    assert other.messages == (f"{out / PAVLODAR}: built before from other answers, templates "
                              "or options; use --force to build it again",)
    document.write_bytes(b"edited by hand")
    edited = runner.build_item(item, out, OPTIONS, False, TODAY)
    assert edited.status == runner.FAILED and edited.messages == (
        f"{out / PAVLODAR}: changed since it was built (agreement.ru.docx); use --force to "
        "build it again (the changes are lost)",)
    assert document.read_bytes() == b"edited by hand"
    forced = runner.build_item(item, out, OPTIONS, True, TODAY)
    assert forced.status == runner.BUILT and document.read_bytes() == made


def test_ctrl_c_between_items_reports_the_rest_as_not_built(folder, tmp_path):
    def interrupt(outcome):
        raise KeyboardInterrupt

    out = tmp_path / "out"
    summary = runner.run(items.read(folder), out, OPTIONS, today=TODAY, progress=interrupt)
    assert summary.interrupted
    assert [(o.name, o.status) for o in summary.outcomes] == [
        (PAVLODAR, runner.BUILT), ("bad", runner.NOT_BUILT), (MUNICIPAL, runner.NOT_BUILT)]
    assert summary.counts[runner.NOT_BUILT] == 2
    assert sorted(p.name for p in out.iterdir()) == [PAVLODAR, runner.REPORT]
    assert [row["Outcome"] for row in _report(out / runner.REPORT)] == [
        "built", "not built: stopped", "not built: stopped"]


def test_a_bug_fails_its_item_and_the_others_go_on(folder, tmp_path, monkeypatch):
    real = runner.build.build_answers

    def build_answers(answers, answers_name, target, *args):
        if target.name == PAVLODAR:
            raise RuntimeError("a bug")
        return real(answers, answers_name, target, *args)

    monkeypatch.setattr(runner.build, "build_answers", build_answers)
    work = [i for i in items.read(folder) if i.name != "bad"]
    summary = runner.run(work, tmp_path / "out", OPTIONS, today=TODAY)
    broken, built = summary.outcomes
    assert broken.status == runner.FAILED and broken.field == ""
    assert broken.messages == ("internal error: RuntimeError. This is a bug in xbdocs; build "
                               "this item alone with XBDOCS_DEBUG=1 to see the details.",)
    assert built.status == runner.BUILT and _whole(tmp_path / "out" / MUNICIPAL)


def test_the_report_is_written_whole_over_the_last_one(tmp_path):
    path = tmp_path / runner.REPORT
    path.write_text("the last run's report")
    runner.write_report(path, [
        runner.Outcome("a", "list.csv:2", runner.FAILED, "term.years",
                       ("first line", "second; line, «quoted»"), 0, 1.23456),
        runner.Outcome("b", "list.csv:3", runner.NOT_BUILT)])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads Cyrillic with the mark
    assert _report(path) == [
        {"Item": "a", "Source": "list.csv:2", "Outcome": "failed", "Field": "term.years",
         "Messages": "first line\nsecond; line, «quoted»", "Warnings": "0",
         "Seconds": "1.235"},
        {"Item": "b", "Source": "list.csv:3", "Outcome": "not built: stopped", "Field": "",
         "Messages": "", "Warnings": "0", "Seconds": "0.000"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == [runner.REPORT]  # no temporary left


def test_the_summary_counts_every_status():
    outcomes = [runner.Outcome(str(n), "", status) for n, status in enumerate(
        [runner.BUILT, runner.SKIPPED, runner.SKIPPED, runner.FAILED, runner.NOT_BUILT])]
    summary = runner.Summary(outcomes, 1.0, Path("r.csv"))
    assert summary.counts == {"built": 1, "skipped": 2, "failed": 1, "not-built": 1}


def test_outcomes_come_in_any_order_and_are_reported_in_the_items(tmp_path):
    """Workers finish in any order; the report and the summary keep the items' order, and
    an item handed out but never done (Ctrl-C) is not-built in its place."""
    work = [items.Item(f"i{n}", f"t.csv:{n + 2}", data={}) for n in range(4)]
    report = tmp_path / runner.REPORT
    with runner._Ledger(report) as ledger:
        for index in range(3):
            ledger.started(index, work[index])
        ledger.done(2, runner.Outcome("i2", "t.csv:4", runner.BUILT))
        ledger.done(0, runner.Outcome("i0", "t.csv:2", runner.FAILED, "term.years", ("x",)))
        ledger.finish(work)
    assert [(o.name, o.status) for o in ledger.outcomes] == [
        ("i0", runner.FAILED), ("i1", runner.NOT_BUILT), ("i2", runner.BUILT),
        ("i3", runner.NOT_BUILT)]
    assert ledger.outcomes[-1].source == "t.csv:5" and len(ledger.outcomes) == 4
    assert [row["Item"] for row in _report(report)] == ["i0", "i1", "i2", "i3"]
    assert ledger.counts == {runner.BUILT: 1, runner.SKIPPED: 0, runner.FAILED: 1,
                             runner.NOT_BUILT: 2}
    assert [o.name for o in ledger.failures] == ["i0"]


def test_a_failed_batch_leaves_the_last_report(tmp_path):
    report = tmp_path / runner.REPORT
    report.write_text("the last run's report")
    with pytest.raises(RuntimeError), runner._Ledger(report) as ledger:
        ledger.done(0, runner.Outcome("a", "t.csv:2", runner.BUILT))
        raise RuntimeError
    assert report.read_text() == "the last run's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == [runner.REPORT]
