"""Logging for ``herbot serve``: one JSON object per line, and never a message's text or a request's body.

herbot's own records (loggers named ``herbot`` or ``herbot.*``) are written as structured fields. Their
format strings are ``event key=value ...``; the words before the first key name the event and each
``key=%s`` becomes a field, its value formatted from that key's own arguments (``extra=`` fields are kept
too)::

    log.info("answered surface=%s intent=%s latency_ms=%.1f", "slack", "define-her2-low", 4.21)
    -> {"time": "...", "level": "info", "logger": "herbot.slack", "event": "answered",
        "surface": "slack", "intent": "define-her2-low", "latency_ms": 4.2}

A library's record is reduced to its logger's name, its level and the type of its exception: slack_bolt
logs whole request bodies (at INFO when a signature fails) and slack_sdk logs API payloads at DEBUG, and
Bolt gives each of its loggers the root's level, so levels cannot keep those lines out; the handler can.
Exceptions are logged by type and place (``file.py:line``), never by message, which can quote input.
The JSON encoder escapes every control character, so no input can start a line of its own.

>>> import io
>>> stream = io.StringIO()
>>> handler = JsonLinesHandler(stream)
>>> handler.handle(logging.makeLogRecord({"name": "slack_bolt.App", "msg": "request body: %s", "args": ("Jo",)}))
True
>>> sorted(json.loads(stream.getvalue()))
['level', 'logger', 'time']
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

__all__ = ["ACCESS_LOGGER", "JsonLinesHandler", "PathOnlyAccessLogger", "configure_logging", "record_fields"]

ACCESS_LOGGER = "herbot.http"
OWN_LOGGER = "herbot"
BASE_FIELDS = ("time", "level", "logger", "event", "error", "where")
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# `` key=`` where a key is a lowercase identifier: the start of one field in a format string.
_KEY = re.compile(r"(?:^|\s)([a-z_][a-z0-9_]*)=")
# A printf placeholder (``%s``, ``%d``, ``%.1f``, ...) but not a literal ``%%``.
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")
# Attributes every LogRecord has; anything else on one of herbot's records came through ``extra=``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log by route, not path: a path or query string can carry OAuth codes, states, or any text a
    sender typed into a URL. ``route`` is the matched route's pattern, or ``unmatched``."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "http method=%s route=%s status=%s latency_ms=%.1f",
            request.method if request.method in HTTP_METHODS else "other",
            _route_of(request),
            response.status,
            time * 1000,
        )


def _route_of(request: web.BaseRequest) -> str:
    match_info = getattr(request, "match_info", None)
    route = getattr(match_info, "route", None)
    resource = getattr(route, "resource", None)
    return resource.canonical if resource is not None else "unmatched"


def configure_logging(level: int = logging.INFO, stream: IO[str] | None = None) -> JsonLinesHandler:
    """Send every record to one ``JsonLinesHandler`` on the root logger, at ``level``.

    Other root handlers are removed; loggers that already have handlers of their own, or do not
    propagate, are made to propagate to the root only, so their records pass through the same handler.
    Python warnings are logged too (as library records: a logger name and a level).
    """
    handler = JsonLinesHandler(stream if stream is not None else sys.stderr)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            for existing in list(logger.handlers):
                logger.removeHandler(existing)
            logger.propagate = True
    logging.captureWarnings(True)
    return handler


class JsonLinesHandler(logging.StreamHandler[IO[str]]):
    """Writes ``record_fields`` of each record as one JSON line; never the record's message or arguments."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(record_fields(record), default=str)

    def handleError(self, record: logging.LogRecord) -> None:
        # logging's own handleError prints the record's message and arguments to stderr: say only that
        # a record could not be written, and by whom.
        try:
            self.stream.write(json.dumps(_library_fields(record) | {"event": "log record not written"}) + "\n")
            self.flush()
        except Exception:  # nowhere left to report it
            pass


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields logged for ``record``: all of herbot's, a library's name, level and exception type only."""
    if record.name != OWN_LOGGER and not record.name.startswith(OWN_LOGGER + "."):
        return _library_fields(record)
    fields: dict[str, Any] = {
        "time": _time(record),
        "level": record.levelname.lower(),
        "logger": record.name,
    }
    event, parsed = _event_and_fields(record)
    if event:
        fields["event"] = event
    extra = {key: value for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES}
    for key, value in (parsed | extra).items():
        fields[key if key not in BASE_FIELDS else f"{key}_field"] = _json_value(value)
    fields |= _exception_fields(record.exc_info)
    return fields


def _library_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        "time": _time(record),
        "level": record.levelname.lower(),
        "logger": record.name,
        **_exception_fields(record.exc_info),
    }


def _time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def _event_and_fields(record: logging.LogRecord) -> tuple[str, dict[str, Any]]:
    """Split herbot's ``"event key=%s key=%d"`` format string into the event and one field per key.

    Each key's value is its own stretch of the format string formatted with its own arguments, so a
    value with spaces (``reason=no credentials (set %s)``) stays whole and no argument can add a key.
    """
    template = record.msg if isinstance(record.msg, str) else str(record.msg)
    args = record.args if isinstance(record.args, tuple) else ()
    keys = list(_KEY.finditer(template))
    if not keys:
        return _formatted(template, args).strip(), {}
    event = _formatted(template[: keys[0].start()], args[: _count_placeholders(template[: keys[0].start()])])
    fields: dict[str, Any] = {}
    used = _count_placeholders(template[: keys[0].start()])
    for key, following in zip(keys, [*keys[1:], None], strict=True):
        stretch = template[key.end() : following.start() if following is not None else len(template)].strip()
        count = _count_placeholders(stretch)
        own = args[used : used + count]
        used += count
        fields[key.group(1)] = _field_value(stretch, own)
    return event.strip(), fields


def _count_placeholders(template: str) -> int:
    return len(_PLACEHOLDER.findall(template.replace("%%", "")))


def _field_value(stretch: str, args: tuple[Any, ...]) -> Any:
    """A lone placeholder of a bool or number keeps its JSON type (``%.1f`` keeps its rounding)."""
    text = _formatted(stretch, args)
    if len(args) != 1 or not _PLACEHOLDER.fullmatch(stretch):
        return text
    value = args[0]
    if isinstance(value, bool) and stretch == "%s":
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        for number in (int, float):
            try:
                parsed = number(text)
            except ValueError:
                continue
            return parsed if math.isfinite(parsed) else text
    return text


def _formatted(template: str, args: tuple[Any, ...]) -> str:
    """``template % args`` as logging would format it; the template itself if they do not fit."""
    if not args:
        return template
    try:
        return template % args
    except (TypeError, ValueError):
        return template


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _exception_fields(exc_info: Any) -> dict[str, str]:
    """The exception's type and the ``file.py:line`` it was raised at; never its message."""
    if not exc_info or not isinstance(exc_info, tuple) or exc_info[0] is None:
        return {}
    kind, _, traceback = exc_info
    return {"error": kind.__name__, "where": _raised_at(traceback)}


def _raised_at(traceback: TracebackType | None) -> str:
    if traceback is None:
        return "-"
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    return f"{Path(traceback.tb_frame.f_code.co_filename).name}:{traceback.tb_lineno}"
