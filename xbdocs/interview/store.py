"""Where an interview keeps its answers: a draft saved after every answer, and the answers
file written at the end — the same YAML a person writes by hand (docs/answers.md), with
short comments. Both are written whole or not at all (:mod:`xbdocs.output`).

Drafts are kept by an id through :class:`DraftStore`, so the engine does not care where:
:class:`FileDraftStore` for the terminal (beside the answers file), the register's database
for the browser."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from xbdocs import output, schema
from xbdocs.catalogue import Catalogue
from xbdocs.errors import InputError, printable
from xbdocs.i18n import Message, _, help_text
from xbdocs.inputs import read_text
from xbdocs.interview.flow import BY_ID, Session
from xbdocs.stages import STAGES
from xbdocs.yamlread import dumped

DRAFT_VERSION = 1
#: How deep a draft's values may nest: the answers go five keys deep
#: (parties.russian.signatory.name.ru); deeper is a damaged or hostile file, refused before
#: anything walks it recursively.
MAX_DEPTH = 12


@dataclass
class Draft:
    """An interview in progress, as kept between answers: plain data, no catalogue, so any
    store (a file, the register's database) keeps it as JSON."""

    stage: str
    values: dict[str, Any]
    #: Ids of the questions answered, in the order they were answered.
    done: list[str] = field(default_factory=list)
    #: Facts of the interview itself (a party described by hand, a term of one's own).
    notes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, session: Session) -> Draft:
        """What of a session is kept: everything but the catalogue, read afresh."""
        return cls(session.stage, copy.deepcopy(session.values), list(session.done),
                   copy.deepcopy(session.notes))

    def session(self, cat: Catalogue) -> Session:
        """The session to go on with, against today's catalogue."""
        return Session(copy.deepcopy(self.values), self.stage, cat, list(self.done),
                       copy.deepcopy(self.notes))

    def as_data(self) -> dict[str, Any]:
        """Plain JSON data, with the version that reads it back."""
        return {"version": DRAFT_VERSION, "stage": self.stage, "values": self.values,
                "done": self.done, "notes": self.notes}

    @classmethod
    def from_data(cls, data: Any) -> Draft:
        """A draft from its JSON data; :class:`DamagedDraft` when it is not one this version
        wrote (a list, null, the wrong version, unknown questions, values nested deeper than
        answers go)."""
        if not isinstance(data, dict) or data.get("version") != DRAFT_VERSION:
            raise DamagedDraft("not a draft of this version")
        stage, values = data.get("stage"), data.get("values")
        done, notes = data.get("done"), data.get("notes", {})
        if stage not in STAGES or not isinstance(values, dict) or not isinstance(notes, dict):
            raise DamagedDraft("stage, values or notes")
        if not isinstance(done, list) or not all(isinstance(q, str) and q in BY_ID
                                                 for q in done):
            raise DamagedDraft("done")
        if _depth(values) > MAX_DEPTH or _depth(notes) > 2:
            raise DamagedDraft("nested too deep")
        if _unwritable((values, notes)):
            raise DamagedDraft("text that is not Unicode")
        return cls(stage, values, done, notes)


def _unwritable(node: Any) -> bool:
    """Whether text somewhere in ``node`` holds a lone surrogate («\\udcff» in the JSON):
    not a character, so the draft could never be written back."""
    if isinstance(node, str):
        return any("\ud800" <= char <= "\udfff" for char in node)
    if isinstance(node, dict):
        return any(_unwritable(key) or _unwritable(value) for key, value in node.items())
    if isinstance(node, list | tuple):
        return any(_unwritable(item) for item in node)
    return False


class DamagedDraft(ValueError):
    """Data that is not a draft; a store turns it into a message naming where it was."""


def _depth(node: Any, limit: int = MAX_DEPTH + 1) -> int:
    """How deep ``node`` nests, counted no further than ``limit`` (so a hostile draft is
    not walked to its bottom)."""
    if limit <= 0 or not isinstance(node, dict | list):
        return 0
    children = node.values() if isinstance(node, dict) else node
    return 1 + max((_depth(child, limit - 1) for child in children), default=0)


class DraftStore(Protocol):
    """Where drafts are kept, by an id: a file beside the answers for the terminal, a table
    of the register's database for the browser."""

    def load(self, draft_id: str) -> Draft: ...

    def save(self, draft_id: str, draft: Draft) -> None: ...

    def delete(self, draft_id: str) -> None: ...

    def exists(self, draft_id: str) -> bool: ...


