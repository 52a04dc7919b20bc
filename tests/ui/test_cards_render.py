"""Cards, the comparison table and the options under a recommendation, as the customer chat shows them."""
from __future__ import annotations

import pytest

from engine.app import Engine
from engine.session import ChatSession
from engine.settings import offline_settings
from ui import recommend_handlers
from ui.cards import picture_file


@pytest.fixture(scope="module")
def engine():
    return Engine(offline_settings())


def test_every_product_has_a_shipped_picture():
    from db.catalog import PRODUCTS

    for product in PRODUCTS:
        assert picture_file(product.code).read_text().startswith("<svg")


def test_a_reply_shows_cards_and_offers_refinements_and_chips(engine):
    view = recommend_handlers.recommend_turn(engine, "35살, 정수기 찾아요", [], ChatSession(), None)
    bubble = view.history[-1]
    assert bubble["content"].count('class="rc-card"') == 3
    labels = [o["label"] for o in bubble["options"]]
    assert {"더 저렴하게", "비교하기", "다른 제품군"} <= set(labels)


def test_household_chips_when_household_is_asked_next(engine):
    from engine.refine import options

    labels = [o["label"] for o in options(["정수기1"], "houseHold", "en")][:4]
    assert labels == ["1", "2", "3-4", "5+"]


def test_compare_shows_a_table_with_products_as_columns(engine):
    session = ChatSession()
    first = recommend_handlers.recommend_turn(engine, "I'm 35, family of four, water purifier", [], session, None)
    view = recommend_handlers.recommend_turn(engine, "compare them", first.history, session, None)
    content = view.history[-1]["content"]
    assert 'class="rc-compare"' in content and content.count("<th><img") == 3
