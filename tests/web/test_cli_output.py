"""Command-line output a script or a log can read: no terminal escape codes off a terminal."""

import io
import sys

from reunite.core.progress import ProgressBars


def test_progress_off_a_terminal_is_one_plain_line_per_stage(monkeypatch):
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)
    bars = ProgressBars()
    for done in range(0, 101, 10):
        bars("reading", done, 100)
    bars.close()
    assert captured.getvalue() == "reading: 100/100\n"
    assert "\x1b" not in captured.getvalue() and "\r" not in captured.getvalue()


def test_progress_with_json_asked_for_is_plain_even_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    captured = Terminal()
    monkeypatch.setattr(sys, "stderr", captured)
    bars = ProgressBars(plain=True)
    bars("matching", 5, 5)
    assert captured.getvalue() == "matching: 5/5\n"


def test_the_login_says_step_1_of_2_only_when_a_second_step_follows(client, settings):
    settings.REUNITE_MFA = "optional"
    assert "Step 1 of 2" not in client.get("/accounts/login/").content.decode()
    settings.REUNITE_MFA = "required"
    assert "Step 1 of 2" in client.get("/accounts/login/").content.decode()
