"""Read the packaged data files (sources, topics) into engine types."""

from __future__ import annotations

from importlib import resources

import yaml

from bot.engine.sources import Source, SourceKind, SourceRegistry

__all__ = ["load_sources"]

_DATA = "bot.knowledge"


def _read_yaml(name: str) -> object:
    return yaml.safe_load(resources.files(_DATA).joinpath("data", name).read_text(encoding="utf-8"))


def load_sources() -> SourceRegistry:
    """The source registry from ``data/sources.yaml``."""
    entries = _read_yaml("sources.yaml")
    assert isinstance(entries, list)
    return SourceRegistry(
        tuple(
            Source(
                id=entry["id"],
                kind=SourceKind(entry["kind"]),
                short=entry["short"],
                citation=entry["citation"],
                title=entry.get("title") or "",
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
