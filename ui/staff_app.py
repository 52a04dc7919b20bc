"""The staff app at `/staff/`: the analytics chat with the SQL editor, CSV export and charts, the model tab,
and the `/analytics` API. The server lets only signed-in staff reach it (see ui/staff_auth.py); each handler
checks again, and every request is written to the audit log under the signed-in name."""
from __future__ import annotations

import functools

import gradio as gr

from core.errors import StaffOnly
from engine.limits import TurnLimiter
from engine.session import ChatSession
from ui import analytics_handlers, analytics_tools, handlers, kb_handlers, render, staff_kb, staff_leads, widgets
from ui.downloads import DownloadStore
from ui.kb_labels import kb_both
from ui.labels import both, text
from ui.request_engine import RequestEngine
from ui.staff_auth import SESSION_COOKIE, STAFF_PATH, StaffGate

APP = "staff"
EXAMPLES = [
    "총 정수기 사용자 알려줘",
    "제품별 사용자수를 그래프로 보여줘",
    "연령대별 식기세척기 사용자수를 그래프로 보여주고 쿼리도 보여줘",
    "What is the average monthly budget by product group?",
]


class StaffContext:
    """What every staff handler needs from its request: who is asking, and where their CSVs go."""

    def __init__(self, engine, limiter: TurnLimiter, downloads: DownloadStore, gate: StaffGate):
        self.engine, self.limiter, self.downloads, self.gate = engine, limiter, downloads, gate

    def staff(self, request: gr.Request | None) -> str:
        user = getattr(request, "username", None)
        if not user:  # the server refuses such a caller already; a handler never trusts that alone
            raise StaffOnly()
        return user

    def engine_for(self, request: gr.Request | None) -> RequestEngine:
        return RequestEngine(self.engine, self.limiter, APP, request, staff=self.staff(request))

    def csv_link(self, request: gr.Request | None):
        owner = (getattr(request, "cookies", None) or {}).get(SESSION_COOKIE)
        if not owner:
            return None  # no browser session to tie the file to (an API call): the table only

        def link(columns: list, rows: list) -> str:
            return render.download_link(f"{STAFF_PATH}/download/{self.downloads.save_csv(columns, rows, owner)}")

        return link


def _refused(history, exc: Exception):
    return handlers.chat_history(history) + [{"role": "assistant", "content": handlers.error_message(exc, None)}]


def _analytics_tab(context: StaffContext, sql_generator: gr.Dropdown, network: dict) -> None:
    session = gr.State(ChatSession())
    chart_spec = gr.State(None)
    result = gr.State(None)  # the result on show, what the chart switcher redraws
    memory = gr.State(kb_handlers.empty_memory())  # which question and SQL each answer came from; the history
    edited = gr.State(None)  # the edited SQL that produced the shown result, once it ran
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = widgets.chat("chat_analytics", "analytics-chat")
            message, send, stop, clear = widgets.chat_inputs("input_analytics", "analytics-input")
            save, note = staff_kb.feedback_row()
            asked = gr.Dataset(components=[gr.Textbox(visible=False)], samples=[], type="index", visible=False,
                               label=kb_both("history"), samples_per_page=8, elem_id="analytics-history")
            gr.Examples(EXAMPLES, inputs=[message], label=both("examples"), api_visibility="private")
        with gr.Column(scale=2):
            with gr.Accordion(both("show_sql"), open=True):
                sql = gr.Code(language="sql", label=both("sql_code"), interactive=True, lines=3, max_lines=8,
                              wrap_lines=True, elem_id="analytics-sql")
                run = gr.Button(both("run_sql"), variant="secondary", elem_id="analytics-run-sql")
                kind = gr.Radio(analytics_tools.chart_choices(), value=None, label=kb_both("chart_kind"),
                                elem_id="analytics-chart-kind")
                chart_note = gr.HTML(visible=False, elem_id="analytics-chart-note")
                table = gr.Dataframe(label=both("result_table"), interactive=False, max_height=300,
                                     elem_id="analytics-table", visible=False)
                download = gr.HTML(visible=False, elem_id="analytics-csv")
                bar = gr.BarPlot(visible=False, label=both("chart"), elem_id="analytics-bar")
                line = gr.LinePlot(visible=False, label=both("chart"), elem_id="analytics-line")
                pie = gr.HTML(visible=False, elem_id="analytics-pie")
                with gr.Accordion(both("kb_examples"), open=False):
                    examples = gr.HTML(render.empty_panel("panel_empty_examples"), elem_id="analytics-examples")
    outputs = [chat, message, session, sql, examples, table, download, bar, line, pie, chart_spec, result, kind]
    max_chars = context.engine.settings.max_input_chars

    def turn(text_in, history, state, backend, remembered, shown_as, request: gr.Request):
        try:
            engine = context.engine_for(request)
        except StaffOnly as exc:
            yield (*analytics_handlers.analytics_refused(history, state, exc), gr.skip(), gr.skip())
            return
        yield from kb_handlers.track_turn(
            analytics_handlers.analytics_stream(engine, text_in, history, state, backend,
                                                stop_key=widgets.stop_key(request, "analytics"),
                                                csv_link=context.csv_link(request), shown_as=shown_as),
            text_in, remembered, max_chars)

    def run_edited(sql_text, history, chart, chosen, request: gr.Request):
        try:
            engine = context.engine_for(request)
        except StaffOnly as exc:
            skip = gr.skip()
            return _refused(history, exc), skip, skip, skip, skip, skip, skip, skip
        view = analytics_handlers.run_edited_sql(engine, sql_text, history, chart, context.csv_link(request), chosen)
        return (*view, kb_handlers.edited_sql(view, sql_text))

    def switch(chosen, shown, state, request: gr.Request):
        context.staff(request)
        return analytics_tools.switch_chart(chosen, shown, state)

    turn_inputs = [message, chat, session, sql_generator, memory, kind]
    turn_outputs = [*outputs, stop, memory, edited]
    turns = widgets.wire_turn(turn, "analytics", message, send, stop, chat, turn_inputs, turn_outputs, network)
    # A chip under a refusal, or a question picked from the history, is sent as the analyst's next question.
    picked = [chat.option_select(handlers.option_text, None, [message], api_visibility="private"),
              asked.click(analytics_tools.pick_question, [asked, memory], [message], api_visibility="private")]
    turns += [event.success(turn, turn_inputs, turn_outputs, concurrency_id="analytics", show_progress="hidden",
                            **network) for event in picked]
    for event in turns:
        event.then(analytics_tools.history_samples, [memory], [asked], api_visibility="private")
    run.click(run_edited, [sql, chat, chart_spec, kind], [chat, table, download, bar, line, pie, result, edited],
              api_visibility="private", concurrency_limit=2)
    kind.input(switch, [kind, result, session], [bar, line, pie, chart_spec, session, chart_note, kind],
               api_visibility="private")
    for trigger in (clear.click, chat.clear):
        trigger(analytics_handlers.clear_analytics, None, outputs, api_visibility="private", cancels=turns).then(
            lambda: (gr.update(visible=False), gr.update(visible=False)), None, [stop, chart_note],
            api_visibility="private")
    staff_kb.wire_feedback(context, chat, sql, memory, edited, save, note, (clear.click, chat.clear))


