"""The interview in a terminal: one question at a time, choices by number or by a part of
the name, defaults taken with Enter, a bad answer explained and asked again, every answer
saved to the draft at once, a review screen at the end with the checks of `xbdocs check`.

Reads lines from standard input, so it works the same in a console (Windows or Linux, in
Russian or Kazakh letters) and with answers piped in."""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from xbdocs import catalogue
from xbdocs.errors import AnswersError, OutputError, XbdocsError, printable
from xbdocs.i18n import _
from xbdocs.interview import flow, store
from xbdocs.interview.flow import Invalid, Question, Session

#: The exit code after an interruption: the draft is saved.
INTERRUPTED = 1


class Stopped(Exception):
    """Ctrl-C or the end of input at a prompt."""

    def __init__(self, end_of_input: bool) -> None:
        super().__init__()
        self.end_of_input = end_of_input


class Terminal:
    def __init__(self) -> None:
        self.stdin = sys.stdin
        self.answers_read = 0

    def say(self, text: str = "") -> None:
        click.echo(text)

    def ask(self, prompt: str) -> str:
        click.echo(f"{prompt} ", nl=False)
        try:
            line = self.stdin.readline()
        except KeyboardInterrupt:
            click.echo()
            raise Stopped(False) from None
        if line == "":
            click.echo()
            raise Stopped(True)
        self.answers_read += 1
        return line.rstrip("\r\n")


def run(output: Path, stage: str, resume: bool, build_dir: Path | None, force: bool,
        today: dt.date) -> int:
    """Ask, write ``output`` and, with ``build_dir``, build the package; the exit code."""
    cat = catalogue.load()
    if resume:
        session = store.load_draft(output, cat)
    else:
        if output.exists() and not force:
            raise OutputError(_("{path}: already exists; use --force to overwrite").format(
                path=output))
        if store.draft_path(output).exists() and not force:
            raise XbdocsError(_("{path}: an interview was interrupted here; continue it "
                                "with --resume, or start again with --force").format(
                                    path=store.draft_path(output)))
        session = Session({}, stage, cat)
    terminal = Terminal()
    try:
        if not _interview(terminal, session, output, today):
            return INTERRUPTED
    except Stopped as stop:
        if session.done:
            store.save_draft(output, session)
        if stop.end_of_input and terminal.answers_read == 0 and not sys.stdin.isatty():
            terminal.say(_("There is no terminal to ask in and no answers on the input. To "
                           "build from a file, use: xbdocs build ANSWERS"))
            return INTERRUPTED
        terminal.say(_("Stopped. Your answers are saved; to go on: xbdocs interview -o "
                       "{path} --resume").format(path=output))
        return INTERRUPTED
    written = store.write_answers(output, session.values, force=force or resume)
    store.remove_draft(output)
    terminal.say(_("written: {path}").format(path=written))
    if build_dir is not None:
        from xbdocs.build import build

        result = build(written, build_dir, force=force, stage=session.stage, today=today)
        for warning in result.warnings:
            terminal.say(printable(_("warning: {message}").format(message=warning)))
        for path in result.written:
            terminal.say(_("written: {path}").format(path=path))
    return 0


def _interview(terminal: Terminal, session: Session, output: Path, today: dt.date) -> bool:
    """Ask until every question is answered and the review is confirmed with no errors;
    False if the clerk chose to stop."""
    if not session.done:
        terminal.say(_("xbdocs will ask about the agreement and its parties. Enter takes the "
                       "value in [brackets]; Ctrl-C stops, and your answers are kept."))
    while True:
        question = flow.pending(session)
        if question is not None:
            _ask(terminal, session, question)
            session.done.append(question.id)
            store.save_draft(output, session)
            continue
        choice = _review(terminal, session)
        if choice is not None:
            flow.forget(session, choice)
            store.save_draft(output, session)
            continue
        fault = _checks(terminal, session, today)
        if fault is None:
            return True
        if fault == "":
            store.save_draft(output, session)
            terminal.say(_("Your answers are saved; to go on: xbdocs interview -o {path} "
                           "--resume").format(path=output))
            return False
        flow.forget(session, fault)


# --- one question -----------------------------------------------------------------------------


