"""Chroma store, embedded and as a real `chroma run` server: upsert, filters in the store, delete."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from index.settings import IndexSettings
from index.types import SearchFilters
from index.vector_store import VectorStore, chunk_metadata, date_key, where_clause

_names = itertools.count()


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.slow)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> IndexSettings:
    # A fresh collection per test, so no test sees another's vectors on the shared server.
    collection = f"test{next(_names)}"
    if request.param == "server":
        url = request.getfixturevalue("chroma_server_url")
        return IndexSettings(path=tmp_path / "index", chroma_url=url, collection=collection)
    return IndexSettings(path=tmp_path / "index", collection=collection)


@pytest.fixture
def chunks(chunk_factory):
    return [
        chunk_factory("Nämnden godkänner verksamhetsberättelsen 2019.", dnr=("SN/2020:33",), date="2020-02-18",
                      source_file="000.txt"),
        chunk_factory("Yttrande över revisionsrapport om ekonomiskt bistånd.", dnr=("SN/2023:144", "KS/2023:242"),
                      date="2023-06-13", source_file="003.txt"),
        chunk_factory("Verksamhetsberättelse för år 2018 godkänns.", dnr=("ASN/2019:36",), date="2019-02-26",
                      kommun="Tyresö", committee="Arbetsmarknads- och socialnämnden",
                      doc_type="protokollsutdrag", paragraph="§ 1014", source_file="004.txt"),
        chunk_factory("Sammanträdesordning utan diarienummer.", dnr=(), date=None, source_file="002.txt"),
    ]


def test_metadata_is_flat_and_filterable(chunks) -> None:
    meta = chunk_metadata(chunks[1])
    assert meta["date"] == 20230613 and meta["kommun"] == "botkyrka" and meta["namnd"] == "socialnämnden"
    assert meta["dnr"] == ["SN/2023:144", "KS/2023:242"]
    assert all(v is not None for v in chunk_metadata(chunks[3]).values())
    assert "dnr" not in chunk_metadata(chunks[3]) and chunk_metadata(chunks[3])["date"] == 0
    assert date_key("2019-02-26") == 20190226 and date_key("okänt") == 0
    assert where_clause(SearchFilters()) is None
    assert where_clause(SearchFilters(kommun="Tyresö")) == {"kommun": "tyresö"}


def test_upsert_query_filter_delete(store_settings: IndexSettings, chunks, hash_embedder) -> None:
    store = VectorStore(store_settings, hash_embedder.name)
    store.upsert(chunks, hash_embedder.embed_documents([c.text for c in chunks]))
    store.upsert(chunks, hash_embedder.embed_documents([c.text for c in chunks]))  # idempotent
    assert store.count() == 4
    query = hash_embedder.embed_query("verksamhetsberättelse godkänns")
    ids = [cid for cid, _ in store.query(query, 4)]
    assert len(ids) == 4 and all(-1.0 <= sim <= 1.0001 for _, sim in store.query(query, 4))

    def found(**filters: str) -> set[str]:
        return {cid for cid, _ in store.query(query, 10, SearchFilters(**filters))}

    c0, c1, c2, c3 = (c.chunk_id for c in chunks)
    assert found(kommun="TYRESÖ") == {c2}
    assert found(committee="socialnämnden") == {c0, c1, c3}
    assert found(date_from="2020-01-01") == {c0, c1}
    assert found(date_from="2019-01-01", date_to="2020-12-31") == {c0, c2}
    assert found(doc_type="protokollsutdrag") == {c2}
    assert found(diarienummer="KS/2023:242") == {c1}
    assert found(diarienummer="SN/2023:144", kommun="Botkyrka") == {c1}
    assert store.get_ids(SearchFilters(diarienummer="SN/2020:33")) == {c0}

    assert store.existing_ids([c0, "nope"]) == {c0}
    assert set(store.vectors([c1])) == {c1}
    store.delete([c0, c1])
    assert store.all_ids() == {c2, c3}


def test_metadata_update_keeps_the_vector(store_settings: IndexSettings, chunks, hash_embedder) -> None:
    from dataclasses import replace

    store = VectorStore(store_settings, hash_embedder.name)
    store.upsert(chunks[:1], hash_embedder.embed_documents([chunks[0].text]))
    moved = replace(chunks[0], meeting=replace(chunks[0].meeting, date="2024-01-01"))
    store.update_metadata([moved])
    query = hash_embedder.embed_query(chunks[0].text)
    assert store.query(query, 1, SearchFilters(date_from="2024-01-01"))[0][1] == pytest.approx(1.0, abs=1e-4)


def test_collections_are_separate_per_embedder(tmp_path: Path, chunks, hash_embedder) -> None:
    settings = IndexSettings(path=tmp_path / "index")
    VectorStore(settings, "model-a").upsert(chunks[:1], hash_embedder.embed_documents([chunks[0].text]))
    assert VectorStore(settings, "model-a").count() == 1
    assert VectorStore(settings, "model-b").count() == 0


def test_window_store_ranks_parents_by_best_window_and_deletes_by_parent(store_settings: IndexSettings,
                                                                         chunks, hash_embedder) -> None:
    from dataclasses import replace

    from index.vector_store import WindowStore
    from index.windows import Window

    long = replace(chunks[1], text=chunks[1].text + " Nämnden yttrar sig. " + "Utan samband här. " * 30)
    parents = [chunks[0], long, chunks[2]]
    windows = [Window(f"{c.chunk_id}:{n}", c.chunk_id, text) for c in parents
               for n, text in enumerate([c.text[:60], c.text[60:] or c.text])]
    store = WindowStore(store_settings, hash_embedder.name)
    store.upsert_windows(parents, windows, hash_embedder.embed_documents([w.text for w in windows]))
    assert store.count() == 6 and VectorStore(store_settings, hash_embedder.name).count() == 0  # own collection
    assert store.parents() == {c.chunk_id for c in parents}

    ranked = store.query_parents(hash_embedder.embed_query(long.text[:60]), 6)
    assert ranked[0] == (long.chunk_id, pytest.approx(1.0, abs=1e-4))  # its best window, not its whole page
    assert len({cid for cid, _ in ranked}) == len(ranked) == 3  # one entry per parent
    tyreso = store.query_parents(hash_embedder.embed_query("godkänns"), 6, SearchFilters(kommun="Tyresö"))
    assert [cid for cid, _ in tyreso] == [chunks[2].chunk_id]

    copied = store.window_vectors([long.chunk_id])[long.chunk_id]
    assert [wid for wid, _ in copied] == [f"{long.chunk_id}:0", f"{long.chunk_id}:1"]
    moved = replace(chunks[2], meeting=replace(chunks[2].meeting, kommun="Botkyrka"))
    store.update_parent_metadata([moved])
    assert store.query_parents(hash_embedder.embed_query("godkänns"), 6, SearchFilters(kommun="Tyresö")) == []
    store.delete_parents([long.chunk_id, chunks[2].chunk_id])
    assert store.parents() == {chunks[0].chunk_id} and store.count() == 2
