"""A normal (non-editable) install carries the templates and catalogue and works from any
directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT, SAMPLES, docx_text


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    target = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(target), str(ROOT)], check=True)
    return next(target.glob("xbdocs-*.whl"))


def test_wheel_ships_templates_catalogue_and_messages(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "xbdocs/templates/ru/agreement.txt" in names
    assert "xbdocs/templates/kk/agreement.txt" in names
    assert "xbdocs/data/parties.yaml" in names
    assert "xbdocs/locale/ru/LC_MESSAGES/xbdocs.mo" in names


def test_wheel_declares_the_console_script(wheel):
    with zipfile.ZipFile(wheel) as package:
        entry_points = next(n for n in package.namelist() if n.endswith("entry_points.txt"))
        assert "xbdocs = xbdocs.__main__:main" in package.read(entry_points).decode()


def test_installed_build_runs_from_an_unrelated_directory(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(site), str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    completed = subprocess.run(
        [sys.executable, "-m", "xbdocs", "--lang", "en", "build",
         str(SAMPLES / "altai-pavlodar-2012.yaml"), "-o", "out"],
        cwd=elsewhere, capture_output=True, text=True, env=env)
    assert completed.returncode == 0, completed.stderr
    assert "Павлодар облысының әкімдігі" in docx_text(elsewhere / "out" / "agreement.kk.docx")
    located = subprocess.run(
        [sys.executable, "-c", "import xbdocs.assembler as a; print(a.__file__); "
         "print(a.default_templates_dir())"],
        cwd=elsewhere, capture_output=True, text=True, env=env, check=True).stdout.splitlines()
    assert located[0].startswith(str(site))
    assert located[1] == str(site / "xbdocs" / "templates")
