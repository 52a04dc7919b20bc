"""The Gradio app: a recommendation chat, an analytics chat and the model card behind one link.

`python demo.py [--host 127.0.0.1] [--port 7860] [--share] [--auth user:password]`; other settings come from
`.env` (see engine/settings.py). Two API endpoints, `/recommend` and `/analytics`, serve gradio_client.
"""
import argparse
import functools
import logging
import os
import sys

import gradio as gr

from core.errors import ChatError
from engine.session import ChatSession
from ui import handlers, render
from ui.labels import both, text

STYLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ui", "style.css")

RECOMMEND_EXAMPLES = [
    "35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요",
    "혼자 사는 27살 직장인이에요. 원룸 8평이고 공기청정기 추천해 주세요",
    "I'm 62, live with my wife in a 34-pyeong flat, budget about 40,000 won a month",
    "Family of five, 45 years old, looking for a dishwasher under 50k won",
]
ANALYTICS_EXAMPLES = [
    "총 정수기 사용자 알려줘",
    "제품별 사용자수를 그래프로 보여줘",
    "연령대별 식기세척기 사용자수를 그래프로 보여주고 쿼리도 보여줘",
    "What is the average monthly budget by product group?",
]


def _header() -> str:
    return (f'<div class="rc-header"><h1>{render.esc(text("title", "ko"))} · {render.esc(text("title", "en"))}</h1>'
            f'<p>{render.esc(text("subtitle", "ko"))}<br>{render.esc(text("subtitle", "en"))}</p></div>')


def _selector(engine, kind: str, entries: list[dict]) -> gr.Dropdown:
    default = engine.settings.vectorizer if kind == "vectorizer" else engine.settings.sql_generator
    choices = render.backend_choices(entries)
    known = {value for _, value in choices}
    return gr.Dropdown(choices=choices, value=default if default in known else None, label=both(kind),
                       interactive=True, elem_id=f"backend-{kind}")


def _chat(label_key: str, elem_id: str) -> gr.Chatbot:
    return gr.Chatbot(label=both(label_key), height=480, elem_id=elem_id, sanitize_html=True, allow_tags=False,
                      latex_delimiters=[], feedback_options=None, buttons=["copy"], layout="bubble")


def _chat_inputs(placeholder_key: str, elem_id: str):
    message = gr.Textbox(label=both("message"), placeholder=both(placeholder_key, sep="\n"), lines=2, max_lines=6,
                         elem_id=elem_id, submit_btn=False)
    with gr.Row():
        send = gr.Button(both("send"), variant="primary", elem_id=f"{elem_id}-send")
        stop = gr.Button(both("stop"), variant="stop", visible=False, elem_id=f"{elem_id}-stop")
        clear = gr.Button(both("clear"), variant="secondary", elem_id=f"{elem_id}-clear")
    return message, send, stop, clear


def _stop_key(request: gr.Request | None, tab: str) -> tuple:
    """One running turn per browser session and tab: what the stop button stops."""
    return getattr(request, "session_hash", None), tab


def _hide():
    return gr.update(visible=False)


def _wire_turn(stream, tab: str, message, send, stop, chat, inputs: list, outputs: list, network: dict) -> list:
    """Send and Enter start a streamed turn; the stop button cancels it and closes its bubble. Returns the
    turn's events, for anything else that must cancel them."""
    def turn(text, history, session, backend, request: gr.Request):
        yield from stream(text, history, session, backend, stop_key=_stop_key(request, tab))

    def stop_turn(history, request: gr.Request):
        return handlers.stop_turn(history, _stop_key(request, tab))

    # Shown at once, so the first visible change does not wait for a round trip of its own.
    events = [trigger(turn, inputs, outputs, concurrency_id=tab, show_progress="hidden", **network)
              for trigger in (message.submit, send.click)]
    stop.click(stop_turn, [chat], [chat, stop], cancels=events, api_visibility="private")
    return events


