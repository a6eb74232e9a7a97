"""User-facing messages through gettext: Russian by default, English on request.

Messages are written in English in the code and translated by the ``xbdocs`` catalogue in
``xbdocs/locale``. The language is process-wide, like a CLI's locale.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
MESSAGE_LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_current = "en"


def set_language(lang: str) -> None:
    """Switch the language of every message produced from now on."""
    global _translation, _current
    if lang not in MESSAGE_LANGUAGES:
        raise ValueError(lang)
    if lang == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation("xbdocs", LOCALE_DIR, languages=[lang], fallback=True)
    _current = lang


def current_language() -> str:
    return _current


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


set_language(os.environ.get("XBDOCS_LANG", DEFAULT_LANGUAGE)
             if os.environ.get("XBDOCS_LANG") in MESSAGE_LANGUAGES else DEFAULT_LANGUAGE)
