"""What a native reviewer (Russian, Kazakh, GOST R 7.0.97-2016) sent back in issue 23,
§3 and §4, read back from the DOCX files of every sample built at ``--stage all``."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from tests.conftest import SAMPLES, docx_text, plain
from xbdocs.build import build

TODAY = dt.date(2026, 11, 24)
NAMES = ("altai-pavlodar-2012", "uglovsky-borodulikha-municipal", "altai-east-kazakhstan-2010")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every sample's whole filing set, once for the module."""
    folders = {}
    for name in NAMES:
        outdir = tmp_path_factory.mktemp(name)
        build(SAMPLES / f"{name}.yaml", outdir, stage="all", today=TODAY,
              count_sheets=False)
        folders[name] = outdir
    return folders


def text(built, name: str, document: str) -> str:
    return docx_text(built[name] / f"{document}.docx")


def part(built, name: str, document: str, member: str = "word/document.xml") -> str:
    with zipfile.ZipFile(built[name] / f"{document}.docx") as archive:
        return archive.read(member).decode("utf-8")


# --- §3: Russian and Kazakh ------------------------------------------------------------------

def test_place_of_signing_in_the_locative(built):
    assert "Совершено в г. Павлодаре 19 сентября 2012 года" in text(
        built, "altai-pavlodar-2012", "agreement.ru")
    assert "Совершено в г. Усть-Каменогорске" in text(
        built, "altai-east-kazakhstan-2010", "agreement.ru")
    assert "подписанное 19 сентября 2012 года в г. Павлодаре." in text(
        built, "altai-pavlodar-2012", "registration-application")
    assert "Совершено в с. Угловском" in text(
        built, "uglovsky-borodulikha-municipal", "agreement.ru")


def test_explanatory_note_lists_results_after_a_colon_and_names_the_region_once(built):
    regional = text(built, "altai-pavlodar-2012", "explanatory-note")
    assert "акимат Павлодарской области (Республика Казахстан)." in regional.replace(
        "Акимат", "акимат")
    assert "(Республика Казахстан, Павлодарская область)" not in regional
    municipal = text(built, "uglovsky-borodulikha-municipal", "explanatory-note")
    assert "(Республика Казахстан, область Абай)" in municipal
    for note in (regional, municipal):
        assert "7. Ожидаемые результаты:\n" in note or "7. Ожидаемые результаты. " in note
        assert "7. Ожидаемые результаты.\n" not in note


def test_check_sheet_wording(built):
    sheet = text(built, "uglovsky-borodulikha-municipal", "check-sheet")
    assert "Сверьте каждый пункт," in sheet
    assert "Акт субъекта: закон Алтайского края от" in sheet
    assert "законом Алтайского края" not in sheet
    assert "10 календарных дней до начала переговоров" in sheet
    assert "10 рабочих дней после подписания" in sheet
    assert " дн. (" not in sheet


def test_kazakh_treaty_formulas(built):
    for name in NAMES:
        kazakh = text(built, name, "agreement.kk")
        assert "жеке хаттамалармен" in kazakh
        assert "жекелеген" not in kazakh
        assert "келіседі, оларда іс-шаралар" in kazakh


def test_a_comma_closes_the_participial_phrase_in_the_attachments(built):
    letter = text(built, "uglovsky-borodulikha-municipal", "registration-application")
    assert "Копия соглашения, заверенная главой Угловского района, на " in letter
    # in the inventory's cell the title ends there: no comma
    inventory = text(built, "uglovsky-borodulikha-municipal", "inventory-registration")
    assert "заверенная главой Угловского района\n" in inventory


