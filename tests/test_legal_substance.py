"""Issue 23 §2: the legal substance a regional legal department would send back, each rule
read back from the built DOCX in Russian and in Kazakh (domain.md §§1, 3; regions.md §4)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import docx_text, sample
from xbdocs.build import build

TODAY = dt.date(2026, 12, 3)


def _built(write_answers, tmp_path, data, stage="all"):
    outdir = tmp_path / "out"
    build(write_answers(data), outdir, stage=stage, today=TODAY, count_sheets=False)
    return outdir


def _abai_regional() -> dict:
    """A regional agreement of 2027 between the Government of the Altai Krai and the
    akimat of the Abai region."""
    data = sample("altai-pavlodar-2012")
    data["parties"]["russian"]["catalogue"] = "altai-krai-government"
    data["parties"]["russian"]["signatory"]["position"] = {
        "ru": "Губернатор Алтайского края, Председатель Правительства Алтайского края",
        "kk": "Алтай өлкесінің Губернаторы, Алтай өлкесі Үкіметінің Төрағасы"}
    data["parties"]["kazakh"]["catalogue"] = "abai-region-akimat"
    data["parties"]["kazakh"]["signatory"]["position"] = {
        "ru": "аким области Абай", "kk": "Абай облысының әкімі"}
    data["signing"]["date"] = dt.date(2027, 9, 19)
    filing = data.get("filing", {})
    filing.pop("negotiations_date", None)
    for key in ("notice", "approval_request", "approval", "registration_application"):
        filing.get(key, {}).pop("date", None)
    return data


# --- 1, 2: financing from each side's own budget ---------------------------------------------

def test_a_regional_agreement_names_each_sides_budget(write_answers, tmp_path):
    """A Kazakh oblast is not a subject of the Russian Federation: each side spends from its
    own budget, named (domain.md §3: «each party at its own expense, within its budget»)."""
    outdir = _built(write_answers, tmp_path, _abai_regional(), "agreement")
    russian, kazakh = (docx_text(outdir / "agreement.ru.docx"),
                       docx_text(outdir / "agreement.kk.docx"))
    assert "в пределах средств бюджета Алтайского края и бюджета области Абай " \
           "соответственно, предусмотренных на соответствующий финансовый год" in russian
    assert "субъекта Российской Федерации (области)" not in russian
    assert "тиісінше Алтай өлкесінің бюджетінде және Абай облысының бюджетінде көзделген " \
           "қаражат шегінде" in kazakh
    assert "субъектісінің" not in kazakh


def test_a_municipal_agreement_speaks_of_local_budgets_alike(write_answers, tmp_path):
    """A Kazakh district is no «муниципальное образование»; both have local budgets. The
    Kazakh text says what the Russian says, no «(ауданның)» more."""
    outdir = _built(write_answers, tmp_path, sample("uglovsky-borodulikha-municipal"),
                    "agreement")
    russian, kazakh = (docx_text(outdir / "agreement.ru.docx"),
                       docx_text(outdir / "agreement.kk.docx"))
    assert "в пределах средств соответствующих местных бюджетов, предусмотренных на " \
           "соответствующий финансовый год" in russian
    assert "бюджете соответствующего муниципального образования" not in russian
    assert "тиісті жергілікті бюджеттерде көзделген қаражат шегінде" in kazakh
    assert "(ауданның)" not in kazakh and "муниципалдық құрылымның" not in kazakh


# --- 3: the notice cites the act that creates the duty to notify ---------------------------

def test_the_notice_cites_the_regions_act_not_article_12(write_answers, tmp_path):
    """179-FZ Art. 12 creates no duty to notify: p. 2 leaves the procedure to the region
    (domain.md §1); the notice cites the region's act, with blanks while it is not known."""
    notice = docx_text(_built(write_answers, tmp_path, sample("uglovsky-borodulikha-municipal"),
                              "approval") / "notice.docx")
    assert "В соответствии с законом Алтайского края от __.__.____ № ______ о регистрации " \
           "соглашений о приграничном сотрудничестве муниципальных образований " \
           "Администрация Угловского района Алтайского края уведомляет" in notice
    assert "179-ФЗ" not in notice


