"""Hostile and broken templates end in an error naming the template, quickly, and write
nothing: no escape from the templates folder, no unbounded time or memory."""

from __future__ import annotations

import time

import pytest

from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "altai-pavlodar-2012.yaml"


@pytest.fixture(autouse=True)
def short_clock(monkeypatch):
    from xbdocs import sandbox

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 1.0)


@pytest.mark.parametrize("body, expected", [
    ("{% for i in range(10**9) %}x{% endfor %}", "a number argument over 10000"),
    ("{% for i in range(9000) %}{% for j in range(9000) %}{% for k in range(9000) %}"
     "{% endfor %}{% endfor %}{% endfor %}", "it ran longer than"),
    ("{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
     "it ran longer than"),
    ("{{ 'x' * 1500000000 }}", "a value of more than 200000"),
    ("{{ 10 ** 10 ** 10 }}", "a power too large"),
    ("{{ '%999999999s' % 'x' }}", "a format with a width"),
    ("{{ '{:999999999}'.format(1) }}", "a format with a width"),
    ("{{ 'x'|center(1000000000) }}", "a number argument over 10000"),
    ("{{ ('x' * 100000)|replace('x', 'y' * 100000) }}", "a value of more than"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls or includes itself"),
    ("{% include 'ru/notice.txt' %}", "calls or includes itself"),
    ("{{ lipsum(100000) }}", "«lipsum»"),
    ("{{ money('NaN') }}", "cannot render"),
    ("{{ ''.__class__.__mro__ }}", "not allowed in a template"),
])
def test_hostile_template_is_stopped(run, templates_copy, tmp_path, body, expected):
    (templates_copy / "ru" / "notice.txt").write_text(f"@title\n{body}\n", encoding="utf-8")
    start = time.perf_counter()
    result = run("build", SAMPLE, "-o", tmp_path / "out", "--templates", templates_copy,
                 "--stage", "approval", "--no-sheet-count")
    assert time.perf_counter() - start < 30
    assert result.code == 1, result.err
    assert expected in result.err
    assert "templates/ru/notice.txt" in result.err
    assert not (tmp_path / "out").exists()


def test_a_link_out_of_the_folder_is_not_followed(run, templates_copy, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("@title\nSECRET-OUTSIDE\n", encoding="utf-8")
    target = templates_copy / "ru" / "agreement.txt"
    target.unlink()
    target.symlink_to(secret)
    result = run("build", SAMPLE, "-o", tmp_path / "out", "--templates", templates_copy)
    assert result.code == 1
    assert "templates/ru/agreement.txt: leads outside the templates folder" in result.err
    assert "SECRET" not in result.err
    assert not (tmp_path / "out").exists()
    lint = run("templates", "lint", templates_copy)
    assert lint.code == 1 and "leads outside the templates folder" in lint.out


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.write_bytes("@title\nкириллица\n".encode("cp1251")), "not UTF-8 text"),
    (lambda p: (p.unlink(), p.mkdir()), "not a file (a folder?)"),
    (lambda p: p.write_bytes(b"@title\n" + b"x" * 300_000), "too large for a template"),
])
def test_unreadable_templates(run, templates_copy, tmp_path, make, expected):
    make(templates_copy / "ru" / "notice.txt")
    result = run("build", SAMPLE, "-o", tmp_path / "out", "--templates", templates_copy,
                 "--stage", "approval", "--no-sheet-count")
    assert result.code == 1 and expected in result.err, result.err
    assert "templates/ru/notice.txt" in result.err
    lint = run("templates", "lint", templates_copy)
    assert lint.code == 1 and expected in lint.out


def test_the_clock_never_fires_outside_its_block():
    """However the watchdog and the block race, its interrupt is raised inside the block
    (as Limit) or not at all."""
    from xbdocs import sandbox

    for index in range(300):
        try:
            with sandbox.clock(0.0005 * (index % 4)):
                sum(range(index * 10))
        except sandbox.Limit:
            pass
    for _ in range(100_000):  # a stray interrupt would be raised in this loop
        pass
