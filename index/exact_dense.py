"""Exact dense search: every chunk vector in memory, cosine by one matrix product, deterministic ties.

Chroma's HNSW graph is approximate: on the bundled corpus's index (1 370 vectors, ef_search 100) it returned
0.875-0.925 of the exact 40 nearest chunks, and a different share in different processes for the same query
vector (the same question got two answers on two runs; docs/retrieval.md). A kommun's archive is small for a
matrix (100 000 chunks x 384 floats = 150 MB, one product a few ms), so the searcher ranks exactly up to
IndexSettings.exact_dense_max chunks and leaves the graph to larger stores. Chroma stays the store of record:
the vectors are read from it once per catalog generation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

READ_BATCH = 5000  # ids per Chroma get


@dataclass(frozen=True, slots=True)
class DenseMatrix:
    """Unit-length vectors by table row; rows with no stored vector (an unfinished ingest) never match."""

    ids: tuple[str, ...]
    vectors: np.ndarray  # float32, shape (len(ids), dim); zero rows for missing vectors
    present: np.ndarray  # bool per row

    @classmethod
    def read(cls, ids: Sequence[str], fetch: Callable[[Sequence[str]], Mapping[str, Sequence[float]]]) -> DenseMatrix:
        """The vectors of `ids` (in that order) read through `fetch` (VectorStore.vectors) in batches."""
        found: dict[str, Sequence[float]] = {}
        for start in range(0, len(ids), READ_BATCH):
            found.update(fetch(ids[start:start + READ_BATCH]))
        dim = len(next(iter(found.values()))) if found else 0
        matrix = np.zeros((len(ids), dim), dtype=np.float32)
        present = np.zeros(len(ids), dtype=bool)
        for row, cid in enumerate(ids):
            vector = found.get(cid)
            if vector is not None:
                matrix[row] = vector
                present[row] = True
        norms = np.linalg.norm(matrix, axis=1)
        matrix[norms > 0] /= norms[norms > 0, None]
        return cls(tuple(ids), matrix, present)

    def top(self, vector: Sequence[float], n: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The n most similar rows (allowed by `mask`) as (id, cosine), best first; equal cosines by id."""
        if n <= 0 or not self.ids or self.vectors.shape[1] == 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        if norm == 0.0:
            return []
        sims = self.vectors @ (query / norm)
        allowed = self.present if mask is None else self.present & mask
        rows = np.flatnonzero(allowed)
        if rows.size == 0:
            return []
        if rows.size > n:  # the n best, plus any row tied with the n-th, then sorted exactly
            cut = np.partition(sims[rows], rows.size - n)[rows.size - n]
            rows = rows[sims[rows] >= cut]
        ranked = sorted(rows.tolist(), key=lambda r: (-float(sims[r]), self.ids[r]))[:n]
        return [(self.ids[r], float(sims[r])) for r in ranked]
