"""The fuzz campaign's cases for the doors beside ``xbdocs build`` (tests/fuzzcases.py has
the build's, the runner and the judge): ``batch``, ``registry import/set/export/due``,
``plan``, ``interview --resume``, the register's ``--db`` and a letterhead without a
«Normal» style.

Each maker takes a random generator and, optionally, the name of one of its variants
(``VARIANTS``): CI runs every variant once, the long campaign draws them. A case runs one
or more command lines in its own folder (a register, ``reg.sqlite3``, inside it); the file
it must never show, ``secret.txt``, lies two folders above (``../../secret.txt``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests import fuzz_tables as tables
from tests.fuzz_tables import SECRET, SECRET_REL
from tests.fuzzcases import (
    HOSTILE_TEXT,
    RAW_VALUES,
    SAMPLES,
    SPECIAL_ANSWERS,
    Case,
    Content,
    _edited,
    _mutated,
    _raw_mutated,
    _real_docx,
    _replace_line,
    _sample_text,
    _value,
    mutate,
    parsed,
)

ROOT = Path(__file__).resolve().parent.parent
PLAN_SAMPLE = ROOT / "samples" / "plans" / "pavlodar-2027-2028.yaml"
DB = "reg.sqlite3"
#: What the secret file may hold besides its marker line: an answers file whose party is
#: named by the marker, so that reading it where nothing should be read shows in a title.
SECRET_ANSWERS = "secret-answers"


def _reg(*args: str, db: str = DB) -> list[str]:
    return ["registry", "--db", db, *args]


def _follow_ups(rng: random.Random) -> list[list[str]]:
    """After a change to the register: the exports and what falls due, each judged."""
    commands = [_reg("export", "--format", "csv", "-o", "register.csv"),
                _reg("export", "--format", "xlsx", "-o", "register.xlsx"),
                _reg("due", "--all")]
    if rng.random() < 0.35:
        commands.append(_reg("export", "--format", "docx", "-o", "register.docx"))
    if rng.random() < 0.4:
        commands.append(_reg("show", "1"))
    if rng.random() < 0.3:
        commands.append(_reg("list", "--format", rng.choice(["text", "json"])))
    if rng.random() < 0.2:
        commands.append(_reg("due", "--ics", "due.ics"))
    if rng.random() < 0.2:
        commands.append(_notice(rng))
    return commands


def _notice(rng: random.Random, kind: str | None = None) -> list[str]:
    """``xbdocs notice 1``: the notice ending agreement 1, with a hostile number or date."""
    command = ["notice", "1", "--kind", kind or rng.choice(["non-renewal", "termination"]),
               "--db", DB, "-o", "notice"]
    if rng.random() < 0.7:
        command += ["--number", rng.choice([*tables.FORMULA_TEXT, *tables.CONTROL_TEXT,
                                            "01-07/1120", "№" * 5000])]
    if rng.random() < 0.5:
        command += ["--date", rng.choice(["19.09.2012", "01.01.2026", "31.12.2099",
                                          "2027-02-28"])]
    return command


def _pick(rng: random.Random, variants: list[str], variant: str | None,
          weights: dict[str, float] | None = None) -> str:
    if variant is not None:
        if variant not in variants:
            raise KeyError(variant)
        return variant
    if weights:
        names = list(weights)
        return rng.choices(names, [weights[n] for n in names])[0]
    return rng.choice(variants)


def _sample_data(path: Path) -> dict:
    return parsed(path)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# --- batch ----------------------------------------------------------------------------------

def _batch_command(rng: random.Random, source: str) -> list[str]:
    command = ["batch", source, "-o", "out", "-j", "1", "--no-sheet-count"]
    if rng.random() < 0.2:
        command += ["--stage", rng.choice(["approval", "all"])]
    if rng.random() < 0.1:
        command.append("--zip")
    return command


BATCH_VARIANTS = ([f"csv-{name}" for name in tables.HOSTILE_CSV]
                  + [f"xlsx-{name}" for name in tables.HOSTILE_XLSX]
                  + ["csv-random", "xlsx-random", "xlsx-formulas", "xlsx-typed", "folder-random",
                     "folder-formula-names", "folder-symlink-secret", "folder-fifo",
                     "folder-subfolder", "csv-formula-filename", "csv-run-twice"])


def batch_case(rng: random.Random, variant: str | None = None) -> Case:
    weights = {name: 1.0 for name in BATCH_VARIANTS}
    weights.update({"csv-random": 25, "xlsx-random": 10, "folder-random": 15})
    choice = _pick(rng, BATCH_VARIANTS, variant, weights)
    case = Case(f"batch-{choice}", door="batch")
    source = "table.csv"
    if choice == "csv-random":
        rows, names = tables.hostile_rows(rng, rng.randrange(1, 4))
        lines = tables.table(rows, names if rng.random() < 0.7 else None)
        case.files[source] = tables.random_csv(rng, lines)
    elif choice in ("xlsx-random", "xlsx-formulas"):
        rows, names = tables.hostile_rows(rng, rng.randrange(1, 4))
        lines = tables.table(rows, names)
        if choice == "xlsx-formulas":
            lines = [lines[0]] + [[rng.choice(tables.FORMULA_TEXT) for _ in line]
                                  for line in lines[1:]]
        source = "table.xlsx"
        case.files[source] = lambda lines=lines: tables.xlsx_bytes(lines)
    elif choice == "xlsx-typed":
        row = tables.sample_row(rng)
        for column in rng.sample(list(row), rng.randrange(1, 6)):
            row[column] = rng.choice(TYPED_CELLS)
        source, lines = "table.xlsx", tables.table([row], ["typed"])
        case.files[source] = lambda lines=lines: tables.xlsx_bytes(lines)
    elif choice.startswith("csv-") and choice[4:] in tables.HOSTILE_CSV:
        case.files[source] = tables.HOSTILE_CSV[choice[4:]]
    elif choice.startswith("xlsx-") and choice[5:] in tables.HOSTILE_XLSX:
        source = "table.xlsx"
        case.files[source] = tables.HOSTILE_XLSX[choice[5:]]
    elif choice == "csv-formula-filename":
        source = rng.choice(["=1+1.csv", "+cmd.csv", "@SUM(A1).csv", "-x.csv"])
        case.files[source] = tables.csv_bytes(tables.table([tables.sample_row(rng)]))
        source = "./" + source  # a name that is not an option
    elif choice == "csv-run-twice":
        case.files[source] = tables.csv_bytes(tables.table([tables.sample_row(rng)],
                                                           ["twice"]))
    else:
        source = "answers"
        count = rng.randrange(1, 4)
        for index in range(count):
            case.files[f"answers/a{index}.yaml"] = _folder_answers(rng)
        if choice == "folder-formula-names":
            for name in rng.sample(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "=HYPERLINK(1)"],
                                   3):
                case.files[f"answers/{name}.yaml"] = _sample_text(rng)
        elif choice == "folder-symlink-secret":
            case.setup = lambda folder: (folder / "answers" / "leak.yaml").symlink_to(
                Path("..") / SECRET_REL)
            case.secret = rng.choice(["plain", "yaml", SECRET_ANSWERS])
        elif choice == "folder-fifo":
            case.setup = lambda folder: os.mkfifo(folder / "answers" / "fifo.yaml")
        elif choice == "folder-subfolder":
            case.setup = lambda folder: (folder / "answers" / "sub.yaml").mkdir()
    command = _batch_command(rng, source)
    case.commands = [command, command] if choice == "csv-run-twice" else [command]
    return case


#: Cells of an XLSX with a type of their own: what a column may get from a spreadsheet.
TYPED_CELLS = [True, False, 0, -1, 10**20, 1e308, -0.0, 0.5, 2.5e-300, dt.datetime(9999, 12, 31),
               dt.datetime(1900, 1, 1), dt.date(1899, 12, 30), dt.time(25 % 24, 0),
               dt.timedelta(days=-3), dt.datetime(2012, 9, 19, 23, 59, 59, 999999)]


def _folder_answers(rng: random.Random) -> str | bytes:
    roll = rng.random()
    if roll < 0.4:
        return _sample_text(rng)
    if roll < 0.7:
        return _mutated(rng)
    if roll < 0.9:
        return _raw_mutated(rng)
    return SPECIAL_ANSWERS[rng.choice(list(SPECIAL_ANSWERS))]


# --- the register: import, set, export, due -------------------------------------------------

@functools.cache
def _procedure(track: Any, entry_into_force: Any) -> Callable[[str], list[str]]:
    """Where an agreement of ``track`` may go from a status: its profile's procedure."""
    from xbdocs.registry import statuses

    try:
        from xbdocs.registry import procedure

        return procedure.of(None, str(track), str(entry_into_force)).next_ones
    except Exception:  # the procedure's API moved: the line of statuses will do
        return statuses.next_ones


