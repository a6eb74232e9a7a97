"""Broken and hostile inputs through every door of the CLI — build, batch, registry import,
set, export and due, plan, interview --resume, the register's --db, letterheads: never an
internal error, a hang, a bomb's memory, a file outside what the command names, a partial
set, a forged message line, a file's contents the user did not name, a password, or a live
formula in a table written.

This is CI's share: each named hostile class once, and a seeded sample of generated inputs
across the doors. The cases of the tests selected run first, in forked children two or more
at a time (tests/fuzzcases.run_many); each test then reports its own. The long campaign,
with the same generator and the same judge:

    python -m tests.fuzzcases --count 5000 --jobs 2 --failures /tmp/fuzz-failures.json
"""

from __future__ import annotations

import functools
import os
import random

import pytest

from tests import fuzzcases

RANDOM_CASES = 120
#: Each command is stopped after this long (a hang), as in the campaign.
SECONDS = fuzzcases.SECONDS_PER_CASE
JOBS = max(2, min(4, os.cpu_count() or 2))


@functools.cache
def _named_cases() -> dict[str, fuzzcases.Case]:
    return fuzzcases.named_cases()


def _generated(index: int) -> fuzzcases.Case:
    return fuzzcases.make_case(random.Random(f"ci:{index}"), index)


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[str, fuzzcases.Outcome]:
    """The outcomes of every case this session's fuzz tests ask for, run at once."""
    from xbdocs import sandbox

    cases = []
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.module is not request.module:
            continue
        if "name" in params:
            cases.append(_named_cases()[params["name"]])
        elif "index" in params:
            cases.append(_generated(params["index"]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sandbox, "RENDER_SECONDS", 2.0)
        fuzzcases.warm_up()
        pairs = [(case, tmp_path_factory.mktemp("fuzz")) for case in cases]
        return {outcome.name: outcome
                for outcome in fuzzcases.run_many(pairs, JOBS, SECONDS)}


@pytest.mark.parametrize("name", list(_named_cases()))
def test_named_hostile_input(name, outcomes):
    outcome = outcomes[name]
    assert outcome.problems == [], outcome


@pytest.mark.parametrize("index", range(RANDOM_CASES))
def test_generated_input(index, outcomes):
    case = _generated(index)
    outcome = outcomes[case.name]
    assert outcome.problems == [], (case.name, outcome)


# --- the judge itself: what it must see -------------------------------------------------------

def test_the_judge_sees_a_bad_run(tmp_path):
    case = fuzzcases.Case("judged")
    secret = tmp_path / "secret.txt"
    marker = fuzzcases.marker_of(case)
    argv = ["build", "answers.yaml"]
    assert fuzzcases.judge_run(0, "written: out/a.docx\n", "", argv, case, secret) == []
    found = " | ".join(fuzzcases.judge_run(
        70, f"{marker}\n", "internal error: X\n" + "x" * 1001 + "\n\x1b[2J root:x:0:0 "
        "SECRETPW\n", argv, case, secret))
    for kind in ("exit 70", "internal error", "over 1000", "control character",
                 "secret file's marker", "/etc/passwd", "password"):
        assert kind in found
    # A file the user named on the command line is theirs to see.
    assert fuzzcases.judge_run(1, marker, "", ["build", "../../secret.txt"], case,
                               secret) == []


def test_the_judge_sees_live_formulas(tmp_path):
    from openpyxl import Workbook

    case = fuzzcases.Case("judged")
    (tmp_path / "ok.csv").write_text('\ufeffa;b\r\n"\'=1+1";-5\r\n', encoding="utf-8")
    (tmp_path / "bad.csv").write_text('a,b\r\nx,"=HYPERLINK(""x"")"\r\n', encoding="utf-8")
    (tmp_path / "tab.csv").write_text('a;b\r\nx;"\tcmd"\r\n', encoding="utf-8")
    assert fuzzcases._csv_formulas(tmp_path / "ok.csv", case, "ok.csv") == []
    assert fuzzcases._csv_formulas(tmp_path / "bad.csv", case, "bad.csv")
    assert fuzzcases._csv_formulas(tmp_path / "tab.csv", case, "tab.csv")
    book = Workbook()
    book.active["A1"] = "=1+1"
    book.save(tmp_path / "bad.xlsx")
    assert fuzzcases._xlsx_formulas(tmp_path / "bad.xlsx", "bad.xlsx")


def test_the_judge_sees_files_outside_and_a_contained_bomb(tmp_path):
    case = fuzzcases.Case("strays")
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    before = fuzzcases._listing(tmp_path)
    (folder / "out").mkdir()
    (folder / "out" / "fine.docx").write_text("x")
    (folder / "stray.txt").write_text("x")
    (tmp_path / "elsewhere.txt").write_text("x")
    (folder / "out" / ".stage.tmp").write_text("x")
    found = " | ".join(fuzzcases.judge_files(tmp_path, folder, before, [
        "build", "answers.yaml", "-o", "out"], 1, case))
    assert "stray.txt" in found and "elsewhere.txt" in found and "fine.docx" in found
    assert "temporary files left" in found and "files written on error" in found
    # A case that asks for more memory than a child may have fails itself, not the runner.
    bomb = fuzzcases.Case("bomb", setup=lambda folder: bytearray(3 * 1024**3))
    outcome = fuzzcases.run_case(bomb, tmp_path / "bomb")
    assert outcome.problems and "MemoryError" in outcome.problems[0], outcome
