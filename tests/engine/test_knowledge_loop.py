"""The analysts' loop without a browser: a declined question is answered right after a pair is saved for it
(engine and CLI), in near-identical wording too; removing the pair brings the decline back; a hostile or
failing SQL is never stored; a thumbs-down with a corrected SQL becomes a pending pair."""
from __future__ import annotations

import io
import json

import pytest

from core.errors import CannotAnswer, PairRefused
from engine.app import Engine
from engine.cli import main
from engine.session import ChatSession

QUESTION = "우수 고객 중 매트리스 쓰는 사람 비율"
SQL = "SELECT ROUND(100.0 * SUM(prdtGrpCd = '매트리스') / COUNT(*), 1) AS mattressPct FROM customer WHERE score >= 90"
REWORDINGS = ["우수고객 중 매트리스 쓰는 사람 비율?", "매트리스 쓰는 사람 비율, 우수 고객 중", "우수 고객 중 매트리스를 쓰는 사람의 비율은"]
HOSTILE = ["DELETE FROM customer", "SELECT 1; DROP TABLE customer", "PRAGMA writable_schema = 1",
           "ATTACH DATABASE 'x.db' AS x", "SELECT load_extension('evil')"]
FAILING = ["SELECT nope FROM customer", "SELECT * FROM no_such_table", "not sql at all", ""]


@pytest.fixture
def engine(settings):
    return Engine(settings)


def ask(engine, question):
    return engine.ask(question, ChatSession(), "rules")


def test_a_declined_question_is_answered_at_once_after_a_pair_is_saved_and_declined_again_once_removed(engine):
    with pytest.raises(CannotAnswer):
        ask(engine, QUESTION)
    pair = engine.knowledge.save_pair(QUESTION, SQL, "alice")
    assert pair["status"] == "approved" and pair["saved_by"] == "alice" and pair["checked_rows"] == 1
    for question in [QUESTION, *REWORDINGS]:
        answer = ask(engine, question)
        raw = json.loads(answer.raw)
        assert answer.sql == SQL and raw["source"] == "saved_pair" and raw["pair_id"] == pair["id"], question
        assert any(e.source == "saved" and e.pair_id == pair["id"] for e in answer.examples)
    engine.knowledge.remove_pair(pair["id"], "alice")
    for question in [QUESTION, *REWORDINGS]:
        with pytest.raises(CannotAnswer):
            ask(engine, question)


def test_a_saved_pair_wins_over_the_parser_for_the_same_question_only(engine):
    parsed = ask(engine, "정수기 사용자 수")
    taught = "SELECT COUNT(*) AS users FROM customer WHERE prdtCd = '정수기1'"
    engine.knowledge.save_pair("정수기 사용자 수", taught, "alice")
    assert ask(engine, "정수기 사용자는 몇 명?").sql != taught  # other words: the parser's own reading
    assert ask(engine, "사용자 수 정수기").sql == taught
    assert ask(engine, "비데 사용자 수").sql != taught
    assert parsed.sql != taught


def test_saving_the_same_question_again_replaces_the_pair(engine):
    first = engine.knowledge.save_pair(QUESTION, SQL, "alice")
    second = engine.knowledge.save_pair(REWORDINGS[0], SQL.replace("90", "80"), "bob")
    assert second["replaced"] == first["id"]
    assert [p["sql"] for p in engine.knowledge.list_pairs()] == [SQL.replace("90", "80")]


@pytest.mark.parametrize("sql", HOSTILE + FAILING)
def test_a_hostile_or_failing_sql_is_never_saved(engine, sql):
    with pytest.raises(PairRefused) as refused:
        engine.knowledge.save_pair(QUESTION, sql, "alice")
    assert refused.value.exit_code == 2 and refused.value.detail
    assert engine.knowledge.list_pairs() == []
    assert engine.state.recent_audit(1)[0]["action"] == "kb_add"
    assert engine.state.recent_audit(1)[0]["outcome"] == "pair_refused"


