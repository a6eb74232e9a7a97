from __future__ import annotations

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


@pytest.fixture
def run(capsys):
    def invoke(*args: str) -> Result:
        try:
            main(["--lang", "en", *map(str, args)])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
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
