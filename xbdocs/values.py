"""Values a template prints that remember where they came from: a field of the answers or a
catalogue entry (for a message about a doubtful form), a person's gender, an unverified
value's note (which follows it into the document as a comment); references to clauses;
and the case forms of names, with their doubts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xbdocs import lang as languages
from xbdocs.findings import WARNING, Finding
from xbdocs.i18n import Message, _


class Field(str):
    """A string from the answers or the catalogue that remembers where it came from, so a
    doubtful form can be reported against its field. A person's name carries a gender; a
    value nobody has checked carries its note (:class:`xbdocs.unverified.Unverified`), which
    follows it through the filters into the document as a comment."""

    path: str
    gender: str | None
    note: Any

    def __new__(cls, value: str, path: str, gender: str | None = None,
                note: Any = None) -> Field:
        obj = super().__new__(cls, value)
        obj.path = path
        obj.gender = gender
        obj.note = note
        return obj


def keeps_note(function: Any) -> Any:
    """A filter whose result still carries its input's note (a declined unverified name is
    as unverified as the name)."""
    def apply(value: Any, *args: Any, **kwargs: Any) -> Any:
        result = function(value, *args, **kwargs)
        if isinstance(value, Field) and value.note is not None and isinstance(result, str) \
                and not isinstance(result, Field):
            return Field(result, value.path, value.gender, value.note)
        return result
    apply.__name__ = getattr(function, "__name__", "filter")
    return apply


@dataclass(frozen=True)
class Ref:
    target: str
    case: str = "nominative"
    possessive: bool = False


class Forms:
    """Case forms of names. A form given in the answers wins, then one in the catalogue;
    otherwise the language engine derives it, and its doubts become warnings."""

    def __init__(self, catalogue_forms: dict, answer_forms: dict) -> None:
        self.catalogue_forms = catalogue_forms
        self.answer_forms = answer_forms
        self.doubts: dict[tuple[str, str, str], Finding] = {}

    def explicit(self, lang: str, text: str, case: str) -> str | None:
        for table in (self.answer_forms, self.catalogue_forms):
            form = table.get(lang, {}).get(text, {}).get(case)
            if form:
                return form
        return None

    def case(self, lang: str, text: str, case: str) -> str:
        if case == "nominative":
            return text
        form = self.explicit(lang, text, case)
        if form:
            return form
        module = languages.get(lang)
        gender = getattr(text, "gender", None)
        result = (module.inflect_person(str(text), case, gender) if gender
                  else module.inflect_phrase(str(text), case))
        if result.doubt:
            key = (getattr(text, "path", ""), str(text), case)
            self.doubts.setdefault(key, Finding("XB018", WARNING, key[0] or _("template"), Message(
                "«{text}» in the {case} case was written «{form}», but this is not "
                "certain ({why}); if it is wrong, add the right form under forms.{lang} "
                "(forms: {lang}: \"{text}\": {case}: …)").format(
                    text=shorten(str(text)), case=case, form=shorten(result.text),
                    why=shorten(result.doubt), lang=lang)))
        return result.text


def shorten(text: str, limit: int = 80) -> str:
    """Long user text cut down for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
