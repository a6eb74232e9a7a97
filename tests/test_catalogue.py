"""The shipped catalogue: well-formed entries, each with its source."""

from __future__ import annotations

import pytest
import yaml

from xbdocs import catalogue

DATA = catalogue.DATA_DIR
_KAZAKH = set("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя")


def _items(name: str, key: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))[key]


@pytest.mark.parametrize("name, key, keys", [
    ("areas.yaml", "areas", {"code", "ru", "kk", "municipal", "powers"}),
    ("cooperation_forms.yaml", "forms", {"code", "ru", "kk"}),
    ("acts.yaml", "acts", {"code", "ru", "kk"}),
    ("settlements.yaml", "settlements", {"code", "ru", "kk"}),
    ("regions.yaml", "regions", {"id", "country", "ru", "kk", "border", "neighbours",
                                 "neighbours_verified", "charter"}),
])
def test_entries_have_exactly_their_keys(name, key, keys):
    for item in _items(name, key):
        assert set(item) <= keys and {"ru", "kk"} <= set(item), item
        assert all(isinstance(item[k], str) and item[k] for k in ("ru", "kk")), item


def test_every_party_says_where_it_came_from():
    allowed = {"id", "country", "region", "level", "verified", "source", "name", "forms",
               "address", "address_verified", "valid_until", "neighbours",
               "neighbours_verified", "valid_from", "replaced_by", "former_names",
               "municipal_kind"}
    cat = catalogue.load()
    for item in catalogue._party_items():
        assert set(item) <= allowed, item
        assert isinstance(item["verified"], bool) and item["source"], item
        assert item.get("replaced_by") in (None, *cat.parties), item
        assert item.get("municipal_kind") in (None, *cat.municipal_kinds), item
        for former in item.get("former_names") or ():
            # A former name says when it ended, how sure we are and where it came from.
            assert isinstance(former["verified"], bool) and former["source"], item
            assert former.get("municipal_kind") in (None, *cat.municipal_kinds), item
            assert former.get("region") in (None, *cat.regions), item
        assert item["region"] in cat.regions, item
        assert item["level"] in ("regional", "district", "city"), item


def test_every_area_has_its_row_in_the_powers_table():
    """Issue 23 §2.5: each area says how far it is a municipal district's own power, and on
    what article; one not wholly its own has a qualified wording for the municipal track
    (a district only takes part in preventing emergencies, 131-FZ Art. 15 p. 1 item 7)."""
    for area in catalogue.load().areas.values():
        assert area.powers in ("own", "part", "participation", "none"), area.code
        assert area.powers_source, area.code
        assert (area.municipal is None) == (area.powers == "own"), area.code


def test_kazakh_names_use_kazakh_letters_only():
    cat = catalogue.load()
    names = [p.name.kk for p in cat.parties.values()] + [a.label.kk for a in cat.areas.values()]
    for name in names:
        assert set(name.lower()) - _KAZAKH - set(" -«»().,") == set(), name


def test_border_geography():
    cat = catalogue.load()
    assert sum(r.country == "RU" and r.border for r in cat.regions.values()) == 12
    assert sum(r.country == "KZ" and r.border for r in cat.regions.values()) == 8
    altai = [p for p in cat.parties.values() if p.region == "altai-krai" and p.level == "district"]
    assert len(altai) == 12
    assert len(cat.areas) == 13


def test_references_carry_dates_and_sources():
    for reference in catalogue.load().references:
        assert reference.source and reference.tracks


def test_catalogue_list_near_a_party(run):
    result = run("catalogue", "list", "--near", "altai-uglovsky-district")
    assert result.code == 0
    ids = [line.split()[0] for line in result.out.splitlines()]
    assert "abai-borodulikha-district-akimat" in ids and "pavlodar" in ids
    assert "atyrau-region-akimat" not in ids and "altai-loktevsky-district" not in ids
    assert "Абай облысы Бородулиха ауданының әкімдігі" in result.out
    assert "east-kazakhstan-shemonaikha-district-akimat" not in ids   # a district further east
    facing = run("catalogue", "list", "--near", "east-kazakhstan-shemonaikha-district-akimat")
    ids = [line.split()[0] for line in facing.out.splitlines()]
    assert "altai-loktevsky-district" in ids and "altai-burlinsky-district" not in ids
    assert "altai-krai-government" in ids


def test_catalogue_list_as_json(run):
    import json

    result = run("catalogue", "list", "--kind", "area", "--format", "json")
    areas = json.loads(result.out)
    assert {"id", "ru", "kk", "verified", "source"} <= set(areas[0])
    assert any(a["id"] == "agriculture" for a in areas)


def test_catalogue_show(run):
    result = run("catalogue", "show", "altai-uglovsky-district")
    assert result.code == 0
    assert "kk: Алтай өлкесі Углов ауданының әкімшілігі" in result.out
    assert "not verified" in result.out
    assert "across the border: abai-beskaragay-district-akimat, abai-borodulikha" in result.out
    missing = run("catalogue", "show", "altai-uglovsky")
    assert missing.code == 1 and "did you mean «altai-uglovsky-district»" in missing.err
    far = run("catalogue", "list", "--near", "nowhere")
    assert far.code == 1 and "is not a party or a region" in far.err


def test_a_party_named_an_okrug_is_of_that_kind():
    """A Russian party whose name says «муниципального округа» is one (municipal_kind):
    the agreement's wording of its powers follows the kind, not the name."""
    named = [p for p in catalogue.load().parties.values()
             if p.country == "RU" and "муниципального округа" in p.name.ru]
    assert named
    assert [p.id for p in named if p.municipal_kind != "municipal-okrug"] == []
