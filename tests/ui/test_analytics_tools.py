"""What the analyst shapes around an answer, through the staff app's handlers: the chart switcher (and its choice
carried into follow-ups), refusals whose suggestions are one-click chips, an ambiguous question asked back with
choices, and the session's question history, each question one click from re-running."""
from __future__ import annotations

import gradio as gr
import pytest

from core.errors import CannotAnswer
from engine.app import Engine
from engine.session import ChatSession
from plugins.rules.sql.generator import AMBIGUOUS_CHOICES
from ui import analytics_handlers, analytics_tools, kb_handlers

BY_PRODUCT = "제품별 사용자수를 그래프로 보여줘"
BY_AGE = "연령대별 정수기 사용자 수 그래프"


@pytest.fixture
def engine(ui_settings):
    return Engine(ui_settings)


def visible(update) -> bool:
    return isinstance(update, dict) and update.get("visible") is True


def drawn(bar, line, pie) -> str | None:
    """Which of the three chart panels an update shows."""
    shown = [name for name, update in (("bar", bar), ("line", line), ("pie", pie)) if visible(update)]
    assert len(shown) <= 1
    return shown[0] if shown else None


def ask(engine, question, session=None, history=None):
    return analytics_handlers.analytics_turn(engine, question, history or [], session or ChatSession(), "rules")


# --- the chart switcher -------------------------------------------------------------------------
def test_each_answer_sets_the_switcher_to_what_it_shows(engine):
    view = ask(engine, BY_PRODUCT)
    assert view.chart_kind["value"] == "bar" and drawn(view.bar, view.line, view.pie) == "bar"
    assert view.result["columns"] == ["prdtCd", "users"] and len(view.result["rows"]) == 10
    assert ask(engine, "총 정수기 사용자 알려줘").chart_kind["value"] == "table"


@pytest.mark.parametrize("kind", ["pie", "line", "bar"])
def test_switching_redraws_the_result_on_show(engine, kind):
    view = ask(engine, BY_PRODUCT)
    bar, line, pie, spec, session, note, switcher = analytics_tools.switch_chart(kind, view.result, view.session)
    assert drawn(bar, line, pie) == kind and spec["type"] == kind and len(spec["data"]) == 10
    assert session.chart_kind == kind and view.session.chart_kind is None  # the shown session is not touched
    assert not visible(note) and switcher["value"] == kind


def test_table_hides_every_chart(engine):
    view = ask(engine, BY_PRODUCT)
    bar, line, pie, spec, session, _, _ = analytics_tools.switch_chart("table", view.result, view.session)
    assert drawn(bar, line, pie) is None and spec is None and session.chart_kind == "table"


def test_a_pie_that_cannot_be_read_is_drawn_another_way_and_says_why(engine):
    view = ask(engine, "제품군별 연령대별 사용자 수 그래프로")  # two groupings: a pie cannot show them
    bar, line, pie, spec, _, note, switcher = analytics_tools.switch_chart("pie", view.result, view.session)
    assert drawn(bar, line, pie) == spec["type"] != "pie" and switcher["value"] == spec["type"]
    assert "파이" in note["value"] and "pie" in note["value"]


def test_a_single_number_cannot_be_plotted_and_stays_a_table(engine):
    view = ask(engine, "총 정수기 사용자 알려줘")
    bar, line, pie, spec, _, note, switcher = analytics_tools.switch_chart("bar", view.result, view.session)
    assert drawn(bar, line, pie) is None and spec is None and switcher["value"] == "table"
    assert "table" in note["value"]


@pytest.mark.parametrize("kind", ["<script>", "doughnut", None, 3, ["pie"]])
def test_a_kind_the_switcher_does_not_offer_changes_nothing(engine, kind):
    view = ask(engine, BY_PRODUCT)
    bar, line, pie, spec, session, note, _ = analytics_tools.switch_chart(kind, view.result, view.session)
    assert all(update == gr.skip() for update in (bar, line, pie, spec, session)) and visible(note)


