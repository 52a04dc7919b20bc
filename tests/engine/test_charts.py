"""Chart choice: only when asked, only for a label plus a number, and the type follows the result's shape."""
from __future__ import annotations

import pytest

from engine.charts import choose_chart, wants_chart, wants_sql

BY_PRODUCT = (["prdtCd", "users"], [["정수기1", 700], ["정수기2", 812], ["비데1", 650]])
BY_BAND = (["ageBand", "users"], [[40, 500], [20, 100], [30, 300]])
BY_HOUSEHOLD = (["houseHold", "avgAmt"], [[1, 30.5], [2, 31.0], [3, 33.25]])
SHARES = (["prdtGrpCd", "users", "pct"], [["정수기", 300, 30.0], ["비데", 200, 20.0], ["매트리스", 500, 50.0]])


@pytest.mark.parametrize(
    "question",
    ["제품별 사용자수를 그래프로 보여줘", "연령대별 차트", "그림으로 보여줘", "제품군 비율", "비중 알려줘", "통계 보여줘",
     "plot users by product", "Show a chart", "graph it", "market share by group", "pie of groups",
     "users by product as bars", "visualize the age bands"],
)
def test_chart_words_are_detected(question):
    assert wants_chart(question)


@pytest.mark.parametrize("question", ["총 정수기 사용자 알려줘", "How many customers?", "sharp rise?", "barely any", ""])
def test_plain_questions_do_not_want_a_chart(question):
    assert not wants_chart(question)


@pytest.mark.parametrize("question", ["쿼리도 보여줘", "SQL 보여줘", "SQL문 알려줘", "show the sql", "and the query please"])
def test_sql_requests_are_detected(question):
    assert wants_sql(question)


@pytest.mark.parametrize("question", ["총 정수기 사용자 알려줘", "How many customers?", "mysqlx", "sequel"])
def test_plain_questions_do_not_ask_for_sql(question):
    assert not wants_sql(question)


def test_categories_give_a_bar_chart_keyed_by_column_names():
    spec = choose_chart(*BY_PRODUCT, "제품별 사용자수를 그래프로 보여줘")
    assert spec["type"] == "bar"
    assert (spec["x"], spec["y"], spec["color"]) == ("prdtCd", "users", None)
    assert spec["title"] == "제품별 사용자 수"
    assert spec["data"] == [{"prdtCd": "정수기1", "users": 700}, {"prdtCd": "정수기2", "users": 812},
                            {"prdtCd": "비데1", "users": 650}]
    assert spec["x_order"] == ["정수기1", "정수기2", "비데1"]


def test_english_question_gets_english_labels_and_title():
    spec = choose_chart(*BY_PRODUCT, "plot users by product")
    assert spec["title"] == "Number of customers by product"
    assert spec["data"][0] == {"prdtCd": "water purifier 1", "users": 700}


def test_ordered_bands_give_a_line_in_band_order():
    spec = choose_chart(*BY_BAND, "연령대별 식기세척기 사용자수를 그래프로 보여줘")
    assert spec["type"] == "line"
    assert [p["ageBand"] for p in spec["data"]] == ["20대", "30대", "40대"]
    assert [p["users"] for p in spec["data"]] == [100, 300, 500]
    assert spec["title"] == "연령대별 사용자 수"


def test_household_sizes_are_ordered_too_and_floats_are_rounded():
    spec = choose_chart(["houseHold", "avgAmt"], [[3, 33.256], [1, 30.5]], "chart of budget by household size")
    assert spec["type"] == "line"
    assert spec["data"] == [{"houseHold": "1-person households", "avgAmt": 30.5},
                            {"houseHold": "3-person households", "avgAmt": 33.26}]


def test_shares_give_a_pie_drawn_from_counts_titled_as_shares():
    spec = choose_chart(*SHARES, "제품군별 비중 보여줘")
    assert spec["type"] == "pie"
    assert spec["y"] == "users"  # the pie computes the shares; its legend can then show counts too
    assert spec["title"] == "제품군별 비중"


def test_a_share_only_result_still_makes_a_pie_of_the_share_column():
    spec = choose_chart(["prdtGrpCd", "pct"], [["정수기", 30.0], ["비데", 70.0]], "제품군별 비중 보여줘")
    assert spec["type"] == "pie" and spec["y"] == "pct"


def test_ratio_words_make_a_pie_even_from_counts():
    assert choose_chart(*BY_PRODUCT, "product share chart")["type"] == "pie"


def test_explicit_chart_type_wins_when_the_shape_allows_it():
    assert choose_chart(*BY_BAND, "연령대별 사용자 막대 그래프")["type"] == "bar"
    assert choose_chart(*BY_PRODUCT, "pie chart of users by product")["type"] == "pie"
    assert choose_chart(*BY_PRODUCT, "line chart of users by product")["type"] == "bar"  # products have no order


def test_too_many_slices_or_negative_values_are_not_a_pie():
    many = [[f"p{i}", i + 1] for i in range(13)]
    assert choose_chart(["prdtCd", "users"], many, "share by product")["type"] == "bar"
    assert choose_chart(["prdtCd", "delta"], [["a", -1], ["b", 2]], "pie chart")["type"] == "bar"


def test_two_label_columns_colour_the_second():
    rows = [["정수기", 20, 10], ["정수기", 30, 12], ["비데", 20, 5]]
    spec = choose_chart(["prdtGrpCd", "ageBand", "users"], rows, "연령대별 제품군 사용자 그래프")
    assert (spec["type"], spec["x"], spec["color"]) == ("line", "ageBand", "prdtGrpCd")
    assert spec["data"][0] == {"ageBand": "20대", "users": 10, "prdtGrpCd": "정수기"}


@pytest.mark.parametrize(
    "columns, rows, question",
    [
        (*BY_PRODUCT, "제품별 사용자 수 알려줘"),  # not asked for
        (["users"], [[21034]], "정수기 사용자 수 그래프"),  # no label column
        (["prdtGrpCd"], [["정수기"], ["비데"]], "제품군 차트"),  # no number column
        (["prdtCd", "users"], [], "제품별 그래프"),  # nothing to draw
        (["prdtCd", "users"], [["정수기1", None]], "제품별 그래프"),
    ],
)
def test_no_chart_when_not_asked_or_not_drawable(columns, rows, question):
    assert choose_chart(columns, rows, question) is None


@pytest.mark.parametrize("kind", ["bar", "line", "pie"])
def test_the_analysts_choice_wins_over_the_questions_words(kind):
    spec = choose_chart(*BY_PRODUCT, "제품별 사용자수를 막대 그래프로", asked=True, kind=kind)
    assert spec["type"] == kind and [p["users"] for p in spec["data"]] == [700, 812, 650]


def test_a_chosen_line_keeps_an_ordered_axis_in_order():
    spec = choose_chart(*BY_BAND, "연령대별 사용자", asked=True, kind="line")
    assert [p["users"] for p in spec["data"]] == [100, 300, 500]


def test_a_chosen_pie_that_cannot_be_read_falls_back_to_the_shapes_own_chart():
    negative = (["prdtGrpCd", "diff"], [["정수기", -3.0], ["비데", 2.0]])
    assert choose_chart(*negative, "제품군별 차이", asked=True, kind="pie")["type"] == "bar"
    many = (["prdtCd", "users"], [[f"p{i}", i] for i in range(11)])
    assert choose_chart(*many, "제품별", asked=True, kind="pie")["type"] == "bar"
