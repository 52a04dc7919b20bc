"""Both rules parsers read products, number words and units from one vocabulary in `core`, so a word one of
them understands the other understands the same way, and the SQL parser declines in one documented way."""
from __future__ import annotations

import json

import pytest

from core import units
from core.language import detect_language
from core.numbers import NATIVE_COUNTING, parse_number
from core.text import fold, search_key
from core.vocabulary import GROUP_NAMES_EN, GROUP_SYNONYMS, GROUPS
from plugins.base import Example, SqlRequest, Turn, VectorizeRequest
from plugins.rules.sql import RulesSqlGenerator
from plugins.rules.sql.decline import REASONS, Decline
from plugins.rules.vectorizer import RulesVectorizer

NO_MATCH = (Example("unrelated", "SELECT 1", 0.0),)


def _spellings(word: str) -> set[str]:
    """How people write one synonym: as listed, run together, hyphenated, and (English) plural."""
    forms = {word, word.replace(" ", ""), word.replace(" ", "-")}
    if word.isascii():
        forms |= {form + ("es" if form.endswith("s") else "s") for form in set(forms)}
    return forms


SPELLINGS = sorted({(group, form) for group, words in GROUP_SYNONYMS.items() for word in words
                    for form in _spellings(word)})


def vector_group(text: str) -> str | None:
    return RulesVectorizer(settings=None).vectorize(VectorizeRequest(text=text, language=detect_language(text))) \
        .product_group


def sql_raw(question: str, history: tuple[str, ...] = ()) -> dict:
    request = SqlRequest(question, detect_language(question), "", examples=NO_MATCH,
                         history=tuple(Turn(q, None) for q in history))
    return json.loads(RulesSqlGenerator(settings=None).generate_sql(request).raw)


def sql_filters(question: str) -> list:
    raw = sql_raw(question)
    assert raw["source"] == "parser", raw
    return [cond for flt in raw["intent"].get("filters", []) for cond in flt["conditions"]]


@pytest.mark.parametrize(("question", "group"), [
    ("매트레스 사용자 수", "매트리스"),
    ("dish-washer 사용자 수", "식기세척기"),
    ("How many dish-washer users are there?", "식기세척기"),
])
def test_a_synonym_the_vectorizer_reads_is_answered_by_the_sql_parser(question, group):
    assert vector_group(question) == group
    assert sql_filters(question) == [["prdtGrpCd", "=", group]]


@pytest.mark.parametrize(("group", "spelling"), SPELLINGS, ids=[s for _, s in SPELLINGS])
def test_every_synonym_resolves_to_the_same_group_in_both_parsers(group, spelling):
    assert vector_group(f"{spelling} 찾아요") == group
    assert vector_group(f"I am looking for a {spelling}") == group
    assert sql_filters(f"{spelling} 사용자 수") == [["prdtGrpCd", "=", group]]
    assert sql_filters(f"How many {spelling} users?") == [["prdtGrpCd", "=", group]]


def test_every_group_is_named_by_its_own_names():
    for group in GROUPS:
        assert vector_group(group) == group
        assert vector_group(f"a {GROUP_NAMES_EN[group]}") == group


@pytest.mark.parametrize("word", NATIVE_COUNTING.split("|"))
def test_counting_words_mean_the_same_number_to_both_parsers(word):
    value = parse_number(word)
    household = RulesVectorizer(settings=None).vectorize(VectorizeRequest(f"{word} 식구예요", "ko"))
    assert household.features["houseHold"] == value
    assert sql_filters(f"{word} 식구 가구 수") == [["houseHold", "=", int(value)]]


def test_areas_convert_through_the_same_units():
    vector = RulesVectorizer(settings=None).vectorize(VectorizeRequest("99㎡ 아파트", "ko"))
    assert vector.features["size"] == round(units.m2_to_pyeong(99), 1)
    assert sql_filters("99㎡ 이상 고객 수") == [["size", ">=", round(units.m2_to_pyeong(99))]]


def test_money_converts_through_the_same_units():
    vector = RulesVectorizer(settings=None).vectorize(VectorizeRequest("월 3만 5천원", "ko"))
    assert vector.features["amt"] == units.man_to_thousands(3, 5) == 35
    assert sql_filters("예산 3만 5천원 이상 고객 수") == [["amt", ">=", 35]]
    assert sql_filters("customers with a budget of 35,000 won or more") == [["amt", ">=", units.won_to_thousands(35_000)]]


def test_one_normaliser_folds_width_case_typography_and_spacing():
    assert fold("  ＡＢＣ\t 30㎡ – ‘x’ <b>y</b> ") == "abc 30m2 - 'x' y"
    assert search_key("  Ｈｏｗ   MANY\tcustomers?! ") == "how many customers"


@pytest.mark.parametrize(("question", "history", "reason"), [
    ("오늘 날씨 어때?", (), "unsupported"),
    ("정수기4 사용자 수", (), "unknown_product"),
    ("평균보다 높은 고객 수", (), "average_without_feature"),
    ("나이가 17.5 제곱인 고객", (), "unread_number"),
    ("성격별 고객 수", (), "unknown_grouping"),
    ("정수기 사용자 수 비교", (), "nothing_to_compare"),
    ("예산이 높은 고객 수", (), "unused_feature"),
    ("customers over budget", (), "unread_comparison"),
    ("VIP 고객 수", (), "unknown_word"),
    ("top 5 customers", (), "ranking_without_feature"),
    ("비율 알려줘", (), "share_without_subject"),
    ("그럼 40대는?", (), "followup_without_context"),
    ("그럼 40대는?", ("VIP 고객 수",), "followup_without_context"),
    ("정수기", (), "not_understood"),
])
def test_every_documented_decline_reason_is_reached_and_reported(question, history, reason):
    raw = sql_raw(question, history)
    assert raw["source"] == "none" and raw["reason"] == reason


def test_a_decline_reason_must_be_documented():
    with pytest.raises(ValueError):
        Decline("some_new_reason")
