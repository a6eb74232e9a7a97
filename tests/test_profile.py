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
