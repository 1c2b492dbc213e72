"""What a question asks for, from cheap patterns."""

from __future__ import annotations

import pytest

from assistant.intent import question_intent


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hur stort överskott hade socialnämnden 2022?", "number"),
        ("What share of staff would recommend their employer?", "number"),
        ("När delas underlagen ut?", "date"),
        ("Under vilken period får pengarna användas?", "date"),
        ("Vem var sekreterare vid sammanträdet?", "person"),
        ("Var hölls socialnämndens sammanträde den 13 juni 2023?", "place"),
        ("Vilket diarienummer har tillsynen av serveringstillstånd 2022?", "dnr"),
        ("What is the case number of the report?", "dnr"),
        ("Vilken paragraf har beslutet om verksamhetsberättelsen?", "paragraph"),
        ("Vad föreslogs om sammanställningen av ej verkställda beslut?", "decision"),
        ("What did the committee decide about the plan?", "decision"),
        ("Vad berodde det på?", "cause"),
    ],
)
def test_question_intent(question, kind):
    assert getattr(question_intent(question), kind)


def test_dnr_question_about_a_decision_is_not_a_decision_question():
    intent = question_intent("Vilket diarienummer har kommunstyrelsens beslut om firmatecknare 2023?")
    assert intent.dnr and not intent.decision


def test_plain_question_asks_for_nothing_special():
    intent = question_intent("Vilken modell används i det våldsförebyggande arbetet?")
    assert not (intent.number or intent.date or intent.person or intent.dnr or intent.decision)


def test_a_noun_that_is_an_amount_asks_for_a_number():
    assert question_intent("Vilken investeringsram för vatten och avlopp 2026 föreslog nämnden?").number
    assert question_intent("Vilket tilläggsanslag fick valnämnden?").number
    assert not question_intent("Vilken nämnd beslutade om ramavtalet?").number
    assert question_intent("vilken helårsprognos för 2025 redovisade förvaltningen per mars 2025?").number
    assert question_intent("Vilken skattesats hade kommunen 2025?").number
    assert question_intent("What was the final cost of the pipe renewal project?").number
    assert not question_intent("What was the decision on the pipe renewal project?").number


def test_a_named_diarienummer_is_no_question_for_one():
    assert question_intent("Vilket diarienummer har ärendet om hemtjänsten?").dnr
    assert not question_intent("dnr IF-2024-00326 – vad begärde nämnden där?").dnr
    assert not question_intent("Vad gällde dnr KS/2023:12?").dnr
