"""What a channel knows, from its first answers: the leaderboard, one person's standing, the confusion table.

Every answer counted is a person's first to a post (``education_answers``). People rank by right answers, then
by fewest answers (``RANK``: equal counts share a rank); the confusion table counts wrong answers by question and
option chosen. Ties are broken by ids compared bytewise, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Dialect, Select, case, func, select

from bot.store.schema import education_answers

__all__ = ["confusions", "leaderboard", "standing"]

_answers = education_answers


def leaderboard(channel_key: str, limit: int, dialect: Dialect) -> Select[Any]:
    """The best ``limit`` standings of a channel: person, correct, answered and rank."""
    standings = _standings(channel_key).subquery()
    return (
        select(standings)
        .order_by(standings.c.correct.desc(), standings.c.answered, _bytewise(standings.c.person, dialect))
        .limit(limit)
    )


def standing(channel_key: str, person: str) -> Select[Any]:
    """One person's standing in a channel (no row if they never answered there)."""
    standings = _standings(channel_key).subquery()
    return select(standings).where(standings.c.person == person)


def confusions(channel_key: str, limit: int, dialect: Dialect) -> Select[Any]:
    """A channel's ``limit`` commonest wrong answers: question id, option id and count."""
    count = func.count()
    return (
        select(_answers.c.question_id, _answers.c.option_id, count.label("count"))
        .where(_answers.c.channel_key == channel_key, _answers.c.correct.is_(False))
        .group_by(_answers.c.question_id, _answers.c.option_id)
        .order_by(count.desc(), _bytewise(_answers.c.question_id, dialect), _bytewise(_answers.c.option_id, dialect))
        .limit(limit)
    )


def _standings(channel_key: str) -> Select[Any]:
    correct = func.sum(case((_answers.c.correct, 1), else_=0))
    answered = func.count()
    return (
        select(
            _answers.c.person,
            correct.label("correct"),
            answered.label("answered"),
            func.rank().over(order_by=(correct.desc(), answered.asc())).label("rank"),
        )
        .where(_answers.c.channel_key == channel_key)
        .group_by(_answers.c.person)
    )


def _bytewise(column: ColumnElement[str], dialect: Dialect) -> ColumnElement[str]:
    # SQLite compares text bytewise; PostgreSQL follows the database's locale unless told.
    return column.collate("C") if dialect.name == "postgresql" else column