def _next_ones(answers: Any) -> Callable[[str], list[str]]:
    data = answers if isinstance(answers, dict) else {}
    return _procedure(data.get("track"), data.get("entry_into_force"))


def _forward(answers: Any, target: str) -> list[str]:
    """The statuses from draft to ``target``, one step forward at a time."""
    from xbdocs.registry import statuses

    order, status, path = list(statuses.STATUSES), statuses.DRAFT, []
    while status != target and len(path) < len(order):
        ahead = [s for s in _next_ones(answers)(status)
                 if order.index(s) > order.index(status) and s != statuses.TERMINATED]
        if not ahead:
            break
        status = target if target in ahead else ahead[0]
        path.append(status)
    return path


def _walk(rng: random.Random, count: int, answers: Any = None,
          hostile: float = 0.3) -> list[dict[str, Any]]:
    """A history of ``count`` steps, mostly possible ones (by the answers' procedure), some
    statuses, dates and numbers hostile."""
    from xbdocs.registry import statuses

    next_ones = _next_ones(answers)
    status, day, steps = statuses.DRAFT, dt.date(2010, 1, 1), []
    for _ in range(count):
        possible = next_ones(status)
        if rng.random() < 0.1 or not possible:
            new = rng.choice([*statuses.STATUSES, "", "signed ", "подписано", "x" * 500])
        else:
            new = rng.choice(possible)
        day += dt.timedelta(days=rng.randrange(-30, 400) if rng.random() < 0.1
                            else rng.randrange(0, 400))
        step: dict[str, Any] = {"status": new, "date": rng.choice(
            [day, day.strftime("%d.%m.%Y"), day.isoformat()])}
        if rng.random() < hostile / 3:
            step["date"] = rng.choice(["31.02.2012", "9999-12-31", "0001-01-01", "x", 0,
                                       None, [], "2012-13-01", 10**20])
        if rng.random() < 0.5:
            step["number"] = tables.hostile_cell(rng) if rng.random() < hostile else "12/3"
        if rng.random() < 0.5:
            step["note"] = tables.hostile_cell(rng) if rng.random() < hostile else "заметка"
        steps.append(step)
        if new in possible:
            status = new
    return steps


def _import_yaml(rng: random.Random, case: Case, count: int, inline: float = 0.5) -> dict:
    """An import file's data: ``count`` different samples, inline or as files beside it."""
    agreements = []
    for index, path in enumerate(rng.sample(SAMPLES, min(count, len(SAMPLES)))):
        if rng.random() < inline:
            answers: Any = _sample_data(path)
        else:
            answers = f"answers-{index}.yaml"
            case.files[answers] = path.read_text(encoding="utf-8")
        entry: dict[str, Any] = {"answers": answers, "history": _walk(
            rng, rng.randrange(0, 8), _sample_data(path))}
        if rng.random() < 0.6:
            entry["notes"] = tables.hostile_cell(rng) if rng.random() < 0.5 else "записано"
        agreements.append(entry)
    return {"agreements": agreements}


