"""The guided interview, driven by scripts of answers: each track, mistakes asked again,
an edit from the review, resuming after interruptions, and the same package as `build`."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import docx_text
from xbdocs import answers, i18n, schema
from xbdocs.cli import cli
from xbdocs.interview import flow, store
from xbdocs.output import AGREEMENT_FILES

#: The shortest municipal interview with catalogue parties, agreement stage.
MUNICIPAL = [
    "1",                                   # track: municipal
    "угл",                                 # Russian party: by part of its name
    "",                                    # no INN yet
    "Петрова Елена Викторовна",
    "глава Угловского района", "Углов ауданының басшысы",
    "",                                    # acts on: the charter (default)
    "",                                    # the preview is right
    "бородул",                             # the Kazakh party
    "",                                    # no BIN yet
    "Жумабаев Ерлан Серикович", "Жұмабаев Ерлан Серікұлы",
    "аким Бородулихинского района", "Бородулиха ауданының әкімі",
    "",                                    # acts on: the Kazakh law (default)
    "",                                    # preview
    "1 3 5-7",                             # areas
    "",                                    # no area of our own
    "1 2",                                 # forms of cooperation
    "",                                    # none of our own
    "",                                    # coordination: working group
    "",                                    # plan for 2 years
    "",                                    # common term
    "15.12.2026",                          # date of signing
    "Угловское", "Углов", "2",             # place, in Kazakh, a village
    "",                                    # review: all correct
]
REGIONAL = [
    "2", "правительство", "", "Томенко Виктор Петрович", "Губернатор Алтайского края",
    "Алтай өлкесінің губернаторы", "", "", "павлодар", "", "Байханов Асаин Куандыкович",
    "Байханов Асайын Қуандықұлы", "аким Павлодарской области", "Павлодар облысының әкімі",
    "", "", "1-3", "", "1", "", "1",
    "отдел внешних связей", "сыртқы байланыстар бөлімі", "управление экономики",
    "экономика басқармасы", "3", "", "", "", "", "",
]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("XBDOCS_TODAY", "2026-11-27")
    monkeypatch.delenv("LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    i18n.set_language("ru")
    yield
    i18n.set_language("en")


def _interview(tmp_path, script, *args, name="answers.yaml"):
    from xbdocs.i18n import translate_click

    translate_click()
    runner = CliRunner()
    result = runner.invoke(cli, ["interview", "-o", str(tmp_path / name), *args],
                           input="".join(f"{line}\n" for line in script))
    return result


def test_municipal_interview_writes_a_file_that_builds_the_same_package(tmp_path, run):
    result = _interview(tmp_path, MUNICIPAL, "--build", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    written = tmp_path / "answers.yaml"
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["parties"]["russian"] == {
        "catalogue": "altai-uglovsky-district",
        "signatory": {"name": {"ru": "Петрова Елена Викторовна",
                               "kk": "Петрова Елена Викторовна"},
                      "gender": "female",
                      "position": {"ru": "глава Угловского района",
                                   "kk": "Углов ауданының басшысы"},
                      "acts_on": "charter"}}
    assert data["areas"] == ["economy", "energy", "science-education", "culture",
                             "sports-tourism"]
    assert data["term"] == flow.COMMON_TERM
    assert str(data["signing"]["date"]) == "2026-12-15"
    assert not store.draft_path(written).exists()
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Ответы для xbdocs") and "# Стороны соглашения." in text
    # The same file through `xbdocs build` gives the same bytes (same clock).
    assert run("build", written, "-o", tmp_path / "again").code == 0
    for name in AGREEMENT_FILES.values():
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "again" / name).read_bytes()
    ru = docx_text(tmp_path / "out" / "agreement.ru.docx")
    assert "в лице главы Угловского района Петровой Елены Викторовны, действующей" in ru
    questions = result.output.count("\n> ") + result.output.count("] > ")
    assert questions <= 25, questions


def test_regional_interview(tmp_path):
    result = _interview(tmp_path, REGIONAL)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["track"] == "regional"
    assert data["parties"]["russian"]["catalogue"] == "altai-krai-government"
    assert data["parties"]["kazakh"]["catalogue"] == "pavlodar-region-akimat"
    assert data["coordination"]["mode"] == "coordinators"
    assert data["entry_into_force"] == "signing"
    assert "Соглашение вступает в силу" in result.output
    parsed = answers.load(tmp_path / "answers.yaml")
    assert parsed.kazakh.signatory.gender == "male"


def test_the_kazakh_list_starts_with_the_neighbours(tmp_path):
    """The districts across the border from the Russian district are marked and come
    first (issue 24 §13)."""
    result = _interview(tmp_path, MUNICIPAL[:8])
    listing = [line for line in result.output.split("Казахстанская сторона")[1].splitlines()
               if ") " in line]
    marked = [" — граничит с выбранным районом" in line for line in listing]
    assert marked[0] and False in marked, listing
    first_unmarked = marked.index(False)
    assert not any(marked[first_unmarked:]), listing
    assert all("области Абай" in line or "Павлодарской" in line or
               "Восточно-Казахстанской" in line for line in listing[:first_unmarked]), listing
    assert any("Бородулихинского" in line for line in listing[:first_unmarked])


def test_mistakes_are_explained_and_asked_again(tmp_path):
    script = list(MUNICIPAL)
    # several fit, out of range, 5,000 digits, a superscript digit, then right
    script[1:2] = ["района", "99", "1" * 5000, "²", "угл"]
    at = script.index("1 3 5-7")
    script[at:at + 1] = ["1 3 99", "1-" + "9" * 5000, "1 3 5-7"]
    at = script.index("15.12.2026")
    script[at:at + 1] = ["31.02.2027", "1.1.1900", "15.12.2026"]
    result = _interview(tmp_path, script)
    assert result.exit_code == 0, result.output
    assert "подходят несколько" in result.output
    assert "или часть названия" in result.output and "введите номер от 1 до" in result.output
    assert "введите номера от 1 до 13" in result.output
    assert "«31.02.2027» — такого дня в календаре нет" in result.output
    assert "вне лет 1991–2099" in result.output


def test_identifiers_are_checked_at_once(tmp_path):
    script = list(MUNICIPAL)
    # The approval stage also asks for INN/OGRN, BIN and the filing's answers.
    script[2:3] = ["2279001237", "2279001236", "",   # wrong check digit, right, no OGRN
                   "", ""]                            # no phone, no e-mail
    at = script.index("Жумабаев Ерлан Серикович")
    script[at - 1:at] = ["123456789012", ""]           # a BIN that fails, then none
    at = script.index("")  # the first default after the Russian party: acts on
    del at
    tail = script.index("Угловское") + 3
    script[tail:tail] = ["Орлова Ирина Сергеевна", "+7 (38579) 2-21-43", "1.12.2026",
                         "01-15/54", "20.11.2026", "", "", "Развитие торговли",
                         "ярмарки", "", ""]
    result = _interview(tmp_path, script, "--stage", "approval")
    assert "ИНН 2279001237: неверное контрольное число" in result.output
    assert "БИН 123456789012: неверное контрольное число" in result.output
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["parties"]["russian"]["inn"] == "2279001236"
    assert data["filing"]["executor"] == {"name": "Орлова Ирина Сергеевна",
                                          "phone": "+7 (38579) 2-21-43"}


def test_an_edit_from_the_review_asks_only_what_depends_on_it(tmp_path):
    script = list(MUNICIPAL)
    script[-1:] = ["23", "нет", "3", "", "", "12", ""]   # change the term: own values
    result = _interview(tmp_path, script)
    assert result.exit_code == 0, result.output
    after_edit = result.output.split("Ваши ответы:")[1]
    assert "Срок действия, лет" in after_edit
    assert "Российская сторона\n" not in after_edit.split("Ваши ответы:")[0]
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["term"] == {"years": 3, "renewal": True, "renewal_years": 3,
                            "notice_months": 12}


@pytest.mark.parametrize("stops", [(2,), (6, 14), (9, 16, 26)])
def test_resume_after_interruptions(tmp_path, stops):
    """The input ends (as at Ctrl-D) after some answers; each --resume goes on; the file is
    the same as without interruptions."""
    done = 0
    for stop in stops:
        result = _interview(tmp_path, MUNICIPAL[done:stop], *(["--resume"] if done else []))
        assert result.exit_code == 1
        assert "xbdocs interview -o" in result.output and "--resume" in result.output
        assert store.draft_path(tmp_path / "answers.yaml").exists()
        done = stop
    result = _interview(tmp_path, MUNICIPAL[done:], "--resume")
    assert result.exit_code == 0, result.output
    _interview(tmp_path, MUNICIPAL, name="straight.yaml")
    assert (tmp_path / "answers.yaml").read_text() == (tmp_path / "straight.yaml").read_text()


def test_without_a_terminal_or_input_it_points_to_build(tmp_path):
    result = _interview(tmp_path, [])
    assert result.exit_code == 1
    assert "xbdocs build" in result.output
    assert not store.draft_path(tmp_path / "answers.yaml").exists()


def test_an_existing_file_needs_force(tmp_path):
    (tmp_path / "answers.yaml").write_text("track: municipal\n")
    result = _interview(tmp_path, MUNICIPAL)
    assert result.exit_code == 1
    assert "уже существует" in str(result.exception) or "уже существует" in result.output


def test_kazakh_interface(tmp_path):
    result = _interview(tmp_path, MUNICIPAL[:3], "--ui-lang", "kk")
    assert "Қандай келісім" in result.output and "Ресей тарапы" in result.output
    assert "Алтай өлкесі Углов ауданының әкімшілігі" in result.output


#: Sections of the answers the interview does not ask, beside flow.NOT_ASKED: an amendment
#: (дополнительное соглашение) is written by hand from docs/amendments.md and its samples;
#: the interview makes agreements.
NOT_ASKED_SECTIONS = ("amends",)


def test_every_field_is_asked_or_named_as_not_asked():
    """The interview derives from the schema; a new field must be asked or listed."""
    asked = {q.path for q in flow.QUESTIONS}

    def leaves(model, prefix=""):
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            inner = schema.model_in(info.annotation)
            if inner is not None and inner is not schema.BilingualAnswer:
                yield from leaves(inner, f"{path}.")
            else:
                yield path

    paths = [p for p in leaves(schema.Answers) if not p.startswith("parties.")]
    for side in ("russian", "kazakh"):
        paths += [p.replace("parties.party.", f"parties.{side}.")
                  for p in leaves(schema.Party, "parties.party.")]
    missing = [p for p in paths if not any(
        p == a or a.startswith(p + ".") or p.startswith(a + ".") for a in asked)
        and p not in flow.NOT_ASKED and not p.startswith("term.")
        and p.split(".")[0] not in NOT_ASKED_SECTIONS]
    assert missing == []


@pytest.mark.parametrize("name, gender", [
    ("Петрова Елена Викторовна", "female"), ("Кузнецов Илья Сергеевич", "male"),
    ("Жумабаев Ерлан Серикович", "male"), ("Жұмабаев Ерлан Серікұлы", "male"),
    ("Ахметова Айгуль Нурлановна", "female"), ("Сейітова Гүлнар Болатқызы", "female"),
    ("Мамедов Эльдар Рашид оглы", "male"), ("Ким Елена", None), ("Иванов", None),
    ("Ильина Анна Ильинична", "female"), ("Фомин Лука Ильич", "male"),
])
def test_gender_from_the_patronymic(name, gender):
    assert flow.gender_from_name(name) == gender


def test_draft_is_plain_json(tmp_path):
    _interview(tmp_path, MUNICIPAL[:4])
    draft = json.loads(store.draft_path(tmp_path / "answers.yaml").read_text())
    assert draft["values"]["track"] == "municipal"
    assert draft["done"][:2] == ["track", "russian-party"]


def test_a_party_described_by_hand(tmp_path):
    script = list(MUNICIPAL)
    at = script.index("бородул")
    script[at:at + 1] = ["0", "акимат района Шарбакты Павлодарской области",
                         "Павлодар облысы Шарбақты ауданының әкімдігі", "павлодар", "1"]
    result = _interview(tmp_path, script)
    assert result.exit_code == 0, result.output
    kazakh = yaml.safe_load((tmp_path / "answers.yaml").read_text())["parties"]["kazakh"]
    assert kazakh["name"]["kk"] == "Павлодар облысы Шарбақты ауданының әкімдігі"
    assert kazakh["region"] == "pavlodar" and kazakh["level"] == "district"
    assert "catalogue" not in kazakh


@pytest.mark.parametrize("seed", range(12))
def test_random_typing_never_breaks_it(tmp_path, seed):
    import random

    rng = random.Random(seed)
    noise = ["", "0", "1", "99", "-1", "да", "нет", "1 3 5-7", "1-99", "abc", "\x1b[2J",
             "31.02.2027", "2026-12-15", "x" * 3000, "угл", "\ue002ref0", "2279001237", " "]
    script = [rng.choice(noise + MUNICIPAL) for _ in range(rng.randrange(5, 80))]
    result = _interview(tmp_path, script)
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "\x1b" not in result.output


def test_the_whole_filing_from_the_interview(tmp_path):
    """--stage all asks what the paperwork needs, in the procedure's order, and builds every
    document of the package."""
    script = list(MUNICIPAL)
    script[2:3] = ["2279001236", "",                        # INN; no OGRN
                   "+7 (38579) 2-20-01",                    # the letterhead's phone
                   "adm(at)uglovsky", "adm@uglovsky.example.ru"]   # a wrong e-mail, a right one
    at = script.index("Угловское") + 3
    script[at:at] = [
        "Орлова Ирина Сергеевна", "+7 (38579) 2-21-43",     # executor
        "01.12.2026", "01-15/54", "20.11.2026",             # negotiations; the notice
        "01-15/60", "03.12.2026",                           # the request for approval
        "Развитие торговли", "ярмарки", "", "",             # purpose, results, financing
        "", "112-р", "09.12.2026",                          # the approval
        "01-15/70", "16.12.2026",                           # the application
    ]
    result = _interview(tmp_path, script, "--stage", "all", "--build", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output[-3000:]
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert {"notice.docx", "approval-request.docx", "registration-application.docx",
            "register-card.docx", "inventory-registration.docx"} <= set(names)
    assert "expected an e-mail address" in result.output or "ожидался адрес" in result.output
    notice = docx_text(tmp_path / "out" / "notice.docx")
    assert "тел. +7 (38579) 2-20-01; e-mail: adm@uglovsky.example.ru" in notice
    assert "ИНН 2279001236" in notice
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["filing"]["approval"] == {
        "document": "распоряжение Правительства Алтайского края", "number": "112-р",
        "date": __import__("datetime").date(2026, 12, 9)}
