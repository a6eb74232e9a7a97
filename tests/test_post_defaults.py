"""Issue 24, item 12: the signatories' usual posts offered as the interview's defaults, the
Kazakh one in particular (a Russian clerk rarely writes «Бородулиха ауданының әкімі»
unaided) — from data/posts.yaml by the party's kind, the territory read from the party's
own names by the language engine; in the terminal (Enter takes it) and in the browser
(the field's value); no Kazakh default that contradicts a Russian post written by hand."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from tests.test_interview import (
    MUNICIPAL,
    REGIONAL,
    _interview,
    today,  # noqa: F401  (its day and Russian, autouse)
)
from tests.test_web_interview import _client, answer_all, new_draft
from tests.web_forms import UGLOVSKY, filled, form_fields
from xbdocs import catalogue
from xbdocs.interview import flow, posts
from xbdocs.interview.engine import Interview
from xbdocs.lang import kk, ru

TODAY = dt.date(2026, 11, 27)

#: Known-correct forms: the party, the day of signing (None: not answered yet), the posts
#: offered in Russian and in Kazakh. The Kazakh territory is the genitive the party's own
#: Kazakh name has (tests/forms_kk.tsv tests those names' forms).
FORMS = [
    # Altai Krai municipal districts.
    ("altai-uglovsky-district", None, "глава Угловского района", "Углов ауданының басшысы"),
    ("altai-rubtsovsky-district", None, "глава Рубцовского района",
     "Рубцов ауданының басшысы"),
    ("altai-mikhaylovsky-district", None, "глава Михайловского района",
     "Михайлов ауданының басшысы"),
    # An Altai okrug whose body kept the district's name: its head's title by the okrug's
    # charter is not known, so nothing is offered; before it became an okrug, the
    # district's head.
    ("altai-charyshsky-district", None, None, None),
    ("altai-charyshsky-district", "2025-06-01", "глава Чарышского района",
     "Чарыш ауданының басшысы"),
    ("altai-slavgorodsky-district", None, None, None),
    ("altai-slavgorodsky-district", "2025-06-01", "глава Славгородского района",
     "Славгород ауданының басшысы"),
    # An okrug whose body's name names it.
    ("novosibirsk-karasuksky-okrug", None, "глава Карасукского муниципального округа",
     "Карасук муниципалдық округінің басшысы"),
    # Orenburg and Omsk districts.
    ("orenburg-ileksky-district", None, "глава Илекского района", "Илек ауданының басшысы"),
    ("omsk-russko-polyansky-district", None, "глава Русско-Полянского района",
     "Русская Поляна ауданының басшысы"),
    ("omsk-cherlaksky-district", None, "глава Черлакского района",
     "Черлак ауданының басшысы"),
    # Kazakh district akimats: Abai, East Kazakhstan, Pavlodar, West and North Kazakhstan.
    ("abai-borodulikha-district-akimat", None, "аким Бородулихинского района",
     "Бородулиха ауданының әкімі"),
    # Before the Abai region was formed: the name of its day, the same post.
    ("abai-borodulikha-district-akimat", "2020-05-01", "аким Бородулихинского района",
     "Бородулиха ауданының әкімі"),
    ("abai-beskaragay-district-akimat", None, "аким Бескарагайского района",
     "Бесқарағай ауданының әкімі"),
    ("east-kazakhstan-shemonaikha-district-akimat", None, "аким Шемонаихинского района",
     "Шемонаиха ауданының әкімі"),
    ("pavlodar-akkuly-district-akimat", None, "аким Аккулинского района",
     "Аққулы ауданының әкімі"),
    ("pavlodar-sharbakty-district-akimat", None, "аким Щербактинского района",
     "Шарбақты ауданының әкімі"),
    ("pavlodar-ertis-district-akimat", None, "аким Иртышского района",
     "Ертіс ауданының әкімі"),
    ("west-kazakhstan-burli-district-akimat", None, "аким Бурлинского района",
     "Бөрілі ауданының әкімі"),
    ("west-kazakhstan-baiterek-district-akimat", None, "аким района Байтерек",
     "Бәйтерек ауданының әкімі"),
    ("north-kazakhstan-zhumabayev-district-akimat", None, "аким района Магжана Жумабаева",
     "Мағжан Жұмабаев ауданының әкімі"),
    ("north-kazakhstan-ualikhanov-district-akimat", None, "аким Уалихановского района",
     "Уәлиханов ауданының әкімі"),
    ("east-kazakhstan-ridder-city-akimat", None, "аким города Риддера",
     "Риддер қаласының әкімі"),
    # The regional track.
    ("altai-krai-government", None, "Губернатор Алтайского края",
     "Алтай өлкесінің губернаторы"),
    ("pavlodar-region-akimat", None, "аким Павлодарской области", "Павлодар облысының әкімі"),
    ("abai-region-akimat", None, "аким области Абай", "Абай облысының әкімі"),
    ("west-kazakhstan-region-akimat", None, "аким Западно-Казахстанской области",
     "Батыс Қазақстан облысының әкімі"),
]


def _session(party_id: str, day: str | None = None, **values) -> flow.Session:
    cat = catalogue.load()
    party = cat.parties[party_id]
    side = "russian" if party.country == "RU" else "kazakh"
    answers = {"track": "regional" if party.level == "regional" else "municipal",
               "parties": {side: {"catalogue": party_id, **values}}}
    if day:
        answers["signing"] = {"date": day}
    return flow.Session(answers, "agreement", cat)


def _offered(session: flow.Session, side: str) -> tuple[str | None, str | None]:
    return tuple(flow.default(flow.BY_ID[f"{side}-post-{lang}"], session)
                 for lang in ("ru", "kk"))


@pytest.mark.parametrize("party_id, day, russian, kazakh", FORMS,
                         ids=[f"{p}-{d}" if d else p for p, d, _r, _k in FORMS])
def test_the_usual_posts_offered(party_id, day, russian, kazakh):
    side = "russian" if catalogue.load().parties[party_id].country == "RU" else "kazakh"
    assert _offered(_session(party_id, day), side) == (russian, kazakh)


def test_every_kazakh_default_is_the_genitive_the_partys_name_has():
    """Never an invented Kazakh form: the post's territory is, word for word, the genitive
    the catalogue's Kazakh name has before the body, and official Kazakh leaves the post
    lower case as written."""
    cat = catalogue.load()
    offered = 0
    for party in cat.parties.values():
        side = "russian" if party.country == "RU" else "kazakh"
        russian, kazakh = _offered(_session(party.id), side)
        if kazakh is None:
            continue
        offered += 1
        territory, _sep, post = kazakh.rpartition(" ")
        assert post in ("басшысы", "әкімі", "губернаторы"), kazakh
        name = party.name.kk
        assert f" {territory} " in f" {name} " and name.endswith(
            f"{territory} {name.split()[-1]}"), (kazakh, name)
        assert kk.official_case(kazakh) == kazakh
        # The agreement's preamble puts the Russian post in the genitive («в лице главы …»)
        # without a doubt.
        assert ru.inflect_phrase(russian, "genitive").doubt is None, russian
    assert offered >= 60


def test_the_posts_table_is_data_with_sources():
    items = yaml.safe_load(posts.PATH.read_text(encoding="utf-8"))["posts"]
    allowed = {"country", "level", "kind", "regions", "names", "ru", "kk", "verified",
               "source"}
    cat = catalogue.load()
    for item in items:
        assert set(item) <= allowed, item
        assert isinstance(item["verified"], bool) and item["source"], item
        assert item["country"] in ("RU", "KZ") and item["level"] in (
            "regional", "district", "city"), item
        assert item.get("kind") in (None, *cat.municipal_kinds), item
        assert set(item.get("regions") or ()) <= set(cat.regions), item
        for lang in ("ru", "kk"):
            assert item[lang].count("{territory}") == 1, item
            item[lang].format(territory="")  # no other placeholder
    assert len(posts.rules()) == len(items)


def test_a_kind_with_no_known_post_gets_no_default():
    """A region whose head's title is not in the table (the Altai Republic's head is «Глава
    Республики Алтай», not a governor) and a Russian city the table has no rule for."""
    cat = catalogue.load()
    for region, level, name in (
            ("altai-republic", "regional", ("Правительство Республики Алтай",
                                            "Алтай Республикасының Үкіметі")),
            ("altai-krai", "city", ("Администрация города Рубцовска Алтайского края",
                                    "Алтай өлкесі Рубцовск қаласының әкімшілігі"))):
        party = posts.Party("RU", region, level, None, catalogue.Bilingual(*name))
        assert posts.usual(party, cat) is None


def test_a_party_described_by_hand():
    """The name the clerk typed tells the territory; a Kazakh name not written with the
    territory in the genitive («… ауданы әкімдігі») gives no Kazakh default."""
    cat = catalogue.load()
    values = {"track": "municipal", "parties": {"kazakh": {
        "name": {"ru": "акимат Глубоковского района Восточно-Казахстанской области",
                 "kk": "Шығыс Қазақстан облысы Глубокое ауданының әкімдігі"},
        "region": "east-kazakhstan", "level": "district"}}}
    session = flow.Session(values, "agreement", cat, notes={"manual.kazakh": True})
    assert _offered(session, "kazakh") == ("аким Глубоковского района",
                                           "Глубокое ауданының әкімі")
    session.put("parties.kazakh.name.kk", "Шығыс Қазақстан облысы Глубокое ауданы әкімдігі")
    assert _offered(session, "kazakh") == ("аким Глубоковского района", None)
    # A Russian district described by hand is taken as a municipal district.
    session.put("parties.russian", {"name": {
        "ru": "Администрация Шипуновского района Алтайского края",
        "kk": "Алтай өлкесі Шипунов ауданының әкімшілігі"},
        "region": "altai-krai", "level": "district"})
    session.notes["manual.russian"] = True
    assert _offered(session, "russian") == ("глава Шипуновского района",
                                            "Шипунов ауданының басшысы")


# --- the Kazakh default follows the Russian post --------------------------------------------


@pytest.mark.parametrize("russian, offered", [
    (None, "Углов ауданының басшысы"),                      # not answered yet: a page
    ("глава Угловского района", "Углов ауданының басшысы"),
    ("Глава  Угловского  района", "Углов ауданының басшысы"),  # case and spaces
    ("первый заместитель главы Угловского района", None),
    ("глава Угловского района Алтайского края", None),
])
def test_the_kazakh_default_only_for_the_usual_russian_post(russian, offered):
    session = _session("altai-uglovsky-district")
    if russian:
        session.put("parties.russian.signatory.position.ru", russian)
    assert flow.default(flow.BY_ID["russian-post-kk"], session) == offered


def _drive(interview: Interview, script: dict, until: str | None = None) -> list[str]:
    """Answer each question from ``script``, else take its default."""
    asked_ids = []
    while (asked := interview.next_question()) is not None and asked.id != until:
        value = script[asked.id] if asked.id in script else asked.default
        assert interview.answer(asked.id, value) == [], asked.id
        asked_ids.append(asked.id)
    return asked_ids


_SCRIPT = {"track": "municipal", "russian-party": "altai-uglovsky-district",
           "russian-inn": None, "russian-signatory-ru": "Петрова Елена Викторовна",
           "russian-preview": True, "kazakh-party": "abai-borodulikha-district-akimat",
           "kazakh-bin": None, "kazakh-signatory-ru": "Жумабаев Ерлан Серикович",
           "kazakh-signatory-kk": "Жұмабаев Ерлан Серікұлы", "kazakh-preview": True,
           "areas": ["economy"], "custom-areas": [], "forms": ["delegations"],
           "custom-forms": [], "signing-date": "2026-12-15", "signing-place-ru": None}


def test_the_engine_offers_them_and_a_changed_russian_post_asks_the_kazakh_anew():
    interview = Interview.start("agreement", "en", today=TODAY)
    _drive(interview, _SCRIPT, until="russian-post-ru")
    asked = interview.next_question()
    assert (asked.id, asked.default) == ("russian-post-ru", "глава Угловского района")
    _drive(interview, _SCRIPT)
    signatory = interview.values["parties"]["kazakh"]["signatory"]
    assert signatory["position"] == {"ru": "аким Бородулихинского района",
                                     "kk": "Бородулиха ауданының әкімі"}
    # The Russian post changed from the review: the Kazakh one is asked again, and the
    # Kazakh post offered for the usual one is not offered for the new one.
    assert interview.change("russian-post-ru") == ["russian-post-ru", "russian-post-kk",
                                                   "russian-preview"]
    assert interview.answer("russian-post-ru", "глава администрации Угловского района") == []
    asked = interview.next_question()
    assert (asked.id, asked.default) == ("russian-post-kk", None)
    assert interview.answer("russian-post-kk", "Углов ауданы әкімшілігінің басшысы") == []
    # A Kazakh post of the clerk's own stays theirs when asked again.
    interview.change("russian-post-ru")
    assert interview.answer("russian-post-ru", "глава администрации Угловского района") == []
    assert interview.next_question().default == "Углов ауданы әкімшілігінің басшысы"
    # Back to the usual Russian post: still the clerk's own Kazakh one is offered.
    interview.change("russian-post-ru")
    assert interview.answer("russian-post-ru", "глава Угловского района") == []
    assert interview.next_question().default == "Углов ауданы әкімшілігінің басшысы"


def test_an_answered_kazakh_post_is_shown_as_it_is():
    """An answers file being edited keeps what it says, though its Russian post is not the
    usual one: only a question asked again drops the offer."""
    values = {"track": "municipal", "parties": {"russian": {
        "catalogue": "altai-uglovsky-district", "signatory": {"position": {
            "ru": "Глава Угловского района Алтайского края",
            "kk": "Углов ауданының басшысы"}}}}}
    interview = Interview.adopt(values, "agreement", "en", today=TODAY)
    page = {q.id: q.default for q in interview.page("signatories", previews=False)}
    assert page["russian-post-kk"] == "Углов ауданының басшысы"


# --- the doors ------------------------------------------------------------------------------


def _with_posts_by_enter(script: list[str], posts_at: tuple[int, ...]) -> list[str]:
    script = list(script)
    for at in posts_at:
        script[at] = ""
    return script


def test_the_terminal_shows_them_and_enter_takes_them(tmp_path):
    script = _with_posts_by_enter(MUNICIPAL, (4, 5, 12, 13))
    result = _interview(tmp_path, script)
    assert result.exit_code == 0, result.output
    for offered in ("глава Угловского района", "Углов ауданының басшысы",
                    "аким Бородулихинского района", "Бородулиха ауданының әкімі"):
        assert f"[{offered}]" in result.output, result.output
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["parties"]["russian"]["signatory"]["position"] == {
        "ru": "глава Угловского района", "kk": "Углов ауданының басшысы"}
    assert data["parties"]["kazakh"]["signatory"]["position"] == {
        "ru": "аким Бородулихинского района", "kk": "Бородулиха ауданының әкімі"}


def test_the_terminal_on_the_regional_track(tmp_path):
    script = _with_posts_by_enter(REGIONAL, (4, 5, 12, 13))
    result = _interview(tmp_path, script)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["parties"]["russian"]["signatory"]["position"] == {
        "ru": "Губернатор Алтайского края", "kk": "Алтай өлкесінің губернаторы"}
    assert data["parties"]["kazakh"]["signatory"]["position"] == {
        "ru": "аким Павлодарской области", "kk": "Павлодар облысының әкімі"}


def test_the_terminal_asks_the_kazakh_post_without_a_default_after_an_own_russian_one(
        tmp_path):
    script = list(MUNICIPAL)
    script[4] = "первый заместитель главы Угловского района"
    result = _interview(tmp_path, script)
    assert result.exit_code == 0, result.output
    assert "[Углов ауданының басшысы]" not in result.output
    assert "[Бородулиха ауданының әкімі]" in result.output


#: The browser's answers without the posts: the page's own values are sent for them.
_NO_POSTS = {key: value for key, value in UGLOVSKY.items() if "-post-" not in key}


def _signatories(client) -> str:
    """A new agreement's pages answered up to the signatories' page; its address."""
    address = new_draft(client, "agreement")
    while not address.endswith("/page/signatories"):
        page = client.get(address)
        response = client.post(address, data=filled(page.text, _NO_POSTS),
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        address = response.headers["location"]
    return address


def test_the_browser_form_shows_them_as_the_fields_values(tmp_path):
    with _client(tmp_path / "data") as client:
        address = _signatories(client)
        sent = form_fields(client.get(address).text)
        assert {name: sent[f"q-{name}"] for name in (
            "russian-post-ru", "russian-post-kk", "kazakh-post-ru", "kazakh-post-kk")} == {
            "russian-post-ru": ["глава Угловского района"],
            "russian-post-kk": ["Углов ауданының басшысы"],
            "kazakh-post-ru": ["аким Бородулихинского района"],
            "kazakh-post-kk": ["Бородулиха ауданының әкімі"]}
        review, _seen = answer_all(client, address, _NO_POSTS)
        text = client.get(review).text
        for post in ("глава Угловского района", "Углов ауданының басшысы",
                     "аким Бородулихинского района", "Бородулиха ауданының әкімі"):
            assert post in text, post


_OWN = "первый заместитель главы Угловского района"


def test_the_browser_does_not_take_a_kazakh_post_offered_for_another_russian_one(tmp_path):
    """The page offered both posts; the clerk wrote a Russian post of their own and sent
    the Kazakh one as offered: it is not taken, the page asks for it again, empty — and
    sent so again, it is the clerk's answer."""
    with _client(tmp_path / "data") as client:
        address = _signatories(client)
        page = client.get(address).text
        sent = filled(page, {**_NO_POSTS, "russian-post-ru": _OWN})
        response = client.post(address, data=sent, follow_redirects=False)
        assert response.status_code == 200
        fields = form_fields(response.text)
        assert fields["q-russian-post-ru"] == [_OWN]
        assert fields["q-russian-post-kk"] == [""]
        assert fields["q-kazakh-post-kk"] == ["Бородулиха ауданының әкімі"]
        again = filled(response.text, {**_NO_POSTS,
                                        "russian-post-kk": "Углов ауданының басшысы"})
        assert client.post(address, data=again, follow_redirects=False).status_code == 303
        fields = form_fields(client.get(address).text)
        assert fields["q-russian-post-kk"] == ["Углов ауданының басшысы"]


