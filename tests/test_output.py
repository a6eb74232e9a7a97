"""The output package: all files or none, never outside the folder, never over a file without
--force, the umask's permissions, recovery after a kill, one build at a time."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat

import pytest

from tests.conftest import SAMPLES, cli
from xbdocs import output
from xbdocs.errors import OutputError

SAMPLE = SAMPLES / "altai-pavlodar-2012.yaml"


def _package(folder, files: dict[str, bytes], force=False, manifest=None):
    with output.Package(folder, force, previous_manifest=manifest) as package:
        for name, data in files.items():
            package.add(name, data)
        return package.commit()


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name", ["../evil.docx", "a/b.docx", "..", ".hidden", "", "x y.docx",
                                  "inventory-../../pwn.docx", "шаг.docx", "a\x00b"])
def test_names_that_are_not_plain_are_refused(tmp_path, name):
    with pytest.raises(OutputError, match="not a plain file name"):
        _package(tmp_path / "out", {"ok.docx": b"1", name: b"2"})
    assert not (tmp_path / "out").exists()
    assert _names(tmp_path) == []


def test_a_failed_move_undoes_the_others(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "b.docx").write_bytes(b"old b")
    real = os.link

    def failing(source, target):
        if str(target).endswith("c.docx"):
            raise OSError(5, "Input/output error")
        return real(source, target)

    monkeypatch.setattr(os, "link", failing)
    monkeypatch.setattr(os, "replace", _failing_for("c.docx", os.replace))
    with pytest.raises(OutputError, match="cannot write: Input/output error"):
        _package(folder, {"a.docx": b"a", "b.docx": b"b", "c.docx": b"c"}, force=True)
    assert _names(folder) == ["b.docx"]
    assert (folder / "b.docx").read_bytes() == b"old b"


def test_a_name_that_appears_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    real = output._place

    def racing(stage, target_folder, name, force):
        if name == "b.docx":
            (target_folder / name).write_bytes(b"someone else's")
        return real(stage, target_folder, name, force)

    monkeypatch.setattr(output, "_place", racing)
    with pytest.raises(OutputError, match=r"b\.docx: already exists"):
        _package(folder, {"a.docx": b"a", "b.docx": b"b"})
    assert _names(folder) == ["b.docx"]
    assert (folder / "b.docx").read_bytes() == b"someone else's"


def test_a_document_held_open_elsewhere(tmp_path, monkeypatch):
    """On Windows a file open in Word cannot be replaced: the set is kept as it was."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.docx").write_bytes(b"old")
    real = os.replace

    def held(source, target):
        if str(target).endswith("a.docx") and "old" in str(target):
            raise PermissionError(13, "Permission denied")
        return real(source, target)

    monkeypatch.setattr(os, "replace", held)
    with pytest.raises(OutputError, match="is it open in Word or another program"):
        _package(folder, {"a.docx": b"new", "b.docx": b"b"}, force=True)
    assert _names(folder) == ["a.docx"] and (folder / "a.docx").read_bytes() == b"old"


def _failing_for(name, real):
    def replace(source, target):
        if str(target).endswith(name) and "new" in str(source):
            raise OSError(5, "Input/output error")
        return real(source, target)
    return replace


def test_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        folder = tmp_path / "out"
        folder.mkdir()
        (folder / "a.docx").write_bytes(b"old")
        os.chmod(folder / "a.docx", 0o644)
        _package(folder, {"a.docx": b"new", "b.docx": b"b"}, force=True)
        os.umask(0o002)
        _package(folder, {"c.docx": b"c"})
    finally:
        os.umask(old)
    modes = {name: stat.S_IMODE((folder / name).stat().st_mode) for name in _names(folder)}
    assert modes == {"a.docx": 0o644, "b.docx": 0o644, "c.docx": 0o664}


def test_stale_files_of_the_previous_build_are_removed_with_force(tmp_path):
    folder = tmp_path / "out"
    manifest = json.dumps({"files": [{"name": "a.docx"}, {"name": "a.pdf"},
                                     {"name": "../outside.txt"}], "archive": "package.zip"})
    _package(folder, {"a.docx": b"1", "a.pdf": b"%PDF", "package.zip": b"z",
                      "manifest.json": manifest.encode()})
    (tmp_path / "outside.txt").write_text("keep")
    (folder / "mine.txt").write_text("keep")
    _package(folder, {"a.docx": b"2", "manifest.json": b"{}"}, force=True,
             manifest="manifest.json")
    assert _names(folder) == ["a.docx", "manifest.json", "mine.txt"]
    assert (tmp_path / "outside.txt").read_text() == "keep"


