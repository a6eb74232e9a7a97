"""Russian case forms of organisations, posts and people against forms checked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from xbdocs import catalogue
from xbdocs.lang.ru_names import inflect_person, inflect_phrase

TABLE = Path(__file__).parent / "forms_ru.tsv"


def _rows(path: Path) -> list[tuple[str, str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("phrase, case, expected", _rows(TABLE))
def test_organisations_and_posts(phrase, case, expected):
    result = inflect_phrase(phrase, case)
    assert result.text == expected
    assert result.doubt is None


def test_table_covers_every_catalogue_party_and_region():
    phrases = {row[0] for row in _rows(TABLE)}
    cat = catalogue.load()
    assert {p.name.ru for p in cat.parties.values()} <= phrases
    assert {r.name.ru for r in cat.regions.values() if r.border} <= phrases
    assert {r.title.ru for r in cat.references} <= phrases
    assert len(_rows(TABLE)) >= 60


PEOPLE = [
    ("Иванов Иван Иванович", "male", "genitive", "Иванова Ивана Ивановича"),
    ("Иванов Иван Иванович", "male", "dative", "Иванову Ивану Ивановичу"),
    ("Иванов Иван Иванович", "male", "accusative", "Иванова Ивана Ивановича"),
    ("Иванов Иван Иванович", "male", "instrumental", "Ивановым Иваном Ивановичем"),
    ("Иванов Иван Иванович", "male", "prepositional", "Иванове Иване Ивановиче"),
    ("Иванова Мария Ивановна", "female", "genitive", "Ивановой Марии Ивановны"),
    ("Иванова Мария Ивановна", "female", "accusative", "Иванову Марию Ивановну"),
    ("Сагинтаев Бакытжан Абдирович", "male", "genitive", "Сагинтаева Бакытжана Абдировича"),
    ("Сагинтаев Бакытжан Абдирович", "male", "instrumental",
     "Сагинтаевым Бакытжаном Абдировичем"),
    ("Кравченко Ольга Петровна", "female", "genitive", "Кравченко Ольги Петровны"),
    ("Кравченко Олег Петрович", "male", "dative", "Кравченко Олегу Петровичу"),
    ("Белых Анна Сергеевна", "female", "instrumental", "Белых Анной Сергеевной"),
    ("Белых Сергей Сергеевич", "male", "genitive", "Белых Сергея Сергеевича"),
    ("Толстой Лев Николаевич", "male", "genitive", "Толстого Льва Николаевича"),
    ("Толстой Лев Николаевич", "male", "prepositional", "Толстом Льве Николаевиче"),
    ("Толстая Софья Андреевна", "female", "genitive", "Толстой Софьи Андреевны"),
    ("Ким Олег Петрович", "male", "genitive", "Кима Олега Петровича"),
    ("Ким Любовь Николаевна", "female", "genitive", "Ким Любови Николаевны"),
    ("Ким Любовь Николаевна", "female", "instrumental", "Ким Любовью Николаевной"),
    ("Петрова Нинель Викторовна", "female", "dative", "Петровой Нинели Викторовне"),
    ("Карлин Александр Богданович", "male", "genitive", "Карлина Александра Богдановича"),
    ("Жумабеков Ерлан Серикулы", "male", "genitive", "Жумабекова Ерлана Серикулы"),
    ("Ахметова Айгуль Сериккызы", "female", "dative", "Ахметовой Айгули Сериккызы"),
    ("Римская-Корсакова Анна Ивановна", "female", "genitive",
     "Римской-Корсаковой Анны Ивановны"),
]


@pytest.mark.parametrize("name, gender, case, expected", PEOPLE)
def test_people(name, gender, case, expected):
    assert inflect_person(name, case, gender).text == expected


def test_unknown_word_is_a_doubt_not_a_silent_guess():
    result = inflect_phrase("Бородулиха", "genitive")
    assert result.text == "Бородулихи"
    assert "«Бородулиха» is not in the dictionary" in result.doubt


def test_vocabulary_makes_akimat_certain():
    result = inflect_phrase("акимат Бородулихинского района", "instrumental")
    assert result == result.__class__("акиматом Бородулихинского района", None)


def test_nominative_is_the_phrase_itself():
    assert inflect_phrase("Правительство Алтайского края", "nominative").text == \
        "Правительство Алтайского края"


def _name_table() -> list[tuple[str, str, str, str]]:
    path = Path(__file__).with_name("names_ru.tsv")
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [tuple(row) for row in rows]


NAMES = _name_table()


def test_the_name_table_is_large_enough():
    people = {(name, gender) for name, gender, _case, _form in NAMES}
    assert len(people) >= 150
    assert {gender for _name, gender in people} == {"male", "female"}
    assert len(NAMES) == len(people) * 6


@pytest.mark.parametrize("name, gender, case, form", NAMES,
                         ids=[f"{n}-{c}" for n, _g, c, _f in NAMES])
def test_full_names_in_every_case(name, gender, case, form):
    assert inflect_person(name, case, gender).text == form


PLACES = Path(__file__).parent / "places_ru.tsv"


@pytest.mark.parametrize("phrase, case, expected", _rows(PLACES))
def test_settlements_after_their_kind(phrase, case, expected):
    """«Совершено в г. Барнауле», «в с. Михайловском»: the place declines after «г.»/«с.»."""
    result = inflect_phrase(phrase, case)
    assert result.text == expected
    assert result.doubt is None


def test_unknown_settlement_declines_with_a_doubt():
    result = inflect_phrase("с. Бородулиха", "prepositional")
    assert result.text == "с. Бородулихе"
    assert result.doubt
    assert inflect_phrase("г. Семей", "prepositional").text == "г. Семей"
