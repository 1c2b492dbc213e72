"""What the `namnd` command prints for people: hits, streamed answers with citations, document summaries."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.types import Answer, FinalEvent, TokenEvent, Turn
from corpus.types import Chunk, Document
from index.types import Hit, SearchFilters
from ui.inputs import Mode

if TYPE_CHECKING:
    from assistant.chat import Assistant

QUOTE_CHARS = 220  # of each citation's quote
SNIPPET_CHARS = 240  # of each hit's text


def _cut(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat[:limit] + ("…" if len(flat) > limit else "")


def print_hits(hits: Sequence[Hit]) -> None:
    """One numbered block per hit: rank, retriever and score, title, where it stands, the text."""
    if not hits:
        print("Inga träffar.")
    for h in hits:
        c = h.chunk
        where = " · ".join(x for x in (", ".join(c.diarienummer) or None, c.paragraph, c.section,
                                       c.meeting.committee, c.meeting.date) if x)
        print(f"{h.rank:>2}. [{h.source} {h.score:.3f}] {c.item_title or '(utan rubrik)'}\n"
              f"    {where} ({c.source_file})\n    {_cut(c.text, SNIPPET_CHARS)}")


def print_citations(answer: Answer) -> None:
    for c in answer.citations:
        where = ", ".join(x for x in (c.committee, c.kommun, c.meeting_date) if x)
        ref = " · ".join(x for x in (", ".join(c.diarienummer) or None, c.paragraph, c.section, where) if x)
        print(f"  [{c.number}] {ref} ({c.source_file})\n      »{_cut(c.quote, QUOTE_CHARS)}«")
    if not answer.answered and answer.sources:
        print("  Närmaste källor:")
        for h in answer.sources:
            ch = h.chunk
            print(f"   - {', '.join(ch.diarienummer) or 'inget dnr'} · {ch.item_title or ''} · {ch.meeting.date or ''}")


def stream_to_terminal(assistant: Assistant, question: str, history: Sequence[Turn],
                       filters: SearchFilters | None, mode: Mode | None) -> Answer:
    """Print tokens as they come, then the checked answer's citations; returns the Answer."""
    streamed: list[str] = []
    answer: Answer | None = None
    for event in assistant.stream(question, history, filters, mode):
        if isinstance(event, TokenEvent):
            streamed.append(event.text)
            print(event.text, end="", flush=True)
        elif isinstance(event, FinalEvent):
            answer = event.answer
    assert answer is not None  # Assistant.stream always ends with a FinalEvent
    if streamed:
        print()
    if answer.text != "".join(streamed).strip():  # refusal, repaired markers or extractive fallback
        if streamed:
            print("—" * 20)
        print(answer.text)
    for part in answer.parts:  # a comparison: one row per year, meeting or kommun
        print(f"  {part.label}: {part.text if part.answered else 'handlingarna säger inget om detta.'}")
    if answer.notice:
        print(f"Obs: {answer.notice}", file=sys.stderr)
    print_citations(answer)
    return answer


def print_document_summary(doc: Document, chunks: Sequence[Chunk]) -> None:
    """Readable summary of one parsed document: meeting, items with dnr, chunk counts."""
    m = doc.meeting
    when = " ".join(x for x in (m.date, f"kl {m.time}" if m.time else None) if x)
    print(f"{doc.source_file}: {m.doc_type}, {m.committee or '?'}, {m.kommun or '?'} kommun, {when or 'datum okänt'}")
    if m.place:
        print(f"  Plats: {m.place}")
    counts: dict[tuple[int | None, str | None], int] = {}
    for chunk in chunks:
        key = (chunk.item_number, chunk.item_title)
        counts[key] = counts.get(key, 0) + 1
    print(f"  {len(doc.items)} ärenden, {len(chunks)} chunkar")
    for item in doc.items:
        label = item.paragraph or f"{item.number}."
        dnr = ", ".join(item.diarienummer) or "inget dnr"
        n = counts.get((item.number, item.title), 0)
        print(f"  {label:>7} {item.title} [{dnr}] ({n} chunkar)")
