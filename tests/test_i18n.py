"""Messages: every string the code shows is translated, and the compiled catalogue is the
one the .po file describes."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from xbdocs import i18n

PO = i18n.LOCALE_DIR / "ru" / "LC_MESSAGES" / "xbdocs.po"
MO = PO.with_suffix(".mo")
PACKAGE = Path(i18n.__file__).parent


def _catalogue():
    with PO.open("rb") as stream:
        return read_po(stream, locale="ru")


def test_every_message_has_a_russian_translation():
    catalogue = _catalogue()
    extracted = {message for _file, _line, message, _comments, _context in
                 extract_from_dir(str(PACKAGE), keywords={"_": None, "ngettext": (1, 2)})}
    untranslated = [m for m in extracted
                    if not (catalogue.get(m) and catalogue.get(m).string)]
    assert untranslated == [], (
        "translate these in xbdocs/locale/ru/LC_MESSAGES/xbdocs.po, then run "
        "pybabel compile -d xbdocs/locale -D xbdocs")


def _messages(stream) -> dict:
    """The translations of a compiled catalogue, without its header: the header names the
    Babel version that compiled it, which does not matter."""
    import gettext

    catalog = dict(gettext.GNUTranslations(stream)._catalog)
    catalog.pop("", None)
    return catalog


def test_compiled_catalogue_matches_po():
    buffer = io.BytesIO()
    write_mo(buffer, _catalogue())
    buffer.seek(0)
    with MO.open("rb") as shipped:
        assert _messages(shipped) == _messages(buffer), (
            "run: pybabel compile -d xbdocs/locale -D xbdocs")


def test_switching_language():
    i18n.set_language("ru")
    assert i18n._("no such file") == "нет такого файла"
    i18n.set_language("en")
    assert i18n._("no such file") == "no such file"
