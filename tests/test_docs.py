"""The documentation's example is a real answers file: it must build."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.core import ParameterSource

from tests.conftest import ROOT, docx_text


def test_annotated_example_in_docs_builds(run, tmp_path):
    text = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S)[1]
    answers = tmp_path / "answers.yaml"
    answers.write_text(example, encoding="utf-8")
    result = run("build", answers, "-o", tmp_path / "out")
    assert result.code == 0, result.err
    ru = docx_text(tmp_path / "out" / "agreement.ru.docx")
    assert "между Администрацией Локтевского района Алтайского края (Российская Федерация) " \
           "и акиматом района Шарбакты Павлодарской области" in ru
    assert "«15» декабря 2026 г." in ru
    kk = docx_text(tmp_path / "out" / "agreement.kk.docx")
    assert "2026 жылғы 15 желтоқсанда Горняк қаласында" in kk
    assert "су тасқынына ден қою бойынша бірлескен жаттығулар өткізу" in kk


def test_annotated_example_builds_its_paperwork(run, tmp_path):
    text = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text(re.search(r"```yaml\n(.*?)```", text, re.S)[1], encoding="utf-8")
    result = run("build", answers, "-o", tmp_path / "out", "--stage", "approval",
                 "--no-sheet-count")
    assert result.code == 0, result.err
    notice = docx_text(tmp_path / "out" / "notice.docx")
    assert "16.11.2026 № 01-12/301" in notice
    assert "Орлова Ирина Сергеевна" in notice


# --- the clerk's documentation in Russian (README, docs/ru; issue 24 item 1) ---------------

RU = ROOT / "docs" / "ru"
README = ROOT / "README.md"
#: The README's first lines: CI (.ci/run) runs them, the first to build the sample, the second
#: the tests; the Russian user sections come after them.
SETUP = (
    "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/xbdocs build "
    "samples/altai-pavlodar-2012.yaml -o out --force",
    "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest -q",
)
#: Commands a page shows but the test only parses: they wait for a person (or a browser).
INTERACTIVE = ("interview", "serve")


def _pages() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md")), *sorted(RU.glob("*.md"))]


def _blocks(text: str) -> list[tuple[str, str]]:
    """The fenced blocks of a page, in order: (language, body)."""
    return re.findall(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)


def _commands(body: str, lang: str = "sh") -> list[list[str]]:
    """The xbdocs command lines of a block, split as a shell would (``\\`` continues a line;
    the Windows and venv spellings of the program are xbdocs too). In a block of output
    (``text``) only a line typed at a prompt, «$ xbdocs …», is a command."""
    commands = []
    prompt = r"\$ " if lang == "text" else r"(\$ )?"
    for line in body.replace("\\\n", " ").splitlines():
        typed = re.match(prompt + r"(\.venv[\\/](bin|Scripts)[\\/])?xbdocs ", line.strip())
        if typed:
            commands.append(shlex.split(line.strip()[typed.end():], comments=True))
    return commands


def _parse(args: list[str]) -> click.Command:
    """``xbdocs ARGS`` parsed as the command line would be, without running it: the command
    exists, every option is known, no argument is left over, and each value converts (a
    status, a stage, a date, a window) as the option takes it. Paths need not exist."""
    from xbdocs.cli import cli

    command, name, ctx, rest = cli, "xbdocs", None, list(args)
    while True:
        ctx = command.make_context(name, list(rest), parent=ctx, resilient_parsing=True)
        if not isinstance(command, click.Group):
            break
        rest = [*ctx._protected_args, *ctx.args]
        assert rest, f"xbdocs {' '.join(args)}: no command after «{name}»"
        name, command, rest = command.resolve_command(ctx, rest)
        assert command is not None, f"xbdocs {' '.join(args)}: no command «{name}»"
    assert not ctx.args, f"xbdocs {' '.join(args)}: left over: {ctx.args}"
    for param in command.params:
        if isinstance(param.type, click.Path | click.File):
            continue  # a path the page's reader makes; it need not exist here
        source = ctx.get_parameter_source(param.name)
        if source is ParameterSource.COMMANDLINE and ctx.params.get(param.name) is None:
            raise AssertionError(f"xbdocs {' '.join(args)}: {param.name}: not a value it takes")
    return command


def test_readme_opens_with_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert text.startswith("```sh\n" + "\n".join(SETUP) + "\n```\n")


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to «-»."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {_slug(m[1]) for m in re.finditer(r"^#+ (.+)$", text, re.M)}


def test_links_between_pages_resolve():
    """Every relative link of the README and docs (English and Russian) names a file that
    exists, and an anchor a heading of that page."""
    broken = []
    for page in _pages():
        text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, broken


def test_every_english_page_points_to_the_russian_documentation():
    for page in sorted((ROOT / "docs").glob("*.md")):
        first = page.read_text(encoding="utf-8").splitlines()[0]
        if page.name != "server.md":  # written in Russian
            assert first.startswith("> По-русски:") and "(ru/" in first, page.name


def test_russian_index_lists_every_russian_page():
    index = (RU / "README.md").read_text(encoding="utf-8")
    for page in RU.glob("*.md"):
        if page.name != "README.md":
            assert f"({page.name})" in index, page.name


def test_commands_in_russian_pages_parse():
    """Every xbdocs command the README's Russian sections and docs/ru show, in any block (sh,
    bat, text), is one the command line takes."""
    for text in map(_russian_text, ["README.md (ru)", *(p.name for p in RU.glob("*.md"))]):
        for lang, body in _blocks(text):
            for args in _commands(body, lang):
                _parse(args)


def _russian_text(page: str) -> str:
    """A page of docs/ru, or the README's Russian sections (before «# In English»)."""
    if page == "README.md (ru)":
        return README.read_text(encoding="utf-8").split("\n# In English")[0]
    return (RU / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["README.md (ru)", *sorted(p.name for p in RU.glob("*.md"))])
