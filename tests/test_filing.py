"""The filing package end to end: stages, documents, inventory, deadlines, manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile

import pytest
from docx import Document

from tests.conftest import SAMPLES, docx_text, plain, sample
from xbdocs import office
from xbdocs.build import build
from xbdocs.output import AGREEMENT_FILES

MUNICIPAL = SAMPLES / "uglovsky-borodulikha-municipal.yaml"
REGIONAL = SAMPLES / "altai-pavlodar-2012.yaml"
TODAY = dt.date(2026, 11, 24)


def _build(path, outdir, stage="all", **options):
    options.setdefault("count_sheets", False)
    return build(path, outdir, stage=stage, today=TODAY, **options)


def _inventory_rows(path):
    table = Document(str(path)).tables[0]
    return [[plain(cell.text) for cell in row.cells] for row in table.rows[1:]]


def _titles_of_files(answers_path):
    """The inventory title of each file xbdocs writes, as documents.yaml gives it."""
    from xbdocs import answers as answers_module
    from xbdocs.paperwork import inventory_items

    loaded = answers_module.load(answers_path)
    titles = {}
    for document in ("approval-request", "explanatory-note", "registration-application",
                     "certified-copy", "register-card", "agreement"):
        for stage in ("approval", "registration"):
            for item in inventory_items(document, stage, loaded):
                if item.file:
                    titles.setdefault(item.file, set()).add(item.title)
    return titles


def test_approval_stage_writes_its_set(tmp_path):
    result = _build(MUNICIPAL, tmp_path, "approval")
    names = sorted(p.name for p in result.written)
    assert names == sorted([*AGREEMENT_FILES.values(), "notice.docx", "approval-request.docx",
                            "explanatory-note.docx", "inventory-approval-request.docx",
                            "check-sheet.docx", "manifest.json", "built-from.yaml"])


def test_inventory_lists_exactly_what_is_in_the_folder(tmp_path):
    _build(MUNICIPAL, tmp_path, "approval")
    rows = _inventory_rows(tmp_path / "inventory-approval-request.docx")
    titles = _titles_of_files(MUNICIPAL)
    present = {p.name for p in tmp_path.iterdir()} - {
        "manifest.json", "built-from.yaml", "notice.docx", "inventory-approval-request.docx",
        "check-sheet.docx"}
    # the inventory goes with the letter and does not list it (issue 23)
    assert {row[1] for row in rows} == {t for name in present for t in titles[name]} - {
        t for name in ("agreement.ru.docx", "agreement.kk.docx", "agreement.ru-kk.docx")
        for t in titles[name] if t.startswith("Согласованный")} - titles["approval-request.docx"]
    # the note says original or copy, never a file name
    assert {row[4] for row in rows} == {"подлинник"}
    assert ".docx" not in docx_text(tmp_path / "inventory-approval-request.docx")


def test_all_stages_inventories_cover_the_folder(tmp_path):
    _build(MUNICIPAL, tmp_path)
    rows = [row for inventory in tmp_path.glob("inventory-*.docx")
            for row in _inventory_rows(inventory)]
    listed = {row[1] for row in rows}
    titles = _titles_of_files(MUNICIPAL)
    generated = {p.name for p in tmp_path.iterdir()} - {"manifest.json", "built-from.yaml",
                                                        "notice.docx", "check-sheet.docx"} - \
        {p.name for p in tmp_path.glob("inventory-*.docx")} - {
        "approval-request.docx", "registration-application.docx"}  # the letters themselves
    for name in generated:
        assert titles[name] & listed, name
    notes = {row[1]: row[4] for row in rows}
    assert notes["Подписанное соглашение на русском и казахском языках"] == "подлинник"
    assert notes["Копия соглашения, заверенная главой Угловского района"] == "копия"
    assert notes["Копия распоряжения Правительства Алтайского края от 24.03.2027 № 112-р"] == \
        "копия"


def test_inventory_heading_and_totals(tmp_path):
    _build(MUNICIPAL, tmp_path, count_sheets=False)
    text = docx_text(tmp_path / "inventory-approval-request.docx")
    assert "документов, прилагаемых к письму от 25.02.2027 № 01-15/131" in text
    assert "«О согласовании проекта соглашения»" in text   # the letter as it is titled
    assert "Всего: 4 (четыре) документа на ______ листах." in text   # sheets not counted
    paragraphs = [p.text for p in Document(str(tmp_path / "inventory-approval-request.docx"))
                  .paragraphs if p.text.strip()]
    assert paragraphs[-1] == "25.02.2027"                                 # dated like the letter
    registration = _inventory_rows(tmp_path / "inventory-registration.docx")
    paper = [row for row in registration if row[1].startswith("Подписанное")]
    assert paper and paper[0][3] == "____"                              # sheets by hand


def test_letter_content(tmp_path):
    _build(MUNICIPAL, tmp_path)
    request = docx_text(tmp_path / "approval-request.docx")
    assert "Губернатору Алтайского края, Председателю Правительства Алтайского края" in request
    assert "25.02.2027 № 01-15/131\nНа № ________ от ________" in request   # GOST 5.14–5.16
    assert "________________\nпр. Ленина" in request    # the addressee's name: not known
    assert "В соответствии со статьёй 12 Федерального закона" in request
    assert "прошу согласовать проект Соглашения между Администрацией Угловского района" in \
        request
    assert "Сидорова Анна Петровна" in request and "Е.В. Петрова" in request
    assert "ул. Ленина, д. 1, с. Угловское" in request                     # sender's details
    assert "тел. +7 (38579) 2-20-01; e-mail: adm@uglovsky.example.ru" in request
    assert "ОГРН 1022202953728; ИНН 2279001236" in request
    assert "Приложение:\t1. Пояснительная записка к проекту соглашения на __ л. в 1 экз.;" in \
        request
    notice = docx_text(tmp_path / "notice.docx")
    assert "Переговоры планируется провести 15 февраля 2027 года." in notice
    assert "с акиматом Бородулихинского района области Абай" in notice
    application = docx_text(tmp_path / "registration-application.docx")
    assert "Начальнику управления по внешним связям и протоколу" in application
    assert "подписанное 14 апреля 2027 года в с. Угловском" in application
    assert "согласован распоряжением Правительства Алтайского края от 24 марта 2027 года " \
           "№ 112-р" in application
    # the Krai's law is not known: blanks, not a vague phrase
    assert "законом Алтайского края от __.__.____ № ______ о регистрации" in application
    # the deadline is an assumption: a letter does not state it
    assert "не позднее" not in application
    assert "Копия распоряжения Правительства Алтайского края от 24.03.2027 № 112-р на __ л." \
        in application
    assert "Надпись о заверении" not in application
    copy = docx_text(tmp_path / "certified-copy.docx")
    with zipfile.ZipFile(tmp_path / "certified-copy.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "СОГЛАШЕНИЕ" in copy and body.index("Верно") > body.rindex("</w:tbl>")
    assert "Подлинник документа находится в Администрации Угловского района Алтайского края " \
           "в деле № ________" in copy


def test_units_do_not_break_across_lines(tmp_path):
    _build(MUNICIPAL, tmp_path)
    application = docx_text(tmp_path / "registration-application.docx", exact=True)
    for unit in ("№\u00a0179-ФЗ", "с.\u00a0Угловское", "в\u00a01\u00a0экз.", "Е.В.\u00a0Петрова",
                 "14\u00a0апреля", "2\u201121\u201143", "пр.\u00a0Ленина", "д.\u00a059"):
        assert unit in application, unit


def _comments(path):
    with zipfile.ZipFile(path) as archive:
        if "word/comments.xml" not in archive.namelist():
            return ""
        from lxml import etree

        root = etree.fromstring(archive.read("word/comments.xml"))
        return "\n".join("".join(c.itertext()) for c in root)


def test_unverified_values_are_commented_in_the_documents(tmp_path):
    _build(MUNICIPAL, tmp_path)
    application = _comments(tmp_path / "registration-application.docx")
    assert "Не проверено: адресат письма." in application
    assert "Не проверено: акт субъекта." in application
    assert "xbdocs facts set tracks.municipal.regional_act" in application
    assert ".yaml" not in application  # never a file inside the installed package
    assert "Не проверено: официальное наименование стороны." in application
    assert "[P]" not in application and "domain.md" not in application
    agreement = _comments(tmp_path / "agreement.ru.docx")
    assert agreement.count("Не проверено:") == 2          # each party once, not every repeat
    # the comment is anchored on the value itself
    with zipfile.ZipFile(tmp_path / "registration-application.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "commentRangeStart" in body and "commentReference" in body
    sheet = docx_text(tmp_path / "check-sheet.docx")
    assert "ЧТО ПРОВЕРИТЬ ПЕРЕД ОТПРАВКОЙ" in sheet
    for value in ("Адресат письма", "Акт субъекта", "Срок", "registration-application.docx",
                  "xbdocs facts set tracks.municipal.addressees.government"):
        assert value in sheet, value
    assert "verified: true" not in sheet and "altai-krai.yaml" not in sheet


def test_a_verified_party_has_no_comment(tmp_path, write_answers):
    data = sample("altai-pavlodar-2012")         # the Krai's Administration is verified
    _build(write_answers(data), tmp_path / "out", "agreement")
    comments = _comments(tmp_path / "out" / "agreement.ru.docx")
    assert "Администрация Алтайского края" not in comments
    assert "altai-krai-administration" not in comments
    assert "pavlodar-region-akimat" in comments


def test_letters_number_pages_from_the_second_at_the_top(tmp_path):
    _build(MUNICIPAL, tmp_path, "approval")
    letter = Document(str(tmp_path / "approval-request.docx")).sections[0]
    assert letter.different_first_page_header_footer
    assert "PAGE" in letter.header._element.xml
    assert "PAGE" not in letter.first_page_header._element.xml
    note = Document(str(tmp_path / "explanatory-note.docx")).sections[0]
    assert "PAGE" in note.header._element.xml  # every document (issue 23)
    assert note.different_first_page_header_footer


def test_register_card_is_complete(tmp_path):
    _build(MUNICIPAL, tmp_path)
    rows = {row.cells[0].text: row.cells[1].text
            for row in Document(str(tmp_path / "register-card.docx")).tables[0].rows}
    assert "ИНН 2279001236, ОГРН 1022202953728" in rows["Российская сторона"]
    assert "БИН ____________" in rows["Иностранная сторона"]
    assert rows["Дата и место подписания"] == "14.04.2027, с.\u00a0Угловское"
    assert rows["Направления сотрудничества"].startswith("экономика; сельское хозяйство")
    assert rows["Вступление в силу"] == "со дня регистрации: __.__.____"
    assert rows["Срок действия"].startswith("5 (пять) лет, по __.__.____")
    assert "не позднее чем за 6 (шесть) месяцев" in rows["Срок действия"]
    assert rows["Регистрирующий орган"] == \
        "Администрация Губернатора и Правительства Алтайского края"
    assert rows["Отметки"] == "________"
    assert "Лицо, подписавшее соглашение от российской стороны" in rows


def test_explanatory_note_states_what_the_approver_checks(tmp_path):
    _build(MUNICIPAL, tmp_path, "approval")
    note = docx_text(tmp_path / "explanatory-note.docx")
    assert "2. Правовое основание. Соглашение заключается в соответствии со статьёй 12" in note
    assert "3. Приграничный статус." in note and "граничащего с Республикой Казахстан" in note
    assert "в пределах полномочий органов местного самоуправления муниципального района" in note
    assert "8. Финансирование." in note and "местном бюджете" in note


def test_the_regional_track_speaks_of_the_regions_budget(tmp_path):
    _build(REGIONAL, tmp_path, "approval")
    request = docx_text(tmp_path / "approval-request.docx")
    assert "дополнительных расходов бюджета Алтайского края" in request
    assert "местного бюджета" not in request


def test_register_card_fields(tmp_path):
    _build(REGIONAL, tmp_path)
    rows = {row.cells[0].text: row.cells[1].text
            for row in Document(str(tmp_path / "register-card.docx")).tables[0].rows}
    assert rows["Дата и место подписания"] == "19.09.2012, г.\u00a0Павлодар"
    assert rows["Документ о согласовании"] == \
        "письмо Министерства иностранных дел Российской Федерации от 10.09.2012 " \
        "№\u00a01234/дрп"
    assert rows["Иностранная сторона"].startswith("Акимат Павлодарской области")


def test_regional_track_writes_to_federal_bodies(tmp_path):
    _build(REGIONAL, tmp_path)
    application = docx_text(tmp_path / "registration-application.docx")
    assert "Министерство юстиции Российской Федерации" in application
    assert "постановлением Правительства Российской Федерации от 24.07.2000 № 552" in application
    assert "Федеральным законом от 04.01.1999 № 4-ФЗ" in application


def test_missing_answers_of_a_stage_are_reported_together(run, write_answers, tmp_path):
    data = sample("uglovsky-borodulikha-municipal")
    del data["filing"]["executor"]
    del data["filing"]["approval"]
    result = run("build", write_answers(data), "-o", tmp_path / "out", "--stage",
                 "registration")
    assert result.code == 1
    for path in ("filing.executor.name", "filing.executor.phone", "filing.approval.document",
                 "filing.approval.number", "filing.approval.date"):
        assert f"{path}: required for the «registration» stage" in result.err
    assert not (tmp_path / "out").exists()
    approval = run("build", write_answers({**data, "filing": {
        "executor": {"name": "Н", "phone": "1"}}}, "b.yaml"), "-o", tmp_path / "ok",
        "--stage", "approval", "--no-sheet-count")
    assert approval.code == 0, approval.err


def test_deadlines_are_printed_and_past_ones_warned(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2027-05-20")
    result = run("build", MUNICIPAL, "-o", tmp_path, "--stage", "all", "--no-sheet-count")
    assert result.code == 0
    assert "28.04.2027  Заявление о регистрации соглашения" in result.out
    assert "the deadline «Заявление о регистрации соглашения» (28.04.2027) has passed" in \
        result.err


def test_late_step_is_warned(tmp_path, write_answers):
    data = sample("uglovsky-borodulikha-municipal")
    data["filing"]["notice"]["date"] = dt.date(2027, 2, 10)  # due 5 February
    result = _build(write_answers(data), tmp_path / "out", "approval")
    assert any("is dated 10.02.2027, after its deadline 05.02.2027" in str(w)
               for w in result.warnings)


def test_manifest_hashes_match_and_provenance_is_in_each_docx(tmp_path):
    _build(MUNICIPAL, tmp_path, make_zip=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["toolkit"]["name"] == "xbdocs"
    assert manifest["answers"]["sha256"] == hashlib.sha256(MUNICIPAL.read_bytes()).hexdigest()
    names = {entry["name"] for entry in manifest["files"]}
    assert names == {p.name for p in tmp_path.glob("*.docx")} | {"built-from.yaml"}
    assert (tmp_path / "built-from.yaml").read_bytes() == MUNICIPAL.read_bytes()
    for entry in manifest["files"]:
        data = (tmp_path / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        if not entry["name"].endswith(".docx"):
            continue
        core = Document(str(tmp_path / entry["name"])).core_properties
        assert core.identifier == manifest["answers"]["sha256"]
        assert "xbdocs" in core.comments and "stage all" in core.comments
    with zipfile.ZipFile(tmp_path / "package.zip") as archive:
        assert set(archive.namelist()) == names | {"manifest.json"}
        assert archive.read("manifest.json") == (tmp_path / "manifest.json").read_bytes()


def test_profile_for_another_region(tmp_path, write_answers):
    """A profile a user wrote for another region works with no code change."""
    custom = tmp_path / "omsk.yaml"
    custom.write_text("""
