"""The interview in a terminal: one question at a time, choices by number or by a part of
the name, defaults taken with Enter, a bad answer explained and asked again, every answer
saved to the draft at once, a review screen at the end with the checks of `xbdocs check`.

A renderer over :class:`~xbdocs.interview.engine.Interview`: this module shows what the
engine asks and turns what a clerk types («1 3 5-7», «0», «да», a part of a name) into the
structured values the engine takes; every rule of the interview is the engine's.

In a terminal a line is read with prompt_toolkit: arrow keys, Home/End and the history of
the answers given (Up) work as in a shell, and Tab completes the name of a party or a choice.
Where there is no terminal to draw in (answers piped in, the output redirected, TERM=dumb, a
Windows console prompt_toolkit cannot open) lines are read from standard input as they
come, so a script of answers works the same in a console (Windows or Linux, in Russian or
Kazakh letters) and piped in."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from xbdocs.errors import OutputError, XbdocsError, printable
from xbdocs.findings import WARNING, Finding
from xbdocs.i18n import _, current_language
from xbdocs.interview import store
from xbdocs.interview.engine import Asked, Interview
from xbdocs.interview.flow import Invalid

if TYPE_CHECKING:
    from xbdocs.build import BuildResult

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


def _can_draw() -> bool:
    """Whether prompt_toolkit can edit the line here: both ends are a terminal that is not
    «dumb» (with the output redirected it would write its escape codes into the file)."""
    try:
        drawn = sys.stdout is not None and sys.stdout.isatty()
    except (OSError, ValueError):
        drawn = False
    return drawn and _interactive() and os.environ.get("TERM") != "dumb"


def _line_editor() -> Any:
    """A prompt_toolkit session keeping the answers' history, or None where it cannot run
    (not installed, or no console it can open: mintty on Windows says so at creation)."""
    try:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory

        return PromptSession(history=InMemoryHistory())
    except Exception:  # any failure to open the terminal: read plain lines instead
        return None


def _completer(names: Sequence[str]) -> Any:
    """Completion of ``names`` by any part of them, whatever the case («бород» gives
    «акимат Бородулихинского района …»); nothing for a number typed to pick one."""
    from prompt_toolkit.completion import Completer, Completion

    class Names(Completer):
        def get_completions(self, document: Any, complete_event: Any) -> Iterable[Any]:
            typed = document.text_before_cursor
            part = typed.strip().lower()
            if part.isdigit() or (not part and not complete_event.completion_requested):
                return
            for name in names:
                if part in name.lower():
                    yield Completion(name, start_position=-len(typed))

    return Names()


class Terminal:
    """Where questions are shown and answers read: a line editor in a terminal, standard
    input's lines otherwise."""

    def __init__(self, line_editing: bool | None = None) -> None:
        self.stdin = sys.stdin
        self.answers_read = 0
        self.editor = _line_editor() if (
            _can_draw() if line_editing is None else line_editing) else None
        #: Lines pasted at one prompt beyond the first: the answers to the next prompts.
        self.pasted: list[str] = []
        #: The heading of the group of the last question shown.
        self.group = ""
        #: The checks' warnings shown already (by text): each is printed once.
        self.warned: set[str] = set()

    def say(self, text: str = "") -> None:
        click.echo(text)

    def wrap(self, text: str, first: str, rest: str) -> None:
        """A long message wrapped to the terminal's width (at most 100 columns)."""
        width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100) - 1)
        for line in textwrap.wrap(printable(text, 1000), width, initial_indent=first,
                                  subsequent_indent=rest) or [first]:
            self.say(line)

    def ask(self, prompt: str, names: Sequence[str] = ()) -> str:
        """A line typed after ``prompt``; ``names`` are offered for completion."""
        if self.pasted:
            line = self.pasted.pop(0)
            click.echo(f"{prompt} {line}")
        elif self.editor is not None:
            line = self._edited(prompt, names)
        else:
            line = self._read(prompt)
        self.answers_read += 1
        return line

    def _edited(self, prompt: str, names: Sequence[str]) -> str:
        try:
            text = self.editor.prompt(f"{prompt} ", completer=_completer(names) if names
                                      else None, complete_while_typing=bool(names))
        except KeyboardInterrupt:
            raise Stopped(False) from None
        except EOFError:  # Ctrl-D
            raise Stopped(True) from None
        except Exception:  # the terminal failed under the editor: plain lines from now on
            self.editor = None
            click.echo()
            return self._read(prompt)
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.pasted.extend(lines[1:])  # several lines pasted: the next answers
        return lines[0]

    def _read(self, prompt: str) -> str:
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
        return line.rstrip("\r\n")


