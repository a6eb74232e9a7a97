"""Russian and Kazakh forms against tables of forms checked by hand."""

from __future__ import annotations

import datetime as dt

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
