"""eval/datasets/retrieval.jsonl: well-formed, evidence verbatim in corpus/samples, dnr real and canonical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.metadata import find_diarienummer, normalize_dnr

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "eval" / "datasets" / "retrieval.jsonl"
SAMPLES = ROOT / "corpus" / "samples"
ROWS = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_size_ids_and_mix_of_query_types() -> None:
    assert len(ROWS) >= 50
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    types = [r["query_type"] for r in ROWS]
    assert {"dnr_exact", "keyword", "paraphrase"} <= set(types) and min(map(types.count, set(types))) >= 15
    assert {r["lang"] for r in ROWS} <= {"sv", "en"}


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_evidence_is_verbatim_in_its_file(row: dict) -> None:
    for gold in row["relevant"]:
        text = (SAMPLES / gold["source_file"]).read_text(encoding="utf-8")
        if gold["evidence"]:
            assert gold["evidence"] in text
        else:
            # A dnr-only gold item: the canonical number must occur in the file in some written form.
            assert gold["diarienummer"] == normalize_dnr(gold["diarienummer"])
            assert gold["diarienummer"] in find_diarienummer(text)


def test_exact_queries_name_their_gold_dnr() -> None:
    for row in (r for r in ROWS if r["query_type"] == "dnr_exact"):
        assert normalize_dnr(row["query"]) == row["relevant"][0]["diarienummer"]


def test_paraphrases_share_no_content_word_with_their_evidence() -> None:
    from index.keyword import SwedishTokenizer

    stems = SwedishTokenizer()  # no lexicon: plain Snowball stems of non-stopwords
    for row in (r for r in ROWS if r["query_type"] == "paraphrase" and r["lang"] == "sv"):
        query = {t for t in stems.tokenize(row["query"]) if t.isalpha()}
        for gold in row["relevant"]:
            shared = query & {t for t in stems.tokenize(gold["evidence"]) if t.isalpha()}
            assert not shared, f"{row['id']} shares {shared} with its evidence"
