"""The Gradio web app: Chatt for politicians, Sök for revisorer, Dokument for administrators."""

from __future__ import annotations

import ipaddress
import logging
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from assistant.settings import Settings, UISettings
from corpus.metadata import normalize_dnr
from ui.assets import CASE_JS, CSS, HEADER, TRANSCRIPT_JS
from ui.conversation import (
    ALL,
    MODES,
    Conversation,
    friendly_error,
    make_filters,
    stream_turn,
    transcript_html,
)
from ui.desk import RESULT_HEADERS, case_html, chunks_csv, decisions_html, result_rows
from ui.documents import DOC_HEADERS, REPORT_HEADERS, document_rows, filter_choices, run_ingest
from ui.errors import LoginRequiredError
from ui.feedback import FeedbackStore
from ui.render import item_html

log = logging.getLogger(__name__)
SCROLL_TO = (
    "() => document.querySelector('{}')?.scrollIntoView({{behavior: 'smooth', block: 'start'}})"
)


@dataclass
class _Ctx:
    """What every tab's handlers share."""

    assistant: Any
    searcher: Any
    settings: Settings
    store: FeedbackStore
    exports: Path  # fresh CSV exports are written below here
    kommuner: list[str]
    committees: list[str]
    llm_lock: threading.Lock = field(
        default_factory=threading.Lock
    )  # one in-process LLM for all users


def build_app(assistant: Any, searcher: Any, settings: Settings) -> gr.Blocks:
    """The whole web app around one Assistant and Searcher; conversations are per browser session."""
    kommuner, committees = filter_choices(searcher)
    ctx = _Ctx(
        assistant,
        searcher,
        settings,
        FeedbackStore(settings.feedback_db),
        Path(tempfile.mkdtemp(prefix="namnd-export-")),
        kommuner,
        committees,
    )
    with gr.Blocks(title="Nämndassistenten", analytics_enabled=False) as app:
        gr.HTML(HEADER, head=f"<style>{CSS}</style>", apply_default_css=False)
        with gr.Tabs() as tabs:
            with gr.Tab("Chatt", id="chatt"):
                chat = _chat_layout(ctx)
            with gr.Tab("Sök", id="sok"):
                desk = _desk_layout(ctx)
            with gr.Tab("Dokument", id="dokument"):
                docs = _documents_layout(ctx)
        _chat_events(ctx, chat)
        _desk_events(ctx, desk)
        _documents_events(ctx, docs, [chat.kommun, chat.committee, desk.kommun, desk.committee])

        def open_case(evt: gr.EventData) -> tuple[Any, str, str]:
            return gr.Tabs(selected="sok"), evt.dnr, _case(searcher, evt.dnr)

        # A diarienummer anywhere (source card, timeline, beslut list) opens its case view.
        for source in (chat.transcript, desk.case_view, desk.decisions_view):
            source.open_case(open_case, None, [tabs, desk.dnr, desk.case_view]).then(
                None, js=SCROLL_TO.format("#case-view")
            )
    return app


# --- Chatt ---------------------------------------------------------------------------------------


