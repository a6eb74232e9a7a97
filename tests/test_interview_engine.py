"""The interview engine driven as a browser would drive it: structured values only (ids,
lists, bools, ISO dates), no terminal syntax — a whole interview, going back, changing an
answer from the review, the checks of `xbdocs check`, the preview from the template, two
interface languages in one process, and drafts kept by an id."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from xbdocs import answers, assembler, checks, i18n
from xbdocs.errors import XbdocsError
from xbdocs.interview import flow
from xbdocs.interview.engine import Interview
from xbdocs.interview.store import Draft, FileDraftStore
from xbdocs.package import review

TODAY = dt.date(2026, 11, 27)
#: The municipal interview of tests/test_interview.py, as structured values; a question
#: not named here takes its default.
MUNICIPAL = {
    "track": "municipal",
    "russian-party": "altai-uglovsky-district",
    "russian-inn": None,
    "russian-signatory-ru": "Петрова Елена Викторовна",
    "russian-post-ru": "глава Угловского района",
    "russian-post-kk": "Углов ауданының басшысы",
    "russian-preview": True,
    "kazakh-party": "abai-borodulikha-district-akimat",
    "kazakh-bin": None,
    "kazakh-signatory-ru": "Жумабаев Ерлан Серикович",
    "kazakh-signatory-kk": "Жұмабаев Ерлан Серікұлы",
    "kazakh-post-ru": "аким Бородулихинского района",
    "kazakh-post-kk": "Бородулиха ауданының әкімі",
    "kazakh-preview": True,
    "areas": ["economy", "energy", "science-education", "culture", "sports-tourism"],
    "custom-areas": [],
    "forms": ["joint-projects", "information-exchange"],
    "custom-forms": [],
    "signing-date": "2026-12-15",
    "signing-place-ru": "Угловское",
    "signing-place-kk": "Углов",
    "signing-place-kind": "village",
}


def _start(stage: str = "agreement", lang: str = "en", **kwargs) -> Interview:
    return Interview.start(stage, lang, today=TODAY, **kwargs)


def _drive(interview: Interview, script: dict, until: str | None = None) -> list[str]:
    """Answer every question asked (from ``script``, else its default) until none is left
    or ``until`` is asked; the ids asked, in order."""
    asked_ids = []
    while (asked := interview.next_question()) is not None and asked.id != until:
        value = script[asked.id] if asked.id in script else asked.default
        assert asked.id in script or value is not None or asked.optional, asked.id
        assert interview.answer(asked.id, value) == [], asked.id
        asked_ids.append(asked.id)
    return asked_ids


def _preamble(values: dict) -> str:
    """The parties' paragraph of the agreement built from ``values``."""
    built = assembler.assemble(answers.parse(values, {}))
    block = next(b for b in built.documents["ru"].blocks if b.id == "preamble")
    return block.paragraphs[0].text


def test_a_whole_municipal_interview_to_the_review():
    interview = _start()
    asked = _drive(interview, MUNICIPAL)
    assert asked[:2] == ["track", "russian-party"]
    assert "russian-gender" not in asked          # told by the patronymic
    values = interview.values
    assert values["parties"]["russian"] == {
        "catalogue": "altai-uglovsky-district",
        "signatory": {"name": {"ru": "Петрова Елена Викторовна",
                               "kk": "Петрова Елена Викторовна"},
                      "gender": "female",
                      "position": {"ru": "глава Угловского района",
                                   "kk": "Углов ауданының басшысы"},
                      "acts_on": "charter"}}
    assert values["term"] == flow.COMMON_TERM
    assert values["signing"] == {"date": "2026-12-15", "place": {"ru": "Угловское",
                                                                "kk": "Углов"},
                                 "place_kind": "village"}
    review = interview.review()
    assert [item.number for item in review] == list(range(1, len(review) + 1))
    assert [item.question_id for item in review] == asked
    shown = {item.question_id: item.shown for item in review}
    assert shown["signing-date"] == "15.12.2026"
    assert shown["term"].startswith("5 years")
    assert shown["russian-party"] == "Администрация Угловского района Алтайского края"
    answers.parse(values, {})  # a valid answers file


