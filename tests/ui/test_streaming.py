"""The streamed chat turns: the message and a step bubble at once, panels as their parts are known, an
LLM's answer growing in its bubble, a stop that ends the turn cleanly, and the same final state as one-shot."""
from __future__ import annotations

import re
import threading
import time

import pytest

from core.errors import BackendError, BackendTimeout, TurnStopped
from engine.app import Engine
from engine.session import ChatSession
from engine.settings import offline_settings
from plugin_helpers import registered
from plugins import SqlGenerator, SqlResult, VectorizeResult, Vectorizer, hookimpl
from ui import analytics_handlers, handlers, recommend_handlers
from ui.turns import run_turn

KO_CUSTOMER = "35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요"
QUESTION = "제품별 사용자 수 알려줘"
ANSWER_PIECES = ["정수기 고객이 ", "가장 많고 ", "매트리스가 가장 적어요."]


class Gate:
    """Holds a backend call until the test lets it go."""

    def __init__(self):
        self.entered, self.release = threading.Event(), threading.Event()

    def wait(self):
        self.entered.set()
        assert self.release.wait(10), "the test never released the backend"


GATE = Gate()


class GatedVectorizer(Vectorizer):
    backend_id = "gated"
    failure: Exception | None = None

    def vectorize(self, request):
        GATE.wait()
        if self.failure:
            raise self.failure
        return VectorizeResult(features={"age": 35.0, "houseHold": 4.0}, product_group="정수기", raw="{}")


class StreamingSql(SqlGenerator):
    backend_id = "streaming-sql"
    broken_after: int | None = None

    def generate_sql(self, request):
        GATE.wait()
        sql = "SELECT prdtGrpCd, COUNT(*) AS n FROM customer GROUP BY prdtGrpCd ORDER BY n DESC"
        return SqlResult(sql=sql, raw=sql)

    def stream_answer(self, question, language, columns, rows):
        for index, piece in enumerate(ANSWER_PIECES):
            if index == self.broken_after:
                raise BackendTimeout(backend=self.backend_id)
            yield piece
            time.sleep(0.2)  # as a model writes: the chat shows each piece (faster ones are coalesced)


class Plugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(GatedVectorizer)

    @hookimpl
    def register_sql_generators(self, register):
        register(StreamingSql)


@pytest.fixture
def engine(small_db):
    global GATE
    GATE = Gate()
    GatedVectorizer.failure, StreamingSql.broken_after = None, None
    with registered(Plugin()):
        yield Engine(offline_settings(database_url=small_db, llm_result_rows=True))  # an LLM writes the answers here
    GATE.release.set()


def _without_latency(panel: str) -> str:
    return re.sub(r"<dd>[\d.,]+ ms</dd>", "", panel)


def _title(message) -> str:
    return message["metadata"]["title"]


def test_the_message_and_a_pending_step_show_before_the_backend_answers(engine):
    session = ChatSession()
    stream = recommend_handlers.recommend_stream(engine, KO_CUSTOMER, [], session, "gated")
    first = next(stream)
    assert not GATE.entered.wait(0.2) or not GATE.release.is_set()  # the backend has not answered yet
    user, steps = first.history
    assert user == {"role": "user", "content": handlers.render.literal(KO_CUSTOMER)}
    assert steps["metadata"]["status"] == "pending" and _title(steps).startswith("메시지 읽는 중")
    assert first.message == "" and first.stop["visible"] is True
    GATE.release.set()
    views = list(stream)
    vector_view = views[0]
    assert "rc-vector" in vector_view.panel and _title(vector_view.history[1]).startswith("제품 순위")
    last = views[-1]
    assert [m["role"] for m in last.history] == ["user", "assistant", "assistant"]
    assert last.history[1]["metadata"]["status"] == "done" and _title(last.history[1]) == "완료"
    assert "▰" in last.history[2]["content"] and last.stop["visible"] is False
    assert last.session.carried["age"] == 35 and session.carried == {}  # the turn's copy becomes the state


def test_the_streamed_end_matches_the_one_shot_turn(small_db):
    engine = Engine(offline_settings(database_url=small_db))
    one_shot = recommend_handlers.recommend_turn(engine, KO_CUSTOMER, [], ChatSession(), "rules")
    streamed = list(recommend_handlers.recommend_stream(engine, KO_CUSTOMER, [], ChatSession(), "rules"))[-1]
    assert streamed.history[-1] == one_shot.history[-1]
    assert _without_latency(streamed.panel) == _without_latency(one_shot.panel)
    assert streamed.session.carried == one_shot.session.carried
    one_shot = analytics_handlers.analytics_turn(engine, QUESTION, [], ChatSession(), "rules")
    streamed = list(analytics_handlers.analytics_stream(engine, QUESTION, [], ChatSession(), "rules"))[-1]
    assert streamed.history[-1] == one_shot.history[-1] and streamed.sql == one_shot.sql
    assert streamed.chart == one_shot.chart and streamed.examples == one_shot.examples


