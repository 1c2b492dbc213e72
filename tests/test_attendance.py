"""Who attended a meeting: "Var ordföranden med på mötet?" is answered from the protocol's list of the absent."""

from __future__ import annotations

from assistant.meetings import MeetingKey, meeting_facts
from assistant.plan import make_plan
from conftest import make_chunk
from index.types import Hit

COVER = ("Datum 2019-02-26 Tid 18:30–19:45 Plats Myggdalen, plan 1\n\n### Beslutande\n\nChristoffer Holmström (S)\n"
         "Dick Bengtson (M)\n\n### Frånvarande\n\nAjda Asgari (MP), Ordförande  \n José Blanco Garcia (S)\n\n"
         "Justerandes sign\n")


def test_attendance_questions_are_meeting_questions():
    for question in ("Var ordföranden med på mötet?", "and was the chair there?",
                     "Vilka var frånvarande på socialnämndens sammanträde?"):
        plan = make_plan(question)
        assert plan.wants("attendance") and plan.route == "meeting", question
    assert not make_plan("Hur många var med i projektet?").wants("attendance")


def test_the_absent_are_quoted_from_the_protocols_list():
    chunk = make_chunk(COVER, "cover", title=None, section="Protokoll", doc_type="protokoll", kommun="Tyresö",
                       date="2019-02-26", dnr=())
    key = MeetingKey("Tyresö", "Socialnämnden", "2019-02-26")
    facts = meeting_facts(make_plan("Var ordföranden med på mötet?"), key, [Hit(chunk, 1.0, "exact", 1, None)])
    absent = [f for f in facts if f.label == "Frånvarande"]
    assert absent and "Ajda Asgari (MP), Ordförande" in absent[0].value and "José Blanco Garcia" in absent[0].value
    assert absent[0].quote in chunk.text and "Justerandes" not in absent[0].quote
