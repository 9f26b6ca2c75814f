"""``herbot eval`` through its argv: answers scored, sets without intents, set names, matcher cross-validation."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from intents.detection.eval_cases import PACKAGED_SETS

ANSWER_ROWS = """\
- {text: "is IHC 1+ considered HER2-low?", answer: her2-low.is-1plus-low, expect: {verdict: "yes"}}
- {text: "MRN 7730019 HER2 1+ ER 95%", expect: {her2_status: negative, her2_category: low}, identifiers: ["7730019"]}
- {text: "should my patient get T-DXd?", patient_specific: true, note: written by hand}
"""


@pytest.fixture
def run():
    def invoke(*argv: str):
        return CliRunner().invoke(main, list(argv), catch_exceptions=False)

    return invoke


def test_a_set_without_intents_is_scored_on_its_answers(run, tmp_path: Path) -> None:
    rows = tmp_path / "answers_only.yaml"
    rows.write_text(ANSWER_ROWS, encoding="utf-8")
    result = run("eval", "--data", str(rows))
    tail = result.stdout.splitlines()[-5:]
    assert (result.exit_code, tail) == (
        0,
        [
            "intent accuracy: 1.000 (0/0)",
            "answer accuracy: 1.000 (3/3)",
            "patient-specific declined: 1.000 (1/1)",
            "identifiers echoed: 0",
            "keys not read: note",
        ],
    )


@pytest.mark.parametrize(
    "name", ["held-out", "answers", "blind", "blind-b", "blind_b", "blind-c", "blind_c", "blind-d", "blind_d"]
)
def test_every_set_name_eval_takes_is_a_packaged_file(name: str) -> None:
    assert files("intents").joinpath("data", "eval", PACKAGED_SETS[name.replace("_", "-")]).is_file()


def test_cross_validation_prints_top1_and_top3_per_method(run) -> None:
    result = run("eval", "--questions", "--method", "bm25-entry-ask")
    header, row = result.stdout.splitlines()[2:4]
    assert (result.exit_code, header.split(), row.split()[0]) == (
        0,
        ["method", "top-1", "top-3", "threshold"],
        "bm25-entry-ask",
    )


def test_an_unknown_method_is_refused(run) -> None:
    result = CliRunner().invoke(main, ["eval", "--questions", "--method", "word2vec"])
    assert (result.exit_code, "unknown method word2vec" in result.output) == (2, True)
