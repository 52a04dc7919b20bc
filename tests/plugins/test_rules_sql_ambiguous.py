"""A bare superlative ("가장 많은 건?") has several readings: the analyst gets them back to pick from, never a guess.
A question that says what it ranks, or follows one that did, is answered as before."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.errors import AmbiguousQuestion
from core.paths import ROOT
from engine.app import Engine
from engine.session import ChatSession
from plugins.rules.sql.generator import AMBIGUOUS_CHOICES

BARE = ["가장 많은 건?", "제일 많은 게 뭐야?", "가장 많은 건 뭐야", "what is the most common?", "which has the most?"]


@pytest.fixture
def engine(settings):
    return Engine(settings)


@pytest.mark.parametrize("question", BARE)
def test_a_bare_superlative_is_asked_back_with_choices_and_runs_nothing(engine, question, monkeypatch):
    ran = []
    monkeypatch.setattr(engine.database, "run", lambda sql: ran.append(sql))
    with pytest.raises(AmbiguousQuestion) as caught:
        engine.ask(question, ChatSession())
    lang = "ko" if any("가" <= ch <= "힣" for ch in question) else "en"
    assert caught.value.suggestions == list(AMBIGUOUS_CHOICES[lang])
    assert caught.value.to_json(lang)["code"] == "ambiguous_question"
    assert caught.value.lead(lang) in caught.value.message(lang)
    assert ran == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_choice_offered_is_answered_with_one_ranked_row(engine, lang):
    for choice in AMBIGUOUS_CHOICES[lang]:
        answer = engine.ask(choice, ChatSession())
        assert "ORDER BY" in answer.sql and answer.sql.endswith("LIMIT 1"), choice
        assert len(answer.rows) == 1 and len(answer.columns) == 2, choice


@pytest.mark.parametrize("question", ["가장 많이 쓰는 건?", "most popular?", "40대가 가장 많은 건?",
                                      "사용자 수가 가장 많은 제품군은?"])
def test_a_superlative_that_says_what_it_ranks_is_still_answered(engine, question):
    answer = engine.ask(question, ChatSession())
    assert answer.rows and "LIMIT 1" in answer.sql


def test_after_a_grouped_question_the_bare_superlative_ranks_that_grouping(engine):
    session = ChatSession()
    engine.ask("연령대별 사용자 수", session)
    answer = engine.ask("가장 많은 건?", session)
    assert answer.columns == ["ageBand", "users"] and len(answer.rows) == 1


def test_after_an_ungrouped_question_it_is_still_asked_back(engine):
    session = ChatSession()
    engine.ask("총 정수기 사용자 알려줘", session)
    with pytest.raises(AmbiguousQuestion):
        engine.ask("가장 많은 건?", session)


def test_the_command_line_exits_2_with_the_choices(settings, tmp_path):
    env = {"DATABASE_URL": settings.database_url, "STATE_DATABASE_URL": settings.state_database_url,
           "SQL_GENERATOR": "rules", "VECTORIZER": "rules", "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1",
           "TF_CPP_MIN_LOG_LEVEL": "2", "GRADIO_ANALYTICS_ENABLED": "False", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "engine", "sql", "--backend", "rules", "가장 많은 건?"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    reply = json.loads(done.stdout)
    assert reply["code"] == "ambiguous_question" and reply["suggestions"] == list(AMBIGUOUS_CHOICES["ko"])
