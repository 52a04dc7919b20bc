"""The UI handlers called directly: both chats, the panels, refusals, fallbacks, sessions and escaping."""
import csv
import json
import logging

import pandas as pd
import pytest

from engine.app import Engine
from core.paths import ROOT
from core.errors import ChatError, EmptyInput
from engine.session import ChatSession
from engine.settings import offline_settings
from ui import analytics_handlers, handlers, recommend_handlers, render
from ui.charts import chart_frame, pie_svg
from ui.render import literal, recommendation_message

KO_CUSTOMER = "35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요"
EN_CUSTOMER = "I'm 62, live with my wife in a 34-pyeong flat, budget about 40,000 won a month"


@pytest.fixture(scope="module")
def engine(small_db):
    return Engine(offline_settings(database_url=small_db))


def _is_skip(value) -> bool:
    return isinstance(value, dict) and value.get("__type__") == "update" and len(value) == 1


def _customer_count(engine) -> int:
    return engine.run_sql("SELECT COUNT(*) FROM customer").rows[0][0]


# --- recommendation -----------------------------------------------------------------------------
def test_recommend_turn_replies_with_fees_bars_and_fills_the_vector_panel(engine):
    view = recommend_handlers.recommend_turn(engine, KO_CUSTOMER, [], ChatSession(), "rules")
    assert [m["role"] for m in view.history] == ["user", "assistant"]
    reply = view.history[1]["content"]
    assert reply.count("▰") >= 3 and "월 " in reply and "원" in reply
    assert "정수기1" in reply or "정수기2" in reply or "정수기3" in reply
    assert view.message == ""
    for shown in ("age", "houseHold", "amt", "size", "score", "discRate", "추출", "기본값", "정수기", "rules", "ms"):
        assert shown in view.panel
    assert "<details" in view.panel and "rc-bar-fill" in view.panel
    assert view.session.carried["age"] == 35


def test_english_message_gets_an_english_reply_and_panel(engine):
    view = recommend_handlers.recommend_turn(engine, EN_CUSTOMER, [], ChatSession(), None)
    reply = view.history[-1]["content"]
    assert "KRW/month" in reply and "월" not in reply
    assert "extracted" in view.panel and "years" in view.panel


def test_out_of_range_value_is_marked_clamped_in_the_panel(engine):
    view = recommend_handlers.recommend_turn(engine, "150살이고 정수기 찾아요", [], ChatSession(), None)
    assert "범위 조정" in view.panel and "150" in view.panel


def test_sessions_are_isolated_and_carry_their_own_facts(engine):
    alice, bob = ChatSession(), ChatSession()
    first = recommend_handlers.recommend_turn(engine, "35살이고 4인 가족이에요", [], alice, None)
    recommend_handlers.recommend_turn(engine, "I'm 70 and live alone", [], bob, None)
    second = recommend_handlers.recommend_turn(engine, "30평이고 정수기 보고 있어요", first.history, alice, None)
    assert alice.carried["age"] == 35 and bob.carried["age"] == 70
    assert bob.carried["houseHold"] == 1
    assert "이전 대화" in second.panel  # age and household were carried from the first turn
    assert len(second.history) == 4


def test_empty_message_shows_a_bilingual_notice_and_changes_nothing(engine):
    session = ChatSession()
    view = recommend_handlers.recommend_turn(engine, "   ", [], session, None)
    assert view.history == [{"role": "assistant", "content": handlers.error_message(EmptyInput(), None)}]
    assert EmptyInput().message("ko") in view.history[0]["content"]
    assert EmptyInput().message("en").replace(".", "") in view.history[0]["content"].replace(".", "")
    assert _is_skip(view.message) and _is_skip(view.panel)
    assert session.carried == {} and session.carried_group is None


