"""The rules vectorizer as a backend: the product group it reads, the raw record of what it matched, the
same answer every time, and its place in the plugin contract and registry. Phrasings and numbers have
modules of their own (test_rules_vectorizer_language.py, test_rules_vectorizer_numbers.py)."""
from __future__ import annotations

import json

import pytest

from core.features import FEATURES, PRODUCT_GROUPS
from engine.settings import offline_settings
from plugins import manager
from plugins.base import VectorizeRequest, Vectorizer
from plugins.rules.vectorizer import RulesVectorizer
from rules_vectorizer_checks import vectorize


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
