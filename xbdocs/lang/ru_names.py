"""Russian case forms of names: organisations, posts and people.

An organisation name or a post changes only its head noun and the adjectives that agree
with it: «Государственное учреждение «Аппарат акима»» → «Государственного учреждения
«Аппарат акима»»; genitive complements, quoted names and proper names after the head stay
as they are. A compound post joined by a comma («Губернатор …, Председатель …») inflects
each part. People's names go to pytrovich, which knows Russian surname types and female
names in a soft sign; Kazakh patronymics in -улы/-кызы stay as they are.

pymorphy3 and pytrovich are loaded on first use.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import yaml

from xbdocs.i18n import _
from xbdocs.lang.forms import Inflected
from xbdocs.lang.memo import remembered

CASE_GRAMMEMES = {
    "nominative": "nomn", "genitive": "gent", "dative": "datv",
    "accusative": "accs", "instrumental": "ablt", "prepositional": "loct",
}
_VOCABULARY = Path(__file__).resolve().parent.parent / "data" / "ru_vocabulary.yaml"
_TOKENS = re.compile(r"«[^»]*»|\"[^\"]*\"|[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*|\s+|.", re.S)
_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*$")
_ABBREVIATION = re.compile(r"[А-ЯЁ]{2,}$")
_KAZAKH_PATRONYMIC = re.compile(r"(улы|ұлы|кызы|қызы)$", re.I)
# A comma followed by a capital starts another post: «Губернатор …, Председатель …».
_COMPOUND = re.compile(r",\s+(?=[А-ЯЁ])")


@cache
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@cache
def _vocabulary() -> dict[str, str]:
    data = yaml.safe_load(_VOCABULARY.read_text(encoding="utf-8"))
    return {word: entry["like"] for word, entry in data["words"].items()}


def _match_case(form: str, original: str) -> str:
    """Keep the capitals of the original, hyphen part by hyphen part."""
    if original.isupper() and len(original) > 1:
        return form.upper()
    old_parts, new_parts = original.split("-"), form.split("-")
    if len(old_parts) != len(new_parts):
        old_parts, new_parts = [original], [form]
    return "-".join(new[:1].upper() + new[1:] if old[:1].isupper() else new
                    for old, new in zip(old_parts, new_parts, strict=True))


def _common_prefix(words: list[str]) -> str:
    prefix = words[0]
    for word in words[1:]:
        while not word.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


class _Word:
    """One word with its readings, or a word declined like a model from the vocabulary."""

    def __init__(self, text: str) -> None:
        self.text = text
        lower = text.lower()
        model = _vocabulary().get(lower)
        self.model = model
        parses = morph().parse(model or lower)
        self.parses = parses
        self.known = bool(model) or self._known(lower)

    @staticmethod
    def _known(lower: str) -> bool:
        analyzer = morph()
        if analyzer.word_is_known(lower):
            return True
        # A hyphenated adjective («западно-казахстанская») is known if its last part is.
        return "-" in lower and analyzer.word_is_known(lower.rsplit("-", 1)[1])

    def reading(self, pos: tuple[str, ...], grammemes: set[str] | None = None):
        for parse in self.parses:
            if parse.tag.POS in pos and "nomn" in parse.tag and \
                    (not grammemes or grammemes <= parse.tag.grammemes):
                return parse
        return None

    def inflect(self, parse, wanted: set[str]) -> str | None:
        # pymorphy3's own inflect() may wander within a lexeme («высший» → «высочайшего»):
        # of the forms with the wanted grammemes, take the one closest to the original.
        original = (self.model or self.text).lower()
        candidates = [f.word for f in parse.lexeme if wanted <= f.tag.grammemes]
        if not candidates:
            return None
        word = max(candidates, key=lambda c: (len(_common_prefix([c, original])), -len(c)))
        if self.model:
            stem = _common_prefix([f.word for f in parse.lexeme])
            word = self.text.lower()[: len(self.text) - (len(self.model) - len(stem))] + \
                word[len(stem):]
        return _match_case(word, self.text)


def _grammeme(value) -> str | None:
    """pymorphy3's tag attributes refuse comparison with grammemes they do not know."""
    return str(value) if value is not None else None


def _agrees(adjective, noun) -> bool:
    number = _grammeme(noun.tag.number) or "sing"
    if number == "plur":
        return _grammeme(adjective.tag.number) == "plur"
    gender = "ms-f" if "ms-f" in noun.tag else _grammeme(noun.tag.gender)
    return _grammeme(adjective.tag.number) == "sing" and (
        gender in (None, "ms-f") or _grammeme(adjective.tag.gender) == gender)


