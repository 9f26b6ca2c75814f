"""The knowledge files compiled into one JSON snapshot, so start-up decodes it instead of parsing YAML.

Parsing the topic and question YAML costs about 55 ms at every start; decoding the same content, already
checked against the schema, costs a few. ``herbot train`` writes ``data/knowledge.json``; it carries a hash
of the YAML it was compiled from, and a snapshot that does not match the files beside it is ignored (the
loader parses the YAML then), so an edit is never hidden by a stale snapshot. A test fails while it is stale.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

import msgspec

from bot.knowledge.schema import QuestionFile, SourceEntry, TopicEntry

__all__ = ["Snapshot", "knowledge_fingerprint", "read_snapshot", "snapshot_path", "yaml_files"]

FORMAT = 1
_DATA = resources.files("bot.knowledge").joinpath("data")
_NAME = "knowledge.json"


class Snapshot(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Every knowledge file, as the schema reads it."""

    format: int
    fingerprint: str
    sources: tuple[SourceEntry, ...]
    topics: tuple[TopicEntry, ...]
    questions: tuple[QuestionFile, ...]


def yaml_files(folder: str) -> list[Traversable]:
    """The YAML files of ``data/<folder>/`` in name order (none if the folder is missing)."""
    directory = _DATA.joinpath(folder)
    if not directory.is_dir():
        return []
    return sorted((item for item in directory.iterdir() if item.name.endswith(".yaml")), key=lambda f: f.name)


def knowledge_fingerprint() -> str:
    """A hash of every knowledge YAML file's name and bytes, and of the snapshot format."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for item in [_DATA.joinpath("sources.yaml"), *yaml_files("topics"), *yaml_files("questions")]:
        digest.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


def snapshot_path() -> Path:
    """Where the packaged snapshot lives (``herbot train`` writes it there)."""
    return Path(str(_DATA.joinpath(_NAME)))


def read_snapshot() -> Snapshot | None:
    """The packaged snapshot when it was compiled from the YAML files beside it, else ``None``."""
    stored = _DATA.joinpath(_NAME)
    if not stored.is_file():
        return None
    try:
        snapshot = msgspec.json.decode(stored.read_bytes(), type=Snapshot)
    except msgspec.ValidationError:
        return None
    if snapshot.format != FORMAT or snapshot.fingerprint != knowledge_fingerprint():
        return None
    return snapshot
