"""Comparisons: one sub-question per year, kommun or nämnd named, each retrieved and answered with its own citation."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answerability import REQUIRED, judge_answer, judged_quotes
from assistant.extractive import extractive_answer
from assistant.meetings import meeting_words
from assistant.plan import QuestionPlan, committee_stem, compare_parts, make_plan
from assistant.prompts import STRUCTURED
from assistant.reply import Numbering, Reply
from assistant.semantic import SentenceScorer
from assistant.sentences import topic_terms
from assistant.tables import best_row
from assistant.types import AnswerPart
from index.types import Hit, SearchFilters

Retrieve = Callable[[str, SearchFilters | None], list[Hit]]
PART_SENTENCES = 2  # quoted sentences per part: the figure and its context
PART_CHUNKS = 6  # hits a part quotes from (as ChatSettings.context_chunks); tune and held-out: no score changed
# Nouns of the genre that name an amount: a comparison of them compares figures (compares_quantity). Measured (all
# key facts): six tune parts 221 -> 223 of 293, six held-out parts 173 -> 176 of 291 (comparisons 10 -> 13 of 31).
_QUANTITY_NOUN = re.compile(r"(taxa|taxan|taxor|avgift\w*|pris\w*|kostnad\w*|budget\w*|resultat\w*|överskott\w*"
                            r"|underskott\w*|skattesats\w*|andel\w*|antal\w*|procent\w*|belopp\w*|ersättning\w*"
                            r"|prisbasbelopp\w*|\bfees?\b|\brates?\b|\bcosts?\b|\bprices?\b|\bbudgets?\b|\bshare\b)",
                            re.I)
TIMELINE_HITS = 12  # chunks searched for a question across meetings
TIMELINE_MEETINGS = 4  # meetings shown, best first by their best hit


def compare_reply(plan: QuestionPlan, retrieve: Retrieve, filters: SearchFilters | None, language: str,
                  semantic: SentenceScorer | None = None) -> Reply | None:
    """"Hur stort var överskottet 2021 jämfört med 2022?" -> one cited row for 2021 and one for 2022.

    None when no part finds evidence (the caller refuses); a part without evidence says so in its row.
    """
    words = STRUCTURED[language]
    tabled = _table_reply(plan, retrieve(plan.question, filters), language)
    if tabled is not None:
        return tabled
    numbering = Numbering()
    parts: list[AnswerPart] = []
    quantity = compares_quantity(plan)
    for label in compare_parts(plan):
        question, part_filters = _sub_question(plan, label, filters)
        hits = _in_part(plan, label, retrieve(question, part_filters))
        sub_plan = make_plan(question, language)
        text, citations, verdict, _ = judged_quotes(sub_plan, question, hits, language, PART_SENTENCES, PART_CHUNKS,
                                                    semantic, REQUIRED["amount"] if quantity else None)
        if not citations or not verdict.answerable:
            parts.append(AnswerPart(label, words["part_missing"], (), False))
            continue
        body = "\n".join(line for line in text.splitlines()[1:])  # drop the "Utdrag ur handlingarna …" intro
        body, cited = numbering.renumber(body, citations, hits)
        parts.append(AnswerPart(label, body, cited, True))
    if not any(p.answered for p in parts):
        return None
    lines = [words["compare_intro"]]
    for part in parts:
        lines.append(f"**{part.label}**:")
        lines.append(part.text)
    return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits), parts=tuple(parts))


def compares_quantity(plan: QuestionPlan) -> bool:
    """Whether the parts compare an amount ("Hur ändrades timtaxan mellan 2025 och 2026?"): each part then quotes
    a sentence holding its figure first. Not for who, what was decided, or when."""
    if plan.wants("person", "decision", "date", "vote", "cause"):
        return False
    return plan.wants("amount") or bool(_QUANTITY_NOUN.search(plan.question))


def _table_reply(plan: QuestionPlan, hits: Sequence[Hit], language: str) -> Reply | None:
    """Years compared from one table row: "2021: 7,6 %, 2022: 7,1 %", each quoting the row under its year header.

    Only when every part is a year and one retrieved chunk has a row holding all of them whose label matches the
    question's topic words (assistant/tables.py).
    """
    years = compare_parts(plan)
    if len(years) < 2 or not all(y.isdigit() for y in years):
        return None
    query = topic_terms(plan.question, meeting_words(hits))
    for hit in hits:
        row = best_row(query, hit.chunk.text, years)
        if row is None:
            continue
        numbering = Numbering()
        number = numbering.cite(hit, row.line)
        cited = (numbering.citations[number],)
        columns = STRUCTURED[language]["table_columns"].format(years=row.columns)
        parts = tuple(AnswerPart(y, f"{row.label}: {row.values[y]} (»{' '.join(row.line.split())}« [{number}]; "
                                    f"{columns})", cited, True) for y in years)
        lines = [STRUCTURED[language]["compare_intro"]]
        for part in parts:
            lines += [f"**{part.label}**:", part.text]
        return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits), parts=parts)
    return None


def _sub_question(plan: QuestionPlan, label: str, filters: SearchFilters | None) -> tuple[str, SearchFilters | None]:
    """The question about one part only: the other years (kommuner, nämnder) taken out, filtered to the kommun."""
    others = [p for p in compare_parts(plan) if p != label]
    question = plan.question
    for other in others:
        question = re.sub(rf"\b{re.escape(other)}\w*", " ", question, flags=re.I)
    question = re.sub(r"\s+(och|eller|respektive|jämfört med|mot|till|från|and|or|compared (with|to)|versus|to|from)"
                      r"\s*([?.,]|$)", r"\3", " ".join(question.split()))
    question = re.sub(r"\b(från|from)\s+(till|to)\b", r"\1", question)  # "från 2025 till 2026" less 2026
    if label in plan.kommuner:
        base = filters or SearchFilters()
        filters = SearchFilters(label, base.committee, base.date_from, base.date_to, base.doc_type, base.diarienummer)
    return question, filters


def _in_part(plan: QuestionPlan, label: str, hits: Sequence[Hit]) -> list[Hit]:
    """The hits that belong to the part: a year's own documents or mentions first, another nämnd's left out."""
    if label in plan.committees:
        return [h for h in hits if h.chunk.meeting.committee and committee_stem(h.chunk.meeting.committee).endswith(label)]
    if label.isdigit():
        year, others = int(label), [p for p in compare_parts(plan) if p != label]

        def tier(hit: Hit) -> int:
            chunk = hit.chunk
            text = f"{chunk.item_title or ''} {chunk.text}"
            if label in text:
                return 0
            if any(other in text for other in others):
                return 9  # about another year of the comparison only
            meeting_year = int(chunk.meeting.date[:4]) if chunk.meeting.date else None
            return 1 if meeting_year in (year, year + 1) else 2  # VB 2021 is presented in early 2022

        return sorted((h for h in hits if tier(h) < 9), key=tier)
    return list(hits)


def timeline_reply(plan: QuestionPlan, search: Retrieve, filters: SearchFilters | None, language: str,
                   semantic: SentenceScorer | None = None) -> Reply | None:
    """"Vilka statsbidrag har nämnden återrapporterat?" -> one cited row per meeting whose documents answer it.

    `search` returns up to TIMELINE_HITS chunks; they are grouped by meeting, each group answered on its own.
    None when fewer than two meetings answer (plain retrieval answers better then).
    """
    words = STRUCTURED[language]
    groups: dict[tuple[str | None, str | None, str | None], list[Hit]] = {}
    for hit in search(plan.question, filters):
        m = hit.chunk.meeting
        groups.setdefault((m.kommun, m.committee, m.date), []).append(hit)
    numbering = Numbering()
    parts: list[AnswerPart] = []
    for (kommun, committee, date), hits in list(groups.items())[:TIMELINE_MEETINGS]:
        text, citations = extractive_answer(plan.question, hits, language, PART_SENTENCES, semantic=semantic)
        verdict = judge_answer(plan, text, citations, hits)
        if not citations or not verdict.answerable:
            continue
        body, cited = numbering.renumber("\n".join(text.splitlines()[1:]), citations, hits)
        label = ", ".join(p for p in (committee, kommun, date) if p)
        parts.append(AnswerPart(label, body, cited, True))
    if len(parts) < 2:
        return None
    parts.sort(key=lambda p: p.label[-10:])  # oldest meeting first: a timeline
    lines = [words["timeline_intro"]]
    for part in parts:
        lines += [f"**{part.label}**:", part.text]
    return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits), parts=tuple(parts))
