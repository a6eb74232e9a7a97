"""The answers file: read it, validate it with the schema (:mod:`xbdocs.schema`), and report
every problem at once, each with its key path and line.

The fields themselves are defined in the schema only; this module turns pydantic's errors
into xbdocs's messages.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from xbdocs import catalogue as catalogue_module
from xbdocs.catalogue import Catalogue
from xbdocs.errors import InputError, printable, problem
from xbdocs.findings import Finding, line_of
from xbdocs.i18n import Message, MessageText, _
from xbdocs.inputs import inside, read_text, text_digest
from xbdocs.schema import BRANCH, Answers, Outgoing, Party, Signatory, model_in
from xbdocs.yamlread import describe, load_yaml, unknown_key

__all__ = ["Answers", "Outgoing", "Party", "Signatory", "as_text", "from_data", "load",
           "load_named", "load_with_text", "loads", "parse"]


def parse(data: Any, lines: dict[str, int], source: str = "",
          cat: Catalogue | None = None) -> Answers:
    """Validate answers already parsed from YAML."""
    cat = cat or catalogue_module.load()
    try:
        answers = Answers.model_validate(data, context={"catalogue": cat})
    except ValidationError as exc:
        raise InputError(source, problems(exc, lines, Answers)) from None
    return answers.located(source, "", lines)


def load(path: str | Path) -> Answers:
    """Read and validate an answers file."""
    return load_with_text(path)[0]


def load_with_text(path: str | Path) -> tuple[Answers, str]:
    """Read and validate an answers file; also its text, which a package keeps."""
    path = Path(path)
    source = str(path)
    text = read_text(path, _("an answers file (YAML)"))
    return loads(text, source), text


def load_named(name: str, named_in: Path, key: str = "", folder: Path | None = None
               ) -> Answers:
    """The answers file ``name`` that another input (a plan, a register import) names.

    It must lie in ``folder`` — one the user gave on the command line — or else in the
    folder of ``named_in`` (:func:`xbdocs.inputs.inside`). A file that cannot be read (no
    such file, a folder, too large) is said so; one that turns out not to be an answers
    file at all — not YAML, not a section of keys, keys no answers file has — gets one line
    naming it, never its contents: a plan sent by someone else must not make xbdocs print a
    file it happens to name. The problems of what is an answers file are shown as ``xbdocs
    check`` shows them. ``key`` is where ``named_in`` names it («agreement.answers»)."""
    source = str(named_in)
    try:
        path = inside(folder or named_in.parent, name, source)
        text = read_text(path, _("an answers file (YAML)"))
    except InputError as exc:
        raise InputError(source, [dataclasses.replace(
            p, path=key, source="", message=Message("«{name}»: {problem}").format(
                name=printable(name, 120), problem=p.message) if p.source != source
            else p.message) for p in exc.problems]) from None
    try:
        return loads(text, str(path))
    except InputError as exc:
        if all(_of_answers(problem.path) for problem in exc.problems):
            raise
        raise InputError.one(source, Message(
            "«{name}» is not an answers file; check it with: xbdocs check {path}").format(
                name=printable(name, 120), path=printable(str(path), 200)),
            path=key) from None


def _of_answers(path: str) -> bool:
    """Whether a problem's key path lies under a key an answers file has."""
    top = path.split(".")[0].split("[")[0]
    return top in Answers.model_fields


def loads(text: str, source: str = "answers.yaml") -> Answers:
    """Validate the text of an answers file given as text (a clerk's upload, an API
    caller's string); ``source`` names it in messages."""
    data, lines = load_yaml(text, source)
    return parse(data, lines, source).located(source, text_digest(text), lines)


def as_text(data: dict[str, Any]) -> str:
    """Answers held as data (a table row, a register entry) written as an answers file: the
    text their digest is of."""
    from xbdocs.yamlread import dumped

    return dumped(data)


def from_data(data: dict[str, Any], source: str,
              lines: dict[str, int] | None = None) -> Answers:
    """Validate answers held as data; their digest is that of :func:`as_text`."""
    lines = lines or {}
    return parse(data, lines, source).located(source, text_digest(as_text(data)), lines)


# --- pydantic's errors as xbdocs's problems -----------------------------------------------------

def key_path(location: tuple) -> str:
    """('parties', 'kazakh', 'signatory', 'gender') → parties.kazakh.signatory.gender;
    list items as [i]; a union's branch tags are left out."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(BRANCH):
            path = f"{path}.{part}" if path else str(part)
    return path


def problems(exc: ValidationError, lines: dict[str, int],
             root: type[BaseModel]) -> list[Finding]:
    """One problem per error, in the file's order, each with its line."""
    found: list[Finding] = []

    def add(path: str, message: MessageText) -> None:
        found.append(problem(path, message, line_of(lines, path) or lines.get("")))

    for error in exc.errors(include_url=False):
        path = key_path(error["loc"])
        kind = error["type"]
        if kind == "xbdocs_located":
            for prefix, key, message in error["ctx"]["problems"]:
                below = ".".join(p for p in (path, prefix, key) if p)
                add(below, message)
            continue
        add(path, _message(error, root))
    return found


def _message(error: dict[str, Any], root: type[BaseModel]) -> MessageText:
    kind, value = error["type"], error.get("input")
    if kind == "xbdocs":
        return error["ctx"]["message"]
    if kind == "missing":
        return Message("required, but missing")
    if kind == "extra_forbidden":
        return unknown_key(error["loc"][-1], _fields_at(root, error["loc"][:-1]))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return Message("expected a section of keys, got {got}").format(got=describe(value))
    if kind in ("list_type", "tuple_type"):
        return Message("expected a list, got {got}").format(got=describe(value))
    if kind in ("string_type", "str_type"):
        return Message("expected text, got {got}").format(got=describe(value))
    if kind.startswith("bool"):
        return Message("expected yes or no (true/false), got {got}").format(
            got=describe(value))
    if kind.startswith("int"):
        return Message("expected a whole number, got {got}").format(got=describe(value))
    return printable(str(error.get("msg", kind)), 200)


def _fields_at(root: type[BaseModel], location: tuple) -> set[str]:
    """The keys a section at ``location`` may have."""
    model: type[BaseModel] | None = root
    for part in location:
        if model is None:
            return set()
        if isinstance(part, int) or str(part).startswith(BRANCH):
            continue
        field = model.model_fields.get(str(part))
        model = model_in(field.annotation) if field else None
    return set(model.model_fields) if model else set()
