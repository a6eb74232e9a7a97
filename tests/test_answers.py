"""The answers file: valid samples load; every mistake names its key path and line."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from tests.conftest import SAMPLES, sample
from xbdocs import answers, schema
from xbdocs.errors import InputError


def _problems(data) -> list[str]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    with pytest.raises(InputError) as info:
        parsed, lines = answers.load_yaml(text, "a.yaml")
        answers.parse(parsed, lines, "a.yaml")
    return info.value.lines()


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_samples_load(path):
    loaded = answers.load(path)
    assert loaded.track in schema.TRACKS
    assert loaded.russian.country == "RU" and loaded.kazakh.country == "KZ"


def test_catalogue_party_is_enriched():
    loaded = answers.load(SAMPLES / "altai-pavlodar-2012.yaml")
    assert loaded.kazakh.name.kk == "Павлодар облысының әкімдігі"
    assert loaded.russian.name.ru == "Администрация Алтайского края"
    assert loaded.signing.date == dt.date(2012, 9, 19)


def _set(data: dict, path: str, value) -> dict:
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize("path, value, expected", [
    ("track", "federal", "track: «federal» is not one of: municipal, regional"),
    ("copies", "two", "copies: expected a whole number, got «two»"),
    ("copies", 50, "copies: expected a number from 2 to 10, got 50"),
    ("term.years", _DELETE, "term.years: required, but missing"),
    ("term.renewal", "yes please", "term.renewal: expected yes or no"),
    ("parties.kazakh.signatory.gender", "м", "parties.kazakh.signatory.gender: «м» is not one"),
    ("parties.kazakh.catalogue", "pavlodar-akimat",
     "parties.kazakh.catalogue: «pavlodar-akimat» is not one of"),
    ("parties.russian.signatory.name.ru", "Иван\x07ов",
     "parties.russian.signatory.name.ru: contains the control character U+0007"),
    ("parties.russian.signatory.name.kk", "two\nlines", "must be one line"),
    ("signing.date", "31.02.2012", "signing.date: «31.02.2012» is not a day of the calendar"),
    ("signing.date", "19/09/2012", "signing.date: expected a date such as 19.09.2012"),
    ("signing.date", "9999-12-31", "signing.date: «9999-12-31» is outside the years 1991–2099"),
    ("signing.date", "0001-01-01", "is outside the years 1991–2099"),
    ("parties.russian.signatory.name.ru", "Иван\ue002ref0",
     "contains the control character U+E002"),
    ("parties.russian.signatory.name.ru", "Иван\x9bов", "contains the control character U+009B"),
    ("parties.russian.signatory.name.ru", "Иван\u2028ов", "must be one line"),
    ("areas", ["economy", "astrology"], "areas[1]: «astrology» is not one of"),
    ("coordination.mode", "committee", "coordination.mode: «committee» is not one of"),
    ("entry_into_force", "registration", "entry_into_force: on the regional track"),
    ("parties.russian.signatory.acts_on", {"ru": "Устав"}, "acts_on.kk: required, but missing"),
])
def test_field_errors_name_the_key_path(path, value, expected):
    lines = _problems(_set(sample(), path, value))
    assert any(expected in line for line in lines), lines


def test_unknown_key_suggests_the_close_one():
    data = sample()
    data["term"]["notice_month"] = data["term"].pop("notice_months")
    lines = _problems(data)
    assert any("term.notice_month: unknown key; did you mean «notice_months»?" in line
               for line in lines), lines


def test_all_problems_are_reported_together_with_lines():
    data = sample()
    data["copies"] = "x"
    data["track"] = "y"
    lines = _problems(data)
    assert len(lines) == 2
    assert all(line.startswith("a.yaml:") for line in lines)
    assert all(line.split(":")[1].strip().isdigit() for line in lines)


def test_duplicate_key_is_an_error():
    text = "track: municipal\ntrack: regional\n"
    lines = _problems(text)
    assert "a.yaml:2: track: the key is given twice" in lines


def test_broken_yaml_names_the_line():
    lines = _problems("track: [municipal\nparties: {}\n")
    assert lines[0].startswith("a.yaml:") and "not valid YAML" in lines[0]


def test_wrong_type_for_a_section():
    lines = _problems({**sample(), "term": "five years"})
    assert any("term: expected a section of keys, got «five years»" in line for line in lines)


def test_catalogue_and_description_are_exclusive():
    data = sample()
    data["parties"]["kazakh"]["name"] = {"ru": "акимат", "kk": "әкімдік"}
    lines = _problems(data)
    assert any("parties.kazakh.name: give either «catalogue»" in line for line in lines)


def test_party_described_in_full():
    data = sample("uglovsky-borodulikha-municipal")
    data["parties"]["russian"] = {
        "name": {"ru": "Администрация Локтевского района", "kk": "Локтев ауданының әкімшілігі"},
        "region": "altai-krai", "level": "district", "inn": "2256001230",
        "ogrn": "1022200000000",
        "signatory": data["parties"]["russian"]["signatory"],
    }
    parsed = answers.parse(data, {})
    assert parsed.russian.identifiers == {"inn": "2256001230", "ogrn": "1022200000000"}
    assert parsed.russian.catalogue_id is None


def test_identifier_format():
    data = sample("uglovsky-borodulikha-municipal")
    data["parties"]["russian"]["inn"] = "12AB"
    lines = _problems(data)
    assert any("parties.russian.inn: expected 10 digits" in line for line in lines)


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        answers.load(tmp_path / "nope.yaml")
    assert "no such file" in str(info.value)