def _inflect_part(text: str, case: str) -> Inflected:
    tokens = _TOKENS.findall(text)
    grammeme = CASE_GRAMMEMES[case]
    modifiers: list[tuple[int, _Word, object]] = []
    head: tuple[int, _Word, object] | None = None
    for index, token in enumerate(tokens):
        if token.isspace():
            continue
        if not _WORD.match(token) or _ABBREVIATION.match(token):
            break
        word = _Word(token)
        noun = word.reading(("NOUN",))
        adjective = word.reading(("ADJF", "PRTF"))
        if noun is not None and (adjective is None or noun.score >= adjective.score
                                 or modifiers):
            head = (index, word, noun)
            break
        if adjective is not None:
            modifiers.append((index, word, adjective))
            continue
        break
    if head is None and modifiers:
        # No noun: the adjective or participle is the head («исполняющий обязанности …»).
        head = modifiers.pop()
    if head is None:
        if tokens and _ABBREVIATION.match(tokens[0]):
            return Inflected(text)  # «ГУ «…»»: an abbreviation does not decline
        return Inflected(text, _("no noun found to inflect"))
    index, word, noun = head
    if any(not _agrees(parse, noun) for _, _, parse in modifiers):
        # An adjective that does not agree is itself the head.
        index, word, noun = modifiers[0]
        modifiers = []
    doubts = [] if word.known else [_("«{word}» is not in the dictionary").format(
        word=word.text)]
    head_wanted = {grammeme}
    if noun.tag.number:
        head_wanted.add(_grammeme(noun.tag.number))
    head_form = word.inflect(noun, head_wanted)
    if head_form is None:
        return Inflected(text, _("«{word}» has no {case} form").format(word=word.text,
                                                                       case=case))
    tokens[index] = head_form
    for position, modifier, parse in modifiers:
        number = _grammeme(noun.tag.number) or "sing"
        wanted = {grammeme, number}
        if number == "sing":
            gender = _grammeme(noun.tag.gender)
            wanted.add(gender if gender in ("masc", "femn", "neut") else "masc")
        # Animacy matters in the accusative of the masculine singular and the plural only.
        if case == "accusative" and noun.tag.animacy and (
                number == "plur" or ("femn" not in wanted and "neut" not in wanted)):
            wanted.add(_grammeme(noun.tag.animacy))
        form = modifier.inflect(parse, wanted)
        if form is None:
            doubts.append(_("«{word}» has no {case} form").format(word=modifier.text,
                                                                 case=case))
            continue
        tokens[position] = form
        if not modifier.known:
            doubts.append(_("«{word}» is not in the dictionary").format(word=modifier.text))
    return Inflected("".join(tokens), "; ".join(doubts) or None)


#: A head noun with a parenthesis in apposition right after it, then the rest of the name.
_APPOSITION = re.compile(r"^(\S+) \(([^()]+)\) (.+)$")


@lru_cache(maxsize=4096)
@remembered
def inflect_phrase(text: str, case: str) -> Inflected:
    """An organisation name, a post, or a settlement after its abbreviation («г. Барнаул»)
    in ``case``."""
    if case == "nominative":
        return Inflected(text)
    settlement = _SETTLEMENT.match(text)
    if settlement:
        return inflect_place(settlement["name"], case, settlement["kind"])
    apposition = _APPOSITION.match(text)
    if apposition:  # «Устав (Основной Закон) Алтайского края»: the parenthesis declines too
        head, inside, rest = apposition.groups()
        outer = inflect_phrase(f"{head} {rest}", case)
        first, _sep, tail = outer.text.partition(" ")
        inner = inflect_phrase(inside, case)
        return Inflected(f"{first} ({inner.text}) {tail}",
                         "; ".join(d for d in (outer.doubt, inner.doubt) if d) or None)
    parts = _COMPOUND.split(text)
    results = [_inflect_part(part, case) for part in parts]
    doubts = [r.doubt for r in results if r.doubt]
    separators = _COMPOUND.findall(text)
    joined = results[0].text
    for separator, result in zip(separators, results[1:], strict=True):
        joined += separator + result.text
    return Inflected(joined, "; ".join(doubts) or None)


#: A settlement after the abbreviation of its kind: «г. Барнаул», «с. Михайловское».
_SETTLEMENT = re.compile(r"^(?P<kind>(?:г|с|п|пос|д|ст|пгт|рп)\.\s+)(?P<name>[А-ЯЁ][^_]*)$")
#: Names in -ово, -ево, -ино, -ыно (and -их, -ых) stay unchanged after a generic word in
#: official style («в с. Завьялово», «в г. Пушкино»: Rosenthal, § 159).
_UNCHANGED_PLACE = re.compile(r"(ово|ево|ёво|ино|ыно|их|ых)$", re.I)

#: A name that is an adjective in form: «Михайловское», «Горный», «Новая».
_ADJECTIVE_PLACE = re.compile(r"(ое|ее|ий|ый|ой|ая|яя|ие|ые)$", re.I)


