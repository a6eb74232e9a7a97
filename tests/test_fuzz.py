"""Generated answers files, valid and broken: `xbdocs build` writes valid DOCX files or exits
with a user error — never a traceback, never a partial file."""

from __future__ import annotations

import contextlib
import copy
import io
import tempfile
from pathlib import Path

import yaml
from docx import Document
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import sample
from xbdocs.build import AGREEMENT_FILES
from xbdocs.cli import main

BASES = [sample(name) for name in ("altai-pavlodar-2012", "uglovsky-borodulikha-municipal")]


def _paths(node, prefix=()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = sorted({p for base in BASES for p in _paths(base)}, key=str)

texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=5),       # control chars
    st.sampled_from(["{{ 7*7 }}", "{% if %}", "{{ ''.__class__ }}", "@clause x", "**",
                     "\ue000", "Ә&<>«»\"'", "Павлодар Pavlodar 巴甫洛达尔", "", " "]),
    st.text(min_size=2000, max_size=2100),                                   # huge
)
values = st.recursive(
    st.one_of(texts, st.integers(-10, 10**12), st.booleans(), st.none(), st.floats(),
              st.dates().map(str)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=5,
)


def _mutate(data: dict, path: tuple, action: str, value) -> dict:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return data
    last = path[-1]
    try:
        if action == "delete" and isinstance(node, dict):
            node.pop(last, None)
        elif action == "unknown" and isinstance(node, dict):
            node[f"{last}_extra"] = value
        else:
            node[last] = value
    except (IndexError, TypeError):
        pass
    return data


@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(base=st.sampled_from(BASES),
       mutations=st.lists(st.tuples(st.sampled_from(PATHS),
                                    st.sampled_from(["set", "delete", "unknown"]), values),
                          min_size=0, max_size=3),
       raw=st.one_of(st.none(), st.text(max_size=200)))
def test_build_never_crashes(base, mutations, raw):
    data = base
    for path, action, value in mutations:
        data = _mutate(data, path, action, value)
    with tempfile.TemporaryDirectory() as work:
        answers = Path(work) / "answers.yaml"
        if raw is not None and not mutations:
            answers.write_text(raw, encoding="utf-8")
        else:
            answers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        outdir = Path(work) / "out"
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                main(["--lang", "en", "build", str(answers), "-o", str(outdir)])
            except SystemExit as exc:
                code = exc.code
        event(f"exit code {code}")
        assert code in (0, 1), err.getvalue()
        assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue()
        if code == 0:
            for name in AGREEMENT_FILES.values():
                Document(str(outdir / name))  # opens: a whole, valid DOCX
        else:
            assert not outdir.exists() or list(outdir.iterdir()) == []
            assert err.getvalue().startswith("error: ")