def test_answers_are_structured_and_checked():
    interview = _start()
    assert interview.answer("russian-party", "x")[0].args[0].startswith("«russian-party»")
    assert interview.answer("track", "1") and interview.answer("track", "municipal") == []
    assert interview.answer("russian-party", "altai-krai-nowhere")
    assert interview.answer("russian-party", "abai-borodulikha-district-akimat")  # Kazakh
    assert interview.answer("russian-party", None) == []       # described by hand
    assert interview.next_question().id == "russian-name-ru"
    _drive(interview, {}, until="russian-name-ru")
    interview = _start()
    _drive(interview, MUNICIPAL, until="areas")
    assert "choose at least one" in str(interview.answer("areas", [])[0])
    assert interview.answer("areas", "economy")                  # a list is expected
    assert interview.answer("areas", ["economy", "economy"]) == []
    assert interview.values["areas"] == ["economy"]
    assert interview.answer("custom-areas", [{"ru": "торговля"}])
    assert interview.answer("custom-areas", [{"ru": "торговля", "kk": "сауда"}]) == []
    _drive(interview, MUNICIPAL, until="plan-years")
    assert interview.answer("plan-years", "2") and interview.answer("plan-years", True)
    assert interview.answer("plan-years", 3) == []
    assert interview.answer("term", "да")
    assert interview.answer("term", False) == []
    assert interview.next_question().id == "term-years"
    _drive(interview, MUNICIPAL, until="signing-date")
    assert "calendar" in str(interview.answer("signing-date", "2027-02-31")[0])
    assert interview.answer("signing-date", "2026-12-15") == []


def test_identifiers_are_checked_as_given():
    interview = _start("approval")
    _drive(interview, MUNICIPAL, until="russian-inn")
    assert "check digit" in str(interview.answer("russian-inn", "2279001237")[0])
    assert interview.answer("russian-inn", "2279001236") == []


def test_back_forgets_the_last_answer_and_asks_it_again():
    interview = _start()
    assert interview.back().id == "track"                        # nothing to go back from
    interview.answer("track", "municipal")
    interview.answer("russian-party", "altai-uglovsky-district")
    again = interview.back()
    assert again.id == "russian-party" and again.default == "altai-uglovsky-district"
    assert interview.answered == ["track"]
    assert interview.answer("russian-party", "altai-uglovsky-district") == []
    assert interview.next_question().id == "russian-inn"


def test_change_asks_again_what_depends_on_the_answer():
    interview = _start()
    _drive(interview, MUNICIPAL)
    reasks = {item.question_id: item.reasks for item in interview.review()}
    assert reasks["signing-date"] == ["signing-date"]
    expected = ["russian-signatory-ru", "russian-preview"]
    assert reasks["russian-signatory-ru"] == expected
    assert interview.change("russian-signatory-ru") == expected
    asked = _drive(interview, {**MUNICIPAL, "russian-signatory-ru": "Кузнецов Илья Сергеевич"})
    assert asked == expected
    assert interview.values["parties"]["russian"]["signatory"]["gender"] == "male"
    # A term of one's own asks the questions the common term left out.
    assert interview.change("term") == ["term"]
    asked = _drive(interview, {"term": False, "term-years": 3, "term-notice": 12})
    assert asked == ["term", "term-years", "term-renewal", "term-renewal-years", "term-notice"]
    assert interview.values["term"] == {"years": 3, "renewal": True, "renewal_years": 3,
                                        "notice_months": 12}
    assert interview.change("kazakh-party") == [
        "kazakh-party", "kazakh-bin", "kazakh-signatory-ru", "kazakh-signatory-kk",
        "kazakh-post-ru", "kazakh-post-kk", "kazakh-acts-on", "kazakh-preview"]
    assert interview.change("entry") == []                      # not asked on this track
    with pytest.raises(KeyError):
        interview.change("no-such-question")


@pytest.mark.parametrize("stage", ["agreement", "approval"])
def test_problems_are_the_findings_of_xbdocs_check(stage):
    """A Russian region on the municipal track (XB002), unverified catalogue entries
    (XB014); for approval, the filing's deadlines too."""
    interview = _start(stage)
    script = {**MUNICIPAL, "russian-party": "altai-krai-government",
              "executor-name": "Орлова Ирина Сергеевна", "executor-phone": "+7 385 22",
              "negotiations": "2026-12-01", "notice-date": "2026-11-20",
              "request-date": "2026-12-03", "results": ["ярмарки"]}
    _drive(interview, script)
    faults = interview.problems()
    expected = review(answers.parse(interview.values, {}), stage=stage, today=TODAY)
    assert [fault.finding for fault in faults] == expected
    by_code = {fault.finding.code: fault for fault in faults}
    assert by_code["XB002"].question_id == "russian-party"
    assert by_code["XB002"].severity == checks.ERROR
    assert interview.change(by_code["XB002"].question_id)[0] == "russian-party"


