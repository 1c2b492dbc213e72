"""Exact dense ranking: the true nearest chunks, the same order in every process, filters and gaps respected."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.settings import Settings
from index.exact_dense import DenseMatrix
from index.ingest import ingest
from index.search import Searcher
from index.types import SearchFilters


def _matrix(vectors: dict[str, list[float]], ids: list[str]) -> DenseMatrix:
    return DenseMatrix.read(ids, lambda wanted: {i: vectors[i] for i in wanted if i in vectors})


def test_top_is_the_exact_cosine_order_with_ties_by_id():
    rng = np.random.default_rng(7)
    vectors = {f"c{i:03d}": rng.normal(size=16).tolist() for i in range(300)}
    vectors["tie-b"] = vectors["tie-a"] = [1.0] + [0.0] * 15  # two chunks of one text
    ids = sorted(vectors)
    query = [1.0] + [0.01] * 15
    got = _matrix(vectors, ids).top(query, 25)
    m = np.array([vectors[i] for i in ids])
    sims = m @ np.array(query) / np.linalg.norm(m, axis=1) / np.linalg.norm(query)
    assert [c for c, _ in got] == [ids[r] for r in sorted(range(len(ids)), key=lambda r: (-sims[r], ids[r]))][:25]
    assert [c for c, _ in got[:2]] == ["tie-a", "tie-b"]
    assert got[0][1] == pytest.approx(sims[ids.index("tie-a")], abs=1e-5)


def test_mask_and_missing_vectors_never_match():
    vectors = {"a": [1.0, 0.0], "b": [0.9, 0.1], "c": [0.0, 1.0]}
    matrix = _matrix(vectors, ["a", "b", "c", "unfinished"])
    assert [c for c, _ in matrix.top([1.0, 0.0], 10)] == ["a", "b", "c"]
    assert [c for c, _ in matrix.top([1.0, 0.0], 10, np.array([False, True, True, True]))] == ["b", "c"]
    assert matrix.top([0.0, 0.0], 3) == [] and matrix.top([1.0, 0.0], 0) == []
    assert _matrix({}, []).top([1.0], 3) == []


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory):
    from fakes import HashEmbedder

    settings = Settings(data_dir=tmp_path_factory.mktemp("exact"))
    embedder = HashEmbedder()
    ingest(None, settings.corpus, settings.index, embedder=embedder)
    return settings, embedder


@pytest.mark.parametrize("filters", [None, SearchFilters(committee="Socialnämnden", date_from="2023-01-01")])
def test_searcher_dense_hits_are_the_exact_nearest_chunks_of_the_real_store(indexed, filters) -> None:
    settings, embedder = indexed
    searcher = Searcher.from_settings(settings.index, embedder=embedder)
    query = "statsbidrag för hemlöshet Bostad först"
    hits = searcher.search(query, k=10, filters=filters, method="dense")
    table = searcher.refresh()
    assert table.dense is not None and table.dense.present.all()
    mask = table.mask(filters)
    vector = np.asarray(embedder.embed_query(query))
    rows = [r for r in range(len(table.chunks)) if mask is None or mask[r]]
    stored = searcher._store.vectors([table.chunks[r].chunk_id for r in rows])
    sims = {table.chunks[r].chunk_id: float(np.dot(vector, stored[table.chunks[r].chunk_id])
                                            / np.linalg.norm(stored[table.chunks[r].chunk_id])
                                            / np.linalg.norm(vector)) for r in rows}
    best = sorted(sims, key=lambda c: (-round(sims[c], 5), c))
    # Collapsed duplicates aside, every hit is among the exact best and in the exact order.
    got = [h.chunk.chunk_id for h in hits]
    assert got and got == [c for c in best if c in set(got)][:len(got)]
    assert max(sims.values()) == pytest.approx(hits[0].dense_similarity, abs=1e-4)
    assert all(filters is None or (h.chunk.meeting.committee == "Socialnämnden"
                                   and h.chunk.meeting.date >= "2023-01-01") for h in hits)


def test_above_the_limit_the_store_ranks_with_its_graph(indexed) -> None:
    settings, embedder = indexed
    searcher = Searcher.from_settings(settings.index.model_copy(update={"exact_dense_max": 0}), embedder=embedder)
    hits = searcher.search("statsbidrag för hemlöshet", k=5, method="dense")
    assert searcher.refresh().dense is None and len(hits) == 5
