"""The browser's own syntax for answers: form fields to the engine's structured values, and
back to what a field shows. The rules of each answer stay in the engine
(:func:`xbdocs.interview.flow.validate`); this module only reads a form, as the terminal
reads a typed line.

Each question is one form field named ``q-<id>`` (its own items two: ``q-<id>-ru`` and
``q-<id>-kk``, one item per line); a field left blank is
:data:`~xbdocs.interview.flow.UNANSWERED`, so the engine says «an answer is needed here»
where one is.
"""

from __future__ import annotations

from typing import Any

from xbdocs.interview.engine import Asked
from xbdocs.interview.flow import UNANSWERED

#: The value of the party list's «not in the list» choice.
NOT_LISTED = "-"
#: How many lines a list field takes (the answers file's own limits apply after).
MAX_LINES = 200


def name(asked: Asked) -> str:
    return f"q-{asked.id}"


def value_of(asked: Asked, form: Any) -> Any:
    """The structured answer a submitted form gives to a question (``form`` is Starlette's
    FormData or any mapping with ``get``/``getlist``)."""
    field, kind = name(asked), asked.kind
    if kind == "preview":
        return True
    if kind == "areas":
        return [str(v) for v in form.getlist(field)] or UNANSWERED
    if kind == "own-items":
        return _items(form.get(f"{field}-ru"), form.get(f"{field}-kk"))
    raw = form.get(field)
    text = raw.strip() if isinstance(raw, str) else ""
    if kind == "party":
        return None if text == NOT_LISTED else (text or UNANSWERED)
    if kind in ("yes-no", "term"):
        return {"yes": True, "no": False}.get(text, UNANSWERED)
    if kind == "lines":
        return _lines(raw) or UNANSWERED
    if not text:
        return UNANSWERED
    if kind == "number":
        return int(text) if text.isdigit() and len(text) <= 6 else text
    return text


def _lines(raw: Any) -> list[str]:
    text = raw if isinstance(raw, str) else ""
    return [line.strip() for line in text.splitlines()[:MAX_LINES] if line.strip()]


def _items(russian: Any, kazakh: Any) -> Any:
    """Items of one's own: the n-th Russian line with the n-th Kazakh line; a line without
    its pair is given as it is, and the engine says what is missing."""
    ru, kk = _lines(russian), _lines(kazakh)
    if not ru and not kk:
        return UNANSWERED
    return [{"ru": ru[i] if i < len(ru) else "", "kk": kk[i] if i < len(kk) else ""}
            for i in range(max(len(ru), len(kk)))]


def shown(asked: Asked, raw: dict[str, str] | None = None) -> Any:
    """What the field shows: what the clerk typed last when it was refused (``raw``), else
    the answer so far or the default, in the form's syntax."""
    if raw and name(asked) in raw:
        return raw[name(asked)]
    value, kind = asked.default, asked.kind
    if kind == "date" and isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return ".".join(reversed(value.split("-")))
    if kind in ("yes-no", "term") and isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if kind == "own-items" and isinstance(value, list):
        return {lang: "\n".join(str(item.get(lang, "")) for item in value
                                if isinstance(item, dict)) for lang in ("ru", "kk")}
    if kind == "areas":
        return value if isinstance(value, list) else []
    return "" if value is None else value


def raw_of(asked: Asked, form: Any) -> dict[str, str]:
    """The text of a refused field as typed, to be shown again (only text fields: a
    choice is shown as chosen)."""
    if asked.kind in ("text", "optional-text", "date", "number", "identifier", "lines"):
        value = form.get(name(asked))
        return {name(asked): value} if isinstance(value, str) else {}
    return {}
