"""``herbot classify``: classify values given as options, as free text, or as a CSV batch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli.batch import classify_csv
from bot.engine import classify
from bot.errors import InvalidValue
from bot.knowledge import load_sources
from intents.reading import read_report

__all__ = ["classify_command"]

# option name -> engine field name (bot.engine.FIELDS)
OPTION_FIELDS = {
    "ihc": "ihc",
    "ratio": "ish_ratio",
    "copies": "ish_copy_number",
    "probe": "ish_probe",
    "recount_same_group": "ish_recount_same_group",
    "er": "er_percent",
    "pr": "pr_percent",
    "er_allred": "er_allred_total",
    "pr_allred": "pr_allred_total",
}


@click.command("classify")
@click.argument("text", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract instead of text.")
@click.option("--ihc", metavar="SCORE", help="HER2 IHC: 0, 0-ultralow, 0-null, 1+, 2+ or 3+.")
@click.option("--ratio", metavar="N", help="Dual-probe HER2/CEP17 ratio.")
@click.option("--copies", metavar="N", help="Average HER2 copy number (signals/cell).")
@click.option("--probe", metavar="TYPE", help="ISH probe: dual or single.")
@click.option("--recount-same-group", metavar="YES|NO", help="Blinded recount stayed in the same ISH group.")
@click.option("--er", metavar="PERCENT", help="ER, % of positive tumour nuclei.")
@click.option("--pr", metavar="PERCENT", help="PR, % of positive tumour nuclei.")
@click.option("--er-allred", metavar="TOTAL", help="ER Allred total score (0, 2-8).")
@click.option("--pr-allred", metavar="TOTAL", help="PR Allred total score (0, 2-8).")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Classify every row of a CSV file (columns as in the gold cases).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where --csv writes its results.")
def classify_command(
    text: tuple[str, ...], as_json: bool, csv_path: Path | None, out: Path | None, **options: str
) -> None:
    """Classify HER2, ER and PR values by the ASCO/CAP rules.

    Give the values as options, as free text (a pasted report fragment works), or both:

        herbot classify --ihc 2+ --ratio 1.6 --copies 3.2 --er 90 --pr 20

        herbot classify "IHC 2+, HER2/CEP17 1.6, copy# 3.2, ER 90%, PR 20%"
    """
    if csv_path is not None:
        sys.exit(classify_csv(csv_path, out))
    given = {OPTION_FIELDS[name]: value for name, value in options.items() if value is not None}
    try:
        reading = read_report(" ".join(text), given)
    except InvalidValue as error:
        click.echo(f"herbot classify: {error}", err=True)
        sys.exit(2)
    if reading.identifiers:
        click.echo(
            "herbot classify: patient identifiers were ignored and not kept (" + ", ".join(reading.identifiers) + ").",
            err=True,
        )
    if text and not reading.recognised:
        click.echo("herbot classify: no HER2, ER or PR values were recognised in the text.", err=True)
    result = classify(reading.report)
    sources = load_sources()
    # Each output imports only what it renders with (the JSON contract module brings in the router).
    if as_json:
        from bot.render.contract import classification_json

        click.echo(json.dumps(classification_json(result, sources), ensure_ascii=False, indent=2))
    else:
        from bot.render.text import TextRenderer
        from intents.classify_values import explain_classification

        click.echo(TextRenderer(sources).render(explain_classification(result), full=True))
