"""The rules vectorizer reads what Korean and English phrasings state, and nothing more: whose age it is,
income against budget, no discount against asking for one."""
from __future__ import annotations

import json

import pytest

from rules_vectorizer_checks import assert_features, vectorize


KOREAN = [
    ("35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요", {"age": 35, "houseHold": 4, "amt": 30, "size": 30}),
    ("35살 4인 가족 30평 월 3만원", {"age": 35, "houseHold": 4, "amt": 30, "size": 30}),
    ("만 35세 남자입니다", {"age": 35}),
    ("서른다섯 살이에요", {"age": 35}),
    ("스물아홉이고 혼자 살아요", {"age": 29, "houseHold": 1}),
    ("삼십오 세", {"age": 35}),
    ("스무 살", {"age": 20}),
    ("30대 초반 부부", {"age": 32, "houseHold": 2}),
    ("40대 후반이에요", {"age": 48}),
    ("30대", {"age": 35}),
    ("20대 중반", {"age": 25}),
    ("35살 엄마, 3살 아이", {"age": 35}),
    ("3살 딸이 있는 35살 엄마", {"age": 35}),
    ("가족 4명", {"houseHold": 4}),
    ("4명이에요", {"houseHold": 4}),
    ("세 식구예요", {"houseHold": 3}),
    ("4식구", {"houseHold": 4}),
    ("혼자 자취해요", {"houseHold": 1}),
    ("1인 가구", {"houseHold": 1}),
    ("신혼부부예요", {"houseHold": 2}),
    ("우리 둘이 살아요", {"houseHold": 2}),
    ("부부와 아이 둘", {"houseHold": 4}),
    ("저는 마흔이고 남편이랑 아들 하나 딸 하나 있어요", {"age": 40, "houseHold": 4}),
    ("저랑 아이 둘", {"houseHold": 3}),
    ("월 3만원", {"amt": 30}),
    ("3만 원", {"amt": 30}),
    ("3만5천원", {"amt": 35}),
    ("3만 5000원", {"amt": 35}),
    ("35,000원", {"amt": 35}),
    ("5천원", {"amt": 5}),
    ("30천원", {"amt": 30}),
    ("월 30만원", {"amt": 300}),
    ("예산 4만원", {"amt": 40}),
    ("한 달에 2만원대", {"amt": 25}),
    ("2~3만원", {"amt": 25}),
    ("삼만원", {"amt": 30}),
    ("30평", {"size": 30}),
    ("30 평형", {"size": 30}),
    ("30평대 아파트", {"size": 35}),
    ("84㎡", {"size": 25.4}),
    ("84m2", {"size": 25.4}),
    ("84 m²", {"size": 25.4}),
    ("84제곱미터", {"size": 25.4}),
    ("평수는 32", {"size": 32}),
    ("멤버십 점수 80점", {"score": 80}),
    ("회원 점수 80", {"score": 80}),
    ("80점", {"score": 80}),
    ("100점 만점에 85점", {"score": 85}),
    ("할인율 10%", {"discRate": 10}),
    ("10% 할인", {"discRate": 10}),
    ("10퍼센트 할인", {"discRate": 10}),
    ("비데 10프로 할인 받았어요", {"discRate": 10}),
    ("할인율은 15", {"discRate": 15}),
    ("３５살 ４인 가족 ３０평", {"age": 35, "houseHold": 4, "size": 30}),
    ("만 35세, 4인가족, 멤버십 점수 70점, 할인율 20%", {"age": 35, "houseHold": 4, "score": 70, "discRate": 20}),
    ("나이: 45, 가구원: 3, 예산: 50000원, 평수: 40, 점수: 60, 할인율: 5%",
     {"age": 45, "houseHold": 3, "amt": 50, "size": 40, "score": 60, "discRate": 5}),
    ("40대 주부인데 설거지가 힘들어요. 5인 가족이고 40평 살아요.", {"age": 45, "houseHold": 5, "size": 40}),
    ("성인 2명, 아이 1명", {"houseHold": 3}),
    ("아내와 초등학생 아이 셋", {"houseHold": 5}),
    ("예산은 3만원에서 4만원 사이", {"amt": 35}),
    ("정수기 렌탈 월 2만 9천 원 이하", {"amt": 29}),
    ("30~40평", {"size": 35}),
]

ENGLISH = [
    ("I'm 35, family of 4, 30 pyeong, budget of 40k won, water purifier",
     {"age": 35, "houseHold": 4, "amt": 40, "size": 30}),
    ("35 years old", {"age": 35}),
    ("I am 42", {"age": 42}),
    ("aged 35", {"age": 35}),
    ("age 35", {"age": 35}),
    ("a 35-year-old teacher", {"age": 35}),
    ("I'm thirty-five years old", {"age": 35}),
    ("in my 30s", {"age": 35}),
    ("early 30s", {"age": 32}),
    ("late forties", {"age": 48}),
    ("my son is 5 years old and I'm 40", {"age": 40}),
    ("family of four", {"houseHold": 4}),
    ("4 people", {"houseHold": 4}),
    ("household of 3", {"houseHold": 3}),
    ("there are 3 of us", {"houseHold": 3}),
    ("I live alone", {"houseHold": 1}),
    ("I'm single", {"houseHold": 1}),
    ("a married couple", {"houseHold": 2}),
    ("husband and wife", {"houseHold": 2}),
    ("a couple with two kids", {"houseHold": 4}),
    ("me and my wife and 3 kids", {"houseHold": 5}),
    ("my wife and I have a baby", {"houseHold": 3}),
    ("under 30,000 won a month", {"amt": 30}),
    ("35000 won", {"amt": 35}),
    ("KRW 35,000", {"amt": 35}),
    ("35 thousand won", {"amt": 35}),
    ("30k a month", {"amt": 30}),
    ("84 square meters", {"size": 25.4}),
    ("84 sqm", {"size": 25.4}),
    ("30-pyeong apartment", {"size": 30}),
    ("membership score 80", {"score": 80}),
    ("score of 80", {"score": 80}),
    ("80 points", {"score": 80}),
    ("10% discount", {"discRate": 10}),
    ("discount of 15 percent", {"discRate": 15}),
    ("I'm 35 and live alone in a 84m2 flat", {"age": 35, "houseHold": 1, "size": 25.4}),
    ("age: 45, household: 3, budget: 50000 won, size: 40 pyeong, score: 60, discount: 5%",
     {"age": 45, "houseHold": 3, "amt": 50, "size": 40, "score": 60, "discRate": 5}),
    ("two adults and one child", {"houseHold": 3}),
    ("My membership score is 75 and I get a 5% discount.", {"score": 75, "discRate": 5}),
    ("between 30,000 and 40,000 won", {"amt": 35}),
    ("I'm 35 and 40,000 won is my budget", {"age": 35, "amt": 40}),
    ("900 sq ft", {"size": 25.3}),
]

