"""Messages longer than herbot reads: answered with a request for the values, never classified.

A pasted report can be long, and a value after any cut could change the result; so past
``MAX_MESSAGE_CHARS`` nothing in the message is read at all, and the answer says why and what to send.

>>> too_long_explanation(5_000).headline.text.startswith("Your message is 5,000 characters long")
True
"""

from __future__ import annotations

from bot.engine.explanation import Claim, Explanation

__all__ = ["MAX_MESSAGE_CHARS", "is_too_long", "too_long_explanation"]

MAX_MESSAGE_CHARS = 4_000
_TOO_LONG = (
    "Your message is {length:,} characters long, too long for me to read whole (I read up to {cap:,}), "
    "so I have not classified anything in it: a value I skipped could change the result. "
    "Please send just the values, for example: IHC 2+, ISH ratio 1.6, copy number 3.2, ER 90%, PR 20%."
)


def is_too_long(text: str) -> bool:
    """True for a message past ``MAX_MESSAGE_CHARS``."""
    return len(text) > MAX_MESSAGE_CHARS


def too_long_explanation(length: int) -> Explanation:
    """The answer to a message of ``length`` characters that is too long: it cites nothing, as it states nothing
    clinical."""
    return Explanation(intent="help", headline=Claim(_TOO_LONG.format(length=length, cap=MAX_MESSAGE_CHARS), ()))
