"""The shipped knowledge snapshot: compiled from the YAML beside it, and read exactly as the YAML reads."""

from __future__ import annotations

import msgspec
import pytest

from bot.knowledge import loader
from bot.knowledge.snapshot import FORMAT, Snapshot, knowledge_fingerprint, read_snapshot, snapshot_path

STALE = "bot/knowledge/data/knowledge.json is stale: run `herbot train` after editing the knowledge files"


def test_the_shipped_snapshot_was_compiled_from_the_current_files() -> None:
    assert read_snapshot() is not None, STALE


def test_the_snapshot_holds_what_parsing_the_yaml_gives() -> None:
    assert read_snapshot() == loader._parsed(), STALE


def test_a_snapshot_of_other_files_or_format_is_ignored(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = snapshot_path().parent
    stored = msgspec.json.decode(snapshot_path().read_bytes(), type=Snapshot)
    for changed in (
        msgspec.structs.replace(stored, fingerprint="0" * 64),
        msgspec.structs.replace(stored, format=FORMAT + 1),
    ):
        copy = tmp_path / "knowledge.json"
        copy.write_bytes(msgspec.json.encode(changed))
        monkeypatch.setattr("bot.knowledge.snapshot._DATA", _Folder(copy.parent, data))
        assert read_snapshot() is None
    assert knowledge_fingerprint()


class _Folder:
    """The package data folder, with ``knowledge.json`` taken from elsewhere."""

    def __init__(self, snapshot_folder, data_folder) -> None:
        self._snapshot_folder, self._data_folder = snapshot_folder, data_folder

    def joinpath(self, *parts: str):
        folder = self._snapshot_folder if parts == ("knowledge.json",) else self._data_folder
        return folder.joinpath(*parts)
