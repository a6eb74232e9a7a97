"""xbdocs against docxtpl, and xbdocs's own speed targets, measured in one run.

    pip install '.[bench]'          # docxtpl, for the comparison
    python bench/speed.py [--runs 15] [--batch 1000] [--jobs 2]

Prints a table: each figure is the median of ``--runs`` (the batch runs once; xbdocs and
docxtpl are timed in turn, run for run, so a burst of load elsewhere slows both alike), with
the target it is held to (issue 12) and whether it is met, then the machine's load.

- **parallel agreement, in process**: xbdocs assembles the sample (templates, language
  engine) and writes the Russian–Kazakh parallel DOCX; docxtpl loads a DOCX template that
  this script makes (a two-column table, one row per clause, one paragraph per paragraph),
  renders the same text into it with autoescape on, and saves it. The two outputs are read
  back and must carry the same text, cell for cell.
- **whole package, in process**: ``xbdocs build --stage all`` without sheet counting.
- **cold build, as a process**: ``xbdocs build SAMPLE`` in a fresh interpreter, as a user
  runs it (bytecode of the installed package used), with the disk cache warm (as on a
  clerk's second build) and empty (the first).
- **batch**: ``xbdocs batch`` of N agreements (the samples as CSV rows) with 2 workers.
- **peak RSS**: of one ``xbdocs build --stage all`` process, and of the largest process of
  the batch.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "altai-pavlodar-2012.yaml"
TODAY = dt.date(2026, 11, 27)


def _median(function, runs: int) -> float:
    return _medians([function], runs)[0]


def _medians(functions: list, runs: int) -> list[float]:
    """The median time of each function, run in turn (a, b, a, b …) so that both see the
    same machine: a burst of load elsewhere slows each alike."""
    for function in functions:
        function()  # warm: caches, imports
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            function()
            times[index].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


# --- the parallel agreement: xbdocs and docxtpl --------------------------------------------

def _cell_texts(data: bytes) -> list[list[list[str]]]:
    """The first table's rows → cells → paragraph texts."""
    from docx import Document

    table = Document(io.BytesIO(data)).tables[0]
    return [[[p.text for p in cell.paragraphs] for cell in row.cells] for row in table.rows]


def _docxtpl_template(path: Path) -> None:
    """A DOCX template with the layout of the parallel text: a borderless two-column table,
    a row per clause, a paragraph per paragraph (docxtpl's row and paragraph tags)."""
    from docx import Document
    from docx.shared import Mm

    document = Document()
    section = document.sections[0]
    section.left_margin, section.right_margin = Mm(20), Mm(10)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for row in rows %}"
    for column, lang in enumerate(("ru", "kk")):
        cell = table.cell(1, column)
        cell.paragraphs[0].text = f"{{%p for text in row.{lang} %}}"
        cell.add_paragraph("{{ text }}")
        cell.add_paragraph("{%p endfor %}")
    table.cell(2, 0).text = "{%tr endfor %}"
    document.save(path)


def parallel_agreement(runs: int) -> dict:
    from xbdocs import answers, assembler, writer

    loaded = answers.load(SAMPLE)

    def xbdocs_once() -> bytes:
        return writer.write_parallel(assembler.assemble(loaded).parallel)

    made = xbdocs_once()
    rows = _cell_texts(made)
    context = {"rows": [{"ru": row[0], "kk": row[1]} for row in rows]}
    assembly = assembler.assemble(loaded)

    def writer_once() -> bytes:
        return writer.write_parallel(assembly.parallel)

    result = {"rows": len(rows),
              "paragraphs": sum(len(cell) for row in rows for cell in row),
              "characters": sum(len(p) for row in rows for cell in row for p in cell)}
    try:
        from docxtpl import DocxTemplate
    except ImportError:
        result["xbdocs"], result["writer only"] = _medians([xbdocs_once, writer_once], runs)
        result["docxtpl"] = None
        return result
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "parallel.docx"
        _docxtpl_template(template)

        def docxtpl_once() -> bytes:
            document = DocxTemplate(template)
            document.render(context, autoescape=True)
            buffer = io.BytesIO()
            document.save(buffer)
            return buffer.getvalue()

        theirs = _cell_texts(docxtpl_once())
        if theirs != rows:
            raise SystemExit("docxtpl's output does not carry the same text as xbdocs's")
        result["xbdocs"], result["writer only"], result["docxtpl"] = _medians(
            [xbdocs_once, writer_once, docxtpl_once], runs)
    return result


# --- whole builds -----------------------------------------------------------------------------

def whole_package(runs: int) -> float:
    from xbdocs import build

    with tempfile.TemporaryDirectory() as folder:
        return _median(lambda: build.build(SAMPLE, Path(folder), force=True, stage="all",
                                           count_sheets=False, today=TODAY), runs)


def _environment(cache: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONDONTWRITEBYTECODE"}  # a user's Python keeps bytecode
    env.update(XBDOCS_CACHE_DIR=cache, XBDOCS_LANG="en")
    return env


def _process(command: list[str], env: dict) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KB) of a command and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss


def cold_build(runs: int) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        out, cache = Path(folder) / "out", Path(folder) / "cache"
        command = [sys.executable, "-m", "xbdocs", "build", str(SAMPLE), "-o", str(out),
                   "--force"]
        env = _environment(str(cache))
        _process(command, env)  # bytecode written, disk cache filled
        measured = [_process(command, env) for _ in range(runs)]
        results["warm cache"] = (statistics.median(m[0] for m in measured),
                                 statistics.median(m[1] for m in measured))
        empty = []
        for index in range(max(3, runs // 3)):
            empty.append(_process(command, _environment(str(Path(folder) / f"c{index}"))))
        results["empty cache"] = (statistics.median(m[0] for m in empty),
                                  statistics.median(m[1] for m in empty))
        # Peak RSS of one whole-package build, alone in its process.
        rss = _rss_of([sys.executable, "-m", "xbdocs", "build", str(SAMPLE), "-o", str(out),
                       "--force", "--stage", "all", "--no-sheet-count"], env)
        results["rss"] = rss
    return results


def _rss_of(command: list[str], env: dict) -> int:
    """Peak RSS (KB) of the largest process of a command (a fresh interpreter measures it,
    so this script's own size does not count)."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN)"
             ".ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, *command], check=True,
                          capture_output=True, text=True, env=env, cwd=ROOT)
    return int(done.stdout.split()[-1])


def batch(count: int, jobs: int) -> dict:
    import yaml

    from xbdocs.batch import items

    rows = []
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    for index in range(count):
        sample = samples[index % len(samples)]
        data = yaml.safe_load(sample.read_text(encoding="utf-8"))
        data.pop("custom_areas", None)  # a list of sections: not for a table
        rows.append({"name": f"{index:05d}-{sample.stem}", **items.row_of(data)})
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "agreements.csv"
        with open(table, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, columns, delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
        command = [sys.executable, "-m", "xbdocs", "batch", str(table), "-o",
                   str(Path(folder) / "out"), "-j", str(jobs)]
        env = _environment(str(Path(folder) / "cache"))
        env["XBDOCS_TODAY"] = TODAY.isoformat()
        start = time.perf_counter()
        rss = _rss_of(command, env)
        wall = time.perf_counter() - start
        built = sum(1 for path in (Path(folder) / "out").iterdir() if path.is_dir())
    return {"seconds": wall, "built": built, "rss": rss}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    load_before = os.getloadavg()
    agreement = parallel_agreement(args.runs)
    package = whole_package(args.runs)
    cold = cold_build(max(5, args.runs // 2))
    many = batch(args.batch, args.jobs)
    load_after = os.getloadavg()

    ms = 1000
    theirs = agreement["docxtpl"]
    rows = [("parallel agreement, in process (assemble + write)",
             f"{agreement['xbdocs'] * ms:.1f} ms", "≤ 0.75× docxtpl",
             f"{agreement['xbdocs'] / theirs:.2f}× docxtpl" if theirs else "docxtpl missing",
             theirs and agreement["xbdocs"] <= 0.75 * theirs),
            ("  … the writer alone", f"{agreement['writer only'] * ms:.1f} ms", "",
             f"{agreement['writer only'] / theirs:.2f}× docxtpl" if theirs else "", None),
            ("docxtpl: load + render (autoescape) + save", f"{theirs * ms:.1f} ms"
             if theirs else "—", "", "", None),
            ("whole package (--stage all, 11 DOCX), in process", f"{package * ms:.1f} ms",
             "≤ 100 ms and ≤ 5× docxtpl",
             f"{package / theirs:.1f}× docxtpl" if theirs else "",
             package <= 0.100 and (not theirs or package <= 5 * theirs)),
            ("cold `xbdocs build` process, disk cache warm",
             f"{cold['warm cache'][0] * ms:.0f} ms wall, {cold['warm cache'][1] * ms:.0f} ms "
             "CPU", "≤ 300 ms", "", cold["warm cache"][1] <= 0.300),
            ("cold `xbdocs build` process, disk cache empty",
             f"{cold['empty cache'][0] * ms:.0f} ms wall, {cold['empty cache'][1] * ms:.0f} ms "
             "CPU", "", "", None),
            (f"batch of {args.batch} agreements, {args.jobs} workers",
             f"{many['seconds']:.1f} s ({many['built']} built)", "≤ 30 s", "",
             many["seconds"] <= 30 and many["built"] == args.batch),
            ("peak RSS, `xbdocs build --stage all`", f"{cold['rss'] / 1024:.0f} MB",
             "≤ 150 MB", "", cold["rss"] <= 150 * 1024),
            ("peak RSS, batch (largest process)", f"{many['rss'] / 1024:.0f} MB", "≤ 150 MB",
             "", many["rss"] <= 150 * 1024)]
    print(f"Sample: {SAMPLE.name}; the parallel text has {agreement['rows']} rows, "
          f"{agreement['paragraphs']} paragraphs, {agreement['characters']:,} characters; "
          f"medians of {args.runs} runs")
    print()
    print("| what | measured | target | ratio | met |")
    print("|---|---|---|---|---|")
    for what, measured, target, ratio, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        print(f"| {what} | {measured} | {target} | {ratio} | {mark} |")
    print()
    print(f"Machine: {os.cpu_count()} cores; load average (1, 5, 15 min) before "
          f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, after "
          f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; Python "
          f"{sys.version.split()[0]}")


if __name__ == "__main__":
    main()