def test_message_html_is_escaped_everywhere(engine):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)> 35살 정수기'
    view = recommend_handlers.recommend_turn(engine, attack, [], ChatSession(), None)
    shown = json.dumps(view.history, ensure_ascii=False) + view.panel
    # the only images are the product cards' own pictures (data: URIs of the shipped SVGs)
    assert "<script>" not in shown and "<img src=x" not in shown
    reply = view.history[-1]["content"]
    assert reply.count("<img") == reply.count('<img class="rc-card-picture" src="data:image/svg+xml;base64,') == 3
    assert "&lt;script&gt;" in view.history[0]["content"]
    asked = analytics_handlers.analytics_turn(engine, "<b>총</b> 정수기 사용자 알려줘", [], ChatSession(), None)
    assert "<b>" not in asked.history[0]["content"] and "&lt;b&gt;" in asked.history[0]["content"]


SECRET = "sk-live-" + "5EC7E7"


class _BrokenEngine(Engine):
    """A real engine whose pipelines hit a bug carrying a secret in its message."""

    def recommend(self, text, session=None, backend=None):
        raise RuntimeError(f"token={SECRET}")

    def ask(self, question, session=None, backend=None):
        raise RuntimeError(f"token={SECRET}")


def test_unexpected_errors_show_the_generic_message_and_log_no_secret(small_db, caplog):
    broken = _BrokenEngine(offline_settings(database_url=small_db))
    with caplog.at_level(logging.ERROR):
        rec = recommend_handlers.recommend_turn(broken, "35살이에요", [], ChatSession(), None)
        ask = analytics_handlers.analytics_turn(broken, "How many customers?", [], ChatSession(), None)
    assert rec.history[-1]["content"] == literal(ChatError().message("ko"))
    assert ask.history[-1]["content"] == literal(ChatError().message("en"))
    assert "Traceback" not in rec.history[-1]["content"]
    assert "RuntimeError" in caplog.text and "test_handlers.py" in caplog.text and SECRET not in caplog.text
    text, trace = handlers.api_recommend(broken, "35살이에요")
    assert trace["code"] == "internal_error" and SECRET not in text + json.dumps(trace)


def test_clear_starts_a_fresh_session():
    history, message, session, panel = recommend_handlers.clear_recommend()
    assert history == [] and message == "" and session.carried == {} and "rc-panel" in panel


# --- analytics ----------------------------------------------------------------------------------
@pytest.fixture
def downloads():
    from ui.downloads import DownloadStore

    store = DownloadStore(ttl_seconds=3600)
    yield store
    store.close()


def csv_link_for(downloads, owner="session-a"):
    return lambda columns, rows: render.download_link(f"/staff/download/{downloads.save_csv(columns, rows, owner)}")


