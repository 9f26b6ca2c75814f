"""``herbot ask``, ``herbot chat`` and ``herbot eval`` through their real argv."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from intents.detection.examples import load_eval_set


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run herbot in an empty folder with its own SQLite store."""
    monkeypatch.chdir(tmp_path)
    env = {"HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'herbot.db'}"}

    def invoke(*argv: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(main, list(argv), env=env, input=stdin)

    return invoke


def test_ask_json_prints_the_contract(run) -> None:
    result = run("ask", "--json", "what does HER2-low mean?")
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert set(data) >= {"intent", "confidence", "answer", "values", "classification", "error", "text", "sources"}
    assert (data["intent"], data["classification"], data["error"], data["values"]) == (
        "define-her2-low",
        None,
        None,
        {},
    )
    assert data["text"].startswith("HER2-low means a HER2-negative tumour")
    assert {s["id"] for s in data["sources"]} >= {"destiny-breast04"}


def test_ask_json_names_the_question_bank_entry_and_keeps_the_topic_one_step_away(run) -> None:
    data = json.loads(run("ask", "--json", "does 2+ = her2 low?").stdout)
    assert (data["intent"], data["answer"]) == ("define-her2-low", "her2-low.is-2plus-low")
    assert data["text"].startswith("Not by itself: IHC 2+ counts as HER2-low only once ISH is negative")
    assert "More on HER2-low" in data["follow_ups"]
    assert json.loads(run("ask", "--json", "IHC 2+ ratio 1.6 copies 3.2").stdout)["answer"] is None


def test_ask_classifies_values_in_the_json_contract(run) -> None:
    data = json.loads(run("ask", "--json", "IHC 2+ FISH ratio 1.6 copy# 3.2 ER 90% PR 20%").stdout)
    assert data["intent"] == "classify-values"
    assert data["classification"]["her2_category"] == "low"
    assert data["values"]["ish_ratio"] == 1.6


def test_a_conversation_continues_across_invocations(run) -> None:
    first = json.loads(run("ask", "--json", "--conversation", "c1", "IHC 2+").stdout)
    second = json.loads(run("ask", "--json", "--conversation", "c1", "ratio 2.3, copies 3.8").stdout)
    other = json.loads(run("ask", "--json", "--conversation", "c2", "ratio 2.3, copies 3.8").stdout)
    assert first["classification"]["her2_status"] == "equivocal-needs-ish"
    assert (second["classification"]["her2_status"], second["classification"]["ish_group"]) == ("needs-recount", 2)
    assert second["values"]["ihc"] == "2+"
    assert other["classification"]["her2_status"] == "insufficient"
    cleared = json.loads(run("ask", "--json", "--conversation", "c1", "new case").stdout)
    assert cleared["values"] == {}


@pytest.mark.parametrize(
    ("message", "field", "value"),
    [("her2 4+", "ihc", "4+"), ("ER 140%", "er_percent", "140"), ("ratio -1", "ish_ratio", "-1")],
)
def test_bad_values_get_an_answer_not_a_failure(run, message: str, field: str, value: str) -> None:
    result = run("ask", "--json", message)
    data = json.loads(result.stdout)
    assert (result.exit_code, data["classification"]) == (0, None)
    assert (data["error"]["field"], data["error"]["value"]) == (field, value)
    assert data["error"]["allowed"] and f"'{value}'" in data["text"]


def test_ask_text_is_the_short_plain_rendering(run) -> None:
    result = run("ask", "tx options for TNBC?")
    assert result.exit_code == 0
    assert result.stdout.startswith("In triple-negative breast cancer chemotherapy is the backbone")
    assert "\n[1] " in result.stdout and "Sources:" not in result.stdout
    assert "Educational decision support" in result.stdout


def test_ask_full_shows_every_point_and_full_references(run) -> None:
    short, full = run("ask", "tx options for TNBC?"), run("ask", "--full", "tx options for TNBC?")
    assert (short.exit_code, full.exit_code) == (0, 0)
    assert "\nSources:\n  [1] " in full.stdout
    assert full.stdout.count("  • ") > short.stdout.count("  • ")


def test_chat_keeps_values_between_lines(run) -> None:
    result = run("chat", stdin="IHC 2+\nratio 2.3, copies 3.8\nquit\n")
    assert result.exit_code == 0
    assert "HER2 equivocal: ISH needed" in result.stdout
    assert "HER2 not final: blinded ISH recount needed" in result.stdout
    assert result.stdout.rstrip().endswith("bye")


@pytest.mark.parametrize(
    ("argv", "name"),
    [((), "held-out"), (("--set", "held-out"), "held-out"), (("--blind",), "blind"), (("--set", "blind"), "blind")],
)
def test_eval_runs_a_packaged_set_from_any_folder(run, argv: tuple[str, ...], name: str) -> None:
    result = run("eval", *argv)
    lines = result.stdout.splitlines()
    assert (result.exit_code, result.stderr) == (0, "")
    assert lines[0].split() == ["intent", "precision", "recall", "support"]
    assert next(line for line in lines if line.startswith("accuracy: ")).endswith(f"/{len(load_eval_set(name))})")
    assert "define-her2-low" in result.stdout


def test_eval_prints_every_mistake(run, tmp_path: Path) -> None:
    labelled = tmp_path / "two.yaml"
    labelled.write_text(
        "- {text: what does HER2-low mean?, intent: define-her2-low}\n- {text: quiz me on IHC, intent: prevalence}\n",
        encoding="utf-8",
    )
    result = run("eval", "--data", str(labelled))
    assert result.exit_code == 0
    assert result.stdout.endswith(
        "accuracy: 0.500 (1/2)\n\nmistakes (expected -> got, confidence: message):\n"
        "  prevalence -> quiz, 1.00: quiz me on IHC\n"
    )
