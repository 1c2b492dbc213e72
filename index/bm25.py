"""Segmented BM25 (bm25s's Lucene variant): immutable segments, tombstones, global statistics per query.

Each ingest adds its new chunks as one segment and marks removed chunks dead, instead of rebuilding
the whole index (35 s at 100k chunks). Scores use the document frequency, chunk count and average
length summed over the live chunks of every segment, so they equal those of one segment built from
the same token lists. Segment files are written once under a unique name and never changed; a small
manifest, replaced atomically, says which segments and tombstones make up the index.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

K1 = 1.5  # bm25s defaults, so scores match the single bm25s index used before segments
B = 0.75
MANIFEST = "manifest.json"


_ARRAYS = ("doc_len", "indptr", "docs", "tfs")


def _write_strings(path: Path, strings: Sequence[str]) -> None:
    """Newline-free strings as one UTF-8 file: 200k tokens cost their bytes, not 200k x the longest."""
    path.write_text("\n".join(strings), encoding="utf-8")


def _read_strings(path: Path) -> tuple[str, ...]:
    text = path.read_text(encoding="utf-8")
    return tuple(text.split("\n")) if text else ()


@dataclass(frozen=True, slots=True, eq=False)
class Segment:
    """Term frequencies of one batch of chunks; the postings of local token t are indptr[t]:indptr[t+1]."""

    name: str                      # directory name on disk, unique: "seg-3f9c0a..."
    chunk_ids: tuple[str, ...]
    tokens: tuple[str, ...]        # local vocabulary
    doc_len: np.ndarray            # tokens per chunk
    indptr: np.ndarray             # int64, len(tokens) + 1
    docs: np.ndarray               # int32 local chunk index of each posting, ascending per token
    tfs: np.ndarray                # float32 term frequency of each posting
    lookup: dict[str, int] = field(repr=False, default_factory=dict)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    @classmethod
    def build(cls, chunk_ids: Sequence[str], token_lists: Iterable[Sequence[str]]) -> Segment:
        """One segment from each chunk's token list (order = chunk_ids)."""
        vocab: dict[str, int] = {}
        rows, cols, tfs = array("i"), array("i"), array("f")
        lengths = array("i")
        for col, tokens in enumerate(token_lists):
            counts = Counter(vocab.setdefault(t, len(vocab)) for t in tokens)
            rows.extend(counts.keys())
            tfs.extend(counts.values())
            cols.extend([col] * len(counts))
            lengths.append(len(tokens))
        row_ids = np.frombuffer(rows, dtype=np.int32) if rows else np.zeros(0, np.int32)
        # Stable sort by token keeps each token's postings in ascending chunk order.
        order = np.argsort(row_ids, kind="stable")
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_ids, minlength=len(vocab)), out=indptr[1:])
        col_ids = np.frombuffer(cols, dtype=np.int32) if cols else np.zeros(0, np.int32)
        tf_arr = np.frombuffer(tfs, dtype=np.float32) if tfs else np.zeros(0, np.float32)
        doc_len = np.frombuffer(lengths, dtype=np.int32) if lengths else np.zeros(0, np.int32)
        return cls.of(f"seg-{uuid.uuid4().hex[:16]}", tuple(chunk_ids), tuple(vocab), doc_len.copy(), indptr,
                      col_ids[order], tf_arr[order])

    @classmethod
    def of(cls, name: str, chunk_ids: tuple[str, ...], tokens: tuple[str, ...], doc_len: np.ndarray,
           indptr: np.ndarray, docs: np.ndarray, tfs: np.ndarray) -> Segment:
        return cls(name, chunk_ids, tokens, doc_len, indptr, docs, tfs, {t: i for i, t in enumerate(tokens)})

    def write(self, path: Path) -> None:
        """Write the directory `path` atomically (a temp directory, then rename)."""
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        _write_strings(tmp / "chunk_ids.txt", self.chunk_ids)
        _write_strings(tmp / "tokens.txt", self.tokens)
        for name in _ARRAYS:
            np.save(tmp / f"{name}.npy", getattr(self, name))
        os.replace(tmp, path)

    @classmethod
    def read(cls, path: Path) -> Segment:
        """Memory-mapped: loading a 100k-chunk segment reads its strings; postings are paged in by queries."""
        arrays = {name: np.load(path / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        return cls.of(path.name, _read_strings(path / "chunk_ids.txt"), _read_strings(path / "tokens.txt"),
                      **arrays)


def _df_of(segment: Segment, chunks: np.ndarray) -> np.ndarray:
    """Per local token, how many of the chunks marked in the bool mask `chunks` contain it."""
    postings = np.flatnonzero(chunks[segment.docs])
    rows = np.searchsorted(segment.indptr, postings, side="right") - 1
    return np.bincount(rows, minlength=len(segment.tokens))


@dataclass(frozen=True, slots=True, eq=False)
class SegmentSet:
    """Segments in creation order with their tombstones; never changed, every update returns a new set."""

    segments: tuple[Segment, ...] = ()
    dead: tuple[np.ndarray, ...] = ()  # per segment, bool per chunk: True = deleted
    df: tuple[np.ndarray, ...] = ()    # per segment, live document frequency of each local token
    # Per-query constants of this (immutable) set, computed by the first query: live count, avgdl,
    # each segment's length norm and offset. At 1M chunks they cost ~15 ms a query when recomputed.
    _stats: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, segments: Sequence[Segment], dead: Sequence[np.ndarray] | None = None) -> SegmentSet:
        masks = list(dead) if dead is not None else [np.zeros(len(s), dtype=bool) for s in segments]
        dfs = [np.diff(s.indptr) - (_df_of(s, d) if d.any() else 0) for s, d in zip(segments, masks)]
        return cls(tuple(segments), tuple(masks), tuple(dfs))

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    def live_count(self) -> int:
        return sum(len(s) - int(d.sum()) for s, d in zip(self.segments, self.dead))

    def dead_fraction(self) -> float:
        total = len(self)
        return 1 - self.live_count() / total if total else 0.0

    def offsets(self) -> np.ndarray:
        """Position of each segment's first chunk in the concatenated order."""
        return np.cumsum([0] + [len(s) for s in self.segments[:-1]], dtype=np.int64)

    def with_segment(self, segment: Segment) -> SegmentSet:
        return SegmentSet(self.segments + (segment,), self.dead + (np.zeros(len(segment), dtype=bool),),
                          self.df + (np.diff(segment.indptr),))

    def without(self, positions: Iterable[int]) -> SegmentSet:
        """Tombstones for the chunks at these positions (of the concatenated order)."""
        wanted = np.fromiter(positions, dtype=np.int64)
        if not len(wanted):
            return self
        seg_of = np.searchsorted(self.offsets(), wanted, side="right") - 1
        dead, df = list(self.dead), list(self.df)
        for i in np.unique(seg_of):
            fresh = np.zeros(len(self.segments[i]), dtype=bool)
            fresh[wanted[seg_of == i] - self.offsets()[i]] = True
            fresh &= ~dead[i]
            dead[i] = dead[i] | fresh
            df[i] = df[i] - _df_of(self.segments[i], fresh)
        return SegmentSet(self.segments, tuple(dead), tuple(df))

    def _query_stats(self) -> dict[str, Any]:
        """Live count, avgdl, per-segment norms, offsets and whether a segment has tombstones (cached)."""
        stats = self._stats
        if not stats:
            n = self.live_count()
            avgdl = sum(float(s.doc_len[~d].sum()) for s, d in zip(self.segments, self.dead)) / n if n else 0.0
            norms = tuple(K1 * (1 - B + B * s.doc_len / avgdl) for s in self.segments) if n else ()
            stats.update(n=n, avgdl=avgdl, norms=norms, offsets=self.offsets(),
                         any_dead=tuple(bool(d.any()) for d in self.dead), total=len(self))
        return stats

    def scores(self, tokens: Sequence[str], weights: Sequence[float] | None = None) -> np.ndarray:
        """BM25 score of every position for the query tokens (a repeated token counts again, as in bm25s).

        With `weights`, token i's contribution is multiplied by weights[i] (one pass for a weighted, expanded
        query instead of one pass per token).
        """
        stats = self._query_stats()
        out = np.zeros(stats["total"], dtype=np.float64)
        n = stats["n"]
        if n == 0:
            return out
        idf: dict[str, float] = {}
        for token in dict.fromkeys(tokens):
            df = sum(int(d[s.lookup[token]]) for s, d in zip(self.segments, self.df) if token in s.lookup)
            if df:  # e.g. N = 100_000, df = 50 -> idf = log(1 + 99_950.5 / 50.5) = 7.59
                idf[token] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
        if not idf:
            return out
        for segment, dead, offset, norm, any_dead in zip(self.segments, self.dead, stats["offsets"], stats["norms"],
                                                         stats["any_dead"]):
            part = out[offset:offset + len(segment)]
            touched = False
            for i, token in enumerate(tokens):
                local = segment.lookup.get(token)
                if local is None or token not in idf:
                    continue
                scale = idf[token] if weights is None else idf[token] * weights[i]
                start, end = segment.indptr[local], segment.indptr[local + 1]
                docs, tf = segment.docs[start:end], segment.tfs[start:end]
                # idf * tf / (tf + norm) with the operands' dtypes (float32 numerator, float64 norm), so the
                # scores are bit-identical, but in two buffers instead of five temporaries per token.
                weight = norm[docs]
                np.add(tf, weight, out=weight)
                np.divide(np.multiply(tf, np.float32(scale)), weight, out=weight)
                part[docs] += weight
                touched = True
            if touched and any_dead:
                part[dead] = 0.0
        return out

    def save(self, directory: Path, meta: dict[str, Any]) -> None:
        """Write new segment files, then the manifest (atomic); drop files neither it nor the last one names.

        The previous manifest's files are kept so a searcher that read it a moment ago can still load them.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        previous = read_manifest(directory) or {}
        for segment in self.segments:
            path = directory / segment.name
            if not (path / "tfs.npy").exists():
                segment.write(path)
        manifest = dict(meta, segments=[{"name": s.name, "dead": np.flatnonzero(d).tolist()}
                                        for s, d in zip(self.segments, self.dead)])
        tmp = directory / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest), encoding="utf-8")
        os.replace(tmp, directory / MANIFEST)
        keep = {MANIFEST} | {s["name"] for m in (manifest, previous) for s in m.get("segments", [])}
        for path in directory.iterdir():
            if path.name not in keep:  # older segments, and the bm25s files of the unsegmented format
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path, reuse: SegmentSet | None = None) -> tuple[SegmentSet, dict[str, Any]] | None:
        """The saved set and its manifest, or None when missing or unreadable; `reuse`'s segments are not re-read."""
        manifest = read_manifest(Path(directory))
        if manifest is None or "segments" not in manifest:
            return None
        known = {s.name: s for s in reuse.segments} if reuse is not None else {}
        segments, dead = [], []
        try:
            for entry in manifest["segments"]:
                segment = known.get(entry["name"]) or Segment.read(Path(directory) / entry["name"])
                mask = np.zeros(len(segment), dtype=bool)
                mask[np.asarray(entry["dead"], dtype=np.int64)] = True
                segments.append(segment)
                dead.append(mask)
        except (OSError, ValueError, KeyError, IndexError) as exc:
            log.warning("keyword index at %s unreadable (%s); it will be rebuilt", directory, exc)
            return None
        return cls.of(segments, dead), manifest


def read_manifest(directory: Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
