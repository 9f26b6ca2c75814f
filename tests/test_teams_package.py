"""``herbot teams-package`` through its real argv: the zip, its schema-valid manifest, the icons, and its errors."""

from __future__ import annotations

import copy
import json
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator, Draft7Validator, validators

from bot.cli import main

APP_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
OTHER_ID = "ffffffff-0000-4000-8000-000000000001"
SCHEMA = Path(__file__).parent / "data" / "teams" / "MicrosoftTeams.schema.json"
SCOPES = ["personal", "team", "groupChat"]
COMMANDS = ["help", "classify", "learn", "quiz", "scores", "schedule"]
ALLOWED = "the Azure Bot's Microsoft App ID, a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
# The schema declares draft-04, but Microsoft's own validator (Ajv) also applies ``const`` and ``if``/``then``,
# which draft-04 does not know; this validator applies them too. Every $ref in the schema is local.
TeamsValidator = validators.extend(Draft4Validator, {k: Draft7Validator.VALIDATORS[k] for k in ("const", "if")})


def run(*argv: str, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    """``herbot *argv`` with no MicrosoftAppId inherited from the machine, unless ``env`` sets one."""
    result = CliRunner().invoke(main, list(argv), env={"MicrosoftAppId": None, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[zipfile.ZipFile]:
    """The default package, built in an empty working folder (no .env) for APP_ID."""
    monkeypatch.chdir(tmp_path)
    assert run("teams-package", "--app-id", APP_ID) == (0, "herbot-teams.zip\n", "")
    with zipfile.ZipFile(tmp_path / "herbot-teams.zip") as opened:
        yield opened


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture
def manifest(package: zipfile.ZipFile) -> dict[str, Any]:
    return json.loads(package.read("manifest.json").decode("utf-8"))


def at(node: Any, path: str) -> Any:
    """``at(m, "bots.0.botId")``: list items by index."""
    for key in path.split("."):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def png_header(data: bytes) -> tuple[int, int, int, int]:
    """Width, height, bit depth and colour type from a PNG's IHDR chunk, the first after the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def rgba_pixels(data: bytes) -> list[bytes]:
    """The pixels of an 8-bit, non-interlaced RGBA PNG, its scanline filters undone (PNG spec, section 9)."""
    width, height, _, _ = png_header(data)
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        if data[offset + 4 : offset + 8] == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    raw, stride, rows, previous = zlib.decompress(b"".join(chunks)), width * 4, [], bytearray(width * 4)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a, b = line[i - 4] if i >= 4 else 0, previous[i]
            c = previous[i - 4] if i >= 4 else 0
            p = a + b - c
            paeth = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c
            line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth)[kind]) & 0xFF
        rows.append(line)
        previous = line
    return [bytes(row[x : x + 4]) for row in rows for x in range(0, stride, 4)]


def test_the_package_holds_exactly_the_manifest_and_two_icons(package: zipfile.ZipFile) -> None:
    assert package.namelist() == ["manifest.json", "color.png", "outline.png"]


def test_the_manifest_is_of_the_vendored_schema_version(manifest: dict[str, Any], schema: dict[str, Any]) -> None:
    version = schema["properties"]["manifestVersion"]["const"]
    published = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{version}/MicrosoftTeams.schema.json"
    assert (manifest["manifestVersion"], manifest["$schema"]) == (version, published)


def test_the_manifest_is_valid_by_the_vendored_schema(manifest: dict[str, Any], schema: dict[str, Any]) -> None:
    # Its patterns are ECMAScript (some use \p{L}, which Python's re cannot read), so the meta-check skips "regex".
    TeamsValidator.check_schema(schema, format_checker=None)
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in TeamsValidator(schema).iter_errors(manifest)
    ]
    assert errors == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("manifestVersion", "1.29"),
        ("bots.0.botId", "herbot"),
        ("bots.0.scopes.0", "everyone"),
        ("accentColor", "pink"),
        ("name.short", "h" * 31),
        ("description.short", "d" * 81),
        ("bots.0.commandLists.0.commands.0.colour", "blue"),
    ],
    ids=["version", "bot-id", "scope", "colour", "short-name", "short-description", "unknown-key"],
)
def test_the_schema_check_refuses_a_manifest_teams_would_refuse(
    manifest: dict[str, Any], path: str, value: Any
) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    changed = copy.deepcopy(manifest)
    *parents, last = path.split(".")
    node = at(changed, ".".join(parents)) if parents else changed
    node[int(last) if isinstance(node, list) else last] = value
    assert not TeamsValidator(schema).is_valid(changed)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("id", APP_ID),
        ("bots.0.botId", APP_ID),
        ("bots.0.scopes", SCOPES),
        ("bots.0.supportsFiles", False),
        ("bots.0.isNotificationOnly", False),
        ("icons", {"color": "color.png", "outline": "outline.png"}),
        ("name.short", "herbot"),
        ("validDomains", []),
    ],
)
def test_manifest_setting(manifest: dict[str, Any], path: str, expected: Any) -> None:
    assert at(manifest, path) == expected


def test_the_bot_is_the_only_bot(manifest: dict[str, Any]) -> None:
    assert len(manifest["bots"]) == 1


@pytest.mark.parametrize("scope", SCOPES)
def test_every_scope_lists_the_four_commands_with_a_description(manifest: dict[str, Any], scope: str) -> None:
    [commands] = [entry["commands"] for entry in manifest["bots"][0]["commandLists"] if scope in entry["scopes"]]
    assert [(c["title"], bool(c["description"])) for c in commands] == [(title, True) for title in COMMANDS]


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("description.full", "educational decision support"),
        ("description.full", "ASCO/CAP"),
        ("description.full", "lessons and quizzes"),
        ("bots.0.commandLists.0.commands.1.description", "IHC 2+ ratio 1.6 copies 3.2 ER 90"),
    ],
)
def test_the_wording_says(manifest: dict[str, Any], path: str, fragment: str) -> None:
    assert fragment in at(manifest, path)


@pytest.mark.parametrize("path", ["developer.websiteUrl", "developer.privacyUrl", "developer.termsOfUseUrl"])
def test_developer_urls_are_https(manifest: dict[str, Any], path: str) -> None:
    assert at(manifest, path).startswith("https://") and " " not in at(manifest, path)


# (file, width, height, colour type): 2 is RGB, 6 is RGBA
@pytest.mark.parametrize(
    ("name", "width", "height", "colour"), [("color.png", 192, 192, 2), ("outline.png", 32, 32, 6)]
)
def test_icon_size(package: zipfile.ZipFile, name: str, width: int, height: int, colour: int) -> None:
    assert png_header(package.read(name)) == (width, height, 8, colour)


def test_the_outline_icon_is_white_on_transparent(package: zipfile.ZipFile) -> None:
    pixels = rgba_pixels(package.read("outline.png"))
    assert {pixel[:3] for pixel in pixels if pixel[3]} == {b"\xff\xff\xff"}
    assert any(pixel[3] == 0 for pixel in pixels)


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        ((), {}, "no app id: pass --app-id or set MicrosoftAppId, the Azure Bot's Microsoft App ID (a GUID)."),
        (("--app-id", "herbot"), {}, f"--app-id 'herbot' is not valid; allowed: {ALLOWED}."),
        (("--app-id", f"{{{APP_ID}}}"), {}, f"--app-id '{{{APP_ID}}}' is not valid; allowed: {ALLOWED}."),
        (("--app-id", APP_ID[:-1]), {}, f"--app-id '{APP_ID[:-1]}' is not valid; allowed: {ALLOWED}."),
        (("--app-id", f"{APP_ID}\n"), {}, f"--app-id '{APP_ID}\\n' is not valid; allowed: {ALLOWED}."),
        ((), {"MicrosoftAppId": "abc"}, f"setting MicrosoftAppId='abc' is not valid; allowed: {ALLOWED}."),
    ],
    ids=["missing", "a-word", "braces", "short", "newline", "bad-setting"],
)
def test_a_missing_or_invalid_app_id_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("teams-package", *argv, env=env) == (2, "", f"herbot teams-package: {message}\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ((), {"MicrosoftAppId": APP_ID}, APP_ID),
        (("--app-id", OTHER_ID), {"MicrosoftAppId": APP_ID}, OTHER_ID),
        (("--app-id", OTHER_ID), {"MicrosoftAppId": "not-a-guid"}, OTHER_ID),
    ],
    ids=["from-setting", "option-wins", "option-wins-over-a-bad-setting"],
)
def test_the_app_id_comes_from_the_option_else_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], env: dict[str, str], expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("teams-package", *argv, env=env) == (0, "herbot-teams.zip\n", "")
    with zipfile.ZipFile(tmp_path / "herbot-teams.zip") as package:
        built = json.loads(package.read("manifest.json"))
    assert (built["id"], built["bots"][0]["botId"]) == (expected, expected)


def test_the_app_id_is_read_from_a_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"MicrosoftAppId={APP_ID}\n", encoding="utf-8")
    assert run("teams-package")[0] == 0
    with zipfile.ZipFile(tmp_path / "herbot-teams.zip") as package:
        assert json.loads(package.read("manifest.json"))["id"] == APP_ID


def test_out_is_where_the_package_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "build" / "teams.zip"
    out.parent.mkdir()
    assert run("teams-package", "--app-id", APP_ID, "--out", str(out)) == (0, f"{out}\n", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]
    assert zipfile.ZipFile(out).namelist() == ["manifest.json", "color.png", "outline.png"]


@pytest.mark.parametrize(
    ("out", "reason"),
    [("missing/teams.zip", "No such file or directory"), (".", "Is a directory")],
    ids=["no-such-folder", "a-folder"],
)
def test_an_out_that_cannot_be_written_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, reason: str
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = f"herbot teams-package: cannot write {out}: {reason}.\n"
    assert run("teams-package", "--app-id", APP_ID, "--out", out) == (2, "", expected)


def test_the_same_app_id_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run("teams-package", "--app-id", APP_ID, "--out", "a.zip")
    run("teams-package", "--app-id", APP_ID, "--out", "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
