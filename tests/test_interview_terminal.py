"""The terminal interview's rough edges of issue 24 (§9–11, 13, 14): line editing and
completion, questions asked alike told apart, going on from a file made earlier, what
follows a build, re-asked questions, and the warnings printed once."""

from __future__ import annotations

import re

import pytest
import yaml
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from tests.test_interview import (
    MUNICIPAL,
    _interview,
    today,  # noqa: F401  (its day and Russian, autouse)
)
from xbdocs import catalogue, i18n
from xbdocs.interview import flow, store, terminal
from xbdocs.interview.engine import Interview
from xbdocs.interview.flow import Invalid


def _(msgid: str) -> str:
    """A message as the interview shows it now (Russian, once it is translated)."""
    return i18n._(msgid)

#: The messages said while the checks and the build run, in the interface's language
#: (read when the test runs: the fixture chose Russian).
_CHECKING = "Checking the answers as «xbdocs check» does…"
_BUILDING = "Building the documents into {folder}; this takes a few seconds…"
#: What the approval stage adds to MUNICIPAL, after the place of signing.
FILING = ["Орлова Ирина Сергеевна", "+7 (38579) 2-21-43", "1.12.2026",
          "01-15/54", "20.11.2026", "", "", "Развитие торговли", "ярмарки", "", ""]


def _approval_script() -> list[str]:
    script = list(MUNICIPAL)
    script[2:3] = ["2279001236", "", "", ""]       # INN; no OGRN, phone, e-mail
    at = script.index("Угловское") + 3
    script[at:at] = FILING
    return script




# --- §9: line editing where there is a terminal, plain lines where there is none ----------


class _Editor:
    """A stand-in for prompt_toolkit's session: returns what it is given, or raises."""

    def __init__(self, *results):
        self.results, self.prompts = list(results), []

    def prompt(self, message, **options):
        self.prompts.append((message, options))
        result = self.results.pop(0)
        if isinstance(result, BaseException):
            raise result
        return result


def test_piped_input_reads_plain_lines():
    """No terminal (pytest's standard input is not one): no line editor, lines as they
    come — the scripts of answers in these tests go that way."""
    assert terminal.Terminal().editor is None
    assert terminal.Terminal(line_editing=False).editor is None


def test_the_line_editor_is_asked_with_completion_of_the_names():
    shell = terminal.Terminal(line_editing=False)
    shell.editor = _Editor("угл", "1")
    assert shell.ask("[Устав] >", ["Администрация Угловского района"]) == "угл"
    message, options = shell.editor.prompts[0]
    assert message == "[Устав] > " and options["complete_while_typing"]
    assert options["completer"] is not None
    assert shell.ask(">") == "1"
    assert shell.editor.prompts[1][1]["completer"] is None


def test_lines_pasted_at_once_answer_the_next_questions(capsys):
    shell = terminal.Terminal(line_editing=False)
    shell.editor = _Editor("1\nугл\r\n")
    assert [shell.ask(">"), shell.ask(">"), shell.ask(">")] == ["1", "угл", ""]
    assert len(shell.editor.prompts) == 1 and shell.answers_read == 3
    assert "> угл" in capsys.readouterr().out


@pytest.mark.parametrize("raised, end_of_input", [(KeyboardInterrupt(), False),
                                                  (EOFError(), True)])
def test_ctrl_c_and_ctrl_d_in_the_line_editor_stop(raised, end_of_input):
    shell = terminal.Terminal(line_editing=False)
    shell.editor = _Editor(raised)
    with pytest.raises(terminal.Stopped) as stopped:
        shell.ask(">")
    assert stopped.value.end_of_input is end_of_input


def test_completion_by_any_part_of_a_name_not_for_numbers():
    names = ["Администрация Угловского района Алтайского края",
             "Администрация Локтевского района Алтайского края"]
    completer = terminal._completer(names)

    def completions(text, requested=False):
        return [c.text for c in completer.get_completions(
            Document(text), CompleteEvent(completion_requested=requested))]

    assert completions("угл") == names[:1]
    assert completions("РАЙОНА") == names
    assert completions("12") == []
    assert completions("") == [] and completions("", requested=True) == names


def test_a_completed_name_picks_it_though_a_longer_name_holds_it():
    options = [("a", "акимат района Шарбакты"), ("b", "акимат района Шарбакты Павлодарской")]
    assert terminal._pick_one("Акимат района Шарбакты", options) == "a"
    with pytest.raises(Invalid):
        terminal._pick_one("Шарбакты", options)


