"""Semantic sentence scores: the encoder's similarity reorders extractive candidates; vectors are cached."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from assistant.extractive import extractive_answer
from assistant.semantic import EmbeddingScorer, scaled, scorer_for
from assistant.settings import ChatSettings
from conftest import make_chunk
from index.types import Hit

QUESTION = "Hur många besök hade öppna förskolan 2022?"
MOTION = "Stefan Dayne (kd) har i en motion föreslagit en satsning på öppna förskolan."
VISITS = "Under året kom 19 956 besökare till öppna förskolan, målet var 12 000."


class CountingEmbedder:
    """Unit vectors by a fixed table; counts what it encodes."""

    name, dim = "fake", 2

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table
        self.encoded: list[str] = []

    def embed_documents(self, texts):
        self.encoded += list(texts)
        return [self.table.get(t, [0.0, 1.0]) for t in texts]

    def embed_query(self, text):
        self.encoded.append(text)
        return [1.0, 0.0]


class FixedScorer:
    def __init__(self, scores: dict[str, float], weight: float) -> None:
        self.scores, self.weight = scores, weight

    def similarities(self, question, sentences):
        return [self.scores.get(s, 0.0) for s in sentences]


def _hits(*texts: str) -> list[Hit]:
    return [Hit(make_chunk(t, f"c{i}"), 1.0, "fused", i, 0.9) for i, t in enumerate(texts, 1)]


def test_scaled_spreads_one_questions_scores_over_0_to_1():
    assert scaled([0.80, 0.85, 0.90]) == pytest.approx([0.0, 0.5, 1.0])
    assert scaled([0.8, 0.8]) == [0.0, 0.0]
    assert scaled([]) == []


def test_the_encoders_choice_is_quoted_first_when_the_words_alone_prefer_another_sentence():
    hits = _hits(f"{MOTION} {VISITS}")
    lexical, _ = extractive_answer(QUESTION, hits, "sv", max_sentences=1)
    assert VISITS in lexical  # the question's words and a number
    text, citations = extractive_answer(QUESTION, hits, "sv", max_sentences=1,
                                        semantic=FixedScorer({MOTION: 0.9, VISITS: 0.1}, weight=1.0))
    assert MOTION in text and VISITS not in text
    assert citations[0].quote == MOTION


def test_a_zero_weight_changes_nothing():
    hits = _hits(f"{MOTION} {VISITS}", "Öppna förskolan har öppet tisdagar och torsdagar.")
    plain = extractive_answer(QUESTION, hits, "sv")
    assert extractive_answer(QUESTION, hits, "sv", semantic=FixedScorer({VISITS: 1.0}, weight=0.0)) == plain


def test_the_encoder_never_adds_a_sentence_without_the_questions_words():
    hits = _hits("Nämnden sammanträdde i Tumba.")
    text, citations = extractive_answer(QUESTION, hits, "sv",
                                        semantic=FixedScorer({"Nämnden sammanträdde i Tumba.": 1.0}, weight=5.0))
    assert (text, citations) == ("", ())


def test_vectors_are_cached_so_a_sentence_is_encoded_once():
    embedder = CountingEmbedder({VISITS: [1.0, 0.0], MOTION: [0.0, 1.0]})
    scorer = EmbeddingScorer(embedder, weight=0.2)
    assert scorer.similarities(QUESTION, [VISITS, MOTION]) == pytest.approx([1.0, 0.0])
    assert scorer.similarities(QUESTION, [MOTION, VISITS, VISITS]) == pytest.approx([0.0, 1.0, 1.0])
    assert embedder.encoded == [QUESTION, VISITS, MOTION]
    assert scorer.similarities(QUESTION, []) == []


def test_the_cache_is_bounded():
    embedder = CountingEmbedder({})
    scorer = EmbeddingScorer(embedder, weight=0.2, cache_size=2)
    scorer.similarities("q", ["a", "b", "c"])
    scorer.similarities("q", ["a"])
    assert embedder.encoded.count("a") == 2  # evicted by b and c, encoded again


def test_the_assistant_over_a_real_searcher_scores_with_its_encoder_unless_the_weight_is_zero(hash_embedder):
    class WithEncoder:
        embedder = hash_embedder

    assert isinstance(Assistant.over(WithEncoder(), None, ChatSettings()).semantic, EmbeddingScorer)
    assert Assistant.over(WithEncoder(), None, ChatSettings(semantic_weight=0)).semantic is None
    assert scorer_for(None, 0.2) is None


@pytest.mark.slow
def test_the_real_encoder_puts_the_answering_sentence_above_one_that_shares_more_words():
    from index.embed import E5Embedder

    visits, motion = EmbeddingScorer(E5Embedder(), weight=0.2).similarities(QUESTION, [VISITS, MOTION])
    assert visits > motion
