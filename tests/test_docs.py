"""The documentation's example is a real answers file: it must build."""

from __future__ import annotations

import re

from tests.conftest import ROOT, docx_text


def test_annotated_example_in_docs_builds(run, tmp_path):
    text = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S)[1]
    answers = tmp_path / "answers.yaml"
    answers.write_text(example, encoding="utf-8")
    result = run("build", answers, "-o", tmp_path / "out")
    assert result.code == 0, result.err
    ru = docx_text(tmp_path / "out" / "agreement.ru.docx")
    assert "между Администрацией Локтевского района Алтайского края (Российская Федерация) " \
           "и акиматом района Шарбакты Павлодарской области" in ru
    assert "«15» декабря 2026 г." in ru
    kk = docx_text(tmp_path / "out" / "agreement.kk.docx")
    assert "2026 жылғы 15 желтоқсанда Горняк қаласында" in kk
    assert "су тасқынына ден қою бойынша бірлескен жаттығулар өткізу" in kk


def test_annotated_example_builds_its_paperwork(run, tmp_path):
    text = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text(re.search(r"```yaml\n(.*?)```", text, re.S)[1], encoding="utf-8")
    result = run("build", answers, "-o", tmp_path / "out", "--stage", "approval",
                 "--no-sheet-count")
    assert result.code == 0, result.err
    notice = docx_text(tmp_path / "out" / "notice.docx")
    assert "16.11.2026 № 01-12/301" in notice
    assert "Орлова Ирина Сергеевна" in notice
