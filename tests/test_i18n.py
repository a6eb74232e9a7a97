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


def _click_catalogue(lang: str = "ru"):
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "click.po").open("rb") as stream:
        return read_po(stream, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_click_catalogue_matches_po(lang):
    buffer = io.BytesIO()
    write_mo(buffer, _click_catalogue(lang))
    buffer.seek(0)
    compiled = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "click.mo"
    with compiled.open("rb") as shipped:
        assert _messages(shipped) == _messages(buffer), (
            "run: pybabel compile -d xbdocs/locale -D click")


def _placeholders(text: str) -> set[str]:
    """The ``{name!r}`` and ``%(name)s`` a message is filled with."""
    import re

    return set(re.findall(r"\{[^{}]*\}|%\(\w+\)\w", text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_click_message_has_a_translation(lang):
    """Click's own messages (usage line, errors, the help option) in every language of the
    interface: the Kazakh one fell back to Russian once («Использование:», «Ошибка:» under
    --lang kk). The Russian catalogue is the list of the messages; each translation keeps
    the placeholders click fills."""
    russian, catalogue = _click_catalogue("ru"), _click_catalogue(lang)
    wanted = {message.id for message in russian if message.id}
    missing = sorted(str(m) for m in wanted
                     if not (catalogue.get(m) and catalogue.get(m).string))
    assert missing == [], (
        f"translate these in xbdocs/locale/{lang}/LC_MESSAGES/click.po, then run "
        "pybabel compile -d xbdocs/locale -D click")
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert fuzzy == [], f"fuzzy (unchecked) translations in {lang}'s click.po"
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(strings) == catalogue.num_plurals or not message.pluralizable, message.id
        assert all(strings), f"{lang}: an empty form of {message.id!r}"
        allowed = set().union(*map(_placeholders, ids))
        for string in strings:
            assert _placeholders(string) <= allowed, (lang, message.id, string)
        if not message.pluralizable:
            assert _placeholders(strings[0]) == allowed, (lang, message.id, strings[0])


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
    assert "Использование: xbdocs build [ПАРАМЕТРЫ] ОТВЕТЫ" in out
    assert "Папка для документов." in out and "Показать эту справку и выйти." in out
    assert "Folder for the documents" not in out
    _code, out, _err = _russian(capsys, "--help")
    assert "Команды:" in out and "Проверить файл ответов" in out


def test_click_usage_errors_are_russian_by_default(capsys):
    code, _out, err = _russian(capsys, "build")
    assert code == 2
    assert "Ошибка: Не указан аргумент «ОТВЕТЫ»." in err or \
        "Ошибка: Не указан аргумент 'ОТВЕТЫ'." in err
    code, _out, err = _russian(capsys, "build", "x.yaml", "--bogus")
    assert code == 2 and "Нет такого параметра: '--bogus'" in err
    code, _out, err = _russian(capsys, "build", "x.yaml", "--stage", "nope")
    assert code == 2 and "Недопустимое значение" in err


def _russian_words() -> set[str]:
    """The words of click's Russian messages that its Kazakh ones do not use («Ошибка»,
    «Использование», «указан»…; not «файл» or «аргумент», which both languages write)."""
    import re

    def words(lang):
        found = set()
        for message in _click_catalogue(lang):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in filter(None, strings if message.id else ()):
                found |= {w.casefold() for w in re.findall(r"[^\W\d_]{3,}", string)}
        return found

    return words("ru") - words("kk")


def test_click_usage_errors_are_kazakh_with_lang_kk(capsys):
    """«xbdocs --lang kk build» with no answers file: the usage line, the hint and click's
    error in Kazakh, not the Russian of the fallback; the argument's name (xbdocs's own
    catalogue) in Kazakh too."""
    import re

    code, out, err = _russian(capsys, "--lang", "kk", "build")
    assert code == 2
    assert "Қолданылуы: xbdocs build [ПАРАМЕТРЛЕР] ЖАУАПТАР" in err
    assert "Анықтама: «xbdocs build --help»." in err
    assert "Қате: Аргумент көрсетілмеген: 'ЖАУАПТАР'." in err
    shown = {w.casefold() for w in re.findall(r"[^\W\d_]{3,}", out + err)}
    assert "Использование" not in err and "Ошибка" not in err
    assert shown & _russian_words() == set(), err
    code, _out, err = _russian(capsys, "--lang", "kk", "nosuchcommand")
    assert code == 2 and "Қате: Мұндай команда жоқ: 'nosuchcommand'." in err
    assert "Қолданылуы: xbdocs [ПАРАМЕТРЛЕР] КОМАНДА [АРГУМЕНТТЕР]..." in err
    code, _out, err = _russian(capsys, "--lang", "kk", "build", "x.yaml", "--bogus")
    assert code == 2 and "Мұндай параметр жоқ: '--bogus'" in err
    code, _out, err = _russian(capsys, "--lang", "kk", "build", "x.yaml", "--stage", "nope")
    assert code == 2 and "'--stage' мәні жарамсыз" in err
    code, out, _err = _russian(capsys, "--lang", "kk", "build", "--help")
    assert code == 0
    assert "Қолданылуы: xbdocs build [ПАРАМЕТРЛЕР] ЖАУАПТАР" in out
    assert "Параметрлер:" in out and "Осы анықтаманы көрсетіп, жұмысты аяқтау." in out
    assert {w.casefold() for w in re.findall(r"[^\W\d_]{3,}", out)} & _russian_words() \
        == set(), out


def test_click_usage_errors_are_kazakh_with_xbdocs_lang_kk(tmp_path):
    """XBDOCS_LANG=kk, read when the process starts: the same Kazakh usage error."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XBDOCS_LANG": "kk", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "xbdocs", "build"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 2
    assert "Қолданылуы: xbdocs build [ПАРАМЕТРЛЕР] ЖАУАПТАР" in done.stderr
    assert "Қате: Аргумент көрсетілмеген: 'ЖАУАПТАР'." in done.stderr
    assert "Использование" not in done.stderr and "Ошибка" not in done.stderr


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
