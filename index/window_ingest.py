"""Keeps the sentence-window collection in step with the catalog during ingest (IndexSettings.sentence_windows).

Same write order as the chunk vectors (index/ingest.py): windows are upserted before the catalog
knows their chunk, in whole-chunk batches so a killed run never leaves a chunk half-windowed;
windows of chunks the catalog dropped are deleted after its transaction, and a reconcile removes
orphans and fills chunks without windows (a killed run, or an index built with the flag off).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence

from corpus.types import Chunk
from index.embed import Embedder
from index.vector_store import WindowStore
from index.windows import sentence_windows

log = logging.getLogger(__name__)


class WindowIndexer:
    """Embeds, copies and deletes the sentence windows of chunks."""

    def __init__(self, store: WindowStore, embedder: Embedder, batch_size: int,
                 report: Callable[[], None] | None = None) -> None:
        self.store, self.embedder = store, embedder
        self.batch_size = max(1, batch_size)  # chunks per encoder call (~5 windows each)
        self.report = report
        self.embedded = 0  # windows encoded (not copied)
        self.encoder_seconds = 0.0

    def add(self, chunks: Sequence[Chunk], sources: Mapping[str, str], reembed: bool = False) -> int:
        """Windows for chunks that have none; returns the number of windows encoded.

        Args:
            sources: chunk id -> id of an indexed chunk with the same encoder text, whose window
                vectors are copied instead of encoding (an edited file keeps its unchanged passages).
        """
        first = {f"{c.chunk_id}:0": c for c in chunks}  # every chunk has a window 0
        have = set() if reembed else self.store.existing_ids(list(first))
        if have:
            self.store.update_parent_metadata([first[w] for w in sorted(have)])
        todo = self._copy([c for w, c in first.items() if w not in have], sources)
        before = self.embedded
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start:start + self.batch_size]
            windows = [w for c in batch for w in sentence_windows(c)]
            began = time.perf_counter()
            vectors = self.embedder.embed_documents([w.text for w in windows])
            self.encoder_seconds += time.perf_counter() - began
            self.store.upsert_windows(batch, windows, vectors)
            self.embedded += len(windows)
            if self.report:
                self.report()
        return self.embedded - before

    def _copy(self, chunks: list[Chunk], sources: Mapping[str, str]) -> list[Chunk]:
        """Store copied window vectors where the source chunk has them; return the chunks still to encode."""
        wanted = sorted({sources[c.chunk_id] for c in chunks if c.chunk_id in sources})
        stored = self.store.window_vectors(wanted) if wanted else {}
        rest: list[Chunk] = []
        for chunk in chunks:
            windows = sentence_windows(chunk)
            vectors = stored.get(sources.get(chunk.chunk_id, ""), [])
            if len(vectors) != len(windows):
                rest.append(chunk)
                continue
            self.store.upsert_windows([chunk], windows, [v for _, v in vectors])
        return rest

    def remove(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            self.store.delete_parents(sorted(chunk_ids))

    def reconcile(self, in_catalog: set[str], load: Callable[[list[str]], list[Chunk]]) -> None:
        """Make the windows cover exactly the catalog's chunks."""
        in_store = self.store.parents()
        orphans = sorted(in_store - in_catalog)
        if orphans:
            log.info("removing the windows of %d chunks no longer in the catalog", len(orphans))
            self.remove(orphans)
        missing = sorted(in_catalog - in_store)
        if missing:
            log.info("embedding sentence windows of %d chunks that have none", len(missing))
            self.add(load(missing), {})
