"""The law and the parties as they stand on a document's own date (issue 23 §1): a letter of
2027 cites the law on a district's powers in force in 2027 (33-FZ, not 131-FZ), a body
that had ceased is not a party, and a name is the name of its day. Each rule is read back
from the built DOCX, or from `check`'s findings."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import SAMPLES, cli, docx_text, sample
from xbdocs import answers, catalogue, checks, profile
from xbdocs.build import build

TODAY = dt.date(2026, 12, 3)
PLAN = SAMPLES / "plans" / "pavlodar-2027-2028.yaml"


def _built(write_answers, tmp_path, data, stage="all"):
    path = write_answers(data)
    outdir = tmp_path / "out"
    build(path, outdir, stage=stage, today=TODAY, count_sheets=False)
    return outdir


def _in_year(data: dict, year: int) -> dict:
    """The municipal sample with every date moved to ``year`` (same days)."""
    filing = data["filing"]
    filing["negotiations_date"] = filing["negotiations_date"].replace(year=year)
    for key in ("notice", "approval_request", "approval", "registration_application"):
        if key in filing and filing[key].get("date"):
            filing[key]["date"] = filing[key]["date"].replace(year=year)
    data["signing"]["date"] = data["signing"]["date"].replace(year=year)
    return data


def _codes(data: dict, cat=None, prof=None) -> dict[str, list[checks.Finding]]:
    cat = cat or catalogue.load()
    found: dict[str, list[checks.Finding]] = {}
    for finding in checks.check(answers.parse(data, {}, cat), cat, prof or profile.load(),
                                "all", TODAY):
        found.setdefault(finding.code, []).append(finding)
    return found


# --- the law on a district's powers, by the note's date ---------------------------------

def test_a_note_of_2027_cites_33_fz_for_a_districts_powers(write_answers, tmp_path):
    note = docx_text(_built(write_answers, tmp_path, sample("uglovsky-borodulikha-municipal"))
                     / "explanatory-note.docx")
    assert "в пределах полномочий органов местного самоуправления муниципального района по " \
           "Федеральному закону от 20.03.2025 № 33-ФЗ «Об общих принципах организации " \
           "местного самоуправления в единой системе публичной власти»" in note
    assert "131-ФЗ" not in note


def test_a_note_of_2026_still_cites_131_fz(write_answers, tmp_path):
    data = _in_year(sample("uglovsky-borodulikha-municipal"), 2026)
    note = docx_text(_built(write_answers, tmp_path, data) / "explanatory-note.docx")
    assert "по Федеральному закону от 06.10.2003 № 131-ФЗ «Об общих принципах организации " \
           "местного самоуправления в Российской Федерации»" in note
    assert "33-ФЗ" not in note


def test_the_note_names_the_approving_body_from_the_profile(write_answers, tmp_path):
    """179-FZ Art. 12: approval by the region's highest executive body — in the Altai Krai
    its Government, named, not «a body of state power of the subject»."""
    note = docx_text(_built(write_answers, tmp_path, sample("uglovsky-borodulikha-municipal"))
                     / "explanatory-note.docx")
    assert "оно заключается по согласованию с Правительством Алтайского края и вступает" in note
    assert "органом государственной власти субъекта" not in note


def test_the_transition_is_kept_unverified_with_its_source():
    cat = catalogue.load()
    old, new = (cat.law_for("municipal-powers", dt.date(2026, 12, 31)),
                cat.law_for("municipal-powers", dt.date(2027, 1, 1)))
    assert (old.number, new.number) == ("131-ФЗ", "33-ФЗ")
    assert old.replaced_by == new.id
    assert not old.verified and not new.verified
    assert "вторичный источник" in new.source


# --- check: a law not in force on the date (XB027) ---------------------------------------

def test_answers_citing_131_fz_in_2027_are_warned():
    data = sample("uglovsky-borodulikha-municipal")
    data["parties"]["russian"]["signatory"]["acts_on"] = {
        "ru": "Устава и Федерального закона от 06.10.2003 № 131-ФЗ",
        "kk": "Жарғы және 2003 жылғы 6 қазандағы № 131-ФЗ Федералдық заң"}
    found = _codes(data)["XB027"]
    assert [f.path for f in found] == ["parties.russian.signatory.acts_on"]
    assert "131-ФЗ" in found[0].text and "33-ФЗ" in found[0].text
    assert "XB027" not in _codes(_in_year(data, 2026))


def test_a_profile_citing_131_fz_in_2027_is_warned(tmp_path):
    text = (profile.PROFILES_DIR / "altai-krai.yaml").read_text(encoding="utf-8")
    text = text.replace("about: о регистрации соглашений о приграничном сотрудничестве "
                        "муниципальных образований",
                        "about: о регистрации соглашений (по Федеральному закону № 131-ФЗ)", 1)
    path = tmp_path / "altai-krai.yaml"
    path.write_text(text, encoding="utf-8")
    found = _codes(sample("uglovsky-borodulikha-municipal"), prof=profile.load(path))["XB027"]
    assert [f.path for f in found] == [f"{path}: tracks.municipal.regional_act"]


def test_the_samples_cite_no_law_out_of_force():
    for path in sorted(SAMPLES.glob("*.yaml")):
        assert "XB027" not in _codes(sample(path.stem)), path


# --- parties on the date (XB028), names of their day -----------------------------------------

def test_the_administration_of_the_altai_krai_in_2027_is_warned():
    data = sample("altai-pavlodar-2012")
    data["signing"]["date"] = dt.date(2027, 9, 19)
    for key in ("notice", "approval_request", "approval", "registration_application"):
        data.get("filing", {}).get(key, {}).pop("date", None)
    data.get("filing", {}).pop("negotiations_date", None)
    found = _codes(data)["XB028"]
    assert "«Администрация Алтайского края» no longer existed on 19.09.2027" in found[0].text
    assert "«Правительство Алтайского края» acts in its place" in found[0].text
    assert "XB028" not in _codes(sample("altai-pavlodar-2012"))


def test_the_government_in_2012_did_not_exist_yet():
    data = sample("altai-pavlodar-2012")
    data["parties"]["russian"]["catalogue"] = "altai-krai-government"
    data["parties"]["russian"]["signatory"]["position"] = {
        "ru": "Губернатор Алтайского края", "kk": "Алтай өлкесінің Губернаторы"}
    assert "did not exist yet on" in _codes(data)["XB028"][0].text


def test_the_plan_of_2027_signs_for_the_government(tmp_path):
    """The 2012 agreement was made by the Administration; its plan for 2027–2028 is
    signed for the body acting in 2027, the Government of the Altai Krai."""
    result = cli("plan", PLAN, "--answers", SAMPLES / "altai-pavlodar-2012.yaml", "-o",
                 tmp_path)
    assert result.code == 0, result.err
    russian, kazakh = (docx_text(tmp_path / "plan.ru.docx"),
                       docx_text(tmp_path / "plan.kk.docx"))
    assert "От Правительства Алтайского края" in russian
    assert "От Администрации Алтайского края" not in russian
    assert "Алтай өлкесінің Үкіметі атынан" in kazakh
    assert "әкімшілігі атынан" not in kazakh
    # The agreement it carries out keeps the name of its day.
    assert "Соглашения между Администрацией Алтайского края" in russian


def _slavgorod(year: int) -> dict:
    data = _in_year(sample("uglovsky-borodulikha-municipal"), year)
    data["parties"]["russian"] = {
        "catalogue": "altai-slavgorodsky-district",
        "signatory": {"name": {"ru": "Иванов Иван Иванович", "kk": "Иванов Иван Иванович"},
                      "gender": "male",
                      "position": {"ru": "глава города Славгорода",
                                   "kk": "Славгород қаласының басшысы"},
                      "acts_on": "charter"}}
    data["parties"]["kazakh"]["catalogue"] = "pavlodar-sharbakty-district-akimat"
    data["parties"]["kazakh"]["signatory"]["position"] = {
        "ru": "аким района Шарбакты", "kk": "Шарбақты ауданының әкімі"}
    return data


@pytest.mark.parametrize("year, russian, kazakh, kind", [
    (2024, "Администрация Славгородского района Алтайского края",
     "Алтай өлкесі Славгород ауданының әкімшілігі", "муниципального района"),
    (2027, "Администрация города Славгорода Алтайского края",
     "Алтай өлкесі Славгород қаласының әкімшілігі", "муниципального округа"),
])
def test_a_name_is_the_name_of_its_day(write_answers, tmp_path, year, russian, kazakh, kind):
    outdir = _built(write_answers, tmp_path, _slavgorod(year))
    assert russian in docx_text(outdir / "agreement.ru.docx")
    assert kazakh in docx_text(outdir / "agreement.kk.docx")
    assert f"органов местного самоуправления {kind} по" in docx_text(
        outdir / "explanatory-note.docx")


def test_a_former_name_typed_by_hand_is_warned():
    data = _slavgorod(2027)
    data["parties"]["russian"] = {
        "name": {"ru": "Администрация Славгородского района Алтайского края",
                 "kk": "Алтай өлкесі Славгород ауданының әкімшілігі"},
        "region": "altai-krai", "level": "district",
        "signatory": data["parties"]["russian"]["signatory"]}
    found = _codes(data)["XB015"]
    assert "on 14.04.2027 the body is «Администрация города Славгорода Алтайского края»" \
        in found[0].text
    assert "XB015" not in _codes(_slavgorod(2027))


def test_okrugs_are_dated_and_unverified():
    cat = catalogue.load()
    for party_id in ("altai-zmeinogorsky-district", "altai-klyuchevsky-district",
                     "altai-kulundinsky-district", "altai-tabunsky-district",
                     "altai-charyshsky-district", "altai-slavgorodsky-district"):
        party = cat.parties[party_id]
        assert party.kind_on(dt.date(2027, 1, 1)) == "municipal-okrug", party_id
        assert party.kind_on(dt.date(2012, 9, 19)) == "municipal-district", party_id
        assert not party.former_names[0].verified
    for party_id in ("altai-burlinsky-district", "altai-uglovsky-district",
                     "altai-rubtsovsky-district", "altai-loktevsky-district",
                     "altai-mikhaylovsky-district", "altai-tretyakovsky-district"):
        assert not cat.parties[party_id].former_names, party_id




def test_a_district_before_the_abai_region_was_formed(write_answers, tmp_path):
    """The Abai region was formed from part of the East Kazakhstan region in 2022 (domain.md
    §4): an agreement of 2019 with the Borodulikha district names it in the East
    Kazakhstan region, as it was then; one of 2027, in the Abai region."""
    outdir = _built(write_answers, tmp_path,
                    _in_year(sample("uglovsky-borodulikha-municipal"), 2019))
    russian, kazakh, note = (docx_text(outdir / "agreement.ru.docx"),
                             docx_text(outdir / "agreement.kk.docx"),
                             docx_text(outdir / "explanatory-note.docx"))
    assert "акимат Бородулихинского района Восточно-Казахстанской области (Республика " \
           "Казахстан)" in russian
    assert "области Абай" not in russian
    assert "Шығыс Қазақстан облысы Бородулиха ауданының әкімдігі" in kazakh
    assert "Абай облысы" not in kazakh
    assert "(Республика Казахстан, Восточно-Казахстанская область)" in note
    today = docx_text(_built(write_answers, tmp_path / "2027",
                             sample("uglovsky-borodulikha-municipal")) / "agreement.ru.docx")
    assert "акимат Бородулихинского района области Абай (Республика Казахстан)" in today
    cat = catalogue.load()
    assert not cat.parties["abai-region-akimat"].existed.holds(dt.date(2022, 6, 7))
    assert cat.parties["abai-region-akimat"].existed.holds(dt.date(2022, 6, 8))
