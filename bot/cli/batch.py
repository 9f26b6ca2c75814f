"""``herbot classify --csv``: one result row per input row; a bad row is reported, the rest go on."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

from bot.cli.failure import CommandFailed
from bot.engine import FIELDS, classify, report_from_fields
from bot.errors import InvalidValue

__all__ = ["OUTPUT_COLUMNS", "classify_csv"]

OUTPUT_COLUMNS = ("line", "id", "her2_status", "her2_category", "ish_group", "subtype", "missing", "rules", "error")
PROGRESS_FROM_ROWS = 500


def classify_csv(path: Path, out: Path | None) -> int:
    """Classify every row of ``path`` into ``out`` (or stdout); return 0, or 2 if any row was invalid."""
    rows = _read(path)
    if out is None:
        return _write(rows, sys.stdout)
    try:
        target = out.open("w", newline="", encoding="utf-8")
    except OSError as error:
        raise CommandFailed(f"cannot write {out}: {error.strerror or error}.", command="classify") from None
    with target:
        return _write(rows, target)


def _read(path: Path) -> list[dict[str, str]]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandFailed(f"cannot read {path}: {error.strerror or error}.", command="classify") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CommandFailed(
            f"{path} is not UTF-8 text (byte 0x{raw[error.start]:02x} on line {line}); save it as UTF-8 CSV.",
            command="classify",
        ) from None
    try:
        return list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise CommandFailed(f"{path} is not a CSV file: {error}.", command="classify") from None


def _write(rows: list[dict[str, str]], target: TextIO) -> int:
    writer = csv.DictWriter(target, fieldnames=OUTPUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    invalid = 0
    with click.progressbar(
        rows, label="classifying", file=sys.stderr, hidden=len(rows) < PROGRESS_FROM_ROWS
    ) as progress:
        for result in _classify_rows(progress):
            writer.writerow(result)
            if result["error"]:
                invalid += 1
                click.echo(f"herbot classify: line {result['line']}: {result['error']}", err=True)
    if invalid:
        click.echo(f"herbot classify: {invalid} of {len(rows)} rows were invalid.", err=True)
    return 2 if invalid else 0


def _classify_rows(rows: Iterator[dict[str, str]]) -> Iterator[dict[str, object]]:
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        base = {"line": line, "id": row.get("id", "")}
        try:
            result = classify(report_from_fields({k: v for k, v in row.items() if k in FIELDS}))
        except InvalidValue as error:
            yield {**base, "error": str(error)}
            continue
        yield {
            **base,
            "her2_status": result.her2_status,
            "her2_category": result.her2_category,
            "ish_group": result.ish_group or "",
            "subtype": result.subtype,
            "missing": "; ".join(result.missing),
            "rules": " ".join(result.rules),
            "error": "",
        }
