"""A scaled index written directly: variant chunks of real parsed chunks, no parser and no encoder per chunk.

`namnd bench` at 100k and 1M chunks. The sources are indexes built by the real pipeline (the bundled
corpus, the shared archives): their parsed chunks come out of the catalog and their real vectors out
of Chroma. Variant `n` of a source chunk is the chunk rewritten by `eval.synthetic.Variant(n)` (another
kommun, nämnd, dates, diarienummer, amounts and wording; the meeting metadata and the chunk's own dnr
rewritten alike) with the source's vector plus seeded noise (`PERTURBATION`, as `DerivedEmbedder`).
They are written as `namnd ingest` would write them (catalog rows with text hashes, Chroma upserts in
large batches, BM25 segments with a fixed lexicon), so the real `Searcher` serves the index unchanged.

Levels nest: `grow(data_dir, n)` adds variants until the index holds >= n chunks, so a 1M index grows
from (a copy of) the 100k one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from corpus.types import Chunk
from eval.synthetic import KOMMUNER, PERTURBATION, Template, Variant, _pattern
from index.catalog import Catalog, FileEntry
from index.ingest import text_hash
from index.keyword import MAX_SEGMENTS, KeywordIndex, SwedishTokenizer, build_lexicon, keyword_text
from index.bm25 import Segment, SegmentSet
from index.settings import IndexSettings
from index.vector_store import VectorStore

META_KEYS = ("embedder", "engine", "layout")  # copied from the source index, so the searcher accepts it
MAX_CACHED_LINES = 1_000_000  # ~300 MB of lines and their tokens
VARIANTS_KEY = "bench_variants"  # catalog meta: how many variants of every source file are in
SOURCE_PATH = "bench-derived"  # catalog paths are "<bench-derived>/v00012_<source file>"; no such file exists


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One parsed file of a source index: its chunks in order and their real vectors (rows align)."""

    chunks: tuple[Chunk, ...]
    vectors: np.ndarray  # float32 (len(chunks), dim)


@dataclass(frozen=True, slots=True)
class Sources:
    files: tuple[SourceFile, ...]
    meta: dict[str, str]  # embedder, engine, layout of the first source

    @property
    def chunks_per_variant(self) -> int:
        return sum(len(f.chunks) for f in self.files)


def load_sources(index_dirs: Sequence[Path]) -> Sources:
    """Chunks (from the catalog) and vectors (from Chroma) of indexes built by `namnd ingest`."""
    files: list[SourceFile] = []
    meta: dict[str, str] = {}
    for directory in index_dirs:
        catalog = Catalog(directory)
        here = {key: catalog.get_meta(key) or "" for key in META_KEYS}
        if meta and here["embedder"] != meta["embedder"]:
            raise ValueError(f"{directory} was embedded by {here['embedder']!r}, not {meta['embedder']!r}; "
                             "use sources built with one encoder.")
        meta = meta or here
        store = VectorStore(IndexSettings(path=directory), here["embedder"])
        by_path: dict[str, list[Chunk]] = {}
        for chunk, path in zip(catalog.chunks(), _paths_in_order(catalog)):
            by_path.setdefault(path, []).append(chunk)
        catalog.close()
        for chunks in by_path.values():
            vectors: dict[str, list[float]] = {}
            for start in range(0, len(chunks), 500):
                vectors.update(store.vectors([c.chunk_id for c in chunks[start:start + 500]]))
            kept = [c for c in chunks if c.chunk_id in vectors]
            if kept:
                files.append(SourceFile(tuple(kept), np.asarray([vectors[c.chunk_id] for c in kept], np.float32)))
    if not files:
        raise ValueError(f"No chunks with vectors in {[str(d) for d in index_dirs]}; run `namnd ingest` there first.")
    return Sources(tuple(files), meta)


def _paths_in_order(catalog: Catalog) -> list[str]:
    """The path of each chunk in Catalog.chunks() order (file, then position)."""
    return [row[0] for row in catalog._db.execute("SELECT path FROM chunks ORDER BY path, ord")]


