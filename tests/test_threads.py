"""Many renders at once in one process, as a server makes them: every file byte for byte
what a render alone makes, and every message in the language its caller asked for. Before
the render state and the message language were per context, 80 assemblies on 8 threads gave
74 errors and 2 documents with another's text."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import itertools
from pathlib import Path

import pytest

import xbdocs
from tests.conftest import SAMPLES
from xbdocs import i18n

TODAY = dt.date(2026, 12, 3)
SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))
THREADS, ROUNDS = 8, 20
LANGUAGES = ("ru", "en")
#: The manifest records when it was generated; every other file is compared whole.
TIMED = {"manifest.json"}


def _render(path: Path, lang: str) -> tuple[xbdocs.RenderedPackage, list[str]]:
    """The package and its findings as shown on the thread that rendered it, while the
    other threads switch languages."""
    rendered = xbdocs.render_package(path, stage="all", today=TODAY, lang=lang,
                                     count_sheets=False)
    return rendered, rendered.messages()


@pytest.fixture(scope="module")
def alone() -> dict[tuple[str, str], tuple[xbdocs.RenderedPackage, list[str]]]:
    """Each sample rendered by itself, in each message language."""
    return {(path.name, lang): _render(path, lang)
            for path in SAMPLE_FILES for lang in LANGUAGES}


def test_renders_on_threads_are_the_renders_alone(alone):
    jobs = list(itertools.islice(itertools.cycle(
        (path, lang) for path in SAMPLE_FILES for lang in LANGUAGES), THREADS * ROUNDS))
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda job: (job, *_render(*job)), jobs))
    differences = []
    for (path, lang), rendered, shown in results:
        expected, expected_shown = alone[(path.name, lang)]
        differences += [f"{path.name} {lang}: {name}" for name in expected.files
                        if name not in TIMED and rendered.files.get(name) !=
                        expected.files[name]]
        if shown != expected_shown:
            differences.append(f"{path.name} {lang}: messages")
    assert len(results) == THREADS * ROUNDS
    assert differences == []


def test_the_message_languages_really_differ(alone):
    """The test above would pass vacuously if both languages gave the same text."""
    name = SAMPLE_FILES[0].name
    assert alone[(name, "ru")][1] != alone[(name, "en")][1]


def test_a_thread_keeps_its_own_message_language():
    """A thread that sets its language leaves every other thread's alone."""
    def speak(lang: str) -> str:
        i18n.set_language(lang)
        return i18n._("no such file")

    i18n.set_language("en")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        spoken = list(pool.map(speak, ["ru", "en"] * 8))
    assert spoken == ["нет такого файла", "no such file"] * 8
    assert i18n._("no such file") == "no such file"


def test_the_language_of_a_block():
    i18n.set_language("en")
    with i18n.language("ru"):
        assert i18n._("no such file") == "нет такого файла"
    assert i18n.current_language() == "en"
