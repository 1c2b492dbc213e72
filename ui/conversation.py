"""One user's conversation: streaming a turn through the Assistant and rendering the transcript."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.types import Answer, FinalEvent, SourcesEvent, TokenEvent, Turn
from index.settings import IndexSettings
from index.types import Hit, SearchFilters
from ui.inputs import MODE_LABELS, Mode
from ui.messages import GENERIC_ERROR, Message, error_message
from ui.render import answer_html, esc, parts_html, plain_text, source_card

if TYPE_CHECKING:
    from assistant.chat import Assistant

log = logging.getLogger(__name__)


@dataclass
class TurnView:
    """A question and everything known so far about its answer (mutated while streaming)."""

    question: str
    mode: Mode
    filters: SearchFilters = field(default_factory=SearchFilters)
    hits: tuple[Hit, ...] = ()
    text: str = ""
    answer: Answer | None = None
    error: Message | None = None
    rating: int | None = None  # +1 / -1 once the user has judged the answer
    waiting: bool = False  # queued behind another user's AI-svar

    @property
    def done(self) -> bool:
        return self.answer is not None or self.error is not None


@dataclass
class Conversation:
    """The per-browser-session state kept in gr.State."""

    session_id: str = ""
    turns: list[TurnView] = field(default_factory=list)

    def history(self) -> tuple[Turn, ...]:
        """Completed turns, oldest first, as the Assistant expects them for follow-ups."""
        return tuple(
            Turn(t.question, t.answer, t.filters) for t in self.turns if t.answer is not None
        )


def stream_turn(
    assistant: Assistant,
    conv: Conversation,
    question: str,
    filters: SearchFilters,
    mode: Mode,
    llm_lock: threading.Lock | None = None,
    index: IndexSettings | None = None,
) -> Iterator[TurnView]:
    """Append a turn to `conv` and yield it after every streamed event; errors end as friendly text.

    `llm_lock` serialises users who need the one in-process LLM (llama.cpp is not thread-safe);
    extractive answers never wait for it. `index` lets a down Chroma server be named as such.
    """
    history = conv.history()
    turn = TurnView(question=question, mode=mode, filters=filters)
    conv.turns.append(turn)
    yield turn
    if llm_lock is not None and not llm_lock.acquire(blocking=False):
        turn.waiting = True
        yield turn
        llm_lock.acquire()
        turn.waiting = False
    try:
        for event in assistant.stream(question, history=history, filters=filters, mode=mode):
            if isinstance(event, SourcesEvent):
                turn.hits = tuple(event.hits)
            elif isinstance(event, TokenEvent):
                turn.text += event.text
            elif isinstance(event, FinalEvent):
                turn.answer = event.answer
                turn.text = event.answer.text
                if not event.answer.answered and event.answer.sources:
                    turn.hits = tuple(
                        event.answer.sources
                    )  # the closest sources, shown with a refusal
            yield turn
    except Exception as exc:
        log.exception("answering %r failed", question)
        turn.error = error_message(exc, index)
        yield turn
    finally:
        if llm_lock is not None:
            llm_lock.release()
    if not turn.done:
        turn.error = Message(GENERIC_ERROR)
        yield turn


def transcript_html(conv: Conversation) -> str:
    """The whole conversation as HTML: questions, answers with linked markers, source cards."""
    if not conv.turns:
        return _WELCOME
    return (
        '<div class="transcript">'
        + "".join(_turn_html(i, t) for i, t in enumerate(conv.turns))
        + "</div>"
    )


def _turn_html(index: int, turn: TurnView) -> str:
    numbers = range(1, len(turn.hits) + 1)
    quotes: dict[int, str] = {}
    if turn.answer is not None:
        by_chunk = {h.chunk.chunk_id: i + 1 for i, h in enumerate(turn.hits)}
        for c in turn.answer.citations:
            quotes[by_chunk.get(c.chunk_id, c.number)] = c.quote
    answered = turn.answer is None or turn.answer.answered
    cards = "".join(
        source_card(index, n, h.chunk, quotes.get(n), cited=(turn.answer is None or n in quotes))
        for n, h in zip(numbers, turn.hits, strict=False)
    )
    sources_label = "Källor" if answered else "Närmaste träffar i handlingarna"
    sources = (
        f'<div class="sources"><div class="sources-label">{sources_label} '
        f"({len(turn.hits)})</div>{cards}</div>"
        if turn.hits
        else ""
    )
    return (
        f'<div class="turn" data-turn="{index}"><div class="q-bubble">{esc(turn.question)}</div>'
        f"{_answer_block(index, turn, numbers)}{sources}</div>"
    )


def _answer_block(index: int, turn: TurnView, numbers: range) -> str:
    label = MODE_LABELS.get(turn.mode, "Svar")
    if turn.error is not None:
        return f'<div class="a-bubble error" role="alert"><div class="a-label">Fel</div>{message_body(turn.error)}</div>'
    if not turn.text:
        waiting = (
            "Väntar på att språkmodellen blir ledig …"
            if turn.waiting
            else "Skriver svar …"
            if turn.hits
            else "Söker i handlingarna …"
        )
        return (
            f'<div class="a-bubble pending"><div class="a-label">{label}</div>'
            f'<p class="typing">{waiting}</p></div>'
        )
    answer = turn.answer
    classes = (
        "a-bubble"
        + ("" if answer is None else " final")
        + (" refusal" if answer is not None and not answer.answered else "")
    )
    notice = f'<p class="notice">{esc(answer.notice)}</p>' if answer and answer.notice else ""
    if answer and answer.search_query and _words(answer.search_query) != _words(turn.question):
        # A follow-up is searched as a standalone question; show how it was understood.
        notice += f'<p class="query">Tolkad som: ”{esc(answer.search_query)}”</p>'
    body = answer_html(turn.text, index, numbers) + (parts_html(answer.parts, index, numbers) if answer else "")
    cursor = "" if answer else '<span class="cursor">▍</span>'
    actions = _actions(index, turn) if answer is not None else ""
    return f'<div class="{classes}"><div class="a-label">{label}</div>{notice}{body}{cursor}{actions}</div>'


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _actions(index: int, turn: TurnView) -> str:
    assert turn.answer is not None
    up = " chosen" if turn.rating == 1 else ""
    down = " chosen" if turn.rating == -1 else ""
    thanks = '<span class="thanks">Tack för återkopplingen!</span>' if turn.rating else ""
    return (
        '<div class="a-actions">'
        f'<button type="button" class="copy" data-turn="{index}">Kopiera svar med källor</button>'
        f'<button type="button" class="rate{up}" data-turn="{index}" data-rating="1" '
        f'title="Bra svar" aria-label="Tumme upp">{_THUMB_UP}</button>'
        f'<button type="button" class="rate{down}" data-turn="{index}" data-rating="-1" '
        f'title="Dåligt svar" aria-label="Tumme ned">{_THUMB_DOWN}</button>'
        f"{thanks}</div>"
        f'<textarea class="plain" readonly hidden>{esc(plain_text(turn.question, turn.answer))}</textarea>'
    )


_THUMB = (
    '<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round"{}><path d="M7 10v12"/><path d="M15 5.88 14 10h5.83a2 2 0 '
    "0 1 1.92 2.56l-2.33 8A2 2 0 0 1 17.5 22H4a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h2.76a2 2 0 0 0 1.79-1.11L12 "
    '2a3.13 3.13 0 0 1 3 3.88Z"/></svg>'
)
_THUMB_UP = _THUMB.format("")
_THUMB_DOWN = _THUMB.format(' style="transform: rotate(180deg)"')


def message_body(message: Message) -> str:
    """A failure as HTML: the Swedish text, then the technical detail in small print."""
    detail = f'<p class="detail">{esc(message.detail)}</p>' if message.detail else ""
    return f"<p>{esc(message.text)}</p>{detail}"


_WELCOME = """
<div class="welcome">
  <h2>Fråga om nämndernas handlingar</h2>
  <p>Ställ en fråga på svenska. Svaret bygger bara på kallelser, protokoll och tjänsteskrivelser
  i arkivet, och varje påstående har en källhänvisning [1] som du kan klicka på.</p>
  <p>Prova till exempel:</p>
  <ul>
    <li>Hur stort överskott hade socialnämnden 2022?</li>
    <li>Vad beslutade socialnämnden om verksamhetsberättelsen för 2022?</li>
    <li>Vilka statsbidrag återrapporterades i februari 2023?</li>
  </ul>
  <p class="hint">Välj <b>Citat ur handlingarna</b> för att få svaret som ordagranna utdrag, utan AI-text.</p>
</div>
"""
