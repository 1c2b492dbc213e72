"""Semantic sentence scores for extractive answers: the index's own encoder (e5) compares the question with each
candidate sentence, so a sentence that says what is asked in other words ("Under året kom 19 956 besökare …" for
"Hur många besök hade öppna förskolan?") can outrank one that only repeats the question's words.

Measured (docs/evaluation.md, Session 8): weight 0.2 on the min-max scaled cosine, six tune parts all key facts
215 -> 217/293, answerable refused 18 -> 17, unanswerable refused 53/61 unchanged (weights 0.1: 215, 0.5: 205);
six held-out parts, run once for this choice: 164 -> 169/291, answerable refused 32 -> 29, unanswerable 46/61 =.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from index.embed import Embedder

CACHE_SENTENCES = 20_000  # float32 vectors kept (384 dims: ~30 MB): a chunk's sentences recur across turns


class SentenceScorer(Protocol):
    """Similarity of a question to each sentence, higher is closer (any scale: callers rescale per question), and
    the weight of its scaled score beside the lexical one."""

    weight: float

    def similarities(self, question: str, sentences: Sequence[str]) -> list[float]: ...


class EmbeddingScorer:
    """Cosine of e5 query and passage vectors (unit vectors, so a dot product); vectors cached by text."""

    def __init__(self, embedder: Embedder, weight: float, cache_size: int = CACHE_SENTENCES) -> None:
        self._embedder = embedder
        self.weight = weight
        self._cache: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()  # one encoder, called from the app's worker threads

    def similarities(self, question: str, sentences: Sequence[str]) -> list[float]:
        if not sentences:
            return []
        with self._lock:
            query = self._query(question)
            vectors = {s: self._cached((False, s)) for s in sentences if (False, s) in self._cache}
            missing = [s for s in dict.fromkeys(sentences) if s not in vectors]
            for sentence, vector in zip(missing, self._embedder.embed_documents(missing) if missing else ()):
                vectors[sentence] = self._put((False, sentence), vector)
        return [float(np.dot(query, vectors[s])) for s in sentences]

    def _query(self, question: str) -> np.ndarray:
        key = (True, question)
        return self._cached(key) if key in self._cache else self._put(key, self._embedder.embed_query(question))

    def _cached(self, key: tuple[bool, str]) -> np.ndarray:
        self._cache.move_to_end(key)  # recently used: evicted last
        return self._cache[key]

    def _put(self, key: tuple[bool, str], vector: Sequence[float]) -> np.ndarray:
        stored = self._cache[key] = np.asarray(vector, dtype=np.float32)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return stored


def scaled(values: Sequence[float]) -> list[float]:
    """Min-max scaled to 0..1 within one question's candidates (e5 cosines crowd into 0.8-0.9: only the order
    within a question means anything); all equal -> all 0."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high <= low:
        return [0.0] * len(values)
    return [(v - low) / (high - low) for v in values]


def scorer_for(embedder: Embedder | None, weight: float) -> SentenceScorer | None:
    """The scorer the assistant uses: None when the weight is 0 or the archive has no encoder (a test fake)."""
    return EmbeddingScorer(embedder, weight) if embedder is not None and weight > 0 else None
