"""Migrations on real databases: fresh, made by the old ``create_all``, migrated at once, and with tables dropped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from databases import START, FakeClock
from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    inspect,
    select,
    text,
)

from bot.cli import main
from bot.store import create_store
from bot.store.migrate import HEAD_REVISION, SchemaState, migrate, schema_state
from bot.store.schema import UtcDateTime, metadata

THREADS = 6

# The tables as ``create_all`` made them before migrations existed.
old_metadata = MetaData()
Table(
    "conversation_slots",
    old_metadata,
    Column("conversation_key", String(255), primary_key=True),
    Column("values_json", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)
Table(
    "processed_events",
    old_metadata,
    Column("event_id", String(255), primary_key=True),
    Column("claimed_at", UtcDateTime, nullable=False, index=True),
)
Table(
    "lesson_schedules",
    old_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team", String(255), nullable=False, index=True),
    Column("channel", String(255), nullable=False),
    Column("surface", String(32), nullable=False),
    Column("topic", String(255), nullable=True),
    Column("cron", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)
Table(
    "lesson_posts",
    old_metadata,
    Column("schedule_id", Integer, ForeignKey("lesson_schedules.id", ondelete="CASCADE"), primary_key=True),
    Column("slot", UtcDateTime, primary_key=True),
    Column("claimed_at", UtcDateTime, nullable=False),
)
Table(
    "quiz_answers",
    old_metadata,
    Column("team", String(255), primary_key=True),
    Column("user_id", String(255), primary_key=True),
    Column("quiz_id", String(255), primary_key=True),
    Column("question_id", String(255), primary_key=True),
    Column("correct", Boolean, nullable=False),
    Column("answered_at", UtcDateTime, nullable=False),
)


REPLACED = {"lesson_schedules", "lesson_posts", "quiz_answers"}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    created = create_engine(database_url)
    yield created
    created.dispose()


def state(engine: Engine) -> SchemaState:
    with engine.connect() as connection:
        return schema_state(connection)


def table_names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def upgrade_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    """Run Alembic to ``revision`` (down to it if ``down``), as ``bot.store.migrate`` runs it."""
    config = Config()
    config.set_main_option("script_location", "bot.store:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def revisions(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def test_the_head_revision_is_the_newest_script() -> None:
    config = Config()
    config.set_main_option("script_location", "bot.store:migrations")
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]


def test_a_fresh_database_migrates_to_exactly_the_described_schema(engine: Engine) -> None:
    assert state(engine) is SchemaState.BEHIND
    assert migrate(engine) is None
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert (differences, state(engine), revisions(engine)) == ([], SchemaState.CURRENT, [HEAD_REVISION])


def test_migrating_a_current_database_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    assert (migrate(engine), revisions(engine)) == (HEAD_REVISION, [HEAD_REVISION])


def test_a_database_made_by_create_all_keeps_its_data(database_url: str, engine: Engine, clock: FakeClock) -> None:
    old_metadata.create_all(engine)
    tables = old_metadata.tables
    with engine.begin() as connection:
        connection.execute(
            tables["conversation_slots"]
            .insert()
            .values(
                conversation_key="slack:T1:C1:1.1", values_json='{"ihc": "2+"}', expires_at=START + timedelta(hours=1)
            )
        )
        connection.execute(tables["processed_events"].insert().values(event_id="slack:Ev1", claimed_at=START))
        connection.execute(
            tables["lesson_schedules"]
            .insert()
            .values(id=7, team="T1", channel="C1", surface="slack", topic=None, cron="0 9 * * 1", created_at=START)
        )
        connection.execute(tables["lesson_posts"].insert().values(schedule_id=7, slot=START, claimed_at=START))
        connection.execute(
            tables["quiz_answers"]
            .insert()
            .values(team="T1", user_id="U1", quiz_id="q1", question_id="1", correct=True, answered_at=START)
        )
    store = create_store(database_url, clock=clock)
    try:
        assert store.load_slots("slack:T1:C1:1.1") == {"ihc": "2+"}
        assert store.record_request("slack:Ev1", ()) is False
        # The unused lesson and quiz tables are replaced (revision 0004), their rows with them.
        assert REPLACED.isdisjoint(table_names(engine))
        assert (state(engine), revisions(engine)) == (SchemaState.CURRENT, [HEAD_REVISION])
    finally:
        store.close()


def test_a_database_at_0003_upgrades_keeping_every_other_table_and_row(
    database_url: str, engine: Engine, clock: FakeClock
) -> None:
    upgrade_to(engine, "0003_conversation_references")
    later = START + timedelta(hours=1)
    reflected = MetaData()
    reflected.reflect(engine)
    tables = reflected.tables
    kept = {
        "conversation_slots": {
            "conversation_key": "slack:T1:C1:1.1", "values_json": '{"ihc": "2+"}', "expires_at": later,
        },
        "inbox": {"request_key": "slack:Ev1", "received_at": START},
        "conversation_references": {
            "reference_key": "teams:a", "surface": "teams", "scope": "channel", "tenant": "t1",
            "reference_json": "{}", "updated_at": START,
        },
        "outbox": {
            "request_key": "slack:Ev1", "surface": "slack", "kind": "post", "target_json": "{}",
            "payload_json": "{}", "created_at": START, "not_after": later, "attempts": 0, "next_attempt_at": START,
        },
    }  # fmt: skip
    with engine.begin() as connection:
        for name, row in kept.items():
            connection.execute(tables[name].insert().values(row))
        connection.execute(
            tables["lesson_schedules"]
            .insert()
            .values(id=7, team="T1", channel="C1", surface="slack", topic=None, cron="0 9 * * 1", created_at=START)
        )
        connection.execute(tables["lesson_posts"].insert().values(schedule_id=7, slot=START, claimed_at=START))
    assert migrate(engine) == "0003_conversation_references"
    with engine.connect() as connection:
        count = select(func.count())
        counts = {name: connection.execute(count.select_from(tables[name])).scalar_one() for name in kept}
    assert (counts, REPLACED & table_names(engine)) == (dict.fromkeys(kept, 1), set())
    store = create_store(database_url, clock=clock)
    try:
        assert (store.load_slots("slack:T1:C1:1.1"), store.load_reference("teams:a").tenant) == ({"ihc": "2+"}, "t1")
        assert [d.request_key for d in store.claim_deliveries("replica", timedelta(minutes=1))] == ["slack:Ev1"]
    finally:
        store.close()


def test_0004_downgrades_to_the_lesson_tables_and_upgrades_again(engine: Engine) -> None:
    migrate(engine)
    upgrade_to(engine, "0003_conversation_references", down=True)
    after = table_names(engine)
    assert after >= REPLACED and not any(name.startswith("education_") for name in after)
    migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_replicas_starting_together_migrate_once(database_url: str) -> None:
    barrier = threading.Barrier(THREADS)
    engines = [create_engine(database_url) for _ in range(THREADS)]

    def start(engine: Engine) -> str | None:
        barrier.wait(timeout=30)
        return migrate(engine)

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            before = list(pool.map(start, engines))
        assert sorted(before, key=lambda revision: revision or "") == [None] + [HEAD_REVISION] * (THREADS - 1)
        assert revisions(engines[0]) == [HEAD_REVISION]
    finally:
        for engine in engines:
            engine.dispose()


@pytest.mark.parametrize("dropped", [["outbox"], ["inbox", "outbox", "conversation_slots"]], ids=len)
def test_dropped_tables_are_reported_and_recreated(database_url: str, engine: Engine, dropped: list[str]) -> None:
    store = create_store(database_url)
    try:
        store.save_slots("k", {"ihc": "1+"})
        metadata.drop_all(engine, tables=[metadata.tables[name] for name in dropped])
        assert state(engine) is SchemaState.BEHIND
        assert migrate(engine) == HEAD_REVISION
        assert state(engine) is SchemaState.CURRENT
        assert store.record_request("slack:event:Ev1", ()) is True
    finally:
        store.close()


def test_a_revision_from_a_newer_release_is_refused(engine: Engine) -> None:
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    assert state(engine) is SchemaState.UNKNOWN
    with pytest.raises(RuntimeError, match="'0099_from_the_future', which this herbot does not know"):
        migrate(engine)


def test_herbot_migrate_upgrades_once(tmp_path: Path) -> None:
    env = {"HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'herbot.db'}"}
    runs = [CliRunner().invoke(main, ["migrate"], env=env) for _ in range(2)]
    assert [(run.exit_code, run.output) for run in runs] == [
        (0, f"store migrated from no schema version to {HEAD_REVISION}\n"),
        (0, f"store already at {HEAD_REVISION}\n"),
    ]


def test_herbot_migrate_without_a_database_fails_in_one_line(tmp_path: Path) -> None:
    env = {"HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'herbot.db'}"}
    result = CliRunner().invoke(main, ["migrate"], env=env)
    assert (result.exit_code, result.output) == (
        2,
        f"herbot migrate: the store at sqlite:///{tmp_path / 'missing' / 'herbot.db'} cannot be reached\n",
    )