def test_with_no_result_on_show_the_switcher_says_so(engine):
    *panels, note, _ = analytics_tools.switch_chart("pie", None, ChatSession())
    assert all(update == gr.skip() for update in panels) and "ask a question first" in note["value"]


def test_the_choice_carries_into_follow_ups_and_not_into_a_new_question(engine):
    view = ask(engine, BY_AGE)
    assert drawn(view.bar, view.line, view.pie) == "line"
    *_, session, _, _ = analytics_tools.switch_chart("pie", view.result, view.session)
    follow_up = ask(engine, "그럼 공기청정기는?", session, view.history)
    assert follow_up.chart["type"] == "pie" and follow_up.chart_kind["value"] == "pie"
    assert "공기청정기" in follow_up.sql
    again = ask(engine, "그럼 비데는?", follow_up.session, follow_up.history)
    assert again.chart["type"] == "pie"
    fresh = ask(engine, "연령대별 비데 사용자 수 그래프", again.session, again.history)
    assert fresh.chart["type"] == "line" and fresh.session.chart_kind is None


def test_table_carries_too_and_a_follow_up_naming_a_chart_wins(engine):
    view = ask(engine, BY_AGE)
    *_, session, _, _ = analytics_tools.switch_chart("table", view.result, view.session)
    follow_up = ask(engine, "그럼 공기청정기는?", session, view.history)
    assert follow_up.chart is None and follow_up.chart_kind["value"] == "table" and follow_up.result["rows"]
    named = ask(engine, "그럼 비데는 막대 그래프로", follow_up.session, follow_up.history)
    assert named.chart["type"] == "bar"


def test_an_edited_sql_is_drawn_as_the_switcher_says(engine):
    sql = "SELECT prdtGrpCd, COUNT(*) AS users FROM customer GROUP BY prdtGrpCd"
    view = analytics_handlers.run_edited_sql(engine, sql, [], None, None, "pie")
    assert drawn(view.bar, view.line, view.pie) == "pie" and view.result["columns"] == ["prdtGrpCd", "users"]
    table_only = analytics_handlers.run_edited_sql(engine, sql, [], {"title": "x"}, None, "table")
    assert drawn(table_only.bar, table_only.line, table_only.pie) is None


# --- refusals with chips, and asking back --------------------------------------------------------
def test_a_declined_question_offers_its_suggestions_as_chips_that_answer(engine):
    view = ask(engine, "성격별 사용자 수")
    bubble = view.history[-1]
    with pytest.raises(CannotAnswer) as caught:
        engine.ask("성격별 사용자 수", ChatSession(), "rules")
    assert [o["value"] for o in bubble["options"]] == caught.value.suggestions
    assert bubble["content"] == caught.value.lead("ko") and "- " not in bubble["content"]
    chip = bubble["options"][0]["value"]
    answered = ask(engine, chip, view.session, view.history)
    assert answered.message == "" and answered.result["rows"]


def test_an_ambiguous_question_is_asked_back_and_each_choice_answers(engine):
    view = ask(engine, "가장 많은 건?")
    bubble = view.history[-1]
    assert [o["value"] for o in bubble["options"]] == list(AMBIGUOUS_CHOICES["ko"])
    assert "골라" in bubble["content"] and view.table == {"__type__": "update", "value": None, "visible": False}
    for option in bubble["options"]:
        answered = ask(engine, option["value"], view.session, view.history)
        assert len(answered.result["rows"]) == 1, option


def test_the_streamed_turn_offers_the_same_chips(engine):
    *_, last = analytics_handlers.analytics_stream(engine, "what is the most common?", [], ChatSession(), "rules")
    assert [o["value"] for o in last.history[-1]["options"]] == list(AMBIGUOUS_CHOICES["en"])


def test_a_refusal_without_suggestions_has_no_chips(engine):
    view = ask(engine, "")
    assert "options" not in view.history[-1]


