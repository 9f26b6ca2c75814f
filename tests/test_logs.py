"""herbot's log lines: its own records as fields, a library's as a name and a level, every line one JSON object."""

from __future__ import annotations

import io
import json
import logging
import sys
from typing import Any

import pytest

from bot.logs import JsonLinesHandler, record_fields


def fields_of(name: str, msg: str, *args: object, **extra: object) -> dict[str, Any]:
    record = logging.getLogger(name).makeRecord(name, logging.INFO, "f.py", 1, msg, args, None, extra=extra)
    fields = record_fields(record)
    assert fields.pop("time").endswith("+00:00")
    return fields


HERBOT = {"level": "info", "logger": "herbot.slack"}


@pytest.mark.parametrize(
    ("msg", "args", "extra", "expected"),
    [
        pytest.param(
            "answered surface=%s intent=%s confidence=%.2f outcome=%s latency_ms=%.1f",
            ("slack", "define-her2-low", 0.876, "ok", 4.26),
            {},
            {"event": "answered", "surface": "slack", "intent": "define-her2-low", "confidence": 0.88,
             "outcome": "ok", "latency_ms": 4.3},
            id="event-and-fields",
        ),
        pytest.param(
            "surface=slack state=off reason=no credentials (set %s)",
            ("A and B",),
            {},
            {"surface": "slack", "state": "off", "reason": "no credentials (set A and B)"},
            id="value-with-spaces",
        ),
        pytest.param("store purged events=%d slots=%d", (3, 0), {}, {"event": "store purged", "events": 3, "slots": 0},
                     id="integers"),
        pytest.param("mounted oauth=%s", (False,), {}, {"event": "mounted", "oauth": False}, id="boolean"),
        pytest.param("purge skipped: store unavailable", (), {}, {"event": "purge skipped: store unavailable"},
                     id="no-fields"),
        pytest.param("refused status=%d", (401,), {"route": "/slack/events"},
                     {"event": "refused", "status": 401, "route": "/slack/events"}, id="extra-fields"),
        pytest.param("odd time=%s level=%s", ("t", "l"), {}, {"event": "odd", "time_field": "t", "level_field": "l"},
                     id="reserved-keys-kept-apart"),
        pytest.param("failed kind=%s", ("a=b c=d",), {}, {"event": "failed", "kind": "a=b c=d"},
                     id="an-argument-adds-no-key"),
        pytest.param("bad count=%d", ("x",), {}, {"event": "bad", "count": "%d"}, id="arguments-that-do-not-fit"),
        pytest.param("ratio=%s", (float("nan"),), {}, {"ratio": "nan"}, id="nan-stays-text"),
    ],
)  # fmt: skip
def test_herbot_records_become_fields(msg: str, args: tuple[object, ...], extra: dict, expected: dict) -> None:
    assert fields_of("herbot.slack", msg, *args, **extra) == HERBOT | expected


@pytest.mark.parametrize(
    "name", ["slack_bolt.AsyncApp", "slack_sdk.web.async_base_client", "aiohttp.access", "herbotx"]
)
def test_a_library_record_keeps_only_its_logger_and_level(name: str) -> None:
    assert fields_of(name, "request body: %s", "Jane Roe MRN 123", route="/x") == {"level": "info", "logger": name}


def test_an_exception_is_logged_by_type_and_place_never_by_message() -> None:
    try:
        json.loads('{"text": "Jane Roe"')
    except ValueError:
        record = logging.getLogger("slack_bolt.App").makeRecord(
            "slack_bolt.App", logging.ERROR, "f.py", 1, "failed: %s", ("Jane Roe",), sys.exc_info()
        )
    fields = record_fields(record)
    assert (fields["error"], fields["where"].split(":")[0]) == ("JSONDecodeError", "decoder.py")
    assert "Jane" not in json.dumps(fields)


def test_a_newline_in_a_value_stays_inside_one_line() -> None:
    stream = io.StringIO()
    handler = JsonLinesHandler(stream)
    handler.handle(logging.makeLogRecord({"name": "herbot.x", "msg": "seen kind=%s", "args": ('a\n{"forged": 1}',)}))
    handler.handle(logging.makeLogRecord({"name": "herbot.x", "msg": "seen kind=%s", "args": ("a\u2028b\r\x00",)}))
    lines = stream.getvalue().splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ['a\n{"forged": 1}', "a\u2028b\r\x00"]


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("Jane Roe")


def test_a_record_that_cannot_be_written_says_so_without_its_message(capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    JsonLinesHandler(stream).handle(
        logging.makeLogRecord({"name": "herbot.x", "msg": "seen", "args": (), "thing": Unprintable()})
    )
    [line] = stream.getvalue().splitlines()
    assert json.loads(line)["event"] == "log record not written"
    assert "Jane" not in stream.getvalue() + capsys.readouterr().err
