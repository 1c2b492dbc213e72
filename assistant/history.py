"""Case-history answers: how an ärende was treated meeting by meeting ("Hur har nämnden behandlat …?",
"Vilka beslut fattades i kommunstyrelsen och sedan i fullmäktige?", "Vad hände sedan med uppdraget …?").

Retrieval ranks the one chunk that matches best; a history needs every meeting of the case. The parser links
an ärende across documents by its diarienummer (Archive.case), and a similar title under another nämnd's
diarienummer is the same matter handled there ("Lokalbehov 2026–2030" in two nämnder). Each meeting's own
decision sentences are picked by the extractive scorer against the question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.archive import Archive
from assistant.citations import DECISION_SECTIONS
from assistant.decision_text import decision_span
from assistant.extractive import CARRIED, extractive_answer
from assistant.plan import QuestionPlan
from assistant.prompts import STRUCTURED
from assistant.reply import Numbering, Reply
from assistant.semantic import SentenceScorer
from assistant.structured import compound_case
from corpus.types import Chunk
from index.cases import title_similarity
from index.types import Hit

_HISTORY = re.compile(
    r"\bhur (har|hade) (\w+ ){1,6}(behandlat|hanterat|behandlats|hanterats)\b"
    r"|\bhur (behandlade|behandlades|hanterade|hanterades)\b"
    r"|\bvad hände (sedan|därefter|senare|med)\b|\bvad (har|hade) hänt med\b|\bsedan i (kommun\w+|fullmäktige|nämnden)\b"
    r"|\bvilka nämnder\b[^?]*\bbeslutade\b|\b(i|av) (kommunstyrelsen|nämnden) och (sedan |därefter )?i\b"
    r"|\binnan (fullmäktiges|kommunfullmäktiges|nämndens) beslut\b"
    r"|\b(föreslog|föreslogs|rekommenderade|tillstyrkte)\b[^?]*\b(och|men|sedan)\b[^?]*\b(beslutade|beslutades|beslöt)\b"
    r"|\b(propose|proposed|recommend|recommended)\b[^?]*\band\b[^?]*\b(decide|decided)\b"
    r"|\bhow (was|has|did) [^?]*\b(handled|treated|dealt with)\b|\bwhat happened next\b"
    # "Hur gick S-motionen … – från nämnden till fullmäktige?", "How did the committee handle the agreement …?"
    r"|\bfrån (\w+ )?(nämnden|\w+nämnden|styrelsen|kommunstyrelsen) till (\w+ )?(fullmäktige|kommunfullmäktige|kommunstyrelsen)\b"
    r"|\bhow did [^?]*\b(handle|treat|deal with)\b", re.I)
_NOT_HEADING = re.compile(r"\w+\W+\w+\W+\w+")  # three words at least: no "Beslut" heading as a step's decision
RELATED_HITS = 5  # hits whose ärende may be the same matter under another diarienummer
SAME_MATTER = 0.6  # title similarity above which another nämnd's ärende is the same matter
MAX_STEPS = 6  # meetings listed
STEP_SENTENCES = 3  # decision sentences quoted per meeting (2 -> 3: the lead-in "… beslutar:" takes one)


def asks_history(plan: QuestionPlan) -> bool:
    """Whether the question asks how a matter went across meetings (a follow-up's own words, not the subject
    carried over in parentheses: "Vilka reserverade sig i BUN? (… rekommenderade … beslutade …)")."""
    return bool(_HISTORY.search(CARRIED.sub("", plan.question)))


def history_reply(plan: QuestionPlan, hits: Sequence[Hit], archive: Archive, language: str,
                  semantic: SentenceScorer | None = None) -> Reply | None:
    """Each meeting of the best hit's case (and of the same matter under another nämnd), oldest first, with its
    decision quoted; None without a case of two meetings or more (plain retrieval answers then)."""
    if not asks_history(plan) or not (hits or plan.diarienummer):
        return None
    numbers = list(plan.diarienummer) or _case_numbers(hits)
    if not numbers:
        return None
    chunks = {c.chunk_id: c for dnr in numbers for c in archive.case(dnr) or compound_case(archive, dnr)}
    meetings = _by_meeting(list(chunks.values()))
    if len(meetings) < 2:
        return None
    numbering = Numbering()
    lines = [STRUCTURED[language]["timeline_intro"]]
    for (date, committee, _kind), group in sorted(meetings.items(), key=lambda kv: kv[0][0] or "")[:MAX_STEPS]:
        decided = ([c for c in group if c.section == "Beslut"] or [c for c in group if c.section in DECISION_SECTIONS]
                   or group)
        step_hits = [Hit(c, 1.0, "exact", i, None) for i, c in enumerate(decided)]
        whole = _whole_decision(decided)
        if whole is not None:  # the protocol's decision, every att-sats, verbatim
            hit, quote = whole
            body = f"»{' '.join(quote.split())}« [{numbering.cite(hit, quote)}]"
        else:
            text, citations = extractive_answer(plan.question, step_hits, language, STEP_SENTENCES,
                                                max_chunks=len(step_hits), require=_NOT_HEADING,
                                                per_chunk=STEP_SENTENCES, semantic=semantic)
            if not citations:
                continue
            quotes = [line[2:] for line in text.splitlines() if line.startswith("- »")]
            body, _ = numbering.renumber(" ".join(quotes), citations, step_hits)
        paragraph = next((c.paragraph for c in decided if c.paragraph), None)
        where = ", ".join(p for p in (committee, date, paragraph) if p)
        lines.append(f"- {where}: {body}")
    if not numbering.hits or len(lines) < 3:
        return None
    return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits))


def _whole_decision(chunks: Sequence[Chunk]) -> tuple[Hit, str] | None:
    """The meeting's decision (assistant/decision_text.py) as (hit, verbatim quote): the first Beslut chunk's, when
    it ends there (a decision running on into the next chunk is quoted by sentence scoring instead)."""
    decisions = sorted((c for c in chunks if c.section == "Beslut"), key=lambda c: c.start_char)
    if not decisions:
        return None
    first = decisions[0]
    span = decision_span(first)
    if span is None or (len(decisions) > 1 and not first.text[span[1]:].strip()):
        return None
    return Hit(first, 1.0, "exact", 0, None), first.text[span[0]:span[1]]


def _case_numbers(hits: Sequence[Hit]) -> list[str]:
    """The best hit's diarienummer, and those of other top hits whose ärende has a title like it."""
    first = hits[0].chunk
    numbers = list(first.diarienummer[:1])
    for hit in hits[1:RELATED_HITS]:
        chunk = hit.chunk
        if chunk.diarienummer and chunk.diarienummer[0] not in numbers and (
                title_similarity(first.item_title, chunk.item_title) >= SAME_MATTER):
            numbers.append(chunk.diarienummer[0])
    return numbers


def _by_meeting(chunks: Sequence[Chunk]) -> dict[tuple[str | None, str | None, str], list[Chunk]]:
    """Chunks per meeting; a kallelse is left out where the same meeting's protokoll is in the archive."""
    groups: dict[tuple[str | None, str | None, str], list[Chunk]] = {}
    for chunk in sorted(chunks, key=lambda c: (c.meeting.date or "", c.start_char)):
        m = chunk.meeting
        groups.setdefault((m.date, m.committee, m.doc_type), []).append(chunk)
    protocols = {(d, c) for d, c, kind in groups if kind == "protokoll"}
    return {k: v for k, v in groups.items() if k[2] == "protokoll" or (k[0], k[1]) not in protocols}