def _chat_layout(ctx: _Ctx) -> SimpleNamespace:
    c = SimpleNamespace(conv=gr.State(Conversation()), feedback_id=gr.State(None))
    with gr.Row():
        with gr.Column(scale=4):
            c.transcript = gr.HTML(
                transcript_html(Conversation()),
                js_on_load=TRANSCRIPT_JS,
                elem_id="transcript",
                apply_default_css=False,
            )
            with gr.Row(equal_height=True):
                c.question = gr.Textbox(
                    placeholder="Skriv din fråga om nämndernas handlingar …",
                    show_label=False,
                    lines=1,
                    max_lines=6,
                    scale=6,
                    elem_id="question",
                    autofocus=True,
                )
                c.ask = gr.Button("Fråga", variant="primary", scale=1, elem_id="ask")
            with gr.Row(visible=False, elem_id="comment-row") as c.comment_row:
                c.comment = gr.Textbox(
                    placeholder="Vill du berätta mer? (valfritt)",
                    show_label=False,
                    scale=6,
                    elem_id="comment",
                )
                c.send_comment = gr.Button("Skicka kommentar", scale=1, elem_id="send-comment")
            with gr.Column(visible=False, elem_id="item-panel") as c.item_panel:
                with gr.Row():
                    gr.Markdown("### Hela ärendet")
                    c.close_item = gr.Button("Stäng", size="sm", scale=0)
                c.item_view = gr.HTML(elem_id="item-view", apply_default_css=False)
        with gr.Column(scale=1, min_width=250):
            c.mode = gr.Radio(
                list(MODES),
                value=_mode_label(ctx.settings.chat.mode),
                label="Svarsläge",
                elem_id="mode",
                info="Citat ur handlingarna svarar med ordagranna utdrag utan AI-text.",
            )
            c.kommun, c.committee, c.date_from, c.date_to = _filters(ctx, "chat")
            c.new_chat = gr.Button("Ny konversation", elem_id="new-chat")
            c.feedback_csv = gr.DownloadButton(
                "Exportera återkoppling (CSV)",
                size="sm",
                elem_id="feedback-csv",
                value=lambda: _feedback_csv(ctx),
            )
    return c


def _chat_events(ctx: _Ctx, c: SimpleNamespace) -> None:
    inputs = [c.question, c.conv, c.mode, c.kommun, c.committee, c.date_from, c.date_to]
    outputs = [c.transcript, c.conv, c.question]

    def answer(
        text: str,
        conv: Conversation,
        mode_label: str,
        kommun: str,
        committee: str,
        date_from: str,
        date_to: str,
        request: gr.Request,
    ) -> Iterator[tuple[str, Conversation, str]]:
        conv.session_id = conv.session_id or getattr(request, "session_hash", "") or "okänd"
        text = (text or "").strip()
        if not text:
            gr.Warning("Skriv en fråga först.")
            yield transcript_html(conv), conv, ""
            return
        try:
            filters = make_filters(kommun, committee, date_from, date_to)
        except ValueError as exc:
            gr.Warning(str(exc))
            yield transcript_html(conv), conv, text
            return
        mode = MODES.get(mode_label, "llm")
        needs_llm = mode == "llm" or ctx.settings.chat.condense_with_llm
        for _ in stream_turn(
            ctx.assistant, conv, text, filters, mode, ctx.llm_lock if needs_llm else None
        ):
            yield transcript_html(conv), conv, ""

    for trigger in (c.question.submit, c.ask.click):
        trigger(answer, inputs, outputs, concurrency_id="chat", show_progress="hidden")

    def use_example(evt: gr.EventData) -> str:
        return str(evt.text)

    c.transcript.example(use_example, None, c.question).then(
        answer, inputs, outputs, concurrency_id="chat", show_progress="hidden"
    )

    def reset(conv: Conversation) -> tuple[str, Conversation, Any, Any, None]:
        fresh = Conversation(session_id=conv.session_id)
        return (
            transcript_html(fresh),
            fresh,
            gr.update(visible=False),
            gr.update(visible=False),
            None,
        )

    c.new_chat.click(
        reset, c.conv, [c.transcript, c.conv, c.comment_row, c.item_panel, c.feedback_id]
    )

    def open_item(evt: gr.EventData) -> tuple[str, Any]:
        try:
            chunk = ctx.searcher.get_chunk(evt.chunk_id)
            html = (
                item_html(ctx.searcher.item_chunks(chunk), focus_chunk_id=evt.chunk_id)
                if chunk
                else None
            )
        except Exception as exc:
            log.exception("opening chunk %r failed", evt.chunk_id)
            html = _message(friendly_error(exc))
        return html or _message("Ärendet finns inte längre i arkivet."), gr.update(visible=True)

    c.transcript.open_item(open_item, None, [c.item_view, c.item_panel]).then(
        None, js=SCROLL_TO.format("#item-panel")
    )
    c.close_item.click(lambda: gr.update(visible=False), None, c.item_panel)

    def rate(
        conv: Conversation, evt: gr.EventData
    ) -> tuple[str, Conversation, Any, int | None, Any, str]:
        index = int(evt.turn)
        turn = conv.turns[index] if 0 <= index < len(conv.turns) else None
        if turn is None or turn.answer is None:
            return transcript_html(conv), conv, gr.update(), None, gr.update(), _feedback_csv(ctx)
        entry_id = ctx.store.record(
            session_id=conv.session_id or "okänd",
            rating=int(evt.rating),
            question=turn.question,
            answer=turn.answer,
        )
        turn.rating = int(evt.rating)
        return (
            transcript_html(conv),
            conv,
            gr.update(visible=True),
            entry_id,
            gr.update(value=""),
            _feedback_csv(ctx),
        )

    c.transcript.feedback(
        rate,
        c.conv,
        [c.transcript, c.conv, c.comment_row, c.feedback_id, c.comment, c.feedback_csv],
    )

    def save_comment(text: str, entry_id: int | None) -> tuple[Any, Any, str]:
        if entry_id is not None and text.strip():
            ctx.store.add_comment(entry_id, text)
            gr.Info("Tack! Kommentaren är sparad.")
        return gr.update(visible=False), gr.update(value=""), _feedback_csv(ctx)

    for trigger in (c.send_comment.click, c.comment.submit):
        trigger(
            save_comment, [c.comment, c.feedback_id], [c.comment_row, c.comment, c.feedback_csv]
        )


