"""Extractive answers without an LLM: the most relevant sentences of the top chunks, each cited."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.citations import looks_like_instruction, make_citation
from assistant.prompts import EXTRACTIVE_INTRO
from assistant.sentences import relevance, sentence_spans, terms, wants_number
from assistant.types import Citation
from index.types import Hit

TABLE_PENALTY = 0.6
NEAR_DUPLICATE = 0.7  # Jaccard overlap of content words above which two sentences say the same
RANK_DECAY = 0.15  # a sentence from hit n loses 0.15 * (n - 1): retrieval order still counts


def extractive_answer(
    question: str, hits: Sequence[Hit], language: str, max_sentences: int = 3, max_chunks: int = 3
) -> tuple[str, tuple[Citation, ...]]:
    """Answer text of quoted sentences with [n] markers (n = position in `hits`) and their citations."""
    query_terms, number = terms(question), wants_number(question)
    candidates: list[tuple[float, int, int, str]] = []  # (score, hit number, start, sentence)
    for n, hit in enumerate(hits[:max_chunks], 1):
        text = hit.chunk.text
        for span in sentence_spans(text):
            sentence = text[span.start:span.end]
            if looks_like_instruction(sentence) or len(sentence) > 600:
                continue
            score = relevance(query_terms, sentence, number) - RANK_DECAY * (n - 1)
            if "\t" in sentence:  # a table row or header: quotable, but prose explains better
                score *= TABLE_PENALTY
            if score > 0:
                candidates.append((score, n, span.start, sentence))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    chosen: list[tuple[int, int, str]] = []
    seen: list[set[str]] = []
    per_hit: dict[int, int] = {}
    for _, n, start, sentence in candidates:
        words = terms(sentence)
        if per_hit.get(n, 0) >= 2 or any(_similar(words, other) for other in seen):
            continue  # kallelse, tjänsteskrivelse and bilaga repeat the same sentence
        seen.append(words)
        per_hit[n] = per_hit.get(n, 0) + 1
        chosen.append((n, start, sentence))
        if len(chosen) >= max_sentences:
            break
    if not chosen:
        return "", ()
    chosen.sort(key=lambda c: (c[0], c[1]))  # read in source order
    lines = [EXTRACTIVE_INTRO.get(language, EXTRACTIVE_INTRO["sv"])]
    citations: dict[int, Citation] = {}
    for n, _, sentence in chosen:
        lines.append(f"- »{' '.join(sentence.split())}« [{n}]")
        citations.setdefault(n, make_citation(n, hits[n - 1], sentence))
    return "\n".join(lines), tuple(citations[n] for n in sorted(citations))


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= NEAR_DUPLICATE
