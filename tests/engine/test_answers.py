"""Answer templates: the sentence a user reads for each result shape, in Korean and English."""
from __future__ import annotations

import pytest

from engine.answers import append_sql, compose_answer, get_subject
from engine.columns import describe_column, format_label, format_measure
from engine.korean import copula, ro, subject_particle, topic

WATER = "SELECT COUNT(*) AS users FROM customer WHERE prdtGrpCd = '정수기'"


def test_single_count_names_the_filtered_group_in_both_languages():
    assert compose_answer("총 정수기 사용자 알려줘", "ko", ["users"], [[21034]], sql=WATER) == "정수기 사용자는 총 21,034명이에요."
    assert compose_answer("water purifier users?", "en", ["users"], [[21034]], sql=WATER) == (
        "There are 21,034 water purifier customers."
    )


def test_unfiltered_count_and_singular():
    sql = "SELECT COUNT(*) AS users FROM customer"
    assert compose_answer("전체 고객 수", "ko", ["users"], [[70000]], sql=sql) == "전체 고객은 총 70,000명이에요."
    assert compose_answer("how many", "en", ["users"], [[1]], sql=sql) == "There is 1 customer."


def test_several_aggregates_with_units_and_one_decimal():
    sql = ("SELECT COUNT(*) AS users, AVG(age) AS avgAge, AVG(amt) AS avgAmt FROM customer "
           "WHERE prdtGrpCd = '정수기' AND age BETWEEN 40 AND 49")
    ko = compose_answer("q", "ko", ["users", "avgAge", "avgAmt"], [[5000, 44.52, 35.27]], sql=sql)
    assert ko == "40대 정수기 사용자의 사용자 수는 5,000명, 평균 나이는 44.5세, 평균 월 예산은 3.5만원이에요."
    en = compose_answer("q", "en", ["users", "avgAge", "avgAmt"], [[5000, 44.52, 35.27]], sql=sql)
    assert en == ("For water purifier customers in their 40s, the number of customers is 5,000, "
                  "the average age is 44.5 years and the average monthly budget is 35,270 KRW.")


@pytest.mark.parametrize(
    "column, value, ko, en",
    [
        ("avgAge", 42.0, "42.0세", "42.0 years"),
        ("avgHouseHold", 3.14, "3.1명", "3.1 people"),
        ("avgAmt", 35.0, "3.5만원", "35,000 KRW"),
        ("maxAmt", 300, "30만원", "300,000 KRW"),
        ("minAmt", 5, "5천원", "5,000 KRW"),
        ("avgSize", 31.25, "31.2평", "31.2 pyeong"),
        ("avgScore", 50.55, "50.5점", "50.5 points"),
        ("avgDiscRate", 12.345, "12.3%", "12.3%"),
        ("pct", 30.06, "30.1%", "30.1%"),
        ("users", 1234567, "1,234,567명", "1,234,567"),
        ("monthlyFee", 29900, "29,900원", "29,900 KRW"),
        ("totalAmt", 2450000, "245,000만원", "2,450,000,000 KRW"),
    ],
)
def test_measures_are_formatted_with_units(column, value, ko, en):
    meaning = describe_column(column)
    assert format_measure(meaning, value, "ko") == ko
    assert format_measure(meaning, value, "en") == en


@pytest.mark.parametrize(
    "column, value, ko, en",
    [
        ("prdtCd", "정수기2", "정수기2", "water purifier 2"),
        ("prdtGrpCd", "식기세척기", "식기세척기", "dishwasher"),
        ("ageBand", 40, "40대", "40s"),
        ("houseHold", 4, "4인 가구", "4-person households"),
        ("scoreBand", 70, "70점대", "70-79 points"),
        ("amtBand", 30, "3만원대", "30,000-39,000 KRW"),
    ],
)
def test_labels_read_as_people_say_them(column, value, ko, en):
    meaning = describe_column(column)
    assert format_label(meaning, value, "ko") == ko
    assert format_label(meaning, value, "en") == en


