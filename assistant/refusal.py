"""When to refuse: too little relevant evidence, or a kommun, nämnd or year the corpus does not hold."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.kommuner import KOMMUNER
from assistant.sentences import stem_term, terms
from corpus.metadata import find_diarienummer
from corpus.paragraphs import DECISION_SECTIONS, find_paragraphs, same_paragraph
from corpus.types import Meeting
from index.types import Hit

_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
# "byggnadsnämnden", "kultur- och fritidsnämndens", "Arbetsmarknads- och socialnämnden"
_COMMITTEE = re.compile(r"\b((?:[a-zåäö]+- och )?[a-zåäö]+nämnd)(?:en|ens|s|erna)?\b", re.I)
_GENERIC_COMMITTEES = frozenset({"nämnd", "facknämnd", "styrnämnd"})
# Longest names first so "Upplands Väsby" wins over a shorter overlap.
_KOMMUN = re.compile(
    r"(?<![\wåäöÅÄÖ])(" + "|".join(re.escape(k) for k in sorted(KOMMUNER, key=len, reverse=True)) + r")(s|'s|’s)?(?![\wåäö])"
)
_WORD = re.compile(r"\w+")
# Question and procedure words that say nothing about the topic ("Vilket diarienummer har ärendet ...").
_GENERIC = frozenset(
    """diarienummer ärendet ärenden ärende paragraf nämnden nämndens föreslog föreslogs föreslås beslutade
    beslutet beslut enligt mycket många sammanträde sammanträdet sammanträdes protokollet protokoll
    respektive mellan jämför jämfört tidigare senare handlingarna kallelsen kallelse vilket vilken vilka
    januari februari april augusti september oktober november december""".split()
)
_MONTHS = {m: i for i, m in enumerate(
    "januari februari mars april maj juni juli augusti september oktober november december".split(), 1)}
_SWEDISH_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4})\b", re.I)
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_MEETING_WORD = re.compile(r"sammanträde|möte|meeting", re.I)
_PLACE_BEFORE = re.compile(r"\b(i|för|från|inom|hos|in|of|for|at)\s+$")
DECIDED_ABOUT_HITS = 3  # a nämnd the question names is its subject when one of the 3 best decisions writes it


@dataclass(frozen=True, slots=True)
class CorpusScope:
    """Which kommuner, nämnder and meeting years the indexed documents cover."""

    kommuner: frozenset[str]
    committees: frozenset[str]  # lower-cased stems, e.g. "socialnämnd"
    years: frozenset[int]
    years_by_kommun: dict[str, frozenset[int]] = field(default_factory=dict)
    dates: frozenset[str] = frozenset()  # ISO meeting dates

    @classmethod
    def from_meetings(cls, meetings: Iterable[Meeting]) -> CorpusScope:
        kommuner, committees, years, dates = set(), set(), set(), set()
        by_kommun: dict[str, set[int]] = {}
        for meeting in meetings:
            if meeting.kommun:
                kommuner.add(meeting.kommun)
            if meeting.committee:
                committees.add(_stem(meeting.committee))
            if meeting.date and meeting.date[:4].isdigit():
                years.add(int(meeting.date[:4]))
                dates.add(meeting.date)
                if meeting.kommun:
                    by_kommun.setdefault(meeting.kommun, set()).add(int(meeting.date[:4]))
        return cls(frozenset(kommuner), frozenset(committees), frozenset(years),
                   {k: frozenset(v) for k, v in by_kommun.items()}, frozenset(dates))


def out_of_scope(question: str, scope: CorpusScope, hits: Sequence[Hit]) -> str | None:
    """What the question names that the corpus lacks ("Huddinge", "byggnadsnämnden", "2031", "§ 1015"), or None."""
    kommun = _foreign_kommun(question, scope)
    if kommun:
        return kommun
    committee = _foreign_committee(question, scope)
    if committee and not _decided_about(committee, hits):
        return committee
    reference = _missing_reference(question, hits)
    if reference:
        return reference
    # A question about one held kommun is judged on that kommun's documents only.
    named = [k for k in scope.kommuner if re.search(rf"\b{re.escape(k)}", question, re.I)]
    if len(named) == 1:
        hits = [h for h in hits if h.chunk.meeting.kommun == named[0]]
        scope = CorpusScope(scope.kommuner, scope.committees, scope.years_by_kommun.get(named[0], frozenset()),
                            scope.years_by_kommun, scope.dates)
    return _uncovered_date(question, scope) or _uncovered_year(question, scope, hits)


def best_similarity(hits: Sequence[Hit]) -> float | None:
    """The highest dense cosine similarity among the hits, None when no hit carries one."""
    values = [h.dense_similarity for h in hits if h.dense_similarity is not None]
    return max(values) if values else None


def term_coverage(query: str, hits: Sequence[Hit]) -> float:
    """The largest share of the query's content words found in one hit (text + item title).

    e5-small similarities are compressed (off-topic ≈ 0.79-0.80, answerable ≥ 0.79), so this
    lexical check is what catches "Vad är huvudstaden i Frankrike?" (coverage 0.0).
    """
    wanted = terms(query)
    if not wanted or not hits:
        return 0.0
    return max(len(wanted & terms(f"{h.chunk.text} {h.chunk.item_title or ''}")) / len(wanted) for h in hits)


def missing_topic_share(query: str, hits: Sequence[Hit]) -> float:
    """Share of the query's topic words (≥ 6 letters, not question vocabulary) that no hit contains.

    "Vad kostade bygget av det nya äldreboendet i Tullinge?" -> 1.0: "kostade", "bygget" and
    "äldreboendet" occur in none of the retrieved chunks, although "Tullinge" does. Words are
    compared by their 6-letter stems, as in term_coverage; fewer than 3 topic words give 0.0.
    """
    words = [w for w in _WORD.findall(query.lower()) if len(w) >= 6 and not w.isdigit() and w not in _GENERIC]
    if len(words) < 3 or not hits:
        return 0.0
    found = set().union(*(terms(f"{h.chunk.text} {h.chunk.item_title or ''}") for h in hits))
    return sum(stem_term(w) not in found for w in words) / len(words)


def addresses_question(query: str, answer: str) -> bool:
    """Whether a generated answer (with its cited quotes) shares a topic word with the question.

    Catches a fluent but off-topic reply: "Hur många elever gick i Tumba gymnasium 2022?" answered
    with the 2022 surplus shares no word with the question but the year. Years and numbers do not count.
    """
    generic = {stem_term(w) for w in _GENERIC}
    wanted = {t for t in terms(query) if not t.isdigit() and t not in generic}
    return not wanted or bool(wanted & terms(answer))


def has_exact_match(hits: Sequence[Hit]) -> bool:
    """Whether retrieval matched a diarienummer exactly (never refused for low similarity)."""
    return any(h.source == "exact" for h in hits)


def _foreign_kommun(question: str, scope: CorpusScope) -> str | None:
    if not scope.kommuner:
        return None
    held = {k.lower() for k in scope.kommuner}
    for match in _KOMMUN.finditer(question):
        name = match.group(1)
        before = question[max(0, match.start() - 7):match.start()].lower()
        after = question[match.end():match.end() + 8].lower().lstrip()
        # Only a place in place position counts: "i Huddinge", "Huddinges", "Huddinge kommun";
        # "Anna Berg" or "Vara" opening a sentence are not kommuner.
        placed = bool(_PLACE_BEFORE.search(before)) or bool(match.group(2)) or after.startswith(("kommun", "stad"))
        if placed and name.lower() not in held:
            return name
    return None


def _foreign_committee(question: str, scope: CorpusScope) -> str | None:
    if not scope.committees:
        return None
    named = [m.group(0) for m in _COMMITTEE.finditer(question) if _stem(m.group(0)) not in _GENERIC_COMMITTEES
             and not _kommun_committee(m.group(0), scope)]
    if not named:
        return None
    for name in named:
        stem = _stem(name)
        if any(held.endswith(stem) or stem.endswith(held) for held in scope.committees):
            return None
    return named[0]


def _kommun_committee(name: str, scope: CorpusScope) -> bool:
    """"Tyresönämndens": a kommun of the archive joined to a generic "nämnd" (that kommun's nämnd, any of them)."""
    lowered = name.lower()
    return any(lowered.startswith(k.lower()) and _stem(lowered[len(k):]) in _GENERIC_COMMITTEES for k in scope.kommuner)


def _decided_about(committee: str, hits: Sequence[Hit]) -> bool:
    """Whether a decision among the best hits is about `committee` though another nämnd took it
    ("tilläggsanslag till valnämnden" in fullmäktige's beslut), or whose ärende title names it ("Enkel fråga till
    samhällsbyggnadsnämndens ordförande …" in fullmäktige): the nämnd is the subject, not the archive's scope.
    """
    stem = _stem(committee)
    return any((h.chunk.section in DECISION_SECTIONS and stem in h.chunk.text.lower())
               or stem in (h.chunk.item_title or "").lower() for h in hits[:DECIDED_ABOUT_HITS])


def _uncovered_year(question: str, scope: CorpusScope, hits: Sequence[Hit]) -> str | None:
    years = {int(y) for y in _YEAR.findall(question)}
    if not years:
        return None
    # A meeting year covers the year before too: VB 2022 is presented in February 2023.
    covered = set(scope.years) | {y - 1 for y in scope.years}
    for hit in hits:
        text = f"{hit.chunk.item_title or ''} {hit.chunk.meeting.date or ''} {hit.chunk.text}"
        covered |= {int(y) for y in _YEAR.findall(text)}
    if years & covered:
        return None
    return str(min(years))


def _missing_reference(question: str, hits: Sequence[Hit]) -> str | None:
    """A diarienummer or § named in the question that no retrieved chunk carries."""
    for dnr in find_diarienummer(question):
        if not any(dnr in h.chunk.diarienummer for h in hits):
            return dnr
    for wanted in find_paragraphs(question):
        if not any(same_paragraph(h.chunk.paragraph, wanted) for h in hits):
            return wanted
    return None


def _uncovered_date(question: str, scope: CorpusScope) -> str | None:
    """A meeting date asked about ("sammanträdet den 12 december 2023") that no document has."""
    if not scope.dates or not _MEETING_WORD.search(question):
        return None
    for day, month, year in _SWEDISH_DATE.findall(question):
        iso = f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}"
        if iso not in scope.dates:
            return f"{int(day)} {month.lower()} {year}"
    for iso in _ISO_DATE.findall(question):
        if iso not in scope.dates:
            return iso
    return None


def _stem(committee: str) -> str:
    """'Socialnämndens' -> 'socialnämnd'; 'Arbetsmarknads- och socialnämnden' -> 'arbetsmarknads- och socialnämnd'."""
    name = committee.strip().lower()
    return re.sub(r"(nämnd)(en|ens|s|erna)?$", r"\1", name)