def run(output: Path, stage: str, resume: bool, build_dir: Path | None, force: bool,
        today: dt.date, *, source: Path | None = None, ui_lang: str | None = None) -> int:
    """Ask, write ``output`` and, with ``build_dir``, build the package; the exit code. The
    questions are in the language the command chose (:func:`xbdocs.i18n.set_language`).

    ``source``: an answers file made earlier (``--from``); its answers are taken as given
    and only what the stage still needs is asked. ``ui_lang``, when the clerk chose one, is
    repeated in the command that goes on after an interruption, as ``--build`` is."""
    drafts, draft_id, lang = store.FileDraftStore(), str(output), current_language()
    again = _again(output, build_dir, force, ui_lang)
    if resume:
        engine = Interview.resume(drafts, draft_id, lang, today=today)
    else:
        if output.exists() and not force and not _same(output, source):
            raise OutputError(_("{path}: already exists; use --force to overwrite").format(
                path=output))
        if drafts.exists(draft_id) and not force:
            raise XbdocsError(_("{path}: an interview was interrupted here; continue it "
                                "with --resume, or start again with --force").format(
                                    path=drafts.path(draft_id)))
        engine = _started(source, stage, lang, today, drafts, draft_id)
    terminal = Terminal()
    if source is not None and not resume:
        terminal.say(_("{count} answers are taken from {path}; only what is missing is "
                       "asked.").format(count=len(engine.answered), path=source))
    try:
        if not _interview(terminal, engine, again):
            return INTERRUPTED
    except Stopped as stop:
        if stop.end_of_input and terminal.answers_read == 0 and not _interactive():
            terminal.say(_("There is no terminal to ask in and no answers on the input. To "
                           "build from a file, use: xbdocs build ANSWERS"))
            return INTERRUPTED
        terminal.say(_stopped(_("Stopped. Your answers are saved; to go on: xbdocs interview "
                                "-o {path} --resume"), output, again))
        return INTERRUPTED
    written = store.write_answers(output, engine.values,
                                  force=force or resume or _same(output, source))
    engine.discard()
    terminal.say(_("written: {path}").format(path=written))
    if build_dir is None:
        terminal.say(_("Next: build the documents with «xbdocs build {answers} -o OUTDIR», "
                       "or run the interview with --build OUTDIR.").format(
                           answers=_quoted(written)))
        return 0
    from xbdocs.build import build

    terminal.say(_("Building the documents into {folder}; this takes a few seconds…").format(
        folder=_quoted(build_dir)))
    result = build(written, build_dir, force=force, stage=engine.stage, today=today)
    _built(terminal, result, engine.stage, written, build_dir)
    return 0


def _started(source: Path | None, stage: str, lang: str, today: dt.date,
             drafts: store.FileDraftStore, draft_id: str) -> Interview:
    """A new interview, or one over the answers of ``source`` (what it answers is taken as
    answered, the engine's :meth:`~Interview.adopt`, as the browser's upload does)."""
    if source is None:
        return Interview.start(stage, lang, today=today, drafts=drafts, draft_id=draft_id)
    # The file was made for the agreement at least: what it skipped then is not asked again.
    engine = Interview.adopt(store.read_answers(source), stage, lang, today=today,
                             made_for="agreement")
    engine.drafts, engine.draft_id = drafts, draft_id
    engine.save()
    return engine


def _same(output: Path, source: Path | None) -> bool:
    """Whether the answers are written back into the file they were taken from."""
    try:
        return source is not None and output.resolve() == source.resolve()
    except OSError:
        return False


def _quoted(path: Path | str) -> str:
    """A path as typed in a command: in double quotes when it has a space (both Windows'
    console and a Unix shell read that)."""
    text = printable(str(path), 300)
    return f'"{text}"' if any(c.isspace() for c in text) else text


