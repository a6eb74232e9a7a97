"""The interview in a terminal: one question at a time, choices by number or by a part of
the name, defaults taken with Enter, a bad answer explained and asked again, every answer
saved to the draft at once, a review screen at the end with the checks of `xbdocs check`.

A renderer over :class:`~xbdocs.interview.engine.Interview`: this module shows what the
engine asks and turns what a clerk types («1 3 5-7», «0», «да», a part of a name) into the
structured values the engine takes; every rule of the interview is the engine's.

Reads lines from standard input, so it works the same in a console (Windows or Linux, in
Russian or Kazakh letters) and with answers piped in."""

from __future__ import annotations

import datetime as dt
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import click

from xbdocs.errors import OutputError, XbdocsError, printable
from xbdocs.findings import WARNING
from xbdocs.i18n import _, current_language
from xbdocs.interview import store
from xbdocs.interview.engine import Asked, Interview
from xbdocs.interview.flow import Invalid

#: The exit code after an interruption: the draft is saved.
INTERRUPTED = 1
#: The preview's lines are cut to fit a terminal of 80 columns.
PREVIEW_WIDTH = 76


class Stopped(Exception):
    """Ctrl-C or the end of input at a prompt."""

    def __init__(self, end_of_input: bool) -> None:
        super().__init__()
        self.end_of_input = end_of_input


