"""Amendments (дополнительные соглашения): an answers file with «amends» builds the
amendment in Russian, Kazakh and side by side, clause for clause, with its filing
paperwork naming it; its checks; and with --consolidated the agreement's text as amended."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml
from lxml import etree

from tests.conftest import SAMPLES, cli, docx_text
from xbdocs import answers, catalogue, package, schema
from xbdocs.errors import InputError

AMENDMENTS = SAMPLES / "amendments"
AGREEMENT = "uglovsky-borodulikha-2027"
TERM, AREAS, CLAUSES = "pavlodar-2012-term", "uglovsky-2028-areas", "uglovsky-2029-clauses"
TODAY = "2026-12-03"
#: What each sample's amendment says, clause for clause: (Russian, Kazakh).
EXPECTED = {
    TERM: [("1. Срок действия Соглашения продлить на 5 (пять) лет.",
            "1. Келісімнің қолданылу мерзімі 5 (бес) жылға ұзартылсын.")],
    AREAS: [("1. Пункт 2.1 Соглашения изложить в следующей редакции:",
             "1. Келісімнің 2.1-тармағы мынадай редакцияда жазылсын:"),
            ("— экология и природопользование.».", "— экология және табиғатты пайдалану.»."),
            ("2. Пункт 4.2 Соглашения изложить в следующей редакции:",
             "2. Келісімнің 4.2-тармағы мынадай редакцияда жазылсын:"),
            ("«4.2. Стороны разрабатывают и согласовывают планы совместных мероприятий на 3",
             "«4.2. Тараптар 3 (үш) жылға арналған бірлескен іс-шаралар жоспарларын")],
    CLAUSES: [("1. Пункт 4.3 Соглашения исключить.", "1. Келісімнің 4.3-тармағы алып тасталсын."),
              ("2. Дополнить Соглашение пунктом 7.2 следующего содержания:",
               "2. Келісім мынадай мазмұндағы 7.2-тармақпен толықтырылсын:"),
              ("«7.2. Для рассмотрения разногласий", "«7.2. Келіспеушіліктерді қарау үшін")],
}
NUMBERS = {TERM: 1, AREAS: 1, CLAUSES: 2}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Each sample amendment built at --stage all (the two with the agreement's answers also
    --consolidated), as a clerk builds it."""
    out = tmp_path_factory.mktemp("amendments")
    previous = os.environ.get("XBDOCS_TODAY")
    os.environ["XBDOCS_TODAY"] = TODAY
    folders = {}
    try:
        for name in EXPECTED:
            folder = out / name
            extra = ["--consolidated"] if name != TERM else []
            result = cli("build", AMENDMENTS / f"{name}.yaml", "-o", folder, "--stage", "all",
                         "--no-sheet-count", *extra)
            assert result.code == 0, result.err
            folders[name] = folder
    finally:
        if previous is None:
            os.environ.pop("XBDOCS_TODAY", None)
        else:
            os.environ["XBDOCS_TODAY"] = previous
    return folders


