"""The Gradio web app: Chatt for politicians, Sök for revisorer, Dokument for administrators.

The only gradio module: it lays out widgets (typed dataclasses below) and wires their events to
ui.actions.Actions, which decides everything without gradio. Filters come from ui.inputs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.archive import Archive
from assistant.settings import Settings
from ui.actions import Actions, SearchView
from ui.assets import CASE_JS, CSS, HEADER, TRANSCRIPT_JS
from ui.conversation import Conversation, stream_turn, transcript_html
from ui.desk import RESULT_HEADERS
from ui.documents import DOC_HEADERS, REPORT_HEADERS
from ui.errors import InputError
from ui.inputs import MODE_LABELS, WEB_FILTERS, FilterField
from ui.login import login_for

if TYPE_CHECKING:
    from assistant.chat import Assistant

log = logging.getLogger(__name__)
SCROLL_TO = "() => document.querySelector('{}')?.scrollIntoView({{behavior: 'smooth', block: 'start'}})"
HIDE = {"visible": False}


@dataclass(frozen=True)
class FilterWidgets:
    """One widget per ui.inputs.WEB_FILTERS field, in that order (handlers read them as *values)."""

    widgets: tuple[gr.Dropdown | gr.Textbox, ...]

    def dropdowns(self) -> list[tuple[FilterField, gr.Dropdown]]:
        return [(f, w) for f, w in zip(WEB_FILTERS, self.widgets, strict=True) if isinstance(w, gr.Dropdown)]


@dataclass(frozen=True)
class ChatWidgets:
    conv: gr.State
    feedback_id: gr.State
    transcript: gr.HTML
    question: gr.Textbox
    ask: gr.Button
    comment_row: gr.Row
    comment: gr.Textbox
    send_comment: gr.Button
    item_panel: gr.Column
    close_item: gr.Button
    item_view: gr.HTML
    mode: gr.Radio
    filters: FilterWidgets
    new_chat: gr.Button
    feedback_csv: gr.DownloadButton


@dataclass(frozen=True)
class DeskWidgets:
    query: gr.Textbox
    search: gr.Button
    filters: FilterWidgets
    info: gr.Markdown
    results: gr.Dataframe
    results_csv: gr.DownloadButton
    dnr: gr.Textbox
    show_case: gr.Button
    case_view: gr.HTML
    list_decisions: gr.Button
    decisions_view: gr.HTML
    decisions_csv: gr.DownloadButton


@dataclass(frozen=True)
class DocumentWidgets:
    upload: gr.File
    ingest: gr.Button
    report: gr.Dataframe
    documents: gr.Dataframe


def build_app(assistant: Assistant, archive: Archive, settings: Settings) -> gr.Blocks:
    """The whole web app around one Assistant and archive; conversations are per browser session."""
    actions = Actions.create(assistant, archive, settings)
    with gr.Blocks(title="Nämndassistenten", analytics_enabled=False) as app:
        gr.HTML(HEADER, head=f"<style>{CSS}</style>", apply_default_css=False)
        with gr.Tabs() as tabs:
            with gr.Tab("Chatt", id="chatt"):
                chat = _chat_layout(actions)
            with gr.Tab("Sök", id="sok"):
                desk = _desk_layout(actions)
            with gr.Tab("Dokument", id="dokument"):
                docs = _documents_layout(actions)
        _chat_events(actions, chat)
        _feedback_events(actions, chat)
        _desk_events(actions, desk)
        _documents_events(actions, docs, [chat.filters, desk.filters])

        def open_case(evt: gr.EventData) -> tuple[Any, str, str]:
            return gr.Tabs(selected="sok"), evt.dnr, actions.case(evt.dnr)

        # A diarienummer anywhere (source card, timeline, beslut list) opens its case view.
        for source in (chat.transcript, desk.case_view, desk.decisions_view):
            source.open_case(open_case, None, [tabs, desk.dnr, desk.case_view]).then(
                None, js=SCROLL_TO.format("#case-view"))
    return app


# --- layout ----------------------------------------------------------------------------------


def _filters(actions: Actions, prefix: str) -> FilterWidgets:
    """The filter widgets of one tab (the chat and the search desk each have their own)."""
    widgets: list[gr.Dropdown | gr.Textbox] = []
    for f in WEB_FILTERS:
        elem_id = f"{prefix}-{f.flag}"
        if f.choices is not None:
            widgets.append(gr.Dropdown(actions.choices(f.choices), value="Alla", label=f.label, elem_id=elem_id))
        else:
            widgets.append(gr.Textbox(label=f.label, placeholder=f.placeholder, elem_id=elem_id))
    return FilterWidgets(tuple(widgets))


def _chat_layout(actions: Actions) -> ChatWidgets:
    conv, feedback_id = gr.State(Conversation()), gr.State(None)
    with gr.Row():
        with gr.Column(scale=4):
            transcript = gr.HTML(transcript_html(Conversation()), js_on_load=TRANSCRIPT_JS, elem_id="transcript",
                                 apply_default_css=False)
            with gr.Row(equal_height=True):
                question = gr.Textbox(placeholder="Skriv din fråga om nämndernas handlingar …", show_label=False,
                                      lines=1, max_lines=6, scale=6, elem_id="question", autofocus=True)
                ask = gr.Button("Fråga", variant="primary", scale=1, elem_id="ask")
            with gr.Row(visible=False, elem_id="comment-row") as comment_row:
                comment = gr.Textbox(placeholder="Vill du berätta mer? (valfritt)", show_label=False, scale=6,
                                     elem_id="comment")
                send_comment = gr.Button("Skicka kommentar", scale=1, elem_id="send-comment")
            with gr.Column(visible=False, elem_id="item-panel") as item_panel:
                with gr.Row():
                    gr.Markdown("### Hela ärendet")
                    close_item = gr.Button("Stäng", size="sm", scale=0)
                item_view = gr.HTML(elem_id="item-view", apply_default_css=False)
        with gr.Column(scale=1, min_width=250):
            mode = gr.Radio([(label, value) for value, label in MODE_LABELS.items()],
                            value=actions.settings.chat.mode, label="Svarsläge", elem_id="mode",
                            info="Citat ur handlingarna svarar med ordagranna utdrag utan AI-text.")
            filters = _filters(actions, "chat")
            new_chat = gr.Button("Ny konversation", elem_id="new-chat")
            feedback_csv = gr.DownloadButton("Exportera återkoppling (CSV)", size="sm", elem_id="feedback-csv",
                                             value=actions.feedback_csv)
    return ChatWidgets(conv, feedback_id, transcript, question, ask, comment_row, comment, send_comment,
                       item_panel, close_item, item_view, mode, filters, new_chat, feedback_csv)


def _desk_layout(actions: Actions) -> DeskWidgets:
    with gr.Row(equal_height=True):
        query = gr.Textbox(placeholder="Sökord eller diarienummer, t.ex. SN/2022:557", show_label=False, scale=6,
                           elem_id="search-query")
        search = gr.Button("Sök", variant="primary", scale=1, elem_id="search")
    with gr.Row():
        filters = _filters(actions, "search")
    info = gr.Markdown("Sök på ord eller diarienummer. Klicka på en rad för att se hela ärendet över alla möten.",
                       elem_id="search-info")
    results = gr.Dataframe(headers=RESULT_HEADERS, datatype=["str"] * 5 + ["html"], interactive=False, wrap=True,
                           max_height=520, elem_id="results",
                           column_widths=["9%", "13%", "12%", "20%", "12%", "34%"])
    results_csv = gr.DownloadButton("Exportera träffar (CSV)", visible=False, size="sm", elem_id="results-csv")
    with gr.Row(equal_height=True):
        dnr = gr.Textbox(label="Ärendevy: diarienummer", placeholder="t.ex. SN/2022:557", scale=6,
                         elem_id="case-dnr")
        show_case = gr.Button("Visa ärendet", scale=1, elem_id="show-case")
    case_view = gr.HTML(js_on_load=CASE_JS, elem_id="case-view", apply_default_css=False)
    with gr.Accordion("Alla beslut i perioden, per nämnd", open=False, elem_id="decisions-panel"):
        list_decisions = gr.Button("Visa beslut för valda filter", elem_id="list-decisions")
        decisions_view = gr.HTML(js_on_load=CASE_JS, elem_id="decisions-view", apply_default_css=False)
        decisions_csv = gr.DownloadButton("Exportera beslut (CSV)", visible=False, size="sm",
                                          elem_id="decisions-csv")
    return DeskWidgets(query, search, filters, info, results, results_csv, dnr, show_case, case_view,
                       list_decisions, decisions_view, decisions_csv)


def _documents_layout(actions: Actions) -> DocumentWidgets:
    gr.Markdown("Lägg till kallelser, protokoll och tjänsteskrivelser (PDF, DOCX eller TXT). "
                "Oförändrade filer hoppas över och ändrade ersätter den tidigare versionen.")
    upload = gr.File(file_count="multiple", file_types=[".pdf", ".docx", ".txt"], label="Handlingar",
                     elem_id="upload")
    ingest = gr.Button("Lägg till i arkivet", variant="primary", elem_id="ingest")
    report = gr.Dataframe(headers=REPORT_HEADERS, interactive=False, wrap=True, visible=False,
                          label="Resultat per fil", elem_id="ingest-report")
    gr.Markdown("### Indexerade handlingar")
    documents = gr.Dataframe(value=actions.documents, headers=DOC_HEADERS, interactive=False, wrap=True,
                             elem_id="documents")
    return DocumentWidgets(upload, ingest, report, documents)


# --- events ----------------------------------------------------------------------------------


def _chat_events(actions: Actions, c: ChatWidgets) -> None:
    inputs = [c.question, c.conv, c.mode, *c.filters.widgets]
    outputs = [c.transcript, c.conv, c.question]

    def answer(request: gr.Request, text: str, conv: Conversation, mode: str,
               *values: str) -> Iterator[tuple[str, Conversation, str]]:
        conv.session_id = conv.session_id or getattr(request, "session_hash", "") or "okänd"
        try:
            ask = actions.read_question(text, mode, *values)
        except InputError as exc:
            gr.Warning(str(exc))
            yield transcript_html(conv), conv, text or ""
            return
        lock = actions.llm_lock if ask.needs_llm else None
        for _ in stream_turn(actions.assistant, conv, ask.question, ask.filters, ask.mode, lock,
                             actions.settings.index):
            yield transcript_html(conv), conv, ""

    for trigger in (c.question.submit, c.ask.click):
        trigger(answer, inputs, outputs, concurrency_id="chat", show_progress="hidden")
    def use_example(evt: gr.EventData) -> str:
        return str(evt.text)

    c.transcript.example(use_example, None, c.question).then(
        answer, inputs, outputs, concurrency_id="chat", show_progress="hidden")

    def reset(conv: Conversation) -> tuple[str, Conversation, Any, Any, None]:
        fresh = Conversation(session_id=conv.session_id)
        return transcript_html(fresh), fresh, gr.update(**HIDE), gr.update(**HIDE), None

    c.new_chat.click(reset, c.conv, [c.transcript, c.conv, c.comment_row, c.item_panel, c.feedback_id])

    def open_item(evt: gr.EventData) -> tuple[str, Any]:
        return actions.open_item(str(evt.chunk_id)), gr.update(visible=True)

    c.transcript.open_item(open_item, None, [c.item_view, c.item_panel]).then(
        None, js=SCROLL_TO.format("#item-panel"))
    c.close_item.click(lambda: gr.update(**HIDE), None, c.item_panel)


def _feedback_events(actions: Actions, c: ChatWidgets) -> None:
    def rate(conv: Conversation, evt: gr.EventData) -> tuple[str, Conversation, Any, int | None, Any, str]:
        entry_id = actions.rate(conv, int(evt.turn), int(evt.rating))
        shown = gr.update(visible=entry_id is not None)
        return transcript_html(conv), conv, shown, entry_id, gr.update(value=""), actions.feedback_csv()

    c.transcript.feedback(rate, c.conv, [c.transcript, c.conv, c.comment_row, c.feedback_id, c.comment,
                                         c.feedback_csv])

    def save_comment(text: str, entry_id: int | None) -> tuple[Any, Any, str]:
        if actions.comment(text, entry_id):
            gr.Info("Tack! Kommentaren är sparad.")
        return gr.update(**HIDE), gr.update(value=""), actions.feedback_csv()

    for trigger in (c.send_comment.click, c.comment.submit):
        trigger(save_comment, [c.comment, c.feedback_id], [c.comment_row, c.comment, c.feedback_csv])


def _search_updates(view: SearchView) -> tuple[Any, ...]:
    return (
        list(view.rows),
        view.info,
        gr.update(value=str(view.csv_path) if view.csv_path else None, visible=view.csv_path is not None),
        view.dnr if view.dnr else gr.update(),
        view.case_html if view.case_html is not None else gr.update(),
    )


def _desk_events(actions: Actions, d: DeskWidgets) -> None:
    filters = list(d.filters.widgets)
    outputs = [d.results, d.info, d.results_csv, d.dnr, d.case_view]

    def search(text: str, *values: str) -> tuple[Any, ...]:
        return _search_updates(actions.search(text, *values))

    for trigger in (d.search.click, d.query.submit):
        trigger(search, [d.query, *filters], outputs, concurrency_id="search")

    def pick_row(evt: gr.SelectData) -> tuple[Any, str]:
        dnr, html = actions.row_case(evt.row_value or [])
        return dnr or gr.update(), html

    d.results.select(pick_row, None, [d.dnr, d.case_view]).then(None, js=SCROLL_TO.format("#case-view"))
    for trigger in (d.show_case.click, d.dnr.submit):
        trigger(actions.case, d.dnr, d.case_view)

    def decisions(*values: str) -> tuple[str, Any]:
        view = actions.decisions(*values)
        path = str(view.csv_path) if view.csv_path else None
        return view.html, gr.update(value=path, visible=path is not None)

    d.list_decisions.click(decisions, filters, [d.decisions_view, d.decisions_csv])


def _documents_events(actions: Actions, u: DocumentWidgets, tabs: Sequence[FilterWidgets]) -> None:
    dropdowns = [pair for widgets in tabs for pair in widgets.dropdowns()]

    def ingest_files(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        if not files:
            gr.Warning("Välj minst en fil att lägga till.")
            return (gr.update(),) * (3 + len(dropdowns))
        rows = actions.ingest([Path(f) for f in files],
                              lambda done, total, name: progress((done, total), desc=f"Läser in {name}"))
        choices = [gr.update(choices=actions.choices(f.choices)) for f, _ in dropdowns if f.choices]
        return gr.update(value=rows, visible=True), actions.documents(), gr.update(value=None), *choices

    u.ingest.click(ingest_files, u.upload, [u.report, u.documents, u.upload, *(w for _, w in dropdowns)],
                   concurrency_id="ingest")


# --- serving ---------------------------------------------------------------------------------


def launch(app: gr.Blocks, settings: Settings, host: str | None = None, port: int | None = None,
           block: bool = True) -> None:
    """Start the server; a login is required whenever `host` is not a loopback address."""
    host = host or settings.ui.host
    auth = login_for(settings.ui, host)
    chat = settings.chat
    # Two chats at once; with the batched LLM backend as many as it interleaves (its n_parallel sequences).
    app.queue(default_concurrency_limit=max(2, chat.n_parallel) if chat.backend == "local-batched" else 2)
    app.launch(
        server_name=host,
        server_port=port or settings.ui.port,
        auth=auth,
        auth_message="Logga in för att använda Nämndassistenten.",
        prevent_thread_lock=not block,
        footer_links=[],
        theme=gr.themes.Default(primary_hue="blue"),  # also colours the login page
        quiet=not block,
    )


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Build the real Assistant and Searcher from settings and serve the app until interrupted."""
    from assistant.chat import Assistant  # heavy models load here, after the login check

    login_for(settings.ui, host or settings.ui.host)
    assistant = Assistant.from_settings(settings)
    launch(build_app(assistant, assistant.searcher, settings), settings, host, port)
