"""Searcher over the bundled corpus: exact dnr/§ routing, filters, dedup, case views, server mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from index.errors import IndexNotBuiltError
from index.ingest import ingest
from index.search import DECISION_SECTIONS, SUMMARY_SECTIONS, Searcher
from index.types import SearchFilters

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    """The bundled corpus indexed with the HashEmbedder (fast; real parser, Chroma and BM25)."""
    from fakes import HashEmbedder

    settings = Settings(data_dir=tmp_path_factory.mktemp("search"))
    embedder = HashEmbedder()
    ingest(None, settings.corpus, settings.index, embedder=embedder)
    return Searcher.from_settings(settings.index, embedder=embedder)


@pytest.mark.parametrize("query, dnr", [
    ("SN/2023:00144", "SN/2023:144"),
    ("SN 2023:144", "SN/2023:144"),
    ("sn/2023:00144", "SN/2023:144"),
    ("Dnr: SN/2023:00183", "SN/2023:183"),
    ("SN 2020:33", "SN/2020:33"),
    ("Dnr 2019/ASN 0036 10", "ASN/2019:36"),
    ("2019/ASN 0036", "ASN/2019:36"),
    ("Vad föreslås i ärende SN 2016:159?", "SN/2016:159"),
])
def test_exact_dnr_in_any_written_form_ranks_its_case_first(searcher: Searcher, query: str, dnr: str) -> None:
    hits = searcher.search(query, k=5)
    assert hits[0].source == "exact" and dnr in hits[0].chunk.diarienummer
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]


def test_bare_dnr_lookup_starts_with_the_decision(searcher: Searcher) -> None:
    assert searcher.search("SN/2020:33", k=1)[0].chunk.section in DECISION_SECTIONS


def test_paragraph_query_finds_the_protocol_paragraph(searcher: Searcher) -> None:
    hit = searcher.search("§ 1014", k=3)[0]
    assert hit.chunk.paragraph == "§ 1014" and hit.chunk.meeting.kommun == "Tyresö"


def test_unknown_dnr_falls_back_to_ranked_search(searcher: Searcher) -> None:
    hits = searcher.search("SN/1999:1 verksamhetsberättelse", k=3)
    assert hits and all(h.source == "fused" for h in hits)


@pytest.mark.parametrize("filters, check", [
    (SearchFilters(kommun="tyresö"), lambda c: c.meeting.kommun == "Tyresö"),
    (SearchFilters(committee="SOCIALNÄMNDEN"), lambda c: c.meeting.committee == "Socialnämnden"),
    (SearchFilters(date_from="2023-01-01"), lambda c: c.meeting.date >= "2023-01-01"),
    (SearchFilters(date_from="2016-01-01", date_to="2016-12-31"), lambda c: c.meeting.date.startswith("2016")),
    (SearchFilters(doc_type="protokollsutdrag"), lambda c: c.meeting.doc_type == "protokollsutdrag"),
    (SearchFilters(diarienummer="sn 2023:00144"), lambda c: "SN/2023:144" in c.diarienummer),
])
@pytest.mark.parametrize("method", ["hybrid", "dense", "keyword"])
def test_filters_hold_for_every_method(searcher: Searcher, filters: SearchFilters, check, method: str) -> None:
    hits = searcher.search("beslut om verksamhetsberättelse och budget", k=8, filters=filters, method=method)
    assert hits and all(check(h.chunk) for h in hits)


def test_filter_with_no_match_gives_no_hits(searcher: Searcher) -> None:
    assert searcher.search("budget", filters=SearchFilters(kommun="Malmö")) == []


def test_methods_label_their_hits_and_similarity_is_known(searcher: Searcher) -> None:
    query = "överskott verksamhetsberättelse 2022"
    assert {h.source for h in searcher.search(query, method="dense")} == {"dense"}
    assert {h.source for h in searcher.search(query, method="keyword")} == {"keyword"}
    hybrid = searcher.search(query, k=8)
    assert {h.source for h in hybrid} == {"fused"} and all(h.dense_similarity is not None for h in hybrid)
    with pytest.raises(ValueError, match="hybrid"):
        searcher.search(query, method="magic")


def test_duplicate_decision_texts_are_collapsed(searcher: Searcher) -> None:
    table = searcher.refresh()
    duplicated = next(c for c in table.chunks if c.duplicate_of and c.section in DECISION_SECTIONS)
    hits = searcher.search(duplicated.text, k=20)
    ids = [h.chunk.chunk_id for h in hits]
    assert len(ids) == len(set(ids)) and all(h.chunk.duplicate_of is None for h in hits)
    assert duplicated.duplicate_of in ids and duplicated.chunk_id not in ids


def test_summary_boost_lifts_decisions_and_summaries_without_changing_the_candidates(searcher: Searcher) -> None:
    query = "statsbidrag familjehemsplaceringar"
    plain = Searcher.from_settings(searcher.settings.model_copy(update={"summary_boost": 0.0}), searcher.embedder)
    boosted = Searcher.from_settings(searcher.settings.model_copy(update={"summary_boost": 5.0}), searcher.embedder)
    before, after = plain.search(query, k=40), boosted.search(query, k=40)
    assert {h.chunk.chunk_id for h in before} == {h.chunk.chunk_id for h in after}
    assert before[0].chunk.section not in SUMMARY_SECTIONS  # the attachment wins on words alone
    assert after[0].chunk.section in SUMMARY_SECTIONS
    # Only hybrid is re-weighted; the single-retriever methods stay pure baselines.
    assert [h.chunk.chunk_id for h in plain.search(query, method="keyword")] == \
        [h.chunk.chunk_id for h in boosted.search(query, method="keyword")]


PRF = {"prf_docs": 3, "prf_terms": 10, "prf_weight": 0.3, "rocchio_alpha": 1.0, "prf_max_coverage": 1.0}


def test_feedback_reranks_hybrid_only_and_keeps_filters_exact_hits_and_similarities(searcher: Searcher) -> None:
    query = "pengar till föreningar som hjälper brottsoffer"
    plain = Searcher.from_settings(searcher.settings.model_copy(update={"prf_docs": 0}), searcher.embedder)
    prf = Searcher.from_settings(searcher.settings.model_copy(update=PRF), searcher.embedder)
    before, after = plain.search(query, k=10), prf.search(query, k=10)
    assert after and [h.rank for h in after] == list(range(1, len(after) + 1))
    # Similarities stay cosines to the question, not to the moved Rocchio vector.
    vector = searcher.embedder.embed_query(query)
    for hit in after:
        stored = prf._store.vectors([hit.chunk.chunk_id])[hit.chunk.chunk_id]
        assert hit.dense_similarity == pytest.approx(sum(a * b for a, b in zip(vector, stored)), abs=1e-4)
    assert [h.chunk.chunk_id for h in plain.search(query, method="keyword")] == \
        [h.chunk.chunk_id for h in prf.search(query, method="keyword")]
    assert before[0].chunk.chunk_id in {h.chunk.chunk_id for h in prf.search(query, k=40)}
    filtered = prf.search(query, k=8, filters=SearchFilters(kommun="tyresö"))
    assert filtered and all(h.chunk.meeting.kommun == "Tyresö" for h in filtered)
    exact = prf.search("SN/2023:00144 kostnader", k=3)
    assert exact[0].source == "exact" and "SN/2023:144" in exact[0].chunk.diarienummer
    # The coverage gate at 0 skips feedback for any query whose first hits hold one of its words.
    gated = Searcher.from_settings(searcher.settings.model_copy(update={**PRF, "prf_max_coverage": 0.0}),
                                   searcher.embedder)
    assert [h.chunk.chunk_id for h in gated.search(query, k=10)] == [h.chunk.chunk_id for h in before]


def test_title_boost_lifts_chunks_whose_title_holds_the_query(searcher: Searcher) -> None:
    query = "internkontrollplan"
    plain = Searcher.from_settings(searcher.settings.model_copy(update={"title_boost": 0.0}), searcher.embedder)
    titled = Searcher.from_settings(searcher.settings.model_copy(update={"title_boost": 10.0}), searcher.embedder)
    top = titled.search(query, k=3)
    tokens = set(titled.refresh().keyword.tokenizer.tokenize(query))
    assert all(tokens & set(titled.refresh().keyword.tokenizer.tokenize(h.chunk.item_title or "")) for h in top)
    # Only hybrid is re-weighted.
    assert [h.chunk.chunk_id for h in plain.search(query, method="keyword")] == \
        [h.chunk.chunk_id for h in titled.search(query, method="keyword")]


@pytest.fixture(scope="module")
def window_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The Tyresö protocol (~60 chunks) indexed with sentence windows and the HashEmbedder."""
    from fakes import HashEmbedder

    settings = Settings(data_dir=tmp_path_factory.mktemp("windows"), index={"sentence_windows": True})
    ingest([SAMPLES / "004_45a1c237a718c0b7.txt"], settings.corpus, settings.index, embedder=HashEmbedder())
    return settings


