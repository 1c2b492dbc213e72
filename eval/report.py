"""report.md and PNG plots (per question type and language, latency) from a report.json dict."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and in tests
import matplotlib.pyplot as plt  # noqa: E402

logger = logging.getLogger(__name__)

QUESTION_COLUMNS = ("n", "errors", "key_fact_accuracy", "all_key_facts", "recall@5", "mrr",
                    "citation_accuracy", "citation_precision", "answered_rate", "refusal_precision",
                    "refusal_recall", "latency_p50_s", "latency_p95_s")
RETRIEVAL_COLUMNS = ("n", "errors", "recall@1", "recall@5", "recall@10", "mrr", "ndcg@10",
                     "latency_p50_s", "latency_p95_s")


def fmt(value: Any) -> str:
    """0.8333 -> '0.833', 12 -> '12', None -> '–'."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(rows: dict[str, dict[str, Any]], columns: tuple[str, ...], label: str) -> str:
    """A markdown table, one row per group."""
    lines = [f"| {label} | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, row in rows.items():
        lines.append(f"| {name} | " + " | ".join(fmt(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def _bar_plot(groups: dict[str, dict[str, Any]], keys: tuple[str, ...], title: str, path: Path) -> Path:
    names = list(groups)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(names) + 2), 4))
    width = 0.8 / len(keys)
    for j, key in enumerate(keys):
        values = [groups[n].get(key) or 0.0 for n in names]
        ax.bar([i + j * width for i in range(len(names))], values, width, label=key)
    ax.set_xticks([i + width * (len(keys) - 1) / 2 for i in range(len(names))], names, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _latency_plot(latencies: list[float], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(latencies or [0.0], bins=min(30, max(5, len(latencies) // 3)))
    ax.set_xlabel("sekunder per fråga")
    ax.set_ylabel("antal")
    ax.set_title("Svarstid")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plots(report: dict[str, Any], out: Path) -> list[Path]:
    """PNG files: scores per type, per language, and the latency distribution."""
    keys = ("recall@5", "mrr", "ndcg@10") if report["kind"] == "retrieval" else (
        "key_fact_accuracy", "recall@5", "citation_precision")
    latencies = [i["latency_s"] for i in report["items"] if "latency_s" in i]
    return [
        _bar_plot(report["by_type"], keys, "Per typ", out / "by_type.png"),
        _bar_plot(report["by_lang"], keys, "Per språk", out / "by_lang.png"),
        _latency_plot(latencies, out / "latency.png"),
    ]


def failures(report: dict[str, Any], limit: int = 15) -> str:
    """The worst items, so a reader sees what went wrong, not only averages."""
    lines = []
    for item in report["items"]:
        scores = item.get("scores", {})
        if "error" in item:
            lines.append(f"- `{item['id']}` FEL: {item['error']}")
        elif report["kind"] == "questions" and scores.get("should_refuse") != scores.get("refused"):
            verb = "svarade fast den borde avböja" if scores.get("should_refuse") else "avböjde"
            lines.append(f"- `{item['id']}` {verb}: {item['question']}")
        elif scores.get("key_fact_accuracy") == 0.0 or scores.get("recall@10") == 0.0:
            text = item.get("question") or item.get("query")
            lines.append(f"- `{item['id']}` missade ({item['type']}): {text}")
    return "\n".join(lines[:limit]) + (f"\n- … och {len(lines) - limit} till" if len(lines) > limit else "")


def render_markdown(report: dict[str, Any], images: list[Path]) -> str:
    """The whole report.md text."""
    columns = RETRIEVAL_COLUMNS if report["kind"] == "retrieval" else QUESTION_COLUMNS
    opts = report["options"]
    head = [f"# Utvärdering: {Path(report['dataset']).name}", "",
            f"Skapad {report['created']} · typ `{report['kind']}` · läge `{opts.get('mode') or 'standard'}` · "
            f"metod `{opts.get('method')}` · k={opts.get('k')} · "
            f"{report['summary']['n']} av {opts.get('cases_total')} fall"
            + (f" (stratifierat urval, --limit {opts['limit']})" if opts.get("limit") else ""), ""]
    body = ["## Totalt", "", table({"alla": report["summary"]}, columns, "grupp"), "",
            "## Per typ", "", table(report["by_type"], columns, "typ"), "",
            "## Per språk", "", table(report["by_lang"], columns, "språk"), "",
            "## Diagram", ""] + [f"![{p.stem}]({p.name})" for p in images]
    misses = failures(report)
    if misses:
        body += ["", "## Missar och fel", "", misses]
    return "\n".join(head + body) + "\n"


def write_report(report: dict[str, Any], out: Path) -> Path:
    """Write report.md and the PNGs next to report.json; returns the markdown path."""
    out.mkdir(parents=True, exist_ok=True)
    images = plots(report, out)
    path = out / "report.md"
    path.write_text(render_markdown(report, images), encoding="utf-8")
    logger.info("Wrote %s and %d plots", path, len(images))
    return path


def write_report_from_json(path: Path) -> Path:
    """Re-render report.md and the plots from an existing report.json."""
    return write_report(json.loads(path.read_text(encoding="utf-8")), path.parent)
