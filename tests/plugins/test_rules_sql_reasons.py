"""A refusal says why, in the user's language: the rules parser's reason as one sentence quoting the words it
could not use, beside the suggestions; an LLM's plain decline keeps the message it had."""
from __future__ import annotations

import pytest

from core.errors import CannotAnswer
from engine.app import Engine
from engine.session import ChatSession
from plugins.rules.sql.decline import MAX_DETAIL_CHARS, REASONS, SAYS, says
from ui import analytics_handlers


@pytest.fixture
def engine(settings):
    return Engine(settings)


def test_every_reason_the_parser_can_give_has_a_sentence_in_both_languages():
    assert set(SAYS) == set(REASONS)
    for reason, (ko, en) in SAYS.items():
        if reason == "ambiguous":
            continue
        told = says(reason, "성격별")
        assert told["ko"] and told["en"] and "{" not in told["ko"] + told["en"], reason
        assert ("{detail}" in ko) == ("{detail}" in en), reason


@pytest.mark.parametrize("question, lang, quoted", [
    ("성격별 사용자 수", "ko", "'성격별'"),
    ("지역별 고객 수", "ko", "'지역'"),
    ("정수기99 사용자 수", "ko", "'정수기99'"),
    ("총 정수기 사용자 알려줘 블라블라", "ko", "'블라블라'"),
    ("What is the median age?", "en", "'median'"),
])
def test_a_declined_question_says_why_with_the_words_concerned(engine, question, lang, quoted):
    with pytest.raises(CannotAnswer) as caught:
        engine.ask(question, ChatSession())
    error = caught.value
    assert quoted in error.why[lang] and error.why[lang] in error.message(lang) and error.why[lang] in error.lead(lang)
    assert error.to_json(lang)["why"] == error.why[lang] and error.suggestions
    assert error.message(lang).index(error.why[lang]) < error.message(lang).index(error.suggestions[0])


def test_a_long_quote_is_shortened():
    told = says("unknown_word", "가" * 500)
    assert len(told["ko"]) < MAX_DETAIL_CHARS + 60 and "…" in told["en"]


def test_a_reason_that_quotes_nothing_given_says_nothing_rather_than_empty_quotes():
    assert says("unknown_grouping", "") == {}


def test_the_chat_bubble_shows_the_reason_escaped(engine):
    view = analytics_handlers.analytics_turn(engine, "<b>성격</b>별 사용자 수", [], ChatSession(), "rules")
    bubble = view.history[-1]["content"]
    assert "<b>" not in bubble and "답할 수 없어요" in bubble and bubble.count("\n") == 0


def test_a_decline_without_a_reason_keeps_its_old_message():
    error = CannotAnswer("no sql", suggestions=["총 고객 수"])
    assert error.message("en") == "I can't answer that one. You could try:\n- 총 고객 수"
    assert error.message("ko") == "이 질문은 답할 수 없어요. 이런 질문은 어떠세요?\n- 총 고객 수"
    assert "why" not in error.to_json("en")
    assert CannotAnswer("no sql").message("en") == "I can't answer that one. You could try:"
