"""Structured answers: a case (title, meetings, decision) and a meeting (date, place, roles, agenda), each cited."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.archive import Archive
from assistant.decision_state import DECISION, PROPOSAL, decision_state
from assistant.meetings import MeetingKey, meeting_facts, select_meetings
from assistant.plan import QuestionPlan
from assistant.prompts import STRUCTURED
from assistant.reply import Numbering, Reply
from assistant.sentences import sentence_spans
from assistant.types import AnswerPart
from corpus.metadata import iter_dnr
from corpus.types import Chunk
from index.types import Hit, SearchFilters

# Within one case and meeting, the decision states best what happened, then the summary.
_SECTION_ORDER = {"Beslut": 0, "Förslag till beslut": 1, "Sammanfattning": 2, "Ärendet": 3}
_SUMMARY_SECTIONS = ("Sammanfattning", "Ärendet", "Beskrivning av ärendet", "Bakgrund")
_FURNITURE = re.compile(r"^\W*([A-ZÅÄÖ]{2,6}\s?)?(§\s?\d+|dnr\b|diarienummer\b)", re.I)
MAX_MEETINGS = 6  # meetings listed in one case or meeting answer
CASE_SENTENCES = 2  # sentences quoted from the summary and from each meeting's decision


def case_reply(plan: QuestionPlan, archive: Archive, language: str) -> Reply | None:
    """"Vad gällde ärende SN/2023:00144?" -> its title, each meeting that treated it and its decision there.

    None when the archive holds no chunk of the named diarienummer (the caller refuses or retrieves).
    """
    words = STRUCTURED[language]
    chunks = [c for dnr in plan.diarienummer for c in archive.case(dnr) or compound_case(archive, dnr)]
    if not chunks:
        return cited_case_reply(plan, archive, language)
    numbering = Numbering()
    dnr = plan.diarienummer[0]
    by_meeting: dict[tuple[str | None, str | None, str | None, str], list[Chunk]] = {}
    for chunk in chunks:
        m = chunk.meeting
        by_meeting.setdefault((m.date, m.committee, m.kommun, m.doc_type), []).append(chunk)
    title = _title(chunks)
    summary = _summary_sentence(chunks)
    lines = [f"{words['case']} {dnr}: {title}" if title else f"{words['case']} {dnr}"]
    if summary is not None:
        chunk, sentence = summary
        lines.append(f"»{_shown(sentence)}« [{numbering.cite(_hit(chunk), sentence)}]")
    states: set[str] = set()
    for key in sorted(by_meeting, key=lambda k: (k[0] or "", k[3]))[:MAX_MEETINGS]:
        date, committee, kommun, doc_type = key
        best = min(by_meeting[key], key=lambda c: (_SECTION_ORDER.get(c.section or "", 9), c.start_char))
        state = decision_state(best)
        if state:
            states.add(state)
        sentence = _first_sentence(best)
        where = ", ".join(p for p in (committee, kommun, date) if p)
        label = words.get(state or "", best.section or words["text"])
        paragraph = f" {best.paragraph}" if best.paragraph else ""
        line = f"- {where} ({doc_type}{paragraph}): {label}"
        if sentence:
            line += f": »{_shown(sentence)}« [{numbering.cite(_hit(best), sentence)}]"
        lines.append(line)
    if PROPOSAL in states and DECISION not in states:
        lines.append(words["only_proposal"])
    if not numbering.hits:
        return None
    return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits))


def meeting_reply(plan: QuestionPlan, archive: Archive, meetings: Sequence[MeetingKey], language: str,
                  topic_hits: Sequence[Hit] = ()) -> Reply | None:
    """"När och var sammanträdde …", "Vem var ordförande …", "När justerades protokollet …" from the meetings.

    `meetings` are the indexed meetings; the plan's nämnd, kommun, dates and years pick among them, and
    without any of those the meeting of the best topic hit. None when no meeting or no stated fact is found.
    """
    words = STRUCTURED[language]
    chosen = select_meetings(plan, meetings, topic_hits)[:MAX_MEETINGS]
    numbering = Numbering()
    parts: list[AnswerPart] = []
    for meeting in chosen:
        chunks = _meeting_chunks(archive, meeting, plan.question if plan.wants("agenda") else None)
        facts = meeting_facts(plan, meeting, chunks)
        label = ", ".join(p for p in (meeting.committee, meeting.kommun, meeting.date) if p)
        if not facts:
            parts.append(AnswerPart(label, words["no_fact"], (), False))
            continue
        pieces, numbers = [], []
        for fact in facts:
            number = numbering.cite(fact.hit, fact.quote)
            numbers.append(number)
            named = words.get(fact.label, fact.label)
            pieces.append(f"{named}: {fact.value} (»{_shown(fact.quote)}« [{number}])")
        cited = tuple(numbering.citations[n] for n in dict.fromkeys(numbers))
        parts.append(AnswerPart(label, "; ".join(pieces), cited, True))
    if not any(p.answered for p in parts):
        return None
    lines = [f"**{p.label}**: {p.text}" for p in parts]
    return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits),
                 parts=tuple(parts) if len(parts) > 1 else ())


CITED_MEETINGS = 3  # documents listed for a diarienummer that only others' text cites


def cited_case_reply(plan: QuestionPlan, archive: Archive, language: str) -> Reply | None:
    """A diarienummer no ärende carries but a document's text cites ("§ 19 KS Revidering av kommunstyrelsens
    delegationsordning 2023 KS/2022:00491" among a nämnd's anmälningsärenden): each citing line, quoted. None when
    no indexed text writes the number."""
    dnr = plan.diarienummer[0]
    numbering = Numbering()
    lines = [STRUCTURED[language]["cited_case"].format(dnr=dnr)]
    seen: set[tuple[str | None, str | None]] = set()
    for hit in [*archive.search(dnr, k=20, method="keyword"), *archive.search(plan.question, k=20)]:
        chunk = hit.chunk
        line = _citing_line(chunk.text, dnr)
        key = (chunk.meeting.date, chunk.meeting.committee)
        if line is None or key in seen:
            continue
        seen.add(key)
        where = ", ".join(p for p in (chunk.meeting.committee, chunk.meeting.kommun, chunk.meeting.date) if p)
        title = f", {chunk.item_title}" if chunk.item_title else ""
        number = numbering.cite(_hit(chunk), line)
        lines.append(f"- {where} ({chunk.meeting.doc_type}{title}): »{_shown(line)}« [{number}]")
        if len(seen) >= CITED_MEETINGS:
            break
    if not numbering.hits:
        return None
    return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits))


def _citing_line(text: str, dnr: str) -> str | None:
    """The line of `text` that writes `dnr`, with the line above when the number's line is a wrapped tail
    ("§ 19 KS Revidering av kommunstyrelsens delegationsordning" / "2023 KS/2022:00491")."""
    match = next((m for m in iter_dnr(text) if m.canonical == dnr), None)
    if match is None:
        return None
    start = text.rfind("\n", 0, match.start) + 1
    end = text.find("\n", match.end)
    end = len(text) if end < 0 else end
    if len(text[start:match.start].split()) < 3 and start > 0:
        above = text.rfind("\n", 0, start - 1) + 1
        if text[above:start].strip():
            start = above
    return text[start:end].strip() or None


def compound_case(archive: Archive, dnr: str) -> list[Chunk]:
    """Chunks of a compound diarienummer ending in `dnr`: "KS KF/2024:344" (a KF case prepared by KS) for "KF/2024:344"."""
    compound = {d for c in archive.decisions() for d in c.diarienummer if d.endswith(f" {dnr}")}
    return [c for d in sorted(compound) for c in archive.case(d)]


def _meeting_chunks(archive: Archive, meeting: MeetingKey, agenda_query: str | None) -> list[Hit]:
    """The meeting's chunks that carry its header and cover block (Tid, Plats, Ordförande, Justering …).

    With `agenda_query` ("Vilka ärenden behandlades …?") also up to 100 of its other chunks, one per ärende needed.
    """
    filters = SearchFilters(kommun=meeting.kommun, date_from=meeting.date, date_to=meeting.date)
    query = "Tid Plats Ordförande Sekreterare Justerare Justering Ärenden Beslutande Närvarande anslag"
    hits = archive.search(query, k=40, filters=filters, method="keyword")
    hits += archive.search(query, k=10, filters=filters)
    if agenda_query:
        hits += archive.search(agenda_query, k=100, filters=filters, method="dense")
    unique = {h.chunk.chunk_id: h for h in hits if meeting.holds(h.chunk)}
    return list(unique.values())


def _shown(quote: str) -> str:
    """A quote as shown in the answer text: on one line (the citation keeps it verbatim)."""
    return " ".join(quote.split())


def _hit(chunk: Chunk) -> Hit:
    return Hit(chunk, 1.0, "exact", 0, None)


def _title(chunks: Sequence[Chunk]) -> str | None:
    titles = [c.item_title for c in chunks if c.item_title and not c.item_title.startswith("(")]
    return max(set(titles), key=titles.count) if titles else None


def _summary_sentence(chunks: Sequence[Chunk]) -> tuple[Chunk, str] | None:
    """The first sentence of the case's Sammanfattning/Ärendet: what the case is about."""
    for name in _SUMMARY_SECTIONS:
        for chunk in sorted(chunks, key=lambda c: (c.meeting.date or "", c.start_char)):
            if chunk.section == name:
                sentence = _first_sentence(chunk)
                if sentence:
                    return chunk, sentence
    return None


def _first_sentence(chunk: Chunk, count: int = CASE_SENTENCES) -> str | None:
    """The chunk's first `count` sentences of prose (no "§ 12" or "Dnr" line), one verbatim span."""
    spans = [s for s in sentence_spans(chunk.text) if len(chunk.text[s.start:s.end].split()) >= 4
             and not _FURNITURE.search(chunk.text[s.start:s.end])]
    if not spans:
        return None
    first = spans[0]
    last = next((s for s in reversed(spans[:count]) if s.end - first.start <= 500), first)
    return chunk.text[first.start:last.end]
