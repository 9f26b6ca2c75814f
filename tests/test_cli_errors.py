"""Every command fails with one line on stderr and exit status 2, never a traceback, whatever its input."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

URLS = "sqlite:///PATH, sqlite:// (in memory) or postgresql+psycopg://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
TTL = "a number of minutes above 0 and at most 525600"
LEASE = "a number of seconds from 11 to 3600"
GUID = "the Azure Bot's Microsoft App ID, a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
BAD_SETTINGS = [
    ("HERBOT_SLOT_TTL_MINUTES", "nan", TTL),
    ("HERBOT_SLOT_TTL_MINUTES", "inf", TTL),
    ("HERBOT_SLOT_TTL_MINUTES", "1e300", TTL),
    ("HERBOT_SLOT_TTL_MINUTES", "0", TTL),
    ("HERBOT_DELIVERY_LEASE_SECONDS", "10", LEASE),
    ("HERBOT_DELIVERY_LEASE_SECONDS", "nan", LEASE),
    ("HERBOT_DELIVERY_LEASE_SECONDS", "soon", LEASE),
    ("HERBOT_SCHEDULE_LEASE_SECONDS", "5", LEASE),
    ("HERBOT_SCHEDULE_LEASE_SECONDS", "3601", LEASE),
    ("MicrosoftAppId", "herbot", GUID),
    ("MicrosoftAppId", "0a1b2c3d", GUID),
    ("HERBOT_PORT", "99999", "a port from 1 to 65535"),
    ("HERBOT_PORT", "0", "a port from 1 to 65535"),
    ("HERBOT_PORT", "-1", "a port from 1 to 65535"),
    ("HERBOT_PORT", "abc", "a port from 1 to 65535"),
    ("HERBOT_DATABASE_URL", "notaurl", URLS),
    ("HERBOT_DATABASE_URL", "postgresql://", URLS),
    ("HERBOT_DATABASE_URL", "mysql://x", URLS),
    ("HERBOT_DATABASE_URL", "sqlite://somehost/x.db", URLS),
]
# Commands that read the settings; none of them gets as far as listening or prompting.
SETTINGS_COMMANDS = [("ask", "--conversation", "k", "IHC 2+"), ("chat",), ("serve",)]


def herbot(*argv: str | bytes, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real process, so a traceback or a stray exit status cannot hide inside a test runner."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *argv],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("name", "value", "allowed"), BAD_SETTINGS, ids=[f"{n}={v}" for n, v, _ in BAD_SETTINGS])
@pytest.mark.parametrize("argv", SETTINGS_COMMANDS, ids=[argv[0] for argv in SETTINGS_COMMANDS])
def test_a_bad_setting_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], name: str, value: str, allowed: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, list(argv), env={name: value}, input="quit\n")
    expected = f"herbot {argv[0]}: setting {name}={value!r} is not valid; allowed: {allowed}.\n"
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected)


APP_ID = "0a1b2c3d-0000-4000-8000-000000000001"
BAD_TEAMS_CREDENTIALS = [
    pytest.param(
        {"MicrosoftAppId": APP_ID, "MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": "t-1"},
        ("MicrosoftAppPassword", "(unset)", "the client secret of the app"),
        id="app-without-its-secret",
    ),
    pytest.param(
        {"MicrosoftAppPassword": "s3cret"},
        ("MicrosoftAppId", "(unset)", "the app id the password belongs to"),
        id="secret-without-its-app",
    ),
    pytest.param(
        {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret", "MicrosoftAppType": "SingleTenant"},
        ("MicrosoftAppTenantId", "(unset)", "the tenant id of a SingleTenant app"),
        id="single-tenant-without-its-tenant",
    ),
    pytest.param(
        {"MicrosoftAppType": "Sometimes"},
        ("MicrosoftAppType", "Sometimes", "MultiTenant, SingleTenant, UserAssignedMSI"),
        id="unknown-app-type",
    ),
]


@pytest.mark.parametrize(("env", "expected"), BAD_TEAMS_CREDENTIALS)
def test_bot_framework_credentials_botbuilder_cannot_use_stop_serve_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: tuple[str, str, str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["serve"], env=env)
    name, value, allowed = expected
    message = f"herbot serve: setting {name}={value!r} is not valid; allowed: {allowed}."
    # Found once the server is being built, after its JSON log has started on stderr: the message is the last line.
    assert (result.exit_code, result.stdout, result.stderr.splitlines()[-1]) == (2, "", message)
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr


def test_a_bad_setting_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    done = herbot("serve", cwd=tmp_path, env={"HERBOT_PORT": "99999"})
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "herbot serve: setting HERBOT_PORT='99999' is not valid; allowed: a port from 1 to 65535.\n"


def test_a_password_in_a_bad_database_url_is_not_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = "mysql://bot:s3cret@db/herbot"
    result = CliRunner().invoke(main, ["ask", "--conversation", "k", "IHC 2+"], env={"HERBOT_DATABASE_URL": url})
    assert result.exit_code == 2 and "s3cret" not in result.stderr and "bot:***@" in result.stderr


def test_a_csv_that_is_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes("id,ihc,er_percent\na,2+,90\nb,1+,très\n".encode("latin-1"))
    done = herbot("classify", "--csv", str(source), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"herbot classify: {source} is not UTF-8 text (byte 0xe8 on line 3); save it as UTF-8 CSV.\n"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("k" * 300, "herbot ask: a conversation key is 1 to 255 characters, not 300.\n"),
        (" ", "herbot ask: a conversation key is 1 to 255 characters, not 1.\n"),
        (b"c1\xff", "herbot ask: argument 'c1\\xff' is not UTF-8 text.\n"),
    ],
    ids=["300-characters", "blank", "not-utf8"],
)
def test_a_bad_conversation_key_is_one_line_and_exit_2(tmp_path: Path, key: str | bytes, message: str) -> None:
    env = {"HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'herbot.db'}"}
    done = herbot("ask", "--conversation", key, "IHC 2+", cwd=tmp_path, env=env)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)


@pytest.mark.parametrize("command", ["classify", "ask"])
def test_text_that_is_not_utf8_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    done = herbot(command, b"IHC 2+ \xff", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"herbot {command}: argument 'IHC 2+ \\xff' is not UTF-8 text.\n"


def test_a_busy_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'herbot.db'}", "HERBOT_PORT": str(port)}
        done = herbot("serve", cwd=tmp_path, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    last = done.stderr.splitlines()[-1]
    assert last.startswith(f"herbot serve: cannot listen on 127.0.0.1:{port}: ") and last.endswith("already in use.")
