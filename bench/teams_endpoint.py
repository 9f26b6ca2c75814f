"""``/api/messages`` under load: herbot's Teams endpoint against a bare botbuilder echo bot in the same run.

Both apps run in their own processes on 127.0.0.1 and reply to one local fake Bot Connector
(``bench/fake_connector.py``, in this process with the client): ``floor``, a bare botbuilder echo bot
(``bench/teams_floor.py``) that replies inside the turn, before it acks; and ``herbot``, ``herbot serve`` itself
(``python -m bot.cli serve``: Teams on for loopback without credentials, a fresh SQLite store or
``--database-url``, JSON logs to ``os.devnull``), which records the answer in its outbox, acks (201), and
has its background sender deliver it.

Each worker is one clinician in their own personal chat (``channelId`` ``msteams``, unique activity ids),
sending ``IHC 2+ ratio 1.6 copies 3.2 ER 90`` and ``is HER2-low a separate category?`` in turn, the next only
once the reply to the last one arrived. Per activity: the time to ack (the whole HTTP response read), the
time to reply (its ``POST /v3/conversations/{id}/activities/{activityId}`` received by the fake), and the
server's CPU time (``/proc``, all threads); ``--settle`` seconds after the last activity, how many activities
got exactly one reply. Rounds rotate which app goes first.

    PYTHONPATH=. python -m bench.teams_endpoint [--requests 1200] [--rounds 3] [--concurrency 20]
        [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from bench.fake_connector import Clinician, FakeConnector, ReplyKey, personal_message
from bench.load import Batches, closed_loop, rotated
from bench.processes import ServerProcess, bench_server, herbot_serve
from bench.stats import format_table, percentile
from bench.teams_floor import ECHO

__all__ = ["Options", "Results", "main", "report", "run"]

APPS = ("floor", "herbot")
VALUES_TEXT = "IHC 2+ ratio 1.6 copies 3.2 ER 90"
QUESTION_TEXT = "is HER2-low a separate category?"
TEXTS = (VALUES_TEXT, QUESTION_TEXT)
# How herbot's summary of each answer begins (the floor only ever says "echo").
EXPECTED_SUMMARY = {VALUES_TEXT: "HER2-negative (HER2-low)", QUESTION_TEXT: "No: HER2-low is a subset"}
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
REPLY_TIMEOUT = 10.0


@dataclass
class Samples(Batches):
    """One app at one concurrency, pooled over rounds: besides the acks, the times to reply (s) and the late ones."""

    replies: list[float] = field(default_factory=list)
    late: int = 0  # no reply within REPLY_TIMEOUT


class TeamsClient:
    """Posts activities as Teams does, times the ack and the reply, and keeps the key of every activity sent."""

    def __init__(self, http: ClientSession, fake: FakeConnector) -> None:
        self._http = http
        self._fake = fake
        # Teams' message ids are epoch milliseconds; counting up from now keeps every id of the run unique.
        self._next_id = int(time.time() * 1000)
        self.sent: dict[str, list[ReplyKey]] = {app: [] for app in APPS}

    async def message(self, app: str, url: str, clinician: Clinician, text: str) -> tuple[float, float | None]:
        """Seconds to the HTTP ack, and to the reply's arrival (``None``: none within ``REPLY_TIMEOUT``)."""
        self._next_id += 1
        key = (clinician.conversation_id, str(self._next_id))
        activity = personal_message(text, activity_id=key[1], clinician=clinician, service_url=self._fake.service_url)
        arrival = self._fake.expect(key)
        self.sent[app].append(key)
        started = time.perf_counter()
        async with self._http.post(url, json=activity) as response:
            await response.read()
            acked = time.perf_counter()
        if response.status != 201:
            raise RuntimeError(f"{app} answered HTTP {response.status}")
        try:
            arrived, reply = await asyncio.wait_for(arrival, REPLY_TIMEOUT)
        except TimeoutError:
            return acked - started, None
        _check_reply(app, text, reply)
        return acked - started, arrived - started


def _check_reply(app: str, text: str, reply: dict[str, Any]) -> None:
    """Fail on a reply that is not the app's answer: not ``"echo"``, an apology, or another answer."""
    if app == "floor":
        good = reply.get("text") == ECHO
    else:
        attachments = reply.get("attachments") or [{}]
        summary = str(reply.get("summary", ""))
        good = attachments[0].get("contentType") == ADAPTIVE_CARD and bool(summary)
        good = good and summary.startswith(EXPECTED_SUMMARY[text])
    if not good:
        raise RuntimeError(f"unexpected reply from {app}: {str(reply.get('summary') or reply.get('text'))[:80]!r}")


async def measure_batch(client: TeamsClient, app: str, url: str, count: int, concurrency: int, into: Samples) -> None:
    """``count`` activities from ``concurrency`` clinicians, each waiting for its reply before sending the next."""
    acks: list[float] = []
    replies: list[float] = []

    async def clinician_chats(numbers: Iterator[int]) -> None:
        clinician = Clinician.new()
        for number in numbers:
            ack, reply = await client.message(app, url, clinician, TEXTS[number % len(TEXTS)])
            acks.append(ack)
            if reply is None:
                into.late += 1
            else:
                replies.append(reply)

    await closed_loop(count, concurrency, clinician_chats, into)
    into.acks.extend(acks)
    into.replies.extend(replies)


@dataclass(frozen=True)
class Options:
    """Per app and concurrency, ``requests`` activities spread over ``rounds``; the second concurrency level."""

    requests: int = 1200
    rounds: int = 3
    concurrency: int = 20
    warmup: int = 40
    settle: float = 2.0
    database_url: str | None = None