def _again(output: Path, build_dir: Path | None, force: bool, ui_lang: str | None) -> str:
    """The options after «xbdocs interview -o ANSWERS --resume» that go on as this run
    would: the build's folder, --force, the interface language chosen."""
    options = ([f"--build {_quoted(build_dir)}"] if build_dir is not None else []) + (
        ["--force"] if force else []) + ([f"--ui-lang {ui_lang}"] if ui_lang else [])
    return " ".join(options)


def _stopped(message: str, output: Path, again: str) -> str:
    """A hint ending in «xbdocs interview -o {path} --resume», with the other options that
    were given after it."""
    text = message.format(path=_quoted(output))
    return f"{text} {again}" if again else text


def _built(terminal: Terminal, result: BuildResult, stage: str, answers: Path,
           folder: Path) -> None:
    """What `xbdocs build` prints (warnings not shown at the review yet, the files, the
    deadlines), then what the clerk does next."""
    for warning in result.warnings:
        if warning.text not in terminal.warned:
            terminal.say(printable(_("warning: {message}").format(message=warning)))
    for path in result.written:
        terminal.say(_("written: {path}").format(path=path))
    if stage != "agreement" and result.deadlines:
        terminal.say(_("deadlines:"))
        for due in result.deadlines:
            terminal.say(printable(due.line(), 300))
    terminal.say()
    folder_, answers_ = _quoted(folder), _quoted(answers)
    register = (_("The register keeps the agreement from now on:"),
                f"xbdocs registry add {folder_}")
    steps: dict[str, list[tuple[str, str]]] = {
        "agreement": [
            (_("Next: read the agreement in {folder} and agree its text with the Kazakh "
               "party.").format(folder=folder_), ""), register,
            (_("The approval's paperwork, asking only what it adds:"),
             f"xbdocs interview --from {answers_} --stage approval --build {_('OUTDIR')}")],
        "approval": [
            (_("Next: check what is marked unverified (check-sheet.docx in {folder}), sign "
               "the letters and send them by the deadlines above.").format(folder=folder_),
             ""),
            (_("Once the region approves, the registration's paperwork:"),
             f"xbdocs interview --from {answers_} --stage registration --build {_('OUTDIR')}")],
        "registration": [
            (_("Next: sign the application and file it with the documents of the inventory "
               "by the deadline above."), ""), register],
        "all": [
            (_("Next: go through the check sheet (check-sheet.docx in {folder}), then sign "
               "and send each document by the deadlines above.").format(folder=folder_), ""),
            register],
    }
    for sentence, command in steps[stage]:
        terminal.wrap(sentence, "", "  ")
        if command:
            terminal.say("    " + command)


def _interview(terminal: Terminal, engine: Interview, again: str = "") -> bool:
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
            terminal.say(_stopped(_("Your answers are saved; to go on: xbdocs interview -o "
                                    "{path} --resume"), Path(engine.draft_id or ""), again))
            return False
        engine.change(fault)


# --- one question -----------------------------------------------------------------------------


def _ask(terminal: Terminal, engine: Interview, asked: Asked) -> None:
    """Show a question and read lines until the engine takes one."""
    if asked.group != terminal.group:
        if asked.group:
            terminal.say()
            terminal.say(f"— {asked.group} —")
        terminal.group = asked.group
    terminal.say()
    terminal.say(f"{asked.number}. {asked.text}")
    kind = asked.kind
    if kind == "preview":
        _preview(terminal, engine, asked)
        return
    if kind in ("own-items", "lines"):
        _items(terminal, engine, asked)
        return
    marked = _("borders the chosen district")
    for number, (value, label) in enumerate(asked.choices, 1):
        terminal.say(f"  {number:>2}) {label}" + (f" — {marked}" if value in asked.marked
                                                    else ""))
    if kind == "party":
        terminal.say(f"  {0:>2}) " + _("not in this list: describe it"))
    if kind == "areas":
        terminal.say("  " + _("Several at once: «1 3 5-7»."))
    names = [label for _value, label in asked.choices] if kind in ("choice", "party") else []
    shown = _shown_default(asked)
    prompt = f"[{shown}] >" if shown else ">"
    while True:
        raw = terminal.ask(prompt, names)
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
            _echo(terminal, asked, raw, value)
            return
        terminal.say("  " + printable(str(problems[0])))