def fetched_csv(downloads, view, owner="session-a") -> list[list[str]]:
    token = view.csv["value"].split("/staff/download/")[1].split('"')[0]
    with open(downloads.fetch(token, owner), encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_analytics_turn_answers_with_sql_table_csv_and_examples(engine, downloads):
    view = analytics_handlers.analytics_turn(engine, "총 정수기 사용자 알려줘", [], ChatSession(), None,
                                   csv_link_for(downloads))
    assert view.history[0]["content"] == literal("총 정수기 사용자 알려줘")
    assert view.sql.lstrip().upper().startswith(("SELECT", "WITH"))
    table = view.table["value"]
    assert view.table["visible"] and isinstance(table, pd.DataFrame) and len(table) >= 1
    total = int(table.iloc[0, -1])
    expected = engine.run_sql("SELECT COUNT(*) FROM customer WHERE prdtGrpCd = '정수기'").rows[0][0]
    assert total == expected and f"{expected:,}" in view.history[-1]["content"]
    assert fetched_csv(downloads, view)[1][-1] == str(expected)
    assert "<li>" in view.examples and view.examples.count("<li>") >= 1
    assert not view.bar["visible"] and not view.line["visible"] and not view.pie["visible"]
    assert view.session.sql_history[-1].sql == view.sql


def test_chart_request_draws_a_native_plot_and_sql_request_shows_a_code_block(engine):
    view = analytics_handlers.analytics_turn(engine, "연령대별 식기세척기 사용자수를 그래프로 보여주고 쿼리도 보여줘", [],
                                   ChatSession(), None)
    shown = [update for update in (view.bar, view.line) if update.get("visible")]
    assert len(shown) == 1 and isinstance(shown[0]["value"], pd.DataFrame)
    frame = shown[0]["value"]
    assert list(frame.columns[:2]) == [view.chart["x"], view.chart["y"]] and len(frame) >= 3
    reply = view.history[-1]["content"]
    assert "```sql\n" in reply and view.sql.strip() in reply


def test_products_chart_matches_the_table(engine):
    view = analytics_handlers.analytics_turn(engine, "제품별 사용자수를 그래프로 보여줘", [], ChatSession(), None)
    visible = [u for u in (view.bar, view.line, view.pie) if u.get("visible")]
    assert len(visible) == 1
    assert view.chart is not None and len(view.chart["data"]) == len(view.table["value"])


def test_edited_drop_is_refused_as_a_chat_message_and_changes_nothing(engine):
    before = _customer_count(engine)
    history = [{"role": "user", "content": "총 정수기 사용자 알려줘"}]
    view = analytics_handlers.run_edited_sql(engine, "DROP TABLE customer", history, None)
    assert view.history[-1]["role"] == "assistant"
    refusal = view.history[-1]["content"]
    assert "실행할 수 없어요" in refusal and "SELECT" in refusal
    assert "DROP TABLE customer" in view.history[-2]["content"]
    assert all(_is_skip(v) for v in (view.table, view.csv, view.bar, view.line, view.pie))
    assert _customer_count(engine) == before


def test_edited_select_updates_the_table_and_redraws_the_chart(engine):
    asked = analytics_handlers.analytics_turn(engine, "제품별 사용자수를 그래프로 보여줘", [], ChatSession(), None)
    edited = asked.sql.rstrip().rstrip(";") + " LIMIT 3"
    view = analytics_handlers.run_edited_sql(engine, edited, asked.history, asked.chart)
    assert len(view.table["value"]) == 3
    visible = [u for u in (view.bar, view.line, view.pie) if u.get("visible")]
    assert len(visible) == 1 and len(visible[0]["value"]) == 3


def test_rerunning_a_band_query_keeps_the_labels_people_read(engine):
    asked = analytics_handlers.analytics_turn(engine, "연령대별 사용자 수 그래프", [], ChatSession(), None)
    view = analytics_handlers.run_edited_sql(engine, asked.sql, asked.history, asked.chart)
    before = [u for u in (asked.bar, asked.line) if u.get("visible")][0]["value"]
    after = [u for u in (view.bar, view.line) if u.get("visible")][0]["value"]
    assert list(after.iloc[:, 0]) == list(before.iloc[:, 0]) and str(after.iloc[0, 0]).endswith("대")


def test_empty_edited_sql_says_the_sql_box_is_empty(engine):
    view = analytics_handlers.run_edited_sql(engine, "  ", [], None)
    assert "SQL 문이 없어요" in view.history[-1]["content"] and "no SQL statement" in view.history[-1]["content"]
    assert all(_is_skip(v) for v in (view.table, view.csv))


def test_a_refused_question_clears_the_old_result_and_shows_what_was_refused(engine, monkeypatch):
    session = ChatSession()
    first = analytics_handlers.analytics_turn(engine, "제품별 사용자수를 그래프로 보여줘", [], session, None)
    assert first.table["visible"]
    refused = analytics_handlers.analytics_turn(engine, "오늘 날씨 어때?", first.history, session, None)
    assert not refused.table["visible"] and not refused.csv["visible"]
    assert not any(u.get("visible") for u in (refused.bar, refused.line, refused.pie))
    assert refused.sql == "" and refused.chart is None


def test_edited_averages_read_rounded_while_the_csv_keeps_every_digit(engine, downloads):
    view = analytics_handlers.run_edited_sql(engine, "SELECT prdtGrpCd, AVG(age) AS avgAge FROM customer GROUP BY prdtGrpCd",
                                   [], None, csv_link_for(downloads))
    assert all(round(v, 2) == v for v in view.table["value"]["avgAge"])
    digits = [row[1] for row in fetched_csv(downloads, view)[1:]]
    assert any(len(d.split(".")[-1]) > 2 for d in digits)


# --- backends -----------------------------------------------------------------------------------
def test_unconfigured_bedrock_flow_shows_the_fallback_banner_and_still_answers(small_db):
    engine = Engine(offline_settings(vectorizer="bedrock-flow", database_url=small_db))
    banner = handlers.backend_banner(engine, "bedrock-flow", "rules")
    assert banner["visible"] and "BEDROCK_FLOW_ID" in banner["value"] and "rules" in banner["value"]
    assert "오프라인" in banner["value"] and "offline" in banner["value"]
    view = recommend_handlers.recommend_turn(engine, KO_CUSTOMER, [], ChatSession(), "bedrock-flow")
    assert "rules" in view.panel and "bedrock-flow" in view.panel


def test_ready_backends_hide_the_banner(engine):
    banner = handlers.backend_banner(engine, "rules", "rules")
    assert banner["visible"] is False and banner["value"] == ""


def test_api_handlers_return_reply_and_trace(engine):
    reply, trace = handlers.api_recommend(engine, KO_CUSTOMER)
    assert len(trace["top"]) == 3 and trace["top"][0]["name"] in reply and trace["sources"]["age"] == "extracted"
    answer, sql_trace = handlers.api_analytics(engine, "총 정수기 사용자 알려줘")
    assert sql_trace["sql"] and sql_trace["rows"] and answer == sql_trace["answer"]
    refused, error = handlers.api_analytics(engine, "")
    assert error["code"] == "empty_input" and refused


# --- rendering ----------------------------------------------------------------------------------
def test_literal_neutralises_html_and_markdown():
    shown = literal("<a href=x>[link](javascript:alert(1)) ![img](http://e/x.png) *b*")
    assert "<" not in shown and "](" not in shown and "*b*" not in shown


def test_probability_bars_follow_the_numbers():
    reply = "추천드려요:\n1. A (a) — 월 1원 · 적합도 70%\n2. B (b) — 월 2원 · 적합도 20%\n말씀하신 정보: 나이 35세."
    message = recommendation_message(reply, [{"probability": 0.7}, {"probability": 0.2}])
    lines = message.splitlines()
    assert lines[2].endswith("▰" * 7 + "▱" * 3) and lines[3].endswith("▰" * 2 + "▱" * 8)
    assert lines[1] == "" and lines[4] == ""  # the list stands apart from the sentences around it


def test_pie_svg_escapes_labels_and_sums_to_the_whole():
    spec = {"type": "pie", "x": "g", "y": "n", "title": "<b>t</b>",
            "data": [{"g": "<i>a</i>", "n": 3}, {"g": "b", "n": 1}]}
    svg = pie_svg(spec)
    assert "<i>" not in svg and "<b>" not in svg and "75.0%" in svg and "25.0%" in svg
    assert chart_frame(spec)["n"].sum() == 4


def test_model_view_reads_metadata_or_explains_it_is_missing(tmp_path):
    card, history, confusion = handlers.model_view(tmp_path / "recommender.keras")
    assert "engine train" in card and history["visible"] is False and confusion["visible"] is False
    metadata = {"val_accuracy": 0.61, "bayes_accuracy": 0.64, "top3_accuracy": 0.93, "epochs_run": 40,
                "best_epoch": 33, "data": {"rows": 70000}, "split": {"train": 56000, "validation": 14000}}
    (tmp_path / "recommender.json").write_text(json.dumps(metadata), encoding="utf-8")
    (tmp_path / "training_history.png").write_bytes(b"\x89PNG")
    card, history, _ = handlers.model_view(tmp_path / "recommender.keras")
    assert "61.0%" in card and "64.0%" in card and "93.0%" in card and "95.3%" in card and "70,000" in card
    assert history["visible"] is True


def test_building_the_server_does_not_import_tensorflow(small_db):
    import subprocess
    import sys

    code = ("import sys; from engine.app import Engine; from engine.settings import offline_settings; "
            "from ui.server import build_server; "
            f"build_server(Engine(offline_settings(database_url={small_db!r}, "
            "state_database_url='sqlite:///' + __import__('tempfile').mkdtemp() + '/s.db')), open_access=True); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"GRADIO_ANALYTICS_ENABLED": "False", "PATH": "/usr/bin:/bin"}, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr[-2000:]


def test_pie_legend_never_shows_a_percentage_as_a_count():
    from ui.charts import pie_svg

    spec = {"type": "pie", "x": "prdtGrpCd", "y": "sharePct", "title": "비중",
            "data": [{"prdtGrpCd": "정수기", "sharePct": 35.4}, {"prdtGrpCd": "비데", "sharePct": 64.6}]}
    svg = pie_svg(spec)
    assert "35.4%" in svg and "35 ·" not in svg
    counts = {**spec, "y": "users", "data": [{"prdtGrpCd": "정수기", "users": 24770}, {"prdtGrpCd": "비데", "users": 45230}]}
    assert "24,770 · 35.4%" in pie_svg(counts)


def test_csv_downloads_are_private_to_their_owner_and_deleted_after_their_lifetime():
    from ui.downloads import DownloadStore

    clock = [1000.0]
    store = DownloadStore(ttl_seconds=3600, clock=lambda: clock[0])
    try:
        first = store.save_csv(["a"], [[1]], owner="alice-session")
        path = store.fetch(first, "alice-session")
        assert path is not None and path.stat().st_mode & 0o077 == 0
        assert store.fetch(first, "bob-session") is None and store.fetch("guessed", "alice-session") is None
        clock[0] += 3601
        second = store.save_csv(["a"], [[2]], owner="alice-session")
        assert not path.exists() and store.fetch(first, "alice-session") is None
        assert store.fetch(second, "alice-session") is not None
    finally:
        store.close()
    assert not store.folder.exists()


def test_model_tab_survives_metadata_that_is_not_an_object(tmp_path):
    (tmp_path / "recommender.json").write_text("[1, 2, 3]", encoding="utf-8")
    card, history, confusion = handlers.model_view(tmp_path / "recommender.keras")
    assert isinstance(card, str) and card
    assert history["visible"] is False and confusion["visible"] is False


def test_every_pie_slice_the_engine_allows_has_its_own_colour():
    from engine.charts import MAX_PIE_SLICES
    from ui.charts import PIE_COLOURS

    assert len(set(PIE_COLOURS)) >= MAX_PIE_SLICES


@pytest.mark.parametrize("payload", [["SELECT 1"], {"sql": "SELECT 1"}, 42, None, b"SELECT 1"])
def test_edited_sql_of_the_wrong_type_is_refused_cleanly(engine, payload, caplog):
    view = analytics_handlers.run_edited_sql(engine, payload, "not a history", ["not", "a", "chart"])
    assert "SQL" in view.history[-1]["content"]  # the guard's own "there is no SQL statement"
    assert "TypeError" not in caplog.text and "unexpected error" not in caplog.text


@pytest.mark.parametrize("message, history", [(["35살"], []), ({"text": "x"}, None), (7, {"role": "user"})])
def test_chat_handlers_turn_malformed_payloads_into_a_clean_refusal(engine, message, history, caplog):
    for view in (recommend_handlers.recommend_turn(engine, message, history, ChatSession()),
                 analytics_handlers.analytics_turn(engine, message, history, ChatSession())):
        assert view.history[-1]["role"] == "assistant" and view.history[-1]["content"]
    assert "unexpected error" not in caplog.text


def test_a_doubtful_fact_is_flagged_in_the_vector_panel_not_shown_as_unmentioned(engine):
    view = recommend_handlers.recommend_turn(engine, "I'm 20 and 80, family of 4", [], ChatSession())
    assert "needs checking" in view.panel and "20, 80" in view.panel
