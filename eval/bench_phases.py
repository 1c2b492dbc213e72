"""The measured phases of `namnd bench`; each runs in its own process so its peak RSS is its own.

A phase takes a JSON dict of arguments and returns a JSON dict of figures; `eval.bench` starts
them with `python -m eval.bench_phases PHASE ARGS_JSON` and reads the last stdout line.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.chat import Assistant
from assistant.llm import ChatModel, make_chat_model, messages_to_chatml
from assistant.settings import Settings
from assistant.types import TokenEvent
from eval.synthetic import DerivedEmbedder, RecordingEmbedder
from index.embed import make_embedder
from index.ingest import ingest
from index.search import Searcher

# What people type: questions, auditor keywords, diarienummer and § lookups (both in the bundled
# corpus and, rewritten, in the scaled ones).
QUERIES = (
    "Hur stort överskott hade socialnämnden 2022?",
    "Vad beslutade nämnden om verksamhetsberättelsen?",
    "budget i balans individ- och familjeomsorgen",
    "internkontroll uppföljning socialnämnden",
    "SN/2023:00217",
    "SN 2020:64",
    "2019/ASN 0036 10",
    "§ 12",
    "Vilka åtgärder föreslås för att minska kostnaderna för placeringar?",
    "ekonomiskt bistånd försörjningsstöd kostnader",
    "Hur många anmälningar om missförhållanden enligt lex Sarah kom in?",
    "äldreomsorg hemtjänst kvalitet",
    "Vem är ordförande i socialnämnden?",
    "patientsäkerhetsberättelse",
    "familjehemsplaceringar barn och unga",
    "Vad sa revisorerna om styrningen?",
    "avvikelser och klagomål",
    "delegationsbeslut anmälan",
    "Hur gick det med målen i nämndplanen?",
    "våld i nära relationer skyddat boende",
)
QUESTIONS = (
    "Hur stort överskott hade socialnämnden 2022?",
    "Vad beslutade nämnden om verksamhetsberättelsen för individ- och familjeomsorgen?",
    "Vilka åtgärder föreslås för att nå en budget i balans?",
    "Hur många lex Sarah-anmälningar kom in?",
    "Vad säger patientsäkerhetsberättelsen om avvikelser?",
    "Vad kostar försörjningsstödet?",
)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean of latencies in ms, e.g. 20 samples -> p95 is the 19th value (inclusive method)."""
    qs = statistics.quantiles(samples_ms, n=20, method="inclusive") if len(samples_ms) > 1 else [samples_ms[0]] * 19
    return {"p50_ms": round(statistics.median(samples_ms), 2), "p95_ms": round(qs[18], 2),
            "mean_ms": round(statistics.fmean(samples_ms), 2), "n": len(samples_ms)}


def _settings(args: dict[str, Any]) -> Settings:
    return Settings(data_dir=Path(args["data_dir"]), chroma_url=args.get("chroma_url"))


def phase_ingest(args: dict[str, Any]) -> dict[str, Any]:
    """Real text through the whole pipeline, then the same texts through the bare encoder."""
    settings = _settings(args)
    recorder = RecordingEmbedder(make_embedder(settings.index))
    recorder.embed_documents(["uppvärmning"])  # load the model outside the timed region
    recorder.texts.clear(), recorder.vectors.clear()
    began, cpu_began = time.perf_counter(), time.process_time()
    report = ingest([Path(p) for p in args["files"]], settings.corpus, settings.index, embedder=recorder)
    pipeline_s, pipeline_cpu_s = time.perf_counter() - began, time.process_time() - cpu_began
    size = max(1, settings.index.embed_batch_size)
    began = time.perf_counter()
    # The same texts through the bare encoder (skipped for a large real corpus: it doubles the phase).
    for start in range(0, len(recorder.texts) if args.get("bare", True) else 0, size):
        recorder.inner.embed_documents(recorder.texts[start:start + size])
    bare_s = time.perf_counter() - began if args.get("bare", True) else 0.0
    np.savez(args["vectors_out"], texts=np.array(recorder.texts, dtype=object),
             vectors=np.array(recorder.vectors, dtype=np.float32))
    began = time.perf_counter()
    again = ingest([Path(p) for p in args["files"]], settings.corpus, settings.index, embedder=recorder)
    reingest_s = time.perf_counter() - began
    n = len(recorder.texts)
    return {"files": len(report.files), "chunks": report.chunks_total, "embedded": n,
            "pipeline_s": round(pipeline_s, 2), "encoder_in_pipeline_s": round(report.encoder_seconds, 2),
            "bare_encoder_s": round(bare_s, 2), "overhead_ratio": round(pipeline_s / bare_s, 3) if bare_s else None,
            "pipeline_chunks_per_s": round(n / pipeline_s, 2),
            "encoder_chunks_per_s": round(n / bare_s, 2) if bare_s else None,
            "reingest_s": round(reingest_s, 2), "reingest_embedded": again.embedded,
            "pipeline_cpu_s": round(pipeline_cpu_s, 2), "load_avg_end": [round(x, 2) for x in os.getloadavg()],
            "engine": getattr(recorder.inner, "engine", recorder.name),
            "embedder": recorder.name, "embedding_backend": settings.index.embedding_backend, "batch_size": size,
            "timings": report.timings, "peak_rss_mb": peak_rss_mb()}


