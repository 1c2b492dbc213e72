"""Pseudo-relevance feedback: expansion terms for BM25 (RM3-style) and a Rocchio query vector for dense search.

Both read only the first-pass hits of the same query, so they need no model and no extra index:
the top chunks are taken as relevant, their characteristic words are added to the BM25 query and
their mean vector is mixed into the query vector. Measured in docs/retrieval.md ("Parafraser").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

WeightedTerms = tuple[tuple[str, float], ...]


def expandable(token: str) -> bool:
    """Word stems only: a diarienummer or § token of a feedback chunk would pull in its whole case."""
    return len(token) >= 3 and token.isalpha()


def feedback_terms(query_tokens: Sequence[str], documents: Sequence[Sequence[str]], idf: Mapping[str, float],
                   n_terms: int) -> WeightedTerms:
    """The `n_terms` best expansion tokens of the feedback documents, weights summing to 1.

    A token's weight is its mean relative frequency in the documents (RM3's P(t|R) with equal
    document weights) times its idf, so a word every chunk repeats ("nämnd", "beslut") does not
    crowd out the topic words. Tokens of the query itself are left out: they are searched already.
    """
    if n_terms <= 0 or not documents:
        return ()
    seen = set(query_tokens)
    weight: Counter[str] = Counter()
    for tokens in documents:
        if not tokens:
            continue
        for token, count in Counter(tokens).items():
            if token not in seen and expandable(token):
                weight[token] += count / len(tokens)
    scored = sorted(((w * idf.get(t, 0.0), t) for t, w in weight.items()), key=lambda wt: (-wt[0], wt[1]))
    top = [(t, w) for w, t in scored[:n_terms] if w > 0]
    total = sum(w for _, w in top)
    return tuple((t, w / total) for t, w in top) if total else ()


def coverage(query_tokens: Sequence[str], documents: Sequence[Sequence[str]], idf: Mapping[str, float]) -> float:
    """Best share of the query words' idf mass that one document holds (1.0 for a query of no words).

    A low value marks a paraphrase (the hits match on meaning, not on the query's words), where
    feedback helps; a keyword query whose words the first hits already hold only drifts with it.
    """
    words = {t: idf.get(t, 0.0) for t in query_tokens if expandable(t)}
    total = sum(words.values())
    if not total:
        return 1.0
    return max((sum(w for t, w in words.items() if t in set(doc)) / total for doc in documents), default=0.0)


def rocchio(query: Sequence[float], feedback: Sequence[Sequence[float]], alpha: float) -> list[float]:
    """normalise(q + alpha * mean(feedback)): the query vector moved towards its top hits (unit length)."""
    q = np.asarray(query, dtype=np.float64)
    if alpha <= 0 or not feedback:
        return [float(x) for x in q]
    moved = q + alpha * np.mean(np.asarray(feedback, dtype=np.float64), axis=0)
    norm = float(np.linalg.norm(moved))
    return [float(x) for x in (moved / norm if norm else q)]
