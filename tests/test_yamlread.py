"""The strict YAML reader: what a hand-written file may hold, and a one-line error with the
line for everything else — never an internal error, never unbounded memory or time."""

from __future__ import annotations

import time

import pytest

from xbdocs.errors import InputError
from xbdocs.inputs import read_text
from xbdocs.yamlread import load_yaml, parse_date


def _error(text: str) -> list[str]:
    with pytest.raises(InputError) as info:
        load_yaml(text, "a.yaml")
    return info.value.lines()


@pytest.mark.parametrize("text, expected", [
    ("a: &x 1\nb: *x\n", "a.yaml:1: a: anchors («&x») are not allowed"),
    ("a: [1]\nb: *nowhere\n", "a.yaml:2: b: aliases («*name») are not allowed"),
    ("a: &a [*a]\n", "a.yaml:1: a: anchors («&a») are not allowed"),
    ("a: !!python/object/apply:os.system ['true']\n",
     "a.yaml:1: a: tags («!!python/object/apply:os.system») are not allowed"),
    ("a: !!int abc\n", "a.yaml:1: a: tags («!!int») are not allowed"),
    ("a: !custom x\n", "a.yaml:1: a: tags («!custom») are not allowed"),
    ("a: !!binary aGVsbG8=\n", "a.yaml:1: a: tags («!!binary»)"),
    ("<<: {track: regional}\n", "a.yaml:1: merge keys («<<») are not allowed"),
    ("s:\n  <<: {track: regional}\n", "a.yaml:2: s: merge keys («<<») are not allowed"),
    ("a: " + "[" * 500 + "]" * 500 + "\n", "a.yaml:1: a" + "[0]" * 19 + ": nested more than 20"),
    ("? [a, b]\n: 1\n", "a.yaml:1: a key must be plain text"),
    ("a: 1\n---\nb: 2\n", "a.yaml:2: more than one YAML document"),
    ("a: ok\nb: x\x9by\n", "a.yaml:2: not valid YAML: the character U+009B is not allowed"),
    ("", "a.yaml: the file is empty"),
    ("# only a comment\n", "a.yaml: the file is empty"),
    ("a: [1\n", "a.yaml:2: not valid YAML"),
])
def test_refused_with_the_line(text, expected):
    lines = _error(text)
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected), lines


def test_an_alias_bomb_is_refused_at_once():
    rows = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]" for p, n in zip("abcdefgh", "bcdefghi",
                                                                       strict=True)]
    start = time.perf_counter()
    lines = _error("\n".join(rows))
    assert time.perf_counter() - start < 1
    assert "anchors («&a») are not allowed" in lines[0]


@pytest.mark.parametrize("text, value", [
    ("d: 2026-02-30\n", "2026-02-30"),          # an impossible date stays text for the reader
    ("d: 2012-09-19\n", "2012-09-19"),
    ("d: 2026-01-01 25:00:00\n", "2026-01-01 25:00:00"),
    ("d: =\n", "="),
    ("n: 25:00:00\n", 90000),                   # YAML 1.1 base 60, as PyYAML reads it
    ("n: 1_000\n", 1000),
    ("b: yes\n", True),
    ("x: ~\n", None),
    ("f: .inf\n", float("inf")),
    ("s: '!!int 5'\n", "!!int 5"),
    ("k: \"a\\e[2Jb\"\n", "a\x1b[2Jb"),           # escapes stay in values; the reader judges
])
def test_plain_values(text, value):
    data, _lines = load_yaml(text, "a.yaml")
    assert list(data.values()) == [value]


def test_lines_of_key_paths():
    data, lines = load_yaml("a:\n  b:\n    - x\n    - c: 1\n", "a.yaml")
    assert data == {"a": {"b": ["x", {"c": 1}]}}
    assert lines["a"] == 1 and lines["a.b"] == 2 and lines["a.b[1]"] == 4 and lines[
        "a.b[1].c"] == 4


@pytest.mark.parametrize("value, expected", [
    ("19.09.2012", "2012-09-19"), ("2012-09-19", "2012-09-19"), (" 1.2.2020 ", "2020-02-01"),
    ("31.02.2012", "is not a day of the calendar"), ("2026-13-01", "not a day of the calendar"),
    ("9999-12-31", "outside the years 1991–2099"), ("1990-12-31", "outside the years"),
    ("tomorrow", "expected a date such as 19.09.2012"), (20120919, "expected a date"),
    ("2012-09-19T10:00", "expected a date"),
])
def test_parse_date(value, expected):
    try:
        result = parse_date(value).isoformat()
    except ValueError as exc:
        result = str(exc)
    assert expected in result


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.mkdir(), "this is a folder"),
    (lambda p: __import__("os").mkfifo(p), "not a regular file"),
    (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
    (lambda p: p.write_bytes(b"a: " + b"x" * 1_100_000), "too large"),
    (lambda p: p.write_bytes("a: кириллица\n".encode("cp1251")), "not UTF-8"),
    (lambda p: None, "no such file"),
])
def test_files_that_are_not_answers(tmp_path, make, expected):
    path = tmp_path / "answers.yaml"
    make(path)
    with pytest.raises(InputError) as info:
        read_text(path, "an answers file")
    assert expected in str(info.value)


def test_utf8_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes("\ufefftrack: municipal\n".encode())
    assert read_text(path, "x") == "track: municipal\n"


def test_a_date_is_described_as_a_clerk_writes_it():
    import datetime as dt

    from xbdocs.yamlread import describe

    assert describe(dt.date(2012, 9, 20)) == "20.09.2012"