def inflect_place(name: str, case: str, kind: str = "") -> Inflected:
    """A settlement's name in ``case`` after its kind, as treaty style writes it: «в г.
    Барнауле», «в с. Михайловском», «в г. Усть-Каменогорске». Each word of the name
    declines (a hyphenated word in its last part); a name the dictionary has as
    indeclinable («Алматы»), or in -ово/-ино, stays as it is, and so does a word with no
    nominative reading («Семей»), with a doubt for the reader to confirm."""
    words = name.split(" ")
    doubts: list[str] = []
    result = []
    for token in words:
        head, _sep, last = token.rpartition("-")
        form, doubt = _place_word(last, case)
        if doubt:
            doubts.append(doubt)
        result.append(f"{head}-{form}" if head else form)
    return Inflected(kind + " ".join(result), "; ".join(doubts) or None)


def _place_word(word: str, case: str) -> tuple[str, str | None]:
    if not _WORD.match(word) or _UNCHANGED_PLACE.search(word):
        return word, None
    parsed = _Word(word)
    if any("Fixd" in parse.tag for parse in parsed.parses[:1]):
        return word, None
    adjective = _ADJECTIVE_PLACE.search(word)
    reading = (parsed.reading(("NOUN",), {"Geox"})
               or (parsed.reading(("ADJF",)) if adjective else parsed.reading(("NOUN",))))
    if reading is None:
        return word, _("«{word}» is not in the dictionary").format(word=word)
    wanted = {CASE_GRAMMEMES[case], _grammeme(reading.tag.number) or "sing"}
    if reading.tag.POS == "ADJF" and wanted >= {"sing"}:
        wanted.add(_grammeme(reading.tag.gender) or "masc")
    form = parsed.inflect(reading, wanted)
    if form is None:
        return word, _("«{word}» has no {case} form").format(word=word, case=case)
    if "ё" not in word.lower():
        form = form.replace("ё", "е")  # «Риддер» is not «Риддёр»
    # A reading as a place name, even a guessed one («Каменогорск»), is taken as sure.
    sure = parsed.known or "Geox" in reading.tag
    return form, None if sure else _("«{word}» is not in the dictionary").format(word=word)


@cache
def _petrovich():
    from pytrovich.maker import PetrovichDeclinationMaker

    return PetrovichDeclinationMaker()


@lru_cache(maxsize=1024)
@remembered
def inflect_person(full_name: str, case: str, gender: str) -> Inflected:
    """«Фамилия Имя Отчество» in ``case``; ``gender`` is "male" or "female" (never guessed)."""
    if case == "nominative":
        return Inflected(full_name)
    from pytrovich.enums import Case, Gender, NamePart

    parts = full_name.split()
    petrovich_case = getattr(Case, case.upper())
    sex = Gender.FEMALE if gender == "female" else Gender.MALE
    roles = [NamePart.LASTNAME, NamePart.FIRSTNAME, NamePart.MIDDLENAME]
    doubt = None
    if len(parts) not in (2, 3):
        doubt = _("a full name is expected as «Surname Name Patronymic»")
    result = []
    for index, part in enumerate(parts):
        role = roles[min(index, 2)]
        if role is NamePart.MIDDLENAME and _KAZAKH_PATRONYMIC.search(part):
            result.append(part)  # «Серикулы» does not decline in Russian
            continue
        pieces = part.split("-")  # a double surname declines in both halves
        made = "-".join(_petrovich().make(role, sex, petrovich_case, piece) for piece in pieces)
        if role is NamePart.FIRSTNAME and gender == "female":
            made = _female_first_name(part, case, made)
        result.append(made)
    return Inflected(" ".join(result), doubt)


#: The third declension's endings, for a female name in a soft sign the rules of pytrovich do
#: not know (Айгуль, Асель, Гульдараль): declined like «Любовь» and «Нинель», as the norm for
#: such names is («у Айгули», «с Асель» is colloquial).
_THIRD_DECLENSION = {"genitive": "и", "dative": "и", "accusative": "ь", "instrumental": "ью",
                     "prepositional": "и"}


#: Female names in -ия (Мария, Юлия, Алия): pytrovich's rule for names it does not know gives
#: «Алие», «Алиёй».
_IYA = {"genitive": "ии", "dative": "ии", "accusative": "ию", "instrumental": "ией",
        "prepositional": "ии"}


def _female_first_name(name: str, case: str, made: str) -> str:
    """A female first name where the rules of pytrovich do not reach."""
    if len(name) > 2 and name.endswith("ия"):
        return name[:-2] + _IYA[case]
    if made == name and len(name) > 2 and name.endswith("ь") and \
            name[-2].lower() not in "аеёиоуыэюяй":
        return name[:-1] + _THIRD_DECLENSION[case]
    return made
