"""``herbot classify`` through its real argv: exact output and exit status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

V015_JSON_VALUES = {
    "ihc": "2+",
    "ish_ratio": 1.4,
    "ish_copy_number": 2.6,
    "ish_probe": "dual",
    "ish_recount_same_group": None,
    "er_percent": 95,
    "pr_percent": 40,
}


def run(*argv: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(argv))
    return result.exit_code, result.stdout, result.stderr


def test_options_print_the_json_contract() -> None:
    code, out, err = run(
        "classify", "--json", "--ihc", "2+", "--ratio", "1.4", "--copies", "2.6", "--er", "95", "--pr", "40"
    )
    data = json.loads(out)
    assert (code, err) == (0, "")
    assert (data["her2_status"], data["her2_category"], data["ish_group"], data["subtype"]) == (
        "negative",
        "low",
        5,
        "HR+/HER2-",
    )
    assert data["values"] == V015_JSON_VALUES
    assert [step["rule"] for step in data["steps"]] == [
        "ish/dual/group-5",
        "her2/dual/group-5",
        "category/low/ihc-2+-ish-negative",
        "er/percent-positive",
        "pr/percent-positive",
        "hr/positive",
        "subtype/hr+/her2-",
    ]
    assert data["missing"] == []
    assert data["guidelines"] == [
        "ASCO/CAP HER2 testing guideline 2018, affirmed 2023",
        "ASCO/CAP ER/PR testing guideline 2020",
    ]
    assert [s["id"] for s in data["sources"]] == [
        "asco-cap-her2-2018",
        "destiny-breast04",
        "asco-cap-her2-2023",
        "asco-cap-er-pr-2020",
        "seer-breast-subtypes",
    ]


def test_free_text_gives_the_same_classification_as_options() -> None:
    _, by_text, _ = run("classify", "--json", "IHC 2+, HER2/CEP17 ratio 1.4, copy# 2.6, ER 95%, PR 40%")
    _, by_options, _ = run("classify", "--json", "--ihc=2+", "--ratio=1.4", "--copies=2.6", "--er=95", "--pr=40")
    assert json.loads(by_text) == json.loads(by_options)


def test_every_step_in_json_has_rule_text_and_sources() -> None:
    _, out, _ = run(
        "classify", "--json", "--ihc", "2+", "--ratio", "2.2", "--copies", "3.5", "--recount-same-group", "yes"
    )
    steps = json.loads(out)["steps"]
    assert all(step["rule"] and step["text"] and step["sources"] for step in steps)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--ihc", "4+"), "herbot classify: ihc '4+' is not valid; allowed: 0, 0-ultralow, 0-null, 1+, 2+ or 3+.\n"),
        (
            ("--ratio=-1",),
            "herbot classify: ish_ratio '-1' is not valid; allowed: a HER2/CEP17 ratio above 0 and at most 50.\n",
        ),
        (("--er", "140"), "herbot classify: er_percent '140' is not valid; allowed: a percentage from 0 to 100.\n"),
        (
            ("--probe", "single", "--ratio", "1.5", "--copies", "3"),
            "herbot classify: ish_probe 'single' is not valid (single-probe ISH has no CEP17 probe, so it cannot "
            "give a ratio); allowed: dual (or no probe type) when a HER2/CEP17 ratio is given.\n",
        ),
    ],
    ids=["ihc-4+", "ratio-negative", "er-140", "single-with-ratio"],
)
def test_invalid_input_exits_2_with_the_error_on_stderr(argv: tuple[str, ...], message: str) -> None:
    assert run("classify", "--json", *argv) == (2, "", message)


def test_text_and_options_that_disagree_are_a_conflict() -> None:
    code, out, err = run("classify", "IHC 1+", "--ihc", "3+")
    assert (code, out) == (2, "")
    assert "ihc was reported more than once with different values ('1+' and '3+')" in err


def test_nothing_given_is_insufficient_not_an_error() -> None:
    code, out, _ = run("classify", "--json")
    data = json.loads(out)
    assert (code, data["her2_status"], data["subtype"]) == (0, "insufficient", "unknown")
    assert data["missing"] == [
        "HER2 IHC score and/or ISH result",
        "ER result (percentage of positive tumour nuclei)",
        "PR result (percentage of positive tumour nuclei)",
    ]


def test_text_output_is_a_cited_explanation() -> None:
    code, out, _ = run("classify", "--ihc", "2+")
    assert code == 0
    assert out.startswith("HER2 equivocal: ISH needed [1]\n")
    assert "Missing:\n  - ISH (reflex test on the same specimen, or a new specimen)\n" in out
    assert "Applied:\n  - ASCO/CAP HER2 testing guideline 2018, affirmed 2023\n" in out
    assert "  [1] ASCO/CAP HER2 2018: Wolff AC et al. Human Epidermal Growth Factor Receptor 2 Testing" in out


def test_identifiers_in_text_are_never_printed() -> None:
    code, out, err = run(
        "classify", "--json", "Patient: Jane Doe, MRN 8812345, DOB 03/04/1961. HER2 IHC 1+. ER 80%, PR 5%."
    )
    assert code == 0
    assert json.loads(out)["her2_category"] == "low"
    for secret in ("Jane", "Doe", "8812345", "03/04/1961", "1961"):
        assert secret not in out and secret not in err


CSV_IN = """id,ihc,ish_ratio,ish_copy_number,ish_probe,ish_recount_same_group,er_percent,pr_percent
a,2+,1.99,4.0,dual,,90,40
b,4+,,,,,90,40
c,1+,,,,,0,0
"""
CSV_OUT = """line,id,her2_status,her2_category,ish_group,subtype,missing,rules,error
2,a,needs-recount,unknown,4,unknown,blinded second-observer ISH recount (≥ 20 cells) — groups 2–4 with IHC 2+,\
ish/dual/group-4 her2/dual/group-4/ihc-2+/recount-pending category/unknown/her2-unresolved er/percent-positive \
pr/percent-positive hr/positive subtype/unknown/her2-unresolved,
3,b,,,,,,,"ihc '4+' is not valid; allowed: 0, 0-ultralow, 0-null, 1+, 2+ or 3+."
4,c,negative,low,,triple-negative,,her2/ihc-only/0-1+ category/low/ihc-1+ er/percent-negative pr/percent-negative \
hr/negative subtype/triple-negative,
"""


def test_csv_batch_reports_a_bad_row_by_line_and_goes_on(tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(CSV_IN, encoding="utf-8")
    code, out, err = run("classify", "--csv", str(source), "--out", str(target))
    assert (code, out) == (2, "")
    assert err == (
        "herbot classify: line 3: ihc '4+' is not valid; allowed: 0, 0-ultralow, 0-null, 1+, 2+ or 3+.\n"
        "herbot classify: 1 of 3 rows were invalid.\n"
    )
    assert target.read_text(encoding="utf-8") == CSV_OUT


def test_csv_batch_of_valid_rows_exits_0_to_stdout(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(CSV_IN.replace("b,4+", "b,3+"), encoding="utf-8")
    code, out, _ = run("classify", "--csv", str(source))
    assert code == 0
    assert out.splitlines()[2].startswith("3,b,positive,positive,,HR+/HER2+,")


def _installed_herbot() -> str | None:
    beside_python = Path(sys.executable).parent / "herbot"
    return str(beside_python) if beside_python.exists() else shutil.which("herbot")


@pytest.mark.skipif(_installed_herbot() is None, reason="the herbot console script is not installed")
def test_installed_console_script_runs_from_another_folder(tmp_path: Path) -> None:
    herbot = _installed_herbot()
    assert herbot is not None
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [herbot, "classify", "--json", "IHC 1+"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["her2_category"] == "low"
    text = subprocess.run(
        [herbot, "classify", "IHC 1+"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert text.stdout.startswith("HER2-negative (HER2-low) [1][2][3][4]\n")
