"""The recommendation chat's handlers: one customer message to the reply, its cards and options, and the
'show vector' panel, at once or as it happens."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, NamedTuple

import gradio as gr

from core.errors import TurnStopped
from engine.refine import options
from engine.session import ChatSession
from ui import cards, render
from ui.handlers import (assistant, chat_history, error_message, hidden, reply_language, shown, turn_start,
                         stream_start, user_bubble, with_messages)
from ui.turns import Steps, run_turn


class RecommendView(NamedTuple):
    history: list[dict]
    message: Any  # "" after a reply; gr.skip() keeps the typed text when it was refused
    session: Any  # the ChatSession, or gr.skip() while a streamed turn is still running
    panel: Any
    stop: Any = None  # the stop button's update, for the streamed turn


def compare_text(history) -> str:
    """The compare button's message, in the conversation's language."""
    return "추천 제품 비교해줘" if reply_language(None, chat_history(history)) == "ko" else "Compare them"


def recommendation_bubble(trace: dict) -> dict:
    """The reply, its cards (or comparison, or details) and the one-tap options under it."""
    reply = render.recommendation_message(trace["reply"], trace["top"])
    bubble = assistant(f"{reply}\n\n{cards.turn_html(trace)}")
    bubble["options"] = options([item["prdtCd"] for item in trace["top"]], trace.get("ask_next"),
                                trace.get("language", "en"))
    return bubble


def recommend_turn(engine, message: str, history: list[dict], session: ChatSession | None,
                   backend: str | None = None) -> RecommendView:
    """One customer message -> the reply with bars in the chat and the 'show vector' panel."""
    message, history, session, lang = turn_start(message, history, session)
    try:
        rec = engine.recommend(message, session, backend)
    except Exception as exc:
        chat = with_messages(history, *user_bubble(message), assistant(error_message(exc, lang)))
        return RecommendView(chat, gr.skip(), session, gr.skip())
    trace = rec.to_json()
    chat = with_messages(history, *user_bubble(message), recommendation_bubble(trace))
    return RecommendView(chat, "", session, render.vector_panel(trace))


def recommend_stream(engine, message: str, history: list[dict], session: ChatSession | None,
                     backend: str | None = None, stop_key: object = None) -> Iterator[RecommendView]:
    """recommend_turn as it happens: the message and a "reading your message" bubble at once, the vector
    panel as soon as the backend has read it, then the reply. The turn works on a copy of the session, so a
    stopped or failed turn leaves the conversation as it was."""
    message, history, session, lang, valid = stream_start(engine, message, history, session)
    if not valid:
        yield recommend_turn(engine, message, history, session, backend)._replace(stop=hidden())
        return
    user = user_bubble(message)
    steps = Steps(lang, "read_message")
    skip = gr.skip()
    yield RecommendView(with_messages(history, *user, steps.message()), "", skip, skip, shown())
    work = copy.deepcopy(session)
    result = None
    for step, data in run_turn(lambda progress: engine.recommend(message, work, backend, progress), stop_key):
        if step == "vector":
            steps.advance("rank_products")
            yield RecommendView(with_messages(history, *user, steps.message()), skip, skip,
                                render.vector_panel(data["report"].to_json()), skip)
        elif step == "error":
            steps.end("steps_stopped" if isinstance(data["error"], TurnStopped) else "steps_failed")
            chat = with_messages(history, *user, steps.message(), assistant(error_message(data["error"], lang)))
            yield RecommendView(chat, message, session, skip, hidden())
            return
        elif step == "done":
            result = data["result"]
    steps.end()
    trace = result.to_json()
    chat = with_messages(history, *user, steps.message(), recommendation_bubble(trace))
    yield RecommendView(chat, "", work, render.vector_panel(trace), hidden())


def clear_recommend() -> tuple[list, str, ChatSession, str]:
    """A fresh conversation forgets carried features too."""
    return [], "", ChatSession(), render.empty_panel("panel_empty_vector")

