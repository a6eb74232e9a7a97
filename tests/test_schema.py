"""One schema of the answers: the reader validates with it, and `xbdocs schema` gives the
same rules to an editor as JSON Schema."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT, SAMPLES, sample
from xbdocs import answers, catalogue, schema
from xbdocs.lint import SPECIMEN


@pytest.fixture(scope="module")
def validator():
    document = schema.json_schema(catalogue.load())
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def _example() -> dict:
    text = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.S)[1])


def _files() -> list[tuple[str, dict]]:
    found = [(path.stem, yaml.safe_load(path.read_text(encoding="utf-8")))
             for path in sorted(SAMPLES.glob("*.yaml"))]
    return [*found, ("specimen", yaml.safe_load(SPECIMEN.read_text(encoding="utf-8"))),
            ("docs-example", _example())]


def _as_json(data):
    """What an editor sees: YAML dates are text in JSON."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("name, data", _files(), ids=[n for n, _d in _files()])
def test_every_shipped_answers_file_satisfies_the_json_schema(validator, name, data):
    errors = [e.message for e in validator.iter_errors(_as_json(data))]
    assert errors == []


@pytest.mark.parametrize("change, where", [
    (lambda d: d.update(track="federal"), "track"),
    (lambda d: d.update(copies=50), "copies"),
    (lambda d: d["term"].update(notice_month=6), "term"),
    (lambda d: d["parties"]["russian"].update(catalogue="nowhere"), "catalogue"),
    (lambda d: d.update(areas=["astrology"]), "areas"),
    (lambda d: d["parties"]["kazakh"]["signatory"].update(gender="м"), "gender"),
    (lambda d: d["signing"].update(date="19/09/2012"), "date"),
])
def test_the_editor_and_the_reader_refuse_alike(validator, change, where):
    data = sample()
    change(data)
    editor = list(validator.iter_errors(_as_json(data)))
    assert editor, "the JSON Schema let it pass"
    with pytest.raises(Exception) as info:
        answers.parse(data, {})
    assert where in str(info.value)


def test_catalogue_ids_are_offered(validator):
    document = schema.json_schema(catalogue.load())
    party = document["$defs"]["Party"]["properties"]["catalogue"]
    assert "altai-uglovsky-district" in party["enum"]
    areas = document["properties"]["areas"]["items"]
    assert "economy" in areas["enum"]


def test_schema_command(run, tmp_path):
    result = run("schema")
    assert result.code == 0 and json.loads(result.out)["title"] == "xbdocs answers"
    target = tmp_path / "answers.schema.json"
    assert run("schema", "-o", target).code == 0
    assert json.loads(target.read_text())["properties"]["track"]["enum"] == [
        "municipal", "regional"]
    again = run("schema", "-o", target)
    assert again.code == 1 and "already exists" in again.err


def test_descriptions_follow_the_message_language(capsys):
    from xbdocs import i18n

    i18n.set_language("ru")
    try:
        document = schema.json_schema(catalogue.load())
    finally:
        i18n.set_language("en")
    assert document["properties"]["term"]["description"] == "Срок, продление и уведомление."


def test_what_the_user_wrote_round_trips():
    """A dump of the validated answers gives back the file's own values, not what the
    catalogue or defaults filled in: what the interview will write."""
    data = sample("uglovsky-borodulikha-municipal")
    parsed = answers.parse(data, {})
    dumped = parsed.model_dump(mode="json", exclude_unset=True)
    assert "name" not in dumped["parties"]["russian"]
    assert answers.parse(dumped, {}) == parsed
