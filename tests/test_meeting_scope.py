"""A dated meeting the archive lacks: refused from the meeting list, with the nämnd's nearest meetings."""

from __future__ import annotations

import pytest

from assistant.chat import Assistant
from assistant.meeting_scope import unheld_meeting, unheld_text
from assistant.meetings import MeetingKey
from assistant.plan import make_plan
from assistant.settings import ChatSettings
from conftest import make_chunk
from tests.fakes import ListSearcher

MEETINGS = [MeetingKey("Botkyrka", "Socialnämnden", "2019-08-20"),
            MeetingKey("Botkyrka", "Socialnämnden", "2019-10-15"),
            MeetingKey("Lomma", "Kommunstyrelsen", "2025-11-05"),
            MeetingKey("Lomma", "Barn- och utbildningsnämnden", "2025-12-10")]


@pytest.mark.parametrize("question, asked", [
    ("När och var sammanträdde socialnämnden i Botkyrka i september 2019?", "2019-09"),
    ("vad beslutade kommunstyrelsen i lomma den 10 december 2025?", "2025-12-10"),  # BUN met that day, KS did not
    ("When did the social welfare committee in Botkyrka meet in March 2019?", "2019-03"),
])
def test_a_dated_meeting_no_document_holds_is_named(question, asked):
    unheld = unheld_meeting(make_plan(question, "en" if question.startswith("When") else "sv"), MEETINGS)
    assert unheld is not None and unheld.asked == asked
    assert unheld.nearest and all(m.kommun in question.title() or m.kommun == "Botkyrka" for m in unheld.nearest)


@pytest.mark.parametrize("question", [
    "När och var sammanträdde socialnämnden i Botkyrka i oktober 2019?",  # held
    "Vad beslutade socialnämnden i Botkyrka om delårsrapporten för januari–september 2019?",  # a period, no meeting
    "När justerades socialnämndens protokoll i Botkyrka den 3 september 2019?",  # a justering date
    "Hur stort överskott hade socialnämnden 2019?",  # no day or month
    "Vad beslutades den 10 december 2025?",  # no nämnd or kommun: the date alone names no meeting
    "Vad beslutade byggnadsnämnden i Lomma den 10 december 2025?",  # a nämnd not held: out of scope says so
])
def test_other_dates_are_left_to_the_answer(question):
    assert unheld_meeting(make_plan(question), MEETINGS) is None


def test_the_refusal_names_the_month_and_the_nearest_meetings():
    unheld = unheld_meeting(make_plan("När sammanträdde socialnämnden i Botkyrka i september 2019?"), MEETINGS)
    text = unheld_text(unheld, "sv")
    assert text.startswith("Det framgår inte av handlingarna.")
    assert "i september 2019" in text and "Socialnämnden (Botkyrka) 2019-08-20" in text and "2019-10-15" in text


def test_the_assistant_refuses_from_the_meeting_list_before_quoting_another_meeting():
    chunk = make_chunk("Socialnämnden sammanträdde i kommunhuset i Tumba. Nämnden beslutade att godkänna "
                       "verksamhetsberättelsen.", "c1", date="2019-10-15")
    assistant = Assistant(ListSearcher([chunk]), None, ChatSettings(mode="extractive"))
    answer = assistant.answer("När och var sammanträdde socialnämnden i Botkyrka i september 2019?")
    assert not answer.answered and not answer.citations
    assert "2019-10-15" in answer.text and "september 2019" in answer.text
    held = assistant.answer("När och var sammanträdde socialnämnden i Botkyrka i oktober 2019?")
    assert "Arkivet har inget sammanträde" not in held.text
