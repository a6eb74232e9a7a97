"""Template lint, and building from a user's own copy of the templates."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES, docx_text
from xbdocs import lint, office


def _codes(templates) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in lint.lint(templates):
        found.setdefault(finding.code, []).append(finding)
    return found


def test_shipped_templates_lint_clean():
    assert lint.lint() == []


def test_syntax_error_with_file_and_line(templates_copy):
    path = templates_copy / "kk" / "agreement.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[30] = "{% for x in %}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    finding = _codes(templates_copy)["XL001"][0]
    assert finding.path == "templates/kk/agreement.txt:31"


def test_clause_order(templates_copy):
    path = templates_copy / "kk" / "agreement.txt"
    text = path.read_text(encoding="utf-8")
    text = text.replace("@clause disputes.negotiations", "@clause disputes.talks")
    path.write_text(text, encoding="utf-8")
    finding = _codes(templates_copy)["XL002"][0]
    assert "«disputes.negotiations» here but «disputes.talks» there" in finding.text
    assert finding.path.startswith("templates/ru/agreement.txt:")


def test_unknown_variables_and_attributes(templates_copy):
    path = templates_copy / "ru" / "notice.txt"
    text = path.read_text(encoding="utf-8").replace(
        "{{ russian_party.name }} уведомляет", "{{ russian_party.title }} {{ mayor }} уведомляет")
    path.write_text(text, encoding="utf-8")
    found = _codes(templates_copy)
    assert "«mayor»" in found["XL003"][0].text
    assert "«russian_party.title»" in found["XL004"][0].text
    assert found["XL004"][0].path.startswith("templates/ru/notice.txt:")


def test_figures_in_paired_clauses(templates_copy):
    path = templates_copy / "ru" / "agreement.txt"
    text = path.read_text(encoding="utf-8").replace(
        "не реже одного раза в год", "не реже 2 раз в год")
    path.write_text(text, encoding="utf-8")
    finding = _codes(templates_copy)["XL005"][0]
    assert "[coordination.report]" in finding.text and "'2'" in finding.text


def test_lint_command(run, templates_copy):
    assert run("templates", "lint").code == 0
    path = templates_copy / "ru" / "agreement.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("@clause final.term",
                                                             "@clause final.length"),
                    encoding="utf-8")
    result = run("templates", "lint", templates_copy)
    assert result.code == 1 and "error: templates/ru/agreement.txt:94: the clauses differ" \
        in result.out and result.out.rstrip().endswith("[XL002]")


def test_build_from_a_modified_copy(run, templates_copy, tmp_path):
    path = templates_copy / "ru" / "agreement.txt"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "путём консультаций и переговоров", "путём консультаций, переговоров и посредничества"),
        encoding="utf-8")
    result = run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path / "out",
                 "--templates", templates_copy)
    assert result.code == 0, result.err
    assert "переговоров и посредничества" in docx_text(tmp_path / "out" / "agreement.ru.docx")


def test_broken_copy_is_refused_before_building(run, templates_copy, tmp_path):
    path = templates_copy / "kk" / "agreement.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("@clause final.term\n", ""),
                    encoding="utf-8")
    result = run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path / "out",
                 "--templates", templates_copy)
    assert result.code == 1 and "XL002" in result.err
    assert not (tmp_path / "out").exists()


def test_user_templates_run_in_the_sandbox(run, templates_copy, tmp_path):
    path = templates_copy / "ru" / "agreement.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("@clause financing.own") + 1
    lines[at] = "{{ ''.__class__.__mro__[1].__subclasses__() }} " + lines[at]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path / "out",
                 "--templates", templates_copy)
    assert result.code == 1
    assert f"templates/ru/agreement.txt:{at + 1}" in result.err
    assert "not allowed in a template" in result.err or "unsafe" in result.err
    assert "Traceback" not in result.err


def test_pdf_without_libreoffice(run, tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    result = run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path, "--pdf")
    assert result.code == 1
    assert "--pdf needs LibreOffice (soffice)" in result.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")
def test_pdf_next_to_each_docx(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)       # a relative output folder, as a clerk types it
    result = run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", "out", "--pdf")
    assert result.code == 0, result.err
    assert list((tmp_path / "out").glob("*.pdf"))
    for docx in (tmp_path / "out").glob("*.docx"):
        assert docx.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