def test_sentence_windows_rank_a_chunk_by_its_best_window(window_settings: Settings) -> None:
    from fakes import HashEmbedder

    from index.windows import sentence_windows

    index = window_settings.index.model_copy(update={"window_chunk_weight": 0.0})
    searcher = Searcher.from_settings(index, HashEmbedder())
    long = max(searcher.refresh().chunks, key=lambda c: len(sentence_windows(c)))
    window = sentence_windows(long)[2]
    hits = searcher.search(window.text, method="dense")
    # The window's own text ranks its parent first; the hit is the whole chunk, verbatim.
    assert hits[0].chunk == long and hits[0].score == pytest.approx(1.0, abs=1e-4)
    assert len({h.chunk.chunk_id for h in hits}) == len(hits)
    # dense_similarity stays the whole chunk's cosine, as without windows.
    plain = Searcher.from_settings(index.model_copy(update={"sentence_windows": False}), HashEmbedder())
    plain_sims = {h.chunk.chunk_id: h.dense_similarity for h in plain.search(window.text, k=60, method="dense")}
    assert hits[0].dense_similarity == pytest.approx(plain_sims[long.chunk_id], abs=1e-4)
    assert hits[0].dense_similarity < 0.99
    fused = Searcher.from_settings(window_settings.index, HashEmbedder()).search(window.text, method="hybrid")
    assert long.chunk_id in [h.chunk.chunk_id for h in fused[:5]]