def _ask(terminal: Terminal, session: Session, question: Question) -> None:
    terminal.say()
    terminal.say(f"{len(session.done) + 1}. {flow.title(question)}")
    kind = question.kind
    if kind == "preview":
        _preview(terminal, session, question)
        return
    if kind in ("own-items", "lines"):
        _items(terminal, session, question)
        return
    options = flow.choices(question, session) if kind in ("choice", "party", "areas") else []
    for number, (_value, label) in enumerate(options, 1):
        terminal.say(f"  {number:>2}) {label}")
    if kind == "party":
        terminal.say(f"  {0:>2}) " + _("not in this list: describe it"))
    if kind == "areas":
        terminal.say("  " + _("Several at once: «1 3 5-7»."))
    default = _default(question, session)
    shown = _shown_default(question, session, default, options)
    prompt = f"[{shown}] >" if shown else ">"
    while True:
        raw = terminal.ask(prompt)
        if not raw.strip() and default is not None:
            value = default
            break
        if not raw.strip() and kind in ("optional-text", "date", "identifier"):
            value = None
            break
        if not raw.strip():
            terminal.say("  " + _("an answer is needed here"))
            continue
        try:
            value = flow.check(question, raw, session)
            break
        except Invalid as exc:
            terminal.say("  " + printable(str(exc)))
    _apply(session, question, value)


def _default(question: Question, session: Session) -> Any:
    current = session.get(question.path)
    if question.kind == "term":
        return True
    if question.kind == "party":
        return current
    if current is not None:
        return current
    return question.default(session) if question.default else None


def _shown_default(question: Question, session: Session, default: Any,
                   options: list[tuple[str, str]]) -> str:
    if default is None:
        return ""
    if question.kind in ("term", "yes-no"):
        return _("yes") if default else _("no")
    labels = dict(options)
    if isinstance(default, list):
        numbers = [str(i) for i, (value, _label) in enumerate(options, 1) if value in default]
        return " ".join(numbers)
    return printable(str(labels.get(default, default)), 60)


def _apply(session: Session, question: Question, value: Any) -> None:
    kind, path = question.kind, question.path
    if kind == "term":
        session.notes["term.own"] = not value
        session.put("term", dict(flow.COMMON_TERM) if value else {})
        return
    if kind == "party":
        side = path.split(".")[1]
        session.notes[f"manual.{side}"] = value is None
        if value is not None:
            party = session.values.setdefault("parties", {}).setdefault(side, {})
            for key in ("name", "region", "level", "country", "address"):
                party.pop(key, None)
        elif session.get(path) is not None:
            session.put(path, None)
        if value is not None:
            session.put(path, value)
        return
    session.put(path, value)
    if question.id.endswith("-signatory-ru") and question.id.startswith("russian"):
        session.put(path[:-3] + ".kk", value)  # a Russian name reads the same in Kazakh
    if question.id.endswith(("-signatory-ru", "-signatory-kk")):
        side = question.id.split("-")[0]
        base = f"parties.{side}.signatory"
        guess = flow.gender_from_name(session.get(f"{base}.name.kk") or
                                      session.get(f"{base}.name.ru") or "")
        if guess:
            session.put(f"{base}.gender", guess)
    if question.id.endswith("-region") and session.get("track") == "regional":
        session.put(path.rsplit(".", 1)[0] + ".level", "regional")


def _items(terminal: Terminal, session: Session, question: Question) -> None:
    """A list answered one item a line; an empty line ends it."""
    items: list[Any] = []
    for item in session.get(question.path) or []:
        terminal.say("  " + _("kept: {item}").format(
            item=printable(item["ru"] if isinstance(item, dict) else str(item), 80)))
        items.append(item)
    while True:
        if question.kind == "lines":
            raw = terminal.ask(">")
            if not raw.strip():
                break
            try:
                items.append(flow.check(question, raw, session))
            except Invalid as exc:
                terminal.say("  " + printable(str(exc)))
            continue
        ru = terminal.ask(_("in Russian") + " >")
        if not ru.strip():
            break
        kk = terminal.ask(_("in Kazakh") + " >")
        try:
            items.append({"ru": flow.check(question, ru, session),
                          "kk": flow.check(question, kk, session)})
        except Invalid as exc:
            terminal.say("  " + printable(str(exc)))
    session.put(question.path, items)