# --- §4: paperwork (GOST R 7.0.97-2016) and the rendered pages ------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENTS = ("agreement.ru", "agreement.kk", "agreement.ru-kk", "notice", "approval-request",
             "explanatory-note", "registration-application", "certified-copy",
             "register-card", "check-sheet", "inventory-approval-request",
             "inventory-registration")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_document_numbers_its_pages_at_the_top_from_the_second(built, document):
    from docx import Document

    section = Document(str(built["altai-pavlodar-2012"] / f"{document}.docx")).sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert 'w:val="center"' in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    assert "PAGE" not in section.footer._element.xml


def _paragraph_with(xml: str, words: str):
    from lxml import etree

    root = etree.fromstring(xml.encode())
    for p in root.iter(f"{W}p"):
        if words in plain("".join(p.itertext())):
            return p
    raise AssertionError(words)


def test_attachments_start_at_the_margin_and_hang(built):
    xml = part(built, "uglovsky-borodulikha-municipal", "registration-application")
    first = _paragraph_with(xml, "Приложение:")
    style = first.find(f"{W}pPr/{W}pStyle").get(f"{W}val")
    styles = part(built, "uglovsky-borodulikha-municipal", "registration-application",
                  "word/styles.xml")
    from lxml import etree

    definition = next(s for s in etree.fromstring(styles.encode()).iter(f"{W}style")
                      if s.get(f"{W}styleId") == style)
    indent = definition.find(f"{W}pPr/{W}ind")
    assert int(indent.get(f"{W}hanging")) == int(indent.get(f"{W}left")) > 0
    assert definition.find(f"{W}pPr/{W}jc").get(f"{W}val") == "left"
    # the first item follows «Приложение:» after a tab; the next ones hang under it
    assert "Приложение:\t1. Подписанное соглашение" in text(
        built, "uglovsky-borodulikha-municipal", "registration-application").replace(
            "\n", " ")
    second = _paragraph_with(xml, "2. Согласованный проект")
    assert second.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == style
    assert second.find(f".//{W}tab") is not None


@pytest.mark.parametrize("document", ("notice", "approval-request", "registration-application"))
def test_letter_signature_after_a_gap_and_executor_at_the_foot(built, document):
    xml = part(built, "uglovsky-borodulikha-municipal", document)
    from lxml import etree

    framed = [p for p in etree.fromstring(xml.encode()).iter(f"{W}p")
              if p.find(f"{W}pPr/{W}framePr") is not None]
    assert [plain("".join(p.itertext())) for p in framed] == [
        "Сидорова Анна Петровна", "+7 (38579) 2-21-43"]
    for p in framed:
        frame = p.find(f"{W}pPr/{W}framePr")
        assert frame.get(f"{W}yAlign") == "bottom" and frame.get(f"{W}xAlign") == "left"
        assert frame.get(f"{W}vAnchor") == "margin"
    # the signature: a row never split, after a gap kept with it
    name = _paragraph_with(xml, "Е.В. Петрова")
    row = name.getparent().getparent()
    assert row.find(f"{W}trPr/{W}cantSplit") is not None
    gap = row.getparent().getprevious()
    assert gap.tag == f"{W}p" and gap.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "XBGap"
    assert gap.getprevious().find(f"{W}pPr/{W}keepNext") is not None  # the text before


def test_a_long_post_is_broken_so_the_name_stays_on_the_signature_line(built):
    xml = part(built, "altai-pavlodar-2012", "registration-application")
    name = _paragraph_with(xml, "А.Б. Карлин")
    cell = name.getparent()
    assert cell.find(f"{W}tcPr/{W}vAlign").get(f"{W}val") == "bottom"
    from xbdocs import lang

    assert lang.post_lines("Губернатор Алтайского края, Председатель Правительства "
                           "Алтайского края") == ("Губернатор Алтайского края,\n"
                                                  "Председатель Правительства Алтайского края")


