"""Keyword-index update at scale: full BM25 rebuild vs incremental sync after one file changes.

`python -m eval.bench_keyword --chunks 100000 --work /tmp/kw-bench` builds a real catalog (SQLite) of
variant chunks of the bundled corpus (eval/synthetic.Variant: other kommun, nämnd, dates, dnr and
wording), times a from-scratch build, then replaces one file and adds one and times
`KeywordIndex.sync` as `namnd ingest` runs it, plus the searcher's reload and query latency, and
compares the incremental top 10 with a full rebuild's. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from corpus.chunking import chunk_document
from corpus.parse import discover_files, parse_file
from corpus.settings import CorpusSettings
from corpus.types import Chunk
from eval.bench_phases import QUERIES, peak_rss_mb
from eval.synthetic import Variant
from index.catalog import Catalog, FileEntry
from index.keyword import KeywordIndex, keyword_text


def variant_files(sources: list[list[Chunk]], number: int) -> list[list[Chunk]]:
    """Every bundled file's chunks rewritten by Variant(number), with new ids and file names."""
    variant = Variant(number)
    files = []
    for chunks in sources:
        meeting = dataclasses.replace(chunks[0].meeting, kommun=variant.kommun, committee=variant.namnd)
        files.append([dataclasses.replace(
            c, chunk_id=f"v{number}-{c.chunk_id}", doc_id=f"v{number}-{c.doc_id}",
            source_file=f"v{number:05d}_{c.source_file}", text=variant.rewrite(c.text), meeting=meeting,
            item_title=variant.rewrite(c.item_title) if c.item_title else None, duplicate_of=None)
            for c in chunks])
    return files


def _put(catalog: Catalog, chunks: list[Chunk]) -> None:
    entry = FileEntry(chunks[0].source_file, chunks[0].source_file, chunks[0].doc_id, chunks[0].doc_id,
                      len(chunks), "2026-01-01T00:00:00+00:00")
    with catalog.transaction() as db:
        Catalog.put_file(db, entry, chunks)


def _sync_timed(target: Path, catalog: Catalog, timings: dict[str, Any], key: str) -> None:
    """KeywordIndex.sync as `namnd ingest` calls it; wall and CPU seconds (CPU: a loaded machine's fair figure)."""
    wall, cpu = time.perf_counter(), time.process_time()
    KeywordIndex.sync(target, catalog.generation(), catalog.chunk_ids(), catalog.chunks)
    timings[f"{key}_s"] = round(time.perf_counter() - wall, 3)
    timings[f"{key}_cpu_s"] = round(time.process_time() - cpu, 3)


