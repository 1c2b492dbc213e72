"""Run an evaluation set: question cases through an Assistant, retrieval cases through a Searcher."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tqdm import tqdm

from assistant.archive import Retriever
from assistant.types import Answer, Turn
from corpus.types import Chunk
from eval import metrics
from eval.dataset import Dataset, Evidence, QuestionCase, RetrievalCase, load_dataset, stratified_subset
from eval.errors import EvalRunError
from eval.summary import summarise
from index.types import Hit, SearchFilters

if TYPE_CHECKING:
    from assistant.settings import Settings
    from index.ingest import IngestProgress

logger = logging.getLogger(__name__)

ChunkLookup = Callable[[str], Chunk | None]


class Answerer(Protocol):
    def answer(self, question: str, history: Sequence[Turn] = (), filters: SearchFilters | None = None,
               mode: str | None = None) -> Answer: ...


Ranker = Retriever  # what retrieval cases need: assistant.archive.Retriever.search


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What `namnd eval` was asked to do; recorded in report.json."""

    mode: str | None = None  # "llm" | "extractive"; None = the assistant's default
    method: str = "hybrid"  # retrieval cases: "hybrid" | "dense" | "keyword"
    k: int | None = None  # hits per retrieval query (default 10); for questions it overrides index.top_k
    limit: int | None = None  # stratified subset size
    progress: bool = True


# --- one case -----------------------------------------------------------------------------------

def _relevance(chunks: Sequence[Chunk], gold: Sequence[Evidence]) -> list[list[bool]]:
    return [[metrics.is_relevant(c.text, c.source_file, c.diarienummer, g) for g in gold] for c in chunks]


def _rank_record(chunks: Sequence[Chunk], gold: Sequence[Evidence]) -> dict[str, float]:
    scores = metrics.rank_scores(_relevance(chunks, gold), len(gold))
    return {"recall@1": scores.recall_at_1, "recall@5": scores.recall_at_5, "recall@10": scores.recall_at_10,
            "mrr": scores.mrr, "ndcg@10": scores.ndcg_at_10}


def hit_record(hit: Hit, rank: int, text: bool = True) -> dict[str, Any]:
    """The JSON form of one ranked hit."""
    c = hit.chunk
    record = {"rank": hit.rank or rank, "chunk_id": c.chunk_id, "source_file": c.source_file,
              "diarienummer": list(c.diarienummer), "section": c.section, "item_title": c.item_title,
              "meeting_date": c.meeting.date, "score": hit.score, "source": hit.source,
              "dense_similarity": hit.dense_similarity}
    if text:
        record["text"] = c.text
    return record


def score_answer(case: QuestionCase, answer: Answer, lookup: ChunkLookup) -> tuple[dict, list[dict]]:
    """Scores of one answer and its citations, each annotated with the checks it passed."""
    gold = case.gold()
    gold_dnr = case.gold_diarienummer()
    by_id = {h.chunk.chunk_id: h.chunk for h in answer.sources}
    citations, checks = [], []
    for cit in answer.citations:
        chunk = by_id.get(cit.chunk_id) or lookup(cit.chunk_id)
        verbatim = metrics.quote_is_verbatim(cit.quote, chunk.text if chunk else None)
        relevant = chunk is not None and (
            any(metrics.is_relevant(chunk.text, chunk.source_file, chunk.diarienummer, g) for g in gold)
            or bool({metrics.canonical_dnr(d) for d in chunk.diarienummer}
                    & {metrics.canonical_dnr(d) for d in gold_dnr})
        )
        checks.append((verbatim, relevant))
        citations.append({"number": cit.number, "chunk_id": cit.chunk_id, "diarienummer": list(cit.diarienummer),
                          "section": cit.section, "paragraph": cit.paragraph, "item_title": cit.item_title,
                          "meeting_date": cit.meeting_date, "source_file": cit.source_file, "quote": cit.quote,
                          "quote_verbatim": verbatim, "chunk_relevant": relevant})
    scores: dict[str, Any] = {"refused": not answer.answered, "should_refuse": not case.answerable}
    if case.answerable:
        facts = metrics.key_fact_score(answer.text, case.key_facts) if answer.answered else (
            0.0 if case.key_facts else None)
        scores["key_fact_accuracy"] = facts
        scores["all_key_facts"] = None if facts is None else float(facts == 1.0)
        if gold:
            scores.update(_rank_record([h.chunk for h in answer.sources], gold))
        if answer.answered:
            scores["citation_accuracy"] = metrics.citation_accuracy([c.diarienummer for c in answer.citations],
                                                                    gold_dnr)
            scores["citation_precision"] = metrics.citation_precision(checks)
    return scores, citations