def test_column_roles_come_from_aliases_with_a_generic_fallback():
    assert describe_column("users").role == "count"
    assert describe_column("COUNT(*)").role == "count"
    assert describe_column("pct").role == "share"
    assert describe_column("sharePct").role == "share"
    assert (describe_column("avgDiscRate").stat, describe_column("avgDiscRate").feature) == ("avg", "discRate")
    assert describe_column("AVG(age)").feature == "age"
    assert describe_column("ageBand").role == "band"
    assert describe_column("prdtCd").role == "label"
    assert describe_column("mystery").role == "measure"
    assert describe_column("mystery").label("ko") == "mystery"


GROUPED = [["정수기1", 7000], ["정수기2", 8123], ["비데1", 6500], ["매트리스1", 1000], ["공기청정기1", 3000]]


def test_grouped_result_summarises_top_entries_and_counts_rows():
    sql = "SELECT prdtCd, COUNT(*) AS users FROM customer GROUP BY prdtCd"
    ko = compose_answer("제품별 사용자 수", "ko", ["prdtCd", "users"], GROUPED, sql=sql)
    assert ko == ("제품별 사용자 수는 정수기2가 8,123명으로 가장 많고, 이어서 정수기1(7,000명), 비데1(6,500명) 순이에요. "
                  "가장 적은 항목은 매트리스1(1,000명)이에요. 모두 5개 항목이에요.")
    en = compose_answer("users by product", "en", ["prdtCd", "users"], GROUPED, sql=sql)
    assert en.startswith("Number of customers by product: highest for water purifier 2 (8,123), followed by "
                         "water purifier 1 (7,000) and bidet 1 (6,500); lowest for mattress 1 (1,000).")
    assert en.endswith("5 rows in total.")


def test_grouped_result_leads_with_the_least_when_asked_for_it():
    rows = [["매트리스", 1000], ["비데", 3000]]
    ko = compose_answer("사용자가 가장 적은 제품군", "ko", ["prdtGrpCd", "users"], rows)
    assert ko.startswith("제품군별 사용자 수는 매트리스가 1,000명으로 가장 적고")
    en = compose_answer("fewest customers by group", "en", ["prdtGrpCd", "users"], rows)
    assert "lowest for mattress (1,000)" in en


def test_shares_lead_with_the_percentage_and_filters_are_named():
    sql = ("SELECT (age/10)*10 AS ageBand, COUNT(*) AS users, ROUND(100.0 * COUNT(*) / 10, 1) AS pct "
           "FROM customer WHERE prdtGrpCd = '식기세척기' GROUP BY ageBand")
    rows = [[20, 100, 10.0], [30, 300, 30.1], [40, 250, 25.5]]
    ko = compose_answer("연령대별 비중", "ko", ["ageBand", "users", "pct"], rows, sql=sql)
    assert ko.startswith("식기세척기 사용자의 연령대별 비중은 30대가 30.1%로 가장 높고, 이어서 40대(25.5%), 20대(10.0%) 순이에요.")
    en = compose_answer("share by age band", "en", ["ageBand", "users", "pct"], rows, sql=sql)
    assert en.startswith("Share by age band for dishwasher customers: highest for 30s (30.1%)")


