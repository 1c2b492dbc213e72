"""English municipal terms mapped to the Swedish the documents use, and Swedish decision verbs glossed."""

from __future__ import annotations

from assistant.glossary import gloss_decision_verbs, swedish_terms, swedish_view, with_swedish_terms


def test_longest_phrase_wins_and_consumes_its_words():
    assert swedish_terms("What did the social welfare committee decide about placements?") == [
        "socialnämnden", "beslut", "placeringar"]


def test_inflected_english_words_match():
    assert "svarande besvarades" in swedish_terms("How many people responded to the user survey?")
    assert "brukarundersökning" in swedish_terms("How many people responded to the user survey?")


def test_query_gets_new_swedish_terms_once():
    query = with_swedish_terms("How large was the surplus (överskott) in 2022?")
    assert query == "How large was the surplus (överskott) in 2022?"
    assert with_swedish_terms("What was the deficit?") == "What was the deficit? (underskott)"


def test_swedish_view_keeps_names_numbers_and_swedish_words():
    view = swedish_view("What did Stockholm's social services committee decide about homeless shelters in 2021?")
    assert view.split()[:2] == ["socialnämnden", "beslut"]
    assert "Stockholm's" in view and "2021?" in view and "What" not in view


def test_decision_verbs_are_glossed():
    assert gloss_decision_verbs("Socialnämnden godkänner uppföljningen och överlämnar den.") == (
        "godkänner = approves, överlämnar = forwards")
    assert gloss_decision_verbs("Nämnden redovisar ett överskott.") is None


def test_genre_synonyms_add_the_documents_words_and_keep_the_users():
    from assistant.glossary import with_genre_synonyms

    assert with_genre_synonyms("Vilka mötesdatum för 2023?").split()[:4] == ["Vilka", "mötesdatum", "för", "2023?"]
    assert "sammanträdesdatum" in with_genre_synonyms("Vilka mötesdatum för 2023?")
    assert "sammanträdestider" in with_genre_synonyms("Vilka dagar skulle BUN sammanträda under 2024?")
    assert with_genre_synonyms("på mötet i mars").endswith("sammanträdet")
    assert with_genre_synonyms("Vad beslutade nämnden om budgeten?") == "Vad beslutade nämnden om budgeten?"


def test_municipal_vocabulary_beyond_social_services_is_searched_in_swedish():
    assert {"förbud", "tiggeri"} <= set(" ".join(swedish_terms("a national ban on begging")).split())
    assert "gymnasieskola gymnasium" in swedish_terms("the planned upper secondary school")
    assert "votering röstade" in swedish_terms("and how did the vote go?")
    assert "folkomröstning" in swedish_terms("When was the referendum held?")
    assert "vatten och avlopp VA" in swedish_terms("water and sewage fees")  # the longer phrase wins over "fee"
