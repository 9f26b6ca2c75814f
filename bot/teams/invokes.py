"""Answer a quiz click's invoke: the card that person sees, in the HTTP response itself.

An ``adaptiveCard/action`` invoke is answered in its own HTTP response (200), never through the outbox: Teams
shows the returned card to the person who clicked, in place of the posted one. Herbot's answer has the shape
of Universal Actions::

    {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": <card>}
    {"statusCode": 400, "type": "application/vnd.microsoft.error", "value": {"code": ..., "message": ...}}

A malformed click is a 400 inside a 200 (the card stays as it was, never a 5xx); an invoke that is not one
of herbot's is declined with 501, as every other invoke is.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse
from botbuilder.schema import Activity

from bot.teams.answering import TeamsAnswering
from bot.teams.clicks import BadClick, read_click
from bot.teams.inbound import place_of

__all__ = ["CARD_RESPONSE", "ERROR_RESPONSE", "answer_invoke"]

log = logging.getLogger("herbot.teams")

CARD_RESPONSE = "application/vnd.microsoft.card.adaptive"
ERROR_RESPONSE = "application/vnd.microsoft.error"
NOT_AVAILABLE = "That question is not available right now: try again shortly, or ask for a new one."


async def answer_invoke(answering: TeamsAnswering, activity: Activity) -> InvokeResponse:
    """The HTTP answer to an invoke: a quiz click's card, a 400 for a malformed one, 501 for anything else."""
    click = read_click(activity)
    if click is None or not answering.teaches:
        return InvokeResponse(status=HTTPStatus.NOT_IMPLEMENTED)
    if isinstance(click, BadClick):
        log.info("teams quiz click refused reason=%s", click.reason)
        return _error(HTTPStatus.BAD_REQUEST, "BadRequest", f"malformed quiz click: {click.reason}")
    place = place_of(activity)
    viewer = activity.from_property.id if activity.from_property else None
    if place is None or not viewer:
        log.info("teams quiz click refused reason=no person")
        return _error(HTTPStatus.BAD_REQUEST, "BadRequest", "malformed quiz click: no person")
    message = await answering.quiz_click(click, place, viewer)
    if message is None or message.card is None:
        log.info("teams quiz click verb=%s outcome=not_found", click.verb)
        return _error(HTTPStatus.NOT_FOUND, "NotFound", NOT_AVAILABLE)
    log.info("teams quiz click verb=%s outcome=card", click.verb)
    return _answer(HTTPStatus.OK, CARD_RESPONSE, message.card)


def _error(status: HTTPStatus, code: str, message: str) -> InvokeResponse:
    return _answer(status, ERROR_RESPONSE, {"code": code, "message": message})


def _answer(status: HTTPStatus, kind: str, value: dict[str, Any]) -> InvokeResponse:
    """Universal Actions' answer, always in an HTTP 200: the status Teams acts on is ``statusCode``."""
    return InvokeResponse(status=int(HTTPStatus.OK), body={"statusCode": int(status), "type": kind, "value": value})
