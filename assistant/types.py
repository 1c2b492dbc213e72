"""Answer, Citation and Turn: what the assistant returns and remembers."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.types import Hit, SearchFilters


@dataclass(frozen=True, slots=True)
class Citation:
    """One numbered source of an answer; `quote` is a verbatim substring of the chunk text."""

    number: int  # the [n] marker in the answer text
    chunk_id: str
    diarienummer: tuple[str, ...]
    section: str | None
    paragraph: str | None
    item_title: str | None
    committee: str | None
    kommun: str | None
    meeting_date: str | None
    source_file: str
    quote: str


@dataclass(frozen=True, slots=True)
class AnswerPart:
    """One row of a comparison or cross-meeting answer: a year, meeting or kommun and its own cited answer."""

    label: str  # "2021", "Socialnämnden 2023-02-14", "Lomma"
    text: str  # the part's answer, with [n] markers numbered as in Answer.citations
    citations: tuple[Citation, ...]
    answered: bool  # False: the documents say nothing for this part


@dataclass(frozen=True, slots=True)
class Answer:
    """The assistant's reply; answered=False means 'the documents do not say'."""

    text: str
    citations: tuple[Citation, ...]
    language: str  # "sv" | "en"
    answered: bool
    mode: str = "llm"  # "llm" | "extractive"
    sources: tuple[Hit, ...] = ()  # the retrieved evidence (shown as closest sources on refusal)
    search_query: str = ""  # the standalone query actually searched
    notice: str | None = None  # e.g. "Frågan kortades till 1000 tecken."
    parts: tuple[AnswerPart, ...] = ()  # per year/meeting/kommun rows of a comparison (a table in the app)
    route: str = "retrieve"  # how the answer was found: "case", "meeting", "compare" or "retrieve"

    def to_record(self) -> dict[str, object]:
        """The JSON form of `namnd ask --json`: the answer, its citations and a summary of each source."""
        return {
            "text": self.text,
            "answered": self.answered,
            "language": self.language,
            "mode": self.mode,
            "search_query": self.search_query,
            "notice": self.notice,
            "route": self.route,
            "parts": [
                {"label": p.label, "text": p.text, "answered": p.answered,
                 "citations": [c.number for c in p.citations]}
                for p in self.parts
            ],
            "citations": [
                {f: getattr(c, f) for f in Citation.__slots__} | {"diarienummer": list(c.diarienummer)}
                for c in self.citations
            ],
            "sources": [
                {
                    "rank": h.rank, "score": h.score, "source": h.source, "dense_similarity": h.dense_similarity,
                    "chunk_id": h.chunk.chunk_id, "source_file": h.chunk.source_file,
                    "diarienummer": list(h.chunk.diarienummer), "section": h.chunk.section,
                    "paragraph": h.chunk.paragraph, "item_title": h.chunk.item_title,
                    "meeting_date": h.chunk.meeting.date,
                }
                for h in self.sources
            ],
        }


@dataclass(frozen=True, slots=True)
class Turn:
    """One exchange of a conversation, kept as history for follow-ups."""

    question: str
    answer: Answer
    filters: SearchFilters = field(default_factory=SearchFilters)


@dataclass(frozen=True, slots=True)
class SourcesEvent:
    """Streamed first: the evidence is known before generation starts."""

    hits: tuple[Hit, ...]
    search_query: str


@dataclass(frozen=True, slots=True)
class TokenEvent:
    """A piece of generated answer text."""

    text: str


@dataclass(frozen=True, slots=True)
class FinalEvent:
    """Streamed last: the checked answer with its verified citations."""

    answer: Answer


StreamEvent = SourcesEvent | TokenEvent | FinalEvent
