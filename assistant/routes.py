"""The plan's route: a structured case or meeting answer, a per-part comparison, or None for plain retrieval."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

from assistant.archive import Archive
from assistant.compare import TIMELINE_HITS, compare_reply, timeline_reply
from assistant.history import history_reply
from assistant.decision_state import DECISION, PROPOSAL, decision_state
from assistant.meetings import MeetingKey
from assistant.plan import QuestionPlan
from assistant.prompts import STRUCTURED
from assistant.citations import make_citation, quote_line
from assistant.reply import Reply
from assistant.semantic import SentenceScorer
from assistant.sentences import sentence_spans
from assistant.structured import case_reply, meeting_reply
from assistant.types import Citation
from corpus.types import Chunk
from index.types import Hit, SearchFilters

log = logging.getLogger(__name__)
Retrieve = Callable[[str, SearchFilters | None], list[Hit]]


def routed_reply(plan: QuestionPlan, archive: Archive, retrieve: Retrieve, filters: SearchFilters | None,
                 meetings: Sequence[MeetingKey], language: str, semantic: SentenceScorer | None = None) -> Reply | None:
    """The structured or per-part reply the plan's route gives, or None: answer by plain retrieval. `semantic`
    scores the quoted sentences as in extractive_answer."""
    try:
        if plan.route == "case":  # "Hur behandlades ärendet (KF/2024:344) …?": its meetings one by one
            return history_reply(plan, [], archive, language, semantic) or case_reply(plan, archive, language)
        if plan.route == "meeting":
            topic = retrieve(plan.question, filters) if not _narrowed(plan) else []
            return meeting_reply(plan, archive, meetings, language, topic)
        if plan.route == "compare":
            return compare_reply(plan, retrieve, filters, language, semantic)
        if plan.route == "timeline":
            return timeline_reply(plan, lambda q, f: _unique(archive.search(q, k=TIMELINE_HITS, filters=f)), filters,
                                  language, semantic)
    except ValueError as exc:  # a quote that is not verbatim: never cite it, answer by retrieval instead
        log.warning("Structured %s answer dropped: %s", plan.route, exc)
    return None


def searched(plan: QuestionPlan, filters: SearchFilters | None, language: str) -> str:
    """What a refusal says was searched: "Sökt: år 2024, nämnd socialnämnd." (the filters and what the question named)."""
    words = STRUCTURED[language]
    what = []
    kommun = (filters.kommun if filters else None) or ", ".join(plan.kommuner)
    committee = (filters.committee if filters else None) or ", ".join(plan.committees)
    if kommun:
        what.append(words["kommun"].format(kommun=kommun))
    if committee:
        what.append(words["committee"].format(committee=committee))
    if plan.years:
        what.append(words["years"].format(years=", ".join(str(y) for y in plan.years)))
    if filters and (filters.date_from or filters.date_to):
        what.append(f"{filters.date_from or '…'}–{filters.date_to or '…'}")
    if plan.diarienummer:
        what.append(words["dnr"].format(dnr=", ".join(plan.diarienummer)))
    return words["searched"].format(what=", ".join(what) or words["everything"])


def decision_note(citations: Sequence[Citation], hits: Sequence[Hit], archive: Archive,
                  language: str) -> tuple[str, Hit | None, str | None]:
    """For "Vad beslutade …?": whether the cited decision is the protocol's or a proposal, and the protocol's
    decision (hit and verbatim sentence) when the answer quoted only the proposal but the archive holds both.
    """
    words = STRUCTURED[language]
    cited = [hits[c.number - 1].chunk for c in citations if 0 < c.number <= len(hits)]
    states = {decision_state(c) for c in cited}
    if DECISION in states:
        return words["decided"], None, None
    if PROPOSAL not in states:
        return "", None, None
    for chunk in cited:
        for dnr in chunk.diarienummer:
            taken = [c for c in archive.case(dnr) if decision_state(c) == DECISION]
            if taken:
                sentence = _first_sentence(taken[0])
                if sentence:
                    return words["decided"], Hit(taken[0], 1.0, "exact", 0, None), sentence
    return words["only_proposal"], None, None


# "När bestämdes det?", "when was it decided?": the date asked is the decision's.
DECISION_ASKED = re.compile(r"\b(bestäm|beslut|beslöt|fattade|antog|godkän|fastställ|decided|adopted|approved)\w*", re.I)
_WRITTEN_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti"
                           r"|september|oktober|november|december)\b", re.I)


def decision_date_note(text: str, citations: Sequence[Citation], hits: Sequence[Hit], language: str) -> str | None:
    """For a date question answered by a protocol's decision that states no date ("… och när bestämdes det?"):
    the decision's date is its meeting's, "Beslutet fattades av Barn- och utbildningsnämnden den 2024-03-19, § 23 [1].";
    None when the answer already holds a date or cites no taken decision."""
    if _WRITTEN_DATE.search(text):
        return None
    for c in citations:
        chunk = hits[c.number - 1].chunk if 0 < c.number <= len(hits) else None
        if chunk is not None and chunk.meeting.date and decision_state(chunk) == DECISION:
            paragraph = f", {chunk.paragraph}" if chunk.paragraph else ""
            return STRUCTURED[language]["decided_on"].format(committee=chunk.meeting.committee or "nämnden",
                                                             date=chunk.meeting.date, paragraph=paragraph,
                                                             number=c.number)
    return None


def add_quote(text: str, citations: tuple[Citation, ...], hits: tuple[Hit, ...], hit: Hit,
              quote: str) -> tuple[str, tuple[Citation, ...], tuple[Hit, ...]]:
    """The answer with one more cited quote, its marker numbered after the existing sources."""
    number = len(hits) + 1
    return (f"{text}\n{quote_line(quote, number)}", (*citations, make_citation(number, hit, quote)), (*hits, hit))


def _first_sentence(chunk: Chunk) -> str | None:
    for span in sentence_spans(chunk.text):
        sentence = chunk.text[span.start:span.end]
        if len(sentence.split()) >= 4 and not sentence.lstrip().startswith(("§", "Dnr")):
            return sentence
    return None


def _narrowed(plan: QuestionPlan) -> bool:
    return bool(plan.committees or plan.kommuner or plan.dates or plan.months or plan.years)


def _unique(hits: Sequence[Hit]) -> list[Hit]:
    """One hit per repeated text (a decision repeated in kallelse, tjänsteskrivelse and bilaga)."""
    seen: set[str] = set()
    out = []
    for hit in hits:
        key = hit.chunk.duplicate_of or hit.chunk.chunk_id
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out
