"""Russian and Kazakh forms against tables of forms checked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xbdocs.lang import kk, ru, short_name

RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]
KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан"]
KK_LOCATIVE = ["қаңтарда", "ақпанда", "наурызда", "сәуірде", "мамырда", "маусымда",
               "шілдеде", "тамызда", "қыркүйекте", "қазанда", "қарашада", "желтоқсанда"]
KK_ATTRIBUTIVE = ["қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы",
                  "маусымдағы", "шілдедегі", "тамыздағы", "қыркүйектегі", "қазандағы",
                  "қарашадағы", "желтоқсандағы"]


@pytest.mark.parametrize("month", range(1, 13))
def test_russian_dates(month):
    day = dt.date(2010, month, 7)
    assert ru.date(day) == f"«07» {RU_MONTHS[month - 1]} 2010 г."
    assert ru.date_words(day) == f"7 {RU_MONTHS[month - 1]} 2010 года"


@pytest.mark.parametrize("month", range(1, 13))
def test_kazakh_dates(month):
    day = dt.date(2010, month, 7)
    assert kk.date(day) == f"2010 жылғы 7 {KK_MONTHS[month - 1]}"
    assert kk.date(day, "locative") == f"2010 жылғы 7 {KK_LOCATIVE[month - 1]}"
    assert kk.date(day, "attributive") == f"2010 жылғы 7 {KK_ATTRIBUTIVE[month - 1]}"


def test_no_cldr_narrow_spaces():
    day = dt.date(2012, 9, 19)
    for text in (ru.date(day), ru.date_words(day), kk.date(day)):
        assert "\u202f" not in text and "\u00a0" not in text


def test_blank_dates_for_drafts():
    assert ru.date(None) == "«__» ____________ 20__ г."
    assert kk.date(None) == "20__ жылғы «__» ____________"


@pytest.mark.parametrize("number, unit, case, expected", [
    (1, "год", "nominative", "1 (один) год"),
    (2, "год", "nominative", "2 (два) года"),
    (5, "год", "nominative", "5 (пять) лет"),
    (11, "год", "nominative", "11 (одиннадцать) лет"),
    (21, "год", "nominative", "21 (двадцать один) год"),
    (3, "месяц", "nominative", "3 (три) месяца"),
    (6, "месяц", "nominative", "6 (шесть) месяцев"),
    (12, "месяц", "nominative", "12 (двенадцать) месяцев"),
    (2, "экземпляр", "prepositional", "2 (двух) экземплярах"),
    (3, "экземпляр", "prepositional", "3 (трёх) экземплярах"),
    (5, "год", "genitive", "5 (пяти) лет"),
])
def test_russian_counts(number, unit, case, expected):
    assert ru.count(number, unit, case) == expected


@pytest.mark.parametrize("number, unit, case, expected", [
    (5, "жыл", "nominative", "5 (бес) жыл"),
    (6, "ай", "nominative", "6 (алты) ай"),
    (3, "жыл", "dative", "3 (үш) жылға"),
    (2, "дана", "locative", "2 (екі) данада"),
    (1, "ай", "nominative", "1 (бір) ай"),
])
def test_kazakh_counts(number, unit, case, expected):
    assert kk.count(number, unit, case) == expected


@pytest.mark.parametrize("word, forms", [
    ("облысы", ["облысының", "облысына", "облысын", "облысында", "облысынан", "облысымен"]),
    ("әкімдігі", ["әкімдігінің", "әкімдігіне", "әкімдігін", "әкімдігінде", "әкімдігінен",
                  "әкімдігімен"]),
    ("Қазақстан", ["Қазақстанның", "Қазақстанға", "Қазақстанды", "Қазақстанда",
                   "Қазақстаннан", "Қазақстанмен"]),
    ("кітап", ["кітаптың", "кітапқа", "кітапты", "кітапта", "кітаптан", "кітаппен"]),
    ("Ресей", ["Ресейдің", "Ресейге", "Ресейді", "Ресейде", "Ресейден", "Ресеймен"]),
    ("қала", ["қаланың", "қалаға", "қаланы", "қалада", "қаладан", "қаламен"]),
    ("Павлодар", ["Павлодардың", "Павлодарға", "Павлодарды", "Павлодарда", "Павлодардан",
                  "Павлодармен"]),
    ("мектеп", ["мектептің", "мектепке", "мектепті", "мектепте", "мектептен", "мектеппен"]),
    ("қыз", ["қыздың", "қызға", "қызды", "қызда", "қыздан", "қызбен"]),
])
def test_kazakh_cases(word, forms):
    cases = ["genitive", "dative", "accusative", "locative", "ablative", "instrumental"]
    assert [kk.inflect_word(word, case) for case in cases] == forms


@pytest.mark.parametrize("phrase, case, expected", [
    ("Павлодар облысының әкімдігі", "genitive", "Павлодар облысының әкімдігінің"),
    ("Алтай өлкесі", "genitive", "Алтай өлкесінің"),
    ("Павлодар қаласы", "locative", "Павлодар қаласында"),
    ("Абай облысы", "dative", "Абай облысына"),
])
def test_kazakh_phrases_inflect_the_last_word(phrase, case, expected):
    assert kk.inflect(phrase, case) == expected


@pytest.mark.parametrize("word, expected", [
    ("Қазақстан", "мен"), ("Үкіметі", "мен"), ("кітап", "пен"), ("қыз", "бен"),
    ("жол", "мен"), ("әкімшілігі", "мен"),
])
def test_kazakh_and(word, expected):
    assert kk.conjunction(word) == expected


def test_clause_reference_styles():
    assert ru.clause_ref("9.2") == "п. 9.2"
    assert kk.clause_ref("9.2") == "9.2-тармақ"
    assert kk.clause_ref("9.2", "locative", True) == "9.2-тармағында"
    assert ru.article_label(3) == "Статья 3" and kk.article_label(3) == "3-бап"


def test_short_name():
    assert short_name("Карлин Александр Богданович") == "А.Б.\u00a0Карлин"
    assert short_name("Жұмабеков Ерлан Серікұлы") == "Е.С.\u00a0Жұмабеков"


KK_TABLE = Path(__file__).parent / "forms_kk.tsv"


def _kk_rows():
    lines = KK_TABLE.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("phrase, case, expected", _kk_rows())
def test_kazakh_table(phrase, case, expected):
    assert kk.inflect_phrase(phrase, case).text == expected


def test_kazakh_table_covers_every_catalogue_party():
    from xbdocs import catalogue

    phrases = {row[0] for row in _kk_rows()}
    cat = catalogue.load()
    assert {p.name.kk for p in cat.parties.values()} <= phrases
    assert len(_kk_rows()) >= 60


def test_kazakh_doubt_is_reported():
    result = kk.inflect_phrase("Шарбақты", "genitive")
    assert result.text == "Шарбақтының"
    assert "Шарбақты" in result.doubt
    assert kk.inflect_phrase("Павлодар облысының әкімдігі", "genitive").doubt is None


RU_WORDS = ("один два три четыре пять шесть семь восемь девять десять одиннадцать "
            "двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать "
            "восемнадцать девятнадцать двадцать").split()
KK_WORDS = "бір екі үш төрт бес алты жеті сегіз тоғыз он".split()


def _ru_words(number: int) -> str:
    if number <= 20:
        return RU_WORDS[number - 1]
    tens = {2: "двадцать", 3: "тридцать"}[number // 10]
    return tens if number % 10 == 0 else f"{tens} {RU_WORDS[number % 10 - 1]}"


def _kk_words(number: int) -> str:
    if number <= 10:
        return KK_WORDS[number - 1]
    tens = {1: "он", 2: "жиырма", 3: "отыз"}[number // 10]
    return tens if number % 10 == 0 else f"{tens} {KK_WORDS[number % 10 - 1]}"


@pytest.mark.parametrize("number", [*range(1, 32), 100, 1_500_000])
def test_numbers_in_words(number):
    expected_ru = {100: "сто", 1_500_000: "один миллион пятьсот тысяч"}.get(number)
    expected_kk = {100: "жүз", 1_500_000: "бір миллион бес жүз мың"}.get(number)
    assert ru.number_words(number) == (expected_ru or _ru_words(number))
    assert kk.number_words(number) == (expected_kk or _kk_words(number))


@pytest.mark.parametrize("amount, currency, expected_ru, expected_kk", [
    (1, "RUB", "1 (один) рубль 00 копеек", "1 (бір) рубль 00 копейка"),
    (2, "RUB", "2 (два) рубля 00 копеек", "2 (екі) рубль 00 копейка"),
    (5, "RUB", "5 (пять) рублей 00 копеек", "5 (бес) рубль 00 копейка"),
    ("21.01", "RUB", "21 (двадцать один) рубль 01 копейка",
     "21 (жиырма бір) рубль 01 копейка"),
    ("1500000.50", "RUB", "1 500 000 (один миллион пятьсот тысяч) рублей 50 копеек",
     "1 500 000 (бір миллион бес жүз мың) рубль 50 копейка"),
    ("3.22", "KZT", "3 (три) тенге 22 тиына", "3 (үш) теңге 22 тиын"),
    (1_500_000, "KZT", "1 500 000 (один миллион пятьсот тысяч) тенге 00 тиынов",
     "1 500 000 (бір миллион бес жүз мың) теңге 00 тиын"),
])
def test_sums(amount, currency, expected_ru, expected_kk):
    assert ru.money(amount, currency) == expected_ru
    assert kk.money(amount, currency) == expected_kk


def test_an_int_is_roubles_not_kopecks():
    """num2words reads an int in currency mode as kopecks; that must not reach a document."""
    assert ru.money(150, "RUB").startswith("150 (сто пятьдесят) рублей 00")


@pytest.mark.parametrize("number, expected", [
    (1, "бірінші"), (2, "екінші"), (3, "үшінші"), (4, "төртінші"), (5, "бесінші"),
    (6, "алтыншы"), (7, "жетінші"), (8, "сегізінші"), (9, "тоғызыншы"), (10, "оныншы"),
    (11, "он бірінші"), (20, "жиырмасыншы"), (25, "жиырма бесінші"), (40, "қырқыншы"),
])
def test_kazakh_ordinals(number, expected):
    assert kk.ordinal(number) == expected


#: After the distributive «по» (issue 10): known-correct forms for 1–25 years.
DISTRIBUTIVE = {
    1: "1 (одному) году", 2: "2 (два) года", 3: "3 (три) года", 4: "4 (четыре) года",
    5: "5 (пять) лет", 6: "6 (шесть) лет", 7: "7 (семь) лет", 8: "8 (восемь) лет",
    9: "9 (девять) лет", 10: "10 (десять) лет", 11: "11 (одиннадцать) лет",
    12: "12 (двенадцать) лет", 13: "13 (тринадцать) лет", 14: "14 (четырнадцать) лет",
    15: "15 (пятнадцать) лет", 16: "16 (шестнадцать) лет", 17: "17 (семнадцать) лет",
    18: "18 (восемнадцать) лет", 19: "19 (девятнадцать) лет", 20: "20 (двадцать) лет",
    21: "21 (двадцати одному) году", 22: "22 (двадцать два) года",
    23: "23 (двадцать три) года", 24: "24 (двадцать четыре) года",
    25: "25 (двадцать пять) лет",
}


@pytest.mark.parametrize("number", sorted(DISTRIBUTIVE))
def test_distributive_po(number):
    from xbdocs.lang import ru

    assert ru.count(number, "год", "distributive") == DISTRIBUTIVE[number]


@pytest.mark.parametrize("text, official", [
    ("Алтай өлкесінің Әкімшілігі", "Алтай өлкесінің әкімшілігі"),
    ("Углов ауданы Әкімшілігінің экономика бөлімі", "Углов ауданы әкімшілігінің экономика бөлімі"),
    ("Алтай өлкесінің Губернаторы", "Алтай өлкесінің губернаторы"),
    ("Павлодар облысының Әкімі", "Павлодар облысының әкімі"),
    ("Алтай өлкесінің Үкіметі", "Алтай өлкесінің Үкіметі"),
    ("Губернатор", "Губернатор"),
    ("Әкім Павлодар облысы", "Әкім Павлодар облысы"),
])
def test_kazakh_bodies_and_posts_after_a_genitive_are_lower_case(text, official):
    assert kk.official_case(text) == official


def test_every_catalogue_name_follows_the_capitalisation_rule():
    from xbdocs import catalogue

    for party in catalogue.load().parties.values():
        assert kk.official_case(party.name.kk) == party.name.kk, party.id


@pytest.mark.parametrize("number, unit, expected", [
    (1, "calendar", "1 календарный день"), (3, "working", "3 рабочих дня"),
    (10, "calendar", "10 календарных дней"), (11, "working", "11 рабочих дней"),
    (21, "calendar", "21 календарный день"), (30, "calendar", "30 календарных дней")])
def test_deadline_days_agree_with_their_number(number, unit, expected):
    assert ru.days(number, unit) == expected


@pytest.mark.parametrize(("genitive", "nominative"), [
    ("Угловского района Алтайского края", "Угловский район Алтайского края"),
    ("Александрово-Гайского района Саратовской области",
     "Александрово-Гайский район Саратовской области"),
    ("Карасукского муниципального округа Новосибирской области",
     "Карасукский муниципальный округ Новосибирской области"),
    ("муниципального района Большечерниговский Самарской области",
     "муниципальный район Большечерниговский Самарской области"),
    ("Дергачевского района Саратовской области", "Дергачевский район Саратовской области"),
    ("Питерского района Саратовской области", "Питерский район Саратовской области"),
    ("Русско-Полянского района Омской области", "Русско-Полянский район Омской области"),
    ("города Славгорода Алтайского края", "город Славгород Алтайского края"),
])
def test_a_territory_in_the_nominative_for_a_charters_title(genitive, nominative):
    """«Устав муниципального образования …» (issue 23 §5: «Александрово-гайский»,
    «Карасукский муниципальное округ», «Дергачевский района» were printed)."""
    from xbdocs.lang import ru

    assert ru.territory_nominative(genitive) == nominative