def test_russian_pages_commands_run(page, run, tmp_path, monkeypatch):
    """The ```sh blocks of a Russian page (or the README's Russian sections) are a session a
    clerk can type, in order, beside the shipped samples: each command runs (interview and
    serve only parse), and the lines a following ```text block shows as its output
    («записано: …», «№ 1: …», «внесено под …») are what it prints. The register is the
    test's own; «today» is the day the pages were run for (03.12.2026), so the dates they
    show stay valid."""
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XBDOCS_DB", str(tmp_path / "register.sqlite3"))
    monkeypatch.setenv("XBDOCS_TODAY", "03.12.2026")
    blocks = _blocks(_russian_text(page))
    for index, (lang, body) in enumerate(blocks):
        if lang != "sh":
            continue
        printed = ""
        for args in _commands(body):
            command = _parse(args)
            if command.name in INTERACTIVE:
                continue
            result = run(*args, lang="ru")
            allowed = (0, 3, 4) if command.name == "due" else (0,)
            assert result.code in allowed, (args, result.err)
            printed += result.out + result.err
        following = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
        if following[0] == "text":
            for line in following[1].splitlines():
                if re.match(r"(записано|№ \d+:|внесено под)", line):
                    assert line in printed, (page, line)


def test_batch_table_in_russian_docs_builds_what_it_says(run, tmp_path, monkeypatch):
    """The table of docs/ru/paket.md, saved as it says, builds its first row and reports both
    mistakes of its second, each by row and column; the report's header is the one the page
    shows."""
    text = (RU / "paket.md").read_text(encoding="utf-8")
    table = re.search(r"^```csv\n(.*?)^```", text, re.S | re.M)[1]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XBDOCS_DB", str(tmp_path / "register.sqlite3"))
    (tmp_path / "soglasheniya.csv").write_text(table, encoding="utf-8")
    result = run("batch", "soglasheniya.csv", "-o", "paket-tablica", lang="ru")
    assert result.code == 1
    shown = re.search(r"^\$ xbdocs batch soglasheniya.csv.*?\n(.*?)^```", text, re.S | re.M)[1]
    for line in shown.splitlines():
        if line.startswith("не собрано"):
            assert line in result.out + result.err, line
    report = (tmp_path / "paket-tablica" / "batch-report.csv").read_text(encoding="utf-8-sig")
    assert f"```text\n{report.splitlines()[0]}\n```" in text  # the header the page shows
    assert (tmp_path / "paket-tablica" / "uglovsky" / "agreement.ru-kk.docx").exists()
    assert not (tmp_path / "paket-tablica" / "loktevsky").exists()
