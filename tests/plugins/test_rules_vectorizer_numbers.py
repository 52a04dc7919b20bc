"""The rules vectorizer reads numbers in words and notation, and reports a value no customer can have, or two
that disagree, as doubtful instead of guessing."""
from __future__ import annotations

import json

import pytest

from core.features import FEATURES
from core.numbers import parse_number
from rules_vectorizer_checks import assert_features, vectorize


@pytest.mark.parametrize(
    ("words", "value"),
    [("서른다섯", 35), ("스물아홉", 29), ("스무", 20), ("열두", 12), ("세", 3), ("삼십오", 35), ("십", 10),
     ("thirty-five", 35), ("twelve", 12), ("35,000", 35000), ("3.5", 3.5), ("서른셋둘", None), ("abc", None)],
)
def test_number_words(words, value):
    assert parse_number(words) == value


IMPOSSIBLE = [
    # the probe's inputs: a googol age, an infinite home, a budget of twelve nines, negatives
    ("I'm 1e100 years old", "age", ["1e100 years old"], "en"),
    ("I'm 10^100 years old", "age", ["10^100 years old"], "en"),
    ("home size 1e309 pyeong", "size", ["1e309 pyeong"], "en"),
    ("월 999999999999원", "amt", ["999999999999원"], "ko"),
    ("budget of 99999999999999999999 won", "amt", ["99999999999999999999 won"], "en"),
    ("household of -3", "houseHold", ["-3"], "en"),
    ("-4인 가족", "houseHold", ["-4인 가족"], "ko"),
    ("-5명", "houseHold", ["-5명"], "ko"),
    ("me and my wife and -3 kids", "houseHold", ["-3 kids"], "en"),
    ("I'm -5 years old", "age", ["-5 years old"], "en"),
    ("I'm -5", "age", ["-5"], "en"),
    ("-35살", "age", ["-35살"], "ko"),
    ("나이 마이너스 5", "age", ["마이너스 5"], "ko"),
    ("999999999999살", "age", ["999999999999살"], "ko"),
    ("I am 1,000 years old", "age", ["1,000 years old"], "en"),
    ("minus 30 pyeong", "size", ["minus 30 pyeong"], "en"),
    ("0인 가구", "houseHold", ["0인 가구"], "ko"),
    ("멤버십 점수 150점", "score", ["150점"], "ko"),
    ("할인 150%", "discRate", ["150%"], "ko"),
    ("할인율 -10%", "discRate", ["-10%"], "ko"),
]


@pytest.mark.parametrize(("text", "feature", "stated", "language"), IMPOSSIBLE)
def test_a_value_no_customer_can_have_is_reported_doubtful_never_misread_or_dropped(text, feature, stated, language):
    result = vectorize(text, language)
    assert result.features[feature] is None, result.raw
    assert result.doubtful == {feature: {"reason": "impossible", "stated": stated}}
    assert json.loads(result.raw)["doubtful"] == result.doubtful


CONFLICTING = [
    ("I'm 20 and 80", "age", ["20", "80"], "en"),
    ("I'm 20 or 80 years old", "age", ["20", "80 years old"], "en"),
    ("I'm 20 years old and 80 years old", "age", ["20 years old", "80 years old"], "en"),
    ("20살이고 80살이에요", "age", ["20살", "80살"], "ko"),
    ("나이는 20살, 80살", "age", ["20살", "80살"], "ko"),
    ("30대 아니면 40대", "age", ["30대", "40대"], "ko"),
    ("4인 가족인데 3명이에요", "houseHold", ["4인 가족", "3명"], "ko"),
    ("30평인데 50평", "size", ["30평", "50평"], "ko"),
]


@pytest.mark.parametrize(("text", "feature", "stated", "language"), CONFLICTING)
def test_two_statements_of_one_fact_that_disagree_are_reported_not_resolved_by_order(text, feature, stated, language):
    result = vectorize(text, language)
    assert result.features[feature] is None, result.raw
    assert result.doubtful == {feature: {"reason": "conflicting", "stated": stated}}


@pytest.mark.parametrize(("text", "expected"), [
    ("35살(만 34세)", {"age": 35}),  # a Korean and an international age are one fact
    ("30평(99㎡)", {"size": 30}),  # a conversion rounds
    ("35살, 30대", {"age": 35}),  # an exact age refines a band
    ("35살이에요. 네, 35살이요", {"age": 35}),
    ("150살이에요", {"age": 150}),  # possible enough to read; the engine clamps it and says so
    ("I'm 35 and 40,000 won is my budget", {"age": 35, "amt": 40}),
    ("3e2평", {"size": 300}),
    ("나이-35", {"age": 35}),  # a dash after a word joins, it does not negate
])
def test_statements_that_agree_or_are_possible_are_read(text, expected):
    result = assert_features(text, expected)
    assert result.doubtful == {}


def test_doubtful_features_and_the_rest_are_read_side_by_side():
    result = vectorize("I'm 1e100 years old, family of 4, 30 pyeong", "en")
    assert result.features == {**dict.fromkeys(FEATURES), "houseHold": 4, "size": 30}
    assert set(result.doubtful) == {"age"}


@pytest.mark.parametrize(("words", "value"), [("1e100", 1e100), ("2.5e3", 2500), ("10^6", 1e6), ("10**3", 1000),
                                              ("1e309", float("inf")), ("10^99999999999", float("inf"))])
def test_scientific_and_power_notation_are_one_number(words, value):
    assert parse_number(words) == value