def test_analytics_panels_fill_step_by_step_and_the_answer_grows(engine):
    GATE.release.set()
    views = list(analytics_handlers.analytics_stream(engine, QUESTION, [], ChatSession(), "streaming-sql"))
    titles = [_title(v.history[1]) for v in views]
    assert titles[0].startswith("SQL 작성 중") and titles[-1] == "완료"
    assert any(t.startswith("SQL 실행 중") for t in titles) and any(t.startswith("답변 작성 중") for t in titles)
    sql_view = next(v for v in views if isinstance(v.sql, str) and v.sql.startswith("SELECT"))
    assert _title(sql_view.history[1]).startswith("SQL 실행 중")
    table_view = next(v for v in views if isinstance(v.table, dict) and v.table.get("visible"))
    assert _title(table_view.history[1]).startswith("답변 작성 중")
    growing = [v.history[2]["content"] for v in views if len(v.history) == 3 and v is not views[-1]]
    full = handlers.render.literal("".join(ANSWER_PIECES))
    assert len(growing) >= 2 and all(full.startswith(text) for text in growing) and growing[-1] == full
    assert growing == sorted(growing, key=len)
    assert views[-1].history[2]["content"] == handlers.render.literal("".join(ANSWER_PIECES))


def test_an_answer_that_breaks_off_is_replaced_by_the_template(engine):
    GATE.release.set()
    StreamingSql.broken_after = 1
    last = list(analytics_handlers.analytics_stream(engine, QUESTION, [], ChatSession(), "streaming-sql"))[-1]
    assert _title(last.history[1]) == "완료"
    assert ANSWER_PIECES[0].strip() not in last.history[2]["content"] and "정수기" in last.history[2]["content"]


def test_a_failing_backend_closes_the_step_and_keeps_the_typed_text_and_the_session(engine):
    GATE.release.set()
    GatedVectorizer.failure = BackendError(backend="gated")
    session = ChatSession(carried={"age": 50.0})
    last = list(recommend_handlers.recommend_stream(engine, KO_CUSTOMER, [], session, "gated"))[-1]
    assert last.history[1]["metadata"]["status"] == "done" and _title(last.history[1]) == "중간에 멈췄어요"
    assert last.history[2]["content"] == handlers.error_message(BackendError(backend="gated"), "ko")
    assert last.message == KO_CUSTOMER and last.session is session and session.carried == {"age": 50.0}
    assert last.stop["visible"] is False


def test_refused_input_answers_at_once_without_a_step_bubble(engine):
    (view,) = recommend_handlers.recommend_stream(engine, "   ", [], ChatSession(), "gated")
    assert [m["role"] for m in view.history] == ["assistant"] and not GATE.entered.is_set()
    (view,) = analytics_handlers.analytics_stream(engine, "x" * 5000, [], ChatSession(), "streaming-sql")
    assert "metadata" not in view.history[-1]


def test_stop_ends_the_turn_and_the_session_stays_usable(engine):
    session = ChatSession(carried={"houseHold": 2.0})
    stream = recommend_handlers.recommend_stream(engine, KO_CUSTOMER, [], session, "gated", stop_key=("s1", "recommend"))
    first = next(stream)
    rest: list = []
    consumer = threading.Thread(target=lambda: rest.extend(stream))  # as Gradio keeps pulling the generator
    consumer.start()
    assert GATE.entered.wait(5)
    chat, stop = handlers.stop_turn(first.history, ("s1", "recommend"))
    assert chat[1]["metadata"] == {**first.history[1]["metadata"], "title": "중지했어요", "status": "done"}
    assert chat[-1]["content"] == handlers.error_message(TurnStopped(), "ko") and stop["visible"] is False
    GATE.release.set()
    consumer.join(10)
    last = rest[-1]
    assert _title(last.history[1]) == "중지했어요" and session.carried == {"houseHold": 2.0}
    follow_up = list(recommend_handlers.recommend_stream(engine, "30평이에요", chat, session, "rules"))[-1]
    assert follow_up.session.carried["size"] == 30 and follow_up.session.carried["houseHold"] == 2


def test_stop_without_a_running_turn_changes_nothing():
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    chat, _ = handlers.stop_turn(history, ("nobody", "recommend"))
    assert chat == history


def test_closing_the_stream_stops_the_worker_at_its_next_step():
    reached = []

    def call(progress):
        progress("one", {})
        GATE.wait()
        progress("two", {})  # raises TurnStopped: the consumer is gone
        reached.append("three")

    global GATE
    GATE = Gate()
    events = run_turn(call)
    assert next(events) == ("one", {})
    events.close()
    GATE.release.set()
    threading.Event().wait(0.2)
    assert reached == []


def test_many_answer_pieces_are_coalesced():
    def call(progress):
        for n in range(200):
            progress("answer", {"text": "x" * n})
        return "done"

    events = list(run_turn(call))
    answers = [data["text"] for step, data in events if step == "answer"]
    assert answers[-1] == "x" * 199 and events[-1] == ("done", {"result": "done"})
    assert answers == sorted(answers, key=len)


def test_the_pages_echo_of_the_message_is_replaced_not_doubled(small_db):
    engine = Engine(offline_settings(database_url=small_db))
    earlier = [{"role": "user", "content": "비데요"}, {"role": "assistant", "content": "네"}]
    echoed = [*earlier, {"role": "user", "content": [{"type": "text", "text": handlers.render.literal(KO_CUSTOMER)}]}]
    last = list(recommend_handlers.recommend_stream(engine, KO_CUSTOMER, echoed, ChatSession(), "rules"))[-1]
    assert [m["role"] for m in last.history] == ["user", "assistant", "user", "assistant", "assistant"]
    last = list(analytics_handlers.analytics_stream(engine, QUESTION, [echoed[-1] | {"content": QUESTION}], ChatSession(),
                                          "rules"))[-1]
    assert [m["role"] for m in last.history] == ["user", "assistant", "assistant"]
    # A trailing message that is not this one's echo is kept (a hand-made history, say).
    assert handlers.without_echo(echoed, "다른 메시지") == echoed
