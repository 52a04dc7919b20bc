"""The analytics chat's handlers: one employee question to the answer, and the SQL, examples, table, CSV and
chart panels, at once or as it happens; and the SQL box's edited statement run through the same guard."""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import gradio as gr
import pandas as pd

from core.errors import CannotAnswer, TurnStopped
from engine.answers import append_sql, sql_block
from engine.charts import CHART_KINDS, choose_chart
from engine.session import ChatSession
from ui import render
from ui.analytics_tools import kind_shown, shown_result
from ui.charts import chart_updates
from ui.handlers import (assistant, chat_history, error_message, hidden, reply_language, shown, turn_start,
                         stream_start, user_bubble, with_messages)
from ui.labels import both, text
from ui.turns import Steps, run_turn


class AnalyticsView(NamedTuple):
    history: list[dict]
    message: Any
    session: Any
    sql: Any
    examples: Any
    table: Any
    csv: Any
    bar: Any
    line: Any
    pie: Any
    chart: Any  # the chart spec, kept so an edited query can redraw it
    result: Any = None  # the result on show (ui.analytics_tools.shown_result), what the chart switcher redraws
    chart_kind: Any = None  # the switcher's value: the shown chart's type, or "table"
    stop: Any = None


class EditedSqlView(NamedTuple):
    history: list[dict]
    table: Any
    csv: Any
    bar: Any
    line: Any
    pie: Any
    result: Any = None


CsvLink = Callable[[list, list], str]  # (columns, rows) -> the HTML of a link only this session can fetch


def _result_outputs(columns: list[str], rows: list[list], csv_link: CsvLink | None) -> tuple[Any, Any]:
    """The table rounds for reading (46.3, not 46.31768463846675); the CSV keeps every digit. The CSV is
    never a Gradio file: those land in a cache any caller holding the URL can read."""
    table = pd.DataFrame([list(row) for row in rows], columns=list(columns)).round(2)
    link = gr.update(value=csv_link(columns, rows), visible=True) if csv_link else gr.update(value="", visible=False)
    return gr.update(value=table, visible=True), link


def answer_message(answer, lang: str) -> str:
    """The prose escaped as text; the SQL, when asked for, as the engine's backtick-safe code block."""
    prose = render.literal(answer.prose or answer.answer)
    return append_sql(prose, answer.sql, lang) if answer.show_sql else prose


def _rows_note(count: int, truncated: bool, lang: str) -> str:
    note = text("rows_returned", lang).format(rows=f"{count:,}")
    return note + (" " + text("rows_truncated", lang).format(rows=f"{count:,}") if truncated else "")


def refusal_bubble(exc: Exception, lang: str | None) -> dict:
    """The refusal; the questions it suggests, or the readings of an ambiguous one, are one-click chips under it
    rather than a list to retype."""
    if not isinstance(exc, CannotAnswer) or not exc.suggestions:
        return assistant(error_message(exc, lang))
    lead = (render.literal(exc.lead(lang)) if lang
            else f"{render.literal(exc.lead('ko'))}\n\n{render.literal(exc.lead('en'))}")
    bubble = assistant(lead)
    bubble["options"] = [{"label": choice, "value": choice} for choice in exc.suggestions]
    return bubble


def analytics_turn(engine, message: str, history: list[dict], session: ChatSession | None,
                   backend: str | None = None, csv_link: CsvLink | None = None) -> AnalyticsView:
    """One employee question -> the answer in the chat, and the SQL, examples, table, CSV and chart panels."""
    message, history, session, lang = turn_start(message, history, session)
    try:
        answer = engine.ask(message, session, backend)
    except Exception as exc:
        chat = with_messages(history, *user_bubble(message), refusal_bubble(exc, lang))
        # The panels show what this question produced: the refused statement if there was one, and no
        # table or chart left over from an earlier answer.
        gone = gr.update(visible=False)
        return AnalyticsView(chat, gr.skip(), session, getattr(exc, "sql", None) or "", gr.skip(),
                             gr.update(value=None, visible=False), gr.update(value=None, visible=False),
                             gone, gone, gone, None, None, gr.update(value=None))
    reply = answer_message(answer, answer.language)
    chat = with_messages(history, *user_bubble(message), assistant(reply))
    table, csv_file = _result_outputs(answer.columns, answer.rows, csv_link)
    bar, line, pie = chart_updates(answer.chart)
    return AnalyticsView(chat, "", session, answer.sql, render.examples_panel(answer.examples), table, csv_file,
                         bar, line, pie, answer.chart, shown_result(answer.question, answer.columns, answer.rows),
                         kind_shown(answer.chart))


