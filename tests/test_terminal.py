"""The interview in a real terminal (tmux), not only through CliRunner: typed answers, a
Ctrl-C that keeps them, a resume that finishes, all read back from the screen.

Skipped without tmux, unless XBDOCS_REQUIRE_TERMINAL=1 (as in CI), where that fails."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time

import pytest
import yaml

from tests.test_interview import MUNICIPAL
from xbdocs.interview import store

REQUIRED = os.environ.get("XBDOCS_REQUIRE_TERMINAL") == "1"
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None and not REQUIRED,
                                reason="tmux is not installed")


class Screen:
    """A terminal on a tmux server of its own (``-L``): closing one screen's server while
    the next starts could otherwise end the new session («server exited unexpectedly»)."""

    def __init__(self, name: str, folder, command: str) -> None:
        self.name = name
        self.tmux = ["tmux", "-L", name]
        env = f"XBDOCS_TODAY=2026-11-27 LANG=ru_RU.UTF-8 PYTHONPATH={shlex.quote(os.getcwd())}"
        subprocess.run([*self.tmux, "new-session", "-d", "-s", name, "-x", "150", "-y", "50",
                        f"cd {shlex.quote(str(folder))} && {env} {command}; "
                        "echo EXIT=$?; sleep 120"], check=True)

    def text(self) -> str:
        return subprocess.run([*self.tmux, "capture-pane", "-t", self.name, "-p", "-S", "-200"],
                              capture_output=True, text=True, check=True).stdout

    def wait_for(self, what: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            screen = self.text()
            if what in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"«{what}» did not appear:\n{self.text()}")

    def type(self, line: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", line], check=True)
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "Enter"], check=True)
        time.sleep(0.15)

    def key(self, key: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, key], check=True)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], check=False)


def test_interview_in_a_real_terminal(tmp_path):
    if shutil.which("tmux") is None:
        pytest.fail("XBDOCS_REQUIRE_TERMINAL=1 but tmux is missing")
    command = f"{shlex.quote(sys.executable)} -m xbdocs interview -o a.yaml --build out"
    first = Screen(f"xbdocs-test-{os.getpid()}-1", tmp_path, command)
    try:
        first.wait_for("1. Какое соглашение")
        for line in MUNICIPAL[:7]:
            first.type(line)
        first.wait_for("В соглашении будет написано")
        # The preview is the agreement's own preamble, wrapped to the terminal's width.
        screen = " ".join(first.wait_for("Enter — верно").split())
        assert "в лице главы Угловского района Петровой Елены Викторовны" in screen
        assert ("действующей на основании Устава муниципального образования Угловский район "
                "Алтайского края") in screen
        first.key("C-c")
        screen = first.wait_for("EXIT=1")
        assert "xbdocs interview -o a.yaml --resume" in screen
        assert "Traceback" not in screen
    finally:
        first.close()
    assert store.draft_path(tmp_path / "a.yaml").exists()
    second = Screen(f"xbdocs-test-{os.getpid()}-2", tmp_path, f"{command} --resume")
    try:
        second.wait_for("В соглашении будет написано")
        for line in MUNICIPAL[7:]:
            second.type(line)
        screen = second.wait_for("EXIT=", 90)
        assert "EXIT=0" in screen, screen
        assert "agreement.ru-kk.docx" in screen
    finally:
        second.close()
    data = yaml.safe_load((tmp_path / "a.yaml").read_text(encoding="utf-8"))
    assert data["parties"]["kazakh"]["catalogue"] == "abai-borodulikha-district-akimat"
    assert (tmp_path / "out" / "agreement.ru.docx").is_file()


def test_line_editing_history_and_completion_in_a_real_terminal(tmp_path):
    """Issue 24 §9: arrow keys move in the line (they typed «^[[D»), Up brings back an
    answer given, Tab completes a catalogue name from a part of it; Ctrl-C's hint repeats
    the options given (§11)."""
    if shutil.which("tmux") is None:
        pytest.fail("XBDOCS_REQUIRE_TERMINAL=1 but tmux is missing")
    command = (f"{shlex.quote(sys.executable)} -m xbdocs interview -o a.yaml --build out "
               "--ui-lang ru")
    screen = Screen(f"xbdocs-test-{os.getpid()}-edit", tmp_path, command)

    def literal(text: str) -> None:
        subprocess.run([*screen.tmux, "send-keys", "-t", screen.name, "-l", text], check=True)

    try:
        screen.wait_for("1. Какое соглашение")
        literal("1y")
        screen.key("Left")
        screen.key("Delete")      # the «y» after the cursor: «1» is left
        screen.key("Enter")
        screen.wait_for("2. Российская сторона")
        literal("угл")
        time.sleep(0.5)
        screen.key("Tab")         # the one name that holds «угл»
        screen.wait_for("> Администрация Угловского района Алтайского края")
        screen.key("Enter")
        screen.wait_for("3. ИНН")
        for line in ("", "Петрова Елена Викторовна", "глава Угловского района"):
            screen.type(line)
        screen.wait_for("6. Должность подписанта")
        screen.key("Up")          # the last answer, to edit into the Kazakh one
        text = screen.wait_for("по-казахски\n[Углов ауданының басшысы] > глава Угловского "
                               "района")
        assert "^[[" not in text
        screen.key("C-u")
        screen.type("Углов ауданының басшысы")
        text = screen.wait_for("7. На основании чего действует подписант")
        assert "Закон Республики Казахстан" not in text.split("7. На основании")[1]
        time.sleep(0.3)
        screen.key("C-c")
        text = " ".join(screen.wait_for("EXIT=1").split())
        assert "xbdocs interview -o a.yaml --resume --build out --ui-lang ru" in text
        assert "Traceback" not in text
    finally:
        screen.close()
    draft = store.FileDraftStore().load(str(tmp_path / "a.yaml"))
    assert draft.values["parties"]["russian"]["catalogue"] == "altai-uglovsky-district"
    assert draft.values["track"] == "municipal"
    assert draft.values["parties"]["russian"]["signatory"]["position"] == {
        "ru": "глава Угловского района", "kk": "Углов ауданының басшысы"}
