"""Every business term in db/glossary.toml runs: its condition through the guard on the real schema, and a
question using it through the rules backend, with the condition in the SQL and the trace naming the term."""
from __future__ import annotations

import json

import pytest

from db.glossary import load_glossary, parse_glossary
from engine.app import Engine
from engine.session import ChatSession
from plugins.prompting import sql_messages
from plugins.base import SqlRequest

ENTRIES = load_glossary()


@pytest.fixture(scope="module")
def engine(small_db, tmp_path_factory):
    from engine.settings import offline_settings

    state = tmp_path_factory.mktemp("state") / "state.db"
    return Engine(offline_settings(database_url=small_db, state_database_url=f"sqlite:///{state}"))


def test_the_glossary_names_the_issue_terms():
    assert {"VIP", "장기 회원", "고예산", "대가족"} <= {e.term for e in ENTRIES}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.term)
def test_every_entry_runs_and_the_rules_backend_applies_it(engine, entry):
    counted = engine.run_sql(f"SELECT COUNT(*) FROM customer WHERE {entry.condition}")
    assert counted.rows[0][0] > 0, "a term no customer meets is probably misdefined"
    for spelling in entry.spellings:
        language = "en" if spelling.isascii() else "ko"
        question = f"{spelling} 수" if language == "ko" else f"How many {spelling} are there?"
        answer = engine.ask(question, ChatSession(), "rules")
        assert f"({entry.condition})" in answer.sql and answer.rows[0][0] == counted.rows[0][0], question
        assert json.loads(answer.raw)["glossary"][0]["term"] == entry.term


def test_a_term_joins_other_filters_and_groupings(engine):
    answer = engine.ask("연령대별 VIP 정수기 사용자 수", ChatSession(), "rules")
    assert "prdtGrpCd = '정수기'" in answer.sql and "(score >= 90)" in answer.sql and "GROUP BY" in answer.sql


def test_the_terms_reach_the_llm_prompt():
    system, _ = sql_messages(SqlRequest("VIP 고객 수", "ko", "customer(...)", glossary=ENTRIES))
    for entry in ENTRIES:
        assert entry.term in system and entry.condition in system


def test_a_malformed_glossary_is_refused():
    from core.errors import BadInput

    with pytest.raises(BadInput):
        parse_glossary('[[term]]\nterm = "x"\n')
