"""The answer language of a question, including very short follow-ups."""

from __future__ import annotations

import pytest

from assistant.question_language import question_language
from assistant.types import Answer, Turn


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Hur stort överskott hade socialnämnden 2022?", "sv"),
        ("och året innan?", "sv"),
        ("Varför?", "sv"),
        ("och 2021?", "sv"),
        ("How large was the surplus in 2022?", "en"),
        ("why?", "en"),
        ("and the year before?", "en"),
        ("What did the social welfare committee decide about internal control in Botkyrka?", "en"),
        ("Vilka beslut fattades om internkontroll?", "sv"),
        ("What share of staff in Tyresö would recommend their employer?", "en"),
        ("How much of the Housing First (Bostad först) grant was spent?", "en"),
        ("Vad beslutade nämnden om Bostad först i Tyresö?", "sv"),
    ],
)
def test_language_of_questions(question, language):
    assert question_language(question) == language


def test_bare_year_follows_the_conversation():
    history = [Turn("How large was the surplus in 2022?", Answer("…", (), "en", True))]
    assert question_language("2021?", history) == "en"
    assert question_language("2021?") == "sv"