def _interactive() -> bool:
    """Whether a person can answer: standard input is there and is a terminal."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (OSError, ValueError):
        return False


class Terminal:
    def __init__(self) -> None:
        self.stdin = sys.stdin
        self.answers_read = 0

    def say(self, text: str = "") -> None:
        click.echo(text)

    def ask(self, prompt: str) -> str:
        click.echo(f"{prompt} ", nl=False)
        if self.stdin is None:  # started with no standard input at all (0<&-)
            click.echo()
            raise Stopped(True)
        try:
            line = self.stdin.readline()
        except KeyboardInterrupt:
            click.echo()
            raise Stopped(False) from None
        except (OSError, ValueError):  # an input closed or unreadable under us
            click.echo()
            raise Stopped(True) from None
        if line == "":
            click.echo()
            raise Stopped(True)
        self.answers_read += 1
        return line.rstrip("\r\n")


def run(output: Path, stage: str, resume: bool, build_dir: Path | None, force: bool,
        today: dt.date) -> int:
    """Ask, write ``output`` and, with ``build_dir``, build the package; the exit code. The
    questions are in the language the command chose (:func:`xbdocs.i18n.set_language`)."""
    drafts, draft_id, lang = store.FileDraftStore(), str(output), current_language()
    if resume:
        engine = Interview.resume(drafts, draft_id, lang, today=today)
    else:
        if output.exists() and not force:
            raise OutputError(_("{path}: already exists; use --force to overwrite").format(
                path=output))
        if drafts.exists(draft_id) and not force:
            raise XbdocsError(_("{path}: an interview was interrupted here; continue it "
                                "with --resume, or start again with --force").format(
                                    path=drafts.path(draft_id)))
        engine = Interview.start(stage, lang, today=today, drafts=drafts, draft_id=draft_id)
    terminal = Terminal()
    try:
        if not _interview(terminal, engine, output):
            return INTERRUPTED
    except Stopped as stop:
        if stop.end_of_input and terminal.answers_read == 0 and not _interactive():
            terminal.say(_("There is no terminal to ask in and no answers on the input. To "
                           "build from a file, use: xbdocs build ANSWERS"))
            return INTERRUPTED
        terminal.say(_("Stopped. Your answers are saved; to go on: xbdocs interview -o "
                       "{path} --resume").format(path=output))
        return INTERRUPTED
    written = store.write_answers(output, engine.values, force=force or resume)
    engine.discard()
    terminal.say(_("written: {path}").format(path=written))
    if build_dir is not None:
        from xbdocs.build import build

        result = build(written, build_dir, force=force, stage=engine.stage, today=today)
        for warning in result.warnings:
            terminal.say(printable(_("warning: {message}").format(message=warning)))
        for path in result.written:
            terminal.say(_("written: {path}").format(path=path))
    return 0


def _interview(terminal: Terminal, engine: Interview, output: Path) -> bool:
    """Ask until every question is answered and the review is confirmed with no errors;
    False if the clerk chose to stop. The engine saves the draft after every answer."""
    if not engine.answered:
        terminal.say(_("xbdocs will ask about the agreement and its parties. Enter takes the "
                       "value in [brackets]; Ctrl-C stops, and your answers are kept."))
    while True:
        asked = engine.next_question()
        if asked is not None:
            _ask(terminal, engine, asked)
            continue
        choice = _review(terminal, engine)
        if choice is not None:
            engine.change(choice)
            continue
        fault = _checks(terminal, engine)
        if fault is None:
            return True
        if fault == "":
            terminal.say(_("Your answers are saved; to go on: xbdocs interview -o {path} "
                           "--resume").format(path=output))
            return False
        engine.change(fault)


# --- one question -----------------------------------------------------------------------------


def _ask(terminal: Terminal, engine: Interview, asked: Asked) -> None:
    """Show a question and read lines until the engine takes one."""
    terminal.say()
    terminal.say(f"{asked.number}. {asked.text}")
    kind = asked.kind
    if kind == "preview":
        _preview(terminal, engine, asked)
        return
    if kind in ("own-items", "lines"):
        _items(terminal, engine, asked)
        return
    for number, (_value, label) in enumerate(asked.choices, 1):
        terminal.say(f"  {number:>2}) {label}")
    if kind == "party":
        terminal.say(f"  {0:>2}) " + _("not in this list: describe it"))
    if kind == "areas":
        terminal.say("  " + _("Several at once: «1 3 5-7»."))
    shown = _shown_default(asked)
    prompt = f"[{shown}] >" if shown else ">"
    while True:
        raw = terminal.ask(prompt)
        if not raw.strip() and asked.default is not None:
            value = asked.default
        elif not raw.strip() and asked.optional:
            value = None
        elif not raw.strip():
            terminal.say("  " + _("an answer is needed here"))
            continue
        else:
            try:
                value = parse(asked, raw)
            except Invalid as exc:
                terminal.say("  " + printable(str(exc)))
                continue
        problems = engine.answer(asked.id, value)
        if not problems:
            return
        terminal.say("  " + printable(str(problems[0])))


def _shown_default(asked: Asked) -> str:
    """The default in [brackets]: yes or no, the numbers of the chosen items, a label."""
    default = asked.default
    if default is None:
        return ""
    if asked.kind in ("term", "yes-no"):
        return _("yes") if default else _("no")
    if isinstance(default, list):
        return " ".join(str(i) for i, (value, _label) in enumerate(asked.choices, 1)
                        if value in default)
    return printable(str(dict(asked.choices).get(default, default)), 60)


def _items(terminal: Terminal, engine: Interview, asked: Asked) -> None:
    """A list answered one item a line; an empty line ends it. Each item is checked as it
    is typed, so a bad one is told at once and the good ones are kept."""
    items: list[Any] = list(asked.default or [])
    for item in items:
        terminal.say("  " + _("kept: {item}").format(
            item=printable(item["ru"] if isinstance(item, dict) else str(item), 80)))
    while True:
        if asked.kind == "lines":
            item: Any = terminal.ask(">").strip()
            if not item:
                break
        else:
            ru = terminal.ask(_("in Russian") + " >").strip()
            if not ru:
                break
            item = {"ru": ru, "kk": terminal.ask(_("in Kazakh") + " >").strip()}
        problems = engine.validate(asked.id, [item])
        if problems:
            terminal.say("  " + printable(str(problems[0])))
        else:
            items.append(item)
    problems = engine.answer(asked.id, items)
    if problems:  # the items were each checked; what is left is the list as a whole
        terminal.say("  " + printable(str(problems[0])))
        engine.answer(asked.id, [])


def _preview(terminal: Terminal, engine: Interview, asked: Asked) -> None:
    """What the agreement will say of the party and its signatory; accept it, or give a form
    the language engine got wrong, or the other gender."""
    preview = asked.preview
    while preview is not None:
        for line in textwrap.wrap(f"«{preview.text}»", PREVIEW_WIDTH):
            terminal.say("  " + printable(line, 200))
        for doubt in preview.doubts:
            terminal.say("  " + _("not certain: {message}").format(
                message=printable(doubt, 200)))
        raw = terminal.ask(_("Enter — correct; 1 — give the name's form, 2 — the post's form, "
                             "3 — the other gender >"))
        choice = raw.strip()
        if not choice:
            engine.answer(asked.id, True)
            return
        if choice == "3":
            engine.answer(asked.id, {"gender": "female" if preview.gender == "male"
                                     else "male"})
        elif choice in ("1", "2"):
            nominative = preview.name if choice == "1" else preview.post
            form = terminal.ask(_("«{text}» in the genitive (кого? чего?) >").format(
                text=printable(nominative, 80)))
            if form.strip():
                for problem in engine.answer(asked.id, {"genitive": {nominative: form}}):
                    terminal.say("  " + printable(str(problem)))
        else:
            terminal.say("  " + _("press Enter, or type 1, 2 or 3"))
            continue
        preview = engine.preview(asked.id)


# --- what a clerk types -----------------------------------------------------------------------


def parse(asked: Asked, raw: str) -> Any:
    """The structured value of a line typed as the answer: a choice by its number or a part
    of its name, several as «1 3 5-7», «0» for a party not in the list, да/нет, a whole
    number; anything else as typed, for the engine to check."""
    text = raw.strip()
    kind = asked.kind
    if kind in ("choice", "party"):
        return _pick_one(text, asked.choices, allow_none=kind == "party")
    if kind == "areas":
        return _pick_many(text, asked.choices)
    if kind in ("yes-no", "term"):
        return yes_no(text)
    if kind == "number":
        if not re.fullmatch(r"-?\d{1,6}", text):
            raise Invalid(_("expected a whole number, got {got}").format(got=f"«{text}»"))
        return int(text)
    return text


YES = ("да", "д", "yes", "y", "иә", "и", "true", "1")
NO = ("нет", "н", "no", "n", "жоқ", "ж", "false", "0")


def yes_no(text: str) -> bool:
    """да/нет, иә/жоқ, y/n as a clerk types them in either keyboard layout."""
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise Invalid(_("answer yes or no (да/нет, y/n)"))


def _choice_number(text: str) -> int | None:
    """A number typed to pick from a list: ASCII digits, at most six (a line of 5,000
    digits, or a «²», is not one — int() would refuse or take long over it)."""
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None


def _pick_one(text: str, options: list[tuple[str, str]], allow_none: bool = False) -> str | None:
    if allow_none and text == "0":
        return None
    number = _choice_number(text)
    if number is not None and 1 <= number <= len(options):
        return options[number - 1][0]
    for value, _label in options:
        if text == value:
            return value
    found = [value for value, label in options
             if text and (text.lower() in label.lower() or text.lower() in value.lower())]
    if len(found) == 1:
        return found[0]
    if found:
        raise Invalid(_("«{text}» fits several: {names}; type more of the name or the "
                        "number").format(text=text, names=", ".join(
                            label for value, label in options if value in found[:6])))
    raise Invalid(_("type a number from 1 to {count} or a part of the name").format(
        count=len(options)))


def _pick_many(text: str, options: list[tuple[str, str]]) -> list[str]:
    picked: list[str] = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        match = re.fullmatch(r"([0-9]{1,6})-([0-9]{1,6})", part)
        numbers = range(int(match[1]), int(match[2]) + 1) if match else None
        if numbers is None and (number := _choice_number(part)) is not None:
            numbers = range(number, number + 1)
        if numbers is None:
            value = _pick_one(part, options)
            numbers = range(0)
            if value and value not in picked:
                picked.append(value)
        for number in numbers:
            if not 1 <= number <= len(options):
                raise Invalid(_("type numbers from 1 to {count}, such as «1 3 5-7»").format(
                    count=len(options)))
            value = options[number - 1][0]
            if value not in picked:
                picked.append(value)
    if not picked:
        raise Invalid(_("choose at least one: numbers such as «1 3 5-7»"))
    return picked


# --- the review -------------------------------------------------------------------------------


def _review(terminal: Terminal, engine: Interview) -> str | None:
    """Show every answer, numbered; the id of one to change, or None when confirmed."""
    items = engine.review()
    terminal.say()
    terminal.say(_("Your answers:"))
    for item in items:
        terminal.say(f"  {item.number:>2}. {item.label}: {printable(item.shown, 120)}")
    while True:
        raw = terminal.ask(_("Enter — all correct; or the number of an answer to change >"))
        if not raw.strip():
            return None
        number = _choice_number(raw.strip())
        if number is not None and 1 <= number <= len(items):
            return items[number - 1].question_id
        terminal.say("  " + _("type a number from 1 to {count}, or press Enter").format(
            count=len(items)))


def _checks(terminal: Terminal, engine: Interview) -> str | None:
    """The checks of `xbdocs check` for the stage. None: nothing blocks writing; the id of a
    question to answer again; "" to stop with the draft saved."""
    faults = engine.problems()
    warnings = [f for f in faults if f.severity == WARNING]
    errors = [f for f in faults if f.severity != WARNING]
    if warnings and not any(not f.finding.code for f in faults):
        terminal.say()
        terminal.say(_("Worth knowing before you file:"))
        for fault in warnings:
            terminal.say("  — " + printable(fault.message, 300))
    if not errors:
        return None
    terminal.say()
    terminal.say(_("These would get the documents refused:"))
    questions: list[str] = []
    for fault in errors:
        if fault.question_id and fault.question_id not in questions:
            questions.append(fault.question_id)
        number = f"{questions.index(fault.question_id) + 1}) " if fault.question_id else ""
        terminal.say(f"  {number}{printable(fault.message, 300)}")
    while True:
        raw = terminal.ask(_("Type the number to answer that question again, or Enter to stop "
                             "and keep the draft >"))
        if not raw.strip():
            return ""
        number = _choice_number(raw.strip())
        if number is not None and 1 <= number <= len(questions):
            return questions[number - 1]
        terminal.say("  " + _("type a number from 1 to {count}, or press Enter").format(
            count=len(questions)))
