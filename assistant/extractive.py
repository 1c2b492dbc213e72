"""Extractive answers without an LLM: the most relevant sentences of the top chunks, each cited."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.citations import DECISION_SECTIONS, looks_like_instruction, make_citation
from assistant.prompts import EXTRACTIVE_INTRO
from assistant.sentences import relevance, sentence_spans, terms, wants_number
from assistant.types import Citation
from index.types import Hit

TABLE_PENALTY = 0.6
DECISION_BONUS = 0.5
_ASKS_FOR_DECISION = re.compile(r"\bbeslut|\bdecid|\bdecision", re.I)
_DECISION_VERB = re.compile(r"godkänn|överlämna|fastställ|antas|uppdra|avslå|bevilja|anses|besvarad", re.I)
NEAR_DUPLICATE = 0.7  # Jaccard overlap of content words above which two sentences say the same
RANK_DECAY = 0.15  # a sentence from hit n loses 0.15 * (n - 1): retrieval order still counts


def extractive_answer(
    question: str, hits: Sequence[Hit], language: str, max_sentences: int = 3, max_chunks: int = 3
) -> tuple[str, tuple[Citation, ...]]:
    """Answer text of quoted sentences with [n] markers (n = position in `hits`) and their citations."""
    query_terms, number = terms(question), wants_number(question)
    decisions = bool(_ASKS_FOR_DECISION.search(question))
    candidates: list[tuple[float, int, int, str]] = []  # (score, hit number, start, sentence)
    for n, hit in enumerate(hits[:max_chunks], 1):
        text = hit.chunk.text
        for span in sentence_spans(text):
            sentence = text[span.start:span.end]
            if looks_like_instruction(sentence) or len(sentence) > 600:
                continue
            score = relevance(query_terms, sentence, number) - RANK_DECAY * (n - 1)
            if decisions and hit.chunk.section in DECISION_SECTIONS and _DECISION_VERB.search(sentence):
                score += DECISION_BONUS  # "Vad beslutade ...?" is answered by the decision points
            if "\t" in sentence or sentence.rstrip()[-1] not in ".!?":
                score *= TABLE_PENALTY  # table rows and headings are quotable, but prose explains better
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
