"""User-facing messages through gettext: Russian by default, English on request.

Messages are written in English in the code and translated by the ``xbdocs`` catalogue in
``xbdocs/locale``. Click's own messages (usage errors, «Usage:», the help option) are
translated by the ``click`` catalogue beside it.

The language is per context (:mod:`contextvars`), not per process: a server answers one
clerk in Russian and another in Kazakh at the same time, each request in its own context
(a thread, an asyncio task). :func:`set_language` changes it for the current context, as a
CLI's locale; :func:`language` for a block of code only.
"""

from __future__ import annotations

import contextlib
import gettext
import os
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
#: Every message of xbdocs is in Russian, Kazakh and English (tests/test_i18n.py).
UI_LANGUAGES = ("ru", "en", "kk")
DEFAULT_LANGUAGE = "ru"


@dataclass(frozen=True)
class _Language:
    """A message language with its two catalogues (xbdocs's own and click's)."""

    code: str
    own: gettext.NullTranslations
    click: gettext.NullTranslations


@cache
def _catalogue(lang: str, domain: str = "xbdocs") -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, LOCALE_DIR, languages=[lang, DEFAULT_LANGUAGE],
                               fallback=True)


@cache
def _language(lang: str) -> _Language:
    if lang not in UI_LANGUAGES:
        raise ValueError(lang)
    return _Language(lang, _catalogue(lang), _catalogue(lang, "click"))


def _initial() -> str:
    wanted = os.environ.get("XBDOCS_LANG")
    return wanted if wanted in UI_LANGUAGES else DEFAULT_LANGUAGE


#: The language of the current context. A new thread starts with the default (the
#: environment's XBDOCS_LANG, else Russian), whatever another thread has chosen.
_STARTING_LANGUAGE = _initial()
_current: ContextVar[str] = ContextVar("xbdocs_language", default=_STARTING_LANGUAGE)


def set_language(lang: str) -> None:
    """Switch the language of every message produced from now on in this context."""
    _current.set(_language(lang).code)


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the block, the language before it after."""
    token = _current.set(_language(lang).code)
    try:
        yield
    finally:
        _current.reset(token)


def locale_language() -> str:
    """The interface language the environment's locale asks for: Kazakh for a Kazakh
    locale, else Russian, the documented default — a clerk's computer set up in English
    (common on Windows and in virtual machines) does not mean the clerk reads English;
    English is chosen by --lang or XBDOCS_LANG."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            return "kk" if code == "kk" else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return _current.get()


def _(message: str) -> str:
    return _language(_current.get()).own.gettext(message)


def in_language(lang: str, message: str) -> str:
    """A message in ``lang`` whatever the interface language: for text inside a document,
    which speaks the document's language."""
    return _catalogue(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _language(_current.get()).own.ngettext(singular, plural, n)


def choice_of(text: str, names: dict[str, str]) -> str | None:
    """The id a person means by ``text``, among ``names`` (id → the msgid of its name): the
    id itself, its name in any language of the interface («подписано», «қол қойылды»), or
    the start of a word of one name only («уведомление» for «направлено уведомление о
    переговорах») — case and ё ignored; None when none or several fit."""
    typed = _folded(text)
    forms = {key: {_folded(key), *(_folded(in_language(lang, msgid)) for lang in UI_LANGUAGES)}
             for key, msgid in names.items()}
    for key, known in forms.items():
        if typed in known:
            return key
    started = {key for key, known in forms.items()
               if len(typed) >= 3 and any(f" {typed}" in f" {form}" for form in known)}
    return started.pop() if len(started) == 1 else None


def _folded(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet: help texts are fixed at
    import, and translated when shown, in the language chosen by then."""
    return message


def help_text(message: str) -> str:
    """A help text in the current language: xbdocs's own, or one click made at import."""
    current = _language(_current.get())
    translated = current.own.gettext(message)
    return translated if translated != message else current.click.gettext(message)


def translate_click() -> None:
    """Route click's own messages through the ``click`` catalogue in the current language.

    Click looks its messages up with the functions it imported from gettext; they are
    replaced in click's modules by ones that follow :func:`set_language`."""
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = lambda message: _language(_current.get()).click.gettext(message)
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = lambda singular, plural, n: _language(
                _current.get()).click.ngettext(singular, plural, n)


class Years:
    """A number of years agreed with its noun when shown, in the language of the moment:
    «1 год», «3 года», «5 лет» (a message's «лет: 3» or «3 лет» once)."""

    __slots__ = ("n",)

    def __init__(self, n: object) -> None:
        self.n = n

    def __str__(self) -> str:
        if not isinstance(self.n, int):
            return str(self.n)
        return ngettext("{n} year", "{n} years", self.n).format(n=self.n)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class Message:
    """A message translated when it is shown, not when it is made.

    An error raised while serving one clerk may be shown to another, or logged in English
    and shown in Kazakh; so errors and findings hold a ``Message`` and become text only
    when ``str()`` is called, in the language of the context that shows them. Written as
    ``_`` would be: ``Message("{path}: no such file").format(path=p)``; the msgid is
    extracted for the catalogue like ``_``'s. Parameters that are messages themselves are
    translated at the same moment.
    """

    __slots__ = ("args", "formatted", "msgid", "params")

    def __init__(self, msgid: str, *args: object, **params: object) -> None:
        self.msgid, self.args, self.params = msgid, args, params
        self.formatted = bool(args or params)

    def format(self, *args: object, **params: object) -> Message:
        """The message with its placeholders to be filled when it is shown."""
        message = Message(self.msgid, *args, **params)
        message.formatted = True
        return message

    def __str__(self) -> str:
        text = _(self.msgid)
        if not self.formatted:
            return text
        return text.format(*map(_shown, self.args),
                           **{key: _shown(value) for key, value in self.params.items()})

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.msgid, self.args, self.params) == (other.msgid, other.args,
                                                             other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.msgid, self.args, tuple(sorted(self.params))))

    def __repr__(self) -> str:
        return f"Message({self.msgid!r})"


def _shown(value: object) -> object:
    return str(value) if isinstance(value, Message) else value


#: A message as text or as a :class:`Message` to translate later.
MessageText = str | Message
