"""Question-bank answers: the first sentence answers the question asked, the topic is one click away.

A yes/no question's answer starts with its verdict ("Yes", "No", "Not by itself"), then the fact that
answers it; the second answer fact and the entry's points follow. A question that mentions a value
("is IHC 1+ considered HER2-low?") adds one line on what that value alone means, from the engine.
"""

from __future__ import annotations

from bot.engine import Report, classify
from bot.engine.explanation import Claim, Explanation
from bot.engine.questions import Question
from bot.knowledge import Knowledge
from intents.classify_values import describe_values, explain_classification

__all__ = ["MORE_ON", "explain_question", "value_line"]

MORE_ON = "More on {title}"
MAX_FOLLOW_UPS = 2


def explain_question(question: Question, knowledge: Knowledge, *, value: Claim | None = None) -> Explanation:
    """The cited answer to ``question``, with ``value`` (what a value in the message means) after the answer."""
    first, *rest = (knowledge.fact(fact_id) for fact_id in question.answer)
    text = f"{question.verdict.label}: {_after_colon(first.text)}" if question.verdict else first.text
    headline = Claim(text, first.sources, assumed=first.assumed, id=first.id)
    points = (*rest, *((value,) if value else ()), *(knowledge.fact(fact_id) for fact_id in question.points))
    topic = knowledge.topic(question.topic_id)
    asks = [entry.ask for entry in map(knowledge.question, question.follow_ups) if entry is not None]
    return Explanation(
        intent=question.intent,
        headline=headline,
        points=points,
        follow_ups=(*asks[:MAX_FOLLOW_UPS], MORE_ON.format(title=topic.title)),
        topic_id=topic.id,
        question_id=question.id,
    )


def _after_colon(sentence: str) -> str:
    """``sentence`` with a capitalised first word lowered, unless it is an abbreviation ("HER2", "IHC").

    >>> _after_colon("A tumour with ER ≥ 1% is HR-positive.")
    'a tumour with ER ≥ 1% is HR-positive.'
    >>> _after_colon("IHC 2+ is equivocal.")
    'IHC 2+ is equivocal.'
    """
    first = sentence.split(" ", 1)[0]
    return sentence[0].lower() + sentence[1:] if first[1:].islower() or len(first) == 1 else sentence


def value_line(report: Report) -> Claim:
    """One cited line on what ``report``'s values alone read as: "On its own, HER2 IHC 1+ reads as ...\""""
    explanation = explain_classification(classify(report))
    values = ", ".join(f"{label} {shown}" for label, shown in describe_values(report))
    return Claim(f"On its own, {values} reads as: {explanation.headline.text}.", explanation.headline.sources)
