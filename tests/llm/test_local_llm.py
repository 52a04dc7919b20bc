"""The `openai` backends against a real model (SmolLM2-135M-Instruct on llama.cpp's server), through the whole
engine, the CLI and the UI's handlers. A model this small is often wrong: what must hold is that every answer is
valid or a clear message in Korean and English, never a crash; that everything it writes passes the SQL guard;
that a cut or stalled generation is a message and the next request works; and that the database is unchanged."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import engine.sql_exec as sql_exec
from core.errors import BackendOutputTruncated, BackendTimeout, ChatError
from core.features import FEATURES, PRODUCT_GROUPS
from core.paths import ROOT
from engine.app import Engine
from engine.session import ChatSession
from local_llm_helpers import llm_settings
from ui import analytics_handlers, handlers, recommend_handlers

pytestmark = pytest.mark.llm

CUSTOMERS = [
    "35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요",
    "I'm 62 and live alone in a 20-pyeong flat; budget about 40,000 won a month",
    "비데 추천해 주세요",
]
QUESTIONS = ["정수기 사용자는 모두 몇 명이야?", "How many customers rent a dishwasher, by age band? Show the query."]
HANGUL = re.compile(r"[가-힣]")


def database_hash(url: str) -> str:
    return hashlib.sha256(Path(url.removeprefix("sqlite:///")).read_bytes()).hexdigest()


def assert_clear_message(exc: BaseException) -> None:
    """A ChatError whose Korean and English messages are plain sentences, not a traceback or a payload."""
    assert isinstance(exc, ChatError), f"not a user-facing error: {type(exc).__name__}: {exc}"
    korean, english = exc.message("ko"), exc.message("en")
    assert HANGUL.search(korean) and not HANGUL.search(english.replace(exc.detail or "", ""))
    for text in (korean, english):
        assert "Traceback" not in text and 'File "' not in text and len(text) < 600


def assert_valid_recommendation(rec) -> None:
    vector = rec.vector
    assert set(vector.features) == set(FEATURES)
    for name, value in vector.features.items():
        assert isinstance(value, float) and value == value, name  # a finite number reached the model
    assert vector.product_group is None or vector.product_group in PRODUCT_GROUPS
    assert rec.top and rec.reply.strip()
    if vector.product_group:
        assert {pick.group for pick in rec.top} == {vector.product_group}


@pytest.fixture
def guard_spy(monkeypatch) -> list[str]:
    """Every statement the guard was asked about, in order."""
    seen: list[str] = []
    original = sql_exec.check_sql

    def spy(sql, *args, **kwargs):
        seen.append(sql)
        return original(sql, *args, **kwargs)

    monkeypatch.setattr(sql_exec, "check_sql", spy)
    return seen


@pytest.mark.parametrize("message", CUSTOMERS)
def test_recommendations_are_valid_or_a_clear_message(llm_engine, message):
    try:
        rec = llm_engine.recommend(message, ChatSession(), "openai")
    except Exception as exc:
        assert_clear_message(exc)
        return
    assert rec.vector.backend == "openai" and rec.vector.fallback is None
    assert rec.vector.raw.strip().startswith("{")  # schema-constrained: JSON, not prose
    assert_valid_recommendation(rec)


@pytest.mark.parametrize("question", QUESTIONS)
def test_analytics_answers_are_valid_or_a_clear_message_and_the_guard_saw_every_statement(
        llm_engine, small_db, guard_spy, question):
    before = database_hash(small_db)
    try:
        answer = llm_engine.ask(question, ChatSession(), "openai")
    except Exception as exc:
        assert_clear_message(exc)
        tried = [exc.sql] if getattr(exc, "sql", None) else []
    else:
        assert answer.backend == "openai" and answer.answer.strip()
        assert answer.sql == answer.attempts[-1]["sql"] and answer.attempts[-1]["error"] is None
        tried = [attempt["sql"] for attempt in answer.attempts]
    for sql in tried:
        assert sql in guard_spy, "a statement reached the database without passing the guard"
    assert database_hash(small_db) == before


def test_the_ui_handlers_stream_a_real_turn_to_a_valid_end(llm_engine):
    views = list(recommend_handlers.recommend_stream(llm_engine, CUSTOMERS[1], [], ChatSession(), "openai"))
    first, last = views[0], views[-1]
    assert first.history[0]["role"] == "user" and first.history[1]["metadata"]["status"] == "pending"
    steps = last.history[1]
    assert steps["metadata"]["status"] == "done"
    reply = last.history[-1]
    assert reply["role"] == "assistant" and reply["content"].strip() and "Traceback" not in reply["content"]

    views = list(analytics_handlers.analytics_stream(llm_engine, QUESTIONS[0], [], ChatSession(), "openai"))
    last = views[-1]
    assert last.history[1]["metadata"]["status"] == "done"
    assert last.history[-1]["role"] == "assistant" and last.history[-1]["content"].strip()
    if last.history[1]["metadata"]["title"] == "완료":  # answered: the model's prose arrived piece by piece
        streamed = [v for v in views if len(v.history) == 3 and "metadata" not in v.history[-1]]
        assert streamed, "the answer never showed before it was finished"


def test_a_cut_generation_is_a_message_and_the_next_request_works(llm_engine):
    vectorizer, _ = llm_engine.backend("vectorizer", "openai")
    generator, _ = llm_engine.backend("sql_generator", "openai")
    vectorizer.max_tokens, generator.sql_max_tokens = 4, 4
    try:
        with pytest.raises(BackendOutputTruncated) as cut:
            llm_engine.recommend(CUSTOMERS[0], ChatSession(), "openai")
        assert_clear_message(cut.value)
        view = analytics_handlers.analytics_turn(llm_engine, QUESTIONS[0], [], ChatSession(), "openai")
        assert view.history[-1]["content"] == handlers.error_message(BackendOutputTruncated(backend="openai"), "ko")
    finally:
        del vectorizer.max_tokens, generator.sql_max_tokens  # back to the class defaults
    try:
        rec = llm_engine.recommend(CUSTOMERS[0], ChatSession(), "openai")
    except ChatError as exc:  # the model may still misread; what matters is that the server answered
        assert not isinstance(exc, (BackendOutputTruncated, BackendTimeout))
    else:
        assert_valid_recommendation(rec)


def test_a_read_timeout_is_a_message_and_the_next_request_works(local_llm, small_db, llm_engine):
    impatient = Engine(llm_settings(local_llm, small_db, backend_read_timeout=0.01))
    session = ChatSession()
    view = recommend_handlers.recommend_turn(impatient, CUSTOMERS[0], [], session, "openai")
    timeout = BackendTimeout(backend="openai")
    assert view.history[-1]["content"] == handlers.error_message(timeout, "ko")
    assert session.carried == {}  # a failed turn remembers nothing
    rec = llm_engine.recommend(CUSTOMERS[2], ChatSession(), "openai")  # waits behind the abandoned request
    assert_valid_recommendation(rec)


def test_the_cli_recommends_or_says_why(local_llm, small_db, tmp_path):
    env = {**os.environ, "OPENAI_BASE_URL": local_llm["OPENAI_BASE_URL"], "OPENAI_MODEL": local_llm["OPENAI_MODEL"],
           "DATABASE_URL": small_db, "BACKEND_READ_TIMEOUT": "240", "HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "engine", "recommend", "--backend", "openai",
                          "I'm 35, family of four"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    payload = json.loads(run.stdout)  # exactly one JSON object, success or not
    if run.returncode == 0:
        assert payload["backend"] == "openai" and payload["top"] and payload["reply"]
    else:
        assert run.returncode in (1, 2) and payload["error"] and payload["code"] != "internal_error"


def test_the_script_reuses_its_server_and_names_it(local_llm):
    """A second `start` finds the running server at once (the server holds no lock the script waits on) and
    the pid file names the very process serving the port."""
    run = subprocess.run(["bash", str(ROOT / "scripts" / "local-llm.sh"), "start"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and "already running" in run.stderr
    assert f"OPENAI_BASE_URL={local_llm['OPENAI_BASE_URL']}" in run.stdout
    port = local_llm["OPENAI_BASE_URL"].rsplit(":", 1)[1].split("/")[0]
    pid = int((ROOT / ".local-llm" / f"server-{port}.pid").read_text())
    assert "llama_cpp.server" in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    status = subprocess.run(["bash", str(ROOT / "scripts" / "local-llm.sh"), "status"], capture_output=True, text=True)
    assert status.returncode == 0 and "up (pid" in status.stderr
