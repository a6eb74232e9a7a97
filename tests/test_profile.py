"""Filing profiles: the shipped one, and one a user writes for another region."""

from __future__ import annotations

import pytest

from xbdocs import profile, unverified
from xbdocs.errors import AnswersError


def test_shipped_profile_has_both_tracks_with_sources():
    loaded = profile.load()
    assert set(loaded.tracks) == {"municipal", "regional"}
    for track in loaded.tracks.values():
        assert all(step.source for step in track.steps)
        assert all(a.source for a in track.addressees.values())
        assert track.documents("registration")[0] == "registration-application"
    assert unverified.in_profile(loaded, "municipal"), "the Altai act is unknown: unverified"


def test_documents_by_stage():
    track = profile.load().tracks["municipal"]
    assert track.documents("approval") == ["notice", "approval-request", "explanatory-note",
                                           "agreement"]
    assert "registration-application" in track.documents("all")
    assert "notice" not in track.documents("registration")


def _edited(tmp_path, old: str, new: str):
    """A copy of the shipped profile with one change, as a user would make it."""
    text = (profile.PROFILES_DIR / "altai-krai.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _problems(path) -> str:
    with pytest.raises(AnswersError) as info:
        profile.load(path)
    return str(info.value)


def test_broken_profile_names_the_key(tmp_path):
    broken = _edited(tmp_path, "unit: working", "unit: fortnights")
    message = _problems(broken)
    assert "tracks.municipal.steps[3].deadline.unit" in message
    assert "«fortnights» is not one of: calendar, working" in message
    assert message.startswith(f"{broken}:")


@pytest.mark.parametrize("step_id", ["../../../../elsewhere/pwn", "x" * 300, "a/b", "..", "шаг"])
def test_step_ids_that_would_name_files_badly(tmp_path, step_id):
    message = _problems(_edited(tmp_path, "- id: approval-request", f"- id: '{step_id}'"))
    assert "tracks.municipal.steps[1].id" in message and "is not a step id" in message


def test_a_step_id_given_twice(tmp_path):
    message = _problems(_edited(tmp_path, "- id: approval-request", "- id: notice"))
    assert "tracks.municipal.steps[1].id: the step id «notice» is used twice" in message


def test_a_hostile_profile_writes_nothing_anywhere(run, tmp_path):
    from tests.conftest import SAMPLES

    hostile = _edited(tmp_path, "- id: approval-request", "- id: ../../elsewhere/pwn")
    result = run("build", SAMPLES / "uglovsky-borodulikha-municipal.yaml", "-o",
                 tmp_path / "out", "--stage", "approval", "--profile", hostile, "--force",
                 "--no-sheet-count")
    assert result.code == 1 and "is not a step id" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml"]
