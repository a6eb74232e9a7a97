"""The disk cache: a shortcut that is never a source of error or of stale output."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES
from xbdocs import diskcache
from xbdocs.writer import skeleton
from xbdocs.writer.style import PageStyle


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