# --- §10: the two letters' numbers and dates ------------------------------------------------


def test_the_letters_numbers_and_dates_say_which_letter(tmp_path):
    result = _interview(tmp_path, _approval_script(), "--stage", "approval")
    assert result.exit_code == 0, result.output
    asked, review = result.output.split("Ваши ответы:")
    notice = asked.index("— Уведомление о переговорах —")
    request = asked.index("— Запрос о согласовании —")
    assert notice < asked.index("Исходящий номер", notice) < request
    assert asked.index("Исходящий номер", request) > request
    assert "Уведомление о переговорах: исходящий номер: 01-15/54" in review
    assert "Уведомление о переговорах: исходящая дата: 20.11.2026" in review
    assert "Запрос о согласовании: исходящий номер: —" in review
    assert "\n  35. Исходящий номер" not in review


# --- §11: after the build; going on from a file; the resume hint ---------------------------


def test_after_the_build_the_deadlines_and_what_next(tmp_path):
    out = tmp_path / "out"
    result = _interview(tmp_path, _approval_script(), "--stage", "approval",
                        "--build", str(out))
    assert result.exit_code == 0, result.output
    after = result.output.split(f"записано: {tmp_path / 'answers.yaml'}")[1]
    assert _(_BUILDING).format(folder=out) in after
    assert "сроки:" in after
    assert "Уведомление о намерении провести переговоры" in after.split("сроки:")[1]
    assert (f"xbdocs interview --from {tmp_path / 'answers.yaml'} --stage registration "
            "--build ПАПКА") in after
    assert "check-sheet.docx" in after


def test_after_an_agreement_build_the_approval_is_next(tmp_path):
    out = tmp_path / "out"
    result = _interview(tmp_path, MUNICIPAL, "--build", str(out))
    assert result.exit_code == 0, result.output
    assert f"    xbdocs registry add {out}\n" in result.output
    assert "--stage approval --build ПАПКА" in result.output
    assert "сроки:" not in result.output


def test_without_build_it_says_how_to_build(tmp_path):
    result = _interview(tmp_path, MUNICIPAL)
    assert f"xbdocs build {tmp_path / 'answers.yaml'} -o ПАПКА" in result.output


def test_from_a_file_only_what_the_stage_adds_is_asked(tmp_path):
    assert _interview(tmp_path, MUNICIPAL).exit_code == 0
    made = tmp_path / "answers.yaml"
    before = yaml.safe_load(made.read_text(encoding="utf-8"))
    from click.testing import CliRunner

    from xbdocs.cli import cli

    script = ["", "", "", *FILING, ""]          # no OGRN, phone, e-mail; the filing; review
    result = CliRunner().invoke(cli, ["interview", "--from", str(made), "--stage",
                                      "approval"], input="".join(f"{x}\n" for x in script))
    assert result.exit_code == 0, result.output
    asked = result.output.split("Ваши ответы:")[0]
    # Nothing the agreement asked (nor what it left empty: INN, own areas) is asked again.
    for question in ("Какое соглашение", "Российская сторона", "Своё направление", "ИНН",
                     "Дата подписания"):
        assert question not in asked, question
    assert "4. ОГРН" in asked and "31. Исполнитель" in asked
    after = yaml.safe_load(made.read_text(encoding="utf-8"))     # written back into it
    assert after["filing"]["executor"]["name"] == "Орлова Ирина Сергеевна"
    assert after["filing"]["notice"]["number"] == "01-15/54"
    assert {k: v for k, v in after.items() if k != "filing"} == before
    assert not store.draft_path(made).exists()


def test_from_a_file_into_another(tmp_path):
    assert _interview(tmp_path, MUNICIPAL).exit_code == 0
    made = tmp_path / "answers.yaml"
    text = made.read_text(encoding="utf-8")
    script = ["", "", "", *FILING, ""]
    result = _interview(tmp_path, script, "--from", str(made), "--stage", "approval",
                        name="approval.yaml")
    assert result.exit_code == 0, result.output
    assert made.read_text(encoding="utf-8") == text
    assert "filing" in yaml.safe_load((tmp_path / "approval.yaml").read_text("utf-8"))
    # Another file that exists is not overwritten without --force.
    again = _interview(tmp_path, script, "--from", str(made), name="approval.yaml")
    assert again.exit_code == 1 and "уже существует" in str(again.exception) + again.output


