"""A 100,000-character message is refused with a message before any backend sees it."""
import pytest

from engine.app import Engine
from core.errors import InputTooLong
from engine.session import ChatSession
from engine.settings import offline_settings
from plugins.base import SqlGenerator, SqlResult, Vectorizer, VectorizeResult
from plugins.hookspecs import hookimpl
from plugin_helpers import registered

HUGE = ("35살 4인 가족 정수기 " * 8_000)[:100_000]


class CountingVectorizer(Vectorizer):
    backend_id = "counting"
    calls = 0

    def vectorize(self, request):
        CountingVectorizer.calls += 1
        return VectorizeResult(features={}, product_group=None, raw="")


class CountingSql(SqlGenerator):
    backend_id = "counting"
    calls = 0

    def generate_sql(self, request):
        CountingSql.calls += 1
        return SqlResult(sql="SELECT 1", raw="")


class CountingPlugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(CountingVectorizer)

    @hookimpl
    def register_sql_generators(self, register):
        register(CountingSql)


@pytest.fixture
def engine(small_db):
    CountingVectorizer.calls = CountingSql.calls = 0  # each test counts only its own calls
    with registered(CountingPlugin()):
        yield Engine(offline_settings(database_url=small_db))


def test_huge_text_is_refused_before_any_backend(engine):
    assert len(HUGE) == 100_000
    session = ChatSession(carried={"age": 40.0})
    for call in (engine.vectorize, engine.recommend, engine.ask):
        with pytest.raises(InputTooLong) as caught:
            call(HUGE, session, "counting")
        assert "100,000 characters" in caught.value.message("en") and "2,000" in caught.value.message("en")
        assert "100,000자" in caught.value.message("ko")
    assert CountingVectorizer.calls == 0 and CountingSql.calls == 0
    assert session.carried == {"age": 40.0} and session.sql_history == []


def test_a_normal_message_still_reaches_the_backend(engine):
    engine.vectorize("35살", ChatSession(), "counting")
    engine.ask("사용자 수", ChatSession(), "counting")
    assert CountingVectorizer.calls == 1 and CountingSql.calls == 1