def test_sentence_windows_keep_filters_and_fall_back_without_windows(window_settings: Settings) -> None:
    from fakes import HashEmbedder

    from index.catalog import Catalog

    searcher = Searcher.from_settings(window_settings.index, HashEmbedder())
    query = "verksamhetsberättelse individ- och familjeomsorgen budget i balans"
    assert searcher.search(query, filters=SearchFilters(kommun="Botkyrka"), method="dense") == []
    assert {h.chunk.meeting.kommun for h in searcher.search(query, filters=SearchFilters(kommun="Tyresö"))} \
        == {"Tyresö"}
    plain = Searcher.from_settings(window_settings.index.model_copy(update={"sentence_windows": False}),
                                   HashEmbedder())
    catalog = Catalog(Path(window_settings.index.path))
    catalog.set_meta("windows", "0")  # as after an ingest with the flag off
    try:
        assert [h.chunk.chunk_id for h in searcher.search(query, method="dense")] == \
            [h.chunk.chunk_id for h in plain.search(query, method="dense")]
    finally:
        from index.windows import WINDOW_FORMAT

        catalog.set_meta("windows", str(WINDOW_FORMAT))
        catalog.close()


def test_case_lists_every_chunk_of_the_case_by_date(searcher: Searcher) -> None:
    chunks = searcher.case("sn 2023:00144")
    assert chunks and all("SN/2023:144" in c.diarienummer for c in chunks)
    assert chunks == sorted(chunks, key=lambda c: (c.meeting.date, c.source_file, c.start_char))
    assert searcher.case("SN/2023:144") == chunks and searcher.case("SN/1999:1") == []


