"""Sixteen sessions at once on one engine get correct, independent answers."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine.session import ChatSession

THREADS = 16


@pytest.fixture(scope="module")
def engine(analytics_engine):
    return analytics_engine


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


FOLLOW_UPS = [("정수기 사용자 수", "그럼 40대는?"), ("제품별 사용자 수", "그 중 4인 가족만"),
              ("average age of bidet users", "what about air purifiers?"), ("연령대별 사용자 수", "식기세척기만"),
              ("가구원수별 평균 예산", "그럼 30대는?"), ("top 3 products", "only for people in their 50s"),
              ("식기세척기 사용자의 평균 나이", "그럼 매트리스는?"), ("매트리스 사용자 수", "그 중 1인 가구는?")]


def conversation_of_two(engine, pair):
    session = ChatSession()
    first = engine.ask(pair[0], session)
    second = engine.ask(pair[1], session)
    return first, second, session


def test_analytics_follow_ups_stay_in_their_own_conversation(engine):
    """Each thread's follow-up must build on its own first question, never on another thread's."""
    expected = {pair: [a.rows for a in conversation_of_two(engine, pair)[:2]] for pair in FOLLOW_UPS}
    pairs = [FOLLOW_UPS[i % len(FOLLOW_UPS)] for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda pair: (pair, *conversation_of_two(engine, pair)), pairs))
    for pair, first, second, session in results:
        assert [first.rows, second.rows] == expected[pair]
        assert [turn.question for turn in session.sql_history] == list(pair)
        assert first.sql != second.sql
