"""Handlers of the analysts' loop as plain functions: thumbs up/down and "Save as example" on the analytics
chat, and the review page's list/open/edit/re-run/approve/delete. Each takes the engine's KnowledgeDesk and the
signed-in name (the caller checks it first); every write is checked and audited by the desk."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr
import pandas as pd

from core.errors import ChatError
from engine.session import ChatSession
from ui import render
from ui.analytics_tools import remember_question
from ui.handlers import error_message
from ui.kb_labels import kb_both

PAIR_COLUMNS = ["id", "status", "source", "question", "sql", "saved_by", "saved_at", "approved_by"]
FEEDBACK_COLUMNS = ["id", "at", "staff", "question", "sql", "corrected_sql", "pair_id"]


def empty_memory() -> dict:
    """What the chat remembers for the loop: the answer on show, and each answer's question and SQL by its
    message index (what a thumbs up/down refers to)."""
    return {"current": None, "answers": {}, "asked": []}


def cleared_memory(memory) -> dict:
    """A cleared chat has no answers on show; the session's question history stays, one click from re-running."""
    return {**empty_memory(), "asked": _copy(memory)["asked"]}


def _note(html_text: str, ok: bool = True) -> Any:
    css = "rc-muted" if ok else "rc-error"
    return gr.update(value=f'<div class="{css}">{html_text}</div>', visible=True)


def _failed(exc: Exception) -> Any:
    return _note(render.literal(error_message(exc, None)).replace("\n", "<br>"), ok=False)


# --- the analytics chat -------------------------------------------------------------------------
def track_turn(stream: Iterator[tuple], question, memory, max_chars: int | None = None) -> Iterator[tuple]:
    """Passes the turn's updates through unchanged, then one more naming the answer it produced, so the
    like buttons and "Save as example" know which question and SQL each answer came from. The question joins
    the session's history (answered or not: a declined one may be answered once a pair is saved for it), unless
    it was empty or longer than the engine takes."""
    last = None
    for view in stream:
        last = view
        yield (*view, gr.skip(), gr.skip())
    memory = _copy(memory)
    if last is not None and last.message == "" and isinstance(last.session, ChatSession) and last.session.sql_history:
        turn = last.session.sql_history[-1]
        index = len(last.history) - 1
        memory["answers"][index] = {"question": turn.question, "sql": turn.sql}
        memory["current"] = {"question": turn.question, "sql": turn.sql, "index": index, "edited": False}
    elif isinstance(question, str) and question.strip():
        # Declined or failed: the analyst may write the SQL themselves, run it, and save it for this question.
        memory["current"] = {"question": question.strip(), "sql": None, "index": None, "edited": False}
    asked = question.strip() if isinstance(question, str) else ""
    if asked and (max_chars is None or len(asked) <= max_chars):
        remember_question(memory, asked)
    # The new answer is on show: no edited SQL belongs to it yet. The stop button is hidden once more: a turn
    # refused within milliseconds can have its first update ("show stop") land after its last one.
    settled = type(last)(*(gr.skip() for _ in last))._replace(stop=gr.update(visible=False)) if last else ()
    yield (*settled, memory, None)


def edited_sql(view, sql) -> Any:
    """The edited SQL once it ran (it now produced the shown result, so "Save as example" saves it); a refused
    or failed run leaves the earlier one."""
    ran = isinstance(view.table, dict) and "value" in view.table
    return sql.strip() if ran and isinstance(sql, str) else gr.skip()


def save_example(desk, staff: str, memory, edited=None) -> Any:
    current = (memory or {}).get("current") if isinstance(memory, dict) else None
    if not current:
        return _note(kb_both("nothing_to_save"), ok=False)
    edited = edited if isinstance(edited, str) and edited.strip() else None
    sql = edited or current.get("sql")
    ref = f"Q: {current['question']}\nSQL shown: {sql}" + (" (edited and re-run)" if edited else "")
    try:
        pair = desk.save_pair(current["question"], sql, staff, answer_ref=ref)
    except Exception as exc:
        return _failed(exc)
    if pair.get("replaced"):
        return _note(kb_both("replaced", id=pair["id"]))
    return _note(kb_both("saved", id=pair["id"]))


