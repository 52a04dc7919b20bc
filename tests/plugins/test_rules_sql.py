"""The rules SQL generator answers marketing questions with SQL whose results match hand-written references.

Each case runs the generated SQL and an independently written reference against the small database and
compares result sets (in order only where the question asks for a ranking).
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from db.knowledge_base import load_pairs
from engine.sql_guard import check_sql
from core.language import detect_language
from core.text import search_key
from plugins.base import Example, SqlRequest
from plugins.manager import get_registry
from plugins.rules.sql import RulesSqlGenerator
from plugins.rules.sql.generator import KB_MATCH_THRESHOLD, suggestions

# A held-out-looking example so a decline is never rescued by the real knowledge base.
NO_MATCH = (Example("unrelated", "SELECT 1", 0.0),)

C = "FROM customer"
SHARE_ALL = "ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM customer), 1)"

CASES = [
    # customer lists filtered by the product's fee join the catalogue in
    ("top 5 customers by budget using the cheapest product",
     "SELECT c.id, c.age, c.amt, c.prdtCd FROM customer c JOIN product p ON p.prdtCd = c.prdtCd "
     "WHERE p.monthlyFee = (SELECT MIN(monthlyFee) FROM product) ORDER BY c.amt DESC, c.id LIMIT 5", True),
    ("월 요금 3만원 이상 고객 목록",
     "SELECT c.id, c.age, c.houseHold, c.amt, c.size, c.score, c.discRate, c.prdtGrpCd, c.prdtCd "
     "FROM customer c JOIN product p ON p.prdtCd = c.prdtCd WHERE p.monthlyFee >= 30000 ORDER BY c.id LIMIT 100",
     True),
    # spelled-out numbers and decades read like digits
    ("customers aged twenty-five or more", f"SELECT COUNT(*) {C} WHERE age >= 25", False),
    ("How many customers are in their nineties?", f"SELECT COUNT(*) {C} WHERE age BETWEEN 90 AND 99", False),
    # counts
    ("전체 사용자 수 알려줘", f"SELECT COUNT(id) {C}", False),
    ("How many customers are there?", f"SELECT COUNT(id) {C}", False),
    ("정수기 고객은 몇 명이에요?", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '정수기'", False),
    ("number of dishwasher users", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '식기세척기'", False),
    ("정수기2 사용자 수", f"SELECT COUNT(*) {C} WHERE prdtCd = '정수기2'", False),
    ("How many people use 공기청정기1?", f"SELECT COUNT(*) {C} WHERE prdtCd = '공기청정기1'", False),
    ("정수기와 비데 사용자 수", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '정수기' OR prdtGrpCd = '비데'", False),
    ("How many customers don't use a mattress?", f"SELECT COUNT(*) {C} WHERE prdtGrpCd != '매트리스'", False),
    ("정수기를 제외한 고객 수", f"SELECT COUNT(*) {C} WHERE prdtGrpCd NOT IN ('정수기')", False),
    # averages, extremes, sums, several at once
    ("정수기 사용자의 평균 나이 알려줘", f"SELECT ROUND(AVG(age), 1) {C} WHERE prdtGrpCd = '정수기'", False),
    ("average household size of bidet users", f"SELECT ROUND(AVG(houseHold), 2) {C} WHERE prdtGrpCd = '비데'", False),
    ("식기세척기 고객 평균 평수", f"SELECT ROUND(AVG(size), 1) {C} WHERE prdtGrpCd = '식기세척기'", False),
    ("average membership score of customers in their 30s",
     f"SELECT ROUND(AVG(score), 1) {C} WHERE age >= 30 AND age < 40", False),
    ("공기청정기 사용자의 평균 할인율과 평균 점수",
     f"SELECT ROUND(AVG(discRate), 1), ROUND(AVG(score), 1) {C} WHERE prdtGrpCd = '공기청정기'", False),
    ("사용자 수와 평균 나이", f"SELECT COUNT(*), ROUND(AVG(age), 1) {C}", False),
    ("average age and budget of water purifier users",
     f"SELECT ROUND(AVG(age), 1), ROUND(AVG(amt), 1) {C} WHERE prdtGrpCd = '정수기'", False),
    ("최소 나이와 최대 나이", f"SELECT MIN(age), MAX(age) {C}", False),
    ("나이의 최소값과 최대값", f"SELECT MIN(age), MAX(age) {C}", False),
    ("What is the maximum discount rate?", f"SELECT MAX(discRate) {C}", False),
    ("매트리스 사용자의 월 예산 합계", f"SELECT SUM(amt) {C} WHERE prdtGrpCd = '매트리스'", False),
    ("total budget of customers in their 50s", f"SELECT SUM(amt) {C} WHERE age BETWEEN 50 AND 59", False),
    ("가장 어린 비데 고객의 나이는?", f"SELECT MIN(age) {C} WHERE prdtGrpCd = '비데'", False),
    ("highest membership score among dishwasher users", f"SELECT MAX(score) {C} WHERE prdtGrpCd = '식기세척기'", False),
    ("youngest customer", f"SELECT MIN(age) {C}", False),
    # groupings
    ("제품별 사용자 수", f"SELECT prdtCd, COUNT(*) {C} GROUP BY 1", False),
    ("users per product group", f"SELECT prdtGrpCd, COUNT(*) {C} GROUP BY 1", False),
    ("연령대별 평균 월 예산", f"SELECT age - age % 10, ROUND(AVG(amt), 1) {C} GROUP BY 1", False),
    ("number of customers by age group", f"SELECT age - age % 10, COUNT(*) {C} GROUP BY 1", False),
    ("가구원수별 평균 할인율", f"SELECT houseHold, ROUND(AVG(discRate), 1) {C} GROUP BY 1", False),
    ("average budget by household size for air purifier users",
     f"SELECT houseHold, ROUND(AVG(amt), 1) {C} WHERE prdtGrpCd = '공기청정기' GROUP BY 1", False),
    ("연령대별 제품군별 사용자 수", f"SELECT age - age % 10, prdtGrpCd, COUNT(*) {C} GROUP BY 1, 2", False),
    ("number of users by age group and product group",
     f"SELECT age - age % 10, prdtGrpCd, COUNT(*) {C} GROUP BY 1, 2", False),
    ("정수기 제품별 평균 나이", f"SELECT prdtCd, ROUND(AVG(age), 1) {C} WHERE prdtGrpCd = '정수기' GROUP BY 1", False),
    ("할인율 구간별 고객 수", f"SELECT discRate - discRate % 10, COUNT(*) {C} GROUP BY 1", False),
    ("가족 수가 5명 이상인 고객의 제품군별 분포",
     f"SELECT prdtGrpCd, COUNT(*) {C} WHERE houseHold > 4 GROUP BY 1", False),
    ("age distribution", f"SELECT age / 10 * 10, COUNT(*) {C} GROUP BY 1", False),
    ("평수 분포", f"SELECT size / 10 * 10, COUNT(*) {C} GROUP BY 1", False),
    ("users by score", f"SELECT score / 10 * 10, COUNT(*) {C} GROUP BY 1", False),
    ("예산별 고객 수", f"SELECT amt / 10 * 10, COUNT(*) {C} GROUP BY 1", False),
    # filters
    ("30세 이상 고객 수", f"SELECT COUNT(*) {C} WHERE age > 29", False),
    ("customers under 25 who rent a bidet", f"SELECT COUNT(*) {C} WHERE age <= 24 AND prdtGrpCd = '비데'", False),
    ("나이가 40세 초과 60세 이하인 고객 수", f"SELECT COUNT(*) {C} WHERE age BETWEEN 41 AND 60", False),
    ("How many customers are between 30 and 40 years old?", f"SELECT COUNT(*) {C} WHERE age >= 30 AND age <= 40",
     False),
    ("50대 이상 정수기 사용자 수", f"SELECT COUNT(*) {C} WHERE age >= 50 AND prdtGrpCd = '정수기'", False),
    ("40대와 50대 고객 수", f"SELECT COUNT(*) {C} WHERE age BETWEEN 40 AND 59", False),
    ("1인 가구 고객 수", f"SELECT COUNT(*) {C} WHERE houseHold = 1", False),
    ("4인 가족의 평균 월 예산", f"SELECT ROUND(AVG(amt), 1) {C} WHERE houseHold = 4", False),
    ("households of 3 or more people using water purifiers",
     f"SELECT COUNT(*) {C} WHERE houseHold > 2 AND prdtGrpCd = '정수기'", False),
    ("할인율 20% 이상인 고객의 평균 점수", f"SELECT ROUND(AVG(score), 1) {C} WHERE discRate >= 20", False),
    ("How many customers have a score of at least 80?", f"SELECT COUNT(*) {C} WHERE score >= 80", False),
    ("멤버십 점수 80점 이상 사용자 수", f"SELECT COUNT(*) {C} WHERE score >= 80", False),
    ("월 예산 5만원 이상 고객 수", f"SELECT COUNT(*) {C} WHERE amt >= 50", False),
    ("how many customers have a budget between 30,000 and 50,000 won",
     f"SELECT COUNT(*) {C} WHERE amt >= 30 AND amt <= 50", False),
    ("30평 이상 사는 고객의 평균 나이", f"SELECT ROUND(AVG(age), 1) {C} WHERE size >= 30", False),
    ("How many customers live in homes smaller than 20 pyeong?", f"SELECT COUNT(*) {C} WHERE size < 20", False),
    ("할인을 받지 않는 고객 수", f"SELECT COUNT(*) {C} WHERE discRate = 0", False),
    ("평균보다 점수가 높은 고객 수", f"SELECT COUNT(*) {C} WHERE score > (SELECT AVG(score) {C})", False),
    ("customers with an above-average budget by product group",
     f"SELECT prdtGrpCd, COUNT(*) {C} WHERE amt > (SELECT AVG(amt) {C}) GROUP BY 1", False),
    ("what is the average budget of customers aged 35?", f"SELECT ROUND(AVG(amt), 1) {C} WHERE age = 35", False),
    ("customers with a discount rate of 10 percent or less", f"SELECT COUNT(*) {C} WHERE discRate < 11", False),
    ("공청기 사용자 수", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '공기청정기'", False),
    ("How many users have 4 people in their household?", f"SELECT COUNT(*) {C} WHERE houseHold = 4", False),
    ("할인율이 0인 고객", f"SELECT COUNT(*) {C} WHERE discRate = 0", False),
    ("customers aged 20-29 with 2 or more people", f"SELECT COUNT(*) {C} WHERE age / 10 = 2 AND houseHold > 1", False),
    ("우리 회사 정수기 고객이 몇 명인지 궁금해요", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '정수기'", False),
    ("<b>총</b> 비데 사용자 알려줘", f"SELECT COUNT(*) {C} WHERE prdtGrpCd = '비데'", False),
    # comparisons become a grouping over the compared sides
    ("정수기와 비데 사용자 수 비교",
     f"SELECT prdtGrpCd, COUNT(*) {C} WHERE prdtGrpCd IN ('정수기', '비데') GROUP BY 1", False),
    ("water purifier vs bidet average age",
     f"SELECT prdtGrpCd, ROUND(AVG(age), 1) {C} WHERE prdtGrpCd IN ('정수기', '비데') GROUP BY 1", False),
    ("40대와 50대 평균 예산 비교", f"SELECT age / 10 * 10, ROUND(AVG(amt), 1) {C} WHERE age BETWEEN 40 AND 59 GROUP BY 1",
     False),
    ("How does the average budget vary by age group?", f"SELECT age / 10 * 10, ROUND(AVG(amt), 1) {C} GROUP BY 1",
     False),
    # top-N, most / least
    ("가장 많이 쓰는 제품 3개", f"SELECT prdtCd, COUNT(*) AS n {C} GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3", True),
    ("top 5 products", f"SELECT prdtCd, COUNT(*) AS n {C} GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5", True),
    ("least popular product group", f"SELECT prdtGrpCd, COUNT(*) AS n {C} GROUP BY 1 ORDER BY n, 1 LIMIT 1", True),
    ("평균 예산이 가장 높은 제품군",
     f"SELECT prdtGrpCd, ROUND(AVG(amt), 1) AS a {C} GROUP BY 1 ORDER BY a DESC, 1 LIMIT 1", True),
    ("Which age group has the most bidet users?",
     f"SELECT age / 10 * 10, COUNT(*) AS n {C} WHERE prdtGrpCd = '비데' GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1", True),
    ("bottom 2 product groups by average age",
     f"SELECT prdtGrpCd, ROUND(AVG(age), 1) AS a {C} GROUP BY 1 ORDER BY a, 1 LIMIT 2", True),
    ("Which household size has the highest average budget?",
     f"SELECT houseHold, ROUND(AVG(amt), 1) AS a {C} GROUP BY 1 ORDER BY a DESC, 1 LIMIT 1", True),
    ("top 5 customers by budget", f"SELECT id, age, amt, prdtCd {C} ORDER BY amt DESC, id LIMIT 5", True),
    ("점수가 가장 높은 고객 5명", f"SELECT id, age, score, prdtCd {C} ORDER BY score DESC, id LIMIT 5", True),
    ("제품군별 평균 나이를 높은 순으로",
     f"SELECT prdtGrpCd, ROUND(AVG(age), 1) AS a {C} GROUP BY 1 ORDER BY a DESC, 1", True),
    ("제품군별로 가장 많이 쓰는 제품",
     f"SELECT g, p, n FROM (SELECT prdtGrpCd AS g, prdtCd AS p, COUNT(*) AS n {C} GROUP BY 1, 2) AS t "
     f"WHERE NOT EXISTS (SELECT 1 FROM (SELECT prdtGrpCd AS g2, prdtCd AS p2, COUNT(*) AS n2 {C} GROUP BY 1, 2) "
     f"WHERE g2 = g AND (n2 > n OR (n2 = n AND p2 < p))) ORDER BY g", True),
    # shares and ratios
    ("제품군별 사용자 비율", f"SELECT prdtGrpCd, COUNT(*), {SHARE_ALL} {C} GROUP BY 1", False),
    ("share of customers by age group", f"SELECT age - age % 10, COUNT(*), {SHARE_ALL} {C} GROUP BY 1", False),
    ("정수기 사용자 중 40대 비율",
     f"SELECT ROUND(100.0 * SUM(age BETWEEN 40 AND 49) / COUNT(*), 1) {C} WHERE prdtGrpCd = '정수기'", False),
    ("What percentage of customers are in their 30s?",
     f"SELECT ROUND(100.0 * SUM(CASE WHEN age BETWEEN 30 AND 39 THEN 1 ELSE 0 END) / COUNT(*), 1) {C}", False),
    ("Among air purifier users, what share live alone?",
     f"SELECT ROUND(100.0 * SUM(houseHold = 1) / COUNT(*), 1) {C} WHERE prdtGrpCd = '공기청정기'", False),
    # a population filter stays in the denominator; the product is what is counted
    ("4인 이상 가구의 식기세척기 사용 비율",
     f"SELECT ROUND(100.0 * SUM(prdtGrpCd = '식기세척기') / COUNT(*), 1) {C} WHERE houseHold >= 4", False),
    ("40대의 정수기 사용 비율",
     f"SELECT ROUND(100.0 * SUM(prdtGrpCd = '정수기') / COUNT(*), 1) {C} WHERE age / 10 = 4", False),
    ("share of water purifier users among people in their 40s",
     f"SELECT ROUND(100.0 * SUM(prdtGrpCd = '정수기') / COUNT(*), 1) {C} WHERE age / 10 = 4", False),
    ("percentage of bidet users with a budget of 50 thousand won or more",
     f"SELECT ROUND(100.0 * SUM(prdtGrpCd = '비데') / COUNT(*), 1) {C} WHERE amt >= 50", False),
    ("정수기 사용자의 30대 비율",
     f"SELECT ROUND(100.0 * SUM(age / 10 = 3) / COUNT(*), 1) {C} WHERE prdtGrpCd = '정수기'", False),
    ("40대의 제품군별 비율",
     f"SELECT prdtGrpCd, COUNT(*), ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 1) {C} "
     f"WHERE age / 10 = 4 GROUP BY 1", False),
    ("비데 사용자 중 제품별 비중",
     f"SELECT prdtCd, COUNT(*), ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 1) {C} "
     f"WHERE prdtGrpCd = '비데' GROUP BY 1", False),
    ("제품군 내 제품별 비율",
     f"SELECT prdtGrpCd, prdtCd, COUNT(*), ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM customer AS x "
     f"WHERE x.prdtGrpCd = customer.prdtGrpCd), 1) {C} GROUP BY 1, 2", False),
    # a second dimension named beside "...별" is grouped too, never dropped
    ("연령대별 제품군 분포 차트", f"SELECT age / 10 * 10, prdtGrpCd, COUNT(*) {C} GROUP BY 1, 2", False),
    ("제품군별 연령대 분포", f"SELECT prdtGrpCd, age - age % 10, COUNT(*) {C} GROUP BY 1, 2", False),
    ("가구원 수별 제품군 비율",
     f"SELECT houseHold, prdtGrpCd, COUNT(*), ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM customer AS x "
     f"WHERE x.houseHold = customer.houseHold), 1) {C} GROUP BY 1, 2", False),
    ("product group share within each age group",
     f"SELECT age / 10 * 10, prdtGrpCd, COUNT(*), ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM customer AS x "
     f"WHERE x.age / 10 = customer.age / 10), 1) {C} GROUP BY 1, 2", False),
    # the product catalogue
    ("제품 목록과 월 렌탈료", "SELECT prdtCd, prdtGrpCd, name_ko, monthlyFee FROM product", False),
    ("water purifier prices",
     "SELECT prdtCd, prdtGrpCd, name_en, monthlyFee FROM product WHERE prdtGrpCd = '정수기'", False),
    ("제품별 월 매출",
     "SELECT p.prdtCd, p.name_ko, p.monthlyFee * (SELECT COUNT(*) FROM customer c WHERE c.prdtCd = p.prdtCd) "
     "FROM product p WHERE EXISTS (SELECT 1 FROM customer c WHERE c.prdtCd = p.prdtCd)", False),
    ("연령대별 평균 월 렌탈료",
     "SELECT c.age / 10 * 10, ROUND(AVG(p.monthlyFee), 0) FROM customer c, product p "
     "WHERE p.prdtCd = c.prdtCd GROUP BY 1", False),
    # chart and SQL words are not part of the question
    ("연령대별 정수기 사용자 수를 막대그래프로 그리고 SQL도 보여줘",
     f"SELECT age / 10 * 10, COUNT(*) {C} WHERE prdtGrpCd = '정수기' GROUP BY 1", False),
    ("Plot the number of users per product group and show the query",
     f"SELECT prdtGrpCd, COUNT(*) {C} GROUP BY 1", False),
]


@pytest.fixture(scope="module")
def db(small_db):
    engine = create_engine(small_db)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def generator():
    return RulesSqlGenerator(settings=None)


def run(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql)).fetchall()]


def ask(generator, question: str, examples=NO_MATCH, history=()):
    return generator.generate_sql(
        SqlRequest(question, detect_language(question), "", examples=examples, history=history)
    )


@pytest.mark.parametrize(("question", "reference", "ordered"), CASES, ids=[c[0] for c in CASES])
def test_generated_sql_returns_the_reference_result(db, generator, question, reference, ordered):
    result = ask(generator, question)
    assert result.sql is not None, result.raw
    assert json.loads(result.raw)["source"] == "parser"
    check_sql(result.sql)
    got, want = run(db, result.sql), run(db, reference)
    assert want, "the reference must select something, or the comparison proves nothing"
    if ordered:
        assert got == want
    else:
        assert sorted(got) == sorted(want)


def test_cases_cover_both_languages_and_never_use_held_out_questions():
    held_out = {search_key(p.question) for p in load_pairs() if p.split == "eval"}
    questions = [c[0] for c in CASES]
    assert len(questions) >= 60 and len(set(questions)) == len(questions)
    assert not held_out & {search_key(q) for q in questions}
    languages = [detect_language(q) for q in questions]
    assert languages.count("ko") >= 25 and languages.count("en") >= 25


def test_registered_through_the_plugin_manager():
    cls = get_registry().sql_generator_class("rules")
    assert cls is RulesSqlGenerator
    assert cls.backend_id == "rules" and cls.retry_on_db_error is False
    assert cls.readiness(None).ready


@pytest.mark.parametrize("question", [
    "오늘 날씨 어때?", "write me a poem", "hello", "안녕하세요", "평균", "what is the average",
    "정수기 사용자의 평균 키", "성별 사용자 수", "users by favourite colour", "지역별 고객 수",
    "지난달 신규 가입자 수", "정수기4 사용자 수", "나이가 17.5 제곱인 고객", "고객 3명",
    "비율 알려줘", "How many customers have a budget below their product's fee?", "What is the median age?",
    "정수기 사용자 나이 표준편차", "VIP 고객 수", "How many loyal customers?", "고객이 없는 제품",
    "products that nobody uses", "SELECT * FROM customer", "정수기 사용자 수; DROP TABLE customer",
    "예산이 높은 고객 수", "정수기 사용자 수 비교",
])
def test_unreadable_or_off_topic_questions_get_no_sql_and_three_suggestions(generator, question):
    result = ask(generator, question)
    assert result.sql is None
    language = detect_language(question)
    assert len(result.suggestions) == 3
    assert all(detect_language(s) == language for s in result.suggestions)
    assert json.loads(result.raw)["source"] == "none"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_suggestion_is_a_question_the_parser_answers(generator, language):
    for declined in ("", "정수기 사용자의 평균 키", "air purifier favourite colour"):
        for question in suggestions(language, declined):
            assert ask(generator, question).sql is not None, question


def test_suggestions_follow_the_product_group_the_user_named(generator):
    result = ask(generator, "비데 사용자의 평균 키는?")
    assert result.sql is None and all("비데" in s for s in result.suggestions[:2])


def test_knowledge_base_pair_is_used_only_above_the_threshold(generator):
    question = "How many customers have a budget below their product's fee?"
    sql = ("SELECT COUNT(*) AS users FROM customer c JOIN product p ON p.prdtCd = c.prdtCd "
           "WHERE c.amt * 1000 < p.monthlyFee")
    near = ask(generator, question, examples=(Example("kb question", sql, KB_MATCH_THRESHOLD + 0.01),))
    assert near.sql == sql
    raw = json.loads(near.raw)
    assert raw["source"] == "knowledge_base" and raw["reason"] == "unused_feature"
    far = ask(generator, question, examples=(Example("kb question", sql, KB_MATCH_THRESHOLD - 0.01),))
    assert far.sql is None and len(far.suggestions) == 3


def test_off_topic_question_finds_nothing_in_the_real_knowledge_base(generator):
    for question in ("오늘 날씨 어때?", "write me a poem about the sea"):
        assert ask(generator, question, examples=()).sql is None


def test_parseable_question_ignores_a_matching_example(generator):
    result = ask(generator, "정수기 사용자 수", examples=(Example("정수기 사용자 수", "SELECT 42", 1.0),))
    assert result.sql != "SELECT 42" and json.loads(result.raw)["source"] == "parser"


def test_raw_output_shows_the_resolved_intent(generator):
    raw = json.loads(ask(generator, "40대 정수기 사용자의 평균 예산").raw)
    intent = raw["intent"]
    assert intent["measures"] == ["avgAmt"]
    assert {f["kind"] for f in intent["filters"]} == {"product", "age"}


def test_aliases_are_stable_and_readable(generator):
    sql = ask(generator, "제품군별 사용자 수, 평균 나이, 평균 가구원 수, 최대 할인율과 예산 합계").sql
    for alias in ("prdtGrpCd", "users", "avgAge", "avgHouseHold", "maxDiscRate", "sumAmt"):
        assert alias in sql
    assert sql.endswith("ORDER BY prdtGrpCd")
    share = ask(generator, "연령대별 비중").sql
    assert "AS ageBand" in share and "AS sharePct" in share and share.endswith("ORDER BY ageBand")


def test_same_question_always_gives_the_same_sql(generator):
    first = ask(generator, "공기청정기 사용자 중 가구원수별 평균 예산").sql
    assert all(ask(generator, "공기청정기 사용자 중 가구원수별 평균 예산").sql == first for _ in range(3))


def test_two_dimension_result_draws_one_series_per_second_dimension(db, generator):
    from engine.charts import choose_chart

    question = "연령대별 제품군 분포 차트"
    sql = ask(generator, question).sql
    with db.connect() as conn:
        result = conn.execute(text(sql))
        columns, rows = list(result.keys()), [list(r) for r in result.fetchall()]
    chart = choose_chart(columns, rows, question)
    assert chart["x"] == "ageBand" and chart["color"] == "prdtGrpCd" and chart["y"] == "users"
    assert {point["prdtGrpCd"] for point in chart["data"]} == {r[1] for r in rows}