# --- the session's question history --------------------------------------------------------------
def tracked(engine, question, memory, session=None):
    stream = analytics_handlers.analytics_stream(engine, question, [], session or ChatSession(), "rules")
    views = list(kb_handlers.track_turn(stream, question, memory, engine.settings.max_input_chars))
    return views[-1][-2]


def test_the_history_lists_questions_newest_first_and_once(engine):
    memory = kb_handlers.empty_memory()
    for question in ("총 정수기 사용자 알려줘", "성격별 사용자 수", "총 정수기 사용자 알려줘", BY_PRODUCT):
        memory = tracked(engine, question, memory)
    samples = analytics_tools.history_samples(memory)["samples"]
    assert samples == [[BY_PRODUCT], ["총 정수기 사용자 알려줘"], ["성격별 사용자 수"]]  # declined ones too
    assert analytics_tools.pick_question(0, memory) == BY_PRODUCT
    assert analytics_tools.pick_question(2, memory) == "성격별 사용자 수"


def test_empty_and_overlong_questions_are_not_kept(engine):
    memory = kb_handlers.empty_memory()
    for question in ("", "   ", "가" * (engine.settings.max_input_chars + 1), None, ["총 정수기 사용자"]):
        memory = tracked(engine, question, memory)
    assert memory["asked"] == [] and analytics_tools.history_samples(memory)["visible"] is False


def test_the_history_is_bounded(engine):
    memory = kb_handlers.empty_memory()
    for n in range(analytics_tools.MAX_HISTORY + 5):
        analytics_tools.remember_question(memory, f"질문 {n}")
    assert len(memory["asked"]) == analytics_tools.MAX_HISTORY and memory["asked"][-1] == "질문 34"


@pytest.mark.parametrize("index", [-1, 3, "0", True, None, 1.0])
def test_an_index_the_list_does_not_have_is_refused(index):
    memory = {**kb_handlers.empty_memory(), "asked": ["a", "b", "c"]}
    with pytest.raises(gr.Error):
        analytics_tools.pick_question(index, memory)


def test_clearing_the_chat_keeps_the_history(engine):
    memory = tracked(engine, BY_PRODUCT, kb_handlers.empty_memory())
    cleared = kb_handlers.cleared_memory(memory)
    assert cleared["current"] is None and cleared["answers"] == {} and cleared["asked"] == [BY_PRODUCT]
    assert kb_handlers.cleared_memory("junk") == kb_handlers.empty_memory()


def test_the_switchers_value_sent_with_a_follow_up_draws_it_even_if_the_session_missed_the_pick(engine):
    view = ask(engine, BY_AGE)  # drawn as a line; the session never heard of a pick
    stream = analytics_handlers.analytics_stream(engine, "그럼 공기청정기는?", view.history, view.session, "rules",
                                                 shown_as="pie")
    *_, last = stream
    assert last.chart["type"] == "pie" and last.session.chart_kind == "pie"


@pytest.mark.parametrize("shown_as", ["<img src=x>", "doughnut", 7, None])
def test_a_switcher_value_outside_the_four_kinds_is_ignored(engine, shown_as):
    view = ask(engine, BY_AGE)
    *_, last = analytics_handlers.analytics_stream(engine, "그럼 공기청정기는?", view.history, view.session, "rules",
                                                   shown_as=shown_as)
    assert last.chart["type"] == "line" and last.session.chart_kind is None


@pytest.mark.parametrize("kind", ["<script>", 5, ["pie"]])
def test_an_edited_sql_with_a_kind_the_switcher_does_not_offer_is_drawn_as_before(engine, kind):
    sql = "SELECT prdtGrpCd, COUNT(*) AS users FROM customer GROUP BY prdtGrpCd"
    view = analytics_handlers.run_edited_sql(engine, sql, [], {"title": "제품군별 사용자 수"}, None, kind)
    assert drawn(view.bar, view.line, view.pie) == "bar" and view.result["columns"] == ["prdtGrpCd", "users"]
