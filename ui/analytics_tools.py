"""What the analyst shapes around an answer: the chart switcher (bar, line, pie or table, kept for follow-ups of
the same question), and the session's questions, each one click from being asked again."""
from __future__ import annotations

import copy
from typing import Any

import gradio as gr

from engine.charts import CHART_KINDS, MAX_PIE_SLICES, choose_chart
from engine.session import ChatSession
from ui.charts import chart_updates
from ui.kb_labels import kb_both

MAX_HISTORY = 30  # questions kept per session; the oldest go first


def chart_choices() -> list[tuple[str, str]]:
    return [(kb_both(f"chart_{kind}"), kind) for kind in CHART_KINDS]


def shown_result(question: str, columns: list, rows: list) -> dict:
    """What the switcher redraws from; kept server-side in the session's state, never sent by the page."""
    return {"question": question, "columns": list(columns), "rows": [list(row) for row in rows]}


def kind_shown(spec: dict | None) -> Any:
    """The switcher's value for what an answer shows: its chart's type, or the table alone."""
    return gr.update(value=spec["type"] if spec else "table")


def _note(text: str | None) -> Any:
    return gr.update(value=f'<div class="rc-muted">{text}</div>', visible=True) if text else gr.update(visible=False)


def switch_chart(kind, result, session) -> tuple[Any, Any, Any, Any, Any, Any, Any]:
    """(bar, line, pie, chart spec, session, note, switcher) for the analyst's pick. The session remembers it,
    so a follow-up ("그럼 40대는?") is drawn the same way; anything the page sends outside the four kinds, or a
    pick with no result on show, changes nothing."""
    skip = gr.skip()
    if kind not in CHART_KINDS or not isinstance(result, dict) or not isinstance(session, ChatSession):
        return skip, skip, skip, skip, skip, _note(kb_both("chart_nothing")), gr.update(value=None)
    session = copy.deepcopy(session)
    session.chart_kind = kind
    if kind == "table":
        bar, line, pie = chart_updates(None)
        return bar, line, pie, None, session, _note(None), skip
    spec = choose_chart(result["columns"], result["rows"], result["question"], asked=True, kind=kind)
    bar, line, pie = chart_updates(spec)
    if spec is None:
        return bar, line, pie, None, session, _note(kb_both("chart_undrawable")), gr.update(value="table")
    note = kb_both("chart_no_pie", slices=MAX_PIE_SLICES) if spec["type"] != kind else None
    return bar, line, pie, spec, session, _note(note), gr.update(value=spec["type"])


def remember_question(memory: dict, question: str) -> None:
    """The question goes last in the session's history; asked again, it moves there rather than repeating."""
    asked = [q for q in memory.get("asked", []) if q != question]
    memory["asked"] = [*asked, question][-MAX_HISTORY:]


def history_samples(memory) -> Any:
    """The history newest first, as the clickable list's samples."""
    asked = (memory or {}).get("asked", []) if isinstance(memory, dict) else []
    return gr.update(samples=[[question] for question in reversed(asked)], visible=bool(asked))


def pick_question(index, memory) -> str:
    """The question at `index` of the list as shown (newest first), read from the session's own state: the page
    sends only the index. An index the list does not have stops the re-run with a message."""
    asked = (memory or {}).get("asked", []) if isinstance(memory, dict) else []
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(asked):
        raise gr.Error(kb_both("history_gone"))
    return list(reversed(asked))[index]
