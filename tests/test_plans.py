"""Plans of joint events: the plan file, its periods in both languages, and the bilingual
plan with its Russian and Kazakh copies."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from docx import Document

from tests.conftest import SAMPLES, cli, docx_text, plain
from xbdocs.lang import kk, periods, ru

PLAN = SAMPLES / "plans" / "pavlodar-2027-2028.yaml"


@pytest.mark.parametrize("text, russian, kazakh", [
    ("2027-05-20", "20 мая 2027 г.", "2027 жылғы 20 мамыр"),
    ("20.05.2027", "20 мая 2027 г.", "2027 жылғы 20 мамыр"),
    ("2027-05", "май 2027 г.", "2027 жылғы мамыр"),
    ("2027-Q2", "II квартал 2027 г.", "2027 жылғы II тоқсан"),
    ("2027-H1", "I полугодие 2027 г.", "2027 жылғы I жартыжылдық"),
    ("2027", "в течение 2027 г.", "2027 жыл ішінде"),
    ("2027-05..2027-06", "май — июнь 2027 г.", "2027 жылғы мамыр – маусым"),
    ("2027-Q2..2027-Q3", "II—III кварталы 2027 г.", "2027 жылғы II–III тоқсандар"),
    ("2027-11..2028-02", "ноябрь 2027 г. — февраль 2028 г.",
     "2027 жылғы қараша – 2028 жылғы ақпан"),
    ("2027-05-20..2027-05-22", "20—22 мая 2027 г.", "2027 жылғы 20–22 мамыр"),
    ("ongoing", "постоянно", "тұрақты"),
])
def test_a_period_in_both_languages(text, russian, kazakh):
    when = periods.parse(text)
    assert (ru.period(when), kk.period(when)) == (russian, kazakh)


@pytest.mark.parametrize("text", ["2027-13", "2027-Q5", "31.02.2027", "весной",
                                  "2027-06..2027-05", "2027-05..2027-Q3", ""])
def test_what_is_not_a_period(text):
    with pytest.raises(ValueError):
        periods.parse(text)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("plan")
    result = cli("plan", PLAN, "--answers", SAMPLES / "altai-pavlodar-2012.yaml", "-o", outdir)
    assert result.code == 0, result.err
    return outdir


def test_the_sample_plan_in_both_languages(built):
    assert sorted(p.name for p in built.iterdir()) == [
        "manifest.json", "plan.kk.docx", "plan.ru-kk.docx", "plan.ru.docx"]
    russian = plain(docx_text(built / "plan.ru.docx"))
    assert "совместных мероприятий по реализации Соглашения между Администрацией Алтайского " \
           "края (Российская Федерация) и акиматом Павлодарской области (Республика " \
           "Казахстан) о торгово-экономическом, научно-техническом и культурном " \
           "сотрудничестве на 2027–2028 годы" in russian
    assert "II квартал 2027 г." in russian and "июль — август 2027 г." in russian
    assert "Спорт и туризм" in russian and "От Правительства Алтайского края" in russian
    assert "От акимата Павлодарской области" in russian and "С.П. Иванов" in russian
    assert "«__» ____________ 20__ г." in russian
    kazakh = plain(docx_text(built / "plan.kk.docx"))
    assert "Ресей Федерациясы Алтай өлкесінің әкімшілігі мен Қазақстан Республикасы Павлодар " \
           "облысының әкімдігі арасындағы сауда-экономикалық, ғылыми-техникалық және мәдени " \
           "ынтымақтастық туралы келісімді іске асыру жөніндегі 2027–2028 жылдарға арналған " \
           "бірлескен іс-шаралар" in kazakh
    assert "ЖОСПАРЫ" in kazakh and "2027 жылғы II тоқсан" in kazakh and "тұрақты" in kazakh
    assert "Алтай өлкесінің Үкіметі атынан" in kazakh and "Н.Е. Сапаров" in kazakh
    table = Document(str(built / "plan.kk.docx")).tables[0]
    assert [plain(c.text) for c in table.rows[0].cells] == [
        "№ р/с", "Іс-шара", "Мерзімі", "Ресей тарапынан жауаптылар",
        "Қазақстан тарапынан жауаптылар", "Күтілетін нәтиже"]


def test_the_bilingual_plan_carries_both_languages_in_each_cell(built):
    document = Document(str(built / "plan.ru-kk.docx"))
    section = document.sections[0]
    assert section.page_width > section.page_height
    table = document.tables[0]
    header = [plain(c.text) for c in table.rows[0].cells]
    assert header[1] == "Мероприятие\nІс-шара" and header[2] == "Срок\nМерзімі"
    rows = [[plain(c.text) for c in row.cells] for row in table.rows]
    assert ["", "Экономика"] == rows[1][:2]  # the same in both: once
    first = rows[2]
    assert first[0] == "1"
    assert first[1] == ("Бизнес-форум предпринимателей Алтайского края и Павлодарской области\n"
                        "Алтай өлкесі мен Павлодар облысы кәсіпкерлерінің бизнес-форумы")
    assert first[2] == "II квартал 2027 г.\n2027 жылғы II тоқсан"
    italic = [r.italic for r in table.rows[2].cells[1].paragraphs[0].runs if r.text.strip()]
    assert italic == [None, True]  # the Kazakh text in italics
    assert len([r for r in rows if r[0].isdigit()]) == 8
    for row in table.rows:
        assert row._tr.trPr is not None and row._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") \
            is not None
    manifest = json.loads((built / "manifest.json").read_text("utf-8"))
    assert manifest["plan"]["file"] == PLAN.name and len(manifest["files"]) == 3


def test_a_plan_for_an_agreement_in_the_register(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XBDOCS_DB", str(tmp_path / "registry.sqlite3"))
    assert run("registry", "import", SAMPLES / "register" / "before-xbdocs.yaml",
               "--answers-dir", SAMPLES).code == 0
    data = yaml.safe_load(PLAN.read_text("utf-8"))
    data["agreement"] = {"registry": 2}
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("plan", path, "-o", tmp_path / "out")
    assert result.code == 0, result.err
    assert "акиматом Павлодарской области" in docx_text(tmp_path / "out" / "plan.ru.docx")
    again = run("plan", path, "-o", tmp_path / "out")
    assert again.code == 1 and "already exists; use --force" in again.err
    assert run("plan", path, "-o", tmp_path / "out", "--force").code == 0


@pytest.mark.parametrize("change, message", [
    (lambda d: d["events"][0].update(when="весной"), "events[0].when: expected a period"),
    (lambda d: d["events"][1].update(area="space"), "events[1].area: «space»"),
    (lambda d: d["agreement"].update(registry=2), "agreement: give the agreement by its "
                                                  "answers file (answers:) or by its number"),
    (lambda d: d.update(years={"first": 2028, "last": 2027}),
     "years: the last year is the first or up to five after it"),
    (lambda d: d["events"][2].pop("result"), "events[2].result: required, but missing"),
    (lambda d: d.update(events=[]), "events:"),
    (lambda d: d.update(colour="red"), "colour: unknown key"),
])
def test_a_bad_plan_file_names_the_field_and_line(run, tmp_path, change, message):
    data = yaml.safe_load(PLAN.read_text("utf-8"))
    data["agreement"] = {"answers": "agreement.yaml"}
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = run("plan", path, "-o", tmp_path / "out")
    assert result.code == 1 and message in result.err, result.err
    assert f"{path}:" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_the_plan_files_json_schema(run):
    result = run("plan", "--schema")
    assert result.code == 0
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(PLAN.read_text("utf-8")), schema)
    assert "economy" in json.dumps(schema)  # areas from the catalogue
    assert run("plan").code == 2


MARKER = "SECRET-MARKER-8f2c"


@pytest.mark.parametrize("named, expected", [
    ("/etc/passwd", "name a file in the folder of this file"),
    ("../secret.txt", "outside the folder of this file"),
    ("link.yaml", "outside the folder of this file"),
    ("secret-here.txt", "is not an answers file; check it with: xbdocs check"),
    ("folder", "«folder»: this is a folder"),
])
def test_a_plan_reads_only_an_answers_file_beside_it(run, tmp_path, named, expected):
    """A plan sent by someone else must not make xbdocs open, or print, a file it names."""
    (tmp_path / "secret.txt").write_text(f"{MARKER}\nroot:x:0:0:root\n", "utf-8")
    here = tmp_path / "plan"
    here.mkdir()
    (here / "secret-here.txt").write_text(f"{MARKER}: x\nroot: x:0:0\n", "utf-8")
    (here / "link.yaml").symlink_to(tmp_path / "secret.txt")
    (here / "folder").mkdir()
    data = yaml.safe_load(PLAN.read_text("utf-8"))
    data["agreement"] = {"answers": named}
    path = here / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = run("plan", path, "-o", here / "out")
    assert result.code == 1 and expected in result.err, result.err
    assert MARKER not in result.err + result.out and "root:x" not in result.err
    assert len(result.err.splitlines()) == 1
    assert not (here / "out").exists()


def test_a_plan_names_its_answers_file_beside_it(run, tmp_path):
    import shutil

    shutil.copy(SAMPLES / "altai-pavlodar-2012.yaml", tmp_path / "agreement.yaml")
    data = yaml.safe_load(PLAN.read_text("utf-8"))
    data["agreement"] = {"answers": "agreement.yaml"}
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert run("plan", path, "-o", tmp_path / "out").code == 0


def test_a_plan_without_its_agreement_says_how_to_give_it(run, tmp_path):
    result = run("plan", PLAN, "-o", tmp_path / "out")
    assert result.code == 1 and "agreement: the plan names no agreement" in result.err
    assert "--answers" in result.err
