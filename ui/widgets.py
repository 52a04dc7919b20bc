"""Pieces both apps build with: the header, a chat, its input row, and the wiring of a streamed turn."""
from __future__ import annotations

import gradio as gr

from ui import handlers, render, turns
from ui.labels import both, text


def header(title_key: str = "title") -> gr.HTML:
    return gr.HTML(
        f'<div class="rc-header"><h1>{render.esc(text(title_key, "ko"))} · {render.esc(text(title_key, "en"))}</h1>'
        f'<p>{render.esc(text("subtitle", "ko"))}<br>{render.esc(text("subtitle", "en"))}</p></div>'
    )


def selector(engine, kind: str, entries: list[dict]) -> gr.Dropdown:
    default = engine.settings.vectorizer if kind == "vectorizer" else engine.settings.sql_generator
    choices = render.backend_choices(entries)
    known = {value for _, value in choices}
    return gr.Dropdown(choices=choices, value=default if default in known else None, label=both(kind),
                       interactive=True, elem_id=f"backend-{kind}")


def chat(label_key: str, elem_id: str) -> gr.Chatbot:
    return gr.Chatbot(label=both(label_key), height=480, elem_id=elem_id, sanitize_html=True, allow_tags=False,
                      latex_delimiters=[], feedback_options=None, buttons=["copy"], layout="bubble")


def chat_inputs(placeholder_key: str, elem_id: str):
    message = gr.Textbox(label=both("message"), placeholder=both(placeholder_key, sep="\n"), lines=2, max_lines=6,
                         elem_id=elem_id, submit_btn=False)
    with gr.Row():
        send = gr.Button(both("send"), variant="primary", elem_id=f"{elem_id}-send")
        stop = gr.Button(both("stop"), variant="stop", visible=False, elem_id=f"{elem_id}-stop")
        clear = gr.Button(both("clear"), variant="secondary", elem_id=f"{elem_id}-clear")
    return message, send, stop, clear


def stop_key(request: gr.Request | None, tab: str) -> tuple:
    """One running turn per browser session and tab: what the stop button stops."""
    return getattr(request, "session_hash", None), tab


def hide():
    return gr.update(visible=False)


def wire_turn(turn, tab: str, message, send, stop, chat_box, inputs: list, outputs: list, network: dict) -> list:
    """Send and Enter start a streamed turn; the stop button cancels it and closes its bubble. `turn` takes
    the inputs and the gr.Request. Returns the turn's events, for anything else that must cancel them."""
    def stop_turn(history, request: gr.Request):
        return handlers.stop_turn(history, stop_key(request, tab))

    # The page echoes the message into the chat itself, so the first visible change waits for no round trip;
    # the turn (which drops that echo and adds its own bubble) follows on the same trigger.
    echo = turns.echo_script(stop.elem_id, handlers.SHOWN_INPUT_CHARS)
    events = []
    for trigger in (message.submit, send.click):
        trigger(None, [message, chat_box], [chat_box], js=echo, queue=False, show_progress="hidden",
                api_visibility="private")
        events.append(trigger(turn, inputs, outputs, concurrency_id=tab, show_progress="hidden", **network))
    stop.click(stop_turn, [chat_box], [chat_box, stop], cancels=events, api_visibility="private")
    return events
