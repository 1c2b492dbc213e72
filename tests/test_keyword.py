"""BM25 with the Swedish tokenizer: dnr forms, stems, compounds, masks and save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.keyword import KeywordIndex, SwedishTokenizer, build_lexicon, dnr_token, keyword_text

TEXTS = [
    "Socialnämnden beslutar att godkänna verksamhetsberättelsen 2022. Dnr SN/2022:00554",
    "Redovisning av familjehemsplaceringar och placeringar av barn.",
    "Internkontrollplan för 2023 (SN 2023:00183) med risk- och sårbarhetsanalys.",
    "Arbetsmiljöarbetet följs upp årligen av nämnden; arbetsmiljö och arbete.",
    "Motion om samarbete med polisen, KS/2016:111, anses besvarad.",
]
IDS = [f"c{i}" for i in range(len(TEXTS))]


@pytest.fixture(scope="module")
def index() -> KeywordIndex:
    return KeywordIndex.build(IDS, TEXTS)


@pytest.mark.parametrize("written", ["SN/2022:00554", "SN 2022:554", "sn/2022:554", "Dnr: SN/2022:00554",
                                     "SN//2022:554"])
def test_every_written_form_of_a_dnr_is_one_token(written: str) -> None:
    assert SwedishTokenizer().tokenize(written) == [dnr_token("SN/2022:554")]


def test_tyreso_dnr_and_sfs_numbers() -> None:
    tokens = SwedishTokenizer().tokenize("Dnr 2019/ASN 0036 10 enligt lag (2009:400)")
    assert dnr_token("ASN/2019:36") in tokens
    assert not any(t.startswith("dnr:") and "2009" in t for t in tokens)


def test_stems_and_stopwords() -> None:
    tokens = SwedishTokenizer().tokenize("Placeringarna och placering")
    assert tokens == ["placering", "placering"]


def test_compounds_split_against_the_corpus_lexicon() -> None:
    tokenizer = SwedishTokenizer(build_lexicon(TEXTS + ["intern kontroll plan plan intern kontroll placering"]))
    tokens = tokenizer.tokenize("familjehemsplaceringar internkontrollplan")
    assert {"familjehemsplacering", "placering", "kontroll", "plan"} <= set(tokens)


@pytest.mark.parametrize("query, expected", [
    ("SN 2022:554", "c0"),
    ("sn/2023:183", "c2"),
    ("placeringar", "c1"),
    ("arbetsmiljö", "c3"),
    ("KS 2016:111", "c4"),
])
def test_search_finds_the_passage(index: KeywordIndex, query: str, expected: str) -> None:
    assert index.search(query, 3)[0][0] == expected


def test_mask_restricts_and_unknown_words_give_nothing(index: KeywordIndex) -> None:
    mask = np.array([False, False, False, True, False])
    assert [cid for cid, _ in index.search("nämnden arbetsmiljö placeringar", 5, mask)] == ["c3"]
    assert index.search("xyzzy qwerty", 5) == []
    assert index.search("och att", 5) == []  # stopwords only


def test_save_load_roundtrip_keeps_results_and_generation(index: KeywordIndex, tmp_path: Path) -> None:
    index.generation = 7
    index.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert loaded is not None and loaded.generation == 7
    for query in ("placeringar", "SN/2023:00183", "polisen"):
        assert loaded.search(query, 5) == index.search(query, 5)
    assert KeywordIndex.load(tmp_path / "missing") is None


def test_empty_index_is_searchable(tmp_path: Path) -> None:
    empty = KeywordIndex.build([], [])
    assert empty.search("något", 5) == []
    empty.save(tmp_path / "kw")
    assert KeywordIndex.load(tmp_path / "kw").search("något", 5) == []  # type: ignore[union-attr]


def test_keyword_text_adds_title_and_case_numbers(chunk_factory) -> None:
    chunk = chunk_factory("Nämnden godkänner.", dnr=("SN/2023:144",), item_title="Yttrande", section="Beslut")
    text = keyword_text(chunk)
    assert "Yttrande" in text and "SN/2023:144" in text and "Nämnden godkänner." in text
