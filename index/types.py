"""Search results, filters and case timelines: Hit, SearchFilters, DocumentInfo, CaseStep."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.paragraphs import DECISION_SECTIONS
from corpus.types import Chunk, Meeting, ProtocolNote, Reservation, Vote


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Metadata restrictions applied inside the store; None means 'any'."""

    kommun: str | None = None
    committee: str | None = None  # nämnd, matched case-insensitively
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    doc_type: str | None = None
    diarienummer: str | None = None  # any written form; normalised before lookup
    decision_state: str | None = None  # "beslut" | "förslag" (corpus.types.DECISION_STATES)

    def is_empty(self) -> bool:
        return all(v is None for v in (self.kommun, self.committee, self.date_from,
                                       self.date_to, self.doc_type, self.diarienummer, self.decision_state))


@dataclass(frozen=True, slots=True)
class Hit:
    """One retrieved chunk with its score and which retriever found it."""

    chunk: Chunk
    score: float  # fused RRF score, cosine similarity or BM25 score, by `source`
    source: str  # "dense" | "keyword" | "fused" | "exact"
    rank: int = 0  # 1-based position in the result list
    dense_similarity: float | None = None  # cosine similarity to the query, when known


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """One ingested document as the document list shows it."""

    source_file: str
    doc_id: str
    kommun: str | None
    committee: str | None
    date: str | None
    doc_type: str
    chunks: int
    items: int


# What a step of a case is, in the order a case moves: proposed, decided, reported back.
STEP_KINDS = ("förslag", "beslut", "återrapportering", "övrigt")


@dataclass(frozen=True, slots=True)
class CaseStep:
    """One ärende of a case in one document (kallelse, protokoll, …), with the chunks to cite it by."""

    meeting: Meeting  # kommun, nämnd, date, doc_type of the document the step is read from
    doc_id: str
    source_file: str
    paragraph: str | None  # "§ 76" in a protocol
    item_title: str | None
    diarienummer: tuple[str, ...]
    decision_state: str | None  # "beslut" when the step holds a taken decision, "förslag", or None
    kind: str  # one of STEP_KINDS
    linked_by: str  # "diarienummer"; "titel": same meeting, matched by title; "protokollsutdrag": cited
    chunks: tuple[Chunk, ...]  # the ärende's chunks in document order
    votes: tuple[Vote, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    notes: tuple[ProtocolNote, ...] = ()  # protokollsanteckningar

    @property
    def doc_type(self) -> str:
        return self.meeting.doc_type

    @property
    def chunk_ids(self) -> tuple[str, ...]:
        return tuple(c.chunk_id for c in self.chunks)

    @property
    def decision(self) -> Chunk | None:
        """The chunk to cite for what was decided (or proposed): the first Beslut, else Förslag till beslut."""
        for wanted in DECISION_SECTIONS:
            found = next((c for c in self.chunks if c.section == wanted and c.duplicate_of is None), None)
            if found:
                return found
        return None
