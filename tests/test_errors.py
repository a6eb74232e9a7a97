"""One error module: every error a user can cause is defined in xbdocs.errors, every input
file's problems come as an InputError naming the file, and messages are translated when
they are shown, not when they are raised."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import xbdocs
from xbdocs import errors, i18n
from xbdocs.errors import InputError, XbdocsError
from xbdocs.findings import ERROR, Finding

PACKAGE = Path(xbdocs.__file__).resolve().parent


def _error_classes_outside() -> list[str]:
    """Classes deriving from an xbdocs error, defined anywhere but errors.py."""
    names = {name for name, value in vars(errors).items()
             if isinstance(value, type) and issubclass(value, XbdocsError)}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "id", getattr(base, "attr", "")) in names
                    for base in node.bases):
                found.append(f"{path.relative_to(PACKAGE)}: {node.name}")
    return found


def test_every_error_a_user_can_cause_is_in_the_error_module():
    assert _error_classes_outside() == []
    for name in ("InputError", "FindingsError", "LetterheadError", "RegistryError",
                 "BatchError", "TemplateError", "OutputError", "CatalogueError"):
        assert issubclass(getattr(errors, name), XbdocsError)


def _raised(call, *args) -> XbdocsError:
    with pytest.raises(XbdocsError) as info:
        call(*args)
    return info.value


def test_a_message_raised_in_one_language_is_shown_in_the_language_of_who_sees_it(tmp_path):
    from xbdocs import answers

    with i18n.language("en"):
        error = _raised(answers.loads, "track: [1\n", "a.yaml")
        english = str(error)
    with i18n.language("ru"):
        russian = str(error)
    assert english.startswith("a.yaml:2: not valid YAML")
    assert russian.startswith("a.yaml:2: недопустимый YAML") or "YAML" in russian
    assert russian != english


def test_a_validation_problem_is_translated_when_shown():
    from xbdocs import answers

    with i18n.language("ru"):
        error = _raised(answers.loads, "track: regional\nbogus: 1\n", "a.yaml")
    assert isinstance(error, InputError)
    with i18n.language("en"):
        english = error.lines()
    with i18n.language("ru"):
        russian = error.lines()
    assert any("bogus" in line for line in english)
    assert english != russian
    assert all(line.startswith("a.yaml") for line in english + russian)


def test_a_register_error_is_translated_when_shown(tmp_path):
    from xbdocs.registry import store

    with i18n.language("en"):
        error = _raised(store.open_register, "nosuchdriver://u@h/db")
    with i18n.language("en"):
        english = str(error)
    with i18n.language("ru"):
        russian = str(error)
    assert english != russian


@pytest.mark.parametrize("kind", ["answers", "profile", "plan", "letterhead", "table"])
def test_every_input_file_gets_an_input_error_naming_it(tmp_path, kind):
    from xbdocs import answers, blank, plans, profile
    from xbdocs.batch import items

    path = tmp_path / {"letterhead": "bad.docx", "table": "bad.csv"}.get(kind, "bad.yaml")
    path.write_bytes(b"\xff\xfe not text" if kind != "table" else b"track\nnonsense\n")
    read = {"answers": answers.load, "profile": profile.load, "plan": plans.load,
            "letterhead": blank.load,
            "table": lambda p: [items.answers_of(item) for item in items.read(p)]}[kind]
    error = _raised(read, path)
    assert str(path) in str(error) or path.name in str(error)
    if kind != "letterhead":
        assert isinstance(error, InputError), type(error)
        assert error.problems and all(p.source for p in error.problems)


def test_a_problem_is_a_finding_without_a_code():
    problem = errors.problem("parties.kazakh", i18n.Message("required, but missing"), 4)
    assert isinstance(problem, Finding) and problem.severity == ERROR and problem.code == ""
    with i18n.language("en"):
        assert str(InputError("a.yaml", [problem])) == \
            "a.yaml:4: parties.kazakh: required, but missing"
        assert problem.as_dict()["message"] == "required, but missing"
    with i18n.language("ru"):
        assert str(problem) == "4: parties.kazakh: обязательно, но отсутствует" or \
            "[" not in str(problem)


def test_a_message_without_placeholders_keeps_its_braces():
    with i18n.language("en"):
        assert str(i18n.Message("{not a placeholder}")) == "{not a placeholder}"
        assert str(i18n.Message("{n} left").format(n=3)) == "3 left"


def test_a_file_with_many_problems_shows_the_first_hundred_and_a_count():
    problems = [errors.problem(f"row{i}", "wrong", i) for i in range(1, 100_001)]
    with i18n.language("en"):
        lines = InputError("list.csv", problems).lines()
    assert len(lines) == errors.MAX_PROBLEMS + 1
    assert lines[0] == "list.csv:1: row1: wrong"
    assert lines[-1] == "list.csv: … and 99900 more problems"


def test_an_error_crosses_a_process_boundary_whole():
    import pickle

    from xbdocs.errors import FindingsError, LetterheadError, TemplateError

    made = [InputError("a.yaml", [errors.problem("track", i18n.Message("required, but "
                                                                       "missing"), 3)]),
            FindingsError([Finding("XB001", ERROR, "parties", "do not border")]),
            LetterheadError(Path("b.docx"), "broken"), TemplateError("bad", "t.txt", 4),
            errors.RegistryError(i18n.Message("no such file"))]
    for error in made:
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        with i18n.language("ru"):
            assert again.lines() == error.lines()
        with i18n.language("en"):
            assert again.lines() == error.lines()
