"""A meeting the question dates that the archive does not hold: "Vad beslutade kommunstyrelsen den 10 december
2025?" when no kommunstyrelse meeting of that day is indexed.

The parsed documents give every meeting's kommun, nämnd and date, so whether a dated meeting exists is a fact
of the archive's structure, not a judgement over retrieved text: a question that dates a meeting event
(sammanträde, beslut, votering, behandling, information to the nämnd) which no indexed meeting of the named nämnd
and kommun matches is answered with that fact and the nämnd's nearest meetings, never with another meeting's text.
A day or month the question gives for something else (a justering, an anslag, a deadline) is not a meeting date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.meetings import MeetingKey, names_committee
from assistant.plan import QuestionPlan
from assistant.prompts import UNHELD_MEETING, UNHELD_WORDS

# Words that make a named day or month the date of a meeting: what a nämnd does at its sammanträde.
_MEETING_EVENT = re.compile(
    r"\b(sammanträd\w*|möte[nt]?|mötes\w*|beslut(ade|at|ades|et)?|beslöt|röstade|omröstning\w*|votering\w*"
    r"|behandla\w*|protokoll\w*|informera\w*|informationen|dagordning\w*|föredra\w*"
    r"|meet(ing|s)?|met|decide[ds]?|decision|vote[ds]?|voting|discuss\w*)\b", re.I)
# A date of something else than the meeting: the protocol's justering or anslag, a deadline, a period.
_OTHER_DATE = re.compile(r"\b(juster\w*|anslag\w*|tillhanda|senast|från och med|fr\.o\.m|gäller från|deadline"
                         r"|adjust\w*|posted)\b", re.I)
# A month is a meeting's only when the question puts the event in it ("i september 2019", "in March 2023"), not
# when it ends a period ("delårsrapporten för januari–augusti 2023") or names a report's month ("per augusti").
_IN_MONTH = re.compile(r"\b(i|in|under|during)\s+(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober"
                       r"|november|december|january|february|march|may|june|july|august|october)\b", re.I)
_MONTHS_SV = "januari februari mars april maj juni juli augusti september oktober november december".split()
_MONTHS_EN = "January February March April May June July August September October November December".split()
NEAREST = 3  # meetings of the named nämnd shown beside the refusal


@dataclass(frozen=True, slots=True)
class UnheldMeeting:
    """The dated meeting asked about that the archive lacks, and the named nämnd's meetings nearest to it."""

    asked: str  # "2025-12-10" or "2019-09"
    nearest: tuple[MeetingKey, ...]


def unheld_meeting(plan: QuestionPlan, meetings: Sequence[MeetingKey]) -> UnheldMeeting | None:
    """The day or month the question dates a meeting of its nämnd (and kommun) by, when no indexed meeting has it.

    E.g. "När sammanträdde socialnämnden i Botkyrka i september 2019?" with Botkyrka socialnämnd meetings only in
    2019-08 and 2019-10 -> UnheldMeeting("2019-09", (…2019-10-15, …2019-08-20)). None when the question dates
    nothing, dates something else, or names a nämnd or kommun the archive has no meeting of (scope says that).
    """
    months = meeting_months(plan)
    asked = plan.dates or months
    if not asked or not _MEETING_EVENT.search(plan.question) or _OTHER_DATE.search(plan.question):
        return None
    candidates = [m for m in meetings if not plan.kommuner or m.kommun in plan.kommuner]
    named = [m for m in candidates if m.committee and names_committee(plan, m.committee)]
    if plan.committees and not named:
        return None  # a nämnd the archive does not hold: out of scope, said elsewhere
    candidates = named or candidates
    if not candidates or (not plan.committees and not named and not plan.kommuner):
        return None  # no nämnd or kommun named: the date alone does not say which meeting
    if any(m.date in plan.dates or m.date[:7] in months for m in candidates):
        return None
    target = asked[0] if len(asked[0]) == 10 else f"{asked[0]}-15"
    nearest = sorted(candidates, key=lambda m: abs(_days(m.date) - _days(target)))[:NEAREST]
    return UnheldMeeting(asked[0], tuple(sorted(nearest, key=lambda m: m.date)))


def meeting_months(plan: QuestionPlan) -> tuple[str, ...]:
    """The months ("2024-02") the question puts a meeting event in ("i februari 2024"), not a period's or a
    report's month ("delårsrapporten för januari–augusti 2023")."""
    question = plan.question
    return plan.months if _IN_MONTH.search(question) and _MEETING_EVENT.search(question) and not _OTHER_DATE.search(
        question) else ()


def held_months(plan: QuestionPlan, meetings: Sequence[MeetingKey]) -> tuple[str, ...]:
    """The months the question puts a meeting event in (`meeting_months`) that the archive holds a meeting in, of
    a nämnd the question names when it names one (and of its kommun): ("2024-02",) for "Hur röstade BUN i februari
    2024 om …?" over an archive with BUN 2024-02-06. The retriever ranks that month's chunks first."""
    held = []
    for month in meeting_months(plan):
        here = [m for m in meetings if m.date.startswith(month) and (not plan.kommuner or m.kommun in plan.kommuner)]
        if plan.committees:
            here = [m for m in here if m.committee and names_committee(plan, m.committee)]
        if here:
            held.append(month)
    return tuple(held)


def unheld_text(unheld: UnheldMeeting, language: str) -> str:
    """The refusal: "Det framgår inte av handlingarna. Arkivet har inget sammanträde med Socialnämnden (Botkyrka)
    i september 2019. Närmaste sammanträden i arkivet: Socialnämnden (Botkyrka) 2019-08-20, …"."""
    words = UNHELD_WORDS.get(language, UNHELD_WORDS["sv"])
    committees = {m.committee for m in unheld.nearest if m.committee}
    who = f"{words['of']}{_label(unheld.nearest[0])} " if len(committees) == 1 and unheld.nearest else ""
    when = f"{words['on'] if len(unheld.asked) == 10 else words['in']}{_written(unheld.asked, language)}"
    nearest = ", ".join(f"{_label(m)} {m.date}" for m in unheld.nearest) or "–"
    return UNHELD_MEETING.get(language, UNHELD_MEETING["sv"]).format(who=who, when=when, nearest=nearest)


def _written(iso: str, language: str) -> str:
    """"2019-09" -> "september 2019", "2025-12-10" -> "10 december 2025" (English: "September 2019")."""
    names = _MONTHS_EN if language == "en" else _MONTHS_SV
    parts = [int(p) for p in iso.split("-")]
    month = names[parts[1] - 1]
    return f"{parts[2]} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def _label(meeting: MeetingKey) -> str:
    place = f" ({meeting.kommun})" if meeting.kommun else ""
    return f"{meeting.committee or ''}{place}".strip()


def _days(iso: str) -> int:
    year, month, day = (int(p) for p in iso[:10].split("-"))
    return year * 372 + month * 31 + day  # ordering distance only; exact calendar days are not needed
