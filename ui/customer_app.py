"""The public customer app at `/`: the recommendation chat with its vector panel, the product catalogue,
and the `/recommend` API. Nothing here reaches the customer table except the recommend pipeline's reads."""
from __future__ import annotations

import gradio as gr

from engine.consult import ConsultDesk
from engine.limits import TurnLimiter
from engine.session import ChatSession
from ui import consult_form, handlers, recommend_handlers, render, widgets
from ui.labels import both, text
from ui.request_engine import RequestEngine

APP = "customer"
EXAMPLES = [
    "35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요",
    "혼자 사는 27살 직장인이에요. 원룸 8평이고 공기청정기 추천해 주세요",
    "I'm 62, live with my wife in a 34-pyeong flat, budget about 40,000 won a month",
    "Family of five, 45 years old, looking for a dishwasher under 50k won",
]


def _recommend_tab(engine, limiter: TurnLimiter, desk: ConsultDesk, network: dict) -> None:
    session = gr.State(ChatSession())
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = widgets.chat("chat_recommend", "recommend-chat")
            message, send, stop, clear = widgets.chat_inputs("input_recommend", "recommend-input")
            compare = gr.Button("비교하기 · Compare", variant="secondary", elem_id="recommend-compare")
            consult_form.build(desk, limiter, APP, session)
            gr.Examples(EXAMPLES, inputs=[message], label=both("examples"), api_visibility="private")
        with gr.Column(scale=2):
            with gr.Accordion(both("show_vector"), open=True):
                panel = gr.HTML(render.empty_panel("panel_empty_vector"), elem_id="vector-panel")

    def turn(text_in, history, state, request: gr.Request):
        bounded = RequestEngine(engine, limiter, APP, request)
        yield from recommend_handlers.recommend_stream(bounded, text_in, history, state, None,
                                             stop_key=widgets.stop_key(request, "recommend"))

    turns = widgets.wire_turn(turn, "recommend", message, send, stop, chat, [message, chat, session],
                              [chat, message, session, panel, stop], network)
    # A one-tap option (a refinement, a chip, details) sends its text as the customer's next message.
    tapped = chat.option_select(handlers.option_text, None, [message], api_visibility="private").then(
        turn, [message, chat, session], [chat, message, session, panel, stop], concurrency_id="recommend",
        show_progress="hidden", **network)
    compare.click(lambda history: recommend_handlers.compare_text(history), [chat], [message], api_visibility="private").then(
        turn, [message, chat, session], [chat, message, session, panel, stop], concurrency_id="recommend",
        show_progress="hidden", **network)
    turns = [*turns, tapped]
    for trigger in (clear.click, chat.clear):  # the chat's own trash icon must forget carried facts too
        trigger(recommend_handlers.clear_recommend, None, [chat, message, session, panel], api_visibility="private",
                cancels=turns).then(widgets.hide, None, [stop], api_visibility="private")


def build_customer_app(engine, limiter: TurnLimiter) -> gr.Blocks:
    network = {"concurrency_limit": engine.settings.network_concurrency}
    desk = ConsultDesk(engine)
    with gr.Blocks(title=f"{text('title', 'ko')} · {text('title', 'en')}", analytics_enabled=False) as app:
        widgets.header()
        fallback = engine.fallback_for("vectorizer")
        notice = render.banner([fallback] if fallback else [], [])
        gr.HTML(notice, visible=bool(notice), elem_id="backend-banner")
        with gr.Tabs():
            with gr.Tab(both("tab_recommend"), id="recommend"):
                _recommend_tab(engine, limiter, desk, {**network, "api_visibility": "private"})
            with gr.Tab(both("tab_catalogue"), id="catalogue"):
                gr.HTML(render.catalogue_panel(), elem_id="catalogue")

        def recommend(message: str, request: gr.Request) -> tuple[str, dict]:
            """Recommend products for one customer message; returns the reply and the vector trace."""
            return handlers.api_recommend(RequestEngine(engine, limiter, APP, request), message)

        gr.api(recommend, api_name="recommend", concurrency_id="api-recommend", **network)

        def consult(name: str, phone: str, preferred_time: str, consent: bool, request: gr.Request) -> tuple[str, dict]:
            """Ask to be called back (stored only with consent); returns the confirmation and a trace with lead_id."""
            return consult_form.submit(desk, limiter, APP, request, name, phone, preferred_time, consent, None)

        gr.api(consult, api_name="consult", concurrency_id="api-consult", concurrency_limit=2)
    app.queue(max_size=engine.settings.queue_max_size)
    return app
