"""Regression gate: a fixed dev subset, extractive mode, real e5 index; fails when quality drops.

Thresholds sit a margin below the values measured when they were set (docs/evaluation.md);
raise them when the system improves, never lower them to make a change pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.dataset import load_dataset
from eval.run import RunOptions, run_cases

DEV = Path(__file__).resolve().parent.parent / "eval" / "datasets" / "dev.jsonl"
# ~8 per bundled file, 3 cross-meeting/comparison, 5 unanswerable; all question types present.
GATE_IDS = (
    "dev-002", "dev-003", "dev-004", "dev-013", "dev-017", "dev-022", "dev-023", "dev-025",
    "dev-041", "dev-042", "dev-043", "dev-053", "dev-055", "dev-058", "dev-060", "dev-065",
    "dev-081", "dev-083", "dev-084", "dev-087", "dev-091", "dev-094", "dev-098",
    "dev-112", "dev-114", "dev-115", "dev-116", "dev-118", "dev-120",
    "dev-140", "dev-141", "dev-143", "dev-146", "dev-149",
    "dev-160", "dev-162", "dev-166",
    "dev-u01", "dev-u02", "dev-u05", "dev-u08", "dev-u11",
)
# Measured on this subset with the full dev run of docs/evaluation.md (extractive, e5 index):
# key facts 0.541, recall@5 0.838, MRR 0.671, citation precision 0.900, refusal recall 1.0 (5/5).
# Margins are ~0.1 because the subset has only 42 questions: one question moves a mean by ~0.025,
# and refusal recall moves in steps of 0.2.
THRESHOLDS = {
    "key_fact_accuracy": 0.45,
    "recall@5": 0.72,
    "mrr": 0.57,
    "citation_precision": 0.78,
    "refusal_recall": 0.8,
}


@pytest.mark.slow
def test_extractive_quality_does_not_drop(e5_index, e5_searcher, tmp_path: Path) -> None:
    from assistant.chat import Assistant

    data = load_dataset(DEV)
    subset = type(data)(path=data.path, kind=data.kind, cases=tuple(c for c in data.cases if c.id in GATE_IDS))
    assert len(subset.cases) == len(GATE_IDS)
    assistant = Assistant(e5_searcher, None, e5_index.chat)
    report = run_cases(subset, RunOptions(mode="extractive", progress=False), assistant=assistant,
                       lookup=e5_searcher.get_chunk)
    summary = report["summary"]
    assert summary["errors"] == 0, [i["error"] for i in report["items"] if "error" in i]
    below = {k: (summary[k], floor) for k, floor in THRESHOLDS.items() if (summary[k] or 0.0) < floor}
    assert below == {}, f"quality dropped below the gate (value, threshold): {below}"
