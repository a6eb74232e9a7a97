"""How long one `xbdocs build` takes, as a user runs it (a fresh process each time).

    python bench/build_time.py [--runs 9] [ANSWERS]

Prints the median, min and max wall time of the whole command, and the median time of
the import alone, so the cost of starting Python is visible next to the work.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The engine's cost in a cold process: loading its dictionaries and making the first forms.
_ENGINE = """
import time
import xbdocs.lang.ru as ru, xbdocs.lang.kk as kk
start = time.perf_counter()
ru.inflect_phrase("Администрация Угловского района Алтайского края", "instrumental")
ru.inflect_person("Петрова Елена Викторовна", "genitive", "female")
ru.count(5, "год")
kk.inflect_phrase("Павлодар облысының әкімдігі", "genitive")
print(time.perf_counter() - start)
"""


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("answers", nargs="?", default=str(ROOT / "samples" /
                                                          "altai-pavlodar-2012.yaml"))
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as outdir:
        build = [sys.executable, "-m", "xbdocs", "build", args.answers, "-o", outdir, "--force"]
        _time(build)  # warm the file cache
        builds = [_time(build) for _ in range(args.runs)]
    imports = [_time([sys.executable, "-c", "import xbdocs.cli"]) for _ in range(args.runs)]
    engine = [float(subprocess.run([sys.executable, "-c", _ENGINE], check=True,
                                   capture_output=True, text=True).stdout)
              for _ in range(args.runs)]
    print(f"xbdocs build {Path(args.answers).name}, {args.runs} runs: "
          f"median {statistics.median(builds) * 1000:.0f} ms "
          f"(min {min(builds) * 1000:.0f}, max {max(builds) * 1000:.0f})")
    print(f"python -c 'import xbdocs.cli': median {statistics.median(imports) * 1000:.0f} ms")
    print(f"language engine, first use in a fresh process (pymorphy3 + pytrovich + first "
          f"forms): median {statistics.median(engine) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
