"""Messages: every string the code shows is translated, and the compiled catalogue is the
one the .po file describes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from xbdocs import i18n

PO = i18n.LOCALE_DIR / "ru" / "LC_MESSAGES" / "xbdocs.po"
PACKAGE = Path(i18n.__file__).parent
#: The languages of the interface besides English, the messages' own.
LANGUAGES = ("ru", "kk")


def _catalogue(lang: str = "ru"):
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "xbdocs.po").open("rb") as stream:
        return read_po(stream, locale=lang)


def _extracted() -> set[str]:
    """Every message the code and the browser's templates show (a plural by its singular)."""
    found = {message for _file, _line, message, _comments, _context in
             extract_from_dir(str(PACKAGE), keywords={"_": None, "N_": None, "Message": None,
                                                      "ngettext": (1, 2)})}
    found |= {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE / "web" / "templates"), method_map=[("**.html", "jinja2")])}
    return {m[0] if isinstance(m, tuple) else m for m in found}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_translation(lang):
    """Russian and Kazakh, whole: an interface a clerk works in has no English in it (the
    Kazakh one was 16 % translated once: issue 24)."""
    catalogue = _catalogue(lang)
    untranslated = sorted(m for m in _extracted()
                          if not (catalogue.get(m) and catalogue.get(m).string))
    assert untranslated == [], (
        f"translate these in xbdocs/locale/{lang}/LC_MESSAGES/xbdocs.po, then run "
        "pybabel compile -d xbdocs/locale -D xbdocs")
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert fuzzy == [], f"fuzzy (unchecked) translations in {lang}"


def _messages(stream) -> dict:
    """The translations of a compiled catalogue, without its header: the header names the
    Babel version that compiled it, which does not matter."""
    import gettext

    catalog = dict(gettext.GNUTranslations(stream)._catalog)
    catalog.pop("", None)
    return catalog


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_po(lang):
    buffer = io.BytesIO()
    write_mo(buffer, _catalogue(lang))
    buffer.seek(0)
    compiled = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "xbdocs.mo"
    with compiled.open("rb") as shipped:
        assert _messages(shipped) == _messages(buffer), (
            "run: pybabel compile -d xbdocs/locale -D xbdocs")


def test_switching_language():
    i18n.set_language("ru")
    assert i18n._("no such file") == "нет такого файла"
    i18n.set_language("en")
    assert i18n._("no such file") == "no such file"


def test_compiled_click_catalogue_matches_po():
    po = PO.with_name("click.po")
    with po.open("rb") as stream:
        catalogue = read_po(stream, locale="ru")
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    with po.with_suffix(".mo").open("rb") as shipped:
        assert _messages(shipped) == _messages(buffer), (
            "run: pybabel compile -d xbdocs/locale -D click")


def _russian(capsys, *args):
    from xbdocs.cli import main

    i18n.set_language("ru")
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_help_is_russian_by_default(capsys):
    code, out, _err = _russian(capsys, "build", "--help")
    assert code == 0
    assert "Использование: xbdocs build [ПАРАМЕТРЫ] ANSWERS" in out
    assert "Папка для документов." in out and "Показать эту справку и выйти." in out
    assert "Folder for the documents" not in out
    _code, out, _err = _russian(capsys, "--help")
    assert "Команды:" in out and "Проверить файл ответов" in out


def test_click_usage_errors_are_russian_by_default(capsys):
    code, _out, err = _russian(capsys, "build")
    assert code == 2
    assert "Ошибка: Не указан аргумент «ANSWERS»." in err or \
        "Ошибка: Не указан аргумент 'ANSWERS'." in err
    code, _out, err = _russian(capsys, "build", "x.yaml", "--bogus")
    assert code == 2 and "Нет такого параметра: '--bogus'" in err
    code, _out, err = _russian(capsys, "build", "x.yaml", "--stage", "nope")
    assert code == 2 and "Недопустимое значение" in err


def test_english_on_request(capsys):
    code, out, _err = _russian(capsys, "--lang", "en", "build", "--help")
    assert code == 0
    assert "Usage: xbdocs build" in out and "Folder for the documents." in out


def test_russian_messages_name_things_in_russian(capsys, tmp_path):
    import yaml

    from tests.conftest import sample

    data = sample("uglovsky-borodulikha-municipal")
    data["parties"]["russian"] = {**{k: v for k, v in data["parties"]["russian"].items()
                                     if k != "catalogue"},
                                  "name": {"ru": "Администрация края", "kk": "Өлке әкімшілігі"},
                                  "region": "altai-krai", "level": "regional", "inn": "2225066565"}
    data["parties"]["russian"]["inn"] = "2225066566"
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _err = _russian(capsys, "check", str(path))
    assert code == 1
    assert "а не регион [XB002]" in out and "regional" not in out.split("[")[0]
    assert "ИНН 2225066566" in out and "INN" not in out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_question_asked_as_a_question_ends_with_a_question_mark(lang):
    """«Какое соглашение», «Кто координирует работу» were asked without «?» (issue 24
    item 5); the labels that are names of fields («Дата подписания») stay as they are."""
    import re

    from xbdocs.interview import flow

    asking = re.compile(r"(^|\s)(Какое|Кто|сколько|чего|Қандай|кім|неше)(\s|$|,)")
    with i18n.language(lang):
        labels = [str(flow.title(q)).strip() for q in flow.QUESTIONS]
    asked = [text for text in labels if asking.search(text)]
    assert len(asked) >= 4
    assert all(text.endswith("?") for text in asked), asked
