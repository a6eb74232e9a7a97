"""The command line end to end: files, exit codes, messages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES, docx_text, sample
from xbdocs import __version__, writer
from xbdocs.output import AGREEMENT_FILES


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_build_writes_three_documents(run, path, tmp_path):
    result = run("build", path, "-o", tmp_path)
    assert result.code == 0, result.err
    for name in AGREEMENT_FILES.values():
        assert (tmp_path / name).is_file()
        assert f"written: {tmp_path / name}" in result.out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_built_documents_hold_both_languages(run, tmp_path):
    run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path)
    parallel = docx_text(tmp_path / "agreement.ru-kk.docx")
    assert "акиматом Павлодарской области" in parallel
    assert "Павлодар облысының әкімдігі үшін" in parallel
    ru = docx_text(tmp_path / "agreement.ru.docx")
    assert "«19» сентября 2012 г." in ru and "қыркүйек" not in ru
    kk = docx_text(tmp_path / "agreement.kk.docx")
    assert "2012 жылғы 19 қыркүйек" in kk and "сентября" not in kk


def test_draft_shows_blanks(run, write_answers, tmp_path):
    data = sample("uglovsky-borodulikha-municipal")
    data["signing"] = {"date": None, "place": None}
    result = run("build", write_answers(data), "-o", tmp_path / "out")
    assert "signing.date: empty: the documents show a blank date" in result.err
    assert "[XB016]" in result.err and "[XB017]" in result.err
    ru = docx_text(tmp_path / "out" / "agreement.ru.docx")
    assert "«__» ____________ 20__ г." in ru
    assert "со дня его регистрации" in ru


def test_existing_output_needs_force(run, tmp_path):
    target = tmp_path / "agreement.ru.docx"
    target.write_bytes(b"keep me")
    result = run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path)
    assert result.code == 1
    assert "already exists; use --force to overwrite" in result.err
    assert target.read_bytes() == b"keep me"
    assert not (tmp_path / "agreement.kk.docx").exists()
    assert run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path,
               "--force").code == 0
    assert target.read_bytes() != b"keep me"


def test_bad_answers_exit_1_with_one_line_per_problem(run, write_answers, tmp_path):
    data = sample()
    data["copies"] = "many"
    data["parties"]["kazakh"]["signatory"]["gender"] = "x"
    result = run("build", write_answers(data), "-o", tmp_path / "out")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("error: ") for line in lines)
    assert any("copies: expected a whole number" in line for line in lines)
    assert not (tmp_path / "out").exists()


def test_control_character_is_rejected(run, write_answers, tmp_path):
    data = sample()
    data["parties"]["russian"]["signatory"]["position"]["ru"] = "Губернатор\x0b края"
    result = run("build", write_answers(data), "-o", tmp_path)
    assert result.code == 1
    assert "parties.russian.signatory.position.ru: contains the control character U+000B" \
        in result.err


def test_failure_mid_write_leaves_no_file(run, tmp_path, monkeypatch):
    real = writer.write

    def failing(document, style=None):
        if document.lang == "kk":
            raise OSError(28, "No space left on device")
        return real(document, style)

    monkeypatch.setattr(writer, "write", failing)
    monkeypatch.setenv("XBDOCS_DEBUG", "")
    result = run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path)
    assert result.code != 0
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_exit_2(run):
    assert run("build").code == 2
    assert run("frobnicate").code == 2
    assert run("build", "x.yaml", "--bogus").code == 2


def test_version_and_help(run):
    result = run("--version")
    assert result.code == 0 and result.out.strip() == f"xbdocs {__version__}"
    help_text = run("build", "--help")
    assert help_text.code == 0 and "--force" in help_text.out


def test_messages_are_russian_by_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "XBDOCS_LANG"}
    completed = subprocess.run(
        [sys.executable, "-m", "xbdocs", "build", str(tmp_path / "missing.yaml"), "-o",
         str(tmp_path)], capture_output=True, text=True, env=env, cwd=ROOT)
    assert completed.returncode == 1
    assert completed.stderr.startswith("ошибка: ")
    assert "нет такого файла" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_no_traceback_for_garbage_input(run, tmp_path):
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(b"\xff\xfe\x00garbage: [")
    result = run("build", garbage, "-o", tmp_path / "out")
    assert result.code == 1  # an input error, not an internal one (70)
    assert "Traceback" not in result.err
    assert "not UTF-8" in result.err


def test_forms_json_russian_organisation(run):
    import json

    result = run("forms", "Государственное учреждение «Аппарат акима Павлодарской области»",
                 "--json")
    assert result.code == 0
    table = json.loads(result.out)
    assert list(table) == ["nominative", "genitive", "dative", "accusative", "instrumental",
                           "prepositional"]
    assert table["genitive"] == "Государственного учреждения «Аппарат акима Павлодарской области»"
    assert result.err == ""


def test_forms_json_kazakh(run):
    import json

    table = json.loads(run("forms", "Павлодар облысының әкімдігі", "--lang", "kk",
                           "--json").out)
    assert list(table) == ["nominative", "genitive", "dative", "accusative", "locative",
                           "ablative", "instrumental"]
    assert table["locative"] == "Павлодар облысының әкімдігінде"


def test_forms_person_needs_gender(run):
    result = run("forms", "Иванова Любовь Петровна", "--person")
    assert result.code == 1
    assert "--person needs --gender" in result.err
    female = run("forms", "Иванова Любовь Петровна", "--person", "--gender", "f")
    assert "творительный  Ивановой Любовью Петровной" in female.out


def test_forms_reports_doubt(run):
    result = run("forms", "Шарбақты", "--lang", "kk")
    assert result.code == 0
    assert "warning: not certain" in result.err and "Шарбақты" in result.err


def test_build_warns_about_a_doubtful_form(run, write_answers, tmp_path):
    data = sample()
    data["parties"]["kazakh"]["signatory"]["position"]["ru"] = "бастык района"
    result = run("build", write_answers(data), "-o", tmp_path)
    assert result.code == 0
    answers = write_answers(data)
    assert "parties.kazakh.signatory.position.ru: «бастык района» in the genitive" \
        in result.err
    assert f"warning: {answers}:" in result.err


def test_values_cannot_forge_or_flood_messages(run, write_answers, tmp_path):
    data = sample()
    data["parties"]["kazakh"]["signatory"]["gender"] = "\x1b]0;pwned\x07\nerror: forged line"
    data["term"]["notice_month\x1b[2J"] = 1
    data["track"] = "x" * 100_000
    result = run("build", write_answers(data), "-o", tmp_path / "out")
    assert result.code == 1
    lines = result.err.splitlines()
    assert all(line.startswith("error: ") for line in lines), lines
    assert not any(line.startswith("error: forged") for line in lines)
    assert "\x1b" not in result.err and "\x07" not in result.err
    assert "\\x1b]0;pwned\\x07" in result.err and "notice_month\\x1b[2J" in result.err
    assert max(len(line) for line in lines) <= 410


def test_today_from_the_environment(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "15.12.2026")
    sample_path = SAMPLES / "uglovsky-borodulikha-municipal.yaml"
    assert run("check", sample_path, "--stage", "approval").code in (0, 1)
    monkeypatch.setenv("XBDOCS_TODAY", "tomorrow")
    result = run("check", sample_path)
    assert result.code == 1
    assert "error: the environment variable XBDOCS_TODAY: expected a date" in result.err


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.mkdir(), "this is a folder; expected an answers file"),
    (lambda p: os.mkfifo(p), "not a regular file"),
    (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
])
def test_answers_that_are_not_files(run, tmp_path, make, expected):
    path = tmp_path / "answers.yaml"
    make(path)
    result = run("build", path, "-o", tmp_path / "out")
    assert result.code == 1 and expected in result.err
    assert not (tmp_path / "out").exists()


def test_check_and_build_share_the_stage_default(run):
    path = SAMPLES / "altai-east-kazakhstan-2010.yaml"
    assert run("check", path).code == 0


@pytest.mark.parametrize("gender", ["female", "f", "ж"])
def test_forms_takes_the_answers_files_gender_words(run, gender):
    result = run("forms", "Иванова Любовь Петровна", "--person", "--gender", gender, "--json")
    assert result.code == 0, result.err
    assert "Ивановой" in result.out


@pytest.mark.parametrize("kind, expected", [
    (None, "2027 жылғы 15 сәуірде ____________ қаласында/ауылында әрқайсысы"),
    ("village", "____________ ауылында әрқайсысы"),
])
def test_kazakh_blanks_keep_their_endings(run, write_answers, tmp_path, kind, expected):
    data = sample("uglovsky-borodulikha-municipal")
    data["signing"] = {"date": "2027-04-15", "place": None, **(
        {"place_kind": kind} if kind else {})}
    assert run("build", write_answers(data), "-o", tmp_path / "out").code == 0
    kk = docx_text(tmp_path / "out" / "agreement.kk.docx")
    assert expected in kk


def test_a_kazakh_blank_date_and_place(run, write_answers, tmp_path):
    data = sample("uglovsky-borodulikha-municipal")
    data["signing"] = {"date": None, "place": None}
    assert run("build", write_answers(data), "-o", tmp_path / "out").code == 0
    kk = docx_text(tmp_path / "out" / "agreement.kk.docx")
    assert "20__ жылғы «__» ____________ ____________ қаласында/ауылында әрқайсысы" in kk
