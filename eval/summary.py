"""Aggregate per-item results of an evaluation run: overall, by type and by language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eval import metrics

RANK_KEYS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
ANSWER_KEYS = ("key_fact_accuracy", "all_key_facts", "citation_accuracy", "citation_precision")


def _mean_of(items: Sequence[dict], key: str) -> float | None:
    return metrics.mean(i["scores"].get(key) for i in items)


def aggregate(kind: str, items: Sequence[dict]) -> dict[str, Any]:
    """Every figure of one group of items; failed items are counted, not scored."""
    ok = [i for i in items if "error" not in i]
    latencies = [i["latency_s"] for i in ok if "latency_s" in i]
    result: dict[str, Any] = {"n": len(items), "errors": len(items) - len(ok)}
    keys = RANK_KEYS if kind == "retrieval" else ANSWER_KEYS + RANK_KEYS
    for key in keys:
        result[key] = _mean_of(ok, key)
    if kind == "questions":
        answerable = [i for i in ok if not i["scores"]["should_refuse"]]
        result["answered_rate"] = metrics.mean(float(not i["scores"]["refused"]) for i in answerable)
        result.update(metrics.refusal_scores([(i["scores"]["should_refuse"], i["scores"]["refused"]) for i in ok]))
    result["latency_p50_s"] = metrics.percentile(latencies, 50)
    result["latency_p95_s"] = metrics.percentile(latencies, 95)
    result["latency_mean_s"] = metrics.mean(latencies)
    return result


def _groups(items: Sequence[dict], field: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(str(item.get(field) or "-"), []).append(item)
    return dict(sorted(groups.items()))


def summarise(kind: str, items: Sequence[dict]) -> dict[str, Any]:
    """{'summary': ..., 'by_type': {...}, 'by_lang': {...}} for report.json."""
    return {
        "summary": aggregate(kind, items),
        "by_type": {name: aggregate(kind, group) for name, group in _groups(items, "type").items()},
        "by_lang": {name: aggregate(kind, group) for name, group in _groups(items, "lang").items()},
    }
