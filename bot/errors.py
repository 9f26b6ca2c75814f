"""The one error tree of herbot.

::

    HerbotError                          anything herbot raises on purpose
     ├── InvalidValue(*, field, value, allowed)
     │    │                              a reported value the rules cannot accept
     │    └── ConflictingValues(*, field, values)
     │                                   one field reported twice with different values
     ├── StoreUnavailable(*, url)        the database cannot be reached
     ├── InvalidSetting(*, name, value, allowed)
     │                                   a configuration variable herbot cannot use
     └── UnknownSource(*, source_id)     a statement cites an id the source registry does not hold
                                         (a bug in the knowledge or the rules; also a ``LookupError``)

Errors are data first and text second: adapters render them from their attributes,
and ``str(error)`` is a complete sentence for logs-free places such as the CLI.
Values kept on an error are short tokens the extractor recognised as values, never
free text from a message.
"""

from __future__ import annotations

_MAX_ECHO = 24


def _shorten(value: str) -> str:
    """Cut an echoed value so an error can never repeat a long piece of user text."""
    value = " ".join(value.split())
    return value if len(value) <= _MAX_ECHO else value[: _MAX_ECHO - 1] + "…"


class HerbotError(Exception):
    """Base of every error herbot raises on purpose."""


class InvalidValue(HerbotError):
    """A value outside what the classification rules allow.

    >>> str(InvalidValue(field="ihc", value="4+", allowed="0, 0-ultralow, 0-null, 1+, 2+ or 3+"))
    "ihc '4+' is not valid; allowed: 0, 0-ultralow, 0-null, 1+, 2+ or 3+."
    """

    def __init__(self, *, field: str, value: str, allowed: str, reason: str = "") -> None:
        self.field = field
        self.value = _shorten(str(value))
        self.allowed = allowed
        self.reason = reason
        super().__init__(self._message())

    def _message(self) -> str:
        because = f" ({self.reason})" if self.reason else ""
        return f"{self.field} {self.value!r} is not valid{because}; allowed: {self.allowed}."


class ConflictingValues(InvalidValue):
    """The same field was reported more than once with different values."""

    def __init__(self, *, field: str, values: tuple[str, ...]) -> None:
        self.values = tuple(_shorten(v) for v in values)
        super().__init__(
            field=field,
            value=" vs ".join(self.values),
            allowed="one value per field",
            reason="reported more than once with different values",
        )

    def _message(self) -> str:
        listed = " and ".join(repr(v) for v in self.values)
        return f"{self.field} was reported more than once with different values ({listed}); give one value."


class StoreUnavailable(HerbotError):
    """The conversation store cannot be reached."""

    def __init__(self, *, url: str) -> None:
        self.url = url
        super().__init__(f"the store at {url} cannot be reached")


class InvalidSetting(HerbotError):
    """A configuration variable has a value herbot cannot use."""

    def __init__(self, *, name: str, value: str, allowed: str) -> None:
        self.name = name
        self.value = _shorten(value)
        self.allowed = allowed
        super().__init__(f"setting {name}={self.value!r} is not valid; allowed: {allowed}.")


class UnknownSource(HerbotError, LookupError):
    """A statement cites an id the source registry does not hold: a bug in the knowledge or the rules."""

    def __init__(self, *, source_id: str) -> None:
        self.source_id = _shorten(source_id)
        super().__init__(f"no source {self.source_id!r} in the source registry")