def test_a_regional_notice_cites_4_fz(write_answers, tmp_path):
    """On the regional track the region notifies the federal bodies under 4-FZ Art. 3."""
    notice = docx_text(_built(write_answers, tmp_path, sample("altai-pavlodar-2012"),
                              "approval") / "notice.docx")
    assert "В соответствии с Федеральным законом от 04.01.1999 № 4-ФЗ" in notice


# --- 5: areas beyond a district's own powers, in every document ----------------------------

def test_areas_beyond_a_districts_powers_are_qualified_everywhere(write_answers, tmp_path):
    """A municipal district only takes part in preventing emergencies (131-FZ Art. 15
    p. 1 item 7), and health care is a state power: on the municipal track neither is
    printed bare — not in the agreement, the notice or the explanatory note."""
    data = sample("uglovsky-borodulikha-municipal")
    data["areas"] = ["economy", "health", "emergencies"]
    outdir = _built(write_answers, tmp_path, data)
    for name in ("agreement.ru.docx", "notice.docx", "explanatory-note.docx"):
        text = docx_text(outdir / name)
        assert "участие в предупреждении чрезвычайных ситуаций" in text, name
        assert "содействие в сфере охраны здоровья населения в пределах полномочий Сторон" \
            in text, name
        assert "— здравоохранение" not in text and "; здравоохранение" not in text, name
        assert "— предупреждение чрезвычайных" not in text, name
    kazakh = docx_text(outdir / "agreement.kk.docx")
    assert "төтенше жағдайлардың алдын алуға қатысу" in kazakh
    assert "Тараптардың өкілеттіктері шегінде халықтың денсаулығын сақтау саласында " \
           "жәрдемдесу" in kazakh


def test_a_regional_agreement_keeps_the_areas_as_the_law_names_them(write_answers, tmp_path):
    data = sample("altai-pavlodar-2012")
    data["areas"] = ["health", "emergencies"]
    text = docx_text(_built(write_answers, tmp_path, data, "agreement") / "agreement.ru.docx")
    assert "здравоохранение" in text and "предупреждение чрезвычайных ситуаций" in text
    assert "участие в предупреждении" not in text


# --- 7: the Kazakh side — the akimat is collegial, the akim represents the district ---------

def _with_partner(**changes) -> dict:
    data = sample("uglovsky-borodulikha-municipal")
    data["parties"]["kazakh"].update(changes)
    return data


def test_the_note_states_what_a_district_akimat_is(write_answers, tmp_path):
    """Law of the RK No. 148: a district akimat is a collegial body, not a legal entity
    (Art. 30 p. 7); the akim represents the district (Art. 33 p. 1); the BIN is the akim's
    office's (regions.md §4, 2014 text)."""
    data = _with_partner(bin="180540012343")
    note = docx_text(_built(write_answers, tmp_path, data, "approval") / "explanatory-note.docx")
    assert "БИН аппарата акима 180540012343." in note
    assert "Районный (городской) акимат — коллегиальный орган, не являющийся юридическим " \
           "лицом; район представляет аким (Закон Республики Казахстан от 23.01.2001 № 148" \
           in note
    assert "подписывает аким Бородулихинского района Жумабеков Ерлан Серикович." in note


def test_a_regional_note_says_nothing_of_district_akimats(write_answers, tmp_path):
    note = docx_text(_built(write_answers, tmp_path, sample("altai-pavlodar-2012"), "approval")
                     / "explanatory-note.docx")
    assert "коллегиальный орган" not in note


def test_an_optional_approval_on_the_kazakh_side(write_answers, tmp_path):
    """No rule requiring an oblast's or the MFA's approval was found (regions.md §4.6):
    the answers may add the line where the district's practice needs it."""
    data = _with_partner(approved_by={"ru": "акимат области Абай",
                                      "kk": "Абай облысының әкімдігі"})
    outdir = _built(write_answers, tmp_path, data, "approval")
    note = docx_text(outdir / "explanatory-note.docx")
    assert "Согласование с казахстанской стороны: акимат области Абай." in note
    russian, kazakh = (docx_text(outdir / "agreement.ru.docx"),
                       docx_text(outdir / "agreement.kk.docx"))
    assert russian.rstrip().endswith("М.П.\nСогласовано: акимат области Абай")
    assert kazakh.rstrip().endswith("М.О.\nКелісілді: Абай облысының әкімдігі")
    plain = docx_text(_built(write_answers, tmp_path / "plain", sample(
        "uglovsky-borodulikha-municipal"), "approval") / "explanatory-note.docx")
    assert "Согласование с казахстанской стороны" not in plain
    assert "Согласовано:" not in docx_text(tmp_path / "plain" / "out" / "agreement.ru.docx")


