"""In-process costs: classification, extraction, routing and rendering, against a baseline in the same run.

Every case is timed in samples of about a millisecond; the cases take turns within each round (the
first case rotates), so drift on a shared machine touches all of them alike. The baseline is
``json.dumps`` of a gold-case row; each figure is printed as median and p95 µs per call and as a
multiple of the baseline's median.

Cold start is timed in fresh interpreters (``--cold-runs`` of them): importing the knowledge loader
and the detector, ``load_knowledge()`` and ``load_detector()`` once each, and a whole
``herbot ask`` (``python -m bot.cli ask``), against an interpreter that only starts (``python -c pass``).

    PYTHONPATH=. python -m bench.classify [--rounds 200] [--cold-runs 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.stats import format_table, summarize
from bot.engine import FIELDS, classify, report_from_fields
from bot.render.slack import SlackRenderer
from bot.render.text import TextRenderer
from bot.services import create_router
from bot.slack.inbound import encode_values
from intents.detection import load_detector
from intents.extraction import extract_values

__all__ = ["Case", "cases", "cold_start", "main", "measure"]

ROOT = Path(__file__).resolve().parents[1]
GOLD_CASES = ROOT / "tests" / "data" / "gold_cases.csv"
QUESTION = "what does HER2-low mean?"
VALUES = "IHC 2+ ratio 1.6 copies 3.2"
# A pasted pathology-report fragment (tests/data/extraction.yaml, x238).
REPORT_FRAGMENT = (
    "HER2 (4B5) IHC: Score 2+ (equivocal)\n"
    "HER2 FISH: HER2/CEP17 ratio 1.4; average HER2 copy number 2.6 signals/cell\n"
    "ER: Positive, 95%, strong\n"
    "PR: Positive, 40%, moderate"
)
SAMPLE_SECONDS = 0.001
COLD_PROBE = """
import json, time
started = time.perf_counter()
from bot.knowledge import load_knowledge
from intents.detection import load_detector
imported = time.perf_counter()
load_knowledge()
knowledge = time.perf_counter()
load_detector()
detector = time.perf_counter()
print(json.dumps({"import": imported - started, "knowledge": knowledge - imported, "detector": detector - knowledge}))
"""


@dataclass(frozen=True, slots=True)
class Case:
    """One thing to time: ``run()`` makes ``calls`` calls of what the name says."""

    name: str
    run: Callable[[], object]
    calls: int = 1


def _gold_rows() -> list[dict[str, str]]:
    with GOLD_CASES.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def cases() -> list[Case]:
    """The baseline first, then herbot's in-process steps."""
    rows = _gold_rows()
    fields = [{k: v for k, v in row.items() if k in FIELDS and v} for row in rows]
    reports = [report_from_fields(given) for given in fields]
    knowledge, router = create_router()
    detector = load_detector()
    answer = router.answer(VALUES)
    text, slack = TextRenderer(knowledge.sources), SlackRenderer(knowledge.sources)
    token = encode_values(answer.values)

    def each(function: Callable[[object], object], items: Sequence[object]) -> Callable[[], None]:
        def run() -> None:
            for item in items:
                function(item)

        return run

    return [
        Case("baseline: json.dumps(gold row)", each(json.dumps, rows), len(rows)),
        Case("report_from_fields(gold row)", each(report_from_fields, fields), len(rows)),  # type: ignore[arg-type]
        Case("classify(report), gold rows", each(classify, reports), len(rows)),  # type: ignore[arg-type]
        Case("extract_values(report fragment)", lambda: extract_values(REPORT_FRAGMENT)),
        Case("detector.detect(question)", lambda: detector.detect(QUESTION)),
        Case("Router.answer(question)", lambda: router.answer(QUESTION)),
        Case("Router.answer(values)", lambda: router.answer(VALUES)),
        Case("render text (values answer)", lambda: text.render(answer.explanation)),
        Case(
            "render Slack + block_dicts (values)",
            lambda: slack.render(answer.explanation, reasoning_token=token).block_dicts(),
        ),
    ]


