"""Follow-up questions rewritten into standalone Swedish search queries."""

from __future__ import annotations

import pytest

from assistant.condense import condense, rewrite, subject
from assistant.types import Answer, Turn

FIRST = "Hur stort överskott hade socialnämnden 2022?"


def _history(question=FIRST, query=None):
    return [Turn(question, Answer("…", (), "sv", True, search_query=query or question))]


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("och året innan?", "Hur stort överskott hade socialnämnden 2021?"),
        ("Och året efter?", "Hur stort överskott hade socialnämnden 2023?"),
        ("och 2019?", "Hur stort överskott hade socialnämnden 2019?"),
        ("Hur var det 2020?", "Hur stort överskott hade socialnämnden 2020?"),
        ("och vad berodde det på?", "Vad var orsaken till överskott socialnämnden 2022?"),
        ("Varför?", "Vad var orsaken till överskott socialnämnden 2022?"),
        ("and the year before?", "Hur stort överskott hade socialnämnden 2021?"),
    ],
)
def test_follow_ups_become_standalone(follow_up, expected):
    assert condense(follow_up, _history()) == expected


def test_continuation_with_new_subject_and_year():
    assert condense("och underskottet 2019?", _history()) == "Hur stort överskott hade socialnämnden 2019 – underskottet?"


def test_anaphora_carries_the_previous_subject():
    query = condense("Vem beslutade om det?", _history())
    assert query.startswith("Vem beslutade om det?") and "socialnämnden 2022" in query


def test_standalone_question_is_left_alone():
    question = "Vad beslutade socialnämnden om internkontrollplanen 2023?"
    assert condense(question, _history()) == question


def test_first_question_needs_no_history():
    assert condense(FIRST, []) == FIRST


def test_uses_previous_standalone_query_not_the_raw_follow_up():
    history = _history("och året innan?", "Hur stort överskott hade socialnämnden 2021?")
    assert condense("och året innan?", history) == "Hur stort överskott hade socialnämnden 2020?"


def test_english_question_gets_swedish_terms():
    assert "överskott" in condense("How large was the surplus in 2022?", [])


def test_subject_strips_question_words():
    assert subject(FIRST) == "överskott socialnämnden 2022"


def test_llm_is_asked_only_when_rules_give_nothing():
    from tests.fakes import FakeChatModel

    llm = FakeChatModel("Vilka beslut fattade socialnämnden om internkontroll 2022?")
    history = _history("Vad beslutade socialnämnden om internkontroll 2022?")
    query = condense("Vilka andra beslut fattades om den frågan samma år?", history, llm)
    assert query == "Vilka beslut fattade socialnämnden om internkontroll 2022?"
    assert len(llm.history) == 1


def test_short_follow_up_without_its_own_year_carries_the_subject():
    history = _history("Hur stort statsbidrag fick nämnden 2022 för subventioner av familjehemsplaceringar?")
    query = condense("Vad användes pengarna till?", history)
    assert query.startswith("Vad användes pengarna till?") and "familjehemsplaceringar" in query


def test_swedish_question_gets_no_glossary_terms():
    assert condense("Vad beslutade nämnden om budget för barn?", [], language="sv") == (
        "Vad beslutade nämnden om budget för barn?")


def test_a_follow_up_naming_its_own_year_carries_the_subject_without_shifting_it():
    previous = "Hur såg socialnämndens ekonomiska resultat ut 2019 jämfört med 2022?"
    query = rewrite("och året innan 2019 då, vad var nettot i bokslutet 2018?", previous)
    assert query.startswith("och året innan 2019 då, vad var nettot i bokslutet 2018?")
    assert "socialnämndens" in query and "2021" not in query and "2022" not in query
    assert rewrite("och året innan?", "Hur stort överskott hade socialnämnden 2022?") == \
        "Hur stort överskott hade socialnämnden 2021?"