# --- Sök -----------------------------------------------------------------------------------------


def _desk_layout(ctx: _Ctx) -> SimpleNamespace:
    d = SimpleNamespace()
    with gr.Row(equal_height=True):
        d.query = gr.Textbox(
            placeholder="Sökord eller diarienummer, t.ex. SN/2022:557",
            show_label=False,
            scale=6,
            elem_id="search-query",
        )
        d.search = gr.Button("Sök", variant="primary", scale=1, elem_id="search")
    with gr.Row():
        d.kommun, d.committee, d.date_from, d.date_to = _filters(ctx, "search")
    d.info = gr.Markdown(
        "Sök på ord eller diarienummer. Klicka på en rad för att se hela ärendet över alla möten.",
        elem_id="search-info",
    )
    d.results = gr.Dataframe(
        headers=RESULT_HEADERS,
        datatype=["str"] * 5 + ["html"],
        interactive=False,
        wrap=True,
        max_height=520,
        elem_id="results",
        column_widths=["9%", "13%", "12%", "20%", "12%", "34%"],
    )
    d.results_csv = gr.DownloadButton(
        "Exportera träffar (CSV)", visible=False, size="sm", elem_id="results-csv"
    )
    with gr.Row(equal_height=True):
        d.dnr = gr.Textbox(
            label="Ärendevy: diarienummer",
            placeholder="t.ex. SN/2022:557",
            scale=6,
            elem_id="case-dnr",
        )
        d.show_case = gr.Button("Visa ärendet", scale=1, elem_id="show-case")
    d.case_view = gr.HTML(js_on_load=CASE_JS, elem_id="case-view", apply_default_css=False)
    with gr.Accordion("Alla beslut i perioden, per nämnd", open=False, elem_id="decisions-panel"):
        d.list_decisions = gr.Button("Visa beslut för valda filter", elem_id="list-decisions")
        d.decisions_view = gr.HTML(
            js_on_load=CASE_JS, elem_id="decisions-view", apply_default_css=False
        )
        d.decisions_csv = gr.DownloadButton(
            "Exportera beslut (CSV)", visible=False, size="sm", elem_id="decisions-csv"
        )
    return d


