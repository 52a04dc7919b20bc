"""The rules vectorizer reads exactly what the text states, in Korean and English, and nothing more."""
from __future__ import annotations

import json

import pytest

from core.features import FEATURES, PRODUCT_GROUPS
from core.numbers import parse_number
from engine.settings import offline_settings
from plugins import manager
from plugins.base import VectorizeRequest, Vectorizer
from plugins.rules.vectorizer import RulesVectorizer


def vectorize(text: str, language: str = "ko"):
    return RulesVectorizer(offline_settings()).vectorize(VectorizeRequest(text=text, language=language))


def assert_features(text: str, expected: dict, language: str = "ko"):
    """Every feature not in `expected` must be None: the backend never fills in what was not said."""
    result = vectorize(text, language)
    assert result.features == {name: expected.get(name) for name in FEATURES}, result.raw
    return result


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


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("정수기 찾아요", "정수기"),
        ("물 마시는 게 중요해요", "정수기"),
        ("a water filter, please", "정수기"),
        ("공기청정기", "공기청정기"),
        ("공청기 있나요", "공기청정기"),
        ("미세먼지 때문에 걱정이에요", "공기청정기"),
        ("air cleaner please", "공기청정기"),
        ("물론 비데도 좋죠", "비데"),
        ("a bidet", "비데"),
        ("식세기 알아봐요", "식기세척기"),
        ("설거지가 귀찮아요", "식기세척기"),
        ("dishwasher", "식기세척기"),
        ("매트리스", "매트리스"),
        ("침대 추천", "매트리스"),
        ("mattress and bed", "매트리스"),
        ("정수기 말고 공기청정기", "공기청정기"),
        ("I already have a bidet, I want a dishwasher", "식기세척기"),
        ("정수기랑 비데 중에 고민이에요", None),
        ("물건이 많아요", None),
        ("hello", None),
    ],
)
def test_product_group(text, group):
    assert vectorize(text).product_group == group


def test_unclear_group_is_recorded_as_ambiguous():
    raw = json.loads(vectorize("정수기랑 비데 중에 고민이에요").raw)
    assert raw["product_group"]["ambiguous"] == ["비데", "정수기"]


@pytest.mark.parametrize(
    ("words", "value"),
    [("서른다섯", 35), ("스물아홉", 29), ("스무", 20), ("열두", 12), ("세", 3), ("삼십오", 35), ("십", 10),
     ("thirty-five", 35), ("twelve", 12), ("35,000", 35000), ("3.5", 3.5), ("서른셋둘", None), ("abc", None)],
)
def test_number_words(words, value):
    assert parse_number(words) == value


def test_a_bare_percentage_counts_only_when_it_is_the_only_one():
    assert vectorize("35살, 10%").features["discRate"] == 10
    assert vectorize("10% 이자, 20% 할인").features["discRate"] == 20
    raw = json.loads(vectorize("10%, 20%").raw)
    assert {entry["why"] for entry in raw["ignored"]} == {"several percentages, none called a discount"}


def test_raw_is_compact_json_of_what_was_matched():
    result = vectorize("35살 4인 가족 30평 월 3만원 정수기")
    raw = json.loads(result.raw)
    assert raw["age"] == {"value": 35, "match": "35살"}
    assert raw["houseHold"]["value"] == 4
    assert raw["amt"] == {"value": 30, "match": "3만원"}
    assert raw["product_group"]["value"] == "정수기"
    assert result.raw == json.dumps(raw, ensure_ascii=False, separators=(",", ":"))


def test_raw_explains_composed_household_and_ignored_numbers():
    raw = json.loads(vectorize("부부와 아이 둘, 3살 아이").raw)
    assert raw["houseHold"]["parts"] == {"adults": 2, "children": 2}
    assert {"feature": "age", "match": "3살", "why": "a child's age"} in raw["ignored"]
    assert json.loads(vectorize("안녕하세요").raw) == {}


def test_same_text_gives_the_same_result_every_time():
    text = "I'm 35, family of 4, 30 pyeong, budget of 40k won, water purifier, 10% discount"
    first = vectorize(text, "en")
    assert all(vectorize(text, "en") == first for _ in range(3))


def test_carried_values_are_not_echoed_back():
    request = VectorizeRequest(text="정수기요", language="ko", carried={"age": 35.0, "amt": 30.0}, carried_group="비데")
    result = RulesVectorizer(offline_settings()).vectorize(request)
    assert result.features == dict.fromkeys(FEATURES)
    assert result.product_group == "정수기"


@pytest.mark.parametrize(
    "text",
    [
        "1" * 2000,
        "점수" + " " * 1998,
        ("아이 " * 700)[:2000],
        ("1,000" * 400)[:2000],
        ("할인" + "x" * 9) * 181,
        ("35살 4인 가족 30평 월 3만원 정수기 10% 할인 " * 60)[:2000],
        ("budget " + "-" * 13) * 100,
        "삼십" * 1000,
    ],
)
def test_long_adversarial_text_completes(text):
    result = vectorize(text)
    assert set(result.features) == set(FEATURES)
    assert result.product_group in (*PRODUCT_GROUPS, None)
    json.loads(result.raw)


def test_contract_shape():
    assert issubclass(RulesVectorizer, Vectorizer)
    assert RulesVectorizer.backend_id == "rules"
    assert RulesVectorizer.description
    assert RulesVectorizer.readiness(offline_settings()).ready


def test_registers_through_the_plugin_hook():
    manager.reset_for_tests()
    try:
        found = []
        manager.get_plugin_manager().hook.register_vectorizers(register=found.append)
        assert RulesVectorizer in found
    finally:
        manager.reset_for_tests()


def test_registry_resolves_rules_to_this_class():
    manager.reset_for_tests()
    try:
        assert manager.get_registry().vectorizer_class("rules") is RulesVectorizer
    finally:
        manager.reset_for_tests()


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


@pytest.mark.parametrize(
    "text",
    ["다른 제품군도 보여줘", "아무 제품이나 괜찮아요", "제품 상관없어요", "제품군은 상관 없어요", "전체 제품 보여줘",
     "any product is fine", "show me other products too", "all products", "I don't care which product"],
)
def test_asking_for_any_product_clears_the_group(text):
    result = vectorize(text)
    assert result.product_group is None and result.clear_group is True
    assert json.loads(result.raw)["product_group"]["clear"] is True


@pytest.mark.parametrize("text", ["정수기 찾아요", "어떤 제품이 좋을까요?", "35살 4인 가족", "다른 정수기도 있나요"])
def test_the_group_is_cleared_only_when_asked(text):
    assert vectorize(text).clear_group is False


def test_naming_a_group_beside_any_product_keeps_the_named_group():
    result = vectorize("다른 제품 말고 비데만 보여줘")
    assert result.product_group == "비데" and result.clear_group is False


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
