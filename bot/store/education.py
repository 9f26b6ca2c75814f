"""``EducationStore``: channels, posted questions, answers, review cards, lessons read, schedules and notices.

Like ``Store`` (which builds one: ``store.education``), every method is one short transaction whose outcome the
database decides, so any number of threads and replicas can share it: a person's first answer to a post is a
primary key inserted with ``ON CONFLICT DO NOTHING``; a channel has one schedule (a unique key); taking the next
lesson is one ``UPDATE … RETURNING``; due schedules are claimed under a lease and posted only by the claim's
holder, in one transaction with the request and its deliveries (``bot.store.education_schedules``).

Only ids, option ids, counts, times, JSON the surfaces and the spaced-repetition package made, and herbot's own
sentences (notices) are stored, never what a person wrote.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Row, delete, insert, select, update

from bot.store import education_schedules as schedules
from bot.store import education_tallies as tallies
from bot.store.access import StoreAccess, aware, bounded, positive
from bot.store.education_records import ChannelState, Confusion, QuizPost, ScheduleRecord, Standing
from bot.store.outbox import bounded_reason
from bot.store.records import MAX_NAME_LENGTH, NewDelivery
from bot.store.schema import (
    education_answers,
    education_channels,
    education_lessons,
    education_notices,
    education_posts,
    education_reviews,
    education_schedules,
)

__all__ = ["ChannelState", "Confusion", "EducationStore", "QuizPost", "ScheduleRecord", "Standing"]

# A notice is one or two of herbot's sentences.
MAX_NOTICE_LENGTH = 1000


class EducationStore(StoreAccess):
    """Education's shared state in the store's database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime], writes: AbstractContextManager[Any]) -> None:
        # The store's own queue of this process's writers on SQLite (see ``StoreAccess``): shared, not a second one.
        super().__init__(engine, clock=clock, writes=writes)

    # Channels

    def save_channel(self, key: str, *, surface: str, team: str, address: Mapping[str, Any]) -> ChannelState:
        """Insert a channel or replace its surface, team and address, keeping its settings and lesson progress."""
        table = education_channels
        statement = self._upserting_insert(table).values(
            channel_key=bounded("channel key", key),
            surface=_name("surface", surface),
            team=bounded("team", team),
            address_json=_json(address),
            leaderboard=True,
            next_lesson=0,
            updated_at=self._now(),
        )
        replaced = ("surface", "team", "address_json", "updated_at")
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.channel_key], set_={name: statement.excluded[name] for name in replaced}
        ).returning(*table.c)
        with self._transaction() as connection:
            return _channel(connection.execute(statement).one())

    def channel(self, key: str) -> ChannelState | None:
        """A saved channel, or ``None``."""
        table = education_channels
        rows = self._read(select(table).where(table.c.channel_key == bounded("channel key", key)))
        return _channel(rows[0]) if rows else None

    def set_leaderboard(self, key: str, on: bool) -> None:
        """Show or hide a saved channel's leaderboard; ``LookupError`` for a channel never saved."""
        table = education_channels
        statement = update(table).where(table.c.channel_key == bounded("channel key", key))
        if self._write(statement.values(leaderboard=on)) == 0:
            raise LookupError("no such channel: save it first")

    def take_next_lesson(self, key: str, lesson_count: int) -> int:
        """The index of a saved channel's next lesson, moving it on (modulo ``lesson_count``) in the same statement;
        ``LookupError`` for a channel never saved."""
        statement = schedules.next_lesson(education_channels.c.channel_key == bounded("channel key", key), lesson_count)
        with self._transaction() as connection:
            after = connection.execute(statement).scalar_one_or_none()
        if after is None:
            raise LookupError("no such channel: save it first")
        return (after - 1) % lesson_count

    # Posted questions and answers

    def record_post(self, post_id: str, *, channel_key: str, question_id: str, for_person: str | None = None) -> None:
        """Record a question posted now; a post id used before is a bug (``IntegrityError``)."""
        post = QuizPost(post_id, channel_key, question_id, self._now(), for_person)
        self._write(insert(education_posts).values(_post_values(post)))

    def post(self, post_id: str) -> QuizPost | None:
        """A recorded post, or ``None``."""
        table = education_posts
        rows = self._read(select(table).where(table.c.post_id == bounded("post id", post_id)))
        if not rows:
            return None
        row = rows[0]
        return QuizPost(row.post_id, row.channel_key, row.question_id, row.posted_at, row.for_person)

    def record_answer(
        self, post_id: str, *, person: str, question_id: str, channel_key: str, option_id: str, correct: bool
    ) -> bool:
        """Record the option a person chose on a post; True only for their first answer to it (races included)."""
        statement = self._upserting_insert(education_answers).values(
            post_id=bounded("post id", post_id),
            person=bounded("person", person),
            question_id=bounded("question id", question_id),
            channel_key=bounded("channel key", channel_key),
            option_id=bounded("option id", option_id),
            correct=correct,
            answered_at=self._now(),
        )
        return self._write(statement.on_conflict_do_nothing()) == 1

    def answer(self, post_id: str, person: str) -> tuple[str, bool] | None:
        """The option a person chose on a post and whether it was right, or ``None``."""
        table = education_answers
        statement = select(table.c.option_id, table.c.correct).where(
            table.c.post_id == bounded("post id", post_id), table.c.person == bounded("person", person)
        )
        rows = self._read(statement)
        return (rows[0].option_id, rows[0].correct) if rows else None

    # Spaced repetition and lessons read

    def review_states(self, person: str) -> dict[str, tuple[str, datetime]]:
        """A person's review cards: question id -> (the card as JSON, when it is due)."""
        table = education_reviews
        statement = select(table.c.question_id, table.c.card_json, table.c.due)
        rows = self._read(statement.where(table.c.person == bounded("person", person)))
        return {row.question_id: (row.card_json, row.due) for row in rows}

    def save_review_state(self, person: str, question_id: str, card_json: str, due: datetime) -> None:
        """Insert or replace a person's review card for a question (``card_json``: a JSON object)."""
        statement = self._upserting_insert(education_reviews).values(
            person=bounded("person", person),
            question_id=bounded("question id", question_id),
            card_json=_card(card_json),
            due=aware("due", due),
            updated_at=self._now(),
        )
        excluded = statement.excluded
        self._write(
            statement.on_conflict_do_update(
                index_elements=[education_reviews.c.person, education_reviews.c.question_id],
                set_={"card_json": excluded.card_json, "due": excluded.due, "updated_at": excluded.updated_at},
            )
        )

    def mark_lesson(self, person: str, lesson_id: str) -> None:
        """Note that a person read a lesson (once is enough)."""
        statement = self._upserting_insert(education_lessons).values(
            person=bounded("person", person), lesson_id=bounded("lesson id", lesson_id), marked_at=self._now()
        )
        self._write(statement.on_conflict_do_nothing())

    def lessons_marked(self, person: str) -> set[str]:
        """The ids of the lessons a person read."""
        table = education_lessons
        rows = self._read(select(table.c.lesson_id).where(table.c.person == bounded("person", person)))
        return {row.lesson_id for row in rows}

    # What a channel knows

    def leaderboard(self, channel_key: str, limit: int = 10) -> list[Standing]:
        """A channel's best ``limit`` people: most right answers, then fewest answers, then person id."""
        statement = tallies.leaderboard(bounded("channel key", channel_key), _limit(limit), self.engine.dialect)
        return [Standing(row.person, row.correct, row.answered, row.rank) for row in self._read(statement)]

    def standing(self, channel_key: str, person: str) -> Standing | None:
        """A person's place on a channel's leaderboard, or ``None`` if they never answered there."""
        statement = tallies.standing(bounded("channel key", channel_key), bounded("person", person))
        rows = self._read(statement)
        return Standing(rows[0].person, rows[0].correct, rows[0].answered, rows[0].rank) if rows else None

    def confusions(self, channel_key: str, limit: int = 10) -> list[Confusion]:
        """A channel's wrong answers by question and option chosen, most often chosen first."""
        statement = tallies.confusions(bounded("channel key", channel_key), _limit(limit), self.engine.dialect)
        return [Confusion(row.question_id, row.option_id, row.count) for row in self._read(statement)]

    # Schedules (statements in bot.store.education_schedules)

    def set_schedule(
        self,
        channel_key: str,
        *,
        surface: str,
        team: str,
        cadence: str,
        weekday: int | None,
        at_time: str,
        zone: str,
        set_by: str,
        next_due_at: datetime,
    ) -> ScheduleRecord:
        """Set a channel's schedule, replacing any (its id and post count stay; it is active and unclaimed)."""
        values = {
            "surface": _name("surface", surface),
            "team": bounded("team", team),
            "cadence": _name("cadence", str(cadence)),
            "weekday": schedules.checked_weekday(weekday),
            "at_time": schedules.checked_at_time(at_time),
            "zone": bounded("zone", zone),
            "set_by": bounded("set_by", set_by),
            "set_at": self._now(),
            "next_due_at": aware("next_due_at", next_due_at),
            "active": True,
            "off_reason": None,
            # An earlier setting's claim is void: its post, if any, finds the claim gone and writes nothing.
            "claimed_by": None,
            "claim_until": None,
        }
        with self._transaction() as connection:
            return schedules.upsert(connection, bounded("channel key", channel_key), values)

    def schedule(self, channel_key: str) -> ScheduleRecord | None:
        """A channel's schedule (active or turned off), or ``None``."""
        table = education_schedules
        rows = self._read(select(table).where(table.c.channel_key == bounded("channel key", channel_key)))
        return schedules.schedule_from_row(rows[0]) if rows else None

    def turn_off_schedule(self, channel_key: str, reason: str | None) -> bool:
        """Turn a channel's active schedule off for ``reason`` (``None``: asked to; a platform's error is cut to
        255 characters), voiding any claim; False if none was active."""
        off_reason = None if reason is None else bounded_reason(reason)
        return self._write(schedules.turn_off(bounded("channel key", channel_key), off_reason)) == 1

    def claim_due_schedules(
        self, *, owner: str, now: datetime, lease: timedelta, limit: int = 20, take_over: Collection[str] = ()
    ) -> list[ScheduleRecord]:
        """Claim for ``owner`` until ``now + lease`` up to ``limit`` active schedules due by ``now`` that nobody
        holds, or whose claim has passed or belongs to ``take_over`` (owners known to be dead); longest due first,
        each ``next_due_at`` the slot claimed."""
        now = aware("now", now)
        claim_until = now + positive("lease", lease)
        owner = bounded("owner", owner)
        with self._transaction() as connection:
            return schedules.claim_due(
                connection, owner=owner, now=now, claim_until=claim_until, limit=_limit(limit), take_over=take_over
            )

    def schedule_claimants(self, now: datetime) -> set[str]:
        """The owners holding a claim on a schedule that has not passed by ``now``."""
        return {row.claimed_by for row in self._read(schedules.claimants(aware("now", now)))}

    def complete_schedule_post(
        self,
        schedule_id: int,
        *,
        owner: str,
        slot: datetime,
        next_due_at: datetime,
        request_key: str,
        deliveries: Sequence[NewDelivery],
        post: QuizPost | None,
        lesson_count: int | None = None,
    ) -> bool:
        """Post ``owner``'s claimed ``slot`` in one transaction: the request, its deliveries (for any replica's sender),
        the quiz post, the schedule moved on to ``next_due_at`` with one post more, the claim released; with
        ``lesson_count`` (a lesson post) the channel moved on to its next lesson.

        False if the claim is no longer ``owner``'s for that slot (nothing is written), or if ``request_key`` was
        recorded before (that post went out: the schedule only moves on).
        """
        arguments = {
            "owner": bounded("owner", owner),
            "slot": aware("slot", slot),
            "next_due_at": aware("next_due_at", next_due_at),
            "request_key": bounded("request key", request_key),
            "deliveries": deliveries,
            "post": None if post is None else _post_values(post),
            "lesson_count": lesson_count,
            "now": self._now(),
        }
        try:
            with self._transaction() as connection:
                return schedules.post_slot(connection, schedule_id, **arguments)
        except schedules.ClaimLost:
            return False

    def skip_schedule_slot(self, schedule_id: int, *, owner: str, slot: datetime, next_due_at: datetime) -> bool:
        """Move ``owner``'s claimed schedule on to ``next_due_at`` without posting ``slot``; False if the claim was
        lost (nothing written)."""
        statement = schedules.move_on(
            schedule_id,
            owner=bounded("owner", owner),
            slot=aware("slot", slot),
            next_due_at=aware("next_due_at", next_due_at),
            posted=False,
        )
        return self._write(statement) == 1

    # Notices

    def add_notice(self, team_key: str, text: str) -> None:
        """Keep one of herbot's own sentences to say once to a workspace."""
        if not isinstance(text, str) or not 0 < len(text) <= MAX_NOTICE_LENGTH:
            raise ValueError(f"a notice is 1 to {MAX_NOTICE_LENGTH} characters")
        statement = insert(education_notices).values(
            team_key=bounded("team key", team_key), text=text, created_at=self._now()
        )
        self._write(statement)

    def take_notice(self, team_key: str) -> str | None:
        """A workspace's oldest notice, deleted as it is taken (said once by one replica), or ``None``."""
        table = education_notices
        oldest = (
            select(table.c.id)
            .where(table.c.team_key == bounded("team key", team_key))
            .order_by(table.c.created_at, table.c.id)
            .limit(1)
        )
        # Read first: most messages find no notice, and a read takes no write lock.
        while rows := self._read(oldest):
            with self._transaction() as connection:
                taken = connection.execute(
                    delete(table).where(table.c.id == rows[0].id).returning(table.c.text)
                ).scalar_one_or_none()
            if taken is not None:
                return taken
        return None


def _channel(row: Row[Any]) -> ChannelState:
    return ChannelState(
        key=row.channel_key,
        surface=row.surface,
        team=row.team,
        address=json.loads(row.address_json),
        leaderboard=row.leaderboard,
        next_lesson=row.next_lesson,
    )


def _post_values(post: QuizPost) -> dict[str, Any]:
    return {
        "post_id": bounded("post id", post.post_id),
        "channel_key": bounded("channel key", post.channel_key),
        "question_id": bounded("question id", post.question_id),
        "for_person": None if post.for_person is None else bounded("person", post.for_person),
        "posted_at": aware("posted_at", post.posted_at),
    }


def _name(name: str, value: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_NAME_LENGTH:
        raise ValueError(f"{name} is 1 to {MAX_NAME_LENGTH} characters")
    return value


def _limit(limit: int) -> int:
    if limit < 1:
        raise ValueError("limit must be at least 1")
    return limit


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _card(card_json: str) -> str:
    try:
        card = json.loads(card_json)
    except (TypeError, ValueError):
        card = None
    if not isinstance(card, dict):
        raise ValueError("a review card is a JSON object")
    return card_json