def test_inventories_name_the_letter_as_titled_and_agree_with_it(built):
    for name in NAMES:
        inventory = text(built, name, "inventory-registration")
        assert "«О регистрации соглашения»" in inventory
        assert "Заявление о регистрации соглашения" not in inventory  # not the letter itself
        approval = text(built, name, "inventory-approval-request")
        assert "«О согласовании проекта соглашения»" in approval
        assert "Письмо о согласовании" not in approval
        letter = text(built, name, "registration-application")
        listed = [line.split("\t")[-1] for line in letter.splitlines()
                  if line.startswith(("Приложение:", "\t"))]
        from docx import Document

        rows = [plain(row.cells[1].text) for row in Document(
            str(built[name] / "inventory-registration.docx")).tables[0].rows[1:]]
        assert len(listed) == len(rows)
        for item, row in zip(listed, rows, strict=True):
            assert item.split(". ", 1)[1].startswith(row)
    card = text(built, "altai-pavlodar-2012", "register-card")
    assert card.startswith("ПРОЕКТ РЕГИСТРАЦИОННОЙ КАРТОЧКИ")
    assert "Проект регистрационной карточки соглашения" in text(
        built, "altai-pavlodar-2012", "inventory-registration")


def test_certified_copy(built):
    copy = text(built, "uglovsky-borodulikha-municipal", "certified-copy")
    xml = part(built, "uglovsky-borodulikha-municipal", "certified-copy")
    # «КОПИЯ» at the top right of the first sheet, before the text
    assert xml.index("КОПИЯ") < xml.index("<w:tbl>") and copy.startswith("КОПИЯ")
    mark = _paragraph_with(xml, "КОПИЯ")
    assert mark.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "XBRight"
    assert "Верно" in copy
    assert "Подлинник документа находится в Администрации Угловского района Алтайского " \
        "края в деле № ________ за ________ год" in copy
    assert "Всего в копии ____ л." in copy
    # the retyped text's signatures are typed, not lines to sign on
    assert "(подпись) Е.В. Петрова" in copy and "(қолы) Е.В. Петрова" in copy
    assert "_______________ Е.В. Петрова" not in copy
    assert "_______________ Е.В. Петрова" in text(
        built, "uglovsky-borodulikha-municipal", "agreement.ru-kk")
    # the certification kept with the last row of the text: no page of it alone
    from lxml import etree

    root = etree.fromstring(xml.encode())
    last_row = root.find(f".//{W}tbl").findall(f"{W}tr")[-1]
    assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in last_row.iter(f"{W}p"))
    tail = list(root.find(f"{W}body"))[list(root.find(f"{W}body")).index(
        root.find(f".//{W}tbl")) + 1:]
    paragraphs = [p for element in tail for p in element.iter(f"{W}p")]
    assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in paragraphs[:-1])


@pytest.mark.parametrize("document", ("agreement.ru-kk", "registration-application",
                                      "certified-copy", "inventory-registration"))
def test_hyphenation_is_on_and_ci_installs_the_russian_patterns(built, document):
    """Justified text in the narrow columns leaves wide gaps unless words hyphenate: Word
    hyphenates by the settings; LibreOffice needs its Russian patterns (hyphen-ru)."""
    settings = part(built, "altai-pavlodar-2012", document, "word/settings.xml")
    assert "<w:autoHyphenation/>" in settings
    ci = (SAMPLES.parent / ".ci" / "run").read_text(encoding="utf-8")
    install = ci[ci.index("apt-get install -y"):ci.index(">/dev/null", ci.index(
        "apt-get install -y"))]
    assert "hyphen-ru" in install.split()