def test_a_thumbs_down_with_a_corrected_sql_becomes_a_pending_pair_used_only_once_approved(engine):
    wrong = "SELECT COUNT(*) FROM customer"
    result = engine.knowledge.feedback(QUESTION, wrong, False, "alice", corrected_sql=SQL)
    pending = result["pair"]
    assert pending["status"] == "pending" and pending["source"] == "thumbs_down" and wrong in pending["answer_ref"]
    assert engine.knowledge.list_feedback()[0]["pair_id"] == pending["id"]
    with pytest.raises(CannotAnswer):  # pending: not used yet
        ask(engine, QUESTION)
    engine.knowledge.approve_pair(pending["id"], "bob")
    assert ask(engine, QUESTION).sql == SQL
    actions = [e["action"] for e in engine.state.recent_audit(5)]
    assert actions[:2] == ["kb_approve", "feedback_down"]


def test_a_thumbs_down_with_a_hostile_correction_stores_the_vote_but_no_pair(engine):
    result = engine.knowledge.feedback(QUESTION, "SELECT 1", False, "alice", corrected_sql="DELETE FROM customer")
    assert result["pair"] is None and isinstance(result["refused"], PairRefused)
    assert engine.knowledge.list_pairs() == [] and len(engine.knowledge.list_feedback()) == 1


def test_a_thumbs_up_or_an_unchanged_sql_makes_no_pair(engine):
    assert engine.knowledge.feedback(QUESTION, SQL, True, "alice", corrected_sql=SQL)["pair"] is None
    assert engine.knowledge.feedback(QUESTION, SQL, False, "alice", corrected_sql=SQL + ";")["pair"] is None
    assert engine.knowledge.list_pairs() == []


@pytest.fixture
def cli(monkeypatch, settings, capsys):
    monkeypatch.setenv("STATE_DATABASE_URL", settings.state_database_url)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)

    def run(*args):
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        code = main(list(args))
        out, _ = capsys.readouterr()
        return code, json.loads(out)

    return run


def test_the_cli_loop_add_answer_list_remove(cli, tmp_path):
    code, declined = cli("sql", "--backend", "rules", QUESTION)
    assert code == 2 and declined["code"] == "cannot_answer"
    code, added = cli("kb", "add", "--question", QUESTION, "--sql", SQL, "--by", "alice")
    assert code == 0 and added["pair"]["saved_by"] == "alice"
    for question in [QUESTION, REWORDINGS[0]]:
        code, answered = cli("sql", "--backend", "rules", question)
        assert code == 0 and answered["sql"] == SQL and json.loads(answered["raw"])["source"] == "saved_pair"
    code, listed = cli("kb", "list")
    assert [p["question"] for p in listed["pairs"]] == [QUESTION]
    code, exported = cli("export-kb", str(tmp_path / "kb"))
    assert code == 0 and exported["saved"] == 1
    document = tmp_path / "kb" / f"saved-{added['pair']['id']:04d}.txt"
    assert SQL in document.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "kb" / (document.name + ".metadata.json")).read_text())["metadataAttributes"]["source"] == "saved"
    code, removed = cli("kb", "remove", str(added["pair"]["id"]))
    assert code == 0 and removed["removed"] == added["pair"]["id"]
    assert cli("sql", "--backend", "rules", QUESTION)[0] == 2
    assert cli("kb", "list")[1] == {"pairs": []}


@pytest.mark.parametrize("sql", ["DELETE FROM customer", "SELECT nope FROM customer"])
def test_the_cli_refuses_a_hostile_or_failing_pair_with_exit_2(cli, sql):
    code, refused = cli("kb", "add", "--question", QUESTION, "--sql", sql)
    assert code == 2 and refused["code"] == "pair_refused" and refused["detail"]
    assert cli("kb", "list")[1] == {"pairs": []}


def test_the_cli_refuses_an_unknown_id(cli):
    code, refused = cli("kb", "remove", "999")
    assert code == 2 and refused["refused"]
    assert cli("kb", "remove", "abc")[0] == 2
