"""The analysts' loop on the staff app: the feedback row under the analytics chat (thumbs up/down through
Chatbot.like, "Save as example") and the knowledge-base review page. Every event refuses a caller who is not
signed in (the server already answers 401; StaffContext.staff checks again)."""
from __future__ import annotations

import gradio as gr

from core.errors import StaffOnly
from ui import kb_handlers
from ui.kb_labels import kb_both

PRIVATE = {"api_visibility": "private"}


def feedback_row() -> tuple[gr.Button, gr.HTML]:
    with gr.Row():
        save = gr.Button(kb_both("save_example"), variant="secondary", size="sm", elem_id="analytics-save-example")
    note = gr.HTML(visible=False, elem_id="analytics-kb-note")
    return save, note


def _guarded(context, fn, refused_outputs: int):
    """Runs `fn(desk, staff, *inputs)` for a signed-in caller; anyone else gets the refusal in the note. Gradio
    finds the gr.Request by a named parameter, so each arity gets a handler with named inputs."""
    def run(args, request):
        try:
            staff = context.staff(request)
        except StaffOnly as exc:
            note = kb_handlers._failed(exc)
            return note if refused_outputs == 1 else (*(gr.skip() for _ in range(refused_outputs - 1)), note)
        return fn(context.engine.knowledge, staff, *args)

    arity = fn.__code__.co_argcount - 2

    def one(a, request: gr.Request):
        return run((a,), request)

    def two(a, b, request: gr.Request):
        return run((a, b), request)

    def three(a, b, c, request: gr.Request):
        return run((a, b, c), request)

    def four(a, b, c, d, request: gr.Request):
        return run((a, b, c, d), request)

    return {1: one, 2: two, 3: three, 4: four}[arity]


def wire_feedback(context, chat: gr.Chatbot, sql: gr.Code, memory: gr.State, edited: gr.State, save: gr.Button,
                  note: gr.HTML, clear_triggers) -> None:
    save.click(_guarded(context, kb_handlers.save_example, 1), [memory, edited], [note], **PRIVATE)

    def liked(memory_value, sql_text, data: gr.LikeData, request: gr.Request):
        try:
            staff = context.staff(request)
        except StaffOnly as exc:
            return kb_handlers._failed(exc)
        span = len(data.value) if isinstance(data.value, list) else 1
        return kb_handlers.like(context.engine.knowledge, staff, data.index, data.liked, memory_value, sql_text,
                                span=span)

    # widgets.chat turns the feedback buttons off (the customer chat has none); a like listener needs them.
    chat.feedback_options = ("Like", "Dislike")
    chat.like(liked, [memory, sql], [note], **PRIVATE)
    for trigger in clear_triggers:
        trigger(lambda kept: (kb_handlers.cleared_memory(kept), None), [memory], [memory, edited], **PRIVATE)


def _open(desk, staff, ident):
    return kb_handlers.open_pair(desk, ident)


