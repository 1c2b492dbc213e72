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


# --- tuning and held-out side by side -----------------------------------------------------------

COMPARE_QUESTION_KEYS = ("all_key_facts", "key_fact_accuracy", "recall@5", "citation_accuracy",
                         "answered_rate", "refusal_recall", "refusal_precision")
COMPARE_RETRIEVAL_KEYS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")


def _cell(values: Sequence[Any]) -> str:
    def one(v: Any) -> str:
        return "–" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
    return " / ".join(one(v) for v in values)


def compare_markdown(reports: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """One markdown table, a row per type (and overall, and per language), a cell per metric
    holding each report's value in order, e.g. "0.61 / 0.48" for tune / held-out."""
    if not reports:
        raise ValueError("compare_markdown needs at least one (label, report) pair")
    kinds = {r["kind"] for _, r in reports}
    if len(kinds) != 1:
        raise ValueError(f"cannot compare question and retrieval reports in one table: {sorted(kinds)}")
    keys = COMPARE_QUESTION_KEYS if kinds == {"questions"} else COMPARE_RETRIEVAL_KEYS
    labels = " / ".join(label for label, _ in reports)
    rows: dict[str, list[dict[str, Any]]] = {"**alla**": [r["summary"] for _, r in reports]}
    for section, prefix in (("by_type", ""), ("by_lang", "språk: ")):
        names = sorted({name for _, r in reports for name in r.get(section, {})})
        for name in names:
            rows[prefix + name] = [r.get(section, {}).get(name, {}) for _, r in reports]
    lines = [f"Värden: {labels}", "",
             "| grupp | n | " + " | ".join(keys) + " |", "|---" * (len(keys) + 2) + "|"]
    for name, groups in rows.items():
        cells = [_cell([g.get("n") for g in groups])] + [_cell([g.get(k) for g in groups]) for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """python -m eval.summary TUNE/report.json HELDOUT/report.json [--labels tune,held-out] [--out F.md]"""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m eval.summary", description=main.__doc__)
    parser.add_argument("reports", nargs="+", type=Path, help="report.json files written by `namnd eval`")
    parser.add_argument("--labels", help="comma-separated names, one per report (default: tune,held-out)")
    parser.add_argument("--out", type=Path, help="also write the table to this markdown file")
    args = parser.parse_args(argv)
    labels = args.labels.split(",") if args.labels else (["tune", "held-out"] if len(args.reports) == 2
                                                         else [p.parent.name for p in args.reports])
    if len(labels) != len(args.reports):
        parser.error(f"{len(labels)} labels for {len(args.reports)} reports; give one label per report")
    missing = [str(p) for p in args.reports if not p.is_file()]
    if missing:
        parser.error(f"report not found: {', '.join(missing)}; run `namnd eval ... --out DIR` first")
    reports = [(label, json.loads(p.read_text(encoding="utf-8"))) for label, p in zip(labels, args.reports)]
    try:
        text = compare_markdown(reports)
    except ValueError as exc:
        parser.error(str(exc))
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