def test_decisions_are_decision_sections_without_repeats(searcher: Searcher) -> None:
    decisions = searcher.decisions(SearchFilters(date_from="2023-01-01"))
    assert decisions and all(c.section in DECISION_SECTIONS and c.duplicate_of is None for c in decisions)
    assert {c.meeting.date for c in decisions} == {"2023-02-14", "2023-06-13"}
    tyreso = searcher.decisions(SearchFilters(kommun="Tyresö"))
    assert tyreso and {c.paragraph for c in tyreso} == {"§ 1014"}


def test_item_chunks_and_get_chunk_and_documents(searcher: Searcher) -> None:
    hit = searcher.search("SN/2023:00144", k=1)[0].chunk
    item = searcher.item_chunks(hit)
    assert hit in item and len({(c.doc_id, c.item_number, c.item_title) for c in item}) == 1
    assert [c.start_char for c in item] == sorted(c.start_char for c in item)
    assert searcher.get_chunk(hit.chunk_id) == hit and searcher.get_chunk("nope") is None
    docs = searcher.documents()
    assert len(docs) == 5 and sum(d.chunks for d in docs) == len(searcher)
    assert docs[0].date == "2023-06-13" and {d.kommun for d in docs} == {"Botkyrka", "Tyresö"}


def test_missing_index_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(IndexNotBuiltError, match="namnd ingest"):
        Searcher.from_settings(Settings(data_dir=tmp_path).index)


def test_other_embedder_than_the_index_was_built_with(searcher: Searcher) -> None:
    from fakes import HashEmbedder

    with pytest.raises(IndexNotBuiltError, match="built with"):
        Searcher.from_settings(searcher.settings, embedder=HashEmbedder(name="other"))


@pytest.mark.slow
def test_same_searcher_code_on_a_chroma_server(chroma_server_url: str, tmp_path: Path) -> None:
    from fakes import HashEmbedder

    settings = Settings(data_dir=tmp_path, chroma_url=chroma_server_url, index={"collection": "searchtest"})
    embedder = HashEmbedder()
    ingest([SAMPLES / "004_45a1c237a718c0b7.txt"], settings.corpus, settings.index, embedder=embedder)
    searcher = Searcher.from_settings(settings.index, embedder=embedder)
    assert searcher.search("Dnr 2019/ASN 0036 10", k=1)[0].chunk.paragraph == "§ 1014"
    assert searcher.search("boendekedjan", k=3, method="dense")
    assert searcher.search("x", filters=SearchFilters(kommun="Botkyrka"), method="dense") == []


# --- the real e5 model over the bundled corpus (session index, built once) ---


@pytest.mark.slow
@pytest.mark.parametrize("query", ["SN/2023:00144", "sn 2023:144", "Dnr: SN/2023:00183", "2019/ASN 0036 10"])
def test_e5_exact_dnr_rank_one(e5_searcher: Searcher, query: str) -> None:
    from corpus.metadata import normalize_dnr

    assert normalize_dnr(query) in e5_searcher.search(query, k=1)[0].chunk.diarienummer


@pytest.mark.slow
def test_e5_paraphrase_without_shared_words_finds_the_result(e5_searcher: Searcher) -> None:
    hits = e5_searcher.search("Hur gick det ekonomiskt för socialförvaltningen förra året, plus eller minus?", k=5,
                              filters=SearchFilters(date_from="2023-01-01", date_to="2023-03-01"))
    assert any("överskott" in h.chunk.text for h in hits)
    assert all(h.dense_similarity is not None and 0 < h.dense_similarity <= 1.0001 for h in hits)


def test_a_dnr_in_lower_case_or_by_the_last_part_of_a_compound_series_is_found_exactly() -> None:
    from index.search import _LOOSE_DNR, _loose_key, loose_dnr_keys
    assert loose_dnr_keys("KS KF/2023:324") == ("~ks kf/2023:324", "~kf/2023:324")
    keys = {_loose_key(m) for m in _LOOSE_DNR.finditer("Vad gällde if 2025:00343 och KF 2023:324?")}
    assert keys == {"~if/2025:343", "~kf/2023:324"}
    assert not list(_LOOSE_DNR.finditer("den 2023-05-11 klockan 18:30"))  # a date is no dnr