def test_a_russian_party_has_no_kazakh_approval():
    from xbdocs import answers
    from xbdocs.errors import InputError

    data = sample("uglovsky-borodulikha-municipal")
    data["parties"]["russian"]["approved_by"] = {"ru": "x", "kk": "x"}
    try:
        answers.parse(data, {})
    except InputError as exc:
        assert "parties.russian.approved_by" in str(exc)
    else:
        raise AssertionError("a Russian party's approved_by was accepted")


def test_a_deputy_signing_for_a_district_akimat_is_warned():
    from xbdocs import answers, catalogue, checks, profile

    data = _with_partner()
    data["parties"]["kazakh"]["signatory"]["position"] = {
        "ru": "заместитель акима Бородулихинского района",
        "kk": "Бородулиха ауданы әкімінің орынбасары"}
    found = [f for f in checks.check(answers.parse(data, {}), catalogue.load(), profile.load(),
                                     "agreement", TODAY) if f.code == "XB029"]
    assert [f.path for f in found] == ["parties.kazakh.signatory.position.ru"]
    assert "Art. 30 p. 7" in found[0].text
    assert not [f for f in checks.check(answers.parse(sample("uglovsky-borodulikha-municipal"),
                                                      {}), catalogue.load(), profile.load(),
                                        "agreement", TODAY) if f.code == "XB029"]


# --- 6: a plan of joint events against its agreement --------------------------------------

def test_a_plan_marks_bodies_that_are_not_parties(tmp_path):
    """A federal or republican body answers for an event only by its own consent: the plan
    marks it «(по согласованию)» / «(келісім бойынша)»; the parties' own bodies are not
    marked."""
    from tests.conftest import SAMPLES, cli

    result = cli("plan", SAMPLES / "plans" / "pavlodar-2027-2028.yaml", "--answers",
                 SAMPLES / "altai-pavlodar-2012.yaml", "-o", tmp_path)
    assert result.code == 0, result.err
    russian, kazakh = (docx_text(tmp_path / "plan.ru.docx"),
                       docx_text(tmp_path / "plan.kk.docx"))
    assert "Главное управление МЧС России по Алтайскому краю (по согласованию)" in russian
    assert "Департамент по чрезвычайным ситуациям Павлодарской области (по согласованию)" \
        in russian
    assert "Министерство экономического развития Алтайского края (по согласованию)" \
        not in russian
    assert "Управление здравоохранения Павлодарской области (по согласованию)" not in russian
    assert "Ресей ТЖМ-нің Алтай өлкесі бойынша Бас басқармасы (келісім бойынша)" in kazakh
    assert "Павлодар облысының денсаулық сақтау басқармасы (келісім бойынша)" not in kazakh
    # Events in areas the agreement does not name are warned of, citing its clause on
    # other areas.
    warned = [line for line in result.err.splitlines() if "[XB030]" in line]
    assert len(warned) == 2
    assert "events[6].area: «здравоохранение» is not among the agreement's areas" in warned[0]
    assert "its clause 2.2 allows other areas only by the Parties' mutual agreement" \
        in warned[0]


def test_a_districts_plan_marks_the_regions_ministry():
    """For a district, the region's ministry is not the party's body."""
    from xbdocs.plans import is_partys

    district = "Администрация Угловского района Алтайского края"
    assert is_partys("отдел по экономике Администрации Угловского района", district)
    assert not is_partys("Министерство сельского хозяйства Алтайского края", district)
    assert is_partys("Министерство сельского хозяйства Алтайского края",
                     "Правительство Алтайского края")
    assert not is_partys("Пограничное управление ФСБ России по Алтайскому краю",
                         "Правительство Алтайского края")
    assert is_partys("отдел образования Бородулихинского района",
                     "акимат Бородулихинского района области Абай")