def test_problems_of_the_answers_form_come_with_their_question():
    interview = _start(values={"track": "municipal", "areas": ["economy"]})
    interview.answer("track", "municipal")
    faults = interview.problems()
    assert faults and all(fault.severity == checks.ERROR for fault in faults)
    assert "parties" in {fault.path for fault in faults}
    assert all(fault.question_id is None for fault in faults)   # «track» is not at fault


def test_the_preview_is_the_agreements_own_preamble():
    interview = _start()
    _drive(interview, MUNICIPAL, until="russian-preview")
    early = interview.next_question().preview
    assert early.text.startswith("Администрация Угловского района Алтайского края")
    assert "в лице главы Угловского района Петровой Елены Викторовны, действующей на " \
        "основании Устава муниципального образования Угловский район Алтайского края" \
        in early.text
    # Corrections: the other gender, then a form of one's own; the preview follows.
    assert interview.answer("russian-preview", {"gender": "male"}) == []
    assert "действующего" in interview.preview("russian-preview").text
    assert interview.answer("russian-preview", {"gender": "female"}) == []
    assert interview.answer("russian-preview", {"colour": "red"})
    assert interview.answer("russian-preview", {"genitive": {
        "глава Угловского района": "главы Угловского р-на"}}) == []
    assert "в лице главы Угловского р-на Петровой" in interview.preview("russian-preview").text
    assert interview.answer("russian-preview", {"genitive": {
        "глава Угловского района": "главы Угловского района"}}) == []
    _drive(interview, MUNICIPAL)
    preamble = _preamble(interview.values)
    russian = interview.preview("russian-preview").text
    kazakh = interview.preview("kazakh-preview").text
    assert russian == early.text and russian in preamble and preamble.startswith(russian)
    assert kazakh in preamble and kazakh.startswith("акимат Бородулихинского района")
    assert "в лице акима Бородулихинского района Жумабаева Ерлана Сериковича" in kazakh
    assert "Петровой" not in kazakh and "Жумабаева" not in russian


def test_the_preview_reports_doubtful_forms():
    interview = _start()
    script = {**MUNICIPAL, "russian-signatory-ru": "Мамедова Гюльнара Рашид кызы"}
    _drive(interview, script, until="russian-preview")
    early = interview.next_question().preview
    assert early.name == "Мамедова Гюльнара Рашид кызы" and early.gender == "female"
    _drive(interview, script)
    built = assembler.assemble(answers.parse(interview.values, {}))
    doubts = [w.text for w in built.warnings
              if w.code == "XB018" and w.path.startswith("parties.russian.")]
    assert doubts and early.doubts == doubts == interview.preview("russian-preview").doubts


def test_two_interviews_each_speak_their_own_language():
    before = i18n.current_language()
    russian, kazakh = _start(lang="ru"), _start(lang="kk")
    assert russian.next_question().text.startswith("Какое соглашение")
    assert kazakh.next_question().text.startswith("Қандай келісім")
    assert "не тот вопрос" in str(russian.answer("areas", ["economy"])[0])
    assert "қазір қойылған сұрақ емес" in str(kazakh.answer("areas", ["economy"])[0])
    assert i18n.current_language() == before                    # the caller's is left alone
    results = {}

    def ask(name: str, interview: Interview) -> None:
        results[name] = [interview.next_question().text for _ in range(50)]

    threads = [threading.Thread(target=ask, args=(name, item))
               for name, item in (("ru", russian), ("kk", kazakh))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results["ru"]) == {russian.next_question().text}
    assert set(results["kk"]) == {kazakh.next_question().text}


def test_drafts_are_kept_by_an_id(tmp_path):
    drafts = FileDraftStore(tmp_path)
    interview = _start(drafts=drafts, draft_id="answers.yaml")
    assert not drafts.exists("answers.yaml")                    # nothing answered yet
    _drive(interview, MUNICIPAL, until="russian-preview")
    assert drafts.path("answers.yaml") == tmp_path / "answers.yaml.draft.json"
    data = json.loads(drafts.path("answers.yaml").read_text())
    assert data["done"][:2] == ["track", "russian-party"]
    again = Interview.resume(drafts, "answers.yaml", "ru", today=TODAY)
    assert again.next_question().id == "russian-preview"
    assert again.values == interview.values
    _drive(again, MUNICIPAL)
    _drive(interview, MUNICIPAL)
    assert again.values == interview.values
    again.discard()
    assert not drafts.exists("answers.yaml")
    with pytest.raises(XbdocsError, match="no draft"):
        Interview.resume(drafts, "answers.yaml", "en")


