"""The UI's event handlers as plain functions of explicit inputs, so tests call them without a browser.

Every handler turns a ChatError into a chat message in the user's language and any other exception into
the generic message; the details of the latter go to the log only, never to the page.
"""
from __future__ import annotations

import copy
import logging
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import gradio as gr
import pandas as pd

from engine.answers import append_sql, sql_block
from engine.charts import choose_chart
from core.errors import ChatError, ModelUnavailable, TurnStopped, describe_unexpected
from engine.session import ChatSession
from core.language import detect_language, validate_message
from models.serving import load_metadata
from engine.refine import options
from ui import cards, render
from ui.charts import chart_frame, pie_svg
from ui.labels import both, text
from ui.turns import Steps, mark_stopped, request_stop, run_turn

log = logging.getLogger(__name__)

SHOWN_INPUT_CHARS = 300  # an over-long message is echoed shortened; the error says how long it was


class RecommendView(NamedTuple):
    history: list[dict]
    message: Any  # "" after a reply; gr.skip() keeps the typed text when it was refused
    session: Any  # the ChatSession, or gr.skip() while a streamed turn is still running
    panel: Any
    stop: Any = None  # the stop button's update, for the streamed turn


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


# --- language and messages ----------------------------------------------------------------------
def _plain(content) -> str:
    """Gradio 6 may hand message content back as a list of blocks; we only ever store text."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, (list, tuple)):
        return " ".join(_plain(part) for part in content)
    return ""


def chat_history(history) -> list[dict]:
    """The chat as a list of role/content messages; anything else a caller sends counts as no history."""
    if not isinstance(history, (list, tuple)):
        return []
    return [turn for turn in history if isinstance(turn, dict) and turn.get("role") in ("user", "assistant")]


def message_text(message) -> str | None:
    """A message must be text; a list, number or object from a hand-made request reads as an empty one."""
    return message if isinstance(message, str) else None


def reply_language(message: str | None, history: list[dict] | None) -> str | None:
    """The message's language; for a message with no letters, the conversation's; None if nothing tells."""
    if message and any(ch.isalpha() for ch in message):
        return detect_language(message)
    for turn in reversed(history or []):
        content = _plain(turn.get("content"))
        if turn.get("role") == "user" and any(ch.isalpha() for ch in content):
            return detect_language(content)
    return None


def error_message(exc: Exception, lang: str | None) -> str:
    """What the chat shows for a failure; an unexpected exception is logged by type and traceback only."""
    if not isinstance(exc, ChatError):
        log.error("unexpected error in a UI handler: %s", describe_unexpected(exc))
        exc = ChatError()
    if lang is None:
        return f"{render.literal(exc.message('ko'))}\n\n{render.literal(exc.message('en'))}"
    return render.literal(exc.message(lang))


def _user_bubble(message: str | None) -> list[dict]:
    if not message or not message.strip():
        return []
    shown = message if len(message) <= SHOWN_INPUT_CHARS else message[:SHOWN_INPUT_CHARS] + "…"
    return [{"role": "user", "content": render.literal(shown)}]


def without_echo(history: list[dict], message: str | None) -> list[dict]:
    """The chat without the copy of this message the page put there itself (ui.turns.echo_script) the moment
    send was pressed; the turn adds its own. Only a trailing user message can be that copy: every turn ends
    with an assistant message."""
    if history and message and history[-1].get("role") == "user":
        bubble = _user_bubble(message)
        if bubble and _plain(history[-1].get("content")).strip() == bubble[0]["content"].strip():
            return history[:-1]
    return history


def _with(history, *messages: dict) -> list[dict]:
    return [*list(history or []), *messages]


def _assistant(content: str) -> dict:
    return {"role": "assistant", "content": content}


# --- recommendation -----------------------------------------------------------------------------
def option_text(selected: gr.SelectData) -> str:
    """The message a tapped option sends: its value (a plain sentence the engine reads like typed text)."""
    value = selected.value
    return str(value.get("value") or value.get("label") or "") if isinstance(value, dict) else str(value or "")


def compare_text(history) -> str:
    """The compare button's message, in the conversation's language."""
    return "추천 제품 비교해줘" if reply_language(None, chat_history(history)) == "ko" else "Compare them"


def recommendation_bubble(trace: dict) -> dict:
    """The reply, its cards (or comparison, or details) and the one-tap options under it."""
    reply = render.recommendation_message(trace["reply"], trace["top"])
    bubble = _assistant(f"{reply}\n\n{cards.turn_html(trace)}")
    bubble["options"] = options([item["prdtCd"] for item in trace["top"]], trace.get("ask_next"),
                                trace.get("language", "en"))
    return bubble


def recommend_turn(engine, message: str, history: list[dict], session: ChatSession | None,
                   backend: str | None = None) -> RecommendView:
    """One customer message -> the reply with bars in the chat and the 'show vector' panel."""
    message, history = message_text(message), chat_history(history)
    session = session if session is not None else ChatSession()
    lang = reply_language(message, history)
    try:
        rec = engine.recommend(message, session, backend)
    except Exception as exc:
        chat = _with(history, *_user_bubble(message), _assistant(error_message(exc, lang)))
        return RecommendView(chat, gr.skip(), session, gr.skip())
    trace = rec.to_json()
    chat = _with(history, *_user_bubble(message), recommendation_bubble(trace))
    return RecommendView(chat, "", session, render.vector_panel(trace))


def _stream_start(engine, message, history, session):
    """What both streamed turns do first: coerce the payload, drop the page's own echo, and check the message,
    so an invalid one is answered by the plain turn without a step bubble."""
    message, history = message_text(message), chat_history(history)
    history = without_echo(history, message)
    session = session if session is not None else ChatSession()
    lang = reply_language(message, history)
    try:
        validate_message(message, engine.settings.max_input_chars)
    except ChatError:
        return message, history, session, lang, False
    return message, history, session, lang, True


def recommend_stream(engine, message: str, history: list[dict], session: ChatSession | None,
                     backend: str | None = None, stop_key: object = None) -> Iterator[RecommendView]:
    """recommend_turn as it happens: the message and a "reading your message" bubble at once, the vector
    panel as soon as the backend has read it, then the reply. The turn works on a copy of the session, so a
    stopped or failed turn leaves the conversation as it was."""
    message, history, session, lang, valid = _stream_start(engine, message, history, session)
    if not valid:
        yield recommend_turn(engine, message, history, session, backend)._replace(stop=_hidden())
        return
    user = _user_bubble(message)
    steps = Steps(lang, "read_message")
    skip = gr.skip()
    yield RecommendView(_with(history, *user, steps.message()), "", skip, skip, _shown())
    work = copy.deepcopy(session)
    result = None
    for step, data in run_turn(lambda progress: engine.recommend(message, work, backend, progress), stop_key):
        if step == "vector":
            steps.advance("rank_products")
            yield RecommendView(_with(history, *user, steps.message()), skip, skip,
                                render.vector_panel(data["report"].to_json()), skip)
        elif step == "error":
            steps.end("steps_stopped" if isinstance(data["error"], TurnStopped) else "steps_failed")
            chat = _with(history, *user, steps.message(), _assistant(error_message(data["error"], lang)))
            yield RecommendView(chat, message, session, skip, _hidden())
            return
        elif step == "done":
            result = data["result"]
    steps.end()
    trace = result.to_json()
    chat = _with(history, *user, steps.message(), recommendation_bubble(trace))
    yield RecommendView(chat, "", work, render.vector_panel(trace), _hidden())


def stop_turn(history: list[dict], stop_key: object = None) -> tuple[list[dict], Any]:
    """The stop button: the running turn ends at its next step, its bubble says so, and the session stays
    as it was before the turn (the turn worked on a copy)."""
    history = chat_history(history)
    request_stop(stop_key)
    lang = reply_language(None, history)
    chat = mark_stopped(history, lang)
    last = chat[-1] if chat else {}
    if last.get("role") == "user" or (last.get("metadata") or {}).get("title"):  # no answer has started yet
        chat.append(_assistant(error_message(TurnStopped(), lang)))
    return chat, _hidden()


def _shown() -> Any:
    return gr.update(visible=True)


def _hidden() -> Any:
    return gr.update(visible=False)


def clear_recommend() -> tuple[list, str, ChatSession, str]:
    """A fresh conversation forgets carried features too."""
    return [], "", ChatSession(), render.empty_panel("panel_empty_vector")


# --- analytics ----------------------------------------------------------------------------------
def chart_updates(spec: dict | None) -> tuple[Any, Any, Any]:
    """Updates for the bar plot, line plot and pie, showing only the one the spec asks for."""
    hidden = gr.update(visible=False)
    if not spec or not spec.get("data"):
        return hidden, hidden, hidden
    kind = spec.get("type")
    if kind == "pie":
        svg = pie_svg(spec)
        return hidden, hidden, (gr.update(value=svg, visible=True) if svg else hidden)
    frame = chart_frame(spec)
    if frame.empty:
        return hidden, hidden, hidden
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
    return (hidden, plot, hidden) if kind == "line" else (plot, hidden, hidden)


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
        chat = _with(history, *_user_bubble(message), _assistant(error_message(exc, lang)))
        # The panels show what this question produced: the refused statement if there was one, and no
        # table or chart left over from an earlier answer.
        hidden = gr.update(visible=False)
        return AnalyticsView(chat, gr.skip(), session, getattr(exc, "sql", None) or "", gr.skip(),
                             gr.update(value=None, visible=False), gr.update(value=None, visible=False),
                             hidden, hidden, hidden, None)
    reply = answer_message(answer, answer.language)
    chat = _with(history, *_user_bubble(message), _assistant(reply))
    table, csv_file = _result_outputs(answer.columns, answer.rows, csv_link)
    bar, line, pie = chart_updates(answer.chart)
    return AnalyticsView(chat, "", session, answer.sql, render.examples_panel(answer.examples), table, csv_file,
                         bar, line, pie, answer.chart)


def analytics_stream(engine, message: str, history: list[dict], session: ChatSession | None,
                     backend: str | None = None, stop_key: object = None,
                     csv_link: CsvLink | None = None) -> Iterator[AnalyticsView]:
    """analytics_turn as it happens: the question and a "writing SQL" bubble at once; the examples, the SQL, and
    the table and chart as each is known; an answer an LLM writes grows in its bubble as it is written."""
    message, history, session, lang, valid = _stream_start(engine, message, history, session)
    if not valid:
        yield analytics_turn(engine, message, history, session, backend, csv_link)._replace(stop=_hidden())
        return
    user = _user_bubble(message)
    steps = Steps(lang, "write_sql")
    skip = gr.skip()
    cleared = gr.update(value=None, visible=False)
    # The first update carries only the chat (the change a person is waiting for); the panels are emptied
    # a moment later with the examples, so a table left over from the last question never passes for this one's.
    yield AnalyticsView(_with(history, *user, steps.message()), "", skip, skip, skip, skip, skip,
                        skip, skip, skip, skip, _shown())
    work = copy.deepcopy(session)
    result, answer_lang = None, lang or "en"
    for step, data in run_turn(lambda progress: engine.ask(message, work, backend, progress), stop_key):
        if step == "examples":
            yield _analytics_update(history, user, steps, examples=render.examples_panel(data["examples"]), sql="",
                                    table=cleared, csv=cleared, bar=_hidden(), line=_hidden(), pie=_hidden())
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
            yield _analytics_update(history, user, steps, _assistant(render.literal(data["text"])))
        elif step == "error":
            exc = data["error"]
            steps.end("steps_stopped" if isinstance(exc, TurnStopped) else "steps_failed")
            chat = _with(history, *user, steps.message(), _assistant(error_message(exc, lang)))
            hidden = _hidden()
            yield AnalyticsView(chat, message, session, getattr(exc, "sql", None) or "", skip, cleared, cleared,
                                hidden, hidden, hidden, None, hidden)
            return
        elif step == "done":
            result = data["result"]
            answer_lang = result.language
    steps.end()
    chat = _with(history, *user, steps.message(), _assistant(answer_message(result, answer_lang)))
    table, csv_file = _result_outputs(result.columns, result.rows, csv_link)
    bar, line, pie = chart_updates(result.chart)
    yield AnalyticsView(chat, "", work, result.sql, render.examples_panel(result.examples), table, csv_file,
                        bar, line, pie, result.chart, _hidden())


def analytics_refused(history, session, exc: Exception) -> AnalyticsView:
    """A turn refused before it started (a caller who is not signed in): a message, and nothing else changes."""
    skip = gr.skip()
    chat = _with(chat_history(history), _assistant(error_message(exc, reply_language(None, chat_history(history)))))
    return AnalyticsView(chat, skip, session, skip, skip, skip, skip, skip, skip, skip, skip, _hidden())


def _analytics_update(history, user, steps: Steps, *answer: dict, **panels) -> AnalyticsView:
    """The chat with the step bubble (and the answer so far); only the named panels change."""
    skip = gr.skip()
    fields = {name: panels.get(name, skip) for name in AnalyticsView._fields[3:]}
    return AnalyticsView(_with(history, *user, steps.message(), *answer), skip, skip, **fields)


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
        return EditedSqlView(_with(history, asked, _assistant(error_message(exc, lang))), skip, skip, skip, skip, skip)
    note_lang = lang or "en"
    note = (_rows_note(len(result.rows), result.truncated, note_lang) + " "
            + text("elapsed", note_lang).format(ms=result.elapsed_ms))
    table, csv_file = _result_outputs(result.columns, result.rows, csv_link)
    # Redrawn by the engine's own chart choice, so labels read as before (30대, not 30); the earlier
    # chart's title stands in for the question that asked for it.
    redrawn = choose_chart(list(result.columns), result.rows, chart.get("title") or "", asked=True) if chart else None
    bar, line, pie = chart_updates(redrawn)
    return EditedSqlView(_with(history, asked, _assistant(render.literal(note))), table, csv_file, bar, line, pie)


def clear_analytics() -> tuple:
    hidden = gr.update(visible=False)
    return ([], "", ChatSession(), "", render.empty_panel("panel_empty_examples"),
            gr.update(value=None, visible=False), gr.update(value=None, visible=False), hidden, hidden, hidden, None)


# --- backends -----------------------------------------------------------------------------------
def backend_banner(engine, vectorizer: str | None, sql_generator: str | None) -> Any:
    """The fallback notice for the backends currently selected; hidden when both can run."""
    fallbacks = []
    for kind, name in (("vectorizer", vectorizer), ("sql_generator", sql_generator)):
        try:
            fallback = engine.fallback_for(kind, name or None)
        except ChatError as exc:
            fallback = {"message_ko": exc.message("ko"), "message_en": exc.message("en")}
        if fallback:
            fallbacks.append(fallback)
    html = render.banner(fallbacks, engine.registry.failures)
    return gr.update(value=html, visible=bool(html))


# --- programmatic API ---------------------------------------------------------------------------
def api_recommend(engine, message: str) -> tuple[str, dict]:
    """Reply text and the vector trace for one message, in a fresh session; errors come back as JSON."""
    message = message_text(message)
    try:
        rec = engine.recommend(message, ChatSession())
        return rec.reply, rec.to_json()
    except Exception as exc:
        return _api_error(exc, message)


def api_analytics(engine, message: str) -> tuple[str, dict]:
    """Answer text and the SQL trace for one question, in a fresh session; errors come back as JSON."""
    message = message_text(message)
    try:
        answer = engine.ask(message, ChatSession())
        return answer.answer, answer.to_json()
    except Exception as exc:
        return _api_error(exc, message)


def _api_error(exc: Exception, message: str | None) -> tuple[str, dict]:
    lang = reply_language(message, None) or "en"
    if not isinstance(exc, ChatError):
        error_message(exc, lang)  # logs it
        exc = ChatError()
    return exc.message(lang), exc.to_json(lang)


# --- model tab ----------------------------------------------------------------------------------
def model_view(model_path) -> tuple[str, Any, Any]:
    """Read on each page load, so a model trained after launch shows up without a restart."""
    folder = Path(model_path).parent
    try:
        metadata = load_metadata(model_path)
    except ModelUnavailable:
        metadata = None
    if not isinstance(metadata, dict):
        metadata = None
    images = []
    for name in ("training_history.png", "confusion_matrix.png"):
        path = folder / name
        images.append(gr.update(value=str(path), visible=True) if path.is_file() else gr.update(value=None, visible=False))
    return render.model_card(metadata), images[0], images[1]