def test_the_same_when_the_russian_post_was_saved_alone(tmp_path):
    """HTMX saves the changed Russian post at once and leaves the Kazakh field as it was;
    the page sent after still does not give the offer for the usual post."""
    with _client(tmp_path / "data") as client:
        address = _signatories(client)
        page = client.get(address).text
        sent = {**form_fields(page), "q-russian-post-ru": [_OWN]}
        saved = client.post(f"{address}/field/russian-post-ru", data=sent,
                            headers={"HX-Request": "true"})
        assert saved.status_code == 200
        # The Kazakh field comes back with it, out of band, its offer gone; the Kazakh
        # side's fields, whose offers did not change, do not.
        swapped = re.search(r'<[^>]*hx-swap-oob[^>]*>.*?name="q-russian-post-kk"[^>]*>',
                            saved.text, re.S)
        assert swapped and 'value="Углов ауданының басшысы"' not in swapped.group(0)
        assert 'name="q-kazakh-post-kk"' not in saved.text
        revision = re.search(r'id="revision" value="(\d+)"', saved.text).group(1)
        stale = {**filled(page, {**_NO_POSTS, "russian-post-ru": _OWN}),
                 "revision": [revision]}
        response = client.post(address, data=stale, follow_redirects=False)
        assert response.status_code == 200
        assert form_fields(response.text)["q-russian-post-kk"] == [""]