def _recommend_tab(engine, vectorizer: gr.Dropdown, network: dict) -> None:
    session = gr.State(ChatSession())
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = _chat("chat_recommend", "recommend-chat")
            message, send, stop, clear = _chat_inputs("input_recommend", "recommend-input")
            gr.Examples(RECOMMEND_EXAMPLES, inputs=[message], label=both("examples"), api_visibility="private")
        with gr.Column(scale=2):
            with gr.Accordion(both("show_vector"), open=True):
                panel = gr.HTML(render.empty_panel("panel_empty_vector"), elem_id="vector-panel")
    turns = _wire_turn(functools.partial(handlers.recommend_stream, engine), "recommend", message, send, stop, chat,
                       [message, chat, session, vectorizer], [chat, message, session, panel, stop], network)
    for trigger in (clear.click, chat.clear):  # the chat's own trash icon must forget carried facts too
        trigger(handlers.clear_recommend, None, [chat, message, session, panel], api_visibility="private",
                cancels=turns).then(_hide, None, [stop], api_visibility="private")


def _analytics_tab(engine, sql_generator: gr.Dropdown, network: dict) -> None:
    session = gr.State(ChatSession())
    chart_spec = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = _chat("chat_analytics", "analytics-chat")
            message, send, stop, clear = _chat_inputs("input_analytics", "analytics-input")
            gr.Examples(ANALYTICS_EXAMPLES, inputs=[message], label=both("examples"), api_visibility="private")
        with gr.Column(scale=2):
            with gr.Accordion(both("show_sql"), open=True):
                sql = gr.Code(language="sql", label=both("sql_code"), interactive=True, lines=3, max_lines=8,
                              wrap_lines=True, elem_id="analytics-sql")
                run = gr.Button(both("run_sql"), variant="secondary", elem_id="analytics-run-sql")
                table = gr.Dataframe(label=both("result_table"), interactive=False, max_height=300,
                                     elem_id="analytics-table", visible=False)
                download = gr.DownloadButton(both("csv"), visible=False, size="sm", elem_id="analytics-csv")
                bar = gr.BarPlot(visible=False, label=both("chart"), elem_id="analytics-bar")
                line = gr.LinePlot(visible=False, label=both("chart"), elem_id="analytics-line")
                pie = gr.HTML(visible=False, elem_id="analytics-pie")
                with gr.Accordion(both("kb_examples"), open=False):
                    examples = gr.HTML(render.empty_panel("panel_empty_examples"), elem_id="analytics-examples")
    outputs = [chat, message, session, sql, examples, table, download, bar, line, pie, chart_spec]
    turns = _wire_turn(functools.partial(handlers.analytics_stream, engine), "analytics", message, send, stop, chat,
                       [message, chat, session, sql_generator], [*outputs, stop], network)
    run.click(functools.partial(handlers.run_edited_sql, engine), [sql, chat, chart_spec],
              [chat, table, download, bar, line, pie], api_visibility="private", concurrency_limit=2)
    for trigger in (clear.click, chat.clear):
        trigger(handlers.clear_analytics, None, outputs, api_visibility="private", cancels=turns).then(
            _hide, None, [stop], api_visibility="private")


def _model_tab(demo: gr.Blocks, engine) -> None:
    gr.Markdown(f"### {text('model_intro', 'ko')}\n{text('model_intro', 'en')}", elem_id="model-intro")
    card = gr.Markdown(elem_id="model-card")
    with gr.Row(equal_height=True):
        image = {"interactive": False, "visible": False, "buttons": ["fullscreen"], "height": 460}
        history = gr.Image(label=both("training_history"), **image)
        confusion = gr.Image(label=both("confusion_matrix"), **image)
    demo.load(functools.partial(handlers.model_view, engine.settings.model_path), None, [card, history, confusion],
              api_visibility="private")


def _api(engine, network: dict) -> None:
    def recommend(message: str) -> tuple[str, dict]:
        """Recommend products for one customer message; returns the reply and the vector trace."""
        return handlers.api_recommend(engine, message)

    def analytics(message: str) -> tuple[str, dict]:
        """Answer one analytics question with a safe SELECT; returns the answer and the SQL trace."""
        return handlers.api_analytics(engine, message)

    gr.api(recommend, api_name="recommend", concurrency_id="api-recommend", **network)
    gr.api(analytics, api_name="analytics", concurrency_id="api-analytics", **network)


