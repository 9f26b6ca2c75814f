"""``herbot migrate``: upgrade the store's database to the schema this herbot needs."""

from __future__ import annotations

import click

from bot.cli.failure import CommandFailed

__all__ = ["migrate_command"]


@click.command("migrate")
def migrate_command() -> None:
    """Upgrade the store (HERBOT_DATABASE_URL) to the newest schema; safe to run from several places at once.

    `herbot serve` does the same at start-up, so run this only to migrate before starting the servers.
    """
    from bot.settings import load_settings
    from bot.store import create_store
    from bot.store.migrate import HEAD_REVISION, migrate_store

    store = create_store(load_settings().database_url, migrate_schema=False)
    try:
        before = migrate_store(store)
    except RuntimeError as error:  # a revision this herbot does not know
        raise CommandFailed(str(error), command="migrate") from None
    finally:
        store.close()
    if before == HEAD_REVISION:
        click.echo(f"store already at {HEAD_REVISION}")
    else:
        click.echo(f"store migrated from {before or 'no schema version'} to {HEAD_REVISION}")
