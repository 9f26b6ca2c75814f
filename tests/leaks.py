"""Looking for a person's identifiers in what herbot sent, logged or stored."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path


def found(words: Iterable[str], text: str) -> list[str]:
    """The words that occur in ``text`` as whole tokens.

    A birth year is looked for as a year, not inside a longer run of letters and digits: a timestamp, an
    activity id or a hashed key holds any four digits by chance now and then.
    """
    return [word for word in words if re.search(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", text)]


def database_text(directory: Path) -> str:
    """Every row of the SQLite store in ``directory``, and the raw bytes of its files, as text."""
    with sqlite3.connect(directory / "herbot.db") as connection:
        rows = "\n".join(connection.iterdump())
    files = [path.read_bytes().decode("utf-8", "replace") for path in directory.glob("herbot.db*")]
    return "\n".join([rows, *files])