def test_an_interrupted_commit_is_finished_by_the_next_build(tmp_path):
    """A build killed after its journal was written: the next one rolls it forward."""
    folder = tmp_path / "out"
    folder.mkdir()
    stage = folder / f"{output.STAGE_PREFIX}killed"
    (stage / "new").mkdir(parents=True)
    (stage / "new" / "b.docx").write_bytes(b"new b")
    (folder / "a.docx").write_bytes(b"new a")  # already moved before the kill
    (stage / output.JOURNAL).write_text(json.dumps({"files": ["a.docx", "b.docx"],
                                                    "remove": []}))
    uncommitted = folder / f"{output.STAGE_PREFIX}unfinished"
    (uncommitted / "new").mkdir(parents=True)
    (uncommitted / "new" / "c.docx").write_bytes(b"half")
    _package(folder, {"d.docx": b"d"})
    assert _names(folder) == ["a.docx", "b.docx", "d.docx"]
    assert (folder / "b.docx").read_bytes() == b"new b"


def test_a_folder_where_a_file_must_go(tmp_path):
    folder = tmp_path / "out"
    (folder / "manifest.json").mkdir(parents=True)
    (folder / "a.docx").write_bytes(b"old")
    with pytest.raises(OutputError, match="a folder stands where a document must go"):
        _package(folder, {"a.docx": b"new", "manifest.json": b"{}"}, force=True)
    assert (folder / "a.docx").read_bytes() == b"old"


def test_a_dangling_link_named_like_an_output_needs_force(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "b.docx").symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputError, match="already exists"):
        _package(folder, {"a.docx": b"a", "b.docx": b"b"})
    assert _names(folder) == ["b.docx"]
    _package(folder, {"a.docx": b"a", "b.docx": b"b"}, force=True)
    assert not (folder / "b.docx").is_symlink() and not (tmp_path / "nowhere").exists()


def test_names_too_long_and_no_space_are_found_before_writing(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    with pytest.raises(OutputError, match="file name too long"):
        _package(folder, {"a.docx": b"a", "x" * 300 + ".docx": b"b"})
    assert not folder.exists()

    class Usage:
        free = 1000

    monkeypatch.setattr(output.shutil, "disk_usage", lambda path: Usage)
    with pytest.raises(OutputError, match="not enough free space"):
        _package(folder, {"a.docx": b"a" * 5000})
    assert not folder.exists()


def test_an_output_path_that_is_a_file(tmp_path):
    (tmp_path / "out").write_text("a file")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        _package(tmp_path / "out", {"a.docx": b"a"})


def _hold_lock(folder, ready, release):
    from xbdocs import system

    with system.locked(folder):
        ready.set()
        release.wait(10)


def test_a_second_build_waits_for_the_first(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(folder, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        from xbdocs import system

        real = system.locked
        monkeypatch.setattr(system, "locked", lambda path: real(path, wait_seconds=0.3))
        with pytest.raises(OutputError, match="another xbdocs is writing into this folder"):
            _package(folder, {"a.docx": b"a"})
    finally:
        release.set()
        holder.join(10)
    _package(folder, {"a.docx": b"a"})
    assert _names(folder) == ["a.docx"]


def _build_into(folder, index, results):
    """One of the concurrent builds, in a process of its own."""
    results[index] = cli("build", SAMPLE, "-o", folder, "--force").code


def test_concurrent_force_builds_do_not_interleave(tmp_path):
    """Four builds into one folder at once: each commit is whole, the last one wins, and
    the manifest's hashes match the files."""
    import hashlib

    folder = tmp_path / "out"
    context = multiprocessing.get_context("fork")
    results = context.Manager().dict()
    workers = [context.Process(target=_build_into, args=(folder, i, results)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert dict(results) == {0: 0, 1: 0, 2: 0, 3: 0}
    manifest = json.loads((folder / "manifest.json").read_text())
    for item in manifest["files"]:
        assert hashlib.sha256((folder / item["name"]).read_bytes()).hexdigest() == item["sha256"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
