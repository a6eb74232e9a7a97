"""Filing profiles: the shipped one, and one a user writes for another region."""

from __future__ import annotations

import pytest

from xbdocs import profile
from xbdocs.errors import AnswersError


def test_shipped_profile_has_both_tracks_with_sources():
    loaded = profile.load()
    assert set(loaded.tracks) == {"municipal", "regional"}
    for track in loaded.tracks.values():
        assert all(step.source for step in track.steps)
        assert all(a.source for a in track.addressees.values())
        assert track.documents("registration")[0] == "registration-application"
    assert loaded.unverified("municipal"), "the Altai act is not available: facts are unverified"


def test_documents_by_stage():
    track = profile.load().tracks["municipal"]
    assert track.documents("approval") == ["notice", "approval-request", "explanatory-note",
                                           "agreement"]
    assert "registration-application" in track.documents("all")
    assert "notice" not in track.documents("registration")


def test_broken_profile_names_the_key(tmp_path):
    text = (profile.PROFILES_DIR / "altai-krai.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "p.yaml"
    broken.write_text(text.replace("unit: working", "unit: fortnights", 1), encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        profile.load(broken)
    message = str(info.value)
    assert "tracks.municipal.steps[3].deadline.unit" in message
    assert "«fortnights» is not one of: calendar, working" in message
    assert message.startswith(f"{broken}:")


@pytest.mark.parametrize("step_id, expected", [
    ("../../../../elsewhere/pwn", "is not a step id"),
    ("x" * 300, "is not a step id"),
    ("a/b", "is not a step id"),
    ("..", "is not a step id"),
    ("шаг", "is not a step id"),
])
def test_step_ids_that_would_name_files_badly(tmp_path, step_id, expected):
    text = (profile.PROFILES_DIR / "altai-krai.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "p.yaml"
    broken.write_text(text.replace("- id: approval-request", f"- id: '{step_id}'", 1),
                      encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        profile.load(broken)
    assert "tracks.municipal.steps[1].id" in str(info.value)
    assert expected in str(info.value)


def test_a_step_id_given_twice(tmp_path):
    text = (profile.PROFILES_DIR / "altai-krai.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "p.yaml"
    broken.write_text(text.replace("- id: approval-request", "- id: notice", 1), encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        profile.load(broken)
    assert "tracks.municipal.steps[1].id: the step id «notice» is used twice" in str(info.value)


def test_a_hostile_profile_writes_nothing_anywhere(run, tmp_path):
    from tests.conftest import SAMPLES

    text = (profile.PROFILES_DIR / "altai-krai.yaml").read_text(encoding="utf-8")
    hostile = tmp_path / "p.yaml"
    hostile.write_text(text.replace("- id: approval-request", "- id: ../../elsewhere/pwn", 1),
                       encoding="utf-8")
    result = run("build", SAMPLES / "uglovsky-borodulikha-municipal.yaml", "-o",
                 tmp_path / "out", "--stage", "approval", "--profile", hostile, "--force",
                 "--no-sheet-count")
    assert result.code == 1 and "is not a step id" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml"]
