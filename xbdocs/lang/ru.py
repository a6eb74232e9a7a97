"""Russian forms in the style of legal documents.

pymorphy3 (with its Russian dictionaries) inflects numerals and unit nouns; it is loaded on
first use because it costs about 90 ms.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from babel import Locale
from babel.dates import get_month_names

from xbdocs.lang.memo import remembered
from xbdocs.lang.numbers import group_digits, split_amount
from xbdocs.lang.periods import ONGOING, ROMAN, Period
from xbdocs.lang.ru_names import inflect_person, inflect_phrase

__all__ = ["inflect_person", "inflect_phrase"]

CODE = "ru"
CASES = ("nominative", "genitive", "dative", "accusative", "instrumental", "prepositional")
_OPENCORPORA_CASE = {
    "nominative": "nomn", "genitive": "gent", "dative": "datv",
    "accusative": "accs", "instrumental": "ablt", "prepositional": "loct",
}
BLANK_DATE = "«__» ____________ 20__ г."
BLANK_DATE_WORDS = "«__» ____________ 20__ года"
BLANK_PLACE = "____________"
# pymorphy3 files «лет» under «лето», so «год» after 5… would come out as «годов».
_SUPPLETIVE_GENITIVE_PLURAL = {"год": "лет"}


@cache
@remembered
def _months_genitive() -> dict[int, str]:
    # CLDR's "format" context of Russian month names is the genitive: «сентября».
    return dict(get_month_names("wide", "format", "ru"))


def _morph():
    from xbdocs.lang.ru_names import morph

    return morph()


def date(value: dt.date | None) -> str:
    """«19» сентября 2012 г. — the dateline of a document; a blank for a draft."""
    if value is None:
        return BLANK_DATE
    return f"«{value.day:02d}» {_months_genitive()[value.month]} {value.year} г."


def date_numeric(value: dt.date | None) -> str:
    """03.09.2026 — the date of a letter (GOST R 7.0.97-2016, 5.14); a blank for a draft."""
    return value.strftime("%d.%m.%Y") if value is not None else BLANK_DATE_NUMERIC


#: A blank for an act's unknown date or number: visible, long enough to write in.
BLANK_DATE_NUMERIC = "__.__.____"
BLANK_NUMBER = "______"


def citation(kind: str, date: dt.date | None, number: str | None, title: str | None = None,
             article: str | None = None, case: str = "instrumental",
             about: str | None = None) -> str:
    """An act cited in Russian legal order — kind, date, number, title: «статьёй 12
    Федерального закона от 26.07.2017 № 179-ФЗ «Об основах …»»; blanks where the date or
    number is not known, so the gap shows instead of a vague phrase. Without the official
    title, ``about`` says what the act is about, unquoted («о регистрации соглашений …»)."""
    head = (f"{inflect_phrase(article, case).text} {inflect_phrase(kind, 'genitive').text}"
            if article else inflect_phrase(kind, case).text)
    text = f"{head} от {date_numeric(date)} № {number or BLANK_NUMBER}"
    if title:
        text += " " + (title if title.startswith("«") else f"«{title}»")
    elif about:
        text += f" {about}"
    return text


def date_words(value: dt.date | None) -> str:
    """19 сентября 2012 года — a date inside running text."""
    if value is None:
        return BLANK_DATE_WORDS
    return f"{value.day} {_months_genitive()[value.month]} {value.year} года"


def _numeral_parse(word: str):
    for parse in _morph().parse(word):
        if parse.tag.POS == "NUMR" or "Anum" in parse.tag or parse.tag.POS == "NOUN":
            return parse
    return _morph().parse(word)[0]


@lru_cache(maxsize=256)
@remembered
def number_words(number: int, case: str = "nominative", gender: str = "masc") -> str:
    """A cardinal in words in the given case: 2 → «два», in the prepositional «двух»."""
    from num2words import num2words

    words = num2words(number, lang="ru").split()
    if gender == "femn" and words[-1] in ("один", "два"):
        words[-1] = {"один": "одна", "два": "две"}[words[-1]]
    if case == "nominative":
        return " ".join(words)
    grammeme = _OPENCORPORA_CASE[case]
    inflected = []
    for word in words:
        parse = _numeral_parse(word)
        wanted = {grammeme}
        if parse.tag.POS == "ADJF":
            wanted.add(gender if gender in ("masc", "femn", "neut") else "masc")
        form = parse.inflect(wanted)
        inflected.append(form.word if form else word)
    return " ".join(inflected)


@lru_cache(maxsize=256)
@remembered
def count(number: int, unit: str, case: str = "nominative") -> str:
    """«5 (пять) лет», «6 (шесть) месяцев», «в 2 (двух) экземплярах»: figure, words, noun.

    ``case="distributive"`` is the form after the distributive «по»: the dative for a
    number ending in one («по 1 (одному) году», «по 21 (двадцати одному) году»), the
    accusative otherwise («по 2 (два) года», «по 5 (пять) лет»), as legal texts write it."""
    if case == "distributive":
        case = "dative" if number % 10 == 1 and number % 100 != 11 else "accusative"
    noun = _morph().parse(unit)[0]
    gender = noun.tag.gender or "masc"
    grammeme = _OPENCORPORA_CASE[case]
    if case in ("nominative", "accusative"):
        agreed = noun.make_agree_with_number(number)
    else:
        agreed = noun.inflect({grammeme, "plur" if number % 10 != 1 or number % 100 == 11
                               else "sing"})
    noun_form = agreed.word if agreed else unit
    if agreed and {"gent", "plur"} <= agreed.tag.grammemes:
        noun_form = _SUPPLETIVE_GENITIVE_PLURAL.get(noun.normal_form, noun_form)
    return f"{number} ({number_words(number, case, gender)}) {noun_form}"


#: A period of days by how they count, as a noun phrase for :func:`days`.
DAY_UNITS = {"calendar": "календарный день", "working": "рабочий день"}


@lru_cache(maxsize=64)
def agreed(number: int, phrase: str) -> str:
    """A figure and a noun phrase agreed with it in the nominative, as a deadline is
    written: «1 календарный день», «3 рабочих дня», «10 календарных дней». The noun (the
    last word) takes the number's form; the adjectives before it stay nominative after one
    and take the genitive plural otherwise."""
    *adjectives, last = phrase.split()
    noun = _morph().parse(last)[0]
    form = noun.make_agree_with_number(number)
    words = []
    one = number % 10 == 1 and number % 100 != 11
    for adjective in adjectives:
        parse = next((p for p in _morph().parse(adjective) if p.tag.POS == "ADJF"), None)
        inflected = None if one or parse is None else parse.inflect({"gent", "plur"})
        words.append(inflected.word if inflected else adjective)
    return " ".join([str(number), *words, form.word if form else last])


def days(number: int, unit: str) -> str:
    """A deadline's days: «10 календарных дней», «5 рабочих дней» (``unit``: calendar or
    working)."""
    return agreed(number, DAY_UNITS[unit])


@remembered
def ordinal(number: int) -> str:
    from num2words import num2words

    return num2words(number, lang="ru", to="ordinal")


# Noun forms after a number, by CLDR plural category (babel's plural rules for Russian).
CURRENCIES = {
    "RUB": ({"one": "рубль", "few": "рубля", "many": "рублей", "other": "рубля"},
            {"one": "копейка", "few": "копейки", "many": "копеек", "other": "копейки"}),
    "KZT": ({"one": "тенге", "few": "тенге", "many": "тенге", "other": "тенге"},
            {"one": "тиын", "few": "тиына", "many": "тиынов", "other": "тиына"}),
}


@cache
def _plural():
    return Locale("ru").plural_form


def money(amount: Decimal | int | str, currency: str) -> str:
    """«1 500 000 (один миллион пятьсот тысяч) рублей 00 копеек»."""
    whole, cents = split_amount(amount)
    major, minor = CURRENCIES[currency]
    plural = _plural()
    words = number_words(whole)
    return (f"{group_digits(whole)} ({words}) {major[plural(whole)]} "
            f"{cents:02d} {minor[plural(cents)]}")


_SO = re.compile(r"^(?:[сзшжСЗШЖ][бвгджзйклмнпрстфхцчшщ]|мн)", re.I)


def with_s(phrase: str) -> str:
    """«с» or «со» before a phrase: «со статьёй 12», «с Федеральным законом»."""
    return f"{'со' if _SO.match(phrase) else 'с'} {phrase}"


def article_label(number: int) -> str:
    return f"Статья {number}"


def article_ref(number: str, case: str = "nominative") -> str:
    """«ст. 3»: the abbreviation needs no case ending."""
    return f"ст. {number}"


def clause_ref(number: str, case: str = "nominative", possessive: bool = False) -> str:
    """«п. 9.2»: the abbreviation needs no case ending."""
    return f"п. {number}"


def gendered(gender: str, masculine: str, feminine: str) -> str:
    return feminine if gender == "female" else masculine


#: Head nouns of the bodies that sign: what follows them in a name is the territory, already
#: in the genitive («Администрация | Угловского района Алтайского края»).
_BODIES = ("администрация", "акимат", "правительство", "аппарат")


def territory(body: str) -> str | None:
    """The territory a body governs, in the genitive, from the body's name; None when the
    name does not start with a known body."""
    head, _sep, rest = body.strip().partition(" ")
    return rest if head.lower() in _BODIES and rest else None


@remembered
def territory_nominative(genitive: str) -> str | None:
    """«Угловского района Алтайского края» → «Угловский район Алтайского края»: the leading
    noun phrase in the nominative — its adjectives agreed with its noun («Карасукский
    муниципальный округ», not «… муниципальное округ»), capitals kept after a hyphen
    («Александрово-Гайский») — what follows it as it is; None if it cannot be read."""
    words = genitive.split()
    adjectives: list[tuple[str, Any]] = []
    for index, word in enumerate(words):
        options = [p for p in _morph().parse(word) if "gent" in p.tag]
        if not options:
            return None
        adjective = next((p for p in options if p.tag.POS in ("ADJF", "PRTF")), None)
        # «Дергачевского» may be known as a surname (a noun): before the head noun, a word
        # in «-ого/-его» is an adjective.
        chosen = adjective if adjective is not None and word.lower().endswith(
            ("ого", "его")) and index + 1 < len(words) else options[0]
        if chosen.tag.POS != "NOUN":
            adjectives.append((word, chosen))
            continue
        noun = chosen.inflect({"nomn"})
        if noun is None:
            return None
        agree = {"nomn", chosen.tag.number or "sing"}
        if chosen.tag.number != "plur" and chosen.tag.gender:
            agree.add(chosen.tag.gender)
        result = []
        for original, parse in adjectives:
            form = parse.inflect(agree) or parse.inflect({"nomn"})
            if form is None:
                return None
            result.append(_cased(original, form.word))
        result.append(_cased(word, noun.word))
        rest = words[index + 1:]
        following = next((p for p in _morph().parse(rest[0]) if "gent" in p.tag), None) \
            if rest and rest[0][:1].isupper() else None
        if following is not None and following.tag.POS == "NOUN" and (
                "Geox" in following.tag or "Name" in following.tag):
            form = following.inflect({"nomn"})  # «города Рубцовска» → «город Рубцовск»
            if form is not None:
                result.append(_cased(rest[0], form.word))
                rest = rest[1:]
        return " ".join(result + rest)
    return None


def _cased(original: str, word: str) -> str:
    """``word`` with the capitals of ``original``, part by part of a hyphenated word, and
    «е» where the original writes «е» (the dictionary's «Дергачёвский»)."""
    if "ё" not in original.lower():
        word = word.replace("ё", "е")
    parts, cased = word.split("-"), original.split("-")
    if len(parts) != len(cased):
        return word.capitalize() if original[:1].isupper() else word
    return "-".join(p.capitalize() if c[:1].isupper() else p for p, c in zip(parts, cased,
                                                                          strict=True))


@cache
@remembered
def _months_nominative() -> dict[int, str]:
    return dict(get_month_names("wide", "stand-alone", "ru"))


def period(when: Period) -> str:
    """When a plan's event takes place: «20 мая 2027 г.», «май 2027 г.», «II квартал 2027 г.»,
    «I полугодие 2027 г.», «в течение 2027 г.», «май — июнь 2027 г.», «постоянно»."""
    if when.kind == ONGOING:
        return "постоянно"
    end = when.until
    if end is not None and end.year == when.year:
        if when.kind == "day" and end.number == when.number:
            return f"{when.day}—{end.day} {_months_genitive()[when.number]} {when.year} г."
        if when.kind == "month":
            months = _months_nominative()
            return f"{months[when.number]} — {months[end.number]} {when.year} г."
        if when.kind in ("quarter", "half"):
            word = {"quarter": "кварталы", "half": "полугодия"}[when.kind]
            return f"{ROMAN[when.number]}—{ROMAN[end.number]} {word} {when.year} г."
    if end is not None:
        return f"{_period_one(when)} — {_period_one(end)}"
    return _period_one(when)


def _period_one(when: Period) -> str:
    if when.kind == "day":
        return f"{when.day} {_months_genitive()[when.number]} {when.year} г."
    if when.kind == "month":
        return f"{_months_nominative()[when.number]} {when.year} г."
    if when.kind == "quarter":
        return f"{ROMAN[when.number]} квартал {when.year} г."
    if when.kind == "half":
        return f"{ROMAN[when.number]} полугодие {when.year} г."
    return f"в течение {when.year} г."
