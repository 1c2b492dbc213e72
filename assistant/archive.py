"""The archive the assistant, the web app and the CLI read: search plus browsing by case and document.

`index.search.Searcher` implements it structurally (no inheritance), and so do the fakes in
tests/fakes.py. Depending on this Protocol instead of on `Searcher` keeps every call the edge
makes declared in one place: a method missing here is a method the UI may not reach for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from corpus.types import Chunk
from index.types import CaseStep, DocumentInfo, Hit, SearchFilters

if TYPE_CHECKING:
    from index.embed import Embedder


class Retriever(Protocol):
    """What answering needs: ranked chunks for a query, best first."""

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               method: str = "hybrid") -> list[Hit]: ...


class Archive(Retriever, Protocol):
    """Search plus the browsing views: a chunk, its ärende, a case, the beslut and the documents."""

    embedder: Embedder  # uploads are embedded with the model the archive's vectors were made with

    def get_chunk(self, chunk_id: str) -> Chunk | None: ...

    def item_chunks(self, chunk: Chunk) -> list[Chunk]:
        """The whole ärende a chunk belongs to, in document order."""
        ...

    def case(self, dnr: str) -> list[Chunk]:
        """Every chunk carrying a diarienummer (any written form), oldest meeting first."""
        ...

    def case_steps(self, dnr: str) -> tuple[CaseStep, ...]:
        """The case's timeline: one step per ärende and document, förslag → beslut → återrapportering."""
        ...

    def decisions(self, filters: SearchFilters | None = None) -> list[Chunk]:
        """Beslut and Förslag till beslut chunks matching the filters."""
        ...

    def documents(self) -> list[DocumentInfo]:
        """One entry per ingested document, newest meeting first."""
        ...