class LineTokens:
    """BM25 tokens of variant texts from their lines: a line the rewrite left as in the source costs a
    dict lookup, only rewritten lines are tokenized (the real tokenizer, on the line).

    BM25 needs each chunk's token multiset, and the tokenizer's patterns (diarienummer, §, words) do not
    cross lines in almost every chunk; `exact[(file, chunk)]` says, per source chunk, whether its
    line-wise multiset equals the whole-text one, and the variants of the chunks where it does not are
    tokenized whole.
    """

    def __init__(self, tokenizer: SwedishTokenizer, sources: Sources) -> None:
        self.tokenizer = tokenizer
        self.lines: dict[str, tuple[str, ...]] = {}
        self.exact: dict[tuple[int, int], bool] = {}
        for f, source in enumerate(sources.files):
            for i, chunk in enumerate(source.chunks):
                text = keyword_text(chunk)
                parts = [self._line(line) for line in text.split("\n")]
                self.exact[f, i] = Counter(t for p in parts for t in p) == Counter(tokenizer.tokenize(text))

    def _line(self, line: str) -> tuple[str, ...]:
        cached = self.lines.get(line)
        if cached is None:
            cached = tuple(self.tokenizer.tokenize(line))
            self.lines[line] = cached
        return cached

    def tokens(self, text: str, source: tuple[int, int]) -> list[str]:
        if not self.exact.get(source, False):  # (-1, -1): a chunk read back from the catalog
            return self.tokenizer.tokenize(text)
        out: list[str] = []
        for line in text.split("\n"):
            cached = self.lines.get(line)
            if cached is None:
                cached = tuple(self.tokenizer.tokenize(line))
                if len(self.lines) < MAX_CACHED_LINES:  # rewritten lines recur across variants of one shift
                    self.lines[line] = cached
            out.extend(cached)
        return out


class ChunkTemplates:
    """Each source chunk cut once into `Template`s (text, title, dnr); `file(variant, f)` fills them."""

    def __init__(self, sources: Sources) -> None:
        kommuner = {*KOMMUNER, *(f.chunks[0].meeting.kommun for f in sources.files if f.chunks[0].meeting.kommun)}
        pattern = _pattern(sorted(kommuner))
        self.sources = sources
        self.templates = [[(Template(c.text, pattern), Template(c.item_title, pattern) if c.item_title else None,
                            tuple(Template(d, pattern) for d in c.diarienummer),
                            tuple(Template(d, pattern) for d in c.diarienummer_as_written)) for c in f.chunks]
                          for f in sources.files]

    def file(self, number: int, f: int) -> list[Chunk]:
        """Variant `number` of source file `f`: ids, file name, meeting, text, title and dnr rewritten."""
        variant, prefix = Variant(number), f"v{number:05d}"
        chunks = self.sources.files[f].chunks
        first = chunks[0].meeting
        meeting = dataclasses.replace(
            first, kommun=variant.kommun, committee=variant.namnd, date=variant.shift_date(first.date),
            justering_date=variant.shift_date(first.justering_date), anslag_date=variant.shift_date(first.anslag_date),
            anslag_removed_date=variant.shift_date(first.anslag_removed_date))
        out = []
        for c, (text, title, dnr, written) in zip(chunks, self.templates[f]):
            out.append(dataclasses.replace(
                c, chunk_id=f"{prefix}-{c.chunk_id}", doc_id=f"{prefix}-{c.doc_id}",
                source_file=f"{prefix}_{c.source_file}",
                meeting=meeting if c.meeting is first or c.meeting == first else dataclasses.replace(
                    c.meeting, kommun=meeting.kommun, committee=meeting.committee,
                    date=variant.shift_date(c.meeting.date)),
                text=text.fill(variant), item_title=title.fill(variant) if title else c.item_title,
                diarienummer=tuple(dict.fromkeys(d.fill(variant) for d in dnr)),
                diarienummer_as_written=tuple(w.fill(variant) for w in written),
                duplicate_of=f"{prefix}-{c.duplicate_of}" if c.duplicate_of else None))
        return out


def variant_vectors(source: np.ndarray, number: int, f: int, sigma: float = PERTURBATION) -> np.ndarray:
    """The source vectors plus seeded noise of sigma/sqrt(dim) per dimension, re-normalised (cosine ≈ 0.96)."""
    rng = np.random.default_rng((number, f))
    noise = rng.standard_normal(source.shape, dtype=np.float32) * np.float32(sigma / math.sqrt(source.shape[1]))
    noisy = source + noise
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


@dataclass
class GrowReport:
    """What one grow() call did, and where the time went."""

    chunks: int
    files: int
    new_chunks: int
    new_files: int
    variants: int
    seconds: float
    timings: dict[str, float]
    segments: int

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "timings": {k: round(v, 2) for k, v in self.timings.items()}}


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def add(self, key: str, began: float) -> float:
        now = time.perf_counter()
        self.timings[key] = self.timings.get(key, 0.0) + now - began
        return now


