"""Kazakh forms in the style of official documents.

Case suffixes follow vowel harmony (the last vowel of the stem) and the stem's last sound;
after a 3rd-person possessive (облысы, ауданы, әкімдігі) the -н- forms are used. In a name of
several words only the last word takes the ending.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache

from babel.dates import get_month_names

from xbdocs.i18n import _
from xbdocs.lang.forms import Inflected
from xbdocs.lang.memo import remembered
from xbdocs.lang.numbers import group_digits, split_amount
from xbdocs.lang.periods import ONGOING, ROMAN, Period

CODE = "kk"
CASES = ("nominative", "genitive", "dative", "accusative", "locative", "ablative",
         "instrumental")
BLANK_DATE = "20__ жылғы «__» ____________"
BLANK_PLACE = "____________"

_BACK_VOWELS = set("аоұыя")
_FRONT_VOWELS = set("әөүіеэ")
_VOWELS = set("аәеиоөұүыіэюя")
_SONORANTS = set("лрйуи")
_NASALS = set("мнң")
_VOICED = set("жз")
_VOICING = {"к": "г", "қ": "ғ", "п": "б"}
# Heads that already carry the 3rd-person possessive in official names.
_POSSESSIVE_HEADS = frozenset({
    "облысы", "ауданы", "қаласы", "ауылы", "кенті", "әкімдігі", "әкімшілігі", "үкіметі",
    "республикасы", "федерациясы", "өлкесі", "губернаторы", "әкімі", "басшысы", "тарапы",
    "аппараты", "кеңесі", "мәслихаты", "заңы", "бөлімі", "басқармасы", "департаменті",
    "комитеті", "министрлігі", "тобы", "орталығы", "мекемесі", "кеңсесі", "шарты",
})
# Kazakh patronymics are possessive: «Серікұлы» is "Серік's son".
_PATRONYMIC_ENDINGS = ("ұлы", "қызы", "улы", "кызы")


@cache
@remembered
def _months() -> dict[int, str]:
    return dict(get_month_names("wide", "format", "kk"))


def _is_front(word: str) -> bool:
    for letter in reversed(word.lower()):
        if letter in _FRONT_VOWELS:
            return True
        if letter in _BACK_VOWELS:
            return False
    return False


def _sound(word: str) -> str:
    """The class of the last sound: vowel, sonorant, nasal, voiced or voiceless."""
    last = word.lower()[-1]
    if last in _SONORANTS:
        return "sonorant"
    if last in _VOWELS:
        return "vowel"
    if last in _NASALS:
        return "nasal"
    if last in _VOICED:
        return "voiced"
    return "voiceless"


def is_possessive(word: str) -> bool:
    lower = word.lower()
    return lower in _POSSESSIVE_HEADS or lower.endswith(_PATRONYMIC_ENDINGS)


def _possessive_guess(phrase: str) -> tuple[bool, str | None]:
    """Whether the last word carries the 3rd-person possessive, and a doubt if unsure.

    A final -ы/-і may be the possessive («экономика бөлімі») or part of the stem
    («Алматы»): in a name of several words it is most likely the possessive of an izafet."""
    last = phrase.split()[-1]
    if is_possessive(last):
        return True, None
    lower = last.lower()
    if len(lower) > 2 and lower[-1] in "ыі" and lower[-2] not in _VOWELS:
        several = " " in phrase.strip()
        doubt = _("it is not known whether «{word}» ends in the possessive -ы/-і; it was "
                  "taken {how}").format(word=last, how=_("as possessive") if several
                                        else _("as part of the stem"))
        return several, doubt
    if not any(letter in _VOWELS for letter in lower):
        return False, _("«{word}» has no vowel to choose the ending by").format(word=last)
    return False, None


def possessive(word: str) -> str:
    """The 3rd-person possessive: тармақ → тармағы, бап → бабы, қала → қаласы."""
    front = _is_front(word)
    if _sound(word) == "vowel":
        return word + ("сі" if front else "сы")
    stem = word[:-1] + _VOICING.get(word[-1], word[-1])
    return stem + ("і" if front else "ы")


def inflect_word(word: str, case: str, possessive_stem: bool | None = None) -> str:
    """One word in a case; ``possessive_stem`` overrides the look-up of known heads."""
    if case == "nominative":
        return word
    front = _is_front(word)
    if possessive_stem is None:
        possessive_stem = is_possessive(word)
    if possessive_stem:
        suffix = {"genitive": "ның", "dative": "на", "accusative": "н", "locative": "нда",
                  "ablative": "нан", "instrumental": "мен"}[case]
        return word + (_front(suffix) if front else suffix)
    sound = _sound(word)
    first = {
        "genitive": {"vowel": "н", "nasal": "н", "sonorant": "д", "voiced": "д"},
        "accusative": {"vowel": "н", "nasal": "д", "sonorant": "д", "voiced": "д"},
        "locative": {"vowel": "д", "nasal": "д", "sonorant": "д", "voiced": "д"},
        "ablative": {"vowel": "д", "nasal": "н", "sonorant": "д", "voiced": "д"},
        "dative": {"vowel": "ғ", "nasal": "ғ", "sonorant": "ғ", "voiced": "ғ"},
        "instrumental": {"vowel": "м", "nasal": "м", "sonorant": "м", "voiced": "б"},
    }[case].get(sound, {"dative": "қ", "instrumental": "п"}.get(case, "т"))
    rest = {"genitive": "ың", "accusative": "ы", "locative": "а", "ablative": "ан",
            "dative": "а", "instrumental": "ен"}[case]
    suffix = first + rest
    if case == "instrumental":
        return word + suffix
    return word + (_front(suffix) if front else suffix)


_TO_FRONT = str.maketrans("аығқ", "еігк")


def _front(suffix: str) -> str:
    """The front-vowel form of a suffix written with back vowels: «ның» → «нің»."""
    return suffix.translate(_TO_FRONT)


def inflect_phrase(phrase: str, case: str) -> Inflected:
    """A name of one or several words in a case: only the last word changes."""
    if case == "nominative":
        return Inflected(phrase)
    head, _sep, last = phrase.rpartition(" ")
    if "/" in last:  # alternatives for a blank to strike out: «қаласы/ауылы» → each inflected
        forms = [inflect_phrase(f"{head} {word}".strip(), case) for word in last.split("/")]
        words = [form.text.rpartition(" ")[2] for form in forms]
        doubt = next((form.doubt for form in forms if form.doubt), None)
        return Inflected(f"{head} {'/'.join(words)}" if head else "/".join(words), doubt)
    possessive_stem, doubt = _possessive_guess(phrase)
    inflected = inflect_word(last, case, possessive_stem)
    return Inflected(f"{head} {inflected}" if head else inflected, doubt)


def inflect(phrase: str, case: str) -> str:
    return inflect_phrase(phrase, case).text


def inflect_person(full_name: str, case: str, gender: str = "") -> Inflected:
    """A person's full name: the ending goes on the last word, as in any name."""
    return inflect_phrase(full_name, case)


