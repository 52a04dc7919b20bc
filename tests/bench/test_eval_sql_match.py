"""The evaluation's result-set comparison: what counts as the same answer and what does not."""
from __future__ import annotations

import pytest

from engine.evaluation import asks_for_order, results_match


def test_row_order_is_ignored_unless_asked_for():
    expected = [["정수기", 10], ["비데", 5]]
    assert results_match(expected, [["비데", 5], ["정수기", 10]], ordered=False)
    assert not results_match(expected, [["비데", 5], ["정수기", 10]], ordered=True)
    assert results_match(expected, [["정수기", 10], ["비데", 5]], ordered=True)


def test_column_order_and_aliases_do_not_matter():
    assert results_match([["정수기", 10, 33.3]], [[33.3, "정수기", 10]], ordered=True)


def test_numbers_compare_at_one_decimal():
    assert results_match([[42.5]], [[42.4999]], ordered=False)
    assert results_match([[5]], [[5.0]], ordered=False)
    assert not results_match([[42.5]], [[42.7]], ordered=False)


@pytest.mark.parametrize(
    "actual",
    [
        [["정수기", 10]],  # a row missing
        [["정수기", 10], ["비데", 5], ["비데", 5]],  # a row too many
        [["정수기", 10, 1], ["비데", 5, 1]],  # an extra column
        [["정수기", 5], ["비데", 10]],  # values swapped between rows
    ],
)
def test_different_result_sets_fail(actual):
    assert not results_match([["정수기", 10], ["비데", 5]], actual, ordered=False)


def test_duplicate_rows_count():
    assert not results_match([[1], [1], [2]], [[1], [2], [2]], ordered=False)


def test_empty_results_match_only_empty_results():
    assert results_match([], [], ordered=False)
    assert not results_match([], [[0]], ordered=False)


@pytest.mark.parametrize("question", ["가장 많은 제품은?", "top 3 products", "제품을 사용자 순서대로", "most popular group"])
def test_order_words(question):
    assert asks_for_order(question)


@pytest.mark.parametrize("question", ["제품별 사용자 수", "users by product group", "customers in the border town"])
def test_no_order_words(question):
    assert not asks_for_order(question)