def grow(index_dir: Path, sources: Sources, target: int, segment_chunks: int | None = None,
         batch_chunks: int = 20_000, stop: Callable[[], bool] | None = None) -> GrowReport:
    """Add whole variants of every source file until the index at `index_dir` holds >= target chunks.

    Resumable: each batch of whole variants is one catalog transaction that also records how many
    variants are in, and BM25 is saved at every segment; a killed run leaves a consistent index (the
    searcher catches BM25 up in memory) and the next call continues where it stopped.

    Args:
        segment_chunks: BM25 segment size (default: one segment for a new index; growth in the segments
            left below MAX_SEGMENTS, so no merge is needed).
        batch_chunks: chunks per catalog transaction and per round of Chroma upserts.
        stop: checked after each batch; True ends the run early (consistent, resumable).
    """
    began = time.perf_counter()
    timer = _Timer()
    catalog = Catalog(index_dir)
    if catalog.chunk_count() and catalog.get_meta(VARIANTS_KEY) is None:
        raise ValueError(f"{index_dir} holds an index not made by eval.scaled_index; give an empty directory.")
    for key in META_KEYS:
        catalog.set_meta(key, sources.meta[key])
    made = int(catalog.get_meta(VARIANTS_KEY) or 0)
    per_variant = sources.chunks_per_variant
    wanted = max(made, math.ceil(target / per_variant))
    new_chunks = (wanted - made) * per_variant
    store = VectorStore(IndexSettings(path=index_dir), sources.meta["embedder"])
    keyword_dir = index_dir / "keyword"
    keyword = KeywordIndex.load(keyword_dir)
    segments = keyword.segments if keyword is not None else SegmentSet()
    tokenizer = SwedishTokenizer(keyword.tokenizer.lexicon) if keyword is not None else None
    lexicon_chunks = keyword.lexicon_chunks if keyword is not None else 0
    # A new index is one segment (as KeywordIndex.build); growth fills the segments left below MAX_SEGMENTS.
    room = max(1, MAX_SEGMENTS - len(segments.segments)) if segments.segments else 1
    segment_chunks = segment_chunks or max(1, math.ceil(new_chunks / room))
    pending_ids: list[str] = []
    pending_texts: list[str] = []
    pending_sources: list[tuple[int, int]] = []  # (source file, chunk) of each pending chunk; (-1, -1): unknown
    # Chunks a killed run put in the catalog after its last BM25 save: tokenized whole, in the next segment.
    unsaved = sorted(catalog.chunk_ids() - set(keyword.live_ids() if keyword is not None else ()))
    for chunk in catalog.chunks(unsaved) if unsaved else ():
        pending_ids.append(chunk.chunk_id), pending_texts.append(keyword_text(chunk))
        pending_sources.append((-1, -1))
    lines: LineTokens | None = None
    batch: list[tuple[int, list[Chunk], np.ndarray]] = []
    files_added = 0
    catalog.set_meta("dirty", "1")
    tick = time.perf_counter()

    upsert = made > 0 or catalog.chunk_count() > 0  # a killed batch may have left its vectors: upsert once

    def flush_batch(variants: int) -> None:
        nonlocal tick, upsert
        if not batch:
            return
        chunks = [c for _, file_chunks, _ in batch for c in file_chunks]
        tick = timer.add("variants", tick)
        store.add_array(chunks, np.concatenate([v for _, _, v in batch]), new=not upsert)
        upsert = False
        tick = timer.add("chroma", tick)
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with catalog.transaction() as db:
            for _, file_chunks, _ in batch:
                first = file_chunks[0]
                digest = hashlib.sha256("".join(c.text for c in file_chunks).encode()).hexdigest()
                entry = FileEntry(f"{SOURCE_PATH}/{first.source_file}", first.source_file, digest, first.doc_id,
                                  len(file_chunks), stamp)
                Catalog.put_file(db, entry, file_chunks, [text_hash(c) for c in file_chunks])
            catalog.set_meta(VARIANTS_KEY, str(variants))
        tick = timer.add("catalog", tick)
        pending_ids.extend(c.chunk_id for c in chunks)
        pending_texts.extend(keyword_text(c) for c in chunks)
        pending_sources.extend((f, i) for f, file_chunks, _ in batch for i in range(len(file_chunks)))
        tick = timer.add("variants", tick)
        batch.clear()

    def flush_segment() -> None:
        nonlocal segments, tokenizer, lexicon_chunks, tick, lines
        if not pending_ids:
            return
        if tokenizer is None:  # a new index: the lexicon of its first segment, as KeywordIndex.build does
            tokenizer = SwedishTokenizer(build_lexicon(pending_texts))
            lexicon_chunks = len(pending_texts)
        lines = lines or LineTokens(tokenizer, sources)
        segments = segments.with_segment(Segment.build(
            pending_ids, (lines.tokens(t, at) for t, at in zip(pending_texts, pending_sources))))
        pending_ids.clear(), pending_texts.clear(), pending_sources.clear()
        KeywordIndex(segments, tokenizer, catalog.generation(), lexicon_chunks).save(keyword_dir)
        tick = timer.add("bm25", tick)

    templates = ChunkTemplates(sources)
    number = made
    for number in range(made, wanted):
        for f, source in enumerate(sources.files):
            batch.append((f, templates.file(number, f), variant_vectors(source.vectors, number, f)))
            files_added += 1
        if sum(len(c) for _, c, _ in batch) >= batch_chunks or number == wanted - 1:
            flush_batch(number + 1)
        if len(pending_ids) >= segment_chunks:
            flush_segment()
        if stop is not None and stop():
            break
    flush_batch(number + 1)
    flush_segment()
    if keyword is None and tokenizer is None:  # nothing was added to a new index
        KeywordIndex(segments, SwedishTokenizer(), catalog.generation(), 0).save(keyword_dir)
    elif tokenizer is not None and KeywordIndex.saved_generation(keyword_dir) != catalog.generation():
        KeywordIndex(segments, tokenizer, catalog.generation(), lexicon_chunks).save(keyword_dir)
    catalog.set_meta("windows", "0")
    catalog.set_meta("dirty", "0")
    report = GrowReport(catalog.chunk_count(), len(catalog.files()), new_chunks, files_added,
                        int(catalog.get_meta(VARIANTS_KEY) or 0), time.perf_counter() - began, timer.timings,
                        len(segments.segments))
    catalog.close()
    (index_dir / "bench-derived.json").write_text(json.dumps(report.as_dict()), encoding="utf-8")
    return report