def conjunction(word: str) -> str:
    """«мен/бен/пен» ("and") chosen by the last sound of the word before it."""
    return inflect_word(word.split()[-1], "instrumental", possessive_stem=False)[
        len(word.split()[-1]):]


def _date_core(value: dt.date) -> tuple[str, str]:
    return f"{value.year} жылғы {value.day}", _months()[value.month]


def date(value: dt.date | None, form: str = "nominative") -> str:
    """«2010 жылғы 7 қыркүйек»; ``form`` "locative" gives «…қыркүйекте» (on that date) and
    "attributive" gives «…қыркүйектегі» (dated)."""
    if value is None:
        return BLANK_DATE
    prefix, month = _date_core(value)
    if form == "attributive":
        month = inflect_word(month, "locative", possessive_stem=False)
        month += "гі" if _is_front(month) else "ғы"
    else:
        month = inflect_word(month, form, possessive_stem=False)
    return f"{prefix} {month}"


def date_words(value: dt.date | None) -> str:
    return date(value)


@remembered
def number_words(number: int, case: str = "nominative", gender: str = "") -> str:
    from num2words import num2words

    words = num2words(number, lang="kz")
    return words if case == "nominative" else inflect(words, case)


_ORDINAL_EXCEPTIONS = {"жиырма": "жиырмасыншы", "қырық": "қырқыншы", "елу": "елуінші"}


def ordinal(number: int) -> str:
    """«бірінші», «екінші», «жиырма бесінші»: num2words has no Kazakh ordinals."""
    *rest, last = number_words(number).split()
    if last in _ORDINAL_EXCEPTIONS:
        word = _ORDINAL_EXCEPTIONS[last]
    elif last[-1] in _VOWELS:
        word = last + ("нші" if _is_front(last) else "ншы")
    else:
        word = last + ("інші" if _is_front(last) else "ыншы")
    return " ".join([*rest, word])


CURRENCIES = {"RUB": ("рубль", "копейка"), "KZT": ("теңге", "тиын")}


def money(amount: Decimal | int | str, currency: str) -> str:
    """«1 500 000 (бір миллион бес жүз мың) теңге 00 тиын»: no plural after numbers."""
    whole, cents = split_amount(amount)
    major, minor = CURRENCIES[currency]
    return f"{group_digits(whole)} ({number_words(whole)}) {major} {cents:02d} {minor}"


def count(number: int, unit: str, case: str = "nominative") -> str:
    """«5 (бес) жыл», «3 (үш) жылға»: Kazakh nouns stay singular after numbers."""
    return f"{number} ({number_words(number)}) {inflect_word(unit, case, False)}"


def article_label(number: int) -> str:
    return f"{number}-бап"