def review_tab(context) -> None:
    """List and search saved pairs and thumbs-down answers; open one, edit, re-run, approve or delete it."""
    with gr.Row():
        search = gr.Textbox(label=kb_both("search"), scale=3, elem_id="kb-search")
        status = gr.Radio([(kb_both("all"), "all"), ("pending", "pending"), ("approved", "approved")], value="all",
                          label=kb_both("status"), scale=2, elem_id="kb-status")
        refresh = gr.Button(kb_both("refresh"), scale=1, elem_id="kb-refresh")
    pairs = gr.Dataframe(headers=kb_handlers.PAIR_COLUMNS, label=kb_both("pairs"), interactive=False,
                         max_height=300, wrap=True, elem_id="kb-pairs")
    feedback = gr.Dataframe(headers=kb_handlers.FEEDBACK_COLUMNS, label=kb_both("thumbs_down"), interactive=False,
                            max_height=240, wrap=True, elem_id="kb-feedback")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            pair_id = gr.Number(label=kb_both("pair_id"), precision=0, elem_id="kb-pair-id")
            question = gr.Textbox(label=kb_both("question"), elem_id="kb-question")
            sql = gr.Code(language="sql", label="SQL", interactive=True, lines=3, elem_id="kb-sql")
            with gr.Row():
                buttons = {name: gr.Button(kb_both(name), size="sm", elem_id=f"kb-{name}",
                                           variant="stop" if name == "delete" else "secondary")
                           for name in ("open", "save_edits", "rerun", "approve", "delete")}
            note = gr.HTML(visible=False, elem_id="kb-note")
        with gr.Column(scale=2):
            result = gr.Dataframe(visible=False, interactive=False, max_height=300, elem_id="kb-result")

    def tables(search_text, status_value, request: gr.Request):
        try:
            context.staff(request)
        except StaffOnly:
            return gr.skip(), gr.skip()
        return kb_handlers.review_tables(context.engine.knowledge, search_text, status_value)

    listing = {"fn": tables, "inputs": [search, status], "outputs": [pairs, feedback], **PRIVATE}
    for trigger in (refresh.click, search.submit, status.change):
        trigger(**listing)
    pairs.select(kb_handlers.selected_id, [pairs], [pair_id], **PRIVATE).then(
        _guarded(context, _open, 4), [pair_id],
        [pair_id, question, sql, note], **PRIVATE)
    buttons["open"].click(_guarded(context, _open, 4),
                          [pair_id], [pair_id, question, sql, note], **PRIVATE)
    buttons["save_edits"].click(_guarded(context, kb_handlers.edit_pair, 1), [pair_id, question, sql], [note],
                                **PRIVATE).then(**listing)
    buttons["rerun"].click(_guarded(context, kb_handlers.rerun_pair, 2), [pair_id], [result, note], **PRIVATE)
    buttons["approve"].click(_guarded(context, kb_handlers.approve_pair, 1), [pair_id], [note], **PRIVATE).then(**listing)
    buttons["delete"].click(_guarded(context, kb_handlers.delete_pair, 1), [pair_id], [note], **PRIVATE).then(**listing)
    _glossary_section(context)
    return refresh, listing


def _glossary_section(context) -> None:
    """The reviewed file's terms and those staff proposed; a proposal takes effect once approved here."""
    with gr.Accordion(kb_both("glossary"), open=False) as section:
        terms = gr.Dataframe(headers=kb_handlers.TERM_COLUMNS, interactive=False, max_height=260, wrap=True,
                             elem_id="kb-terms")
        with gr.Row():
            term = gr.Textbox(label=kb_both("term"), elem_id="kb-term")
            aliases = gr.Textbox(label=kb_both("aliases"), elem_id="kb-term-aliases")
            condition = gr.Textbox(label=kb_both("condition"), placeholder="score >= 90", elem_id="kb-term-condition")
            description = gr.Textbox(label=kb_both("description"), elem_id="kb-term-description")
        with gr.Row():
            propose = gr.Button(kb_both("propose_term"), size="sm", elem_id="kb-term-propose")
            term_id = gr.Number(label=kb_both("term_id"), precision=0, elem_id="kb-term-id")
            approve = gr.Button(kb_both("approve_term"), size="sm", elem_id="kb-term-approve")
            delete = gr.Button(kb_both("delete_term"), size="sm", variant="stop", elem_id="kb-term-delete")
        note = gr.HTML(visible=False, elem_id="kb-term-note")

    def table(request: gr.Request):
        try:
            context.staff(request)
        except StaffOnly:
            return gr.skip()
        return kb_handlers.glossary_table(context.engine.knowledge)

    shown = {"fn": table, "inputs": None, "outputs": [terms], **PRIVATE}
    propose.click(_guarded(context, kb_handlers.propose_term, 1), [term, condition, aliases, description], [note],
                  **PRIVATE).then(**shown)
    approve.click(_guarded(context, kb_handlers.approve_term, 1), [term_id], [note], **PRIVATE).then(**shown)
    delete.click(_guarded(context, kb_handlers.delete_term, 1), [term_id], [note], **PRIVATE).then(**shown)
    terms.select(kb_handlers.selected_id, [terms], [term_id], **PRIVATE)
    section.expand(**shown)
