"""Filing profiles: the shipped one, and one a user writes for another region."""

from __future__ import annotations

import pytest

from xbdocs import profile, unverified
from xbdocs.errors import InputError


def test_shipped_profile_has_both_tracks_with_sources():
    loaded = profile.load()
    assert set(loaded.tracks) == {"municipal", "regional"}
    for track in loaded.tracks.values():
        assert all(step.source for step in track.steps)
        assert all(a.source for a in track.addressees.values())
        assert track.documents("registration")[0] == "registration-application"
    assert unverified.in_profile(loaded, "municipal"), "the Altai act is unknown: unverified"


def test_documents_by_stage():
    track = profile.load().tracks["municipal"]
    assert track.documents("approval") == ["notice", "approval-request", "explanatory-note",
                                           "agreement"]
    assert "registration-application" in track.documents("all")
    assert "notice" not in track.documents("registration")


def _edited(tmp_path, old: str, new: str):
    """A copy of the shipped profile with one change, as a user would make it."""
    text = (profile.PROFILES_DIR / "altai-krai.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _problems(path) -> str:
    with pytest.raises(InputError) as info:
        profile.load(path)
    return str(info.value)


def test_broken_profile_names_the_key(tmp_path):
    broken = _edited(tmp_path, "unit: working", "unit: fortnights")
    message = _problems(broken)
    assert "tracks.municipal.steps[3].deadline.unit" in message
    assert "«fortnights» is not one of: calendar, working" in message
    assert message.startswith(f"{broken}:")


@pytest.mark.parametrize("step_id", ["../../../../elsewhere/pwn", "x" * 300, "a/b", "..", "шаг"])
def test_step_ids_that_would_name_files_badly(tmp_path, step_id):
    message = _problems(_edited(tmp_path, "- id: approval-request", f"- id: '{step_id}'"))
    assert "tracks.municipal.steps[1].id" in message and "is not a step id" in message


def test_a_step_id_given_twice(tmp_path):
    message = _problems(_edited(tmp_path, "- id: approval-request", "- id: notice"))
    assert "tracks.municipal.steps[1].id: the step id «notice» is used twice" in message


def test_a_hostile_profile_writes_nothing_anywhere(run, tmp_path):
    from tests.conftest import SAMPLES

    hostile = _edited(tmp_path, "- id: approval-request", "- id: ../../elsewhere/pwn")
    result = run("build", SAMPLES / "uglovsky-borodulikha-municipal.yaml", "-o",
                 tmp_path / "out", "--stage", "approval", "--profile", hostile, "--force",
                 "--no-sheet-count")
    assert result.code == 1 and "is not a step id" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml"]


# --- one schema: the pydantic models read the file and give its JSON Schema -------------------

@pytest.fixture(scope="module")
def validator():
    import jsonschema

    document = profile.json_schema()
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def _data(path):
    from xbdocs.yamlread import load_yaml

    return load_yaml(path.read_text(encoding="utf-8"), str(path))[0]


@pytest.mark.parametrize("path", profile.shipped(), ids=lambda p: p.stem)
def test_every_shipped_profile_satisfies_the_json_schema_and_loads(validator, path):
    assert [e.message for e in validator.iter_errors(_data(path))] == []
    loaded = profile.load(path)
    assert loaded.id == path.stem and loaded.tracks


def test_the_json_schema_refuses_what_the_reader_refuses(validator, tmp_path):
    for old, new in (("unit: working", "unit: fortnights"), ("- id: approval-request",
                                                             "- id: ../x"),
                     ("name: Алтайский край", "name: Алтайский край\nnmae: x"),
                     ("      article: статья 12\n", "      article: статья 12\n      text: x\n")):
        path = _edited(tmp_path, old, new)
        assert list(validator.iter_errors(_data(path))), new
        _problems(path)


#: Faults a user might make at once: the change, the message, and the line it names (the
#: n-th line holding a text).
FAULTS = [
    ("name: Алтайский край", "name: Алтайский край\nnmae: x",
     "nmae: unknown key; did you mean «name»?", ("nmae: x", 1)),
    ("date: 26.07.2017", "date: 31.02.2017",
     "tracks.municipal.basis.date: «31.02.2017» is not a day of the calendar",
     ("date: 31.02.2017", 1)),
    ("        body: Правительство Алтайского края\n",
     "        bdy: Правительство Алтайского края\n",
     "tracks.municipal.addressees.government.bdy: unknown key; did you mean «body»?",
     ("bdy:", 1)),
    ("- id: approval-request", "- id: notice",
     "tracks.municipal.steps[1].id: the step id «notice» is used twice", ("- id: notice", 2)),
    ("to: government", "to: governmnet",
     "tracks.municipal.steps[1].to: «governmnet» is not one of: government, registrar",
     ("to: governmnet", 1)),
    ("days: 30,", "days: '30',",
     "tracks.municipal.steps[2].deadline.days: expected a whole number, got «30»",
     ("days: '30'", 1)),
    ("unit: working", "unit: fortnights",
     "tracks.municipal.steps[3].deadline.unit: «fortnights» is not one of: calendar, working",
     ("unit: fortnights", 1)),
    ("items: [registration, title", "items: [registraton, title",
     "tracks.municipal.register_fields.items[0]: «registraton» is not one of",
     ("items: [registraton", 1)),
    ("      kind: Федеральный закон\n      date: 04.01.1999", "      date: 04.01.1999",
     "tracks.regional.basis.text: required, but missing: give the fact as «text», or an act "
     "by its parts with «kind»", ("    basis:", 2)),
]


def _line(text: str, marker: str, nth: int) -> int:
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    return numbers[nth - 1]


def test_a_broken_profile_gets_every_problem_with_its_line(tmp_path):
    text = (profile.PROFILES_DIR / "altai-krai.yaml").read_text(encoding="utf-8")
    for old, new, _message, _where in FAULTS:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        profile.load(path)
    problems = info.value.problems
    for _old, _new, message, where in FAULTS:
        found = [p for p in problems if message in str(p)]
        assert len(found) == 1, (message, [str(p) for p in problems])
        assert found[0].line == _line(text, *where), message
        assert f"{path}:{found[0].line}: {message}" in str(info.value)
    assert [p.line for p in problems] == sorted(p.line for p in problems), "in file order"
    # The regional basis gave its act's parts without its kind: each part is named too.
    assert {p.path for p in problems} >= {f"tracks.regional.basis.{part}"
                                          for part in ("date", "number", "title")}


def test_a_fact_is_a_text_or_an_act_by_its_parts(tmp_path):
    both = _problems(_edited(tmp_path, "      article: статья 12\n",
                             "      article: статья 12\n      text: x\n"))
    assert "tracks.municipal.basis.text: give the fact as «text» or as an act by its parts " \
           "with «kind», not both" in both
    cited = profile.load().tracks["municipal"].basis.text
    assert cited.startswith("статьёй 12 Федерального закона от 26.07.2017 № 179-ФЗ")


def test_a_profile_without_the_lists_of_facts(tmp_path):
    """The refusal grounds and the register's fields may be left out: no grounds, every
    field, and both noted as not given."""
    text = (profile.PROFILES_DIR / "orenburg.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.split("    refusal_grounds:")[0], encoding="utf-8")
    track = profile.load(path).tracks["municipal"]
    assert track.refusal_grounds == () and track.register_fields == profile.REGISTER_FIELDS
    assert track.refusal_fact.source == "не указано в профиле"  # data the documents quote: Russian
    assert not track.register_fact.verified


def test_a_read_profile_cannot_be_changed():
    """One read profile serves every build of a process (it is cached)."""
    from pydantic import ValidationError

    step = profile.load().tracks["municipal"].steps[0]
    with pytest.raises(ValidationError):
        step.title = "changed"
    assert isinstance(step.documents, tuple) and hash(step)


def test_schema_command_gives_each_kind(run, tmp_path):
    import json

    from xbdocs import catalogue, plans, schema

    result = run("schema", "--kind", "profile")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document == profile.json_schema()
    assert document["title"] == "xbdocs filing profile"
    assert set(document["properties"]) == {"id", "region", "name", "tracks"}
    assert json.loads(run("schema", "--kind", "plan").out) == plans.json_schema()
    assert json.loads(run("schema").out) == schema.json_schema(catalogue.load())
    target = tmp_path / "profile.schema.json"
    assert run("schema", "--kind", "profile", "-o", target).code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == document
    assert run("schema", "--kind", "letterhead").code == 2
