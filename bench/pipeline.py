"""The in-process pipeline on a chat corpus: messages per second, latency per message, cost per KB, stages.

The pipeline is what every surface runs for a message: ``bot.services.create_router()`` once, then
``router.answer(text)`` with no conversation behind it. Measured on ``bench.corpus.chat_corpus`` (1,000
messages of chat-like lengths, seeded):

- throughput: whole passes over the corpus, messages per second (median pass) against a floor in the
  same run, ``json.dumps`` of each message (compare the ratio between machines, not the absolutes);
- latency: every message timed on its own over all passes, median, p99 and the slowest;
- cost per KB: pasted report text cut to 250 ... 4,000 characters (the Slack cap), milliseconds per
  message and per KB, and the least-squares slope and intercept (linear cost: ms/KB the same at every size);
- stages: each step of ``understand`` and the question matcher called on its own over the corpus, so what
  the router adds on top of them is the remainder.

``--profile`` prints where one pass spends its time (cProfile, by own time and by cumulative time).

    PYTHONPATH=. python -m bench.pipeline [--passes 5] [--size 1000] [--profile] [--top 30]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.corpus import DEFAULT_SEED, chat_corpus, length_profile, report_of_length
from bench.stats import format_table

__all__ = ["KB_SIZES", "Throughput", "main", "per_kb", "profile", "stages", "throughput"]

KB_SIZES = (250, 500, 1_000, 2_000, 3_000, 4_000)
KB_VARIANTS = 5
KB_REPEATS = 5
Answer = Callable[[str], object]


@dataclass(frozen=True, slots=True)
class Throughput:
    """Messages per second of each pass, and every message's seconds over all passes."""

    rates: list[float]
    latencies: list[float]

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile of the per-message latencies, in seconds."""
        ordered = sorted(self.latencies)
        return ordered[max(0, round(share * len(ordered)) - 1)]


def throughput(answer: Answer, corpus: Sequence[str], passes: int) -> Throughput:
    """``passes`` timed passes over ``corpus`` (after one untimed), each message timed on its own."""
    for text in corpus:
        answer(text)
    rates, latencies = [], []
    clock = time.perf_counter
    for _ in range(passes):
        started = clock()
        for text in corpus:
            before = clock()
            answer(text)
            latencies.append(clock() - before)
        rates.append(len(corpus) / (clock() - started))
    return Throughput(rates, latencies)


def per_kb(answer: Answer, sizes: Sequence[int] = KB_SIZES) -> dict[int, float]:
    """Median seconds to answer pasted report text of each size in characters (several texts, repeated)."""
    texts = {size: [report_of_length(size, seed=DEFAULT_SEED + n) for n in range(KB_VARIANTS)] for size in sizes}
    found: dict[int, list[float]] = {size: [] for size in sizes}
    for text in texts[sizes[-1]]:
        answer(text)
    for _ in range(KB_REPEATS):
        for size in sizes:
            for text in texts[size]:
                started = time.perf_counter()
                answer(text)
                found[size].append(time.perf_counter() - started)
    return {size: statistics.median(values) for size, values in found.items()}


def _fit(points: dict[int, float]) -> tuple[float, float]:
    """Least-squares slope (ms per KB) and intercept (ms) of seconds against characters."""
    xs = [size / 1_024 for size in points]
    ys = [seconds * 1e3 for seconds in points.values()]
    slope, intercept = statistics.linear_regression(xs, ys)
    return slope, intercept


def stages(corpus: Sequence[str], passes: int = 3) -> dict[str, float]:
    """Mean microseconds per message of each step run on its own over ``corpus``."""
    from bot.services import create_router
    from intents.detection import load_detector, normalise
    from intents.detection.questions import load_question_matcher
    from intents.extraction import extract_values
    from intents.turn import understand

    # The parts create_router() builds the router from, built again to time each on its own.
    knowledge, router = create_router()
    detector, matcher = load_detector(), load_question_matcher(knowledge.questions)
    extractions = [extract_values(text) for text in corpus]
    steps: dict[str, Callable[[], object]] = {
        "floor: json.dumps(message)": lambda: [json.dumps({"text": text}) for text in corpus],
        "normalise": lambda: [normalise(text) for text in corpus],
        "extract_values": lambda: [extract_values(text) for text in corpus],
        "detector.detect (values given)": lambda: [
            detector.detect(text, extraction) for text, extraction in zip(corpus, extractions, strict=True)
        ],
        "understand (all of the above)": lambda: [understand(text, detector) for text in corpus],
        "question matcher (every message)": lambda: [matcher.match(text) for text in corpus],
        "router.answer (whole pipeline)": lambda: [router.answer(text) for text in corpus],
    }
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(passes):
        for name, step in steps.items():
            started = time.perf_counter()
            step()
            seconds[name].append(time.perf_counter() - started)
    return {name: min(values) / len(corpus) * 1e6 for name, values in seconds.items()}


def profile(answer: Answer, corpus: Sequence[str], top: int) -> str:
    """cProfile of one pass over ``corpus``: the ``top`` functions by own time, then by cumulative time."""
    for text in corpus:
        answer(text)
    profiler = cProfile.Profile()
    profiler.enable()
    for text in corpus:
        answer(text)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _report(corpus: Sequence[str], result: Throughput, floor: Throughput, kb: dict[int, float]) -> str:
    rate, floor_rate = statistics.median(result.rates), statistics.median(floor.rates)
    rows = [
        [
            "router.answer",
            f"{rate:,.0f}",
            " / ".join(f"{r:,.0f}" for r in result.rates),
            f"{statistics.median(result.latencies) * 1e3:.3f}",
            f"{result.percentile(0.99) * 1e3:.2f}",
            f"{max(result.latencies) * 1e3:.1f}",
        ],
        [
            "floor: json.dumps",
            f"{floor_rate:,.0f}",
            "",
            f"{statistics.median(floor.latencies) * 1e3:.4f}",
            f"{floor.percentile(0.99) * 1e3:.4f}",
            f"{max(floor.latencies) * 1e3:.3f}",
        ],
    ]
    table = format_table(["pipeline", "msg/s", "each pass msg/s", "median ms", "p99 ms", "max ms"], rows)
    slope, intercept = _fit(kb)
    kb_rows = [
        [f"{size:,} characters", f"{seconds * 1e3:.2f}", f"{seconds * 1e3 / (size / 1_024):.2f}"]
        for size, seconds in kb.items()
    ]
    kb_table = format_table(["pasted report", "ms per message", "ms per KB"], kb_rows)
    return "\n".join(
        [
            f"Pipeline: router.answer(text) over {length_profile(corpus)}",
            f"{len(result.rates)} passes after one warm-up; a message costs {floor_rate / rate:,.0f}x the floor's time",
            "",
            table,
            "",
            f"Cost per KB (pasted report text, median of {KB_VARIANTS} texts x {KB_REPEATS} repeats per size)",
            "",
            kb_table,
            "",
            f"least squares: {slope:.2f} ms per KB + {intercept:.2f} ms",
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its tables (and the profile when asked)."""
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5, help="timed passes over the corpus")
    parser.add_argument("--size", type=int, default=1_000, help="messages in the corpus")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the corpus's seed")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one pass")
    parser.add_argument("--top", type=int, default=30, help="functions shown in each profile table")
    parser.add_argument("--no-stages", action="store_true", help="skip timing the stages on their own")
    args = parser.parse_args(argv)

    from bot.services import create_router

    started = time.perf_counter()
    _, router = create_router()
    built = time.perf_counter() - started
    corpus = chat_corpus(args.size, seed=args.seed)
    gc.collect()
    result = throughput(router.answer, corpus, args.passes)
    floor = throughput(lambda text: json.dumps({"text": text}), corpus, args.passes)
    kb = per_kb(router.answer)
    print(f"create_router(): {built * 1e3:.0f} ms\n")
    print(_report(corpus, result, floor, kb))
    if not args.no_stages:
        rows = [[name, f"{us:.1f}"] for name, us in stages(corpus).items()]
        print("\nStages, each on its own over the corpus (best of 3 passes)\n")
        print(format_table(["stage", "µs per message"], rows))
    if args.profile:
        print("\n" + profile(router.answer, corpus, args.top))


if __name__ == "__main__":
    main()
