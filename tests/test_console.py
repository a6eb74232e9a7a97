"""What a clerk's console shows (issue 24): any console encoding (a Windows console or a
redirect is cp1251 or cp866, without Kazakh letters) prints and exits as usual; every
language of the interface works in XBDOCS_LANG and --lang; choices are typed in Russian
(or Kazakh), the ids still accepted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "altai-pavlodar-2012.yaml"


def _xbdocs(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xbdocs", *args], capture_output=True,
                          cwd=ROOT, env={**os.environ, "XBDOCS_LANG": "ru", **env},
                          timeout=120, check=False)


@pytest.mark.parametrize(("encoding", "shown"), [
    ("cp1251", "Павлодар облысы Аккулы ауданынын"),  # қ, ң as к, н; cp1251 has і
    ("cp866", "Павлодар облысы Аккулы ауданынын акимдиги"),
    ("ascii", "pavlodar-akkuly-district-akimat"),  # click writes UTF-8 to an ASCII console
])
def test_a_console_without_kazakh_letters_shows_them_plainly(encoding, shown):
    done = _xbdocs("catalogue", "list", "--kind", "party", PYTHONIOENCODING=encoding)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8" if encoding == "ascii" else encoding)
    assert shown in text
    assert "UnicodeEncodeError" not in done.stderr.decode(encoding, "replace")


def test_check_prints_its_findings_on_a_cp1251_console():
    done = _xbdocs("check", str(SAMPLE), PYTHONIOENCODING="cp1251")
    assert done.returncode == 0
    assert "предупреждений: 1" in done.stderr.decode("cp1251") + done.stdout.decode("cp1251")


@pytest.mark.parametrize("how", ["env", "option"])
def test_every_interface_language_is_accepted(how):
    args = ["check", str(SAMPLE)] if how == "env" else ["--lang", "kk", "check", str(SAMPLE)]
    done = _xbdocs(*args, **({"XBDOCS_LANG": "kk"} if how == "env" else {}))
    assert done.returncode == 0, done.stderr.decode()
    assert "ескертулер: 1" in done.stderr.decode() + done.stdout.decode()


def test_a_stage_is_typed_in_russian_and_its_id_still_works(run, tmp_path):
    for stage in ("согласование", "Согласование", "approval", "соглас"):
        result = run("build", SAMPLE, "--stage", stage, "-o", tmp_path / stage, lang="ru")
        assert result.code == 0, (stage, result.err)
        assert (tmp_path / stage / "approval-request.docx").is_file()
    refused = run("build", SAMPLE, "--stage", "подпись", "-o", tmp_path / "x", lang="ru")
    assert refused.code == 2
    assert "«подпись»" in refused.err and "согласование, регистрация" in refused.err
    assert "approval" not in refused.err
    assert "[ПАРАМЕТРЫ]" in refused.err  # the usage line in Russian


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("LANG", "en_US.UTF-8", "ru"),  # an English system: Russian, the documented default
    ("LANG", "kk_KZ.UTF-8", "kk"),
    ("LC_ALL", "C.UTF-8", "ru"),
    ("LANG", "ru_RU.UTF-8", "ru"),
])
def test_the_interview_speaks_russian_unless_the_locale_is_kazakh(monkeypatch, variable, value,
                                                                   expected):
    from xbdocs import i18n

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)
    assert i18n.locale_language() == expected
