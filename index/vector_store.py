"""Chroma, embedded or over HTTP: the only chromadb import; Chunk <-> flat, filterable metadata."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from corpus.types import Chunk
from index.errors import IndexNotBuiltError
from index.settings import IndexSettings
from index.types import SearchFilters
from index.windows import WINDOW_FORMAT, Window

log = logging.getLogger(__name__)

_UNKNOWN_DATE = 0  # meetings without a date sort before every real one and fail any date filter


def date_key(iso_date: str | None) -> int:
    """ISO date -> comparable int, e.g. "2023-02-14" -> 20230214; None or junk -> 0."""
    if not iso_date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso_date):
        return _UNKNOWN_DATE
    return int(iso_date.replace("-", ""))


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """Flat metadata Chroma can filter on; None values are left out (Chroma rejects them)."""
    meeting = chunk.meeting
    meta: dict[str, Any] = {
        "source_file": chunk.source_file,
        "doc_id": chunk.doc_id,
        "date": date_key(meeting.date),
        "doc_type": meeting.doc_type,
        "duplicate": chunk.duplicate_of is not None,
    }
    optional = {
        "kommun": meeting.kommun.casefold() if meeting.kommun else None,
        "namnd": meeting.committee.casefold() if meeting.committee else None,
        "section": chunk.section,
        "layer": chunk.layer,
        "paragraph": chunk.paragraph,
        "item_number": chunk.item_number,
        "decision_state": chunk.decision_state,  # "beslut" | "förslag"; absent when neither
        # Chroma 1.5 filters arrays with $contains; an empty array is rejected, so it is omitted.
        "dnr": list(chunk.diarienummer) or None,
    }
    meta.update({key: value for key, value in optional.items() if value is not None})
    return meta


def where_clause(filters: SearchFilters | None) -> dict[str, Any] | None:
    """SearchFilters -> a Chroma `where`; diarienummer must already be canonical."""
    if filters is None:
        return None
    conditions: list[dict[str, Any]] = []
    if filters.kommun:
        conditions.append({"kommun": filters.kommun.casefold()})
    if filters.committee:
        conditions.append({"namnd": filters.committee.casefold()})
    if filters.doc_type:
        conditions.append({"doc_type": filters.doc_type})
    if filters.date_from:
        conditions.append({"date": {"$gte": date_key(filters.date_from)}})
    if filters.date_to:
        conditions.append({"date": {"$lte": date_key(filters.date_to)}})
    if filters.diarienummer:
        conditions.append({"dnr": {"$contains": filters.diarienummer}})
    if filters.decision_state:
        conditions.append({"decision_state": filters.decision_state})
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _client(settings: IndexSettings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise IndexNotBuiltError(
                f"Cannot read a host from chroma_url {settings.chroma_url!r}; use e.g. http://127.0.0.1:8000."
            )
        port = url.port or (443 if url.scheme == "https" else 8000)
        return chromadb.HttpClient(host=url.hostname, port=port, ssl=url.scheme == "https",
                                   settings=chroma_settings)
    if settings.path is None:
        raise IndexNotBuiltError("IndexSettings.path is not set; build settings with load_settings().")
    store = Path(settings.path) / "chroma"
    store.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(store), settings=chroma_settings)


def collection_name(settings: IndexSettings, embedder_name: str) -> str:
    """One collection per embedding model, e.g. "namnd-e5-multilingual-e5-small-q4"."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", embedder_name).strip("-._")
    return f"{settings.collection}-{slug}"[:200]


