"""How long the browser preview of the parallel agreement takes, in one warm process (as a
server renders it while a clerk types).

    python bench/html_preview.py [--runs 200] [ANSWERS]

Prints the median and p95 of: the model's assembly (answers → the two aligned documents:
:func:`xbdocs.assembler.assemble`), the HTML alone (:func:`xbdocs.writer.html.html_parallel`),
both together (what a preview refresh costs; the target is ≤ 100 ms), and for comparison the
DOCX of the same model (:func:`xbdocs.writer.write_parallel`). The first run of each is left
out (templates compiled, forms and skeletons cached).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from xbdocs import answers, assembler, writer
from xbdocs.writer.html import html_parallel

ROOT = Path(__file__).resolve().parent.parent


def _times(work: Callable[[], object], runs: int) -> list[float]:
    work()  # warm
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        found.append(time.perf_counter() - start)
    return found


def _line(what: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"{what:34} median {statistics.median(times) * 1000:7.2f} ms   "
            f"p95 {p95 * 1000:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("answers", nargs="?",
                        default=str(ROOT / "samples" / "uglovsky-borodulikha-municipal.yaml"))
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    read = answers.load(Path(args.answers))
    parallel = assembler.assemble(read).parallel
    made = html_parallel(parallel)
    print(f"{Path(args.answers).name}: the parallel agreement, {len(parallel.rows())} rows, "
          f"{len(made)} characters of HTML; {args.runs} runs; load "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(_line("assembly (answers → model)", _times(lambda: assembler.assemble(read),
                                                     args.runs)))
    print(_line("HTML only (model → HTML)", _times(lambda: html_parallel(parallel),
                                                   args.runs)))
    print(_line("preview (assembly + HTML)",
                _times(lambda: html_parallel(assembler.assemble(read).parallel), args.runs)))
    print(_line("DOCX of the same model", _times(lambda: writer.write_parallel(parallel),
                                                 args.runs)))


if __name__ == "__main__":
    main()