NOTHING_STATED = [
    "안녕하세요",
    "hello there",
    "정수기 추천해 주세요",
    "원룸에 살아요",
    "I have two kids",
    "아이가 둘이에요",
    "a couple of years ago I bought a dishwasher",
    "4인용 식기세척기",
    "I want a 6-place dishwasher",
    "평일에 시간이 있어요",
    "budget of 35",
    "10%, 20%",
    "습도 50%",
    "아이디어 3개",
    "me and my friend",
    "3~2만원",
]


@pytest.mark.parametrize(("text", "expected"), KOREAN)
def test_korean_phrasings(text, expected):
    assert_features(text, expected, "ko")


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_english_phrasings(text, expected):
    assert_features(text, expected, "en")


@pytest.mark.parametrize("text", NOTHING_STATED)
def test_nothing_stated_gives_all_none(text):
    assert_features(text, {})


def test_a_bare_percentage_counts_only_when_it_is_the_only_one():
    assert vectorize("35살, 10%").features["discRate"] == 10
    assert vectorize("10% 이자, 20% 할인").features["discRate"] == 20
    raw = json.loads(vectorize("10%, 20%").raw)
    assert {entry["why"] for entry in raw["ignored"]} == {"several percentages, none called a discount"}


OTHER_PEOPLES_AGES = [
    ("I'm 35 and have a 2 year old", {"age": 35}, "en"),
    ("I'm 35 and my wife is 33, we have a 2 year old", {"age": 35, "houseHold": 3}, "en"),
    ("We have a 2-year-old son and I am 35", {"age": 35}, "en"),
    ("my wife is 33 years old and I'm 35", {"age": 35, "houseHold": 2}, "en"),
    ("two kids aged 3 and 5, I'm 40", {"age": 40}, "en"),
    ("I'm a 35 year old mom with a 2 year old", {"age": 35}, "en"),
    ("my husband and I have a 2-year-old and a 4 year old", {"houseHold": 4}, "en"),
    ("저는 35살이고 남편은 38살이에요", {"age": 35, "houseHold": 2}, "ko"),
    ("아내는 33살이고 저는 35살, 아이 하나", {"age": 35, "houseHold": 3}, "ko"),
    ("35살이고 아내 33살, 2살 아이 있어요", {"age": 35, "houseHold": 3}, "ko"),
    ("아들이 25살이에요", {}, "ko"),
    ("부모님은 60대고 저는 30대 초반", {"age": 32}, "ko"),
]


@pytest.mark.parametrize(("text", "expected", "language"), OTHER_PEOPLES_AGES)
def test_a_childs_or_spouses_age_is_never_the_customers(text, expected, language):
    assert_features(text, expected, language)


def test_a_spouses_age_is_recorded_as_ignored():
    raw = json.loads(vectorize("저는 35살, 남편은 38살").raw)
    assert {"feature": "age", "match": "38살", "why": "a family member's age"} in raw["ignored"]


@pytest.mark.parametrize(
    "text", ["할인 없어요", "할인율 없음", "할인 안 받아요", "할인 혜택은 없어요", "I have no discount", "no discount",
             "I don't get any discount"],
)
def test_no_discount_is_a_discount_rate_of_zero(text):
    assert_features(text, {"discRate": 0})


@pytest.mark.parametrize("text", ["할인 없나요?", "is there no discount?"])
def test_asking_about_a_discount_states_none(text):
    assert_features(text, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I earn 3000000 won a month", {}),
        ("I make 3,000,000 won a month", {}),
        ("my salary is 3,000,000 won", {}),
        ("월급 300만원", {}),
        ("연봉 4000만원이에요", {}),
        ("수입은 300만원 정도", {}),
        ("300만원 벌어요", {}),
        ("월급이 300만원인데 월 3만원 정도로 렌탈하고 싶어요", {"amt": 30}),
        ("연봉은 높지 않아서 월 3만원 정도로", {"amt": 30}),
        ("my income is 3,000,000 won and my budget is 30,000 won", {"amt": 30}),
    ],
)
def test_income_is_not_a_rental_budget(text, expected):
    assert_features(text, expected)


def test_income_is_recorded_as_ignored():
    raw = json.loads(vectorize("월급 300만원").raw)
    assert raw["ignored"] == [{"feature": "amt", "match": "300만원", "why": "income, not a budget"}]
