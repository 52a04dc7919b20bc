"""Each recommended product carries a card a renter can act on, ranked in words instead of softmax percentages,
and the one-tap refinements keep the facts while narrowing the ranking (cheaper never costs more)."""
from __future__ import annotations

import pytest

from db.catalog import PRODUCTS_BY_CODE
from engine.app import Engine
from engine.session import ChatSession
from engine.settings import offline_settings


@pytest.fixture(scope="module")
def engine():
    return Engine(offline_settings())


def test_each_pick_has_a_card_with_fees_and_the_stated_discount(engine):
    trace = engine.recommend("35살, 4인 가족, 월 3만원, 정수기, 할인율 10%", ChatSession()).to_json()
    for item in trace["top"]:
        card, product = item["card"], PRODUCTS_BY_CODE[item["prdtCd"]]
        assert card["name"] == product.name_ko and len(card["features"]) == 3
        assert card["fees"] == {str(m): fee for m, fee in product.fees.items()}
        assert card["discounted_fee"] == int(product.monthly_fee * 0.9) // 100 * 100
        assert card["registration_fee"] == product.registration_fee and card["care_visits"] == product.care_visits
        assert card["why"]
    assert "%" not in trace["reply"].split("\n")[1] and "가장 잘 맞아요" in trace["reply"]


def test_no_discount_is_applied_when_none_was_stated(engine):
    trace = engine.recommend("I'm 35 with a family of four", ChatSession()).to_json()
    assert all(item["card"]["discounted_fee"] is None for item in trace["top"])
    assert trace["reply"].splitlines()[1].startswith("1. Best match:")


def test_cheaper_never_offers_a_higher_fee_and_keeps_the_facts(engine):
    session = ChatSession()
    first = engine.recommend("35살 4인 가족, 정수기 찾아요", session)
    ceiling = PRODUCTS_BY_CODE[first.top[0].code].monthly_fee
    cheaper = engine.recommend("더 저렴한 제품 보여줘", session)
    assert cheaper.refinement.kind == "cheaper" and cheaper.vector.sources["age"] == "carried"
    assert cheaper.top and all(PRODUCTS_BY_CODE[p.code].monthly_fee <= ceiling for p in cheaper.top)
    assert all(p.group == "정수기" for p in cheaper.top)


def test_compare_keeps_the_products_shown(engine):
    session = ChatSession()
    first = engine.recommend("35살 4인 가족, 정수기 찾아요", session)
    compared = engine.recommend("compare them", session)
    assert compared.refinement.kind == "compare"
    assert {p.code for p in compared.top} == {p.code for p in first.top}


def test_bigger_raises_household_and_size(engine):
    session = ChatSession()
    engine.recommend("35살 2인 가족 20평", session)
    bigger = engine.recommend("Show me bigger ones, for more people", session)
    assert bigger.vector.features["houseHold"] == 4 and bigger.vector.features["size"] == 30