@dataclass
class Results:
    """Samples keyed by (app, concurrency); activities sent per app; replies per activity at the fake."""

    samples: dict[tuple[str, int], Samples]
    sent: dict[str, list[ReplyKey]]
    fake: FakeConnector


async def run(options: Options) -> Results:
    """Measure both apps; wait ``settle`` seconds for late or repeated replies before counting them."""
    fake = FakeConnector()
    await fake.start()
    try:
        with tempfile.TemporaryDirectory(prefix="herbot-bench-teams-") as folder:
            database_url = options.database_url or f"sqlite:///{Path(folder) / 'herbot.db'}"
            async with (
                ClientSession() as http,
                bench_server("bench.teams_floor", name="the echo bot") as floor,
                herbot_serve(database_url, folder, http, path="/api/messages") as ours,
            ):
                client = TeamsClient(http, fake)
                samples = await _measure(options, client, {"floor": floor, "herbot": ours})
                await asyncio.sleep(options.settle)  # nothing to poll for: a repeated reply comes unannounced
            return Results(samples, client.sent, fake)
    finally:
        await fake.close()


async def _measure(
    options: Options, client: TeamsClient, servers: dict[str, ServerProcess]
) -> dict[tuple[str, int], Samples]:
    levels = (1, options.concurrency)
    results = {(app, level): Samples() for app in APPS for level in levels}
    for app in APPS:
        await measure_batch(client, app, servers[app].url, options.warmup, options.concurrency, Samples())
    for number in range(options.rounds):
        count = options.requests // options.rounds + (number < options.requests % options.rounds)
        for app in rotated(APPS, number):
            for level in levels:
                samples = results[(app, level)]
                batch = measure_batch(client, app, servers[app].url, count, level, samples)
                samples.add_server_cpu(await servers[app].cpu_during(batch))
    return results


def figures(samples: Samples) -> list[float | None]:
    """Ack p50 and p99, reply p50 and p99 (ms), replies per second, server CPU per activity (ms; ``None``: unknown)."""
    acks, replies = [s * 1000 for s in samples.acks], [s * 1000 for s in samples.replies]
    cpu = None if samples.server_cpu is None else samples.server_cpu / samples.requests * 1000
    latencies = [percentile(times, share) for times in (acks, replies) for share in (0.5, 0.99)]
    return [*latencies, samples.requests / samples.wall, cpu]


def report(results: Results, options: Options) -> str:
    """The results as tables, times in ms, herbot/floor ratios, and the count of replies per activity."""
    header = ["concurrency", "app", "ack p50", "ack p99", "reply p50", "reply p99", "replies/s", "server CPU/req"]
    names = {"floor": "botbuilder echo bot", "herbot": "herbot"}
    rows: list[list[str]] = []
    ratios: list[list[str]] = []
    for level in dict.fromkeys(level for _, level in results.samples):
        floor, ours = (figures(results.samples[(app, level)]) for app in APPS)
        for app, values in zip(APPS, (floor, ours), strict=True):
            cells = ["-" if v is None else f"{v:.0f}" if n == 4 else f"{v:.2f}" for n, v in enumerate(values)]
            rows.append([str(level) if app == APPS[0] else "", names[app], *cells])
        quotients = (f"{o / f:.2f}x" if o and f else "-" for o, f in zip(ours, floor, strict=True))
        ratios.append([str(level), "herbot / floor", *quotients])
    store = "PostgreSQL" if options.database_url else "SQLite (a fresh file)"
    title = (
        f"/api/messages, personal-chat messages {VALUES_TEXT!r} and {QUESTION_TEXT!r} in turn: herbot against a "
        f"bare botbuilder echo bot (times in ms)\n{options.requests} activities per app and concurrency over "
        f"{options.rounds} rounds, after {options.warmup} warm-up activities per app; herbot's store: {store}; a "
        "reply is timed at its arrival at the fake Bot Connector; server CPU is user+system time of the server "
        "process (all threads, 10 ms ticks, summed over all rounds), in ms per activity"
    )
    counts = []
    for app in APPS:
        replies = [results.fake.replies[key] for key in results.sent[app]]
        exactly, none = replies.count(1), replies.count(0)
        late = sum(samples.late for (name, _), samples in results.samples.items() if name == app)
        counts.append([app, str(len(replies)), str(exactly), str(none), str(len(replies) - exactly - none), str(late)])
    return "\n".join(
        [
            title,
            "",
            format_table(header, [*rows, *ratios]),
            "",
            f"replies per activity at the fake Bot Connector (warm-up included), counted {options.settle:g} s after "
            f"the last one; late: measured, but after the {REPLY_TIMEOUT:g} s the client waits (left out above):",
            format_table(["app", "activities", "exactly one", "none", "more than one", "late"], counts),
            f"replies to activities never sent: {results.fake.strays}; other calls: {results.fake.other}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its tables."""
    defaults = Options()
    parser = argparse.ArgumentParser(prog="python -m bench.teams_endpoint", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=defaults.requests, help="per app and concurrency, all rounds")
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency, help="the level besides 1")
    parser.add_argument("--warmup", type=int, default=defaults.warmup, help="activities per app before measuring")
    parser.add_argument("--settle", type=float, default=defaults.settle, help="seconds to wait before counting")
    parser.add_argument("--database-url", help="a PostgreSQL store for herbot (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    if args.requests < args.rounds or args.rounds < 1 or args.concurrency < 1:
        parser.error("need --rounds >= 1, --requests >= --rounds and --concurrency >= 1")
    options = Options(args.requests, args.rounds, args.concurrency, args.warmup, args.settle, args.database_url)
    print(report(asyncio.run(run(options)), options))


if __name__ == "__main__":
    main()