def run_question(case: QuestionCase, assistant: Answerer, mode: str | None, lookup: ChunkLookup) -> dict:
    """Ask one case (its previous_question first, in the same conversation) and score the answer."""
    record: dict[str, Any] = {
        "id": case.id, "kind": "question", "type": case.type, "lang": case.lang, "difficulty": case.difficulty,
        "question": case.question, "previous_question": case.previous_question,
        "expected": {"answer": case.answer, "key_facts": case.key_facts, "diarienummer": case.diarienummer,
                     "source_file": case.source_file, "evidence": case.evidence},
    }
    try:
        history: tuple[Turn, ...] = ()
        if case.previous_question:
            first = assistant.answer(case.previous_question, mode=mode)
            history = (Turn(case.previous_question, first),)
        started = time.perf_counter()
        answer = assistant.answer(case.question, history=history, mode=mode)
        record["latency_s"] = time.perf_counter() - started
        scores, citations = score_answer(case, answer, lookup)
    except Exception as exc:  # a broken case must not stop the run
        logger.warning("Case %s failed: %s", case.id, exc, exc_info=True)
        record["error"] = f"{type(exc).__name__}: {exc}"
        return record
    record["answer"] = {"text": answer.text, "answered": answer.answered, "language": answer.language,
                        "mode": answer.mode, "search_query": answer.search_query, "notice": answer.notice,
                        "citations": citations,
                        "sources": [hit_record(h, i, text=False) for i, h in enumerate(answer.sources, 1)]}
    record["scores"] = scores
    return record


def run_retrieval_case(case: RetrievalCase, searcher: Ranker, method: str, k: int) -> dict:
    """Search one query and score the ranking."""
    record: dict[str, Any] = {"id": case.id, "kind": "retrieval", "type": case.query_type or "retrieval",
                              "lang": case.lang, "query": case.query,
                              "relevant": [e.model_dump() for e in case.relevant]}
    try:
        started = time.perf_counter()
        hits = searcher.search(case.query, k=k, method=method)
        record["latency_s"] = time.perf_counter() - started
        record["hits"] = [hit_record(h, i) for i, h in enumerate(hits, 1)]
        record["scores"] = _rank_record([h.chunk for h in hits], case.relevant) if case.relevant else {}
    except Exception as exc:
        logger.warning("Query %s failed: %s", case.id, exc, exc_info=True)
        record["error"] = f"{type(exc).__name__}: {exc}"
    return record


# --- a whole set ----------------------------------------------------------------------------------

def _bar(items: Iterable, total: int, enabled: bool, desc: str) -> Iterable:
    return tqdm(items, total=total, disable=not enabled, desc=desc, unit="fråga")