def _comments(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        if "word/comments.xml" not in archive.namelist():
            return ""
        root = etree.fromstring(archive.read("word/comments.xml"))
        return "\n".join("".join(c.itertext()) for c in root)


def _sample(name: str) -> dict:
    return yaml.safe_load((AMENDMENTS / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def beside(tmp_path) -> Path:
    """A folder with the agreement's answers, for amendments written by a test."""
    shutil.copy(AMENDMENTS / f"{AGREEMENT}.yaml", tmp_path)
    return tmp_path


# --- the documents --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_sample_is_built_in_both_languages_and_side_by_side(built, name):
    folder = built[name]
    for file in ("amendment.ru-kk.docx", "amendment.ru.docx", "amendment.kk.docx",
                 "approval-request.docx", "explanatory-note.docx", "notice.docx",
                 "registration-application.docx", "register-card.docx",
                 "certified-copy.docx", "inventory-approval-request.docx",
                 "inventory-registration.docx", "check-sheet.docx"):
        assert (folder / file).is_file(), file
    assert not (folder / "agreement.ru.docx").exists()


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_title_names_the_amendment_and_the_agreement(built, name):
    number = NUMBERS[name]
    ru = docx_text(built[name] / "amendment.ru.docx")
    kk = docx_text(built[name] / "amendment.kk.docx")
    assert ru.startswith(f"ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ № {number}\nо внесении изменений в "
                         "Соглашение между Администрацией")
    assert f"№ {number} ҚОСЫМША КЕЛІСІМ" in kk
    assert "Келісімге өзгерістер енгізу туралы" in kk
    if name == TERM:
        assert "сотрудничестве от 19.09.2012\n" in ru
        assert "2012 жылғы 19 қыркүйектегі Келісімге" in kk
    else:  # the date from the agreement's answers, the number from the amendment's
        assert "сотрудничестве от 14.04.2027 № 3\n" in ru
        assert "2027 жылғы 14 сәуірдегі № 3 Келісімге" in kk


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_change_is_written_in_both_languages(built, name):
    ru = docx_text(built[name] / "amendment.ru.docx")
    kk = docx_text(built[name] / "amendment.kk.docx")
    parallel = docx_text(built[name] / "amendment.ru-kk.docx")
    for russian, kazakh in EXPECTED[name]:
        assert russian in ru and russian in parallel
        assert kazakh in kk and kazakh in parallel


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_closing_clauses_and_signatures_are_the_agreement_s(built, name):
    ru = docx_text(built[name] / "amendment.ru.docx")
    kk = docx_text(built[name] / "amendment.kk.docx")
    assert "Настоящее Дополнительное соглашение является неотъемлемой частью Соглашения." in ru
    assert "Осы Қосымша келісім Келісімнің ажырамас бөлігі болып табылады." in kk
    assert "каждый на русском и казахском языках, причём оба текста имеют одинаковую силу" in ru
    assert "әрқайсысы қазақ және орыс тілдерінде 2 (екі) данада жасалды" in kk
    assert ru.count("М.П.") == 2 and kk.count("М.О.") == 2
    if name == TERM:
        assert "За Администрацию Алтайского края\nГубернатор Алтайского края\n" \
               "_______________ А.Б. Карлин" in ru
        assert "Павлодар облысының әкімдігі үшін\nПавлодар облысының әкімі" in kk
        # the regional agreement took effect on signing: so does its amendment
        assert "Настоящее Дополнительное соглашение вступает в силу с даты его подписания." in ru
    else:
        assert "За Администрацию Угловского района Алтайского края\nГлава Угловского района\n" \
               "_______________ Е.В. Петрова" in ru
        assert "Абай облысы Бородулиха ауданының әкімдігі үшін" in kk
        assert "вступает в силу со дня его регистрации в порядке, установленном " \
               "законодательством Алтайского края" in ru
        assert "тіркелген күнінен бастап күшіне енеді" in kk
        assert "руководствуясь пунктом 8.1 Соглашения" in ru
        assert "(бұдан әрі – Келісім) 8.1-тармағын басшылыққа ала отырып" in kk


def test_an_unchecked_kazakh_phrase_is_marked_and_listed(built):
    comments = _comments(built[TERM] / "amendment.kk.docx")
    assert "Не проверено" in comments and "kazakh_wording.extend-term" in comments
    assert "verified: true" not in comments and ".yaml" not in comments  # no package path
    sheet = docx_text(built[TERM] / "check-sheet.docx")
    assert "Келісімнің қолданылу мерзімі" in sheet and "amendment.kk.docx" in sheet
    # the forms given by the brief are the house's own: no comment on them
    assert "kazakh_wording" not in _comments(built[CLAUSES] / "amendment.kk.docx")


# --- the paperwork ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_paperwork_names_the_amendment(built, name):
    folder = built[name]
    number = NUMBERS[name]
    title = f"Дополнительного соглашения № {number} о внесении изменений в Соглашение между"
    request = docx_text(folder / "approval-request.docx")
    assert "О согласовании проекта дополнительного соглашения" in request
    assert f"прошу согласовать проект {title}" in request
    assert "Проект дополнительного соглашения на казахском языке" in request
    assert "заключается сроком" not in request
    note = docx_text(folder / "explanatory-note.docx")
    assert f"к проекту {title}" in note and "5. Вносимые изменения:" in note
    application = docx_text(folder / "registration-application.docx")
    assert "О регистрации дополнительного соглашения" in application
    assert f"прошу зарегистрировать Дополнительное соглашение № {number} о внесении" in application
    assert "Копия дополнительного соглашения, заверенная главой" in application or name == TERM
    card = docx_text(folder / "register-card.docx")
    assert f"дополнительного соглашения № {number} к Соглашению о" in card
    assert "Вносимые изменения" in card and "в течение срока действия Соглашения" in card
    inventory = docx_text(folder / "inventory-registration.docx")
    assert "Подписанное дополнительное соглашение на русском и казахском языках" in inventory
    copy = docx_text(folder / "certified-copy.docx")
    assert f"ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ № {number}" in copy and "Верно" in copy
    notice = docx_text(folder / "notice.docx")
    assert f"о заключении {title}" in notice


def test_the_explanatory_note_lists_the_changes(built):
    note = docx_text(built[AREAS] / "explanatory-note.docx")
    assert "— направления сотрудничества дополняются: экология и природопользование;\n" \
           "— пункт 4.2 Соглашения излагается в новой редакции." in note
    term = docx_text(built[TERM] / "explanatory-note.docx")
    assert "срок действия Соглашения продлевается на 5 (пять) лет" in term
    card = docx_text(built[CLAUSES] / "register-card.docx")
    assert "пункт 4.3 Соглашения исключён; новый пункт 7.2" in card


# --- the agreement's text as amended ----------------------------------------------------------

def test_consolidated_text_restates_the_changed_clauses(built):
    ru = docx_text(built[AREAS] / "agreement-as-amended.ru.docx")
    kk = docx_text(built[AREAS] / "agreement-as-amended.kk.docx")
    assert "(в редакции Дополнительного соглашения от 01.06.2028 № 1)" in ru
    assert "— экология и природопользование.\n(пункт 2.1 в редакции Дополнительного " \
           "соглашения от 01.06.2028 № 1)" in ru
    assert "4.2. Стороны разрабатывают и согласовывают планы совместных мероприятий на 3 " \
           "(три) года" in ru
    assert "(4.2-тармақ 2028 жылғы 1 маусымдағы № 1 Қосымша келісімнің редакциясында)" in kk
    assert "4.3. Стороны не реже одного раза в год" in ru  # untouched by amendment № 1
    parallel = docx_text(built[AREAS] / "agreement-as-amended.ru-kk.docx")
    assert "экология және табиғатты пайдалану." in parallel


def test_consolidated_text_removes_and_adds_clauses(built):
    ru = docx_text(built[CLAUSES] / "agreement-as-amended.ru.docx")
    kk = docx_text(built[CLAUSES] / "agreement-as-amended.kk.docx")
    assert "4.3. Исключён Дополнительным соглашением от 20.05.2029 № 2.\nСтатья 5." in ru
    assert "4.3. 2029 жылғы 20 мамырдағы № 2 Қосымша келісіммен алып тасталды." in kk
    assert "7.1. Разногласия" in ru and "\n7.2. Для рассмотрения разногласий" in ru
    assert "(пункт 7.2 введён Дополнительным соглашением от 20.05.2029 № 2)\nСтатья 8." in ru
    assert "Не проверено" in _comments(built[CLAUSES] / "agreement-as-amended.kk.docx")


def test_consolidated_needs_the_agreement_s_answers(run, tmp_path):
    result = run("build", AMENDMENTS / f"{TERM}.yaml", "-o", tmp_path, "--consolidated")
    assert result.code == 1 and "amends:" in result.err
    assert "amends.agreement_answers" in result.err
    result = run("build", SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path,
                 "--consolidated")
    assert result.code == 1 and "for an amendment" in result.err


def test_a_term_extension_restates_the_term_clause_when_the_agreement_is_known(beside):
    data = _sample(AREAS)
    data["amends"]["changes"] = [{"extend_term": {"years": 5}}]
    package_ = package.render_package(_write(beside, data), today=dt.date(2026, 12, 3))
    ru = docx_text_bytes(package_.files["amendment.ru.docx"])
    assert "1. Пункт 9.2 Соглашения изложить в следующей редакции:\n«9.2. Настоящее " \
           "Соглашение заключается сроком на 10 (десять) лет.»." in ru


def _write(folder: Path, data: dict, name: str = "amendment.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def docx_text_bytes(data: bytes) -> str:
    import io

    from docx import Document

    from tests.conftest import plain

    return plain("\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs))


# --- the checks -----------------------------------------------------------------------------

def _findings(folder: Path, data: dict) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in package.review(_write(folder, data), stage="agreement",
                                  today=dt.date(2026, 12, 3)):
        found.setdefault(finding.code, []).append(finding)
    return found


def test_a_clause_the_agreement_does_not_have(beside):
    data = _sample(AREAS)
    data["amends"]["changes"][1]["clause"] = "4.7"
    data["amends"]["changes"].append({"remove": "12.1"})
    found = _findings(beside, data)["XB023"]
    assert [f.path for f in found] == ["amends.changes[1].clause", "amends.changes[2].remove"]
    assert found[0].severity == "error" and found[0].line is not None
    assert "has no clause 4.7 (its clauses: 1.1 … 9.4)" in found[0].text
    assert str(found[0]).startswith(f"{beside / 'amendment.yaml'}:")


def test_an_added_clause_whose_number_is_taken(beside):
    data = _sample(CLAUSES)
    data["amends"]["changes"][1]["number"] = "7.1"
    assert _findings(beside, data)["XB023"][0].path == "amends.changes[1].number"


def test_an_empty_change_list(beside):
    data = _sample(AREAS)
    data["amends"]["changes"] = []
    found = _findings(beside, data)["XB024"]
    assert found[0].path == "amends.changes" and found[0].severity == "error"


def test_the_same_clause_changed_twice(beside):
    data = _sample(CLAUSES)
    data["amends"]["changes"].append({"clause": "4.3", "wording": {"ru": "Текст.", "kk": "Мәтін."}})
    data["amends"]["changes"].append({"extend_term": {"years": 1}})
    data["amends"]["changes"].append({"extend_term": {"years": 2}})
    found = _findings(beside, data)["XB025"]
    assert [f.path for f in found] == ["amends.changes[2]", "amends.changes[4]"]
    assert "«4.3» is changed twice (also by change 1)" in found[0].text


def test_an_added_area_restated_with_a_new_wording_of_its_clause_is_twice(beside):
    data = _sample(AREAS)
    data["amends"]["changes"].append({"clause": "2.1", "wording": {"ru": "Т.", "kk": "М."}})
    assert _findings(beside, data)["XB025"][0].path == "amends.changes[2]"


def test_the_checks_without_the_agreement_s_answers():
    """Named by date alone: nothing to check the clauses against, but changes are still
    counted and compared."""
    from xbdocs import checks, profile

    data = _sample(TERM)
    data["amends"]["changes"] = [{"remove": "4.3"}, {"remove": "4.3"}]
    codes = [f.code for f in checks.check(answers.parse(data, {}), catalogue.load(),
                                          profile.load(), "agreement", dt.date(2026, 12, 3))]
    assert "XB025" in codes and "XB023" not in codes


def test_an_amendment_between_other_parties(beside):
    data = _sample(AREAS)
    data["parties"]["kazakh"]["catalogue"] = "abai-beskaragay-district-akimat"
    data["amends"]["agreement_date"] = "2027-04-15"
    data["amends"]["changes"][0]["add_area"] = ["ecology", "economy"]
    found = _findings(beside, data)["XB026"]
    assert {f.path for f in found} == {"parties.kazakh", "amends.agreement_date",
                                       "amends.changes[0].add_area"}
    assert all(f.severity == "warning" for f in found)


@pytest.mark.parametrize("change, path, message", [
    ({"clause": "2.1"}, "amends.changes[0].wording", "required, but missing"),
    ({"remove": "4.3", "clause": "2.1"}, "amends.changes[0].remove", "one change does one thing"),
    ({"remove": 4.3}, "amends.changes[0].remove", 'write the clause in quotes'),
    ({"remove": "пункт 4"}, "amends.changes[0].remove", "expected a clause number"),
    ({"add_area": "astrology"}, "amends.changes[0].add_area", "not one of"),
    ({"remove": "4.3", "number": "4.4"}, "amends.changes[0].number", "only an added clause"),
    ({}, "amends.changes[0]", "say what the change does"),
])
def test_a_change_that_cannot_be_read(change, path, message):
    data = _sample(TERM)
    data["amends"]["changes"] = [change]
    with pytest.raises(InputError) as info:
        answers.parse(data, {})
    problems = [(p.path, str(p.message)) for p in info.value.problems]
    assert any(p == path and message in m for p, m in problems), problems


def test_an_amendment_has_no_sections_of_an_agreement():
    data = _sample(TERM)
    data["term"] = {"years": 5, "notice_months": 6}
    data["areas"] = ["economy"]
    with pytest.raises(InputError) as info:
        answers.parse(data, {"term": 30, "areas": 31})
    found = {p.path: (p.line, str(p.message)) for p in info.value.problems}
    assert found["term"][0] == 30 and "not part of an amendment" in found["term"][1]
    assert set(found) == {"term", "areas"}


def test_an_amendment_must_name_its_agreement():
    data = _sample(TERM)
    del data["amends"]["agreement_date"]
    with pytest.raises(InputError) as info:
        answers.parse(data, {})
    assert info.value.problems[0].path == "amends.agreement_date"
    data["amends"].update(agreement_answers="a.yaml", registry=2)
    with pytest.raises(InputError) as info:
        answers.parse(data, {})
    assert info.value.problems[0].path == "amends.registry"


def test_an_agreement_still_needs_its_term_with_every_other_problem():
    data = yaml.safe_load((SAMPLES / "altai-pavlodar-2012.yaml").read_text(encoding="utf-8"))
    del data["term"]
    data["copies"] = 50
    with pytest.raises(InputError) as info:
        answers.parse(data, {})
    paths = [p.path for p in info.value.problems]
    assert "term" in paths and "copies" in paths


# --- naming the agreement ---------------------------------------------------------------------

def test_the_agreement_s_answers_only_from_the_amendment_s_folder(tmp_path):
    data = _sample(AREAS)
    data["amends"]["agreement_answers"] = "../uglovsky-borodulikha-2027.yaml"
    shutil.copy(AMENDMENTS / f"{AGREEMENT}.yaml", tmp_path)
    inner = tmp_path / "inner"
    inner.mkdir()
    with pytest.raises(InputError) as info:
        package.review(_write(inner, data), today=dt.date(2026, 12, 3))
    assert info.value.problems[0].path == "amends.agreement_answers"


def test_an_amendment_named_as_the_agreement_is_refused(beside):
    _write(beside, _sample(CLAUSES), "other.yaml")
    data = _sample(AREAS)
    data["amends"]["agreement_answers"] = "other.yaml"
    with pytest.raises(InputError) as info:
        package.review(_write(beside, data), today=dt.date(2026, 12, 3))
    assert "names an amendment" in str(info.value)


def test_text_from_a_server_never_opens_the_file_it_names(beside, monkeypatch):
    """Answers given as text name a file only as text: it is not read (no checks of its
    clauses, no restatement), and the amendment is still made."""
    monkeypatch.chdir(beside)
    data = _sample(AREAS)
    data["amends"]["changes"][1]["clause"] = "4.7"          # not checked: not read
    rendered = package.render_package(yaml.safe_dump(data, allow_unicode=True),
                                      today=dt.date(2026, 12, 3))
    ru = docx_text_bytes(rendered.files["amendment.ru.docx"])
    assert "Пункт 2.1 Соглашения дополнить абзацем следующего содержания:\n" \
           "«экология и природопользование.»." in ru
    assert "руководствуясь положениями Соглашения" in ru
    assert "XB023" not in {f.code for f in rendered.findings}


def test_the_agreement_from_the_register(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XBDOCS_DB", str(tmp_path / "register.sqlite3"))
    assert run("build", AMENDMENTS / f"{AGREEMENT}.yaml", "-o", tmp_path / "agreement").code == 0
    added = run("registry", "add", tmp_path / "agreement")
    assert added.code == 0, added.err
    data = _sample(CLAUSES)
    del data["amends"]["agreement_answers"]
    data["amends"]["registry"] = 1
    path = _write(tmp_path, data)
    assert run("build", path, "-o", tmp_path / "out", "--consolidated").code == 0
    ru = docx_text(tmp_path / "out" / "amendment.ru.docx")
    assert "руководствуясь пунктом 8.1 Соглашения" in ru
    data["amends"]["changes"][0]["remove"] = "4.9"
    result = run("check", _write(tmp_path, data))
    assert result.code == 1 and "amends.changes[0].remove" in result.out and "XB023" in result.out


# --- the schema's other readers ---------------------------------------------------------------

def test_batch_columns_leave_the_amendment_out():
    assert not [c for c in schema.columns() if c.startswith("amends")]
    assert "term.years" in schema.columns()


@pytest.mark.parametrize("path", sorted(AMENDMENTS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_sample_satisfies_the_json_schema(path):
    import json

    validator = jsonschema.Draft202012Validator(schema.json_schema(catalogue.load()))
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    assert [e.message for e in validator.iter_errors(data)] == []
    if "amends" in data:
        data["term"] = {"years": 5, "notice_months": 6}
        assert list(validator.iter_errors(data)), "an amendment with a term passed"


def test_a_document_without_articles_is_numbered_1_2_3(templates_copy):
    from xbdocs import assembler

    parsed = answers.load(AMENDMENTS / f"{TERM}.yaml")
    assembly = assembler.assemble(parsed, templates_copy, "amendment")
    labels = [b.label for b in assembly.documents["kk"].blocks if b.kind == "clause"]
    assert labels == ["1.", "2.", "3."]