def test_from_a_file_with_a_mistake_says_what_check_says(tmp_path):
    made = tmp_path / "bad.yaml"
    made.write_text("track: municipal\nparties: 5\n", encoding="utf-8")
    result = _interview(tmp_path, [""], "--from", str(made))
    assert result.exit_code != 0
    assert "parties" in result.output + str(result.exception)
    assert made.read_text(encoding="utf-8") == "track: municipal\nparties: 5\n"


def test_the_resume_hint_repeats_the_options_given(tmp_path):
    out = tmp_path / "out"
    result = _interview(tmp_path, MUNICIPAL[:4], "--build", str(out), "--ui-lang", "ru")
    assert result.exit_code == 1
    assert (f"xbdocs interview -o {tmp_path / 'answers.yaml'} --resume --build {out} "
            "--ui-lang ru") in result.output
    result = _interview(tmp_path, MUNICIPAL[4:8], "--resume", "--build", str(out))
    assert f"--resume --build {out}\n" in result.output


def test_a_path_with_spaces_is_quoted_in_the_hint(tmp_path):
    folder = tmp_path / "мои ответы"
    folder.mkdir()
    result = _interview(folder, MUNICIPAL[:3])
    assert f'xbdocs interview -o "{folder / "answers.yaml"}" --resume' in result.output


# --- §13: re-asked questions, defaults, echoes, neighbours, the basis to act on ------------


def test_a_reasked_question_keeps_its_number_and_the_current_answer(tmp_path):
    script = list(MUNICIPAL)
    # The term from the review (23): one's own, 3 years; then again: the 3 is offered.
    script[-1:] = ["23", "нет", "3", "", "", "12",
                   "23", "нет", "", "", "", "",
                   "28", "",                       # the date of signing, again: kept
                   ""]
    result = _interview(tmp_path, script)
    assert result.exit_code == 0, result.output
    reviews = result.output.split("Ваши ответы:")
    assert len(reviews) == 5
    assert "\n23. Срок: 5 лет" in reviews[1]
    assert "\n23. Срок: 5 лет" in reviews[2] and "24. Срок действия, лет\n[3] >" in reviews[2]
    assert "[нет] >" in reviews[2]
    assert "\n28. Дата подписания (Enter — оставить место)\n[15.12.2026] >" in reviews[3]
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["term"] == {"years": 3, "renewal": True, "renewal_years": 3,
                            "notice_months": 12}
    assert str(data["signing"]["date"]) == "2026-12-15"


def test_a_choice_typed_by_name_is_said_back(tmp_path):
    result = _interview(tmp_path, MUNICIPAL[:9])
    echoed = [line for line in result.output.splitlines() if "  → " in line]
    # «угл» and «бородул»; a number picks what the list shows beside it: nothing said back.
    assert [line.split("  → ")[1] for line in echoed] == [
        "Администрация Угловского района Алтайского края",
        "акимат Бородулихинского района области Абай"]


def test_a_russian_signatory_does_not_act_on_a_kazakh_law(tmp_path):
    result = _interview(tmp_path, MUNICIPAL[:7])
    russian = result.output.split("На основании чего действует подписант")[1]
    assert "Устав" in russian and "Закон Республики Казахстан" not in russian
    session = flow.Session({}, "agreement", catalogue.load())
    russian_q, kazakh_q = flow.BY_ID["russian-acts-on"], flow.BY_ID["kazakh-acts-on"]
    assert "kz-local-government-law" not in dict(flow.choices(russian_q, session))
    assert "kz-local-government-law" in dict(flow.choices(kazakh_q, session))
    with pytest.raises(Invalid):
        flow.validate(russian_q, "kz-local-government-law", session)


def test_the_engine_numbers_a_reasked_question_as_the_review_does():
    engine = Interview.start("agreement", "ru", today=None)
    engine.answer("track", "municipal")
    engine.answer("russian-party", "altai-uglovsky-district")
    engine.answer("russian-inn", None)
    assert engine.next_question().number == 4
    engine.change("russian-party")
    again = engine.next_question()
    assert (again.id, again.number) == ("russian-party", 2)


# --- §14: each warning once, grouped; a word during the pauses -----------------------------


