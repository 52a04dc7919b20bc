"""Property-based checks of the two offline parsers on arbitrary and on marketing-flavoured text."""
import math

from hypothesis import HealthCheck, given, settings, strategies as st

from engine.app import Engine
from core.errors import BadInput, CannotAnswer
from core.features import FEATURES, PRODUCT_GROUPS
from engine.session import ChatSession
from engine.settings import offline_settings
from engine.sql_guard import check_sql
from plugins.base import SqlRequest, VectorizeRequest
from plugins.rules.sql import RulesSqlGenerator
from plugins.rules.vectorizer import RulesVectorizer
from db.schema import SCHEMA_TEXT

VECTORIZER = RulesVectorizer(offline_settings())
SQL_RULES = RulesSqlGenerator(offline_settings())
ENGINE = Engine(offline_settings())

WORDS = ["35살", "30대", "4인 가족", "혼자", "부부", "30평", "84㎡", "월 3만원", "50,000원", "80점", "10%",
         "할인", "정수기", "공기청정기", "비데", "식기세척기", "매트리스", "years old", "family of", "pyeong",
         "budget", "discount", "스물아홉", "사용자 수", "평균", "나이", "연령대별", "제품별", "가장 많은", "비율",
         "그래프", "top", "how many", "average", "by product", "이상", "이하", "under", "over", "그럼", "what about",
         "-5", "999999999", "0", "1e309", "NaN", "∞", "；", "\u200b", "'", '"', "--", "/*", ";", "DROP"]
marketing_text = st.lists(st.sampled_from(WORDS) | st.integers(-10**6, 10**9).map(str), min_size=1, max_size=12).map(" ".join)
# Mostly the scripts the app accepts, so most examples get past the language check and exercise the parsers.
accepted_chars = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3) | st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:'\"%-+*/()[]{}~!?㎡평살세만원천\n\t")
any_text = st.text(max_size=300) | st.text(accepted_chars, max_size=200) | marketing_text
relaxed = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@relaxed
@given(any_text)
def test_rules_vectorizer_never_raises_and_returns_finite_non_negative_numbers(text):
    result = VECTORIZER.vectorize(VectorizeRequest(text, "ko"))
    assert set(result.features) <= set(FEATURES)
    for value in result.features.values():
        assert value is None or (math.isfinite(value) and value >= 0)
    assert result.product_group in (None, *PRODUCT_GROUPS)


@relaxed
@given(any_text)
def test_the_model_never_sees_a_value_outside_its_range(text):
    try:
        report = ENGINE.vectorize(text, ChatSession())
    except BadInput:
        return
    for name in FEATURES:
        assert ENGINE.bounds.low[name] <= report.features[name] <= ENGINE.bounds.high[name]


@relaxed
@given(any_text, st.sampled_from(["ko", "en"]))
def test_rules_sql_never_raises_and_never_writes_sql_the_guard_refuses(text, language):
    result = SQL_RULES.generate_sql(SqlRequest(question=text, language=language, schema_text=SCHEMA_TEXT))
    if result.sql is None:
        assert len(result.suggestions) == 3
    else:
        check_sql(result.sql)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marketing_text)
def test_whatever_the_rules_parser_writes_runs_on_the_database(analytics_engine, text):
    engine = analytics_engine
    try:
        answer = engine.ask(text, ChatSession())
    except (BadInput, CannotAnswer):
        return
    assert answer.columns and isinstance(answer.answer, str) and answer.answer
