"""Read the packaged data files (sources, topics) into engine types."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from bot.engine.explanation import Claim, FactCheck
from bot.engine.sources import Source, SourceKind, SourceRegistry
from bot.engine.topics import Topic

__all__ = ["load_sources", "load_topics"]

_DATA = resources.files("bot.knowledge").joinpath("data")
# libyaml's safe loader parses these files about ten times faster than the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_sources() -> SourceRegistry:
    """The source registry from ``data/sources.yaml``."""
    entries = yaml.load(_DATA.joinpath("sources.yaml").read_text(encoding="utf-8"), Loader=_SafeLoader)
    return SourceRegistry(
        tuple(
            Source(
                id=entry["id"],
                kind=SourceKind(entry["kind"]),
                short=entry["short"],
                citation=entry["citation"],
                title=entry.get("title") or "",
                authors=entry.get("authors"),
                publisher=entry.get("publisher"),
                year=entry.get("year"),
                date=entry.get("date"),
                version=entry.get("version"),
                doi=entry.get("doi"),
                url=entry.get("url"),
                verification=entry.get("verification", "V"),
                unverified=entry.get("unverified"),
            )
            for entry in entries
        )
    )


def _check(entry: dict[str, Any]) -> FactCheck:
    # Values stay text, exactly as a report gives them; the engine parses them (no float rounding).
    group = entry.get("ish_group")
    unquoted = [name for name, value in entry["values"].items() if not isinstance(value, str)]
    if unquoted:  # YAML reads 2.0 as a float and yes as True: quote report values so they stay as written
        raise ValueError(f"check values must be quoted strings: {', '.join(unquoted)}")
    return FactCheck(
        values=tuple((str(name), str(value)) for name, value in entry["values"].items()),
        her2_status=entry.get("her2_status"),
        her2_category=entry.get("her2_category"),
        ish_group=None if group is None else int(group),
        subtype=entry.get("subtype"),
    )


def _claims(items: list[dict[str, Any]] | None) -> tuple[Claim, ...]:
    return tuple(
        Claim(
            text=item["text"],
            sources=tuple(item["sources"]),
            assumed=item.get("assumed"),
            checks=tuple(_check(check) for check in item.get("checks") or ()),
        )
        for item in items or ()
    )


def _topic(entry: dict[str, Any]) -> Topic:
    return Topic(
        id=entry["id"],
        intent=entry.get("intent"),
        title=entry["title"],
        keywords=tuple(str(k) for k in entry.get("keywords") or ()),
        headline=_claims([entry["headline"]])[0],
        points=_claims(entry["points"]),
        more=_claims(entry.get("more")),
        caveats=_claims(entry.get("caveats")),
        follow_ups=tuple(entry.get("follow_ups") or ()),
    )


def load_topics() -> tuple[Topic, ...]:
    """Every topic in ``data/topics/``, sorted by id."""
    files = sorted(
        (item for item in _DATA.joinpath("topics").iterdir() if item.name.endswith(".yaml")), key=lambda f: f.name
    )
    return tuple(_topic(yaml.load(item.read_text(encoding="utf-8"), Loader=_SafeLoader)) for item in files)
