"""The keyword-update benchmark at small scale: incremental sync ranks like a full rebuild (no timing asserts)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.slow
def test_incremental_updates_rank_like_a_full_rebuild(tmp_path: Path) -> None:
    from eval.bench_keyword import run

    figures = run(2_000, tmp_path / "kw")
    assert figures["chunks"] >= 2_000 and figures["segments"] == 3
    assert figures["same_top1"] == figures["queries"] and figures["min_top10_overlap"] == 1.0
    assert figures["replace_one_file_cpu_s"] > 0 and figures["add_one_file_cpu_s"] > 0
