"""The analysts' loop through the staff app's handlers: "Save as example" after an edited SQL teaches a declined
question at once (and its near-identical wording), a thumbs-down with the corrected SQL in the box becomes a
pending pair, the review page approves and deletes, and a caller without sign-in is refused."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from core.errors import CannotAnswer
from engine.app import Engine
from engine.session import ChatSession
from ui import analytics_handlers, kb_handlers, staff_kb
from ui.staff_app import StaffContext

QUESTION = "우수 고객 중 매트리스 쓰는 사람 비율"
SQL = "SELECT ROUND(100.0 * SUM(prdtGrpCd = '매트리스') / COUNT(*), 1) AS mattressPct FROM customer WHERE score >= 90"


@pytest.fixture
def engine(ui_settings):
    return Engine(ui_settings)


def turn(engine, question, history=None, session=None, memory=None):
    """One streamed analytics turn as the staff app runs it: (last view, memory after it)."""
    views = list(kb_handlers.track_turn(analytics_handlers.analytics_stream(engine, question, history or [], session or ChatSession(),
                                                                  "rules"), question, memory or kb_handlers.empty_memory()))
    return analytics_handlers.AnalyticsView(*views[-2][:-2]), views[-1][-2]


def note_text(update) -> str:
    return update["value"]


def test_save_as_example_after_an_edited_sql_answers_the_declined_question_at_once(engine):
    view, memory = turn(engine, QUESTION)
    assert "답할 수 없어요" in view.history[-1]["content"] and memory["current"]["sql"] is None
    edited = analytics_handlers.run_edited_sql(engine, SQL, view.history, None)
    assert memory["current"] == {"question": QUESTION, "sql": None, "index": None, "edited": False}
    assert kb_handlers.edited_sql(analytics_handlers.run_edited_sql(engine, "DELETE FROM customer", view.history, None),
                                  "DELETE FROM customer") == {"__type__": "update"}  # refused: nothing to save
    note = kb_handlers.save_example(engine.knowledge, "alice", memory, kb_handlers.edited_sql(edited, SQL))
    assert "#1" in note_text(note)
    [pair] = engine.knowledge.list_pairs()
    assert pair["saved_by"] == "alice" and "edited and re-run" in pair["answer_ref"]
    for question in (QUESTION, "우수고객 중 매트리스를 쓰는 사람의 비율은?"):
        view, memory = turn(engine, question)
        assert view.sql == SQL and json.loads(engine.ask(question, ChatSession(), "rules").raw)["source"] == "saved_pair"
        assert memory["answers"][len(view.history) - 1]["sql"] == SQL
    assert kb_handlers.delete_pair(engine.knowledge, "alice", pair["id"])
    with pytest.raises(CannotAnswer):
        engine.ask(QUESTION, ChatSession(), "rules")


def test_save_as_example_refuses_a_hostile_sql_and_stores_nothing(engine):
    memory = {"current": {"question": QUESTION, "sql": "DELETE FROM customer", "index": 1, "edited": True}, "answers": {}}
    note = kb_handlers.save_example(engine.knowledge, "alice", memory)
    assert "rc-error" in note_text(note) and engine.knowledge.list_pairs() == []
    assert "rc-error" in note_text(kb_handlers.save_example(engine.knowledge, "alice", kb_handlers.empty_memory()))


def test_a_thumbs_down_with_the_corrected_sql_in_the_box_becomes_a_pending_pair(engine):
    view, memory = turn(engine, "정수기 사용자 수")
    index = len(view.history) - 1
    corrected = "SELECT COUNT(*) AS users FROM customer WHERE prdtGrpCd = '정수기' AND score >= 90"
    note = kb_handlers.like(engine.knowledge, "alice", index, False, memory, corrected)
    [pending] = engine.knowledge.list_pairs("pending")
    assert f"#{pending['id']}" in note_text(note) and pending["sql"] == corrected and pending["source"] == "thumbs_down"
    [vote] = engine.knowledge.list_feedback()
    assert vote["sql"] == view.sql and vote["corrected_sql"] == corrected and vote["pair_id"] == pending["id"]
    assert engine.ask("정수기 사용자 수", ChatSession(), "rules").sql != corrected  # pending: not used yet
    kb_handlers.approve_pair(engine.knowledge, "bob", pending["id"])
    assert engine.ask("정수기 사용자 수", ChatSession(), "rules").sql == corrected
    pairs, feedback = kb_handlers.review_tables(engine.knowledge, "정수기", "approved")
    assert list(pairs["id"]) == [pending["id"]] and list(feedback["pair_id"]) == [pending["id"]]
    audit = [(e["staff"], e["action"]) for e in engine.state.recent_audit(3)]
    assert audit[:2] == [("bob", "kb_approve"), ("alice", "feedback_down")]


def test_a_thumbs_up_or_a_vote_on_a_message_that_is_no_answer(engine):
    view, memory = turn(engine, "정수기 사용자 수")
    assert "rc-muted" in note_text(kb_handlers.like(engine.knowledge, "alice", len(view.history) - 1, True, memory, view.sql))
    assert "rc-error" in note_text(kb_handlers.like(engine.knowledge, "alice", 0, False, memory, "SELECT 1"))
    assert engine.knowledge.list_pairs() == [] and engine.knowledge.list_feedback() == []


def test_the_review_page_opens_edits_reruns_and_refuses_a_failing_edit(engine):
    pair = engine.knowledge.save_pair(QUESTION, SQL, "alice")
    ident, question, sql, _ = kb_handlers.open_pair(engine.knowledge, pair["id"])
    assert (ident, question, sql) == (pair["id"], QUESTION, SQL)
    assert "rc-error" in note_text(kb_handlers.edit_pair(engine.knowledge, "bob", pair["id"], QUESTION, "SELECT nope FROM customer"))
    assert engine.knowledge.get_pair(pair["id"])["sql"] == SQL
    kb_handlers.edit_pair(engine.knowledge, "bob", pair["id"], QUESTION, SQL.replace("90", "80"))
    table, note = kb_handlers.rerun_pair(engine.knowledge, "bob", pair["id"])
    assert table["visible"] and "1" in note_text(note)
    assert "rc-error" in note_text(kb_handlers.open_pair(engine.knowledge, "not a number")[3])


def test_every_loop_handler_refuses_a_caller_without_sign_in(engine):
    context = StaffContext(engine, None, None, None)
    nobody = SimpleNamespace(username=None)
    for fn, args in ((kb_handlers.save_example, [{"current": {"question": QUESTION, "sql": SQL}}, None]),
                     (kb_handlers.approve_pair, [1]), (kb_handlers.delete_pair, [1])):
        note = staff_kb._guarded(context, fn, 1)(*args, request=nobody)
        assert "rc-error" in note_text(note)
    assert engine.knowledge.list_pairs() == []


def test_a_term_proposed_from_the_ui_takes_effect_once_approved(engine):
    question = "신혼 고객 수"
    with pytest.raises(CannotAnswer):
        engine.ask(question, ChatSession(), "rules")
    note = kb_handlers.propose_term(engine.knowledge, "alice", "신혼", "houseHold = 2 AND age < 35", "newlyweds", "2인 가구, 35세 미만")
    [term] = engine.knowledge.store.list_terms()
    assert f"#{term['id']}" in note_text(note) and term["status"] == "pending"
    with pytest.raises(CannotAnswer):  # pending: not used yet
        engine.ask(question, ChatSession(), "rules")
    kb_handlers.approve_term(engine.knowledge, "bob", term["id"])
    answer = engine.ask(question, ChatSession(), "rules")
    assert "(houseHold = 2 AND age < 35)" in answer.sql and answer.rows[0][0] > 0
    table = kb_handlers.glossary_table(engine.knowledge)
    assert "VIP" in list(table["term"]) and "신혼" in list(table["term"])
    kb_handlers.delete_term(engine.knowledge, "bob", term["id"])
    with pytest.raises(CannotAnswer):
        engine.ask(question, ChatSession(), "rules")


@pytest.mark.parametrize("condition", ["1=1; DROP TABLE customer", "nope > 1", "", "score >= 90) OR (1=1"])
def test_a_hostile_or_failing_term_condition_is_refused(engine, condition):
    note = kb_handlers.propose_term(engine.knowledge, "alice", "x", condition, "", "")
    assert "rc-error" in note_text(note) and engine.knowledge.store.list_terms() == []
