"""Deterministic fakes for fast unit tests of logic (the only fakes in the repo)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from assistant.types import Answer
from corpus.types import Chunk
from corpus.metadata import normalize_dnr
from corpus.paragraphs import DECISION_SECTIONS
from index.cases import case_steps
from index.types import CaseStep, DocumentInfo, Hit, SearchFilters


class FakeChatModel:
    """A ChatModel that replies with enqueue()d texts in order and records every prompt in .history."""

    def __init__(self, *replies: str, delay: float = 0.0) -> None:
        self.replies: list[str] = list(replies)
        self.history: list[list[object]] = []  # the messages of each call
        self.delay = delay  # seconds between streamed pieces (browser tests watch the stream arrive)

    def enqueue(self, *replies: str) -> None:
        self.replies.extend(replies)

    def complete(self, messages: Sequence[object]) -> str:
        self.history.append(list(messages))
        if not self.replies:
            raise AssertionError("FakeChatModel: no reply enqueued")
        return self.replies.pop(0)

    def stream(self, messages: Sequence[object]) -> Iterator[str]:
        reply = self.complete(messages)
        for i in range(0, len(reply), 7):  # several pieces, like a real token stream
            if self.delay:
                time.sleep(self.delay)
            yield reply[i:i + 7]


class ListSearcher:
    """A tiny Archive over given chunks: word overlap ranks, `similarity` is every hit's dense similarity.

    It implements assistant.archive.Archive structurally and returns the real types.
    """

    def __init__(self, chunks: Sequence[Chunk], similarity: float = 0.9) -> None:
        self.chunks = list(chunks)
        self.similarity = similarity
        self.embedder = HashEmbedder()
        self.queries: list[tuple[str, SearchFilters | None]] = []

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               method: str = "hybrid") -> list[Hit]:
        self.queries.append((query, filters))
        words = {w.strip("?.,:()").lower()[:6] for w in query.split() if len(w) > 2}
        scored = []
        for chunk in self.chunks:
            if filters and filters.kommun and chunk.meeting.kommun != filters.kommun:
                continue
            date = chunk.meeting.date or ""
            if filters and ((filters.date_from and date < filters.date_from) or (filters.date_to and date > filters.date_to)):
                continue  # the date filters the real Searcher applies in the store
            overlap = len(words & {w.strip("?.,:()").lower()[:6] for w in chunk.text.split()})
            if overlap:
                scored.append((overlap, chunk))
        scored.sort(key=lambda pair: -pair[0])
        return [Hit(c, float(s), "fused", i, self.similarity) for i, (s, c) in enumerate(scored[: k or 8], 1)]

    def documents(self) -> list[DocumentInfo]:
        by_doc: dict[str, list[Chunk]] = {}
        for chunk in self.chunks:
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
        return [DocumentInfo(cs[0].source_file, doc_id, cs[0].meeting.kommun, cs[0].meeting.committee,
                             cs[0].meeting.date, cs[0].meeting.doc_type, len(cs),
                             len({(c.item_number, c.item_title) for c in cs}))
                for doc_id, cs in by_doc.items()]

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        return next((c for c in self.chunks if c.chunk_id == chunk_id), None)

    def item_chunks(self, chunk: Chunk) -> list[Chunk]:
        return [c for c in self.chunks if (c.doc_id, c.item_number, c.item_title)
                == (chunk.doc_id, chunk.item_number, chunk.item_title)]

    def case(self, dnr: str) -> list[Chunk]:
        canonical = normalize_dnr(dnr) or dnr
        return sorted((c for c in self.chunks if canonical in c.diarienummer), key=lambda c: c.meeting.date or "")

    def case_steps(self, dnr: str) -> tuple[CaseStep, ...]:
        by_dnr: dict[str, list[int]] = {}
        for row, chunk in enumerate(self.chunks):
            for number in chunk.diarienummer:
                by_dnr.setdefault(number, []).append(row)
        return case_steps(self.chunks, by_dnr, dnr)  # the index's own grouping, over these chunks

    def decisions(self, filters: SearchFilters | None = None) -> list[Chunk]:
        return [c for c in self.chunks if c.section in DECISION_SECTIONS]


class HashEmbedder:
    """A deterministic, fast Embedder: hashed bag of 5-letter word prefixes, L2-normalised.

    Texts sharing words get similar vectors, so dense ranking is meaningful in logic tests;
    `calls` counts passages embedded, to prove that unchanged files cost no embedding work.
    """

    def __init__(self, dim: int = 64, name: str = "hash-64") -> None:
        self.dim = dim
        self.name = name
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        import hashlib
        import math
        import re

        vec = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(word[:5].encode(), digest_size=4).digest(), "big")
            vec[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class ScriptedAssistant:
    """An Assistant stand-in for eval-harness tests: question -> Answer (or an exception to raise).

    `calls` records (question, number of history turns, mode) so follow-up handling can be checked.
    """

    def __init__(self, script: dict[str, Answer | Exception]) -> None:
        self.script = script
        self.calls: list[tuple[str, int, str | None]] = []

    def answer(self, question: str, history: Sequence[object] = (), filters: SearchFilters | None = None,
               mode: str | None = None) -> Answer:
        self.calls.append((question, len(history), mode))
        reply = self.script[question]
        if isinstance(reply, Exception):
            raise reply
        return reply


class EngineHashEmbedder(HashEmbedder):
    """HashEmbedder's vectors as computed by "another engine": same name, `engine` set, vectors
    drifted by `drift` towards an unrelated hash (0.05 -> cosine ~0.999, 1.0 -> ~0.7), to test
    how ingest treats an index built by a different engine."""

    def __init__(self, engine: str, drift: float, dim: int = 64, name: str = "hash-64") -> None:
        super().__init__(dim, name)
        self.engine, self.drift = engine, drift

    def _vector(self, text: str) -> list[float]:
        import math

        base = super()._vector(text)
        other = super()._vector(" ".join(w[::-1] for w in text.split()))
        mixed = [b + self.drift * o for b, o in zip(base, other)]
        norm = math.sqrt(sum(v * v for v in mixed)) or 1.0
        return [v / norm for v in mixed]
