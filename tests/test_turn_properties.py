"""Whatever text arrives, a turn answers, and every surface renders and encodes the answer."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge import Knowledge
from bot.render.contract import answer_json
from bot.render.slack import SlackRenderer
from bot.render.text import TextRenderer
from intents.router import Router

# Any code point, lone surrogates and control characters included, mixed with the words and values a turn reads.
PIECES = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
    st.sampled_from(
        ["quiz me", "new case", "IHC 2+", "ratio 2.0.1", "ER 90%", "PR <1%", "copies 4,5", "\udcff", "\x00", "for her?"]
    ),
)
MESSAGES = st.lists(PIECES, max_size=6).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=MESSAGES, second=MESSAGES)
def test_any_text_gets_an_answer_rendered_for_every_surface(
    router: Router, knowledge: Knowledge, first: str, second: str
) -> None:
    earlier = router.answer(first)
    answer = router.answer(second, earlier.values, seed="c1")
    text = TextRenderer(knowledge.sources).render(answer.explanation)
    blocks = SlackRenderer(knowledge.sources).render(answer.explanation, reasoning_token="t").block_dicts()
    contract = json.dumps(answer_json(answer, text, knowledge.sources), ensure_ascii=False)
    encoded = (text + json.dumps(blocks, ensure_ascii=False) + contract).encode("utf-8")
    assert encoded and answer.explanation.headline.text
