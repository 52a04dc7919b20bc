"""What both chats' handlers share: the chat as plain data, the reply language, error messages, the user's
bubble, the stop button, the backend banner, the programmatic API and the model tab. The handlers of each chat
live in ui/recommend_handlers.py and ui/analytics_handlers.py; all are plain functions of explicit inputs, so
tests call them without a browser.

Every handler turns a ChatError into a chat message in the user's language and any other exception into
the generic message; the details of the latter go to the log only, never to the page.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr

from core.errors import ChatError, ModelUnavailable, TurnStopped, describe_unexpected
from core.language import detect_language, validate_message
from engine.session import ChatSession
from models.serving import load_metadata
from ui import render
from ui.turns import mark_stopped, request_stop

log = logging.getLogger(__name__)

SHOWN_INPUT_CHARS = 300  # an over-long message is echoed shortened; the error says how long it was


# --- language and messages ----------------------------------------------------------------------
def plain_text(content) -> str:
    """Gradio 6 may hand message content back as a list of blocks; we only ever store text."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, (list, tuple)):
        return " ".join(plain_text(part) for part in content)
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
        content = plain_text(turn.get("content"))
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


def user_bubble(message: str | None) -> list[dict]:
    if not message or not message.strip():
        return []
    shown = message if len(message) <= SHOWN_INPUT_CHARS else message[:SHOWN_INPUT_CHARS] + "…"
    return [{"role": "user", "content": render.literal(shown)}]


def without_echo(history: list[dict], message: str | None) -> list[dict]:
    """The chat without the copy of this message the page put there itself (ui.turns.echo_script) the moment
    send was pressed; the turn adds its own. Only a trailing user message can be that copy: every turn ends
    with an assistant message."""
    if history and message and history[-1].get("role") == "user":
        bubble = user_bubble(message)
        if bubble and plain_text(history[-1].get("content")).strip() == bubble[0]["content"].strip():
            return history[:-1]
    return history


def with_messages(history, *messages: dict) -> list[dict]:
    return [*list(history or []), *messages]


def assistant(content: str) -> dict:
    return {"role": "assistant", "content": content}


def option_text(selected: gr.SelectData) -> str:
    """The message a tapped option sends: its value (a plain sentence the engine reads like typed text; the recommendation's options and the analytics chips alike)."""
    value = selected.value
    return str(value.get("value") or value.get("label") or "") if isinstance(value, dict) else str(value or "")


def turn_start(message, history, session):
    """What every turn does first: the payload as text and a chat, a session, and the language to reply in."""
    message, history = message_text(message), chat_history(history)
    session = session if session is not None else ChatSession()
    return message, history, session, reply_language(message, history)


def stream_start(engine, message, history, session):
    """What both streamed turns do first: coerce the payload, drop the page's own echo, and check the message,
    so an invalid one is answered by the plain turn without a step bubble."""
    message, history = message_text(message), chat_history(history)
    message, history, session, lang = turn_start(message, without_echo(history, message), session)
    try:
        validate_message(message, engine.settings.max_input_chars)
    except ChatError:
        return message, history, session, lang, False
    return message, history, session, lang, True


def stop_turn(history: list[dict], stop_key: object = None) -> tuple[list[dict], Any]:
    """The stop button: the running turn ends at its next step, its bubble says so, and the session stays
    as it was before the turn (the turn worked on a copy)."""
    history = chat_history(history)
    request_stop(stop_key)
    lang = reply_language(None, history)
    chat = mark_stopped(history, lang)
    last = chat[-1] if chat else {}
    if last.get("role") == "user" or (last.get("metadata") or {}).get("title"):  # no answer has started yet
        chat.append(assistant(error_message(TurnStopped(), lang)))
    return chat, hidden()


def shown() -> Any:
    return gr.update(visible=True)


def hidden() -> Any:
    return gr.update(visible=False)


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
