"""``/slack/events`` under load: herbot's server against two floors measured in the same run.

Each app runs in its own process (``bench/slack_server.py``) with the same signing secret and the same local
fake Slack (``bench/fake_slack.py``), which lives in this process with the client:

- ``bare``: a bare Bolt app that acks and answers with ``respond()`` (``bench/floor_apps.py``): the framework
  floor for server CPU per request;
- ``floor``: the same plus the store writes herbot's delivery path makes (read the slots; inbox, outbox and
  slots in one transaction before the ack; outbox marked delivered after ``respond()``), with the store's
  own settings: the floor for the time to answer;
- ``herbot``: ``herbot serve``'s application (signature first, inbox and outbox, the delivery sender).

Each request is a correctly signed ``/her2 IHC 2+ ratio 1.6 copies 3.2`` from a new user with a new
``trigger_id``, so every request opens a new conversation. Measured per request:

- time to ack: from sending the request to having read the whole HTTP response;
- time to answer: from sending to the fake having received the whole ``response_url`` post;
- the server process's CPU time (``/proc``, all its threads), per request, over the measured batches.

A worker sends its next request only after its previous one was answered, so "sequential" has one request
in flight and "concurrency 8" eight. Rounds rotate which app goes first. The store is a fresh SQLite file
per app, or ``--database-url`` (PostgreSQL, shared by herbot and the floor, whose keys never collide).

    PYTHONPATH=. python -m bench.slack_endpoint [--rounds 3] [--sequential 60] [--concurrent 120]
        [--database-url postgresql+psycopg://...] [--profile-herbot FILE]

``--profile-herbot FILE`` profiles herbot's server, every thread (which slows it: ignore its figures then),
and writes the statistics to FILE for ``python -m pstats FILE``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import ClientSession
from slack_sdk.signature import SignatureVerifier

from bench.fake_slack import FakeSlack
from bench.load import Batches, closed_loop, rotated
from bench.processes import ServerProcess, bench_server
from bench.slack_server import COMMAND_TEXT, SIGNING_SECRET
from bench.stats import Summary, format_table, summarize

__all__ = ["Options", "main", "report", "run"]

APPS = ("bare", "floor", "herbot")
EXPECTED_HEADLINE = "HER2-negative (HER2-low)"
ANSWER_TIMEOUT = 10.0
FORM = "application/x-www-form-urlencoded"


@dataclass
class Samples(Batches):
    """One app in one mode, pooled over rounds: besides the acks, the times to answer and each batch's median (s)."""

    answers: list[float] = field(default_factory=list)
    round_answer_medians: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Target:
    """One app under test: its name and where its events URL is."""

    name: str
    events_url: str


class SlackClient:
    """Sends signed ``/her2`` commands as Slack does and times the ack and (optionally) the answer."""

    def __init__(self, http: ClientSession, fake: FakeSlack) -> None:
        self._http = http
        self._fake = fake
        self._verifier = SignatureVerifier(SIGNING_SECRET)
        self._ids = itertools.count(1)
        # Ids never seen before, even in a store kept from an earlier run (which would take them for retries).
        self._run = uuid.uuid4().hex[:12]

    async def command(self, target: Target) -> tuple[float, float]:
        """Seconds to the HTTP ack, and to the answer's arrival."""
        number = next(self._ids)
        name = f"{target.name}-{number}"
        arrival = self._fake.expect(name)
        body = urlencode(
            {
                "token": "legacy",
                "team_id": "T1",
                "channel_id": "C1",
                "user_id": f"U{self._run}{number}",
                "command": "/her2",
                "text": COMMAND_TEXT,
                "response_url": self._fake.response_url(name),
                "trigger_id": f"{number}.{self._run}.bench",
                "api_app_id": "A1",
            }
        )
        timestamp = str(int(time.time()))
        headers = {
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self._verifier.generate_signature(timestamp=timestamp, body=body),
            "Content-Type": FORM,
        }
        data = body.encode()
        started = time.perf_counter()
        async with self._http.post(target.events_url, data=data, headers=headers) as response:
            await response.read()
            acked = time.perf_counter()
        if response.status != 200:
            raise RuntimeError(f"{target.name} answered HTTP {response.status}")
        arrived, payload = await asyncio.wait_for(arrival, ANSWER_TIMEOUT)
        if not str(payload.get("text", "")).startswith(EXPECTED_HEADLINE) or not payload.get("blocks"):
            raise RuntimeError(f"unexpected answer from {target.name}: {str(payload.get('text'))[:80]!r}")
        return acked - started, arrived - started


async def measure_batch(client: SlackClient, target: Target, count: int, concurrency: int, into: Samples) -> None:
    """``count`` commands by ``concurrency`` workers, each waiting for its answer before sending the next."""
    acks: list[float] = []
    answers: list[float] = []

    async def worker(numbers: Iterator[int]) -> None:
        for _ in numbers:
            ack, answer = await client.command(target)
            acks.append(ack)
            answers.append(answer)

    await closed_loop(count, concurrency, worker, into)
    into.acks.extend(acks)
    into.answers.extend(answers)
    into.round_answer_medians.append(summarize(answers).median)


@dataclass(frozen=True)
class Options:
    """How many requests: per round and app, ``sequential`` one at a time and ``concurrent`` in parallel."""

    rounds: int = 3
    sequential: int = 60
    concurrent: int = 120
    concurrency: int = 8
    warmup: int = 30
    database_url: str | None = None
    profile: str | None = None


def _slack_server(app: str, api_url: str, *arguments: str) -> AbstractAsyncContextManager[ServerProcess]:
    """``python -m bench.slack_server`` serving ``app``, once it listens."""
    return bench_server("bench.slack_server", app, "--api-url", api_url, *arguments, name=f"{app} server")


