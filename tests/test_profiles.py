"""Regions' procedures: the shipped profiles, read as a clerk reads them, and a build with
the Orenburg Region's."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import docx_text, sample
from xbdocs import profile

ORENBURG_ANSWERS = {
    "parties": {
        "russian": {"catalogue": "orenburg-akbulaksky-district"},
        "kazakh": {"name": {"ru": "акимат Мартукского района Актюбинской области",
                            "kk": "Ақтөбе облысы Мәртөк ауданының әкімдігі"},
                   "region": "aktobe", "level": "district"},
    },
}


def test_profiles_list(run):
    result = run("profiles", "list")
    assert result.code == 0
    assert "altai-krai" in result.out and "orenburg" in result.out


def test_the_orenburg_procedure_as_a_clerk_reads_it(run):
    result = run("profiles", "show", "orenburg")
    assert result.code == 0, result.err
    out = result.out
    assert "Уведомление о намерении провести переговоры [verified]" in out
    assert "30 calendar days before the negotiations" in out
    assert "10 calendar days after the signing" in out
    assert "Regional act:" in out and "not verified: Акт Оренбургской области" in out
    assert "документ 446608213" in out
    assert "Правительство Оренбургской области" in out


def test_every_orenburg_fact_names_its_source():
    loaded = profile.load("orenburg")
    track = loaded.tracks["municipal"]
    assert all("446608213" in step.source for step in track.steps)
    assert not track.regional_act.verified
    assert [s.deadline.days for s in track.steps if s.deadline] == [30, 10]


def test_a_build_with_the_orenburg_profile(run, write_answers, tmp_path):
    data = sample("uglovsky-borodulikha-municipal")
    signatory = data["parties"]["russian"]["signatory"]
    data["parties"] = ORENBURG_ANSWERS["parties"]
    data["parties"]["russian"]["signatory"] = {**signatory, "position": {
        "ru": "глава Акбулакского района", "kk": "Ақбұлақ ауданының басшысы"}}
    data["parties"]["kazakh"]["signatory"] = {
        "name": {"ru": "Жумабаев Ерлан Серикович", "kk": "Жұмабаев Ерлан Серікұлы"},
        "gender": "male", "position": {"ru": "аким Мартукского района",
                                       "kk": "Мәртөк ауданының әкімі"},
        "acts_on": "kz-local-government-law"}
    path = write_answers(data)
    result = run("build", path, "-o", tmp_path / "out", "--stage", "all", "--profile",
                 "orenburg", "--no-sheet-count")
    assert result.code == 0, result.err
    notice = docx_text(tmp_path / "out" / "notice.docx")
    assert "Оренбургской области" in notice
    manifest = yaml.safe_load((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["profile"]["id"] == "orenburg"
    assert "XB020" not in result.err and "XB001" not in result.err


@pytest.mark.parametrize("name", ["altai-krai", "orenburg"])
def test_a_profile_by_id_or_by_file(name):
    assert profile.load(name).id == profile.load(profile.PROFILES_DIR / f"{name}.yaml").id
