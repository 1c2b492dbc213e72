"""Search results and filters: Hit, SearchFilters."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.types import Chunk


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Metadata restrictions applied inside the store; None means 'any'."""

    kommun: str | None = None
    committee: str | None = None  # nämnd, matched case-insensitively
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    doc_type: str | None = None
    diarienummer: str | None = None  # any written form; normalised before lookup

    def is_empty(self) -> bool:
        return all(v is None for v in (self.kommun, self.committee, self.date_from,
                                       self.date_to, self.doc_type, self.diarienummer))


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