def article_ref(number: str, case: str = "nominative") -> str:
    """«3-бап», «3-бабында»: the noun takes the case."""
    return f"{number}-{inflect_word('бап', case)}"


def clause_ref(number: str, case: str = "nominative", possessive_form: bool = False) -> str:
    """«9.2-тармақ»; with ``possessive_form`` the form after «осы Келісімнің»: «9.2-тармағында»."""
    noun = possessive("тармақ") if possessive_form else "тармақ"
    return f"{number}-{inflect_word(noun, case, possessive_form)}"


def gendered(gender: str, masculine: str, feminine: str) -> str:
    return masculine


#: The body nouns that end a Kazakh name, after its territory in the genitive
#: («Алтай өлкесі Углов ауданының | әкімшілігі»).
_BODIES = ("әкімшілігі", "әкімдігі", "үкіметі", "аппараты")
_GENITIVE = re.compile(r"(ның|нің|дың|дің|тың|тің)$")


def territory(body: str) -> str | None:
    """The territory a body governs, in the nominative («Алтай өлкесі Углов ауданы»), from
    the body's name; None when the name does not end in a known body."""
    rest, _sep, last = body.strip().rpartition(" ")
    if last.lower() not in _BODIES or not rest:
        return None
    head, _sep, word = rest.rpartition(" ")
    nominative = _GENITIVE.sub("", word)
    if nominative == word:
        return None
    return f"{head} {nominative}".strip()


#: Bodies and posts written lower case after the genitive or the territory they belong to
#: («Алтай өлкесінің әкімшілігі», «Углов ауданы әкімшілігінің», «Алтай өлкесінің
#: губернаторы»). «Үкіметі» keeps its capital, as «Қазақстан Республикасының Үкіметі» does.
_COMMON_BODIES = ("әкімшілігі", "әкімдігі", "губернаторы", "әкімі", "басшысы", "төрағасы",
                  "бөлімі", "басқармасы", "мәслихаты", "аппараты")
_TERRITORY_WORDS = ("ауданы", "облысы", "өлкесі", "қаласы", "ауылы", "кенті")


def official_case(text: str) -> str:
    """Official Kazakh capitalisation of a name or post: a body or post that follows a
    genitive or its territory is written lower case."""
    words = text.split(" ")
    for index in range(1, len(words)):
        word, before = words[index], words[index - 1].lower()
        if word[:1].isupper() and word.lower().startswith(_COMMON_BODIES) and (
                _GENITIVE.search(before) or before in _TERRITORY_WORDS):
            words[index] = word[:1].lower() + word[1:]
    return " ".join(words)


def period(when: Period) -> str:
    """When a plan's event takes place: «2027 жылғы 20 мамыр», «2027 жылғы мамыр», «2027
    жылғы II тоқсан», «2027 жылғы I жартыжылдық», «2027 жыл ішінде», «2027 жылғы мамыр –
    маусым», «тұрақты»."""
    if when.kind == ONGOING:
        return "тұрақты"
    end = when.until
    if end is not None and end.year == when.year:
        months = _months()
        if when.kind == "day" and end.number == when.number:
            return f"{when.year} жылғы {when.day}–{end.day} {months[when.number]}"
        if when.kind == "month":
            return f"{when.year} жылғы {months[when.number]} – {months[end.number]}"
        if when.kind in ("quarter", "half"):
            word = {"quarter": "тоқсандар", "half": "жартыжылдықтар"}[when.kind]
            return f"{when.year} жылғы {ROMAN[when.number]}–{ROMAN[end.number]} {word}"
    if end is not None:
        return f"{_period_one(when)} – {_period_one(end)}"
    return _period_one(when)


def _period_one(when: Period) -> str:
    if when.kind == "day":
        return f"{when.year} жылғы {when.day} {_months()[when.number]}"
    if when.kind == "month":
        return f"{when.year} жылғы {_months()[when.number]}"
    if when.kind == "quarter":
        return f"{when.year} жылғы {ROMAN[when.number]} тоқсан"
    if when.kind == "half":
        return f"{when.year} жылғы {ROMAN[when.number]} жартыжылдық"
    return f"{when.year} жыл ішінде"


#: Kazakh letters a clerk on a Russian keyboard types as their nearest Russian letters.
_PLAIN = str.maketrans("әғқңөұүһіё", "агкноуухие")


def russian_letters(text: str) -> str:
    """``text`` with the Kazakh letters as their nearest Russian ones, case kept (Аққулы →
    Аккулы): what a console without Kazakh letters (cp1251, cp866) can still show."""
    return "".join(c.lower().translate(_PLAIN).upper() if c.isupper() else c.translate(_PLAIN)
                   for c in text)


def plain_letters(text: str) -> str:
    """``text`` in lower case with the Kazakh letters as a Russian keyboard types them
    (Аққулы → аккулы) and ё as е: what a search compares, so «акк» finds «Аққулы»."""
    return text.lower().translate(_PLAIN)