def build_demo(engine) -> gr.Blocks:
    """The whole app for one engine; every browser session gets its own chat histories and ChatSessions."""
    status = engine.backend_status()
    network = {"concurrency_limit": engine.settings.network_concurrency}
    with gr.Blocks(title=f"{text('title', 'ko')} · {text('title', 'en')}", analytics_enabled=False) as demo:
        gr.HTML(_header())
        with gr.Accordion("백엔드 / Backends", open=False):
            with gr.Row():
                vectorizer = _selector(engine, "vectorizer", status["vectorizers"])
                sql_generator = _selector(engine, "sql_generator", status["sql_generators"])
        initial = handlers.backend_banner(engine, vectorizer.value, sql_generator.value)
        banner = gr.HTML(initial["value"], visible=initial["visible"], elem_id="backend-banner")
        for selector in (vectorizer, sql_generator):
            selector.change(functools.partial(handlers.backend_banner, engine), [vectorizer, sql_generator], banner,
                            api_visibility="private")
        with gr.Tabs():
            with gr.Tab(both("tab_recommend"), id="recommend"):
                _recommend_tab(engine, vectorizer, {**network, "api_visibility": "private"})
            with gr.Tab(both("tab_analytics"), id="analytics"):
                _analytics_tab(engine, sql_generator, {**network, "api_visibility": "private"})
            with gr.Tab(both("tab_model"), id="model"):
                _model_tab(demo, engine)
        _api(engine, network)
    demo.queue(max_size=engine.settings.queue_max_size)
    return demo


def launch(demo: gr.Blocks, settings, **overrides):
    """Launch with the project's theme and styles; `overrides` go straight to Blocks.launch."""
    options = {"server_name": settings.host, "server_port": settings.port, "share": settings.share,
               "auth": auth_pair(settings),
               "theme": gr.themes.Soft(primary_hue="teal"), "css_paths": [STYLE_FILE], "footer_links": ["api"],
               **overrides}
    return demo.launch(**options)


def auth_pair(settings) -> tuple[str, str] | None:
    """`user:password` from --auth or AUTH; anything else stops the launch rather than running unprotected."""
    if settings.auth is None:
        return None
    user, colon, password = settings.auth.get_secret_value().partition(":")
    if not (user and colon and password):
        raise SystemExit("--auth (or AUTH in .env) must look like user:password")
    return user, password


def share_warning(settings) -> str | None:
    """A public link with no password lets anyone on the internet use the app and its backends."""
    if settings.share and settings.auth is None:
        return "WARNING: --share publishes a public link without a password; add --auth user:password."
    return None


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 exposes it on the network)")
    parser.add_argument("--port", type=int)
    parser.add_argument("--share", action="store_true", default=None, help="create a public gradio.live link")
    parser.add_argument("--auth", help="user:password required to open the app")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    from engine.app import Engine
    from engine.settings import load_settings

    args = _parse_args(argv)
    settings = load_settings(**{key: value for key, value in vars(args).items() if value is not None})
    auth_pair(settings)  # a malformed password fails here, before anything starts
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    warning = share_warning(settings)
    if warning:
        print(warning, file=sys.stderr)
    engine = Engine(settings)
    try:
        for kind in ("vectorizer", "sql_generator"):  # resolve now: a fallback is said at start-up, once
            engine.backend(kind)
    except ChatError as exc:
        raise SystemExit(exc.message("en")) from None
    try:  # loading the NumPy weights takes ~0.1 s: do it now so a missing model is said at start-up
        engine.recommender
    except ChatError as exc:
        print(f"WARNING: {exc.message('en')} The recommendation tab will say so until it is trained.", file=sys.stderr)
    launch(build_demo(engine), settings)


if __name__ == "__main__":
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry calls from a demo server
    main()
