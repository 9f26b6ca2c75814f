"""``herbot teams-package``: the Teams app package (``manifest.json`` and two icons in one zip) for an Azure Bot.

The manifest is ``deploy/teams/manifest.json`` with the app's ``id`` and its bot's ``botId`` set to the Azure
Bot's Microsoft App ID. The zip holds no build time, so the same inputs always give the same bytes.

>>> build_manifest({"id": "", "bots": [{"botId": ""}]}, "0a1b2c3d-0000-4000-8000-000000000001")
{'id': '0a1b2c3d-0000-4000-8000-000000000001', 'bots': [{'botId': '0a1b2c3d-0000-4000-8000-000000000001'}]}
>>> is_app_id("0a1b2c3d-0000-4000-8000-000000000001"), is_app_id("{0a1b2c3d-0000-4000-8000-000000000001}")
(True, False)
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import click

from bot.cli.failure import CommandFailed, printable
from bot.settings import APP_ID_ALLOWED, is_app_id, load_settings

__all__ = [
    "PACKAGE_FILES",
    "build_manifest",
    "package_contents",
    "teams_folder",
    "teams_package_command",
    "zip_package",
]

COMMAND = "teams-package"
PACKAGE_FILES = ("manifest.json", "color.png", "outline.png")
DEFAULT_OUT = "herbot-teams.zip"
_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold: no build clock in the package


def teams_folder() -> Path:
    """The Teams app files: inside the installed wheel, or ``deploy/teams`` in a checkout."""
    packaged = resources.files("bot").joinpath("_teams_app")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "deploy" / "teams"
    if checkout.is_dir():
        return checkout
    raise CommandFailed("the Teams app files (deploy/teams) are missing from this installation.", command=COMMAND)


def build_manifest(template: Mapping[str, Any], app_id: str) -> dict[str, Any]:
    """The manifest ``template`` with the app ``id`` and every bot's ``botId`` set to ``app_id``."""
    return {**template, "id": app_id, "bots": [{**bot, "botId": app_id} for bot in template["bots"]]}


def package_contents(folder: Path, app_id: str) -> dict[str, bytes]:
    """Each file of the package by name: the manifest built for ``app_id`` and the icons in ``folder``."""
    template = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest = json.dumps(build_manifest(template, app_id), indent=2, ensure_ascii=False) + "\n"
    icons = {name: (folder / name).read_bytes() for name in PACKAGE_FILES if name != "manifest.json"}
    return {"manifest.json": manifest.encode("utf-8"), **icons}


def zip_package(contents: Mapping[str, bytes]) -> bytes:
    """The zip of ``contents``, each file at its root, in the order given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in contents.items():
            entry = zipfile.ZipInfo(name, date_time=_ENTRY_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            package.writestr(entry, data)
    return buffer.getvalue()


def _app_id(option: str | None) -> str:
    """The app id from ``--app-id``, else from the ``MicrosoftAppId`` setting; checked to be a GUID."""
    if option is not None:
        if not is_app_id(option):
            raise CommandFailed(
                f"--app-id {printable(option)!r} is not valid; allowed: {APP_ID_ALLOWED}.", command=COMMAND
            )
        return option
    configured = load_settings().microsoft_app_id  # checked to be a GUID as it is read
    if configured is None:
        message = "no app id: pass --app-id or set MicrosoftAppId, the Azure Bot's Microsoft App ID (a GUID)."
        raise CommandFailed(message, command=COMMAND)
    return configured


@click.command(COMMAND)
@click.option("--app-id", help="The Azure Bot's Microsoft App ID (default: MicrosoftAppId).")
@click.option(
    "--out", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True, help="Where to write the zip."
)
def teams_package_command(app_id: str | None, out: Path) -> None:
    """Write the Teams app package (manifest.json, color.png, outline.png) to upload to Teams."""
    chosen = _app_id(app_id)
    folder = teams_folder()
    try:
        contents = package_contents(folder, chosen)
    except OSError as error:
        raise CommandFailed(
            f"cannot read {error.filename or folder}: {error.strerror or error}.", command=COMMAND
        ) from None
    try:
        # Zipped in memory first: nothing is written until the whole package is built.
        out.write_bytes(zip_package(contents))
    except OSError as error:
        raise CommandFailed(f"cannot write {out}: {error.strerror or error}.", command=COMMAND) from None
    click.echo(str(out))
