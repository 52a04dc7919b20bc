"""The recommendation pipeline end to end on the rules backend and the committed model."""
import numpy as np
import pytest

from db.catalog import PRODUCTS_BY_CODE
from engine.app import Engine
from core.errors import EmptyInput, InputTooLong, UnsupportedLanguage
from core.features import FEATURES
from engine.recommend import rank
from engine.session import ChatSession
from engine.settings import offline_settings


@pytest.fixture(scope="module")
def engine():
    return Engine(offline_settings())


def test_named_group_ranks_only_that_group_renormalised(engine):
    rec = engine.recommend("35살 4인 가족 30평 아파트, 월 3만원 정도로 정수기 찾아요")
    assert rec.vector.product_group == "정수기"
    assert {p.group for p in rec.top} == {"정수기"}
    assert len(rec.top) == 3
    assert sum(p.probability for p in rec.top) == pytest.approx(1.0, abs=1e-6)


def test_single_product_group_returns_what_exists(engine):
    rec = engine.recommend("I need a mattress, I'm 60")
    assert [p.code for p in rec.top] == ["매트리스1"]
    assert rec.top[0].probability == pytest.approx(1.0)


def test_without_a_group_the_top_three_are_the_models_best(engine):
    rec = engine.recommend("I'm 28 and live alone in 10 pyeong")
    probs = engine.recommender.predict_proba([rec.vector.vector()])[0]
    labels = list(engine.recommender.class_labels)
    expected = [labels[i] for i in np.argsort(-probs)[:3]]
    assert [p.code for p in rec.top] == expected


def test_out_of_range_values_are_clamped_and_reported(engine):
    rec = engine.recommend("150살이고 월 500만원까지 괜찮아요")
    clamped = rec.vector.clamped
    assert clamped["age"]["stated"] == 150 and clamped["age"]["used"] == engine.bounds.high["age"]
    assert rec.vector.features["amt"] == engine.bounds.high["amt"]
    assert "학습 범위" in rec.reply


def test_conversation_carries_earlier_facts_and_later_ones_override(engine):
    session = ChatSession()
    first = engine.recommend("35살이고 4인 가족이에요", session)
    assert first.vector.sources["age"] == "extracted"
    second = engine.recommend("30평이고 정수기 보고 있어요", session)
    assert second.vector.sources["age"] == "carried" and second.vector.features["age"] == 35
    assert second.vector.sources["size"] == "extracted"
    third = engine.recommend("아, 사실 40살이에요", session)
    assert third.vector.features["age"] == 40 and third.vector.sources["age"] == "extracted"
    assert third.vector.product_group == "정수기"


def test_reply_follows_the_customers_language_and_names_fees(engine):
    ko = engine.recommend("35살 4인 가족 30평 정수기")
    en = engine.recommend("I'm 35 with a family of four, water purifier please")
    assert "월" in ko.reply and "원" in ko.reply
    assert "KRW/month" in en.reply
    for rec in (ko, en):
        fee = PRODUCTS_BY_CODE[rec.top[0].code].monthly_fee
        assert f"{fee:,}" in rec.reply


def test_reply_says_what_was_assumed_and_asks_for_a_missing_fact(engine):
    rec = engine.recommend("I'm 35")
    assert rec.vector.sources["age"] == "extracted"
    assert all(rec.vector.sources[n] == "default" for n in FEATURES if n != "age")
    assert "assumed" in rec.reply
    assert rec.ask_next in FEATURES and rec.ask_next != "age"


@pytest.mark.parametrize("text, error", [
    ("", EmptyInput), ("   \u200b ", EmptyInput), ("x" * 5000, InputTooLong),
    ("Привет, мне тридцать пять лет", UnsupportedLanguage),
])
def test_bad_input_is_refused_and_the_session_is_untouched(engine, text, error):
    session = ChatSession(carried={"age": 30.0})
    with pytest.raises(error) as caught:
        engine.recommend(text, session)
    assert caught.value.message("ko") and caught.value.message("en")
    assert session.carried == {"age": 30.0}


def test_rank_orders_best_first_with_stable_ties():
    labels = ["정수기1", "정수기2", "비데1"]
    picks = rank(np.array([0.2, 0.2, 0.6]), labels, None)
    assert [p.code for p in picks] == ["비데1", "정수기1", "정수기2"]


def test_asking_for_other_products_drops_the_carried_group(engine):
    session = ChatSession()
    first = engine.recommend("35살 4인 가족, 정수기로 보여줘", session)
    assert {p.group for p in first.top} == {"정수기"} and session.carried_group == "정수기"
    second = engine.recommend("다른 제품군도 보여줘", session)
    assert second.vector.product_group is None and session.carried_group is None
    assert second.vector.sources["age"] == "carried"
    probs = engine.recommender.predict_proba([second.vector.vector()])[0]
    labels = list(engine.recommender.class_labels)
    others = [labels[i] for i in np.argsort(-probs) if not labels[i].startswith("정수기")]  # another group (issue 14)
    assert [p.code for p in second.top] == others[:3]
    third = engine.recommend("30평이에요", session)
    assert third.vector.product_group is None


def test_clamping_bounds_come_from_the_metadata_beside_model_path(tmp_path):
    import json

    from core.paths import MODEL_METADATA_FILE

    metadata = json.loads(MODEL_METADATA_FILE.read_text(encoding="utf-8"))
    metadata["feature_stats"]["age"]["max"] = 70.0
    (tmp_path / "recommender.json").write_text(json.dumps(metadata), encoding="utf-8")
    engine = Engine(offline_settings(model_path=tmp_path / "recommender.keras"))
    report = engine.vectorize("85살이에요")
    assert report.features["age"] == 70.0 and report.clamped["age"] == {"stated": 85.0, "used": 70.0}


def test_without_metadata_vectorizing_falls_back_to_the_documented_ranges(tmp_path):
    from core.features import FEATURE_INFO

    engine = Engine(offline_settings(model_path=tmp_path / "missing.keras"))
    report = engine.vectorize("150살")
    assert report.features["age"] == FEATURE_INFO["age"].high
    assert report.features["houseHold"] == FEATURE_INFO["houseHold"].fallback_default
