"""Read the packaged data files (sources, topics, the question bank) into engine types.

Each file is checked against its schema (``schema.py``) as it loads; references between files
(fact ids, question ids, source ids) are checked by ``tests/test_question_bank.py``. The files are read from
the compiled snapshot when it matches them (``snapshot.py``), else parsed from YAML; ``write_snapshot``
compiles it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import msgspec

from bot.engine.explanation import Claim, FactCheck
from bot.engine.questions import Question, Verdict
from bot.engine.sources import Source, SourceKind, SourceRegistry
from bot.engine.topics import Topic
from bot.knowledge.schema import ClaimEntry, QuestionFile, SourceEntry, TopicEntry, parse
from bot.knowledge.snapshot import FORMAT, Snapshot, knowledge_fingerprint, read_snapshot, snapshot_path, yaml_files

__all__ = ["claim_from_entry", "load_questions", "load_sources", "load_topics", "read_yaml", "write_snapshot"]

_DATA = resources.files("bot.knowledge").joinpath("data")


def load_sources() -> SourceRegistry:
    """The source registry from ``data/sources.yaml``."""
    entries = _files().sources
    return SourceRegistry(
        tuple(
            Source(
                id=entry.id,
                kind=SourceKind(entry.kind),
                short=entry.short,
                citation=entry.citation,
                title=entry.title,
                authors=entry.authors,
                publisher=entry.publisher,
                year=entry.year,
                date=entry.date,
                version=entry.version,
                doi=entry.doi,
                url=entry.url,
                verification=entry.verification,
                unverified=entry.unverified,
            )
            for entry in entries
        )
    )


def load_topics() -> tuple[Topic, ...]:
    """Every topic in ``data/topics/``, in file name order."""
    return tuple(_topic(entry) for entry in _files().topics)


def load_questions() -> tuple[Question, ...]:
    """Every question of the bank in ``data/questions/``, file by file in name order."""
    return tuple(question for entry in _files().questions for question in _questions(entry))


def write_snapshot(target: Path | None = None) -> Path:
    """Compile the YAML files into the snapshot start-up reads, and write it."""
    path = target or snapshot_path()
    path.write_bytes(msgspec.json.encode(_parsed()) + b"\n")
    _files.cache_clear()
    return path


@cache
def _files() -> Snapshot:
    """Every knowledge file, from the snapshot when it is fresh, else parsed from YAML (once per process)."""
    return read_snapshot() or _parsed()


def _parsed() -> Snapshot:
    return Snapshot(
        format=FORMAT,
        fingerprint=knowledge_fingerprint(),
        sources=parse(read_yaml(_DATA.joinpath("sources.yaml")), tuple[SourceEntry, ...], name="sources.yaml"),
        topics=tuple(parse(read_yaml(item), TopicEntry, name=item.name) for item in yaml_files("topics")),
        questions=tuple(parse(read_yaml(item), QuestionFile, name=item.name) for item in yaml_files("questions")),
    )


def _questions(entry: QuestionFile) -> Iterable[Question]:
    for question in entry.questions:
        yield Question(
            id=question.id,
            topic_id=entry.topic,
            intent=question.intent,
            ask=question.ask,
            phrasings=question.phrasings,
            answer=question.answer,
            points=question.points,
            follow_ups=question.follow_ups,
            verdict=_verdict(question.verdict),
        )


def _verdict(value: str | bool | None) -> Verdict | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return Verdict.YES if value else Verdict.NO
    return Verdict(value)


def _topic(entry: TopicEntry) -> Topic:
    return Topic(
        id=entry.id,
        intent=entry.intent,
        title=entry.title,
        keywords=entry.keywords,
        headline=claim_from_entry(entry.headline),
        points=tuple(map(claim_from_entry, entry.points)),
        more=tuple(map(claim_from_entry, entry.more)),
        caveats=tuple(map(claim_from_entry, entry.caveats)),
        facts=tuple(map(claim_from_entry, entry.facts)),
        follow_ups=entry.follow_ups,
    )


def claim_from_entry(entry: ClaimEntry) -> Claim:
    """The ``Claim`` a statement of a knowledge file makes, with its sources and checks."""
    return Claim(
        text=entry.text,
        sources=entry.sources,
        assumed=entry.assumed,
        checks=tuple(
            FactCheck(
                values=tuple(check.values.items()),
                her2_status=check.her2_status,
                her2_category=check.her2_category,
                ish_group=check.ish_group,
                subtype=check.subtype,
            )
            for check in entry.checks
        ),
        id=entry.id,
    )


def read_yaml(item: Traversable) -> object:
    """One YAML data file, parsed (not yet checked against its schema)."""
    import yaml  # only when a file is parsed: start-up reads the snapshot

    # libyaml's safe loader parses these files about ten times faster than the pure-Python one.
    return yaml.load(item.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
