"""Broken and hostile inputs through the CLI: never an internal error, a hang, a file outside
the output folder, a partial set, or a forged message line.

This is CI's share: each named hostile class once, and a seeded sample of generated
inputs. The long campaign, with the same generator and the same judge:

    python -m tests.fuzzcases --count 12000 --jobs 2
"""

from __future__ import annotations

import functools
import random

import pytest

from tests import fuzzcases

RANDOM_CASES = 120


@functools.cache
def _named_cases() -> dict[str, fuzzcases.Case]:
    """Each named hostile class once, by name. Drawing is cheap (≈ 0.1 s): what costs — a
    DOCX, a ZIP bomb — is made when a test runs its case, not while tests are collected."""
    cases = [fuzzcases.Case(f"special-{name}", {"answers.yaml": text})
             for name, text in fuzzcases.SPECIAL_ANSWERS.items()]
    # The other generators pick a variant at random: draw until every variant is seen.
    for make in (fuzzcases._profile_cases, fuzzcases._template_case,
                 fuzzcases._letterhead_case, fuzzcases._environment_case):
        seen: dict[str, fuzzcases.Case] = {}
        rng = random.Random(7)
        for _ in range(400):
            case = make(rng)
            seen.setdefault(case.name, case)
        cases += sorted(seen.values(), key=lambda c: c.name)
    return {case.name: case for case in cases}


@pytest.fixture(autouse=True)
def short_clock(monkeypatch):
    from xbdocs import sandbox

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 2.0)


@pytest.mark.parametrize("name", list(_named_cases()))
def test_named_hostile_input(name, tmp_path):
    outcome = fuzzcases.run_case(_named_cases()[name], tmp_path)
    assert outcome.problems == [], outcome


@pytest.mark.parametrize("index", range(RANDOM_CASES))
def test_generated_input(index, tmp_path):
    case = fuzzcases.make_case(random.Random(f"ci:{index}"), index)
    outcome = fuzzcases.run_case(case, tmp_path)
    assert outcome.problems == [], (case.name, outcome)