@pytest.mark.parametrize(
    "sql, ko, en",
    [
        ("SELECT COUNT(*) FROM customer WHERE houseHold = 4 AND prdtCd IN ('정수기1', '비데2')",
         "4인 가구 정수기1·비데2 사용자", "water purifier 1 / bidet 2 customers in 4-person households"),
        ("SELECT COUNT(*) FROM customer WHERE age >= 40 AND age < 50", "40대 고객", "customers in their 40s"),
        ("SELECT COUNT(*) FROM customer WHERE discRate > 20", "할인율 21% 이상 고객",
         "customers with discount rate of at least 21%"),
        ("SELECT COUNT(*) FROM customer WHERE size BETWEEN 20 AND 30", "주거 평수 20평~30평 고객",
         "customers with home size 20 pyeong to 30 pyeong"),
        ("SELECT COUNT(*) FROM customer c WHERE c.score <= 50", "멤버십 점수 50점 이하 고객",
         "customers with membership score of at most 50 points"),
    ],
)
def test_subject_is_read_from_simple_where_clauses(sql, ko, en):
    subject = get_subject(sql)
    assert (subject.ko, subject.en, subject.filtered) == (ko, en, True)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT COUNT(*) FROM customer WHERE age > 40 OR prdtGrpCd = '비데'",
        "SELECT COUNT(*) FROM customer WHERE amt > (SELECT AVG(amt) FROM customer)",
        "SELECT COUNT(*) FROM customer WHERE prdtCd LIKE '정수기%'",
        "not sql at all (",
    ],
)
def test_conditions_it_cannot_name_give_a_generic_subject(sql):
    assert get_subject(sql).ko == "조건에 맞는 고객"
    assert get_subject(sql).en == "matching customers"


def test_empty_and_zero_results_say_nobody_matches():
    assert compose_answer("q", "ko", ["users"], [[0]]) == "조건에 맞는 고객이 없어요."
    assert compose_answer("q", "en", ["avgAge"], [[None]]) == "No customers match those conditions."
    assert compose_answer("q", "ko", ["prdtCd", "users"], []) == "조건에 맞는 고객이 없어요."


def test_truncated_results_say_only_part_is_shown():
    rows = [[i, 40] for i in range(1000)]
    ko = compose_answer("목록", "ko", ["id", "age"], rows, truncated=True)
    assert ko == "결과 1,000행을 찾았어요. 표에서 확인해 주세요. 결과가 많아 처음 1,000행만 보여드려요."
    assert "only the first 1,000 rows" in compose_answer("list", "en", ["id", "age"], rows, truncated=True)


def test_short_single_column_lists_are_spelled_out():
    rows = [["정수기"], ["비데"]]
    assert compose_answer("q", "ko", ["prdtGrpCd"], rows) == "결과는 모두 2개로, 정수기, 비데예요."
    assert compose_answer("q", "en", ["prdtGrpCd"], rows) == "The result has 2 entries: water purifier, bidet."


@pytest.mark.parametrize(
    "word, expected",
    [("정수기", "정수기예요"), ("21,034명", "21,034명이에요"), ("정수기1", "정수기1이에요"), ("42.3세", "42.3세예요"),
     ("30%", "30%예요"), ("20", "20이에요")],
)
def test_korean_copula_follows_the_final_sound(word, expected):
    assert copula(word) == expected


def test_korean_particles():
    assert topic("고객") == "고객은" and topic("사용자") == "사용자는"
    assert subject_particle("정수기2") == "정수기2가" and subject_particle("공기청정기1") == "공기청정기1이"
    assert ro("8,123명") == "8,123명으로" and ro("42.3세") == "42.3세로" and ro("7") == "7로"


def test_sql_is_appended_in_a_fenced_block_when_asked():
    answer = append_sql("정수기 사용자는 총 21,034명이에요.", WATER + "\n", "ko")
    assert answer == f"정수기 사용자는 총 21,034명이에요.\n\n실행한 쿼리예요:\n```sql\n{WATER}\n```"
    assert append_sql("x", WATER, "en").startswith("x\n\nHere is the SQL I ran:\n```sql\n")


def test_budget_reads_month_once():
    sql = "SELECT COUNT(*) AS users FROM customer WHERE amt >= 50"
    assert compose_answer("q", "ko", ["users"], [[11168]], sql=sql) == "월 예산 5만원 이상 고객은 총 11,168명이에요."
    avg = "SELECT ROUND(AVG(amt), 1) AS avgAmt FROM customer"
    assert compose_answer("q", "ko", ["avgAmt"], [[39.0]], sql=avg) == "전체 고객의 평균 월 예산은 3.9만원이에요."


