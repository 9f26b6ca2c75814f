"""Small talk: a greeting or a thanks gets one short line, citing nothing; "help" gets the full help.

>>> is_greeting("Good morning, herbot!"), is_greeting("help")
(True, False)
"""

from __future__ import annotations

import re

from bot.engine.explanation import Claim, Explanation
from intents.catalog import QUESTIONS, Intent

__all__ = ["explain_greeting", "explain_thanks", "is_greeting"]

_GREETING = re.compile(
    r"^\W*(?:hi+|hello|hey+|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|morning|afternoon|"
    r"evening)(?:,? (?:there|herbot|bot|team|all|everyone))?\W*$",
    re.IGNORECASE,
)


def is_greeting(text: str) -> bool:
    """True when ``text`` is only a greeting."""
    return bool(_GREETING.match(text))


def explain_greeting() -> Explanation:
    """A one-line hello that says what to ask."""
    return Explanation(
        intent=Intent.HELP,
        headline=Claim(
            'Hi! Ask me about HER2 testing and categories, or paste values to classify. Type "help" for more.', ()
        ),
        follow_ups=(QUESTIONS[Intent.DEFINE_HER2_LOW], QUESTIONS[Intent.HELP]),
    )


def explain_thanks() -> Explanation:
    """A one-line acknowledgement."""
    return Explanation(intent=Intent.HELP, headline=Claim("You're welcome. Ask me anything else about HER2.", ()))
