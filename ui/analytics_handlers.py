"""The analytics chat's handlers: one employee question to the answer, and the SQL, examples, table, CSV and
chart panels, at once or as it happens; and the SQL box's edited statement run through the same guard."""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import gradio as gr
import pandas as pd

from core.errors import TurnStopped
from engine.answers import append_sql, sql_block
from engine.charts import choose_chart
from engine.session import ChatSession
from ui import render
from ui.charts import chart_frame, pie_svg
from ui.handlers import (assistant, chat_history, error_message, hidden, message_text, reply_language, shown,
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
    stop: Any = None


class EditedSqlView(NamedTuple):
    history: list[dict]
    table: Any
    csv: Any
    bar: Any
    line: Any
    pie: Any


def chart_updates(spec: dict | None) -> tuple[Any, Any, Any]:
    """Updates for the bar plot, line plot and pie, showing only the one the spec asks for."""
    gone = gr.update(visible=False)
    if not spec or not spec.get("data"):
        return gone, gone, gone
    kind = spec.get("type")
    if kind == "pie":
        svg = pie_svg(spec)
        return gone, gone, (gr.update(value=svg, visible=True) if svg else gone)
    frame = chart_frame(spec)
    if frame.empty:
        return gone, gone, gone
    x_name, y_name = frame.columns[:2]
    label_chars = sum(len(label) for label in frame[x_name].unique())
    options = {"x": x_name, "y": y_name, "title": spec.get("title") or "",
               "x_title": spec.get("x_title") or x_name, "y_title": spec.get("y_title") or y_name,
               "color": spec.get("color") or None,
               "sort": [str(x) for x in spec["x_order"]] if spec.get("x_order") else None,
               # Crowded category names overlap unless tilted.
               "x_label_angle": -35 if label_chars > 30 else 0,
               # Bars that do not start at zero exaggerate differences.
               "y_lim": [0, None] if kind != "line" and (frame[y_name] >= 0).all() else None}
    plot = gr.update(value=frame, visible=True, **options)
    return (gone, plot, gone) if kind == "line" else (plot, gone, gone)


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


def analytics_turn(engine, message: str, history: list[dict], session: ChatSession | None,
                   backend: str | None = None, csv_link: CsvLink | None = None) -> AnalyticsView:
    """One employee question -> the answer in the chat, and the SQL, examples, table, CSV and chart panels."""
    message, history = message_text(message), chat_history(history)
    session = session if session is not None else ChatSession()
    lang = reply_language(message, history)
    try:
        answer = engine.ask(message, session, backend)
    except Exception as exc:
        chat = with_messages(history, *user_bubble(message), assistant(error_message(exc, lang)))
        # The panels show what this question produced: the refused statement if there was one, and no
        # table or chart left over from an earlier answer.
        gone = gr.update(visible=False)
        return AnalyticsView(chat, gr.skip(), session, getattr(exc, "sql", None) or "", gr.skip(),
                             gr.update(value=None, visible=False), gr.update(value=None, visible=False),
                             gone, gone, gone, None)
    reply = answer_message(answer, answer.language)
    chat = with_messages(history, *user_bubble(message), assistant(reply))
    table, csv_file = _result_outputs(answer.columns, answer.rows, csv_link)
    bar, line, pie = chart_updates(answer.chart)
    return AnalyticsView(chat, "", session, answer.sql, render.examples_panel(answer.examples), table, csv_file,
                         bar, line, pie, answer.chart)


def analytics_stream(engine, message: str, history: list[dict], session: ChatSession | None,
                     backend: str | None = None, stop_key: object = None,
                     csv_link: CsvLink | None = None) -> Iterator[AnalyticsView]:
    """analytics_turn as it happens: the question and a "writing SQL" bubble at once; the examples, the SQL, and
    the table and chart as each is known; an answer an LLM writes grows in its bubble as it is written."""
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
                        skip, skip, skip, skip, shown())
    work = copy.deepcopy(session)
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
            chat = with_messages(history, *user, steps.message(), assistant(error_message(exc, lang)))
            gone = hidden()
            yield AnalyticsView(chat, message, session, getattr(exc, "sql", None) or "", skip, cleared, cleared,
                                gone, gone, gone, None, gone)
            return
        elif step == "done":
            result = data["result"]
            answer_lang = result.language
    steps.end()
    chat = with_messages(history, *user, steps.message(), assistant(answer_message(result, answer_lang)))
    table, csv_file = _result_outputs(result.columns, result.rows, csv_link)
    bar, line, pie = chart_updates(result.chart)
    yield AnalyticsView(chat, "", work, result.sql, render.examples_panel(result.examples), table, csv_file,
                        bar, line, pie, result.chart, hidden())


def analytics_refused(history, session, exc: Exception) -> AnalyticsView:
    """A turn refused before it started (a caller who is not signed in): a message, and nothing else changes."""
    skip = gr.skip()
    chat = with_messages(chat_history(history), assistant(error_message(exc, reply_language(None, chat_history(history)))))
    return AnalyticsView(chat, skip, session, skip, skip, skip, skip, skip, skip, skip, skip, hidden())


def _analytics_update(history, user, steps: Steps, *answer: dict, **panels) -> AnalyticsView:
    """The chat with the step bubble (and the answer so far); only the named panels change."""
    skip = gr.skip()
    fields = {name: panels.get(name, skip) for name in AnalyticsView._fields[3:]}
    return AnalyticsView(with_messages(history, *user, steps.message(), *answer), skip, skip, **fields)


def run_edited_sql(engine, sql: str, history: list[dict], chart: dict | None,
                   csv_link: CsvLink | None = None) -> EditedSqlView:
    """The SQL box's text through the same guard as generated SQL; a refusal changes nothing but the chat."""
    sql = sql if isinstance(sql, str) else ""  # a malformed payload is refused by the guard, not a TypeError
    history, chart = chat_history(history), chart if isinstance(chart, dict) else None
    lang = reply_language(None, history)
    label = text("run_sql", lang) if lang else both("run_sql")
    asked = {"role": "user", "content": f"▶ {render.literal(label)}\n\n{sql_block(sql or '')}"}
    try:
        result = engine.run_sql(sql or "")  # an empty box gets the guard's own "there is no SQL statement"
    except Exception as exc:
        skip = gr.skip()
        return EditedSqlView(with_messages(history, asked, assistant(error_message(exc, lang))), skip, skip, skip, skip, skip)
    note_lang = lang or "en"
    note = (_rows_note(len(result.rows), result.truncated, note_lang) + " "
            + text("elapsed", note_lang).format(ms=result.elapsed_ms))
    table, csv_file = _result_outputs(result.columns, result.rows, csv_link)
    # Redrawn by the engine's own chart choice, so labels read as before (30대, not 30); the earlier
    # chart's title stands in for the question that asked for it.
    redrawn = choose_chart(list(result.columns), result.rows, chart.get("title") or "", asked=True) if chart else None
    bar, line, pie = chart_updates(redrawn)
    return EditedSqlView(with_messages(history, asked, assistant(render.literal(note))), table, csv_file, bar, line, pie)


def clear_analytics() -> tuple:
    gone = gr.update(visible=False)
    return ([], "", ChatSession(), "", render.empty_panel("panel_empty_examples"),
            gr.update(value=None, visible=False), gr.update(value=None, visible=False), gone, gone, gone, None)

