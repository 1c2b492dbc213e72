"""Reciprocal rank fusion of ranked id lists (dense and keyword) with deterministic ties."""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60,
                           weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Fuse best-first id lists into one list of (id, score), best first.

    score(id) = sum over lists of weight / (k + rank), rank 1-based; e.g. rank 1 in both lists with
    k=60 and weights 1 gives 2/61 ≈ 0.0328, rank 1 in only one gives 1/61 ≈ 0.0164. Ties are broken
    by the best single rank, then by the id itself, so equal inputs always give the same order.
    """
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    scores: dict[str, float] = {}
    best_rank: dict[str, int] = {}
    for ranking, weight in zip(rankings, weights):
        seen: set[str] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:  # a list that repeats an id counts it once, at its best rank
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            best_rank[item] = min(best_rank.get(item, rank), rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], best_rank[kv[0]], kv[0]))