def test_a_lone_share_names_the_population_it_is_out_of():
    sql = ("SELECT ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM customer WHERE houseHold >= 4), 1) AS sharePct "
           "FROM customer WHERE prdtGrpCd = '식기세척기' AND houseHold >= 4")
    ko = compose_answer("4인 이상 가구의 식기세척기 사용 비율", "ko", ["sharePct"], [[28.3]], sql=sql)
    assert ko == "가구원 수 4명 이상 고객 중 식기세척기 사용자의 비중은 28.3%예요."
    en = compose_answer("q", "en", ["sharePct"], [[28.3]], sql=sql)
    assert en == "Among customers with household size of at least 4 people, dishwasher customers make up 28.3%."
    of_all = ("SELECT ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM customer), 1) AS sharePct "
              "FROM customer WHERE age BETWEEN 40 AND 49")
    assert compose_answer("40대 비율", "ko", ["sharePct"], [[30.1]], sql=of_all) == "전체 고객 중 40대 고객의 비중은 30.1%예요."
    assert compose_answer("q", "en", ["sharePct"], [[30.1]], sql=of_all) == (
        "Among all customers, customers in their 40s make up 30.1%.")


def test_a_share_within_each_first_grouping_says_so():
    sql = ("SELECT houseHold, prdtGrpCd, COUNT(*) AS users, ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER "
           "(PARTITION BY houseHold), 1) AS sharePct FROM customer GROUP BY houseHold, prdtGrpCd")
    columns = ["houseHold", "prdtGrpCd", "users", "sharePct"]
    rows = [[1, "정수기", 70, 70.0], [1, "비데", 30, 30.0], [2, "정수기", 40, 40.0], [2, "비데", 60, 60.0]]
    ko = compose_answer("가구원 수별 제품군 비율", "ko", columns, rows, sql=sql)
    assert ko.startswith("가구원 수별 제품군 비중은 1인 가구 · 정수기가 70.0%로 가장 높고")
    en = compose_answer("product group share by household size", "en", columns, rows, sql=sql)
    assert en.startswith("Share of each product group within its household size: highest for 1-person")


def test_sql_with_backticks_cannot_close_its_block_early():
    sql = "SELECT '```' AS fence, COUNT(*) AS users FROM customer"
    answer = append_sql("총 3명이에요.", sql, "ko")
    fence = answer.splitlines()[-1]
    assert set(fence) == {"`"} and len(fence) == 4
    assert answer.splitlines()[-2] == sql and answer.count(fence) == 2


TOP_GROUP = "SELECT prdtGrpCd, COUNT(*) AS users FROM customer GROUP BY prdtGrpCd ORDER BY users DESC, prdtGrpCd LIMIT 1"


def test_the_single_top_row_is_named_as_the_most_in_both_languages():
    rows = [["정수기", 24770]]
    assert compose_answer("사용자 수가 가장 많은 제품군은?", "ko", ["prdtGrpCd", "users"], rows, sql=TOP_GROUP) == (
        "사용자 수가 가장 많은 제품군은 정수기(24,770명)예요.")
    assert compose_answer("Which product group has the most users?", "en", ["prdtGrpCd", "users"], rows,
                          sql=TOP_GROUP) == "The product group with the most customers is water purifier (24,770)."
    fewest = TOP_GROUP.replace("DESC", "ASC")
    assert "가장 적은" in compose_answer("사용자 수가 가장 적은 제품군은?", "ko", ["prdtGrpCd", "users"], rows, sql=fewest)


def test_one_group_that_was_not_ranked_is_not_called_the_most():
    sql = "SELECT prdtGrpCd, COUNT(*) AS users FROM customer WHERE prdtGrpCd = '정수기' GROUP BY prdtGrpCd"
    assert "가장" not in compose_answer("정수기 사용자 수", "ko", ["prdtGrpCd", "users"], [["정수기", 24770]], sql=sql)