class VectorStore:
    """A cosine-space Chroma collection; embeddings are always passed in, never computed by Chroma."""

    def __init__(self, settings: IndexSettings, embedder_name: str, suffix: str = "") -> None:
        self._settings = settings
        self._embedder_name = embedder_name
        self._name = collection_name(settings, embedder_name) + suffix
        self._connect()

    def _connect(self) -> None:
        settings = self._settings
        try:
            self._client = _client(settings)
            self._collection = self._client.get_or_create_collection(
                self._name,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,  # never Chroma's default: it would download a model
            )
        except IndexNotBuiltError:
            raise
        except Exception as exc:  # noqa: BLE001 - connection errors come in many types
            where = settings.chroma_url or settings.path
            raise IndexNotBuiltError(
                f"Cannot open the Chroma store at {str(where)!r}: {exc}. "
                "Start the server (`chroma run --path DIR --port PORT`) or unset NAMND_CHROMA_URL."
            ) from exc

    def reopen(self) -> None:
        """See vectors another process wrote since we opened the store.

        An embedded Chroma keeps its HNSW index in memory per process and per path, so a web app
        would never see an ingest run by `namnd ingest` elsewhere; dropping this path's cached
        system makes the next client load the index from disk again. A server needs nothing.
        """
        if self._settings.chroma_url:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        identifier = getattr(self._client, "_identifier", None)
        SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        self._connect()

    def count(self) -> int:
        return int(self._collection.count())

    def upsert(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]], batch: int = 1000) -> None:
        for start in range(0, len(chunks), batch):
            part = chunks[start:start + batch]
            self._collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=[list(e) for e in embeddings[start:start + batch]],
                metadatas=[chunk_metadata(c) for c in part],
            )

    def add_array(self, chunks: Sequence[Chunk], embeddings: Any, new: bool = False) -> None:
        """Store many chunks at once (eval/scaled_index.py): rows of a float32 array, in the largest
        batches the store accepts; the same ids, vectors and metadata as upsert(). new=True: the ids
        are known to be absent, so Chroma's add skips upsert's lookup of each id."""
        batch = max(1, int(self._client.get_max_batch_size()))
        write = self._collection.add if new else self._collection.upsert
        for start in range(0, len(chunks), batch):
            part = chunks[start:start + batch]
            write(ids=[c.chunk_id for c in part], embeddings=embeddings[start:start + batch],
                  metadatas=[chunk_metadata(c) for c in part])

    def update_metadata(self, chunks: Sequence[Chunk], batch: int = 1000) -> None:
        """Refresh metadata of vectors that already exist (their text, hence embedding, is unchanged)."""
        for start in range(0, len(chunks), batch):
            part = chunks[start:start + batch]
            self._collection.update(ids=[c.chunk_id for c in part], metadatas=[chunk_metadata(c) for c in part])

    def existing_ids(self, ids: Sequence[str], batch: int = 1000) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), batch):
            found.update(self._collection.get(ids=list(ids[start:start + batch]), include=[])["ids"])
        return found

    def all_ids(self, batch: int = 10000) -> set[str]:
        ids: set[str] = set()
        offset = 0
        while True:
            got = self._collection.get(include=[], limit=batch, offset=offset)["ids"]
            ids.update(got)
            if len(got) < batch:
                return ids
            offset += batch

    def delete(self, ids: Sequence[str], batch: int = 1000) -> None:
        for start in range(0, len(ids), batch):
            self._collection.delete(ids=list(ids[start:start + batch]))

    def query(self, embedding: Sequence[float], n: int,
              filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine similarity (1 - cosine distance), best first."""
        if n <= 0:
            return []
        result = self._collection.query(query_embeddings=[list(embedding)], n_results=n,
                                        where=where_clause(filters), include=["distances"])
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(chunk_id, 1.0 - float(dist)) for chunk_id, dist in zip(ids, distances)]

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored embeddings by id (ids not in the store are left out)."""
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        return {cid: list(vec) for cid, vec in zip(got["ids"], got["embeddings"])}

    def get_ids(self, filters: SearchFilters) -> set[str]:
        """Every chunk id matching the filters, evaluated in the store."""
        where = where_clause(filters)
        if where is None:
            return self.all_ids()
        return set(self._collection.get(where=where, include=[])["ids"])


class WindowStore(VectorStore):
    """Sentence-window vectors (index/windows.py) in a second collection; metadata = parent's + "parent".

    Window ids are "<chunk_id>:<n>"; every operation that names chunks works on their windows.
    """

    def __init__(self, settings: IndexSettings, embedder_name: str) -> None:
        super().__init__(settings, embedder_name, suffix=f"-windows{WINDOW_FORMAT}")

    def upsert_windows(self, parents: Sequence[Chunk], windows: Sequence[Window],
                       embeddings: Sequence[Sequence[float]], batch: int = 1000) -> None:
        """Windows with their vectors; `parents` holds (at least) every window's chunk."""
        metadata = {c.chunk_id: chunk_metadata(c) for c in parents}
        for start in range(0, len(windows), batch):
            part = windows[start:start + batch]
            self._collection.upsert(
                ids=[w.window_id for w in part],
                embeddings=[list(e) for e in embeddings[start:start + batch]],
                metadatas=[{**metadata[w.parent_id], "parent": w.parent_id} for w in part],
            )

    def update_parent_metadata(self, chunks: Sequence[Chunk], batch: int = 100) -> None:
        """Refresh the filter fields of the windows of chunks whose text is unchanged."""
        for start in range(0, len(chunks), batch):
            part = {c.chunk_id: c for c in chunks[start:start + batch]}
            got = self._collection.get(where={"parent": {"$in": list(part)}}, include=["metadatas"])
            if got["ids"]:
                self._collection.update(ids=got["ids"], metadatas=[
                    {**chunk_metadata(part[m["parent"]]), "parent": m["parent"]} for m in got["metadatas"]])

    def parents(self, batch: int = 10000) -> set[str]:
        """Chunk ids that have windows in the store."""
        found: set[str] = set()
        offset = 0
        while True:
            got = self._collection.get(include=["metadatas"], limit=batch, offset=offset)
            found.update(m["parent"] for m in got["metadatas"])
            if len(got["ids"]) < batch:
                return found
            offset += batch

    def delete_parents(self, chunk_ids: Sequence[str], batch: int = 500) -> None:
        """Delete every window of these chunks."""
        for start in range(0, len(chunk_ids), batch):
            self._collection.delete(where={"parent": {"$in": list(chunk_ids[start:start + batch])}})

    def window_vectors(self, chunk_ids: Sequence[str]) -> dict[str, list[tuple[str, list[float]]]]:
        """Per chunk id, its windows' (window id, vector) in window order (for copying to a new chunk id)."""
        found: dict[str, list[tuple[str, list[float]]]] = {}
        if not chunk_ids:
            return found
        got = self._collection.get(where={"parent": {"$in": list(chunk_ids)}}, include=["embeddings", "metadatas"])
        for wid, meta, vector in zip(got["ids"], got["metadatas"], got["embeddings"]):
            found.setdefault(meta["parent"], []).append((wid, list(vector)))
        for windows in found.values():
            windows.sort(key=lambda item: int(item[0].rsplit(":", 1)[1]))
        return found

    def query_parents(self, embedding: Sequence[float], n: int,
                      filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        """Parent chunk ids ranked by their best window's cosine similarity (max-sim), best first.

        Fetches n windows; a chunk with several matching windows appears once, so fewer than n
        parents can come back (the caller asks for a multiple of the chunks it needs).
        """
        if n <= 0:
            return []
        result = self._collection.query(query_embeddings=[list(embedding)], n_results=n,
                                        where=where_clause(filters), include=["distances", "metadatas"])
        best: dict[str, float] = {}
        for meta, dist in zip(result["metadatas"][0], result["distances"][0]):
            best.setdefault(meta["parent"], 1.0 - float(dist))  # results come best first
        return list(best.items())