@pytest.mark.parametrize("text", [
    "[]", "null", "", "{", '"draft"', "[" * 100_000, '{"version": 2}',
    '{"version": 1, "stage": "agreement", "values": [], "done": []}',
    '{"version": 1, "stage": "nowhere", "values": {}, "done": []}',
    '{"version": 1, "stage": "agreement", "values": {}, "done": ["no-such"]}',
    '{"version": 1, "stage": "agreement", "values": {}, "done": [1]}',
    '{"version": 1, "stage": "agreement", "values": ' + '{"a": ' * 500 + "{}"
    + "}" * 500 + ', "done": []}',
])
def test_a_damaged_draft_is_told_clearly(tmp_path, text):
    drafts = FileDraftStore(tmp_path)
    drafts.path("a.yaml").write_text(text)
    with pytest.raises(XbdocsError, match="the draft is damaged") as caught:
        Interview.resume(drafts, "a.yaml", "en")
    assert str(tmp_path / "a.yaml.draft.json") in str(caught.value)
    # Set aside, whole, so the next interview starts afresh and nothing is lost.
    assert not drafts.exists("a.yaml")
    kept = list(tmp_path.glob("a.yaml.draft.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text() == text
    assert kept[0].name in str(caught.value)
    assert text[:20] not in str(caught.value) or len(text) < 3


def test_after_a_damaged_draft_the_interview_starts_afresh(run, tmp_path):
    (tmp_path / "a.yaml.draft.json").write_text("[]")
    first = run("interview", "-o", tmp_path / "a.yaml", "--resume")
    assert first.code == 1 and "the draft is damaged" in first.err
    assert "start again: xbdocs interview -o" in first.err
    again = run("interview", "-o", tmp_path / "a.yaml")
    assert "interrupted" not in again.err


def test_a_draft_with_values_of_the_wrong_shape_is_still_asked(tmp_path):
    """A draft whose values have a text where a section goes is answered over, not a
    traceback: the answers put their sections back."""
    drafts = FileDraftStore(tmp_path)
    drafts.save("a.yaml", Draft("agreement", {"track": "municipal", "parties": "x",
                                              "term": 5}, ["track"], {}))
    interview = Interview.resume(drafts, "a.yaml", "en", today=TODAY)
    _drive(interview, MUNICIPAL)
    assert answers.parse(interview.values, {}).russian.catalogue_id == "altai-uglovsky-district"


def test_an_interview_with_no_standard_input_at_all_ends_cleanly(tmp_path):
    """Started from a service or a script with its input closed (0<&-): sys.stdin is None."""
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "xbdocs", "--lang", "en", "interview",
                             "-o", str(tmp_path / "a.yaml")], capture_output=True, text=True,
                            preexec_fn=lambda: os.close(0), timeout=60)
    assert result.returncode in (0, 1), result.stderr
    assert "internal error" not in result.stderr + result.stdout
    assert "There is no terminal to ask in" in result.stdout


def test_a_draft_with_text_that_is_not_unicode_is_set_aside(tmp_path):
    drafts = FileDraftStore(tmp_path)
    drafts.path("a.yaml").write_text('{"version": 1, "stage": "agreement", "values": '
                                     '{"track": "\\udcff"}, "done": ["track"], "notes": {}}')
    with pytest.raises(XbdocsError, match="the draft is damaged"):
        Interview.resume(drafts, "a.yaml", "en")
    assert not drafts.exists("a.yaml")


def test_a_preview_is_rendered_once_for_the_same_answers_and_templates(tmp_path, monkeypatch):
    """The signatories' page asks the preview on every view and save: the same answers and
    templates are rendered once; a changed answer, or a template a lawyer edits while the
    server runs, renders again."""
    import shutil

    from xbdocs.interview import engine

    folder = tmp_path / "templates"
    shutil.copytree(assembler.default_templates_dir(), folder)
    monkeypatch.setattr(assembler, "default_templates_dir", lambda: folder)
    rendered = []
    real = engine.render_party
    monkeypatch.setattr(engine, "render_party",
                        lambda *a: rendered.append(a[1]) or real(*a))
    interview = _start(lang="ru")
    _drive(interview, MUNICIPAL)
    rendered.clear()
    first = interview.preview("russian-preview")
    assert interview.preview("russian-preview") == first and len(rendered) == 1
    interview.change("russian-signatory-ru")
    assert interview.answer("russian-signatory-ru", "Иванова Мария Петровна") == []
    changed = interview.preview("russian-preview")
    assert "Ивановой Марии Петровны" in changed.text and len(rendered) == 2
    parties = folder / "ru" / "_parties.txt"
    text = parties.read_text("utf-8")
    assert "в лице" in text
    parties.write_text(text.replace("в лице", "в лице ныне"), "utf-8")
    assert "в лице ныне" in interview.preview("russian-preview").text
    assert len(rendered) == 3
