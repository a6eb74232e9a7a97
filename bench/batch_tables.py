"""What reading a batch's table costs, in time and peak memory, as the rows grow.

    python bench/batch_tables.py [--rows 1000 10000 100000] [--kinds csv xlsx] [--no-batch]

For each kind (CSV, XLSX) and number of rows, two tables: valid rows (a compact agreement by
catalogue ids, each row read into an item with no problem) and invalid rows (a term of
«пять» years). Each is measured in a fresh process, so the peak resident memory (ru_maxrss)
is the table's alone:

- ``read``: ``items.read`` (which checks the whole table) and a pass over every item, as the
  batch makes them;
- ``batch``: the whole ``xbdocs batch`` command on the invalid table (each row fails, as
  100,000 bad rows did when they took 1.3 GB and 36 s), with its report.

Memory should be flat in the rows: what grows is the table's own bytes, held once.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VALID = {"track": "municipal", "parties.russian.catalogue": "altai-uglovsky-district",
         "parties.kazakh.catalogue": "abai-borodulikha-district-akimat",
         "parties.russian.signatory.name.ru": "Петрова Елена Викторовна",
         "parties.russian.signatory.gender": "female",
         "parties.kazakh.signatory.name.ru": "Жумабеков Ерлан Серикович",
         "parties.kazakh.signatory.gender": "male", "areas": "economy; culture",
         "cooperation_forms": "information-exchange; delegations", "term.years": "5",
         "term.renewal": "нет", "signing.date": "14.04.2027", "copies": "2"}
INVALID = {"track": "regional", "term.years": "пять"}

_READ = """
import resource, sys, time
from pathlib import Path
from xbdocs.batch import items
start = time.perf_counter()
work = items.read(Path(sys.argv[1]))
problems = sum(1 for item in work if item.problems)
seconds = time.perf_counter() - start
print(len(work), problems, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _table(folder: Path, kind: str, rows: int, cells: dict[str, str]) -> Path:
    path = folder / f"{'valid' if cells is VALID else 'invalid'}-{rows}.{kind}"
    header = ["name", *cells]
    if kind == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, delimiter=";")
            writer.writerow(header)
            writer.writerows([f"item-{n}", *cells.values()] for n in range(rows))
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(header)
        for n in range(rows):
            sheet.append([f"item-{n}", *cells.values()])
        book.save(path)
    return path


def _measure(command: list[str]) -> tuple[float, int, str]:
    """Wall time, peak resident memory (KB) and output of ``command`` in a new process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, cwd=ROOT)
    assert process.stdout is not None
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--kinds", nargs="+", default=["csv", "xlsx"])
    parser.add_argument("--no-batch", action="store_true", help="only read the tables")
    args = parser.parse_args()
    print(f"{'table':22} {'size':>9} {'what':6} {'items':>7} {'seconds':>8} {'peak RSS':>9}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for kind in args.kinds:
            for rows in args.rows:
                for cells in (VALID, INVALID):
                    path = _table(folder, kind, rows, cells)
                    size = f"{path.stat().st_size / 2**20:.1f} MB"
                    seconds, peak, out = _measure([sys.executable, "-c", _READ, str(path)])
                    count = out.split()[0] if out else "error"
                    print(f"{path.name:22} {size:>9} {'read':6} {count:>7} {seconds:8.2f} "
                          f"{peak / 1024:6.0f} MB", flush=True)
                    if cells is INVALID and not args.no_batch:
                        outdir = folder / f"out-{path.stem}-{kind}"
                        seconds, peak, _out = _measure(
                            [sys.executable, "-m", "xbdocs", "--lang", "en", "batch",
                             str(path), "-o", str(outdir), "-j", "1"])
                        print(f"{path.name:22} {size:>9} {'batch':6} {rows:>7} {seconds:8.2f} "
                              f"{peak / 1024:6.0f} MB", flush=True)


if __name__ == "__main__":
    main()
