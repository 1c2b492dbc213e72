"""What each control of the web app does, without gradio: typed values in, typed views out.

ui/app.py only lays out widgets and wires them to these methods; every decision (what to search,
which message to show, which file to export) is made here, where tests can call it directly.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.archive import Archive
from assistant.settings import Settings
from corpus.metadata import normalize_dnr
from index.types import Hit, SearchFilters
from ui.case_view import case_view_html
from ui.conversation import Conversation, message_body
from ui.desk import chunks_csv, decisions_html, result_rows
from ui.documents import document_rows, run_ingest
from ui.errors import InputError
from ui.feedback import FeedbackStore
from ui.inputs import Choices, Mode, parse_dnr, parse_mode, web_filters
from ui.messages import Message, error_message
from ui.render import item_html

if TYPE_CHECKING:
    from assistant.chat import Assistant

log = logging.getLogger(__name__)
SEARCH_HITS = 50  # rows in the search desk's table


@dataclass(frozen=True, slots=True)
class AskRequest:
    """A question ready for Assistant.stream: text, filters and answer mode all read."""

    question: str
    filters: SearchFilters
    mode: Mode
    needs_llm: bool  # waits for the one in-process model (backend 'local')


@dataclass(frozen=True, slots=True)
class SearchView:
    """The search desk after one search: table rows, the line above them, exports and the case."""

    info: str
    hits: tuple[Hit, ...] = ()
    rows: tuple[list[str], ...] = ()
    csv_path: Path | None = None
    dnr: str | None = None  # a query that is a diarienummer opens its case at once
    case_html: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionsView:
    html: str
    csv_path: Path | None = None


def message_html(message: Message | str) -> str:
    """A message in the case and item panels (their empty state)."""
    body = message_body(message if isinstance(message, Message) else Message(message))
    return f'<div class="case-empty">{body}</div>'


@dataclass
class Actions:
    """The web app's collaborators and one method per control; shared by every browser session."""

    assistant: Assistant
    archive: Archive
    settings: Settings
    store: FeedbackStore
    exports: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="namnd-export-")))
    llm_lock: threading.Lock = field(default_factory=threading.Lock)  # one in-process LLM for all users

    @classmethod
    def create(cls, assistant: Assistant, archive: Archive, settings: Settings) -> Actions:
        return cls(assistant, archive, settings, FeedbackStore(settings.feedback_db))

    def error(self, exc: BaseException) -> Message:
        return error_message(exc, self.settings.index)

    # --- Chatt ------------------------------------------------------------------------------

    def read_question(self, text: str | None, mode: str | None, *filter_values: str | None) -> AskRequest:
        """The question, filters and mode as typed; raises InputError with a Swedish message."""
        question = (text or "").strip()
        if not question:
            raise InputError("Skriv en fråga först.")
        chosen = parse_mode(mode) or parse_mode(self.settings.chat.mode) or "extractive"
        # The in-process llama.cpp context is not thread-safe: one user at a time, except with the batched
        # backend, whose one worker thread interleaves up to n_parallel questions (docs/performance.md).
        needs_llm = (chosen == "llm" or self.settings.chat.condense_with_llm) and \
            self.settings.chat.backend == "local"
        return AskRequest(question, web_filters(*filter_values), chosen, needs_llm)

    def open_item(self, chunk_id: str) -> str:
        """The whole ärende of a cited chunk, the chunk marked."""
        try:
            chunk = self.archive.get_chunk(chunk_id)
            if chunk is None:
                return message_html("Ärendet finns inte längre i arkivet.")
            return item_html(self.archive.item_chunks(chunk), focus_chunk_id=chunk_id)
        except Exception as exc:
            log.exception("opening chunk %r failed", chunk_id)
            return message_html(self.error(exc))

    def rate(self, conv: Conversation, index: int, rating: int) -> int | None:
        """Store a thumbs up (+1) or down (-1) on a finished turn; returns the feedback id."""
        turn = conv.turns[index] if 0 <= index < len(conv.turns) else None
        if turn is None or turn.answer is None or rating not in (-1, 1):
            return None
        turn.rating = rating
        return self.store.record(session_id=conv.session_id or "okänd", rating=rating,
                                 question=turn.question, answer=turn.answer)

    def comment(self, text: str | None, entry_id: int | None) -> bool:
        """Attach a comment to a stored rating; False when there is nothing to save."""
        if entry_id is None or not (text or "").strip():
            return False
        self.store.add_comment(entry_id, text or "")
        return True

    def feedback_csv(self) -> str:
        return str(self.store.export_csv(self._fresh_dir() / "aterkoppling.csv"))

    # --- Sök --------------------------------------------------------------------------------

    def search(self, text: str | None, *filter_values: str | None) -> SearchView:
        """Hits for the query under the filters; a diarienummer also opens its case view."""
        query = (text or "").strip()
        if not query:
            return SearchView("Skriv ett sökord eller ett diarienummer.")
        try:
            hits = tuple(self.archive.search(query, k=SEARCH_HITS, filters=web_filters(*filter_values)))
        except Exception as exc:
            if not isinstance(exc, InputError):
                log.exception("search %r failed", query)
            return SearchView(str(self.error(exc)))
        csv_path = self._export("traffar.csv", chunks_csv([h.chunk for h in hits])) if hits else None
        dnr = normalize_dnr(query)
        return SearchView(
            f"**{len(hits)} träffar** för ”{query}”. Klicka på en rad för att öppna ärendet.",
            hits, tuple(result_rows(hits, query)), csv_path, dnr, self.case(dnr) if dnr else None,
        )

    def case(self, text: str | None) -> str:
        """The case timeline for a written diarienummer, or a Swedish message."""
        try:
            dnr = parse_dnr(text)
            if dnr is None:
                raise InputError("Skriv ett diarienummer, t.ex. SN/2022:557.")
            return case_view_html(dnr, self.archive)
        except Exception as exc:
            if not isinstance(exc, InputError):
                log.exception("case view %r failed", text)
            return message_html(self.error(exc))

    def row_case(self, row: Sequence[object]) -> tuple[str | None, str]:
        """The diarienummer of a clicked result row (its first) and that case's view."""
        first = str(row[2]).split(",")[0].strip() if len(row) > 2 else ""
        if not first:
            return None, message_html("Raden saknar diarienummer.")
        return first, self.case(first)

    def decisions(self, *filter_values: str | None) -> DecisionsView:
        """Every beslut under the filters, grouped per nämnd, with a CSV export."""
        try:
            chunks = self.archive.decisions(web_filters(*filter_values))
        except Exception as exc:
            if not isinstance(exc, InputError):
                log.exception("listing decisions failed")
            return DecisionsView(message_html(self.error(exc)))
        path = self._export("beslut.csv", chunks_csv(chunks)) if chunks else None
        return DecisionsView(decisions_html(chunks), path)

    # --- Dokument ---------------------------------------------------------------------------

    def ingest(self, files: Sequence[Path], progress: Callable[[int, int, str], None] | None = None
               ) -> list[list[str]]:
        """Report rows for uploaded files (see ui.documents.run_ingest)."""
        return run_ingest(files, self.settings, self.archive.embedder, progress)

    def documents(self) -> list[list[str]]:
        return document_rows(self.archive)

    def choices(self, read: Callable[[Archive], Choices]) -> Choices:
        """A filter dropdown's choices; only 'Alla' while the archive cannot be read."""
        try:
            return read(self.archive)
        except Exception:
            log.info("no filter choices yet", exc_info=True)
            return [("Alla", "Alla")]

    # --- exports ----------------------------------------------------------------------------

    def _fresh_dir(self) -> Path:
        # One folder per export, so the download keeps its friendly name.
        return Path(tempfile.mkdtemp(dir=self.exports))

    def _export(self, name: str, text: str) -> Path:
        path = self._fresh_dir() / name
        path.write_text(text, encoding="utf-8-sig")  # BOM: Excel then reads å, ä, ö correctly
        return path