async def run(options: Options) -> dict[tuple[str, str], Samples]:
    """Measure the three apps; samples keyed by (app, mode)."""
    fake = FakeSlack()
    await fake.start()
    try:
        profiling = ["--profile", options.profile] if options.profile else []
        with tempfile.TemporaryDirectory(prefix="herbot-bench-") as folder:

            def store_of(app: str) -> str:
                return options.database_url or f"sqlite:///{Path(folder) / f'{app}.db'}"

            async with (
                _slack_server("bare", fake.api_url) as bare,
                _slack_server("floor", fake.api_url, "--database-url", store_of("floor")) as floor,
                _slack_server("herbot", fake.api_url, "--database-url", store_of("herbot"), *profiling) as ours,
                ClientSession() as http,
            ):
                servers = {"bare": bare, "floor": floor, "herbot": ours}
                return await _measure(options, SlackClient(http, fake), servers)
    finally:
        await fake.close()


async def _measure(
    options: Options, client: SlackClient, servers: dict[str, ServerProcess]
) -> dict[tuple[str, str], Samples]:
    targets = [Target(name, servers[name].url) for name in APPS]
    modes = (
        ("sequential", options.sequential, 1),
        (f"concurrency {options.concurrency}", options.concurrent, options.concurrency),
    )
    results = {(t.name, mode): Samples() for t in targets for mode, _, _ in modes}
    for target in targets:
        await measure_batch(client, target, options.warmup, options.concurrency, Samples())
    for number in range(options.rounds):
        for target in rotated(targets, number):
            for mode, count, concurrency in modes:
                samples = results[(target.name, mode)]
                batch = measure_batch(client, target, count, concurrency, samples)
                samples.add_server_cpu(await servers[target.name].cpu_during(batch))
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def _cpu(samples: Samples) -> float | None:
    return None if samples.server_cpu is None else samples.server_cpu / samples.requests


def _times(first: Summary, second: Summary) -> str:
    return f"{first.median / second.median:.2f}x ({first.p95 / second.p95:.2f}x)"


def report(results: dict[tuple[str, str], Samples], options: Options) -> str:
    """The results as a table, times in ms, and herbot's ratios to its floors."""
    header = ["mode", "app", "ack median", "ack p95", "answer median", "answer p95", "answers/s", "server CPU/req"]
    rows: list[list[str]] = []
    ratios: list[str] = []
    spread: list[str] = []
    names = {"bare": "bare Bolt + respond()", "floor": "store floor", "herbot": "herbot"}
    for mode in dict.fromkeys(mode for _, mode in results):
        for number, app in enumerate(APPS):
            samples = results[(app, mode)]
            ack, answer, cpu = summarize(samples.acks), summarize(samples.answers), _cpu(samples)
            rows.append(
                [
                    mode if number == 0 else "",
                    names[app],
                    _ms(ack.median),
                    _ms(ack.p95),
                    _ms(answer.median),
                    _ms(answer.p95),
                    f"{samples.requests / samples.wall:.0f}",
                    "-" if cpu is None else _ms(cpu),
                ]
            )
        bare, floor, ours = (results[(app, mode)] for app in APPS)
        bare_cpu, ours_cpu = _cpu(bare), _cpu(ours)
        cpu_ratio = f"{ours_cpu / bare_cpu:.2f}x" if ours_cpu and bare_cpu else "-"
        ratios.append(
            f"  {mode}: server CPU herbot/bare {cpu_ratio} (must be <= 2x); "
            f"answer herbot/store floor, median (p95), {_times(summarize(ours.answers), summarize(floor.answers))} "
            f"(must be <= 1.5x); ack herbot/store floor {_times(summarize(ours.acks), summarize(floor.acks))}"
        )
        spread.append(
            f"  {mode}: "
            + "; ".join(
                f"{app} {' / '.join(_ms(m) for m in results[(app, mode)].round_answer_medians)}" for app in APPS
            )
        )
    store = "PostgreSQL" if options.database_url else "SQLite (a fresh file per app)"
    title = (
        f'/slack/events, "/her2 {COMMAND_TEXT}": herbot against a bare Bolt app and a store floor (times in ms)\n'
        f"{options.rounds} rounds x ({options.sequential} sequential + {options.concurrent} at concurrency "
        f"{options.concurrency}) per app, after {options.warmup} warm-up requests; store: {store}; a request is "
        "done when its answer reached the fake response URL; server CPU is user+system time of the server "
        "process (all threads, 10 ms ticks, summed over all rounds)"
    )
    return "\n".join(
        [
            title,
            "",
            format_table(header, rows),
            "",
            "herbot against its floors:",
            *ratios,
            "",
            "per-round answer medians (ms):",
            *spread,
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    defaults = Options()
    parser = argparse.ArgumentParser(prog="python -m bench.slack_endpoint", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--sequential", type=int, default=defaults.sequential, help="requests per round, one at a time")
    parser.add_argument("--concurrent", type=int, default=defaults.concurrent, help="requests per round, concurrently")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--warmup", type=int, default=defaults.warmup)
    parser.add_argument("--database-url", help="a PostgreSQL store for herbot and the floor (default: SQLite files)")
    parser.add_argument("--profile-herbot", metavar="FILE", help="cProfile herbot's server into FILE")
    args = parser.parse_args(argv)
    options = Options(
        args.rounds,
        args.sequential,
        args.concurrent,
        args.concurrency,
        args.warmup,
        args.database_url,
        str(Path(args.profile_herbot).resolve()) if args.profile_herbot else None,
    )
    results = asyncio.run(run(options))
    print(report(results, options))


if __name__ == "__main__":
    main()