def _desk_events(ctx: _Ctx, d: SimpleNamespace) -> None:
    filters = [d.kommun, d.committee, d.date_from, d.date_to]
    outputs = [d.results, d.info, d.results_csv, d.dnr, d.case_view]

    def search(text: str, kommun: str, committee: str, date_from: str, date_to: str) -> tuple:
        text = (text or "").strip()
        nothing = ([], gr.update(visible=False), gr.update(), gr.update())
        if not text:
            return nothing[0], "Skriv ett sökord eller ett diarienummer.", *nothing[1:]
        try:
            hits = ctx.searcher.search(
                text, k=50, filters=make_filters(kommun, committee, date_from, date_to)
            )
        except ValueError as exc:
            return nothing[0], str(exc), *nothing[1:]
        except Exception as exc:
            log.exception("search %r failed", text)
            return nothing[0], friendly_error(exc), *nothing[1:]
        csv_path = _write(ctx.exports, "traffar.csv", chunks_csv([h.chunk for h in hits]))
        info = f"**{len(hits)} träffar** för ”{text}”. Klicka på en rad för att öppna ärendet."
        dnr = normalize_dnr(text)  # a diarienummer also opens its case view at once
        return (
            result_rows(hits, text),
            info,
            gr.update(value=str(csv_path), visible=bool(hits)),
            dnr or gr.update(),
            _case(ctx.searcher, dnr) if dnr else gr.update(),
        )

    for trigger in (d.search.click, d.query.submit):
        trigger(search, [d.query, *filters], outputs, concurrency_id="search")

    def pick_row(evt: gr.SelectData) -> tuple[Any, str]:
        row = evt.row_value or []
        first = str(row[2]).split(",")[0].strip() if len(row) > 2 else ""
        if not first:
            return gr.update(), _message("Raden saknar diarienummer.")
        return first, _case(ctx.searcher, first)

    d.results.select(pick_row, None, [d.dnr, d.case_view]).then(
        None, js=SCROLL_TO.format("#case-view")
    )
    for trigger in (d.show_case.click, d.dnr.submit):
        trigger(lambda text: _case(ctx.searcher, text), d.dnr, d.case_view)

    def decisions(kommun: str, committee: str, date_from: str, date_to: str) -> tuple[str, Any]:
        try:
            chunks = ctx.searcher.decisions(make_filters(kommun, committee, date_from, date_to))
        except ValueError as exc:
            return _message(str(exc)), gr.update(visible=False)
        except Exception as exc:
            log.exception("listing decisions failed")
            return _message(friendly_error(exc)), gr.update(visible=False)
        path = _write(ctx.exports, "beslut.csv", chunks_csv(chunks))
        return decisions_html(chunks), gr.update(value=str(path), visible=bool(chunks))

    d.list_decisions.click(decisions, filters, [d.decisions_view, d.decisions_csv])


# --- Dokument ------------------------------------------------------------------------------------


def _documents_layout(ctx: _Ctx) -> SimpleNamespace:
    u = SimpleNamespace()
    gr.Markdown(
        "Lägg till kallelser, protokoll och tjänsteskrivelser (PDF, DOCX eller TXT). "
        "Oförändrade filer hoppas över och ändrade ersätter den tidigare versionen."
    )
    u.upload = gr.File(
        file_count="multiple",
        file_types=[".pdf", ".docx", ".txt"],
        label="Handlingar",
        elem_id="upload",
    )
    u.ingest = gr.Button("Lägg till i arkivet", variant="primary", elem_id="ingest")
    u.report = gr.Dataframe(
        headers=REPORT_HEADERS,
        interactive=False,
        wrap=True,
        visible=False,
        label="Resultat per fil",
        elem_id="ingest-report",
    )
    gr.Markdown("### Indexerade handlingar")
    u.documents = gr.Dataframe(
        value=lambda: document_rows(ctx.searcher),
        headers=DOC_HEADERS,
        interactive=False,
        wrap=True,
        elem_id="documents",
    )
    return u