def main() -> None:
    """`python -m eval.scaled_index --out /tmp/h3-bench --chunks 100000 --chunks 1000000 SOURCE_INDEX...`"""
    import argparse
    import os
    import shutil
    import signal

    from eval.bench_phases import dir_size_mb, peak_rss_mb

    parser = argparse.ArgumentParser(
        description="Build (or resume) derived scaled indexes <out>/n<N> for `namnd bench --reuse`.")
    parser.add_argument("sources", nargs="+", type=Path,
                        help="index directories built by `namnd ingest` (<data_dir>/index)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--chunks", type=int, action="append", required=True)
    parser.add_argument("--segment-chunks", type=int, default=None)
    parser.add_argument("--nest", action="store_true",
                        help="copy the previous level before growing (else each from scratch)")
    args = parser.parse_args()
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))  # stop after the current batch, consistently
    sources = load_sources(args.sources)
    previous = None
    for n in sorted(args.chunks):
        data_dir = args.out / f"n{n}"
        if args.nest and previous is not None and not data_dir.exists():
            shutil.copytree(previous, data_dir)
        saved = data_dir / "build.json"
        earlier = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else None
        load_start = [round(x, 2) for x in os.getloadavg()]
        cpu = time.process_time()
        report = grow(data_dir / "index", sources, n, args.segment_chunks, stop=lambda: bool(stopping))
        out = {**report.as_dict(), "build_s": round(report.seconds, 1), "cpu_s": round(time.process_time() - cpu, 1),
               "load_avg_start": load_start, "load_avg_end": [round(x, 2) for x in os.getloadavg()],
               "disk_mb": dir_size_mb(data_dir / "index"), "peak_rss_mb": peak_rss_mb(),
               "source_chunks": sources.chunks_per_variant, "stopped_early": bool(stopping),
               "earlier_runs": (earlier or {}).get("earlier_runs", []) + ([
                   {k: earlier.get(k) for k in ("chunks", "build_s", "cpu_s", "load_avg_start", "load_avg_end")}]
                   if earlier else [])}
        saved.write_text(json.dumps(out), encoding="utf-8")
        print(json.dumps(out), flush=True)
        if stopping:
            return
        previous = data_dir


if __name__ == "__main__":
    main()
