"""One-shot commands import only what they use: ``python -X importtime`` lists every module a real process imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SERVER_AND_TERMINAL = ("sqlalchemy", "prompt_toolkit", "aiohttp", "slack_bolt", "slack_sdk")


def imported(*argv: str, cwd: Path) -> set[str]:
    """Top-level packages imported by ``herbot *argv`` (which must succeed)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot.cli", *argv],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HERBOT_DATABASE_URL": f"sqlite:///{cwd / 'herbot.db'}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.rpartition("|")[2].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {row.split(".")[0] for row in rows}


@pytest.mark.parametrize(
    "argv",
    [
        ("classify", "--json", "--ihc", "2+", "--ratio", "1.6"),
        ("classify", "IHC 2+ ratio 1.6 copies 3.2"),
        ("ask", "what is HER2-low?"),
        ("ask", "--json", "IHC 2+"),
    ],
    ids=["classify-options", "classify-text", "ask", "ask-json"],
)
def test_one_shot_commands_import_no_store_server_or_terminal(tmp_path: Path, argv: tuple[str, ...]) -> None:
    assert imported(*argv, cwd=tmp_path) & set(SERVER_AND_TERMINAL) == set()


def test_a_conversation_imports_the_store(tmp_path: Path) -> None:
    assert "sqlalchemy" in imported("ask", "--conversation", "k", "IHC 2+", cwd=tmp_path)