def draft_path(answers: Path) -> Path:
    """Where the terminal's draft of ``answers`` is: beside it, so it is found again."""
    return answers.with_name(f"{answers.name}.draft.json")


class FileDraftStore:
    """Drafts as JSON files: the id is the answers file's path, and the draft sits beside it
    (``answers.yaml.draft.json``), where an interrupted interview has always left it."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder

    def path(self, draft_id: str) -> Path:
        answers = Path(draft_id)
        return draft_path(self.folder / answers if self.folder else answers)

    def exists(self, draft_id: str) -> bool:
        return self.path(draft_id).exists()

    def save(self, draft_id: str, draft: Draft) -> None:
        data = json.dumps(draft.as_data(), ensure_ascii=False, indent=1)
        _write(self.path(draft_id), data.encode())

    def delete(self, draft_id: str) -> None:
        self.path(draft_id).unlink(missing_ok=True)

    def load(self, draft_id: str) -> Draft:
        path = self.path(draft_id)
        if not path.exists():
            raise InputError.one(str(path), Message(
                "no draft to resume; start with «xbdocs interview -o {answers}»").format(
                    answers=printable(draft_id, 200)))
        text = read_text(path, _("an interview draft"))
        try:
            return Draft.from_data(json.loads(text))
        except (ValueError, RecursionError):  # RecursionError: JSON nested past the parser
            kept = self.set_aside(path)
        raise InputError.one(str(path), Message(
            "the draft is damaged; it is kept as {kept} and nothing is taken from it; "
            "start again: xbdocs interview -o {answers}").format(
                kept=printable(kept.name, 200), answers=printable(draft_id, 200)))

    @staticmethod
    def set_aside(path: Path) -> Path:
        """Move a damaged draft out of the way (kept for whoever wants to look at it), so
        the next interview starts afresh instead of tripping over it again."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = path.with_name(f"{path.name}.damaged-{stamp}")
        with contextlib.suppress(OSError):
            os.replace(path, kept)
        return kept


def _write(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    with output.Package(folder, force=True) as package:
        package.add(path.name, data)
        package.commit()


def _dates(node: Any, path: str = "") -> Any:
    """ISO dates kept as text in the draft become YAML dates in the file."""
    if isinstance(node, dict):
        return {key: _dates(value, f"{path}.{key}" if path else key)
                for key, value in node.items()}
    if isinstance(node, list):
        return [_dates(value, path) for value in node]
    if isinstance(node, str) and path.endswith("date"):
        try:
            return dt.date.fromisoformat(node)
        except ValueError:
            return node
    return node


def answers_yaml(values: dict[str, Any]) -> str:
    """The answers as a file a person reads: the schema's order, a comment over each
    section saying what it is."""
    lines = [_("# Answers for xbdocs, written by «xbdocs interview»."),
             _("# Build the documents: xbdocs build THIS-FILE -o OUTDIR"),
             _("# The keys are described in docs/answers.md; «xbdocs schema» gives the rules "
               "to an editor."), ""]
    data = _dates(values)
    for key, info in schema.Answers.model_fields.items():
        if key not in data:
            continue
        lines.append(f"# {help_text(info.description or key)}")
        lines.append(dumped({key: data[key]}).rstrip())
        lines.append("")
    return "\n".join(lines)


def _iso(node: Any) -> Any:
    """Dates in answers read from YAML as ISO text, as a draft keeps them (JSON has no
    dates)."""
    if isinstance(node, dict):
        return {key: _iso(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_iso(value) for value in node]
    return node.isoformat() if isinstance(node, dt.date) else node


def read_answers(path: Path) -> dict[str, Any]:
    """The answers of a file made earlier, for an interview to go on from (``interview
    --from``): checked as `xbdocs check` reads it (an InputError with its problems), dates
    as ISO text."""
    from xbdocs import answers
    from xbdocs.yamlread import load_yaml

    text = read_text(path, _("an answers file (YAML)"))
    answers.loads(text, str(path))
    values, _lines = load_yaml(text, str(path))
    return _iso(values)


def write_answers(path: Path, values: dict[str, Any], force: bool) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    with output.Package(folder, force) as package:
        package.add(path.name, answers_yaml(values).encode("utf-8"))
        return package.commit()[0]
