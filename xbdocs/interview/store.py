"""Where an interview keeps its answers: a draft saved after every answer, and the answers
file written at the end — the same YAML a person writes by hand (docs/answers.md), with
short comments. Both are written whole or not at all (:mod:`xbdocs.output`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from xbdocs import output, schema
from xbdocs.catalogue import Catalogue
from xbdocs.errors import XbdocsError
from xbdocs.i18n import _, help_text
from xbdocs.inputs import read_text
from xbdocs.interview.flow import Session

DRAFT_VERSION = 1


def draft_path(answers: Path) -> Path:
    return answers.with_name(f"{answers.name}.draft.json")


def _write(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    with output.Package(folder, force=True) as package:
        package.add(path.name, data)
        package.commit()


def save_draft(answers: Path, session: Session) -> None:
    data = {"version": DRAFT_VERSION, "stage": session.stage, "values": session.values,
            "done": session.done, "notes": session.notes}
    _write(draft_path(answers), json.dumps(data, ensure_ascii=False, indent=1).encode())


def load_draft(answers: Path, cat: Catalogue) -> Session:
    path = draft_path(answers)
    if not path.exists():
        raise XbdocsError(_("{path}: no draft to resume; start with «xbdocs interview -o "
                            "{answers}»").format(path=path, answers=answers))
    try:
        data = json.loads(read_text(path, _("an interview draft")))
        if data.get("version") != DRAFT_VERSION:
            raise ValueError
        return Session(dict(data["values"]), str(data["stage"]), cat, list(data["done"]),
                       dict(data.get("notes", {})))
    except (ValueError, KeyError, TypeError):
        raise XbdocsError(_("{path}: the draft is damaged; start again without --resume")
                          .format(path=path)) from None


def remove_draft(answers: Path) -> None:
    draft_path(answers).unlink(missing_ok=True)


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
        lines.append(yaml.safe_dump({key: data[key]}, allow_unicode=True, sort_keys=False,
                                    width=100).rstrip())
        lines.append("")
    return "\n".join(lines)


def write_answers(path: Path, values: dict[str, Any], force: bool) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    with output.Package(folder, force) as package:
        package.add(path.name, answers_yaml(values).encode("utf-8"))
        return package.commit()[0]
