"""Sixteen sessions at once on one engine get correct, independent answers."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine.app import Engine
from engine.session import ChatSession

THREADS = 16


@pytest.fixture(scope="module")
def engine(small_db):
    from engine.settings import offline_settings

    return Engine(offline_settings(database_url=small_db))


def conversation(engine, index):
    """Two turns: the second must carry this session's own age, never another thread's."""
    session = ChatSession()
    age = 20 + index * 3
    engine.recommend(f"{age}살이에요", session)
    second = engine.recommend(f"{index % 4 + 1}인 가족이고 비데 찾아요", session)
    return age, second


def test_recommend_sessions_stay_independent(engine):
    expected = {i: engine.recommend(f"{20 + i * 3}살 {i % 4 + 1}인 가족 비데").top for i in range(THREADS)}
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda i: (i, *conversation(engine, i)), range(THREADS)))
    for index, age, rec in results:
        assert rec.vector.features["age"] == age and rec.vector.sources["age"] == "carried"
        assert rec.vector.features["houseHold"] == index % 4 + 1
        assert [p.code for p in rec.top] == [p.code for p in expected[index]]


QUESTIONS = ["정수기 사용자 수", "제품별 사용자 수", "연령대별 사용자 수", "average age of bidet users",
             "가구원수별 평균 예산", "top 3 products", "식기세척기 사용자의 평균 나이", "매트리스 사용자 수"]


def test_analytics_sessions_stay_independent(engine):
    expected = {q: engine.ask(q, ChatSession()).rows for q in QUESTIONS}

    def follow_up(index):
        session = ChatSession()
        question = QUESTIONS[index % len(QUESTIONS)]
        first = engine.ask(question, session)
        return question, first, session

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(follow_up, range(THREADS)))
    for question, answer, session in results:
        assert answer.rows == expected[question]
        assert [turn.question for turn in session.sql_history] == [question]