def phase_build(args: dict[str, Any]) -> dict[str, Any]:
    """Grow the scaled index to the given files with derived vectors, then re-ingest it unchanged."""
    settings = _settings(args)
    saved = np.load(args["vectors"], allow_pickle=True)
    embedder = DerivedEmbedder(make_embedder(settings.index), list(saved["texts"]), saved["vectors"])
    files = [Path(p) for p in args["files"]]
    began = time.perf_counter()
    report = ingest(files, settings.corpus, settings.index, embedder=embedder)
    build_s = time.perf_counter() - began
    began = time.perf_counter()
    again = ingest(files, settings.corpus, settings.index, embedder=embedder)
    reingest_s = time.perf_counter() - began
    rejected = [f.reason for f in report.files if f.status == "rejected"]
    return {"files": len(files), "chunks": report.chunks_total, "embedded": report.embedded,
            "build_s": round(build_s, 2), "build_timings": report.timings,
            "reingest_s": round(reingest_s, 2), "reingest_embedded": again.embedded,
            "reingest_timings": again.timings, "rejected": len(rejected), "rejected_example": rejected[:1],
            "peak_rss_mb": peak_rss_mb()}


def rss_mb() -> float | None:
    """Resident set size of this process now, in MB (None off Linux)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    line = next((l for l in status.read_text().splitlines() if l.startswith("VmRSS")), None)
    return round(int(line.split()[1]) / 1024, 1) if line else None


def _timed(samples: list[float], call: Callable[[], Any]) -> Any:
    began = time.perf_counter()
    out = call()
    samples.append((time.perf_counter() - began) * 1000)
    return out


def dir_size_mb(path: Path) -> float:
    """Bytes of every file under `path` (the index on disk: catalog, Chroma, BM25), in MB."""
    return round(sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1024 ** 2, 1)


def phase_derive(args: dict[str, Any]) -> dict[str, Any]:
    """Grow the scaled index at data_dir to `target` chunks from the source indexes (eval/scaled_index.py)."""
    from eval.scaled_index import grow, load_sources

    index = Path(args["data_dir"]) / "index"
    load_start = [round(x, 2) for x in os.getloadavg()]
    cpu_began = time.process_time()
    sources = load_sources([Path(p) for p in args["sources"]])
    report = grow(index, sources, int(args["target"]))
    out = {**report.as_dict(), "build_s": round(report.seconds, 2), "build_timings": report.as_dict()["timings"],
           "cpu_s": round(time.process_time() - cpu_began, 1), "source_chunks": sources.chunks_per_variant,
           "disk_mb": dir_size_mb(index), "peak_rss_mb": peak_rss_mb(), "load_avg_start": load_start,
           "load_avg_end": [round(x, 2) for x in os.getloadavg()], "rejected": 0, "reingest_s": None,
           "reingest_embedded": 0}
    (Path(args["data_dir"]) / "build.json").write_text(json.dumps(out), encoding="utf-8")
    return out


def phase_search(args: dict[str, Any]) -> dict[str, Any]:
    """p50/p95 of Searcher.search per method over QUERIES, model warm, after one warm-up round.

    Then the index's own share with query vectors computed up front: each method, and the parts of a
    hybrid search (Chroma HNSW, BM25, the rest: fusion, exact lookup, collapse, hits, similarities).
    `open_s`/`rss_open_mb`: a fresh process opening the index (catalog table, BM25 segments, Chroma).
    """
    load_start = [round(x, 2) for x in os.getloadavg()]
    settings = _settings(args)
    began = time.perf_counter()
    searcher = Searcher.from_settings(settings.index)
    chunks = len(searcher)  # the first refresh(): chunk table and BM25 loaded
    open_s = time.perf_counter() - began
    rss_open = rss_mb()
    queries = list(QUERIES)[: args.get("queries", len(QUERIES))]
    repeats = args.get("repeats", 2)
    for method in ("hybrid", "dense", "keyword"):
        for query in queries[:3]:
            searcher.search(query, method=method)
    timed: dict[str, list[float]] = {m: [] for m in ("hybrid", "dense", "keyword")}
    for _ in range(repeats):
        for query in queries:
            for method, samples in timed.items():
                _timed(samples, lambda: searcher.search(query, method=method))
    embed_ms: list[float] = []
    for query in queries:
        _timed(embed_ms, lambda: searcher.embedder.embed_query(query))
    # The index's own share: the same searches with query vectors computed beforehand, so a
    # busy encoder (or a slow one) does not hide what Chroma, BM25 and fusion cost at this N.
    searcher.embedder = CachedQueries(searcher.embedder, queries)
    index_only: dict[str, list[float]] = {m: [] for m in ("hybrid", "dense", "keyword")}
    parts: dict[str, list[float]] = {p: [] for p in ("chroma_hnsw", "bm25", "rest", "similarity_fetch")}
    store, table = getattr(searcher, "_store", None), searcher.refresh()
    n = settings.index.candidates
    profiler = None
    if args.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
    for query in queries * repeats:
        for method, samples in index_only.items():
            if profiler is not None and method == "hybrid":
                profiler.enable()
            hits = _timed(samples, lambda: searcher.search(query, method=method))
            if profiler is not None and method == "hybrid":
                profiler.disable()
        vector = searcher.embedder.embed_query(query)
        if store is not None and table.keyword is not None:
            _timed(parts["chroma_hnsw"], lambda: store.query(vector, n, None))
            found = _timed(parts["bm25"], lambda: table.keyword.search(query, n))
            parts["rest"].append(index_only["hybrid"][-1] - parts["chroma_hnsw"][-1] - parts["bm25"][-1])
            ids = [cid for cid, _ in found[:10]] or [h.chunk.chunk_id for h in hits[:10]]
            if ids:
                _timed(parts["similarity_fetch"], lambda: store.vectors(ids))
    out = {"chunks": chunks, **{m: percentiles(s) for m, s in timed.items()},
           "embed_query": percentiles(embed_ms),
           "index_only": {m: percentiles(s) for m, s in index_only.items()},
           "index_parts": {p: percentiles(s) for p, s in parts.items() if s},
           "open_s": round(open_s, 2), "rss_open_mb": rss_open, "rss_end_mb": rss_mb(),
           "peak_rss_mb": peak_rss_mb(), "load_avg_start": load_start,
           "load_avg_end": [round(x, 2) for x in os.getloadavg()]}
    if profiler is not None:
        out["profile_hybrid"] = _top_functions(profiler, 15)
    return out


def _top_functions(profiler: Any, n: int) -> list[str]:
    """The n functions with the most cumulative time, as 'cumulative ms  calls  file:line(function)'."""
    import pstats

    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = sorted(stats.items(), key=lambda kv: -kv[1][3])[:n]
    return [f"{1000 * ct:9.1f} ms {nc:7d}  {Path(f).name}:{line}({fn})" for (f, line, fn), (_, nc, _, ct, _) in rows]


class CachedQueries:
    """An Embedder whose query vectors were computed up front (passages go to the real one)."""

    def __init__(self, inner: Any, queries: Sequence[str]) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._vectors = {q: inner.embed_query(q) for q in queries}

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._vectors.get(text) or self.inner.embed_query(text)


class CountingChat:
    """A ChatModel wrapper that notes prompt and generated token counts of the last call."""

    def __init__(self, inner: ChatModel) -> None:
        self.inner = inner
        self.prompt_tokens = 0
        self.generated_tokens = 0

    def _count(self, text: str) -> int:
        llama = getattr(getattr(getattr(self.inner, "_llm", None), "_model", None), "tokenize", None)
        if llama is None:
            return len(text.split())  # backend without a tokenizer: words, labelled as such in docs
        return len(llama(text.encode("utf-8"), add_bos=False, special=True))

    def complete(self, messages: Sequence[Any]) -> str:
        self.prompt_tokens = self._count(messages_to_chatml(messages))
        text = self.inner.complete(messages)
        self.generated_tokens = self._count(text)
        return text

    def stream(self, messages: Sequence[Any]) -> Iterator[str]:
        self.prompt_tokens = self._count(messages_to_chatml(messages))
        pieces: list[str] = []
        for piece in self.inner.stream(messages):
            pieces.append(piece)
            yield piece
        self.generated_tokens = self._count("".join(pieces))


def _timed_stream(assistant: Assistant, question: str, mode: str) -> tuple[float, float | None, bool]:
    """(total ms, first-token ms or None, answered) for one question."""
    began = time.perf_counter()
    first = None
    answered = False
    for event in assistant.stream(question, mode=mode):
        if isinstance(event, TokenEvent) and first is None:
            first = (time.perf_counter() - began) * 1000
        answer = getattr(event, "answer", None)
        if answer is not None:
            answered = answer.answered
    return (time.perf_counter() - began) * 1000, first, answered


def phase_answer(args: dict[str, Any]) -> dict[str, Any]:
    """Extractive p50/p95 over QUESTIONS; then the local LLM's first token, total and token counts."""
    settings = _settings(args)
    searcher = Searcher.from_settings(settings.index)
    extractive = Assistant.over(searcher, None, settings.chat)
    extractive.answer(QUESTIONS[0], mode="extractive")
    samples = [_timed_stream(extractive, q, "extractive")[0] for _ in range(args.get("repeats", 3)) for q in QUESTIONS]
    out: dict[str, Any] = {"extractive": percentiles(samples), "peak_rss_extractive_mb": peak_rss_mb()}
    n_llm = args.get("llm_questions", 0)
    if not n_llm:
        out["llm"] = {"skipped": "not requested (--quick or --no-llm)"}
        return out
    began = time.perf_counter()
    chat = CountingChat(make_chat_model(settings.chat))
    load_s = time.perf_counter() - began
    assistant = Assistant.over(searcher, chat, settings.chat)
    runs = []
    for question in QUESTIONS[:n_llm]:
        total, first, answered = _timed_stream(assistant, question, "llm")
        runs.append({"question": question, "ttft_ms": round(first, 1) if first else None, "total_ms": round(total, 1),
                     "prompt_tokens": chat.prompt_tokens, "generated_tokens": chat.generated_tokens,
                     "answered": answered})
    firsts = [r["ttft_ms"] for r in runs if r["ttft_ms"] is not None]
    out["llm"] = {"load_s": round(load_s, 2), "runs": runs,
                  "ttft": percentiles(firsts) if firsts else None,
                  "total": percentiles([r["total_ms"] for r in runs]),
                  "prompt_tokens_mean": round(statistics.fmean(r["prompt_tokens"] for r in runs), 1),
                  "generated_tokens_mean": round(statistics.fmean(r["generated_tokens"] for r in runs), 1)}
    out["peak_rss_llm_mb"] = peak_rss_mb()
    return out


def _phase_encoders(args: dict[str, Any]) -> dict[str, Any]:
    from eval.bench_encoders import phase_encoders

    return phase_encoders(args)


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "ingest": phase_ingest, "build": phase_build, "derive": phase_derive, "search": phase_search, "answer": phase_answer,
    "encoders": _phase_encoders,
}

if __name__ == "__main__":
    result = PHASES[sys.argv[1]](json.loads(sys.argv[2]))
    print(json.dumps(result, ensure_ascii=False, default=str))