def like(desk, staff: str, index, liked, memory, sql_box, span: int = 1) -> Any:
    """A vote on one answer. A thumbs-down on the answer on show, with an edited SQL in the box, proposes
    that SQL as a pending pair. The chat groups a turn's step bubble with its answer and reports the group's
    first index and `span` messages; the answer is the last recorded one in it."""
    memory = memory if isinstance(memory, dict) else empty_memory()
    if isinstance(index, (list, tuple)):
        index = index[0] if index else None
    answers = memory.get("answers", {})
    found = [i for i in range(index, index + max(1, min(int(span), 50)))] if isinstance(index, int) else []
    found = [i for i in found if i in answers]
    index = found[-1] if found else None
    answer = answers.get(index) if index is not None else None
    if answer is None:
        return _note(kb_both("not_an_answer"), ok=False)
    current = memory.get("current") or {}
    corrected = sql_box if (not liked and current.get("index") == index and isinstance(sql_box, str)) else None
    try:
        result = desk.feedback(answer["question"], answer["sql"], bool(liked), staff, corrected_sql=corrected)
    except Exception as exc:
        return _failed(exc)
    if result["pair"]:
        return _note(kb_both("pending_pair", id=result["pair"]["id"]))
    if result["refused"]:
        refused: ChatError = result["refused"]
        return _note(render.literal(f"{refused.message('ko')} / {refused.message('en')}"), ok=False)
    return _note(kb_both("thanks_up" if liked else "thanks_down"))


def _copy(memory) -> dict:
    if not isinstance(memory, dict):
        return empty_memory()
    asked = [q for q in memory.get("asked") or [] if isinstance(q, str)]
    return {"current": memory.get("current"), "answers": dict(memory.get("answers") or {}), "asked": asked}


# --- the review page ----------------------------------------------------------------------------
def _noted(label: str, write, *args, id_key: str = "id") -> Any:
    """Runs one of the desk's writes and shows the outcome: the error if it was refused, else `label` with
    the row's id (found under `id_key` of what the write returned)."""
    try:
        written = write(*args)
    except Exception as exc:
        return _failed(exc)
    return _note(kb_both(label, id=written[id_key]))


def review_tables(desk, search, status) -> tuple[Any, Any]:
    search = search if isinstance(search, str) else None
    status = status if status in ("pending", "approved") else None
    pairs = desk.list_pairs(status, search)
    feedback = desk.list_feedback(search)
    return (pd.DataFrame([[p[c] for c in PAIR_COLUMNS] for p in pairs], columns=PAIR_COLUMNS),
            pd.DataFrame([[f[c] for c in FEEDBACK_COLUMNS] for f in feedback], columns=FEEDBACK_COLUMNS))


def open_pair(desk, pair_id) -> tuple[Any, Any, Any, Any]:
    """(id, question, sql, note) for the editor."""
    try:
        pair = desk.get_pair(pair_id)
    except Exception as exc:
        skip = gr.skip()
        return skip, skip, skip, _failed(exc)
    return pair["id"], pair["question"], pair["sql"], _note(kb_both("opened", id=pair["id"]))


def edit_pair(desk, staff: str, pair_id, question, sql) -> Any:
    return _noted("edited", desk.edit_pair, pair_id, question, sql, staff)


def rerun_pair(desk, staff: str, pair_id) -> tuple[Any, Any]:
    """(result table, note)"""
    try:
        pair, result = desk.rerun_pair(pair_id, staff)
    except Exception as exc:
        return gr.update(value=None, visible=False), _failed(exc)
    table = pd.DataFrame([list(r) for r in result.rows], columns=list(result.columns)).round(2)
    return gr.update(value=table, visible=True), _note(kb_both("reran", id=pair["id"], rows=len(result.rows)))


def approve_pair(desk, staff: str, pair_id) -> Any:
    return _noted("approved", desk.approve_pair, pair_id, staff)


def delete_pair(desk, staff: str, pair_id) -> Any:
    return _noted("deleted", desk.remove_pair, pair_id, staff, id_key="removed")


def selected_id(table, event: gr.SelectData):
    """The id of the row a reviewer clicked in a table whose first column is the id."""
    row = getattr(event, "row_value", None)
    return row[0] if row else gr.skip()


# --- the glossary -------------------------------------------------------------------------------
TERM_COLUMNS = ["id", "status", "term", "aliases", "condition", "description"]


def glossary_table(desk) -> Any:
    terms = desk.list_terms()
    return pd.DataFrame([[t["id"], t["status"], t["term"], ", ".join(t["aliases"]), t["condition"], t["description"]]
                         for t in terms], columns=TERM_COLUMNS)


def propose_term(desk, staff: str, term, condition, aliases, description) -> Any:
    return _noted("term_proposed", desk.propose_term, term, condition, aliases, description, staff)


def approve_term(desk, staff: str, term_id) -> Any:
    return _noted("term_approved", desk.approve_term, term_id, staff)


def delete_term(desk, staff: str, term_id) -> Any:
    return _noted("term_deleted", desk.remove_term, term_id, staff)