def test_layout_keeps_what_belongs_together(built):
    from lxml import etree

    styles = part(built, "altai-pavlodar-2012", "agreement.ru-kk", "word/styles.xml")
    normal = next(s for s in etree.fromstring(styles.encode()).iter(f"{W}style")
                  if s.get(f"{W}styleId") == "Normal")
    assert normal.find(f"{W}pPr/{W}widowControl") is not None  # no one-line widows
    root = etree.fromstring(part(built, "altai-pavlodar-2012", "agreement.ru-kk").encode())
    rows = root.find(f".//{W}tbl").findall(f"{W}tr")
    kept = [row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows]
    assert kept[-1] and sum(kept) >= len(rows) - 2   # short rows stay whole
    # the row before the signatures is kept with them
    assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in rows[-2].iter(f"{W}p"))
    # the Kazakh column's running text flush left (no hyphenation patterns for Kazakh)
    for p in rows[3].findall(f"{W}tc")[1].iter(f"{W}p"):
        if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "XBBody":
            assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == "left"
    for p in rows[3].findall(f"{W}tc")[0].iter(f"{W}p"):
        assert p.find(f"{W}pPr/{W}jc") is None
    # one language: the closing paragraph and the gap kept with the signatures
    single = etree.fromstring(part(built, "altai-pavlodar-2012", "agreement.ru").encode())
    table = single.find(f"{W}body/{W}tbl")
    gap, closing = table.getprevious(), table.getprevious().getprevious()
    assert gap.find(f"{W}pPr/{W}keepNext") is not None
    assert closing.find(f"{W}pPr/{W}keepNext") is not None
    assert "Совершено" in "".join(closing.itertext())


def test_a_tables_subheading_row_is_kept_with_the_rows_below():
    """A plan's area heading (a row with one filled cell) is never alone at a page foot."""
    import io

    from lxml import etree

    from xbdocs import writer
    from xbdocs.model import Block, Document, Paragraph, Run

    def row(*texts):
        return [Paragraph([Run(t)] if t else [], "cell") for t in texts]

    table = Block("events", "table", rows=[row("№", "Мероприятие", "Срок"),
                                            row("", "Экономика", ""),
                                            row("1", "Бизнес-форум", "2027"),
                                            row("", "Культура и искусство", "")])
    data = writer.write(Document("ru", [table]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    rows = root.find(f".//{W}tbl").findall(f"{W}tr")
    kept = [all(p.find(f"{W}pPr/{W}keepNext") is not None for p in r.iter(f"{W}p"))
            for r in rows]
    # the heading row kept with the next; the header row, an event and a last row not
    assert kept == [False, True, False, False]


def test_titles_and_signatures_are_not_hyphenated(built):
    from lxml import etree

    styles = etree.fromstring(part(built, "uglovsky-borodulikha-municipal",
                                   "explanatory-note", "word/styles.xml").encode())
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    for style in ("XBTitle", "XBSubject", "XBAside", "XBSignature", "XBSignatureName"):
        assert by_id[style].find(f"{W}pPr/{W}suppressAutoHyphens") is not None, style
    assert by_id["XBBody"].find(f"{W}pPr/{W}suppressAutoHyphens") is None


@pytest.mark.parametrize(("party", "lines"), [
    ("altai-uglovsky-district", ["АДМИНИСТРАЦИЯ УГЛОВСКОГО РАЙОНА АЛТАЙСКОГО КРАЯ"]),
    ("altai-mikhaylovsky-district", ["АДМИНИСТРАЦИЯ МИХАЙЛОВСКОГО РАЙОНА",
                                     "АЛТАЙСКОГО КРАЯ"]),
])
def test_the_letterhead_breaks_before_the_region_when_it_does_not_fit(tmp_path, party, lines):
    """A name that fits stays on one line; a longer one is broken before the region, so
    «КРАЯ» is never left alone on the second line (issue 24 item 16)."""
    answers = tmp_path / "answers.yaml"
    answers.write_text((SAMPLES / "uglovsky-borodulikha-municipal.yaml").read_text("utf-8")
                       .replace("altai-uglovsky-district", party), encoding="utf-8")
    build(answers, tmp_path / "out", stage="approval", today=TODAY, count_sheets=False)
    with zipfile.ZipFile(tmp_path / "out" / "approval-request.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "</w:t><w:br/><w:t>".join(lines) + "</w:t>" in body
