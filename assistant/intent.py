"""What a question asks for (an amount, a date, a person, a place, a dnr, a §, a decision), by cheap patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(
    r"\b(hur (stor|stort|stora|mycket|många|mkt)|belopp|summa|antal|andel|procent|kostade|kosta|kostar"
    r"|how (much|many|large|big))\b"
    r"|\bwhat (share|percentage|proportion|amount)\b"
    # "Vilken investeringsram …?", "Vilket tilläggsanslag …?": a noun that is an amount of money
    r"|\bvilke[nt] \w*(ram|ramen|budget|belopp|taxa|taxan|avgift|avgiften|kostnad|summa|anslag|ersättning"
    r"|prognos|prognosen|skattesats|skattesatsen|överskott|underskott|utfall|utfallet)\b"
    # "What was the final cost …?", "What tax rate …?"
    r"|\bwhat (was|is|were|are) the (\w+ )?(cost|costs|price|budget|forecast|deficit|surplus|tax rate)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(när|vilket datum|vilka datum|datum|vilken dag|vilken period|when|what date|which date|dates?|what period)\b", re.I)
_CAUSE = re.compile(r"\b(varför|orsak\w*|berod\w*|anledning\w*|why|reason\w*|caus\w*)\b", re.I)
_PERSON = re.compile(r"\b(vem|vilka personer|vilken person|vilka ordförande|who|whom)\b", re.I)
_PLACE = re.compile(r"\b(var hölls|var sker|var ligger|vilken lokal|where|plats)\b", re.I)
# Asking for a dnr ("Vilket diarienummer …?"), not naming one ("dnr IF-2024-00326 – vad begärde nämnden?").
_DNR = re.compile(r"\b(diarienummer|dnr|ärendenummer|case number|reference number|file number)\b"
                  r"(?!\.?:?\s*[A-ZÅÄÖa-zåäö]{1,5}\s?[/-]?\s?\d{4})", re.I)
_PARAGRAPH = re.compile(r"\b(vilken paragraf|vilket paragrafnummer|which paragraph|what paragraph)\b", re.I)
_DECISION = re.compile(
    r"\bbeslut|\bföreslog|\bförslag till beslut|\btyckte|\bställning|\byttrande|\bansåg nämnden"
    r"|\bdecid|\bdecision|\bproposed\b|\bproposal",
    re.I,
)
_MEETING = re.compile(r"\b(sammanträde\w*|möte\w*|meeting\w*|protokoll\w*|justera\w*)\b", re.I)


@dataclass(frozen=True, slots=True)
class Intent:
    """The kinds of answer a question asks for; several may hold ("Vilket datum beslutade ...?")."""

    number: bool = False
    date: bool = False
    person: bool = False
    place: bool = False
    dnr: bool = False
    paragraph: bool = False
    decision: bool = False
    meeting: bool = False  # about a meeting itself (its date, place, secretary)
    cause: bool = False  # "Vad berodde det på?", "Varför ...?"


def question_intent(question: str) -> Intent:
    """E.g. "Vilket diarienummer har ...?" -> Intent(dnr=True); "När delas underlagen ut?" -> Intent(date=True)."""
    dnr = bool(_DNR.search(question))
    return Intent(
        number=bool(_NUMBER.search(question)),
        date=bool(_DATE.search(question)),
        person=bool(_PERSON.search(question)),
        place=bool(_PLACE.search(question)),
        dnr=dnr,
        paragraph=bool(_PARAGRAPH.search(question)),
        decision=not dnr and bool(_DECISION.search(question)),
        meeting=bool(_MEETING.search(question)),
        cause=bool(_CAUSE.search(question)),
    )