def run_cases(dataset: Dataset, options: RunOptions, assistant: Answerer | None = None,
              searcher: Ranker | None = None, lookup: ChunkLookup | None = None) -> dict[str, Any]:
    """Run every (or a stratified --limit subset of) case and return the full report dict."""
    key = "type" if dataset.kind == "questions" else "query_type"
    cases = stratified_subset(dataset.cases, options.limit, key=key)
    lookup = lookup or (lambda _chunk_id: None)
    items: list[dict] = []
    if dataset.kind == "questions":
        if assistant is None:
            raise EvalRunError("Question cases need an Assistant; build one with Assistant.from_settings().")
        for case in _bar(cases, len(cases), options.progress, "Frågor"):
            items.append(run_question(case, assistant, options.mode, lookup))
    else:
        if searcher is None:
            raise EvalRunError("Retrieval cases need a Searcher; build one with Searcher.from_settings().")
        for case in _bar(cases, len(cases), options.progress, "Sökningar"):
            items.append(run_retrieval_case(case, searcher, options.method, options.k or 10))
    return {
        "dataset": str(dataset.path), "kind": dataset.kind,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "options": {"mode": options.mode, "method": options.method if dataset.kind == "retrieval" else "hybrid",
                    "k": options.k or (10 if dataset.kind == "retrieval" else None), "limit": options.limit, "cases_total": len(dataset.cases)},
        **summarise(dataset.kind, items),
        "items": items,
    }


def write_json(report: dict[str, Any], out: Path) -> Path:
    """Write report.json into `out` (created if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path


def evaluate(dataset_path: Path, settings: Settings, options: RunOptions, out: Path,
             corpus: Sequence[Path] = ()) -> dict[str, Any]:
    """The `namnd eval` pipeline: (ingest `corpus` into <out>/index), run, write report.json + report.md.

    `settings` is the root Settings; with `corpus`, a separate index under <out>/index is
    built from those files, so an external benchmark never mixes with the nämnd index.
    """
    from assistant.chat import Assistant
    from eval.report import write_report
    from index.search import Searcher

    dataset = load_dataset(dataset_path)
    ingest_summary = None
    if corpus:
        settings, ingest_summary = ingest_corpus(settings, corpus, out / "index", options.progress)
    if options.k and dataset.kind == "questions":
        settings = settings.model_copy(update={"index": settings.index.model_copy(update={"top_k": options.k})})
    searcher = Searcher.from_settings(settings.index)
    if len(searcher) == 0:
        raise EvalRunError(f"The index at {str(settings.index.path)!r} is empty; run `namnd ingest` "
                           "or pass --corpus PATH to index the documents first.")
    assistant = Assistant.over(searcher, None, settings.chat) if dataset.kind == "questions" else None
    report = run_cases(dataset, options, assistant=assistant, searcher=searcher, lookup=searcher.get_chunk)
    report["index"] = {"path": str(settings.index.path), "chunks": len(searcher),
                       "embedding_backend": settings.index.embedding_backend, "ingest": ingest_summary}
    write_json(report, out)
    write_report(report, out)
    return report


def ingest_corpus(settings: Settings, paths: Sequence[Path], index_path: Path, progress: bool
                  ) -> tuple[Settings, dict]:
    """Index `paths` into their own directory and return settings pointing there."""
    from index.ingest import ingest

    index = settings.index.model_copy(update={"path": index_path})
    settings = settings.model_copy(update={"index": index})
    bar = tqdm(desc="Indexerar", unit="fil", disable=not progress)

    def on_progress(event: IngestProgress) -> None:
        bar.total = event.files_total
        bar.n = event.files_done
        bar.refresh()

    try:
        result = ingest(list(paths), settings.corpus, index, progress=on_progress)
    finally:
        bar.close()
    counts = result.counts()
    rejected = [{"path": f.path, "reason": f.reason} for f in result.files if f.status == "rejected"]
    if rejected:
        logger.warning("%d files were rejected by the parser, e.g. %s", len(rejected), rejected[0])
    if result.chunks_total == 0:
        raise EvalRunError(f"No chunks were indexed from {[str(p) for p in paths]!r}; "
                           f"first rejection: {rejected[0] if rejected else None!r}.")
    return settings, {"counts": counts, "chunks": result.chunks_total, "rejected": rejected,
                      "seconds": round(result.seconds, 1)}
