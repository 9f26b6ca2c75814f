"""Clinical safety through ``herbot ask --json``: the real argv, the real store, one conversation across calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.fixture
def ask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``herbot ask --json --conversation c1 TEXT`` in an empty folder with its own SQLite store."""
    monkeypatch.chdir(tmp_path)
    env = {"HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'herbot.db'}"}

    def invoke(text: str) -> dict:
        result = CliRunner().invoke(main, ["ask", "--json", "--conversation", "c1", text], env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


def test_new_case_words_followed_by_values_start_a_new_case(ask) -> None:
    ask("IHC 1+ ER 0% PR 0%")
    answer = ask("new case - IHC 3+")
    assert (answer["values"]["ihc"], answer["values"]["er_percent"], answer["values"]["pr_percent"]) == (
        "3+",
        None,
        None,
    )
    assert answer["classification"]["subtype"] == "unknown"
    assert "New case: I cleared the values from earlier" in answer["text"]


def test_values_carried_over_and_replaced_are_named(ask) -> None:
    ask("IHC 1+ ER 0% PR 0%")
    answer = ask("IHC 3+")
    assert (answer["values"]["ihc"], answer["classification"]["subtype"]) == ("3+", "HR-/HER2+")
    assert 'Using ER 0% and PR 0% from earlier in this conversation; say "new case" to start over.' in answer["text"]
    assert "HER2 IHC 3+ replaces 1+ from earlier." in answer["text"]


def test_a_decision_for_a_patient_with_values_is_declined_and_classified(ask) -> None:
    answer = ask("HR+ HER2-low, ER 90% PR 10% IHC 1+, progressed on AI + palbo, T-DXd or cape next for her?")
    assert (answer["intent"], answer["classification"]["her2_category"]) == ("out-of-scope", "low")
    assert answer["text"].startswith("I can't choose a treatment, drug, sequence or dose for a specific patient")


def test_undecodable_bytes_in_argv_get_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'herbot.db'}"}
    argv = [sys.executable, "-m", "bot.cli", "ask", "--json", b"quiz me \xff\xfe".decode("utf-8", "surrogateescape")]
    done = subprocess.run(argv, capture_output=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert (done.returncode, done.stderr.decode().splitlines()) == (
        2,
        ["herbot ask: argument 'quiz me \\xff\\xfe' is not UTF-8 text."],
    )