#: A 370-byte billion laughs: 9**9 «lol»s if anything walks it; ``{at}`` is where *i goes.
BILLION_LAUGHS = ("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True)))
BOMB_PLACES = {
    "notes": "agreements: [{answers: answers-0.yaml, notes: *i}]\n",
    "note": "agreements: [{answers: answers-0.yaml, history: [{status: signed, note: *i}]}]\n",
    "number": "agreements: [{answers: answers-0.yaml, history: [{status: signed, "
              "number: *i}]}]\n",
    "date": "agreements: [{answers: answers-0.yaml, history: [{status: signed, date: *i}]}]\n",
    "answers": "agreements: [{answers: *i}]\n",
    "subject": "agreements: [{answers: {track: regional, subject: *i}}]\n",
    "agreements": "agreements: *i\n",
    "status": "agreements: [{answers: answers-0.yaml, history: [{status: *i}]}]\n",
}
DEEP = 999


def _deep_list(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


def _deep_map(depth: int = DEEP) -> str:
    return "{a: " * depth + "1" + "}" * depth


IMPORT_NAMES = {
    "etc-passwd": "/etc/passwd",
    "secret-traversal": SECRET_REL,
    "secret-absolute": SECRET,
    "secret-symlink": "link.yaml",
    "secret-dotdot-inside": "sub/../" + SECRET_REL,
    "dev-zero": "/dev/zero",
    "proc-environ": "/proc/self/environ",
    "fifo": "fifo.yaml",
    "folder": "sub",
    "home": "~/.ssh/id_rsa",
    "nul": "answers-0.yaml\0x",
    "blank": " ",
    "url": "file:///etc/passwd",
    "long": "a/" * 2000 + "x.yaml",
}

IMPORT_VARIANTS = (["yaml-random", "yaml-mutated", "yaml-raw", "yaml-files",
                    "table-csv", "table-xlsx", "ten-thousand-steps",
                    "ten-thousand-refusals", "control-notes", "formula-notes",
                    "formula-party", "duplicate", "again", "wrong-suffix", "directory",
                    "missing", "empty-list", "not-a-list", "unknown-key", "yaml-table",
                    "deep-list", "deep-map", "deep-notes", "secret-answers-named",
                    "answers-dir-secret", "answers-dir-etc", "answers-dir-traversal",
                    "answers-dir-file", "answers-dir-missing"]
                   + [f"alias-bomb-{place}" for place in BOMB_PLACES]
                   + [f"name-{name}" for name in IMPORT_NAMES]
                   + [f"special-{name}" for name in SPECIAL_ANSWERS]
                   + [f"table-xlsx-{name}" for name in tables.HOSTILE_XLSX]
                   + [f"table-csv-{name}" for name in ("formula-cells", "nul-bytes",
                                                         "100k-invalid-rows", "cp1251",
                                                         "utf-16", "million-columns-row")])

SET_VARIANTS = ["set-random", "set-formula", "set-control", "set-huge-id", "set-zero-id",
                "set-bad-date", "set-long", "set-by", "today-far", "due-huge-window",
                "due-ics-folder", "export-over-folder", "notice"]
#: A package built, then its manifest or answers replaced, then ``registry add``.
MANIFESTS = {
    "built": None,
    "manifest-list": "[]",
    "manifest-deep": '{"answers": ' * 50_000 + "1" + "}" * 50_000,
    "manifest-digest-list": '{"answers": {"sha256": []}, "files": []}',
    "manifest-huge": lambda: '{"x": "' + "x" * 60_000_000 + '"}',
    "manifest-binary": bytes(range(256)) * 4,
    "manifest-secret-link": "link",
    "answers-secret-link": "link",
    "answers-changed": "changed",
}
ADD_VARIANTS = [f"add-{name}" for name in MANIFESTS]
REGISTRY_VARIANTS = [f"import-{v}" for v in IMPORT_VARIANTS] + SET_VARIANTS + ADD_VARIANTS


def registry_case(rng: random.Random, variant: str | None = None) -> Case:
    weights = {name: 0.6 for name in REGISTRY_VARIANTS}
    weights.update({"import-yaml-random": 20, "import-yaml-mutated": 14, "import-yaml-raw": 6,
                    "import-table-csv": 8, "import-table-xlsx": 5, "set-random": 20,
                    "set-formula": 5, "set-control": 5})
    choice = _pick(rng, REGISTRY_VARIANTS, variant, weights)
    case = Case(f"registry-{choice}", door="registry")
    if choice.startswith("import-"):
        _import_case(rng, case, choice.removeprefix("import-"))
    elif choice.startswith("add-"):
        _add_case(rng, case, choice.removeprefix("add-"))
    else:
        _set_case(rng, case, choice)
    return case


def _import_case(rng: random.Random, case: Case, choice: str) -> None:
    source = "import.yaml"
    first = SAMPLES[1].read_text(encoding="utf-8")
    commands = [_reg("import", source)]
    if choice in ("yaml-random", "yaml-files", "yaml-mutated", "control-notes",
                  "formula-notes", "duplicate", "again"):
        data = _import_yaml(rng, case, rng.randrange(1, 4),
                            0.0 if choice == "yaml-files" else 0.5)
        if choice == "yaml-mutated":
            mutate(data, rng, rng.randrange(1, 5))
        elif choice in ("control-notes", "formula-notes"):
            texts = tables.CONTROL_TEXT if choice == "control-notes" else tables.FORMULA_TEXT
            for entry in data["agreements"]:
                entry["notes"] = rng.choice(texts)
                entry["history"] = [
                    {"status": "signed", "date": "19.09.2012", "number": rng.choice(texts),
                     "note": rng.choice(texts)},
                    {"status": "registered", "date": "20.09.2012",
                     "number": rng.choice(texts), "note": rng.choice(texts)},
                    {"status": "in-force", "date": "21.09.2012"}]
        elif choice == "duplicate":
            data["agreements"].append(json.loads(json.dumps(data["agreements"][0],
                                                            default=str)))
        case.files[source] = _dump(data)
        if choice == "again":
            commands.append(_reg("import", source))
    elif choice == "yaml-raw":
        case.files["answers-0.yaml"] = first
        text = ("agreements:\n  - answers: answers-0.yaml\n    notes: x\n    history:\n"
                "      -\n        status: signed\n        date: 19.09.2012\n        number: '1'\n"
                "        note: n\n")
        key = rng.choice(["answers", "notes", "status", "date", "number", "note",
                          "agreements", "history"])
        case.files[source] = _replace_line(text, key, rng.choice(RAW_VALUES))
    elif choice in ("table-csv", "table-xlsx", "yaml-table"):
        rows, names = tables.hostile_rows(rng, rng.randrange(1, 3))
        for row in rows:
            for column in rng.sample(["register.signed", "register.registered",
                                      "register.number", "register.in_force",
                                      "register.status", "register.status_date",
                                      "register.notes"], rng.randrange(1, 8)):
                row[column] = rng.choice([
                    "19.09.2012", "2012-09-20", "renewed", "terminated", "expired",
                    tables.hostile_cell(rng), tables.hostile_cell(rng), "31.02.2012", ""])
        lines = tables.table(rows, names if rng.random() < 0.5 else None)
        if choice == "table-xlsx":
            source = "import.xlsx"
            case.files[source] = lambda lines=lines: tables.xlsx_bytes(lines)
        else:
            source = "import.csv" if choice == "table-csv" else "import.yml"
            case.files[source] = tables.random_csv(rng, lines)
        commands = [_reg("import", source)]
    elif choice in ("ten-thousand-steps", "ten-thousand-refusals"):
        case.files["answers-0.yaml"] = first
        if choice == "ten-thousand-steps":
            steps = ["{status: signed, date: 19.09.2012}", "{status: in-force, date: 19.09.2012}"]
            steps += ["{status: renewed, date: 19.09.2017, note: продлено}"] * 9998
        else:
            steps = ["{status: sent-for-approval, date: 19.09.2012}",
                     "{status: draft, date: 19.09.2012}"] * 5000
        case.files[source] = ("agreements:\n  - answers: answers-0.yaml\n    history:\n"
                              + "".join(f"      - {s}\n" for s in steps))
    elif choice == "formula-party":
        data = _sample_data(SAMPLES[2])
        russian = data["parties"]["russian"]
        russian.pop("catalogue", None)
        russian.update({"name": {"ru": "=HYPERLINK(\"http://a.example\")", "kk": "=1+1"},
                        "region": "altai-krai", "level": "district"})
        data["parties"]["kazakh"]["signatory"]["position"]["ru"] = "@SUM(A1)"
        case.files[source] = _dump({"agreements": [{
            "answers": data, "notes": "=1+1",
            "history": [{"status": "signed", "date": "01.02.2020", "number": "-1+1"},
                        {"status": "registered", "date": "02.02.2020", "number": "+1"}]}]})
    elif choice.startswith("alias-bomb-"):
        case.files["answers-0.yaml"] = first
        case.files[source] = BILLION_LAUGHS + BOMB_PLACES[choice.removeprefix("alias-bomb-")]
    elif choice in ("deep-list", "deep-map", "deep-notes"):
        case.files["answers-0.yaml"] = first
        deep = _deep_map() if choice == "deep-map" else _deep_list()
        place = "notes" if choice == "deep-notes" else "answers"
        extra = "answers: answers-0.yaml, " if place == "notes" else ""
        case.files[source] = f"agreements: [{{{extra}{place}: {deep}}}]\n"
    elif choice.startswith("answers-dir-"):
        # The folder of the answers given on the command line: files in it may be read,
        # but one that is not an answers file is named, never shown; nothing outside it.
        case.secret = rng.choice(["plain", "yaml"])
        directory, name = {"answers-dir-secret": ("../..", "secret.txt"),
                           "answers-dir-etc": ("/etc", "passwd"),
                           "answers-dir-traversal": ("sub", "../" + SECRET_REL),
                           "answers-dir-file": ("answers-0.yaml", "answers-0.yaml"),
                           "answers-dir-missing": ("nowhere", "answers-0.yaml")}[choice]
        case.files["answers-0.yaml"] = first
        case.files["sub/answers-1.yaml"] = first
        case.files[source] = _dump({"agreements": [{"answers": name}]})
        case.usage_errors = choice == "answers-dir-file"  # click: «is a file», exit 2
        commands = [_reg("import", source, "--answers-dir", directory)]
    elif choice.startswith("name-") or choice == "secret-answers-named":
        name = IMPORT_NAMES.get(choice.removeprefix("name-"), SECRET_REL)
        case.secret = SECRET_ANSWERS if choice == "secret-answers-named" else rng.choice(
            ["plain", "yaml", SECRET_ANSWERS])
        case.files["answers-0.yaml"] = first
        case.files[source] = _dump({"agreements": [{"answers": name}]})
        if name == "link.yaml":
            case.setup = lambda folder: (folder / "link.yaml").symlink_to(SECRET_REL)
        elif name == "fifo.yaml":
            case.setup = lambda folder: os.mkfifo(folder / "fifo.yaml")
        elif name == "sub":
            case.setup = lambda folder: (folder / "sub").mkdir()
    elif choice.startswith("special-"):
        case.files[source] = SPECIAL_ANSWERS[choice.removeprefix("special-")]
    elif choice.startswith("table-xlsx-"):
        source = "import.xlsx"
        case.files[source] = tables.HOSTILE_XLSX[choice.removeprefix("table-xlsx-")]
        commands = [_reg("import", source)]
    elif choice.startswith("table-csv-"):
        source = "import.csv"
        case.files[source] = tables.HOSTILE_CSV[choice.removeprefix("table-csv-")]
        commands = [_reg("import", source)]
    elif choice == "wrong-suffix":
        source = "import.txt"
        case.files[source] = "agreements: []\n"
        commands = [_reg("import", source)]
    elif choice == "directory":
        case.setup = lambda folder: (folder / "import.yaml").mkdir()
        case.usage_errors = True  # click: «is a directory», exit 2
    elif choice == "missing":
        pass
    elif choice == "empty-list":
        case.files[source] = "agreements: []\n"
    elif choice == "not-a-list":
        case.files[source] = rng.choice(["agreements: x\n", "agreements: {a: 1}\n", "[]\n",
                                         "agreements:\n", "- agreements: []\n"])
    elif choice == "unknown-key":
        case.files["answers-0.yaml"] = first
        case.files[source] = rng.choice([
            "agreements: [{answers: answers-0.yaml, \x1b[2Jkey: 1}]\n",
            "agreements: [{answers: answers-0.yaml, history: [{status: signed, when: x}]}]\n",
            "agreements: [{answers: answers-0.yaml, " + "k" * 5000 + ": 1}]\n",
            "agreements: [{answers: answers-0.yaml, ? [a, b] : 1}]\n",
            "agreements: [{answers: answers-0.yaml, 1: 1, ~: 2}]\n"])
    else:
        raise KeyError(choice)
    case.commands = commands + _follow_ups(rng)


def _set_case(rng: random.Random, case: Case, choice: str) -> None:
    """A sample imported, then ``registry set`` (or due/export) with hostile values."""
    sample = rng.choice(SAMPLES)
    answers = _sample_data(sample)
    case.files["answers-0.yaml"] = sample.read_text(encoding="utf-8")
    case.files["import.yaml"] = "agreements:\n  - answers: answers-0.yaml\n"
    commands = [_reg("import", "import.yaml")]
    texts = {"set-formula": tables.FORMULA_TEXT, "set-control": tables.CONTROL_TEXT}.get(
        choice, [*tables.FORMULA_TEXT, *tables.CONTROL_TEXT, *HOSTILE_TEXT])
    from xbdocs.registry import statuses

    status, day = statuses.DRAFT, dt.date(2012, 1, 1)
    for _ in range(rng.randrange(1, 9)):
        possible = _next_ones(answers)(status)
        new = rng.choice(possible) if possible and rng.random() < 0.85 else rng.choice(
            [*statuses.STATUSES, "x", "", "\x1b[31m", "=1+1"])
        day += dt.timedelta(days=rng.randrange(0, 300))
        command = _reg("set", "1", new, "--date", day.strftime("%d.%m.%Y"))
        if rng.random() < 0.8:
            command += ["--number", rng.choice(texts)]
        if rng.random() < 0.8:
            command += ["--note", rng.choice(texts)]
        commands.append(command)
        if new in possible:
            status = new
    special = {
        "set-huge-id": [_reg("set", "99999999999999999999", "signed"),
                        _reg("show", "99999999999999999999")],
        "set-zero-id": [_reg("set", "0", "signed"), _reg("show", "0")],
        "set-bad-date": [_reg("set", "1", "signed", "--date", rng.choice(
            ["31.02.2012", "0001-01-01", "9999-12-31", "x", "", "19.09.12"]))],
        "set-long": [_reg("set", "1", "signed", "--number", "№" * 100_000, "--note",
                          "x" * 1_000_000)],
        "set-by": [_reg("set", "1", "signed", "--by", rng.choice(
            ["=1+1", "\x1b[2J", "x" * 100_000, "", "\u202eevil"]))],
        "today-far": [],
        "due-huge-window": [_reg("due", "--within", window)
                            for window in ("99999m", "99999w", "99999d", "0d")],
        "notice": [*(_reg("set", "1", status, "--date", "19.09.2012")
                     for status in _forward(answers, "in-force")),
                   _notice(rng, "non-renewal"), _notice(rng, "termination")],
        "due-ics-folder": [_reg("due", "--all", "--ics", "sub")],
        "export-over-folder": [_reg("export", "--format", "csv", "-o", "sub")],
    }
    if choice == "today-far":
        case.env["XBDOCS_TODAY"] = rng.choice(["9999-12-31", "0001-01-01", "31.12.9999"])
        commands[1:] = [_reg("set", "1", "signed"), _reg("set", "1", "in-force")]
    elif choice in ("due-ics-folder", "export-over-folder"):
        case.setup = lambda folder: (folder / "sub").mkdir()
    if choice != "set-random" and choice in special:
        commands = commands[:1] + special[choice]
    case.usage_errors = choice in ("set-bad-date", "due-ics-folder", "export-over-folder")
    case.commands = commands + _follow_ups(rng)


def _add_case(rng: random.Random, case: Case, choice: str) -> None:
    """A sample built into ``out``, its package then changed as the variant says, then
    ``registry add out`` and the follow-ups."""
    case.files["answers.yaml"] = _sample_text(rng)
    content = MANIFESTS[choice]
    name = "built-from.yaml" if choice.startswith("answers") else "manifest.json"

    def change(folder: Path) -> None:
        target = folder / "out" / name
        if not target.parent.is_dir():
            return
        target.unlink(missing_ok=True)
        if content == "link":
            target.symlink_to(Path("..") / SECRET_REL)
        elif content == "changed":
            target.write_text(_sample_text(rng) + "# changed\n", encoding="utf-8")
        else:
            data = content() if callable(content) else content
            target.write_bytes(data if isinstance(data, bytes) else data.encode())

    if content == "link":
        case.secret = rng.choice(["plain", "yaml", SECRET_ANSWERS])
    if content is not None:
        case.between = change
    case.commands = [["build", "answers.yaml", "-o", "out", "--no-sheet-count"],
                     _reg("add", "out"), *_follow_ups(rng)]


# --- plans ----------------------------------------------------------------------------------

PLAN_NAMES = {
    "valid": "answers.yaml",
    "etc-passwd": "/etc/passwd",
    "secret-traversal": SECRET_REL,
    "secret-absolute": SECRET,
    "secret-symlink": "link.yaml",
    "outside-sibling": "../outside.yaml",
    "dotdot-inside": "sub/../answers.yaml",
    "dev-zero": "/dev/zero",
    "proc-environ": "/proc/self/environ",
    "folder": "sub",
    "fifo": "fifo.yaml",
    "nul": "answers.yaml\0",
    "empty": "",
    "blank": "   ",
    "home": "~/.ssh/id_rsa",
    "url": "file:///etc/passwd",
    "long": "x" * 5000,
    "not-answers": "notes.txt",
}

PLAN_VARIANTS = ([f"answers-{name}" for name in PLAN_NAMES]
                 + ["mutated", "raw", "hostile-answers", "many-events", "when",
                    "registry-entry", "registry-missing", "registry-huge", "registry-bad-db",
                    "registry-and-answers", "no-agreement", "cli-answers-secret"]
                 + [f"special-{name}" for name in SPECIAL_ANSWERS])
PLAN_KEYS = ["when", "first", "last", "date", "area", "answers", "registry", "format", "ru",
             "kk", "event", "result"]


def plan_case(rng: random.Random, variant: str | None = None) -> Case:
    weights = {name: 1.0 for name in PLAN_VARIANTS}
    weights.update({"mutated": 30, "raw": 15, "hostile-answers": 8, "when": 6})
    choice = _pick(rng, PLAN_VARIANTS, variant, weights)
    case = Case(f"plan-{choice}", door="plan")
    data = parsed(PLAN_SAMPLE)
    data["agreement"] = {"answers": "answers.yaml"}
    case.files["answers.yaml"] = SAMPLES[1].read_text(encoding="utf-8")
    command = ["plan", "plan.yaml", "-o", "out"]
    if choice.startswith("answers-"):
        key = choice.removeprefix("answers-")
        data["agreement"] = {"answers": PLAN_NAMES[key]}
        case.secret = rng.choice(["plain", "yaml", SECRET_ANSWERS])
        setups: dict[str, Callable[[Path], Any]] = {
            "secret-symlink": lambda folder: (folder / "link.yaml").symlink_to(SECRET_REL),
            "outside-sibling": lambda folder: (folder.parent / "outside.yaml").write_text(
                SAMPLES[1].read_text(encoding="utf-8"), encoding="utf-8"),
            "folder": lambda folder: (folder / "sub").mkdir(),
            "dotdot-inside": lambda folder: (folder / "sub").mkdir(),
            "fifo": lambda folder: os.mkfifo(folder / "fifo.yaml"),
        }
        case.setup = setups.get(key)
        if key == "not-answers":
            case.files["notes.txt"] = "these are notes: root:x:0:0 is not for you\n"
    elif choice == "mutated":
        mutate(data, rng, rng.randrange(1, 5))
    elif choice == "hostile-answers":
        case.files["answers.yaml"] = rng.choice([_mutated, _raw_mutated])(rng)
    elif choice == "many-events":
        event = data["events"][0]
        data["events"] = [event] * rng.choice([2000, 3000])
    elif choice == "when":
        for event in data["events"]:
            event["when"] = rng.choice([
                "2027-Q5", "2027-H3", "2027-00", "2027-13", "0000", "99999", "2027-05..2026-01",
                "2027-02-30", "ongoing ", "2027-05..", "..", "2027-Q2..2027-Q1", "1" * 500,
                "2027-05-20..2027-05-20", _value(rng)])
        data["years"] = rng.choice([{"first": 2027, "last": 2028}, {"first": 1, "last": 9999},
                                    {"first": 9999, "last": 10004}, {"first": 2028,
                                                                     "last": 2027}])
    elif choice.startswith("registry-"):
        data["agreement"] = {"registry": {"registry-huge": 10**12}.get(choice, 1)}
        command += ["--db", DB]
        if choice == "registry-and-answers":
            data["agreement"]["answers"] = "answers.yaml"
        if choice in ("registry-entry", "registry-and-answers"):
            case.files["import.yaml"] = "agreements:\n  - answers: answers.yaml\n"
            case.commands = [_reg("import", "import.yaml")]
        elif choice == "registry-bad-db":
            command[-1] = rng.choice(DB_VALUES)
            case.setup = _db_setup
    elif choice == "no-agreement":
        data.pop("agreement")
    elif choice == "cli-answers-secret":
        # The user gives the answers file on the command line: theirs to name, so its
        # contents may be shown (the marker is then allowed).
        data.pop("agreement")
        case.secret = rng.choice(["plain", "yaml"])
        command += ["--answers", SECRET_REL]
    if choice == "raw":
        text = _replace_line(_dump(data), rng.choice(PLAN_KEYS), rng.choice(RAW_VALUES))
    elif choice.startswith("special-"):
        text = SPECIAL_ANSWERS[choice.removeprefix("special-")]
    else:
        text = _dump(data)
    case.files["plan.yaml"] = text
    if rng.random() < 0.1 and not choice.startswith("registry"):
        command += ["--answers", "answers.yaml"]
    case.commands = [*case.commands, command]
    return case


# --- the interview's drafts --------------------------------------------------------------

DRAFT = "answers.yaml.draft.json"


def _draft(stage: str = "agreement", values: Any = None, done: Any = None,
           notes: Any = None, version: Any = 1) -> str:
    return json.dumps({"version": version, "stage": stage,
                       "values": {"track": "regional"} if values is None else values,
                       "done": ["track"] if done is None else done,
                       "notes": {} if notes is None else notes}, ensure_ascii=False)


def _nested(depth: int) -> Any:
    node: Any = "x"
    for _ in range(depth):
        node = {"a": node}
    return node


def _hostile_values(rng: random.Random) -> str:
    values = {"track": rng.choice(["regional", "municipal", _value(rng)]),
              "subject": {"ru": rng.choice(HOSTILE_TEXT), "kk": tables.hostile_cell(rng)},
              "parties": {"russian": {"catalogue": rng.choice(HOSTILE_TEXT)}},
              "areas": [rng.choice(HOSTILE_TEXT)], "term": {"years": _value(rng)}}
    return _draft(rng.choice(["agreement", "approval", "all"]), values,
                  ["track", "russian-party", "areas", "term-years"])


DRAFTS: dict[str, Content] = {
    "list": "[]",
    "null": "null",
    "number": "1e999",
    "string": '"x"',
    "deep-array": "[" * 100_000 + "]" * 100_000,
    "deep-object": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "deep-values": lambda: _draft(values={"track": "regional", "x": "@@"}).replace(
        '"@@"', '{"a": ' * 5000 + '"x"' + "}" * 5000),
    "nested-13": lambda: _draft(values={"track": "regional", "x": _nested(13)}),
    "binary": bytes(range(256)) * 8,
    "not-utf8": '{"version": 1, "stage": "agreement", "values": {"track": "кириллица"}}'
                .encode("cp1251"),
    "huge": lambda: '{"version": 1, "values": {"x": "' + "x" * 5_000_000 + '"}}',
    "nearly-huge": lambda: _draft(values={"track": "regional",
                                          "subject": {"ru": "x" * 900_000, "kk": "y"}}),
    "empty": "",
    "wrong-version": _draft(version=2),
    "version-bool": _draft(version=True),
    "bad-stage": _draft(stage="x\x1b[2J"),
    "unknown-done": _draft(done=["track", "no-such-question", "\x1b[2J"]),
    "done-not-list": _draft(done="track"),
    "values-list": _draft(values=[1, 2]),
    "notes-deep": _draft(notes={"a": {"b": {"c": 1}}}),
    "valid": _draft(),
    "nan": '{"version": 1, "stage": "agreement", "values": {"track": NaN}, "done": ["track"],'
           ' "notes": {}}',
    "duplicate-keys": '{"version": 1, "version": 1, "stage": "agreement", "values": {},'
                      ' "done": [], "notes": {}}',
    "surrogate": '{"version": 1, "stage": "agreement", "values": {"track": "\\udcff"},'
                 ' "done": ["track"], "notes": {}}',
}
DRAFT_SETUPS = ["directory", "symlink-secret", "fifo", "unreadable", "dangling-link"]
STDINS = ["empty", "closed", "lines", "huge-line", "answers"]
INTERVIEW_VARIANTS = ([f"draft-{name}" for name in DRAFTS] + ["draft-hostile-values"]
                      + [f"draft-{name}" for name in DRAFT_SETUPS]
                      + [f"stdin-{name}" for name in STDINS]
                      + ["no-draft", "draft-without-resume", "output-is-folder"])


def _stdin(rng: random.Random, kind: str) -> str | None:
    if kind == "closed":
        return None
    if kind == "empty":
        return ""
    if kind == "huge-line":
        return "1" * 5_000_000 + "\n"
    words = [*HOSTILE_TEXT, "0", "1", "2", "1 3 5-7", "99", "-1", "да", "нет", "y", "",
             "\x04", "\x1b[A", "1-99999999", "0-0", "=1+1", "999999999999999999999"]
    if kind == "answers":
        words = ["1", "1", "", "да", "1 2", "5", ""]
    return "".join(rng.choice(words) + "\n" for _ in range(rng.randrange(1, 40)))


def interview_case(rng: random.Random, variant: str | None = None) -> Case:
    weights = {name: 1.0 for name in INTERVIEW_VARIANTS}
    weights.update({"draft-hostile-values": 10, "stdin-lines": 10})
    choice = _pick(rng, INTERVIEW_VARIANTS, variant, weights)
    case = Case(f"interview-{choice}", door="interview")
    command = ["interview", "-o", "answers.yaml", "--resume"]
    if rng.random() < 0.3:
        command += ["--ui-lang", rng.choice(["ru", "en", "kk"])]
    name = choice.removeprefix("draft-")
    if name in DRAFTS:
        case.files[DRAFT] = DRAFTS[name]
    elif choice == "draft-hostile-values":
        case.files[DRAFT] = _hostile_values(rng)
    elif name in DRAFT_SETUPS:
        if name == "symlink-secret":
            case.secret = rng.choice(["plain", "yaml"])
        setups: dict[str, Callable[[Path], Any]] = {
            "directory": lambda folder: (folder / DRAFT).mkdir(),
            "symlink-secret": lambda folder: (folder / DRAFT).symlink_to(SECRET_REL),
            "fifo": lambda folder: os.mkfifo(folder / DRAFT),
            "unreadable": lambda folder: (folder / DRAFT).chmod(0),
            "dangling-link": lambda folder: (folder / DRAFT).symlink_to("nowhere.json"),
        }
        if name == "unreadable":
            case.files[DRAFT] = _draft()
        case.setup = setups[name]
    elif choice.startswith("stdin-"):
        case.files[DRAFT] = (rng.choice([_draft(), _hostile_values(rng)]) if variant is None
                             else _draft())
    elif choice == "no-draft":
        pass
    elif choice == "draft-without-resume":
        case.files[DRAFT] = _draft()
        command = ["interview", "-o", "answers.yaml"]
    elif choice == "output-is-folder":
        case.setup = lambda folder: (folder / "answers.yaml").mkdir()
        command = ["interview", "-o", "answers.yaml"]
    drawn = variant is None  # a named class runs as it says, a drawn one varies
    if drawn and rng.random() < 0.15:
        command = [c for c in command if c != "--resume"] + ["--force"]
    kind = choice.removeprefix("stdin-") if choice.startswith("stdin-") else rng.choice(
        ["empty", "empty", "closed", "lines"]) if drawn else "answers"
    case.stdin = _stdin(rng, kind)
    case.commands = [command]
    return case


# --- the register's --db ------------------------------------------------------------------------

DB_VALUES = ["sqlite://", "sqlite:///", "sqlite:///:memory:", " ", "-", "",
             "postgresql://u:SECRETPW@[::1/db", "postgresql+nosuchdriver://u:SECRETPW@h/db",
             "postgresql://u:SECRETPW@127.0.0.1:1/db", "mysql://u:SECRETPW@127.0.0.1:1/db",
             "postgresql://u:SECRETPW@/db?host=/nonexistent", "sqlite:///%00",
             "sqlite:///loop.sqlite3", "loop.sqlite3", "folder", "sqlite:///folder",
             "sqlite:///" + SECRET, "sqlite:///" + SECRET_REL,
             "nosuchscheme://u:SECRETPW@h/db", "://", "sqlite:///missing/deep/x.sqlite3",
             "sqlite:///?mode=ro", "file:reg?mode=memory", "~", "\x1b[2J.sqlite3",
             "sqlite:///reg.sqlite3?timeout=abc", "postgresql://u:SECRETPW@h:99999/db"]


def _db_setup(folder: Path) -> None:
    (folder / "loop.sqlite3").symlink_to("loop.sqlite3")
    (folder / "folder").mkdir()


def db_case(rng: random.Random, variant: str | None = None) -> Case:
    variants = [f"value-{i}" for i in range(len(DB_VALUES))]
    choice = _pick(rng, variants, variant)
    value = DB_VALUES[int(choice.removeprefix("value-"))]
    case = Case(f"db-{choice}", door="db", setup=_db_setup)
    case.files["answers-0.yaml"] = SAMPLES[1].read_text(encoding="utf-8")
    case.files["import.yaml"] = "agreements:\n  - answers: answers-0.yaml\n"
    if rng.random() < 0.25:
        case.env["XBDOCS_DB"] = value

        def reg(*args: str) -> list[str]:
            return ["registry", *args]
    else:
        def reg(*args: str) -> list[str]:
            return _reg(*args, db=value)
    case.commands = [reg("where"), reg("list"), reg("import", "import.yaml"),
                     reg("export", "--format", "csv", "-o", "register.csv"), reg("due")]
    if rng.random() < 0.3:
        case.commands.append(reg("set", "1", "signed", "--number", "=1+1"))
    return case


# --- a letterhead without the «Normal» style ------------------------------------------------------

def _styles(edit: Callable[[str], str]) -> Callable[[], bytes]:
    def make() -> bytes:
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(_real_docx())) as archive:
            styles = archive.read("word/styles.xml").decode("utf-8")
        return _edited({"word/styles.xml": edit(styles)})()
    return make


_NORMAL = re.compile(r'<w:style w:type="paragraph" w:default="1" w:styleId="Normal">.*?'
                     r"</w:style>", re.S)

LETTERHEADS: dict[str, Callable[[], bytes]] = {
    "no-normal": _styles(lambda s: _NORMAL.sub("", s)),
    "normal-renamed": _styles(lambda s: s.replace('w:styleId="Normal"', 'w:styleId="a"')
                              .replace('<w:name w:val="Normal"/>', '<w:name w:val="Обычный"/>')),
    "normal-not-default": _styles(lambda s: s.replace('w:default="1" w:styleId="Normal"',
                                                      'w:styleId="Normal"')),
    "normal-character": _styles(lambda s: s.replace(
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">',
        '<w:style w:type="character" w:default="1" w:styleId="Normal">')),
    "normal-twice": _styles(lambda s: s.replace(
        "</w:styles>", '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/>'
        "</w:style></w:styles>")),
    "based-on-loop": _styles(lambda s: s.replace(
        '<w:name w:val="Normal"/>', '<w:name w:val="Normal"/><w:basedOn w:val="Header"/>')),
    "no-styles-at-all": _styles(lambda s: re.sub(r"<w:style .*</w:style>", "", s, flags=re.S)),
    "empty-styles": _styles(lambda s: '<w:styles xmlns:w="http://schemas.openxmlformats.org/'
                            'wordprocessingml/2006/main"/>'),
    "styles-not-xml": _styles(lambda s: "not xml <"),
    "styles-entity": _styles(lambda s: s.replace(
        "<w:styles ", '<!DOCTYPE w:styles [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:styles ', 1)
        .replace('<w:name w:val="Normal"/>', '<w:name w:val="&e;"/>')),
}
LETTERHEAD_VARIANTS = list(LETTERHEADS)


def letterhead_case(rng: random.Random, variant: str | None = None) -> Case:
    choice = _pick(rng, LETTERHEAD_VARIANTS, variant)
    case = Case(f"letterhead-normal-{choice}", door="letterhead")
    case.files["answers.yaml"] = _sample_text(rng)
    case.files["blank.docx"] = LETTERHEADS[choice]
    case.commands = [["build", "answers.yaml", "-o", "out", "--stage",
                      rng.choice(["approval", "all"]), "--no-sheet-count",
                      "--letterhead", "blank.docx"]]
    return case


# --- the department server's users and facts (xbdocs users, xbdocs facts) -----------------

ACCOUNT_VARIANTS = ["users-hostile", "users-secret-file", "facts-hostile", "facts-secret"]


def accounts_case(rng: random.Random, variant: str | None = None) -> Case:
    """``xbdocs users`` and ``xbdocs facts`` given hostile names, roles, municipalities,
    regions, passwords (on standard input), places, fields and sources — and the secret's
    path where a file name could be taken: each refused in one line, nothing shown of it."""
    choice = _pick(rng, ACCOUNT_VARIANTS, variant)
    case = Case(f"accounts-{choice}", door="accounts", usage_errors=True)
    hostile = [rng.choice(HOSTILE_TEXT) for _ in range(6)]
    if choice.startswith("users"):
        name = "@@SECRET@@" if choice == "users-secret-file" else hostile[0]
        case.stdin = rng.choice([hostile[1] + "\n", "correct horse battery\n", "",
                                 "x" * 5000 + "\n"])
        case.commands = [
            ["users", "--db", DB, "add", name, "--role",
             rng.choice(["clerk", "lawyer", "admin", hostile[2]]), "--municipality",
             rng.choice(["altai-uglovsky-district", hostile[3], "@@SECRET@@"]),
             "--region", rng.choice(["altai-krai", hostile[4], ""]), "--name", hostile[5],
             "--password-stdin"],
            ["users", "--db", DB, "list"], ["users", "--db", DB, "list", "--format", "json"],
            ["users", "--db", DB, rng.choice(["disable", "enable", "reset-password"]), name,
             "--password-stdin"] if rng.random() < 0.3 else
            ["users", "--db", DB, rng.choice(["disable", "enable"]), name]]
    else:
        place = rng.choice(["tracks.municipal.addressees.government",
                            "parties.altai-uglovsky-district", hostile[0],
                            "@@SECRET@@" if choice == "facts-secret" else hostile[1]])
        case.commands = [
            ["facts", "--db", DB, "set", place, "--field",
             f"{rng.choice(['address', 'name_ru', 'colour', hostile[2]])}={hostile[3]}",
             "--source", rng.choice([hostile[4], "", "@@SECRET@@"]), "--on",
             rng.choice(["01.12.2026", hostile[5], "2026-02-30"])],
            ["facts", "--db", DB, "list"],
            ["facts", "--db", DB, "--profile", rng.choice(["altai-krai", "@@SECRET@@",
                                                           hostile[0]]), "list"]]
    return case


#: Each door's maker and its variants: CI runs each variant once.
DOORS: dict[str, tuple[Callable[..., Case], list[str]]] = {
    "batch": (batch_case, BATCH_VARIANTS),
    "registry": (registry_case, REGISTRY_VARIANTS),
    "plan": (plan_case, PLAN_VARIANTS),
    "interview": (interview_case, INTERVIEW_VARIANTS),
    "db": (db_case, [f"value-{i}" for i in range(len(DB_VALUES))]),
    "letterhead": (letterhead_case, LETTERHEAD_VARIANTS),
    "accounts": (accounts_case, ACCOUNT_VARIANTS),
}