def test_the_approval_warnings_are_printed_once_and_grouped(tmp_path):
    result = _interview(tmp_path, _approval_script(), "--stage", "approval",
                        "--build", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    output = result.output
    assert output.count("tracks.municipal.steps[notice]") == 1
    assert output.count("запись каталога «altai-uglovsky-district»") == 1
    warned = output.split("Стоит знать перед отправкой:")[1]
    # The profile's unverified items under one heading («не проверено:»), each once.
    headings = re.findall(r"\n  ([^\n—]+):\n    — ", warned)
    assert len(headings) == 1, warned
    assert "\n    — срок «Уведомление о намерении" in warned
    assert _(_CHECKING) in output.split("Ваши ответы:")[-1]
    building = _(_BUILDING).format(folder=tmp_path / "out")
    assert output.index(building) < output.index("agreement.ru.docx")


def test_a_warning_is_not_repeated_after_a_fix(tmp_path):
    """An error sends the clerk back to a question; checked again, the warnings said
    before are not said again."""
    script = _approval_script()
    at = script.index("20.11.2026")
    script[at] = "20.12.2026"                      # the notice after the negotiations
    script += ["1", "1.12.2026",                   # the question at fault: kept as it was
               "35", "20.11.2026", ""]            # the notice's date from the review
    result = _interview(tmp_path, script, "--stage", "approval")
    assert result.exit_code == 0, result.output
    assert "Из-за этого документы не примут:" in result.output
    assert result.output.count("запись каталога «altai-uglovsky-district»") == 1
    assert result.output.count(_(_CHECKING)) == 2


def test_grouping_by_what_the_warnings_begin_with(capsys):
    from xbdocs.findings import WARNING, Finding

    terminal._grouped(terminal.Terminal(line_editing=False), [
        Finding("XB012", WARNING, "", "не проверено: срок «а»"),
        Finding("XB012", WARNING, "", "не проверено: адресат «б»"),
        Finding("XB014", WARNING, "", "запись каталога «в» не сверена")])
    assert capsys.readouterr().out == ("  не проверено:\n    — срок «а»\n    — адресат «б»\n"
                                       "  — запись каталога «в» не сверена\n")
    assert terminal._common_head(["одно"]) == ""
    assert terminal._common_head(["а: б", "в: г"]) == ""


# --- §12: what is plainly not the answer -----------------------------------------------------


def test_text_plainly_typed_at_the_wrong_question_is_refused(tmp_path):
    script = list(MUNICIPAL)
    at = script.index("Петрова Елена Викторовна")
    script[at:at + 3] = ["Развитие связей.", "Петрова Елена Викторовна",
                         "?", "глава Угловского района",
                         "глава Угловского района", "Углов ауданының басшысы"]
    result = _interview(tmp_path, script)
    assert result.exit_code == 0, result.output
    assert _("«{text}» does not read as a person's full name: surname, name and patronymic, "
             "each with a capital letter").format(text="Развитие связей.") in result.output
    assert _("«{text}» has no letters: words are expected here").format(text="?") \
        in result.output
    assert _("«{text}» is the Russian text again; the Kazakh one is needed here").format(
        text="глава Угловского района") in result.output
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["parties"]["russian"]["signatory"]["position"] == {
        "ru": "глава Угловского района", "kk": "Углов ауданының басшысы"}


@pytest.mark.parametrize("name", ["Петрова Елена Викторовна", "Мамедов Эльдар Рашид оглы",
                                  "Орлова И.С.", "Салтыков-Щедрин Михаил Евграфович",
                                  "Жұмабаев Ерлан Серікұлы"])
def test_names_as_people_write_them_are_taken(name):
    session = flow.Session({}, "agreement", catalogue.load())
    assert flow.validate(flow.BY_ID["russian-signatory-ru"], name, session) == name


@pytest.mark.parametrize("name", ["Развитие связей.", "Иванов", "?", "петрова елена",
                                  "Петрова Елена 2"])
def test_what_is_not_a_name_is_refused(name):
    session = flow.Session({}, "agreement", catalogue.load())
    with pytest.raises(Invalid):
        flow.validate(flow.BY_ID["executor-name"], name, session)


def test_a_line_editor_that_fails_gives_way_to_plain_lines(monkeypatch):
    import io

    shell = terminal.Terminal(line_editing=False)
    shell.editor = _Editor(OSError("the console went away"))
    shell.stdin = io.StringIO("угл\n1\n")
    assert shell.ask(">", ["Администрация Угловского района"]) == "угл"
    assert shell.editor is None and shell.ask(">") == "1"
