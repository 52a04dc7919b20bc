"""Follow-up questions modify the previous query: carried measures, filters and groupings, same-kind replacement."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from core.language import detect_language
from plugins.base import Example, SqlRequest, Turn
from plugins.rules.sql import RulesSqlGenerator

NO_MATCH = (Example("unrelated", "SELECT 1", 0.0),)
C = "FROM customer"

CHAINS = {
    "ko_filters_then_grouping": [
        ("정수기 사용자 수", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '정수기'"),
        ("그럼 40대는?", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '정수기' AND age / 10 = 4"),
        ("그 중 4인 가족만", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '정수기' AND age / 10 = 4 AND houseHold = 4"),
        ("제품별로는?",
         f"SELECT prdtCd, COUNT(*) {C} WHERE prdtGrpCd = '정수기' AND age / 10 = 4 AND houseHold = 4 GROUP BY 1"),
        ("평균 나이는?",
         f"SELECT prdtCd, ROUND(AVG(age), 1) {C} WHERE prdtGrpCd = '정수기' AND age / 10 = 4 AND houseHold = 4 "
         "GROUP BY 1"),
    ],
    "en_group_replaced_then_grouped": [
        ("average age of water purifier users", f"SELECT ROUND(AVG(age), 1) {C} WHERE prdtGrpCd = '정수기'"),
        ("what about air purifiers?", f"SELECT ROUND(AVG(age), 1) {C} WHERE prdtGrpCd = '공기청정기'"),
        ("and by product?", f"SELECT prdtCd, ROUND(AVG(age), 1) {C} WHERE prdtGrpCd = '공기청정기' GROUP BY 1"),
        ("only those in their 30s",
         f"SELECT prdtCd, ROUND(AVG(age), 1) {C} WHERE prdtGrpCd = '공기청정기' AND age / 10 = 3 GROUP BY 1"),
        ("what about the maximum?",
         f"SELECT prdtCd, MAX(age) {C} WHERE prdtGrpCd = '공기청정기' AND age / 10 = 3 GROUP BY 1"),
    ],
    "ko_share_of_the_previous_population": [
        ("40대 고객 수", f"SELECT COUNT(*) {C} WHERE age BETWEEN 40 AND 49"),
        ("그 중 정수기 사용자 비율은?",
         f"SELECT ROUND(100.0 * SUM(prdtGrpCd = '정수기') / COUNT(*), 1) {C} WHERE age BETWEEN 40 AND 49"),
        ("식기세척기는?",
         f"SELECT ROUND(100.0 * SUM(prdtGrpCd = '식기세척기') / COUNT(*), 1) {C} WHERE age BETWEEN 40 AND 49"),
    ],
    "en_ranking_carried": [
        ("top 3 products among customers in their 20s",
         f"SELECT prdtCd, COUNT(*) AS n {C} WHERE age BETWEEN 20 AND 29 GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3"),
        ("what about customers in their 50s?",
         f"SELECT prdtCd, COUNT(*) AS n {C} WHERE age BETWEEN 50 AND 59 GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3"),
        ("and for households of 3 or more?",
         f"SELECT prdtCd, COUNT(*) AS n {C} WHERE age BETWEEN 50 AND 59 AND houseHold >= 3 GROUP BY 1 "
         "ORDER BY n DESC, 1 LIMIT 3"),
    ],
    "ko_product_code_replaced_by_group": [
        ("정수기2 사용자 평균 나이", f"SELECT ROUND(AVG(age), 1) {C} WHERE prdtCd = '정수기2'"),
        ("what about bidets?", f"SELECT ROUND(AVG(age), 1) {C} WHERE prdtGrpCd = '비데'"),
        ("그럼 평균 예산은?", f"SELECT ROUND(AVG(amt), 1) {C} WHERE prdtGrpCd = '비데'"),
    ],
    "ko_loose_feature_keeps_the_aggregate": [
        ("제품군별 최대 할인율", f"SELECT prdtGrpCd, MAX(discRate) {C} GROUP BY 1"),
        ("예산은?", f"SELECT prdtGrpCd, MAX(amt) {C} GROUP BY 1"),
        ("30평 이상만", f"SELECT prdtGrpCd, MAX(amt) {C} WHERE size >= 30 GROUP BY 1"),
    ],
    "ko_ranking_added_to_the_previous_grouping": [
        ("제품군별 평균 예산", f"SELECT prdtGrpCd, ROUND(AVG(amt), 1) {C} GROUP BY 1"),
        ("상위 2개만", f"SELECT prdtGrpCd, ROUND(AVG(amt), 1) AS a {C} GROUP BY 1 ORDER BY a DESC, 1 LIMIT 2"),
        ("그 중 40대만",
         f"SELECT prdtGrpCd, ROUND(AVG(amt), 1) AS a {C} WHERE age BETWEEN 40 AND 49 GROUP BY 1 "
         "ORDER BY a DESC, 1 LIMIT 2"),
    ],
    "complete_question_starts_fresh": [
        ("정수기 사용자 수", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '정수기'"),
        ("전체 고객의 평균 나이", f"SELECT ROUND(AVG(age), 1) {C}"),
        ("number of bidet users by age group", f"SELECT age / 10 * 10, COUNT(*) {C} WHERE prdtGrpCd = '비데' GROUP BY 1"),
    ],
    "reset_to_everyone": [
        ("40대 정수기 사용자 평균 예산", f"SELECT ROUND(AVG(amt), 1) {C} WHERE prdtGrpCd = '정수기' AND age BETWEEN 40 AND 49"),
        ("그럼 전체로는?", f"SELECT ROUND(AVG(amt), 1) {C}"),
    ],
}


@pytest.fixture(scope="module")
def db(small_db):
    engine = create_engine(small_db)
    yield engine
    engine.dispose()


def run(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(text(sql)).fetchall())


def ask(question: str, history=()):
    generator = RulesSqlGenerator(settings=None)
    return generator.generate_sql(
        SqlRequest(question, detect_language(question), "", examples=NO_MATCH, history=tuple(history))
    )


@pytest.mark.parametrize("chain", list(CHAINS), ids=list(CHAINS))
def test_each_turn_of_a_chain_returns_the_reference_result(db, chain):
    history: list[Turn] = []
    for number, (question, reference) in enumerate(CHAINS[chain]):
        result = ask(question, history)
        assert result.sql is not None, (question, result.raw)
        got, want = run(db, result.sql), run(db, reference)
        assert want and got == want, (question, result.sql)
        raw = json.loads(result.raw)
        # A turn folds in at most the turns asked so far; the first stands alone.
        assert raw["intent"] and 1 <= raw["turns_used"] <= number + 1
        history.append(Turn(question, result.sql))


def test_chains_cover_both_languages():
    questions = [q for chain in CHAINS.values() for q, _ in chain]
    assert {detect_language(q) for q in questions} == {"ko", "en"}
    assert sum(len(chain) >= 3 for chain in CHAINS.values()) >= 6


def test_raw_says_how_many_turns_were_folded():
    history = [Turn("정수기 사용자 수", "SELECT 1"), Turn("그럼 40대는?", "SELECT 1")]
    raw = json.loads(ask("그 중 4인 가족만", history).raw)
    assert raw["followup"] is True and raw["turns_used"] == 3
    assert {f["kind"] for f in raw["intent"]["filters"]} == {"product", "age", "houseHold"}


def test_only_the_last_window_of_history_matters_and_oldest_comes_first():
    history = [Turn("비데 사용자 수", "SELECT 1"), Turn("정수기 사용자 수", "SELECT 1")]
    sql = ask("그럼 40대는?", history).sql
    assert "'정수기'" in sql and "'비데'" not in sql


def test_followup_without_history_gets_no_sql():
    for question in ("그럼 40대는?", "what about air purifiers?", "제품별로는?"):
        result = ask(question)
        assert result.sql is None and len(result.suggestions) == 3


def test_an_unreadable_turn_breaks_the_chain():
    history = [Turn("정수기 사용자 수", "SELECT 1"), Turn("오늘 날씨 어때?", "SELECT 1")]
    result = ask("그럼 40대는?", history)
    assert result.sql is None
    assert json.loads(result.raw)["reason"] == "followup_without_context"


def test_new_question_of_the_same_kind_replaces_not_narrows():
    history = [Turn("40대 고객의 평균 예산", "SELECT 1")]
    sql = ask("그럼 50대는?", history).sql
    assert "BETWEEN 50 AND 59" in sql and "40" not in sql
