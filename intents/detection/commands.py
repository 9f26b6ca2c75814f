"""Commands: a bare greeting or help word, and messages that start with a lesson or quiz command.

A bare "hi", "good morning", "menu" or "commands" gets the help answer: single words the
classifier cannot learn one by one, where a statistical guess is a coin toss. A message that
starts like the slash commands ("/her2 learn ISH", "teach me about HER2-low", "quiz me on IHC")
asks for a lesson or a quiz whatever topic it names; the topic is the lesson's subject.

>>> is_help_command("good morning!"), is_help_command("/her2 help"), is_help_command("help me write a poem")
(True, True, False)
>>> command_intent("teach me about her2-low"), command_intent("quiz me on ihc 2+"), command_intent("what is ish?")
('learn', 'quiz', None)
"""

from __future__ import annotations

import re

__all__ = ["command_intent", "is_help_command"]

_HELP_COMMAND = re.compile(
    r"^(?:/?her2 |herbot |@?herbot )?"
    r"(?:hi+|hello|hey+|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|morning|afternoon|evening|"
    r"help|halp|hlep|commands?|menu|options|usage|start|get started|intro|about|faq|tips|manual|instructions|"
    r"examples?|what can you do|/her2|"
    r"(?:what|who) (?:are|r) (?:you|u)(?: for| exactly| for exactly)?|what do (?:you|u) do"
    r"|how do (?:i|we) use (?:you|u|this))"
    r"(?:,? (?:there|herbot|bot|team|all|everyone|pls|please))?[\s!.?]*$"
)

_PREFIX = r"^(?:/?her2 |@?herbot,? )?"
_LESSON = re.compile(
    _PREFIX + r"(?:learn|teach (?:me|us|the team)|lessons?|tutorial|crash course|mini lesson|micro lesson|educate me)\b"
)
_QUIZ = re.compile(_PREFIX + r"(?:quiz+|qiuz|quizz? me|test (?:me|us|my)|pop quiz|quick quiz|mcqs?)\b")


def command_intent(text: str) -> str | None:
    """``learn`` or ``quiz`` when normalised ``text`` starts with a lesson or quiz command, else None."""
    if _LESSON.match(text):
        return "learn"
    if _QUIZ.match(text):
        return "quiz"
    return None


def is_help_command(text: str) -> bool:
    """True when normalised ``text`` is only a greeting or a help command."""
    return bool(_HELP_COMMAND.match(text))