def _preview(terminal: Terminal, session: Session, question: Question) -> None:
    """How the agreement will name the signatory; accept or correct a form."""
    from xbdocs import assembler
    from xbdocs.lang import ru

    base = question.path
    while True:
        forms = assembler.Forms(session.cat.forms, session.values.get("forms", {}))
        name = session.get(f"{base}.name.ru") or ""
        post = session.get(f"{base}.position.ru") or ""
        gender = session.get(f"{base}.gender") or "male"
        act = session.get(f"{base}.acts_on")
        act_text = session.cat.acts[act].label.ru if act in session.cat.acts else str(act)
        person = assembler.Field(name, f"{base}.name.ru", gender)
        post_genitive = forms.case("ru", assembler.Field(post, f"{base}.position.ru"),
                                   "genitive")
        name_genitive = forms.case("ru", person, "genitive")
        acting = ru.gendered(gender, "действующего", "действующей")
        terminal.say(f"  «в лице {post_genitive} {name_genitive}, {acting} на основании "
                     f"{forms.case('ru', act_text, 'genitive')}»")
        for doubt in forms.doubts.values():
            terminal.say("  " + _("not certain: {message}").format(
                message=printable(doubt.message, 200)))
        raw = terminal.ask(_("Enter — correct; 1 — give the name's form, 2 — the post's form, "
                             "3 — the other gender >"))
        choice = raw.strip()
        if not choice:
            return
        if choice == "3":
            session.put(f"{base}.gender", "female" if gender == "male" else "male")
            continue
        if choice in ("1", "2"):
            nominative = name if choice == "1" else post
            form = terminal.ask(_("«{text}» in the genitive (кого? чего?) >").format(
                text=printable(nominative, 80)))
            if form.strip():
                try:
                    value = flow.check(Question("form", f"{base}.name.ru", "text"), form,
                                       session)
                except Invalid as exc:
                    terminal.say("  " + printable(str(exc)))
                    continue
                table = session.values.setdefault("forms", {}).setdefault("ru", {})
                table.setdefault(nominative, {})["genitive"] = value
            continue
        terminal.say("  " + _("press Enter, or type 1, 2 or 3"))


# --- the review -------------------------------------------------------------------------------


def _answered(session: Session) -> list[Question]:
    return [q for q in flow.QUESTIONS if q.id in session.done and q.when(session)]


def _review(terminal: Terminal, session: Session) -> str | None:
    """Show every answer, numbered; the id of one to change, or None when confirmed."""
    items = _answered(session)
    terminal.say()
    terminal.say(_("Your answers:"))
    for number, question in enumerate(items, 1):
        terminal.say(f"  {number:>2}. {flow.label(question)}: "
                     f"{printable(flow.shown(question, session), 120)}")
    while True:
        raw = terminal.ask(_("Enter — all correct; or the number of an answer to change >"))
        if not raw.strip():
            return None
        if raw.strip().isdigit() and 1 <= int(raw) <= len(items):
            return items[int(raw) - 1].id
        terminal.say("  " + _("type a number from 1 to {count}, or press Enter").format(
            count=len(items)))


def _at_fault(session: Session, path: str) -> Question | None:
    for question in _answered(session):
        if path == question.path or path.startswith(question.path + ".") or \
                question.path.startswith(path + "."):
            return question
    return None


def _checks(terminal: Terminal, session: Session, today: dt.date) -> str | None:
    """Run the checks of `xbdocs check` for the stage. None: nothing blocks writing; the id
    of a question to answer again; "" to stop with the draft saved."""
    from xbdocs import answers, checks, profile

    problems: list[tuple[str, str]] = []
    try:
        parsed = answers.parse(copy.deepcopy(session.values), {})
    except AnswersError as exc:
        problems = [(p.path, p.message) for p in exc.problems]
    else:
        findings = checks.check(parsed, session.cat, profile.load(), session.stage, today)
        warnings = [f for f in findings if f.severity == checks.WARNING]
        problems = [(f.path, f.message) for f in findings if f.severity == checks.ERROR]
        if warnings:
            terminal.say()
            terminal.say(_("Worth knowing before you file:"))
            for finding in warnings:
                terminal.say("  — " + printable(finding.message, 300))
    if not problems:
        return None
    terminal.say()
    terminal.say(_("These would get the documents refused:"))
    faults: list[Question] = []
    for path, message in problems:
        question = _at_fault(session, path)
        if question and question not in faults:
            faults.append(question)
        number = f"{faults.index(question) + 1}) " if question else ""
        terminal.say(f"  {number}{printable(message, 300)}")
    while True:
        raw = terminal.ask(_("Type the number to answer that question again, or Enter to stop "
                             "and keep the draft >"))
        if not raw.strip():
            return ""
        if raw.strip().isdigit() and 1 <= int(raw) <= len(faults):
            return faults[int(raw) - 1].id
        terminal.say("  " + _("type a number from 1 to {count}, or press Enter").format(
            count=len(faults)))