def _documents_events(ctx: _Ctx, u: SimpleNamespace, dropdowns: list[Any]) -> None:
    def ingest_files(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        if not files:
            gr.Warning("Välj minst en fil att lägga till.")
            return (gr.update(),) * (3 + len(dropdowns))
        rows = run_ingest(
            [Path(f) for f in files],
            ctx.settings,
            ctx.searcher,
            lambda done, total, name: progress((done, total), desc=f"Läser in {name}"),
        )
        kommuner, committees = filter_choices(ctx.searcher)
        choices = [gr.update(choices=kommuner), gr.update(choices=committees)] * (
            len(dropdowns) // 2
        )
        return (
            gr.update(value=rows, visible=True),
            document_rows(ctx.searcher),
            gr.update(value=None),
            *choices,
        )

    u.ingest.click(
        ingest_files,
        u.upload,
        [u.report, u.documents, u.upload, *dropdowns],
        concurrency_id="ingest",
    )


# --- helpers -------------------------------------------------------------------------------------


def _filters(ctx: _Ctx, prefix: str) -> tuple[Any, Any, Any, Any]:
    """Kommun, nämnd and period widgets (the chat and the search desk each have their own)."""
    return (
        gr.Dropdown(ctx.kommuner, value=ALL, label="Kommun", elem_id=f"{prefix}-kommun"),
        gr.Dropdown(ctx.committees, value=ALL, label="Nämnd", elem_id=f"{prefix}-namnd"),
        gr.Textbox(
            label="Från", placeholder="t.ex. 2023 eller 2023-01-01", elem_id=f"{prefix}-from"
        ),
        gr.Textbox(label="Till", placeholder="t.ex. 2023-12-31", elem_id=f"{prefix}-to"),
    )


def _mode_label(mode: str) -> str:
    return next((label for label, value in MODES.items() if value == mode), "AI-svar")


def _message(text: str) -> str:
    return f'<div class="case-empty">{text}</div>'


def _case(searcher: Any, text: str | None) -> str:
    """The case timeline for a written diarienummer, or a friendly Swedish message."""
    text = (text or "").strip()
    canonical = normalize_dnr(text) if text else None
    if not canonical:
        return _message(
            f"”{text}” ser inte ut som ett diarienummer. Skriv t.ex. SN/2022:557 eller SN 2022:00557."
        )
    try:
        return case_html(canonical, searcher.case(canonical))
    except Exception as exc:
        log.exception("case view %r failed", canonical)
        return _message(friendly_error(exc))


def _write(directory: Path, name: str, text: str) -> Path:
    """A fresh export file per call (in its own folder, so the download keeps its friendly name)."""
    path = Path(tempfile.mkdtemp(dir=directory)) / name
    path.write_text(text, encoding="utf-8-sig")  # BOM: Excel then reads å, ä, ö correctly
    return path


def _feedback_csv(ctx: _Ctx) -> str:
    return str(ctx.store.export_csv(Path(tempfile.mkdtemp(dir=ctx.exports)) / "aterkoppling.csv"))


# --- serving -------------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1 and localhost: the only addresses served without a login."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def login_for(ui: UISettings, host: str) -> tuple[str, str] | None:
    """The (username, password) to require, or None on loopback without credentials."""
    if ui.username and ui.password:
        return ui.username, ui.password
    if is_loopback(host):
        return None
    raise LoginRequiredError(
        f"Refusing to listen on {host!r} without a login; set NAMND_UI__USERNAME and "
        "NAMND_UI__PASSWORD (or use --host 127.0.0.1)."
    )


def launch(
    app: gr.Blocks,
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    block: bool = True,
) -> None:
    """Start the server; a login is required whenever `host` is not a loopback address."""
    host = host or settings.ui.host
    auth = login_for(settings.ui, host)
    app.queue(default_concurrency_limit=2)
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