def _echo(terminal: Terminal, asked: Asked, raw: str, value: Any) -> None:
    """A choice made by typing a part of its name, said back in full, so a wrong guess is
    seen at once (a number picks what the list shows beside it)."""
    if asked.kind not in ("choice", "party", "areas") or not raw.strip() or value is None:
        return
    if all(re.fullmatch(r"[0-9]{1,6}(-[0-9]{1,6})?", part)
           for part in re.split(r"[\s,;]+", raw.strip()) if part):
        return
    labels = dict(asked.choices)
    picked = value if isinstance(value, list) else [value]
    said = "; ".join(labels.get(v, str(v)) for v in picked)
    if said.lower() != raw.strip().lower():  # a name completed in full needs no echo
        terminal.say("  → " + printable(said, 300))


def _shown_default(asked: Asked) -> str:
    """The default in [brackets]: yes or no, the numbers of the chosen items, a label, a
    date as ДД.ММ.ГГГГ."""
    default = asked.default
    if default is None:
        return ""
    if asked.kind in ("term", "yes-no"):
        return _("yes") if default else _("no")
    if isinstance(default, list):
        return " ".join(str(i) for i, (value, _label) in enumerate(asked.choices, 1)
                        if value in default)
    if asked.kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(default)):
        return ".".join(reversed(str(default).split("-")))
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
    for value, label in options:
        if text == value or text.lower() == label.lower():  # an id, or a completed name
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
    """Show every answer, numbered; the id of one to change, or None when confirmed. A
    label that repeats («Исходящий номер» of two letters) says its group, as the browser's
    review does."""
    items = engine.review()
    groups = {qid: group for section in engine.sections() if section.applies
              for qid, group, _asked in engine.layout(section.id, previews=False)}
    labels = [item.label for item in items]
    terminal.say()
    terminal.say(_("Your answers:"))
    terminal.group = ""
    for item in items:
        label, group = item.label, groups.get(item.question_id, "")
        if group and labels.count(label) > 1:
            label = f"{group}: {label[:1].lower()}{label[1:]}"
        terminal.say(f"  {item.number:>2}. {label}: {printable(item.shown, 120)}")
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
    question to answer again; "" to stop with the draft saved. A warning is printed once:
    asked again after a fix, only what is new is said."""
    terminal.say()
    terminal.say(_("Checking the answers as «xbdocs check» does…"))
    faults = engine.problems()
    warnings = [f for f in faults if f.severity == WARNING and f.message not in terminal.warned]
    errors = [f for f in faults if f.severity != WARNING]
    if warnings and not any(not f.finding.code for f in faults):
        terminal.say()
        terminal.say(_("Worth knowing before you file:"))
        _grouped(terminal, [f.finding for f in warnings])
        terminal.warned.update(f.message for f in warnings)
    if not errors:
        return None
    terminal.say()
    terminal.say(_("These would get the documents refused:"))
    questions: list[str] = []
    for fault in errors:
        if fault.question_id and fault.question_id not in questions:
            questions.append(fault.question_id)
        number = f"{questions.index(fault.question_id) + 1}) " if fault.question_id else ""
        terminal.wrap(fault.message, f"  {number}", "     ")
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


def _grouped(terminal: Terminal, findings: list[Finding]) -> None:
    """Findings of one kind (one code) together; when they begin alike («не проверено:
    …»), that beginning once as their heading."""
    kinds: dict[str, list[str]] = {}
    for finding in findings:
        kinds.setdefault(finding.code, []).append(finding.text)
    for messages in kinds.values():
        head = _common_head(messages)
        if head:
            terminal.say("  " + printable(head.rstrip(": "), 200) + ":")
        for message in messages:
            indent = "    " if head else "  "
            terminal.wrap(message[len(head):], indent + "— ", indent + "  ")


def _common_head(messages: list[str]) -> str:
    """The words before a colon that every one of several messages begins with ("" when
    there is one message, or none such)."""
    if len(messages) < 2:
        return ""
    shortest = min(messages, key=len)
    length = next((i for i, char in enumerate(shortest)
                   if any(m[i] != char for m in messages)), len(shortest))
    common = shortest[:length]
    cut = common.rfind(": ")
    return common[:cut + 2] if cut > 0 else ""
