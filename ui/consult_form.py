"""The consultation form under the recommendation cards and the `/consult` API of the customer app: name, phone,
preferred time and a consent checkbox that states the purpose and how long the request is kept. A refusal shows
beside its field and stores nothing; the reply never carries any other request or any customer row."""
from __future__ import annotations

from typing import Any

import gradio as gr

from core.errors import ChatError
from engine.consult import ConsultDesk
from engine.limits import TurnLimiter
from engine.session import ChatSession
from ui import render
from ui.handlers import error_message
from ui.request_engine import caller

PRIVATE = {"api_visibility": "private"}
FIELDS = ("name", "phone", "preferred_time", "consent")


def consent_text(retention_days: int) -> str:
    return (f"상담 연락을 위해 이름과 전화번호를 수집·이용하는 데 동의해요. 신청 내용은 {retention_days}일 동안 보관한 뒤 삭제돼요. / "
            f"I agree that my name and phone number are used only to call me about this consultation; "
            f"the request is kept for {retention_days} days, then deleted.")


def submit(desk: ConsultDesk, limiter: TurnLimiter, app: str, request: gr.Request | None, name, phone,
           preferred_time, consent, session: ChatSession | None) -> tuple[str, dict]:
    """(confirmation, trace with lead_id), or (the error in both languages, its JSON with the field)."""
    session_id, address = caller(request)
    try:
        limiter.admit(app, session_id, address)  # the turn bound too: a flood of bad forms costs the sender
        done = desk.request(name, phone, preferred_time, consent, session, session_id=session_id)
    except ChatError as exc:
        return _both(exc), exc.to_json("ko")
    except Exception as exc:  # nothing about the input goes back, whatever broke
        return error_message(exc, None), {"error": "internal error", "code": "internal_error", "refused": False}
    trace = {"lead_id": done["lead_id"], "products": done["products"], "retention_days": done["retention_days"]}
    return done["confirmation"], trace


def _both(exc: ChatError) -> str:
    return f"{exc.message('ko')}\n{exc.message('en')}"


def _note(text_value: str, ok: bool) -> Any:
    css = "rc-muted" if ok else "rc-error"
    html_text = render.esc(text_value).replace("\n", "<br>")
    return gr.update(value=f'<div class="{css}">{html_text}</div>', visible=True)


def form_updates(reply: str, trace: dict) -> tuple:
    """One message beside the field that failed (or under the form when no field did), the others hidden."""
    field = trace.get("field") if isinstance(trace, dict) else None
    updates = [_note(reply, False) if name == field else gr.update(value="", visible=False) for name in FIELDS]
    if "lead_id" in trace:
        result = _note(reply, True)
    else:
        result = gr.update(value="", visible=False) if field in FIELDS else _note(reply, False)
    return (*updates, result)


def build(desk: ConsultDesk, limiter: TurnLimiter, app: str, session: gr.State) -> None:
    """The button and its form; place it under the cards."""
    open_form = gr.Button("상담 신청 / Request a consultation", variant="primary", elem_id="consult-open")
    with gr.Group(visible=False, elem_id="consult-form") as form:
        name = gr.Textbox(label="이름 / Name", max_length=80, elem_id="consult-name")
        name_note = gr.HTML(visible=False, elem_id="consult-name-error")
        phone = gr.Textbox(label="전화번호 / Phone", placeholder="010-1234-5678", max_length=32, elem_id="consult-phone")
        phone_note = gr.HTML(visible=False, elem_id="consult-phone-error")
        when = gr.Textbox(label="희망 연락 시간 / Preferred time", placeholder="평일 저녁 7시 이후 / weekday evenings",
                          max_length=80, elem_id="consult-time")
        when_note = gr.HTML(visible=False, elem_id="consult-time-error")
        consent = gr.Checkbox(label=consent_text(desk.retention_days), value=False, elem_id="consult-consent")
        consent_note = gr.HTML(visible=False, elem_id="consult-consent-error")
        send = gr.Button("신청하기 / Send request", variant="primary", elem_id="consult-send")
    result = gr.HTML(visible=False, elem_id="consult-result")
    open_form.click(lambda: gr.update(visible=True), None, [form], **PRIVATE)

    def handle(name_in, phone_in, when_in, consent_in, state, request: gr.Request):
        reply, trace = submit(desk, limiter, app, request, name_in, phone_in, when_in, consent_in, state)
        return form_updates(reply, trace)

    send.click(handle, [name, phone, when, consent, session],
               [name_note, phone_note, when_note, consent_note, result], **PRIVATE)