def _model_tab(app: gr.Blocks, engine) -> None:
    gr.Markdown(f"### {text('model_intro', 'ko')}\n{text('model_intro', 'en')}", elem_id="model-intro")
    card = gr.Markdown(elem_id="model-card")
    with gr.Row(equal_height=True):
        image = {"interactive": False, "visible": False, "buttons": ["fullscreen"], "height": 460}
        history = gr.Image(label=both("training_history"), **image)
        confusion = gr.Image(label=both("confusion_matrix"), **image)
    app.load(functools.partial(handlers.model_view, engine.settings.model_path), None, [card, history, confusion],
             api_visibility="private")


def build_staff_app(engine, limiter: TurnLimiter, downloads: DownloadStore, gate: StaffGate) -> gr.Blocks:
    context = StaffContext(engine, limiter, downloads, gate)
    status = engine.backend_status()
    network = {"concurrency_limit": engine.settings.network_concurrency}
    with gr.Blocks(title=f"{text('staff_title', 'ko')} · {text('staff_title', 'en')}", analytics_enabled=False) as app:
        widgets.header("staff_title")
        who = gr.HTML(elem_id="staff-status")
        with gr.Accordion("백엔드 / Backends", open=False):
            sql_generator = widgets.selector(engine, "sql_generator", status["sql_generators"])
        initial = handlers.backend_banner(engine, None, sql_generator.value)
        banner = gr.HTML(initial["value"], visible=initial["visible"], elem_id="backend-banner")
        sql_generator.change(lambda name: handlers.backend_banner(engine, None, name), [sql_generator], banner,
                             api_visibility="private")
        with gr.Tabs():
            with gr.Tab(both("tab_analytics"), id="analytics"):
                _analytics_tab(context, sql_generator, {**network, "api_visibility": "private"})
            with gr.Tab(both("tab_model"), id="model"):
                _model_tab(app, engine)
            with gr.Tab(kb_both("tab_review"), id="review") as review:
                _, listing = staff_kb.review_tab(context)
            review.select(**listing)
            with gr.Tab("상담 요청 / Consultations", id="leads") as leads_tab:
                leads_listing = staff_leads.leads_tab(context)
            leads_tab.select(**leads_listing)

        def show_status(request: gr.Request) -> str:
            return render.staff_status(getattr(request, "username", None), gate.is_open())

        app.load(show_status, None, [who], api_visibility="private")

        def analytics(message: str, request: gr.Request) -> tuple[str, dict]:
            """Answer one analytics question with a safe SELECT; returns the answer and the SQL trace."""
            try:
                bounded = context.engine_for(request)
            except StaffOnly as exc:
                return exc.message("en"), exc.to_json("en")
            return handlers.api_analytics(bounded, message)

        gr.api(analytics, api_name="analytics", concurrency_id="api-analytics", **network)
    app.queue(max_size=engine.settings.queue_max_size)
    return app
