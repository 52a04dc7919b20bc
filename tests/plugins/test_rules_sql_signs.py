"""A minus sign and a ranking's count are read as written: the rules SQL parser never drops a sign or an
operator, and never answers a question about a value no customer can have with another number's SQL."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings, strategies as st

from core.errors import CannotAnswer
from core.language import detect_language
from db.knowledge_base import load_pairs
from engine.app import Engine
from engine.session import ChatSession
from engine.settings import offline_settings
from engine.sql_guard import check_sql
from plugins.base import Example, SqlRequest
from plugins.rules.sql import RulesSqlGenerator
from plugins.rules.sql.generator import KB_MATCH_THRESHOLD

GENERATOR = RulesSqlGenerator(settings=None)
NO_MATCH = (Example("unrelated", "SELECT 1", 0.0),)


def ask(question: str, examples=NO_MATCH):
    return GENERATOR.generate_sql(SqlRequest(question, detect_language(question), "", examples=examples))


def where(question: str) -> str:
    result = ask(question)
    assert result.sql is not None, result.raw
    check_sql(result.sql)
    return result.sql.split(" WHERE ", 1)[1]


@pytest.mark.parametrize(("question", "condition"), [
    # the probe's two questions: the literal bound, with its operator
    ("할인율 -10% 이상인 고객 수", "discRate >= -10"),
    ("customers with discount rate above -10", "discRate > -10"),
    ("customers with a discount rate of minus 10 or more", "discRate >= -10"),
    ("할인율 마이너스 10% 이상인 고객 수", "discRate >= -10"),
    ("할인율 −10% 미만 고객 수", "discRate < -10"),
    ("할인율 -10~-5% 고객 수", "discRate BETWEEN -10 AND -5"),
    ("customers with discount rate between -5 and 10", "discRate BETWEEN -5 AND 10"),
    # a dash between two numbers is still a range, not a sign
    ("30-40세 고객 수", "age BETWEEN 30 AND 40"),
    ("할인율 10% 이상인 고객 수", "discRate >= 10"),
])
def test_a_negative_discount_rate_runs_as_written(question, condition):
    assert where(question) == condition


@pytest.mark.parametrize(("question", "column"), [
    ("가구원 수 -3명 이상 고객 수", "houseHold"),
    ("가구원 수 -3명 이상", "houseHold"),
    ("나이 -5세 이상 고객 수", "age"),
    ("customers older than -20", "age"),
    ("20~-5세 고객 수", "age"),
    ("score below -3 customers", "score"),
    ("budget under -30000 won customers", "amt"),
    ("예산 -3만원 이상 고객 수", "amt"),
    ("평수 -20평 이상 고객 수", "size"),
    ("월 요금 -1000원 이하 제품", "monthlyFee"),
])
def test_a_negative_value_for_a_column_that_cannot_hold_one_is_declined(question, column):
    result = ask(question)
    raw = json.loads(result.raw)
    assert result.sql is None and raw["reason"] == "impossible_value", raw
    assert "-" in raw["detail"] or "마이너스" in raw["detail"] or "minus" in raw["detail"]
    assert len(result.suggestions) == 3


@pytest.mark.parametrize("question", [
    "top 0 products by customers", "상위 0개 제품", "하위 0개 제품", "Top 0 products by number of users",
    "top -3 products by customers", "상위 -2개 제품", "제품 -2개", "-2 products by users",
    "top 0 customers by age", "고객 0명 나이 순", "top 99999999999999999999 products",
])
def test_a_ranking_of_zero_negative_or_unbounded_length_is_declined(question):
    result = ask(question)
    raw = json.loads(result.raw)
    assert result.sql is None and raw["reason"] == "impossible_limit", raw


def test_a_large_but_possible_ranking_keeps_its_limit_as_stated():
    assert ask("top 1000 products by customers").sql.endswith("LIMIT 1000")
    assert ask("상위 3개 제품").sql.endswith("LIMIT 3")


@pytest.mark.parametrize("question", ["Top 0 products by number of users", "가구원 수 -3명 이상 고객 수",
                                      "할인율 -30% 이상인 고객 수"])
def test_a_near_identical_sample_never_answers_for_another_number(question):
    sample = next(p for p in load_pairs() if p.question in ("Top 3 products by number of users",
                                                            "할인율 30% 이상인 고객 수"))
    result = ask(question, examples=(Example(sample.question, sample.sql, KB_MATCH_THRESHOLD + 0.1),))
    assert result.sql != sample.sql
    if result.sql is not None:  # the discount rate runs as written
        assert "-30" in result.sql


@pytest.mark.parametrize(("question", "first"), [
    ("가구원 수 -3명 이상 고객 수", "가구원 수별 고객 수 보여줘"),
    ("customers older than -20", "Number of customers by age group"),
    ("상위 0개 제품", "사용자 수 상위 3개 제품 보여줘"),
    ("top 0 products by customers", "Top 3 products by number of users"),
])
def test_the_first_suggestion_shows_what_the_column_really_holds(question, first):
    result = ask(question)
    assert result.suggestions[0] == first
    for suggestion in result.suggestions:
        assert detect_language(suggestion) == detect_language(question)
        assert ask(suggestion).sql is not None, suggestion


def test_through_the_engine_the_literal_bound_is_answered_and_the_impossible_one_refused(small_db):
    engine = Engine(offline_settings(database_url=small_db))
    answer = engine.ask("할인율 -10% 이상인 고객 수", ChatSession())
    assert answer.sql.endswith("WHERE discRate >= -10") and answer.rows == [[3000]]
    for question in ("가구원 수 -3명 이상 고객 수", "top 0 products by customers"):
        with pytest.raises(CannotAnswer) as refused:
            engine.ask(question, ChatSession())
        assert refused.value.suggestions and refused.value.sql is None


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["나이", "가구원 수", "예산", "평수", "점수", "할인율", "age", "household size", "score",
                        "discount rate"]),
       st.sampled_from(["이상", "이하", "초과", "미만", "or more", "or less"]),
       st.integers(-10**6, -1), st.sampled_from(["", "%", "세", "명", "평", "점", "천원"]))
def test_no_negative_number_ever_loses_its_sign(feature, comparator, value, unit):
    result = ask(f"{feature} {value}{unit} {comparator} 고객 수")
    if result.sql is None:
        return
    digits = str(-value)
    assert not re.search(rf"(?<![\d-]){digits}(?!\d)", result.sql), result.sql  # never the number without its sign
    if str(value) in result.sql:
        assert re.search(rf"discRate (?:>=|<=|>|<|=) {value}(?!\d)", result.sql), result.sql