id: omsk
region: omsk
name: Омская область
tracks:
  municipal:
    basis: {text: статьёй 12 Федерального закона № 179-ФЗ, verified: true, source: law}
    regional_act: {text: законом Омской области, verified: false, source: assumed}
    addressees:
      government: {body: Правительство Омской области, position: Губернатор Омской области,
                   address: "ул. Красный Путь, д. 1, г. Омск", verified: false, source: assumed}
    steps:
      - {id: approval-request, title: Согласование, stage: approval, to: government,
         documents: [approval-request, agreement], verified: false, source: assumed}
      - {id: registration, title: Регистрация, stage: registration, to: government,
         documents: [registration-application, agreement, approval-document],
         deadline: {days: 5, unit: calendar, relation: after, event: signing},
         verified: false, source: assumed}
""", encoding="utf-8")
    # An Omsk district's answers: a profile of another region is refused (XB031).
    omsk = tmp_path / "omsk-answers.yaml"
    omsk.write_text(MUNICIPAL.read_text("utf-8").replace(
        "altai-uglovsky-district", "omsk-isilkulsky-district"), encoding="utf-8")
    result = _build(omsk, tmp_path / "out", profile_path=custom)
    request = docx_text(tmp_path / "out" / "approval-request.docx")
    assert "Губернатору Омской области" in request
    application = docx_text(tmp_path / "out" / "registration-application.docx")
    assert "и законом Омской области прошу зарегистрировать" in application
    assert "не позднее" not in application            # its deadline is not verified
    assert not (tmp_path / "out" / "notice.docx").exists()
    assert any("not verified: a deadline" in str(w) for w in result.warnings)


def test_letterhead(tmp_path):
    blank = Document()
    blank.sections[0].header.paragraphs[0].text = "ГЕРБ · АДМИНИСТРАЦИЯ УГЛОВСКОГО РАЙОНА"
    blank.add_paragraph("старый текст бланка")
    letterhead = tmp_path / "blank.docx"
    blank.save(str(letterhead))
    _build(MUNICIPAL, tmp_path / "out", "approval", letterhead=letterhead)
    letter = Document(str(tmp_path / "out" / "approval-request.docx"))
    assert letter.sections[0].header.paragraphs[0].text == \
        "ГЕРБ · АДМИНИСТРАЦИЯ УГЛОВСКОГО РАЙОНА"
    text = docx_text(tmp_path / "out" / "approval-request.docx")
    assert "старый текст бланка" not in text
    assert "АДМИНИСТРАЦИЯ УГЛОВСКОГО РАЙОНА АЛТАЙСКОГО КРАЯ" not in text  # the blank has it
    assert "О согласовании проекта соглашения" in text
    # the explanatory note is not a letter: it keeps the default page
    note = Document(str(tmp_path / "out" / "explanatory-note.docx"))
    assert "ГЕРБ" not in note.sections[0].header.paragraphs[0].text


def test_missing_letterhead_file(run, tmp_path):
    result = run("build", MUNICIPAL, "-o", tmp_path, "--stage", "approval", "--letterhead",
                 tmp_path / "none.docx")
    assert result.code == 1 and "none.docx: no such file" in result.err


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")
def test_sheet_counts_come_from_libreoffice(tmp_path):
    _build(MUNICIPAL, tmp_path, "approval", count_sheets=True)
    table = Document(str(tmp_path / "inventory-approval-request.docx")).tables[0]
    sheets = {row.cells[1].text: row.cells[3].text for row in table.rows[1:]}
    pdfs = office.convert_to_pdf([tmp_path / "agreement.ru-kk.docx"], tmp_path / "pdf")
    title = "Проект соглашения (параллельный текст на русском и казахском языках)"
    assert sheets[title] == str(office.count_pages(pdfs[0]))
    assert all(value.isdigit() for value in sheets.values())
    total = sum(int(value) for value in sheets.values())
    assert f"Всего: 4 (четыре) документа на {total} (" in docx_text(
        tmp_path / "inventory-approval-request.docx")


def test_without_sheet_counts_they_are_blank(tmp_path):
    result = _build(MUNICIPAL, tmp_path, "approval", count_sheets=False)
    table = Document(str(tmp_path / "inventory-approval-request.docx")).tables[0]
    assert all(row.cells[3].text == "____" for row in table.rows[1:])
    request = docx_text(tmp_path / "approval-request.docx")
    assert "на __ л." in request
    assert not any("LibreOffice" in str(w) for w in result.warnings)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_sample_builds_its_whole_filing_set(path, tmp_path):
    result = _build(path, tmp_path)
    names = {p.name for p in result.written}
    assert {"registration-application.docx", "register-card.docx", "certified-copy.docx",
            "check-sheet.docx",
            "approval-request.docx", "explanatory-note.docx", "notice.docx",
            "inventory-registration.docx", "manifest.json"} <= names


@pytest.mark.parametrize("years, expected", [(1, "по 1 (одному) году"), (2, "по 2 (два) года"),
                                             (5, "по 5 (пять) лет")])
def test_renewal_periods_after_po_in_every_document(tmp_path, write_answers, years, expected):
    data = sample("uglovsky-borodulikha-municipal")
    data["term"].update(renewal=True, renewal_years=years, years=5, notice_months=6)
    _build(write_answers(data), tmp_path / "out")
    for name in ("agreement.ru.docx", "explanatory-note.docx", "register-card.docx"):
        assert expected in docx_text(tmp_path / "out" / name), name


def test_a_list_whose_items_have_commas_takes_semicolons(tmp_path):
    _build(MUNICIPAL, tmp_path / "out", "approval")
    notice = docx_text(tmp_path / "out" / "notice.docx")
    assert "развитию лесного и рыбного хозяйства в пределах полномочий Сторон; " in notice


@pytest.mark.parametrize("items, text", [
    (["экономика", "культура"], "экономика, культура"),
    (["экономика", "сельское хозяйство, лесное и рыбное хозяйство"],
     "экономика; сельское хозяйство, лесное и рыбное хозяйство"),
])
def test_listing(items, text):
    from xbdocs.lang import listing

    assert listing(items) == text


def test_the_register_card_names_signers_without_a_gender(tmp_path):
    _build(MUNICIPAL, tmp_path / "out")
    card = docx_text(tmp_path / "out" / "register-card.docx")
    assert "Лицо, подписавшее соглашение от российской стороны" in card
    assert "Подписал " not in card