def _repetitions(case: Case) -> int:
    """How many runs of ``case`` make one sample of about ``SAMPLE_SECONDS`` (after a warm-up)."""
    started = time.perf_counter()
    runs = 0
    while time.perf_counter() - started < 0.05 or runs < 3:
        case.run()
        runs += 1
    per_run = (time.perf_counter() - started) / runs
    return max(1, round(SAMPLE_SECONDS / per_run))


def measure(all_cases: Sequence[Case], rounds: int) -> dict[str, list[float]]:
    """Seconds per call, one sample per case per round."""
    repetitions = {case.name: _repetitions(case) for case in all_cases}
    samples: dict[str, list[float]] = {case.name: [] for case in all_cases}
    for number in range(rounds):
        shift = number % len(all_cases)
        for case in [*all_cases[shift:], *all_cases[:shift]]:
            count = repetitions[case.name]
            started = time.perf_counter()
            for _ in range(count):
                case.run()
            samples[case.name].append((time.perf_counter() - started) / (count * case.calls))
    return samples


def _run_python(arguments: Sequence[str], cwd: Path) -> tuple[float, str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *arguments],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return time.perf_counter() - started, done.stdout


def cold_start(runs: int) -> dict[str, list[float]]:
    """Seconds for each cold-start step, one value per fresh interpreter."""
    found: dict[str, list[float]] = {
        "baseline: python -c pass": [],
        "import knowledge + detection": [],
        "load_knowledge()": [],
        "load_detector()": [],
        "herbot ask (whole process)": [],
    }
    with tempfile.TemporaryDirectory(prefix="herbot-bench-") as folder:
        # An empty working folder, so no .env is read and nothing is written beside the project.
        cwd = Path(folder)
        for _ in range(runs):
            found["baseline: python -c pass"].append(_run_python(["-c", "pass"], cwd)[0])
            probe = json.loads(_run_python(["-c", COLD_PROBE], cwd)[1])
            found["import knowledge + detection"].append(probe["import"])
            found["load_knowledge()"].append(probe["knowledge"])
            found["load_detector()"].append(probe["detector"])
            found["herbot ask (whole process)"].append(_run_python(["-m", "bot.cli", "ask", QUESTION], cwd)[0])
    return found


def report(samples: dict[str, list[float]], cold: dict[str, list[float]], rounds: int) -> str:
    """Both tables: µs per call with ratios to the baseline, and cold-start ms."""
    baseline = summarize(next(iter(samples.values()))).median
    rows = []
    for name, values in samples.items():
        summary = summarize(values)
        rows.append(
            [name, f"{summary.median * 1e6:.1f}", f"{summary.p95 * 1e6:.1f}", f"{summary.median / baseline:.1f}x"]
        )
    hot = format_table(["in-process, per call", "median µs", "p95 µs", "x baseline"], rows)
    cold_baseline = statistics.median(next(iter(cold.values())))
    cold_rows = [
        [
            name,
            f"{statistics.median(values) * 1e3:.0f}",
            " / ".join(f"{value * 1e3:.0f}" for value in values),
            f"{statistics.median(values) / cold_baseline:.1f}x",
        ]
        for name, values in cold.items()
    ]
    runs = len(next(iter(cold.values())))
    cold_table = format_table(
        ["cold start, once per fresh interpreter", "median ms", "each run ms", "x baseline"], cold_rows
    )
    return "\n".join(
        [
            f"In-process costs ({rounds} samples of ~{SAMPLE_SECONDS * 1e3:.0f} ms per case, cases interleaved)",
            "",
            hot,
            "",
            f"Cold start ({runs} fresh interpreters)",
            "",
            cold_table,
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(prog="python -m bench.classify", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="samples per case")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh interpreters for the cold-start figures")
    args = parser.parse_args(argv)
    cold = cold_start(args.cold_runs)
    samples = measure(cases(), args.rounds)
    print(report(samples, cold, args.rounds))


if __name__ == "__main__":
    main()