def analytics_stream(engine, message: str, history: list[dict], session: ChatSession | None,
                     backend: str | None = None, stop_key: object = None,
                     csv_link: CsvLink | None = None, shown_as: str | None = None) -> Iterator[AnalyticsView]:
    """analytics_turn as it happens: the question and a "writing SQL" bubble at once; the examples, the SQL, and
    the table and chart as each is known; an answer an LLM writes grows in its bubble as it is written.

    `shown_as` is the chart switcher's value as the page sends it with the question: what a follow-up is drawn
    as. It travels with the question, so a pick made a moment before asking cannot be lost to another event."""
    message, history, session, lang, valid = stream_start(engine, message, history, session)
    if not valid:
        yield analytics_turn(engine, message, history, session, backend, csv_link)._replace(stop=hidden())
        return
    user = user_bubble(message)
    steps = Steps(lang, "write_sql")
    skip = gr.skip()
    cleared = gr.update(value=None, visible=False)
    # The first update carries only the chat (the change a person is waiting for); the panels are emptied
    # a moment later with the examples, so a table left over from the last question never passes for this one's.
    yield AnalyticsView(with_messages(history, *user, steps.message()), "", skip, skip, skip, skip, skip,
                        skip, skip, skip, skip, skip, skip, shown())
    work = copy.deepcopy(session)
    if shown_as in CHART_KINDS:
        work.chart_kind = shown_as
    result, answer_lang = None, lang or "en"
    for step, data in run_turn(lambda progress: engine.ask(message, work, backend, progress), stop_key):
        if step == "examples":
            yield _analytics_update(history, user, steps, examples=render.examples_panel(data["examples"]), sql="",
                                    table=cleared, csv=cleared, bar=hidden(), line=hidden(), pie=hidden())
        elif step == "sql":
            steps.advance("run_sql")
            yield _analytics_update(history, user, steps, sql=data["sql"])
        elif step == "rows":
            steps.advance("write_answer")
            table, csv_file = _result_outputs(data["columns"], data["rows"], csv_link)
            bar, line, pie = chart_updates(data["chart"])
            yield _analytics_update(history, user, steps, table=table, csv=csv_file, bar=bar, line=line, pie=pie,
                                    chart=data["chart"])
        elif step == "answer":
            yield _analytics_update(history, user, steps, assistant(render.literal(data["text"])))
        elif step == "error":
            exc = data["error"]
            steps.end("steps_stopped" if isinstance(exc, TurnStopped) else "steps_failed")
            chat = with_messages(history, *user, steps.message(), refusal_bubble(exc, lang))
            gone = hidden()
            yield AnalyticsView(chat, message, session, getattr(exc, "sql", None) or "", skip, cleared, cleared,
                                gone, gone, gone, None, None, gr.skip(), gone)
            return
        elif step == "done":
            result = data["result"]
            answer_lang = result.language
    steps.end()
    chat = with_messages(history, *user, steps.message(), assistant(answer_message(result, answer_lang)))
    table, csv_file = _result_outputs(result.columns, result.rows, csv_link)
    bar, line, pie = chart_updates(result.chart)
    yield AnalyticsView(chat, "", work, result.sql, render.examples_panel(result.examples), table, csv_file,
                        bar, line, pie, result.chart, shown_result(result.question, result.columns, result.rows),
                        kind_shown(result.chart), hidden())


def analytics_refused(history, session, exc: Exception) -> AnalyticsView:
    """A turn refused before it started (a caller who is not signed in): a message, and nothing else changes."""
    skip = gr.skip()
    chat = with_messages(chat_history(history), assistant(error_message(exc, reply_language(None, chat_history(history)))))
    return AnalyticsView(chat, skip, session, skip, skip, skip, skip, skip, skip, skip, skip, skip, skip, hidden())


def _analytics_update(history, user, steps: Steps, *answer: dict, **panels) -> AnalyticsView:
    """The chat with the step bubble (and the answer so far); only the named panels change."""
    skip = gr.skip()
    fields = {name: panels.get(name, skip) for name in AnalyticsView._fields[3:]}
    return AnalyticsView(with_messages(history, *user, steps.message(), *answer), skip, skip, **fields)


def run_edited_sql(engine, sql: str, history: list[dict], chart: dict | None,
                   csv_link: CsvLink | None = None, kind: str | None = None) -> EditedSqlView:
    """The SQL box's text through the same guard as generated SQL; a refusal changes nothing but the chat. The
    result is drawn as the switcher says (`kind`), else as the earlier chart was."""
    sql = sql if isinstance(sql, str) else ""  # a malformed payload is refused by the guard, not a TypeError
    history, chart = chat_history(history), chart if isinstance(chart, dict) else None
    lang = reply_language(None, history)
    label = text("run_sql", lang) if lang else both("run_sql")
    asked = {"role": "user", "content": f"▶ {render.literal(label)}\n\n{sql_block(sql or '')}"}
    try:
        result = engine.run_sql(sql or "")  # an empty box gets the guard's own "there is no SQL statement"
    except Exception as exc:
        skip = gr.skip()
        return EditedSqlView(with_messages(history, asked, assistant(error_message(exc, lang))),
                             skip, skip, skip, skip, skip, skip)
    note_lang = lang or "en"
    note = (_rows_note(len(result.rows), result.truncated, note_lang) + " "
            + text("elapsed", note_lang).format(ms=result.elapsed_ms))
    table, csv_file = _result_outputs(result.columns, result.rows, csv_link)
    # Redrawn by the engine's own chart choice, so labels read as before (30대, not 30); the earlier
    # chart's title stands in for the question that asked for it.
    title = (chart or {}).get("title") or ""
    chosen = kind if kind in ("bar", "line", "pie") else None
    drawn = chosen or (chart and kind != "table")
    redrawn = choose_chart(list(result.columns), result.rows, title, asked=True, kind=chosen) if drawn else None
    bar, line, pie = chart_updates(redrawn)
    return EditedSqlView(with_messages(history, asked, assistant(render.literal(note))), table, csv_file, bar, line, pie,
                         shown_result(title, result.columns, result.rows))


def clear_analytics() -> tuple:
    gone = gr.update(visible=False)
    return ([], "", ChatSession(), "", render.empty_panel("panel_empty_examples"),
            gr.update(value=None, visible=False), gr.update(value=None, visible=False), gone, gone, gone, None,
            None, gr.update(value=None))

