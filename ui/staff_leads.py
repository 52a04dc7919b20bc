"""The staff app's consultation requests tab: kept requests newest first with phones masked, opening one shows
its contact details and is written to the audit log, marking one handled, and a CSV export through the private
download store. Every handler refuses a caller who is not signed in (StaffContext.staff)."""
from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from core.errors import ChatError, StaffOnly
from engine.consult import ConsultDesk
from ui import render
from ui.handlers import error_message

PRIVATE = {"api_visibility": "private"}
COLUMNS = ["id", "created_at", "status", "name", "phone", "preferred_time", "products"]


def _note(html_text: str, ok: bool = True) -> Any:
    return gr.update(value=f'<div class="{"rc-muted" if ok else "rc-error"}">{html_text}</div>', visible=True)


def _failed(exc: Exception) -> Any:
    return _note(render.esc(error_message(exc, None)).replace("\n", "<br>"), ok=False)


def table(desk: ConsultDesk) -> pd.DataFrame:
    rows = [[lead["id"], lead["created_at"][:16].replace("T", " "), lead["status"], lead["name"], lead["phone"],
             lead["preferred_time"] or "", ", ".join(lead["products"])] for lead in desk.list()]
    return pd.DataFrame(rows, columns=COLUMNS)


def details(lead: dict) -> str:
    facts = lead["facts"] or {}
    features = ", ".join(f"{k}={v:g}" for k, v in sorted((facts.get("features") or {}).items()))
    items = [("이름 / Name", lead["name"]), ("전화번호 / Phone", lead["phone"]),
             ("희망 시간 / Preferred time", lead["preferred_time"] or "-"),
             ("추천 제품 / Products", ", ".join(lead["products"]) or "-"),
             ("대화 정보 / Facts", features or "-"), ("제품군 / Group", facts.get("group") or "-"),
             ("상태 / Status", lead["status"]), ("동의 / Consent", lead["consent_at"])]
    body = "".join(f"<dt>{render.esc(k)}</dt><dd>{render.esc(v)}</dd>" for k, v in items)
    return f'<dl class="rc-facts" id="lead-{int(lead["id"])}">{body}</dl>'


def leads_tab(context) -> dict:
    """Builds the tab's content; returns the listing event (for the tab's select) as keyword arguments."""
    desk = ConsultDesk(context.engine)
    with gr.Row():
        refresh = gr.Button("새로고침 / Refresh", scale=1, elem_id="leads-refresh")
        export = gr.Button("CSV 내보내기 / Export CSV", scale=1, elem_id="leads-export")
    leads = gr.Dataframe(headers=COLUMNS, label="상담 요청 / Consultation requests", interactive=False,
                         max_height=360, wrap=True, elem_id="leads-table")
    download = gr.HTML(visible=False, elem_id="leads-csv")
    with gr.Row():
        lead_id = gr.Number(label="요청 번호 / Request id", precision=0, elem_id="leads-id")
        open_button = gr.Button("열기 / Open", size="sm", elem_id="leads-open")
        handled = gr.Button("처리 완료 / Mark handled", size="sm", elem_id="leads-handled")
    shown = gr.HTML(visible=False, elem_id="leads-details")
    note = gr.HTML(visible=False, elem_id="leads-note")

    def listing(request: gr.Request):
        try:
            context.staff(request)
        except StaffOnly:
            return gr.skip()
        return table(desk)

    def opened(ident, request: gr.Request):
        try:
            lead = desk.open(ident, context.staff(request))
        except ChatError as exc:
            return gr.update(visible=False), _failed(exc)
        return gr.update(value=details(lead), visible=True), gr.update(visible=False)

    def mark(ident, request: gr.Request):
        try:
            lead = desk.mark_handled(ident, context.staff(request))
        except ChatError as exc:
            return _failed(exc)
        return _note(f"{int(lead['id'])}번 요청을 처리했어요 / Request {int(lead['id'])} marked handled")

    def exported(request: gr.Request):
        try:
            staff = context.staff(request)
        except StaffOnly as exc:
            return _failed(exc)
        link = context.csv_link(request)
        if link is None:
            return _note("CSV는 브라우저 세션에서만 받을 수 있어요 / CSV needs a browser session", ok=False)
        columns, rows = desk.export(staff)
        return gr.update(value=link(columns, rows), visible=True)

    def selected(data: gr.SelectData, frame):
        row = data.index[0] if isinstance(data.index, (list, tuple)) else None
        try:
            return int(frame.iloc[row, 0]) if row is not None else gr.skip()
        except (AttributeError, IndexError, TypeError, ValueError):
            return gr.skip()

    event = {"fn": listing, "inputs": None, "outputs": [leads], **PRIVATE}
    refresh.click(**event)
    open_button.click(opened, [lead_id], [shown, note], **PRIVATE)
    handled.click(mark, [lead_id], [note], **PRIVATE).then(**event)
    export.click(exported, None, [download], **PRIVATE)
    leads.select(selected, [leads], [lead_id], **PRIVATE)
    return event
