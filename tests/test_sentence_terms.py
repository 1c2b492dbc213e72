"""assistant.sentences.terms: the crude stems quotes are scored and questions judged by."""

from __future__ import annotations

import pytest

from assistant.extractive import extractive_answer
from assistant.sentences import relevance, terms
from conftest import make_chunk
from index.types import Hit


@pytest.mark.parametrize("a, b", [("starta", "start"), ("timtaxan", "timtaxa"), ("beslutades", "beslutet"),
                                  ("protokollet", "protokoll")])
def test_inflections_of_one_word_share_a_term(a: str, b: str) -> None:
    """A 6-letter prefix alone kept "starta" and "start" apart; Snowball's stem (then 6 letters) joins them."""
    assert terms(a) == terms(b)


def test_different_words_stay_apart() -> None:
    assert not terms("överskott") & terms("underskott")
    assert not terms("skolan") & terms("skatten")


def test_a_question_verb_matches_its_noun_in_the_answer_sentence() -> None:
    sentence = "Projektet föreslås löpa på 1,5 år med start den 1 december 2016."
    assert relevance(terms("När ska projektet starta?"), sentence) == 1.0


def test_extractive_answer_quotes_the_inflected_match() -> None:
    """Both sentences name the project and a date; only the second says when it starts ("start" ~ "starta")."""
    text = ("Projektet ska redovisas för nämnden den 10 maj 2017.\n\nProjektet föreslås löpa på 1,5 år med start den "
            "1 december 2016.")
    chunk = make_chunk(text, "c1", title="Projekt privatuthyrning")
    answer, citations = extractive_answer("När ska projektet starta?", [Hit(chunk, 1.0, "dense", 1)], "sv", 1)
    assert "1 december 2016" in answer and citations
