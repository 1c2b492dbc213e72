"""Pseudo-relevance feedback: RM3-style expansion terms and the Rocchio query vector."""

from __future__ import annotations

import numpy as np
import pytest

from index.expand import coverage, expandable, feedback_terms, rocchio
from index.keyword import KeywordIndex


def test_feedback_terms_prefer_rare_topic_words_and_skip_the_query() -> None:
    docs = [["nämnd", "hemlös", "bostad", "nämnd"], ["nämnd", "hemlös", "akut"]]
    idf = {"nämnd": 0.1, "hemlös": 2.0, "bostad": 1.5, "akut": 1.5}
    terms = feedback_terms(["bostad"], docs, idf, 2)
    assert [t for t, _ in terms] == ["hemlös", "akut"]
    assert sum(w for _, w in terms) == pytest.approx(1.0)


def test_feedback_terms_leave_out_dnr_and_paragraph_tokens() -> None:
    assert not expandable("dnr:sn/2023:144") and not expandable("§1014") and expandable("placering")
    assert feedback_terms([], [["dnr:sn/2023:144", "§12"]], {"dnr:sn/2023:144": 5.0}, 5) == ()
    assert feedback_terms(["a"], [], {}, 5) == () and feedback_terms([], [["bostad"]], {"bostad": 1.0}, 0) == ()


def test_rocchio_moves_towards_the_feedback_and_stays_unit_length() -> None:
    moved = np.array(rocchio([1.0, 0.0], [[0.0, 1.0], [0.0, 1.0]], 1.0))
    assert np.linalg.norm(moved) == pytest.approx(1.0)
    assert moved[0] == pytest.approx(moved[1])
    assert rocchio([1.0, 0.0], [[0.0, 1.0]], 0.0) == [1.0, 0.0]
    assert rocchio([1.0, 0.0], [], 1.0) == [1.0, 0.0]


def test_expanded_bm25_finds_a_chunk_sharing_only_the_expansion_word() -> None:
    texts = ["Akut hemlöshet bland vuxna.", "Bostad för hemlösa.", "Budget för parkförvaltning."]
    index = KeywordIndex.build(["a", "b", "c"], texts)
    assert [cid for cid, _ in index.search("akut", 3)] == ["a"]
    stem = index.tokenizer.tokenize("hemlösa")[0]
    found = [cid for cid, _ in index.search_expanded("akut", [(stem, 1.0)], 0.3, 3)]
    assert found[0] == "a" and "b" in found and "c" not in found
    # weight 0 or no expansion is the plain search
    assert index.search_expanded("akut", [(stem, 1.0)], 0.0, 3) == index.search("akut", 3)
    assert index.idf(["akut", "okänt"]).keys() == {"akut"}


def test_coverage_is_the_best_documents_share_of_the_query_idf() -> None:
    idf = {"hemlös": 3.0, "bostad": 1.0}
    assert coverage(["hemlös", "bostad"], [["bostad"], ["hemlös", "x"]], idf) == pytest.approx(0.75)
    assert coverage(["hemlös", "bostad"], [], idf) == 0.0
    assert coverage(["dnr:sn/2023:144"], [["x"]], idf) == 1.0  # no words: nothing to feed back on