def run(n_chunks: int, work: Path, reuse: bool = False) -> dict[str, Any]:
    """Args: reuse: keep the catalog and keyword index of an earlier run in `work` (updates only)."""
    corpus = CorpusSettings()
    sources = [chunk_document(parse_file(p, corpus), corpus) for p in discover_files([corpus.source_dir])]
    reuse = reuse and (work / "keyword" / "manifest.json").exists()
    if not reuse:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    catalog = Catalog(work)
    total, number = catalog.chunk_count(), 0
    while total < n_chunks:
        for chunks in variant_files(sources, number):
            _put(catalog, chunks)
            total += len(chunks)
        number += 1
    number = max(number, len(catalog.files()) // len(sources)) + int(time.time()) % 1000  # fresh variants
    target = work / "keyword"
    timings: dict[str, Any] = {"chunks": catalog.chunk_count()}
    if not reuse:
        _sync_timed(target, catalog, timings, "full_build")  # no index yet: built from scratch
    searcher_view = KeywordIndex.load(target)

    # One file replaced (same path, new text: new chunk ids) and one new file, as two ingests.
    replaced = variant_files(sources, number + 1)[1]
    replaced = [dataclasses.replace(c, source_file=f"v00000_{sources[1][0].source_file}") for c in replaced]
    with catalog.transaction() as db:
        Catalog.drop_file(db, replaced[0].source_file)
    _put(catalog, replaced)
    _sync_timed(target, catalog, timings, "replace_one_file")
    timings["replaced_file_chunks"] = len(replaced)
    added = variant_files(sources, number + 2)[0]
    _put(catalog, added)
    _sync_timed(target, catalog, timings, "add_one_file")
    timings["added_file_chunks"] = len(added)

    began = time.perf_counter()
    incremental = KeywordIndex.load(target, reuse=searcher_view)
    timings["searcher_reload_s"] = round(time.perf_counter() - began, 3)
    began = time.perf_counter()
    cold = KeywordIndex.load(target)
    timings["cold_load_s"] = round(time.perf_counter() - began, 3)
    assert incremental is not None and cold is not None
    timings["segments"] = len(incremental.segments.segments)

    latencies = []
    for query in QUERIES * 3:
        began = time.perf_counter()
        incremental.search(query, 40)
        latencies.append(1000 * (time.perf_counter() - began))
    timings["query_p50_ms"] = round(statistics.median(latencies), 1)
    timings["query_p95_ms"] = round(statistics.quantiles(latencies, n=20)[18], 1)

    if not reuse:  # ranking against a full rebuild (minutes at 100k)
        everything = catalog.chunks()
        began, cpu = time.perf_counter(), time.process_time()
        full = KeywordIndex.build([c.chunk_id for c in everything], [keyword_text(c) for c in everything])
        timings["full_rebuild_after_s"] = round(time.perf_counter() - began, 2)
        timings["full_rebuild_after_cpu_s"] = round(time.process_time() - cpu, 2)
        same_top1, overlaps = 0, []
        for query in QUERIES:
            a, b = incremental.search(query, 10), full.search(query, 10)
            same_top1 += bool(a and b and a[0][0] == b[0][0]) or (not a and not b)
            overlaps.append(len({c for c, _ in a} & {c for c, _ in b}) / max(1, len(b)))
        timings.update(queries=len(QUERIES), same_top1=same_top1, min_top10_overlap=round(min(overlaps), 3),
                       mean_top10_overlap=round(statistics.fmean(overlaps), 3))
    timings.update(peak_rss_mb=peak_rss_mb(),
                   cpu=_cpu(), load_avg=[round(x, 2) for x in os.getloadavg()])
    catalog.close()
    return timings


def replicated(keyword_dir: Path, copies: int, rounds: int = 3) -> dict[str, Any]:
    """BM25 query latency at `copies` x the chunks of a saved index, from its segments repeated under new ids.

    The postings (hence the work per query token) grow exactly `copies`-fold, without building or
    tokenizing anything: what a 1M-chunk keyword index costs per query, from a 100k one, in seconds.
    Scores split into `SegmentSet.scores` (the postings) and the rest of `KeywordIndex.search` (top n).
    """
    from index.bm25 import Segment, SegmentSet

    base = KeywordIndex.load(keyword_dir)
    if base is None:
        raise SystemExit(f"No keyword index at {keyword_dir}; build one first (python -m eval.scaled_index).")
    segments = [Segment.of(f"{s.name}-r{k}", tuple(f"r{k}-{cid}" for cid in s.chunk_ids), s.tokens, s.doc_len,
                           s.indptr, s.docs, s.tfs) for k in range(copies) for s in base.segments.segments]
    dead = [d for _ in range(copies) for d in base.segments.dead]
    index = KeywordIndex(SegmentSet.of(segments, dead), base.tokenizer, base.generation, base.lexicon_chunks)
    index.search(QUERIES[0], 40)  # the cached per-query constants
    total, scoring, cpu_total, cpu_scoring = [], [], [], []
    for query in QUERIES * rounds:
        tokens = index.tokenizer.tokenize(query)
        began, cpu = time.perf_counter(), time.process_time()
        index.segments.scores(tokens)
        scoring.append(1000 * (time.perf_counter() - began))
        cpu_scoring.append(1000 * (time.process_time() - cpu))
        began, cpu = time.perf_counter(), time.process_time()
        index.search(query, 40)
        total.append(1000 * (time.perf_counter() - began))
        cpu_total.append(1000 * (time.process_time() - cpu))

    def stats(ms: list[float]) -> dict[str, float]:
        return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(statistics.quantiles(ms, n=20)[18], 2)}

    return {"chunks": len(index), "segments": len(segments), "postings": int(sum(len(s.docs) for s in segments)),
            "search_top40": stats(total), "scores_only": stats(scoring),
            "cpu_ms_mean": {"search_top40": round(statistics.fmean(cpu_total), 1),
                            "scores_only": round(statistics.fmean(cpu_scoring), 1)}, "queries": len(QUERIES) * rounds,
            "cpu": _cpu(), "load_avg": [round(x, 2) for x in os.getloadavg()], "peak_rss_mb": peak_rss_mb()}


def _cpu() -> str:
    """e.g. "AMD EPYC, 2 cores, avx2 fma" (model name and the SIMD flags that matter here)."""
    info = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore") if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")),
                 platform.processor() or platform.machine())
    flags = set(next((line.split(":", 1)[1].split() for line in info.splitlines() if line.startswith("flags")), []))
    simd = " ".join(f for f in ("avx2", "fma", "avx512f", "amx_int8") if f in flags)
    return f"{model}, {os.cpu_count()} cores, {simd}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/namnd-kw-bench"))
    parser.add_argument("--reuse", action="store_true", help="time updates of the index an earlier run left")
    parser.add_argument("--replicate", type=Path, default=None,
                        help="only query latency: this keyword index's segments repeated --copies times")
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    if args.replicate is not None:
        print(json.dumps(replicated(args.replicate, args.copies), ensure_ascii=False))
        return
    print(json.dumps(run(args.chunks, args.work, args.reuse), ensure_ascii=False))


if __name__ == "__main__":
    main()
