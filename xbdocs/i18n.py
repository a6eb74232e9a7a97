"""User-facing messages through gettext: Russian by default, English on request.

Messages are written in English in the code and translated by the ``xbdocs`` catalogue in
``xbdocs/locale``. Click's own messages (usage errors, «Usage:», the help option) are
translated by the ``click`` catalogue beside it. The language is process-wide, like a
CLI's locale.
"""

from __future__ import annotations

import gettext
import os
import sys
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
MESSAGE_LANGUAGES = ("ru", "en")
#: The interview also speaks Kazakh; what its catalogue lacks is shown in Russian.
UI_LANGUAGES = ("ru", "en", "kk")
DEFAULT_LANGUAGE = "ru"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_click: gettext.NullTranslations = gettext.NullTranslations()
_current = "en"


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("xbdocs", LOCALE_DIR, languages=[lang, DEFAULT_LANGUAGE],
                               fallback=True)


def set_language(lang: str) -> None:
    """Switch the language of every message produced from now on."""
    global _translation, _click, _current
    if lang not in UI_LANGUAGES:
        raise ValueError(lang)
    if lang == "en":
        _translation = _click = gettext.NullTranslations()
    else:
        _translation = _catalogue(lang)
        _click = gettext.translation("click", LOCALE_DIR, languages=[lang, DEFAULT_LANGUAGE],
                                     fallback=True)
    _current = lang


def locale_language() -> str:
    """The interface language the environment's locale asks for (kk, en), else Russian."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            return code if code in UI_LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return _current


def _(message: str) -> str:
    return _translation.gettext(message)


def in_language(lang: str, message: str) -> str:
    """A message in ``lang`` whatever the interface language: for text inside a document,
    which speaks the document's language."""
    return _catalogue(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet: help texts are fixed at
    import, and translated when shown, in the language chosen by then."""
    return message


def help_text(message: str) -> str:
    """A help text in the current language: xbdocs's own, or one click made at import."""
    translated = _translation.gettext(message)
    return translated if translated != message else _click.gettext(message)


def translate_click() -> None:
    """Route click's own messages through the ``click`` catalogue in the current language.

    Click looks its messages up with the functions it imported from gettext; they are
    replaced in click's modules by ones that follow :func:`set_language`."""
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = lambda message: _click.gettext(message)
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = lambda singular, plural, n: _click.ngettext(singular, plural, n)


set_language(os.environ.get("XBDOCS_LANG", DEFAULT_LANGUAGE)
             if os.environ.get("XBDOCS_LANG") in MESSAGE_LANGUAGES else DEFAULT_LANGUAGE)
