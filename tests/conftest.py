from __future__ import annotations

import contextlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from docx import Document

from xbdocs import i18n
from xbdocs.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TEMPLATES = ROOT / "templates"


@pytest.fixture(autouse=True, scope="session")
def own_cache(tmp_path_factory):
    """The tests' disk cache is their own (never the user's ~/.cache), shared by the session
    so it is exercised warm as well as cold."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("XBDOCS_CACHE_DIR")
    os.environ["XBDOCS_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("XBDOCS_CACHE_DIR", None)
    else:
        os.environ["XBDOCS_CACHE_DIR"] = previous


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def english_messages():
    """Tests read messages in English unless they switch; Russian is checked on purpose."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _exit_code(args: tuple, lang: str | None) -> int:
    """Run ``xbdocs [--lang LANG] ARGS…`` in this process; its exit code."""
    try:
        main([*(["--lang", lang] if lang else []), *map(str, args)])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0  # pragma: no cover - main always exits


def cli(*args: object, lang: str | None = "en") -> Result:
    """One xbdocs command run in this process, with what it printed: for where the ``run``
    fixture cannot go (a module-scoped fixture, a forked process). Tests take ``run``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = _exit_code(args, lang)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run(capsys):
    """How a test runs an xbdocs command: ``run("build", path, "-o", out)`` runs
    ``xbdocs --lang en build …`` in this process and gives its exit code and output.
    ``lang=`` picks the message language (None: no ``--lang``, the default decides).
    A real process only where one is the point (start-up, signals, packaging)."""
    def invoke(*args: object, lang: str | None = "en") -> Result:
        code = _exit_code(args, lang)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    return invoke


def sample(name: str = "altai-pavlodar-2012") -> dict:
    return yaml.safe_load((SAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def write_answers(tmp_path):
    def write(data: dict | str, name: str = "answers.yaml") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path
    return write


@pytest.fixture
def templates_copy(tmp_path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    return target


def plain(text: str) -> str:
    """Text with its no-break spaces, hyphens and word joiners read as plain text."""
    return text.replace("\u00a0", " ").replace("\u2011", "-").replace("\u2060", "")


def docx_text(path: Path, exact: bool = False) -> str:
    """The text of a DOCX's paragraphs and cells. No-break spaces and hyphens read as plain
    ones unless ``exact`` (tests of the typesetting ask for them)."""
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    text = "\n".join(parts)
    return text if exact else plain(text)
