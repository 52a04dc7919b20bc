"""A fact stated with a value no customer can have, or stated twice with values that disagree, gets a question
back: it is not ranked on, not called unmentioned, and not carried into the rest of the conversation."""
import pytest

from core.errors import BackendOutputInvalid
from core.features import FEATURES
from engine.app import Engine
from engine.session import ChatSession
from engine.settings import offline_settings
from plugins.base import Vectorizer, VectorizeResult
from plugins.hookspecs import hookimpl
from plugin_helpers import registered


@pytest.fixture(scope="module")
def engine():
    return Engine(offline_settings())


PROBES = [
    ("I'm 1e100 years old", "age", "The age you gave (1e100 years old) can't be right", "How old are you?"),
    ("home size 1e309 pyeong", "size", "The home size you gave (1e309 pyeong) can't be right",
     "How big is your home"),
    ("my budget is 999999999999 won a month", "amt", "The monthly budget you gave (999999999999 won)",
     "What monthly rental budget"),
    ("household of -3", "houseHold", "The household size you gave (-3) can't be right", "How many people"),
    ("I'm -5 years old", "age", "The age you gave (-5 years old) can't be right", "How old are you?"),
    ("I'm 20 and 80", "age", "You gave different ages (20, 80)", "How old are you?"),
    ("월 999999999999원 예산이에요", "amt", "말씀하신 월 예산(999999999999원)은 실제 값일 수 없어서",
     "한 달 렌탈 예산은 얼마 정도인가요?"),
    ("저는 -35살이에요", "age", "말씀하신 나이(-35살)는 실제 값일 수 없어서", "나이가 어떻게 되세요?"),
    ("20살이고 80살이에요", "age", "나이에 대해 서로 다른 값을 말씀하셔서(20살, 80살)", "나이가 어떻게 되세요?"),
]


@pytest.mark.parametrize(("text", "feature", "problem", "question"), PROBES)
def test_the_reply_asks_about_the_doubtful_fact_and_never_calls_it_unmentioned(engine, text, feature, problem,
                                                                              question):
    rec = engine.recommend(text, ChatSession())
    report = rec.vector
    assert set(report.doubtful) == {feature}
    assert report.sources[feature] == "default"  # the model saw a typical value, never the stated one
    assert report.features[feature] == engine.bounds.median[feature]
    assert feature not in report.clamped
    assert rec.ask_next == feature
    assert problem in rec.reply and question in rec.reply, rec.reply
    unmentioned = next((line for line in rec.reply.splitlines()
                        if "didn't mention" in line or "말씀하지 않은" in line), "")
    label = {"age": ("age", "나이"), "size": ("home size", "평수"), "amt": ("budget", "예산"),
             "houseHold": ("household", "가구원")}[feature]
    assert not any(word in unmentioned for word in label), rec.reply
    assert len(rec.top) == 3  # the other facts still get an answer


def test_the_doubtful_value_is_not_carried_and_an_earlier_one_is_kept_and_named(engine):
    session = ChatSession()
    engine.recommend("I'm 35, family of 4", session)
    rec = engine.recommend("actually I'm -5 years old", session)
    assert rec.vector.sources["age"] == "carried" and rec.vector.features["age"] == 35
    assert session.carried["age"] == 35
    assert "I kept what you told me earlier, age 35" in rec.reply
    fresh = ChatSession()
    engine.recommend("I'm 1e100 years old", fresh)
    assert "age" not in fresh.carried


def test_the_json_keeps_the_cli_contract_and_adds_the_doubtful_facts(engine):
    payload = engine.recommend("I'm 20 and 80, family of 3").to_json()
    assert {"features", "sources", "product_group", "top", "reply"} <= set(payload)
    assert set(payload["sources"].values()) <= {"extracted", "carried", "default"}
    assert payload["doubtful"] == {"age": {"reason": "conflicting", "stated": ["20", "80"]}}
    assert engine.recommend("I'm 35").to_json()["doubtful"] == {}


class Doubting(Vectorizer):
    backend_id = "doubting-vector"
    output = None

    def vectorize(self, request):
        return Doubting.output


class DoubtingPlugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(Doubting)


@pytest.fixture
def doubting():
    with registered(DoubtingPlugin()):
        yield Engine(offline_settings())


def test_any_backend_can_report_a_doubtful_fact_and_wins_over_its_own_reading(doubting):
    Doubting.output = VectorizeResult(features={"age": 35.0}, product_group=None, raw="",
                                      doubtful={"age": {"reason": "conflicting", "stated": ["35", "53"]}})
    session = ChatSession()
    rec = doubting.recommend("35 or 53", session, "doubting-vector")
    assert rec.vector.sources["age"] == "default" and "age" not in session.carried
    assert "You gave different ages (35, 53)" in rec.reply


def test_a_backend_without_doubts_is_unchanged(doubting):
    Doubting.output = VectorizeResult(features={"age": 35.0}, product_group=None, raw="")
    report = doubting.vectorize("35", ChatSession(), "doubting-vector")
    assert report.doubtful == {} and report.sources["age"] == "extracted"


@pytest.mark.parametrize(("doubtful", "reason"), [
    (["age"], "not a mapping"),
    ({"income": {"reason": "impossible", "stated": []}}, "unknown doubtful features"),
    ({"age": {"reason": "unsure", "stated": []}}, "not a reason"),
    ({"age": {"reason": "impossible", "stated": "35"}}, "not a reason"),
    ({"age": {"reason": "impossible", "stated": [35]}}, "not a reason"),
])
def test_a_malformed_doubtful_field_is_refused_and_the_session_is_untouched(doubting, doubtful, reason):
    Doubting.output = VectorizeResult(features={}, product_group=None, raw="", doubtful=doubtful)
    session = ChatSession(carried={"age": 40.0})
    with pytest.raises(BackendOutputInvalid) as caught:
        doubting.recommend("35", session, "doubting-vector")
    assert reason in caught.value.detail
    assert session.carried == {"age": 40.0}


def test_what_a_backend_says_was_stated_is_bounded_before_it_reaches_the_reply(doubting):
    Doubting.output = VectorizeResult(features={}, product_group=None, raw="",
                                      doubtful={"size": {"reason": "impossible", "stated": ["x" * 500] * 20}})
    report = doubting.vectorize("big", ChatSession(), "doubting-vector")
    assert report.doubtful["size"]["stated"] == ["x" * 40] * 4
    assert set(report.sources) == set(FEATURES)
