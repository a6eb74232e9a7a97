"""The disk cache: a shortcut that is never a source of error or of stale output."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES
from xbdocs import diskcache
from xbdocs.writer import skeleton
from xbdocs.writer.page_style import PageStyle


def _build(outdir, cache: str) -> dict[str, bytes]:
    """A build in a fresh process, as a user runs it."""
    env = {**os.environ, "XBDOCS_CACHE_DIR": cache, "XBDOCS_LANG": "en"}
    subprocess.run([sys.executable, "-m", "xbdocs", "build",
                    str(SAMPLES / "altai-pavlodar-2012.yaml"), "-o", str(outdir)],
                   check=True, capture_output=True, env=env, cwd=ROOT)
    return {path.name: path.read_bytes() for path in sorted(outdir.glob("*.docx"))}


def test_a_warm_cache_gives_the_same_documents_as_none(tmp_path):
    cache = tmp_path / "cache"
    cold = _build(tmp_path / "cold", str(cache))
    assert list((cache / "skeletons").iterdir())  # written on the first run …
    assert [p for p in cache.iterdir() if p.name.startswith("templates-")]
    warm = _build(tmp_path / "warm", str(cache))  # … and read on the second
    off = _build(tmp_path / "off", "off")
    assert cold == warm == off


def test_a_damaged_or_unwritable_cache_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XBDOCS_CACHE_DIR", str(tmp_path))
    settings = (PageStyle(font="Liberation Serif"), 13.0, "ru", 150.0, None, "foot", False)
    made = skeleton.prepare.__wrapped__(*settings)
    for entry in (tmp_path / "skeletons").iterdir():
        entry.write_bytes(b'{"members": [["word/styles.xml", 1')  # cut short
    assert skeleton.prepare.__wrapped__(*settings) == made
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")  # unwritable even for root
    monkeypatch.setenv("XBDOCS_CACHE_DIR", str(blocked / "cache"))
    assert diskcache.subfolder("skeletons") is None
    assert skeleton.prepare.__wrapped__(*settings) == made


@pytest.mark.parametrize("value", ["off", "OFF", "0"])
def test_the_cache_can_be_turned_off(monkeypatch, value):
    monkeypatch.setenv("XBDOCS_CACHE_DIR", value)
    assert diskcache.folder() is None and diskcache.read("skeletons", "x") is None


def test_the_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("XBDOCS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert diskcache.folder() == tmp_path / "xbdocs"


_BUILD_AND_SAY_WHAT_LOADED = """
import sys
from xbdocs.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("loaded:", sorted(m for m in ("pymorphy3", "num2words", "docx") if m in sys.modules),
      file=sys.stderr)
"""


def test_a_second_process_takes_the_forms_and_skeletons_from_the_cache(tmp_path):
    """The second build of the same agreement loads neither pymorphy3's dictionaries nor
    num2words nor python-docx, and writes the same documents."""
    env = {**os.environ, "XBDOCS_CACHE_DIR": str(tmp_path / "cache"), "XBDOCS_LANG": "en"}
    loaded, made = [], []
    for run in ("first", "second"):
        done = subprocess.run(
            [sys.executable, "-c", _BUILD_AND_SAY_WHAT_LOADED, "build",
             str(SAMPLES / "altai-pavlodar-2012.yaml"), "-o", str(tmp_path / run)],
            capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        loaded.append(done.stderr.splitlines()[-1])
        made.append({p.name: p.read_bytes() for p in (tmp_path / run).glob("*.docx")})
    assert loaded == ["loaded: ['docx', 'num2words', 'pymorphy3']", "loaded: []"]
    assert made[0] == made[1]


def test_a_damaged_forms_file_is_made_again(tmp_path, monkeypatch):
    from xbdocs.lang import memo, ru_names

    monkeypatch.setenv("XBDOCS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(memo, "_forms", None)
    monkeypatch.setattr(memo, "_new", {})
    monkeypatch.setattr(memo, "_root", None)
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / memo._key()).write_text('{"cut short')
    phrase = "Администрация Угловского района"
    assert ru_names.inflect_phrase.__wrapped__(phrase, "genitive").text == \
        "Администрации Угловского района"
    memo._save()
    assert phrase in (tmp_path / "forms" / memo._key()).read_text("utf-8")
