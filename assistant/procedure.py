"""Procedure answers: who moved what (yrkanden), how a votering went, who was jäv, who reserved themselves.

These facts sit in the decided ärende's own sections ("Förslag till beslut på sammanträdet", "Yrkanden",
"Beslutsgång", "Omröstning"), often in a chunk of the ärende that retrieval did not rank: the question's words
("Vem yrkade på det?") match the decision, not the yrkande. So the answer reads the whole ärende of the best
hits and quotes the sentences of the asked kind, best matching the question first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answerability import party_abbreviation
from assistant.archive import Archive
from assistant.plan import QuestionPlan
from assistant.prompts import PROCEDURE_INTRO
from assistant.reply import Numbering, Reply
from assistant.sentences import relevance, sentence_spans, terms
from corpus.types import Chunk
from index.types import Hit

# What a question asks about the procedure, and the sentences of each kind.
_ASKS = {
    "vote": re.compile(r"\b(röstade|röstades|röster|votering\w*|omröstning\w*|hur röstade|vote[sd]?|voting)\b", re.I),
    "motion": re.compile(r"\b(yrka\w*|yrkande\w*|föreslog (\w+ ){0,2}i stället|moved|motion to)\b", re.I),
    "jäv": re.compile(r"\b(jäv\w*|deltog inte|deltar inte|inte deltog|did not take part|conflict of interest)\b", re.I),
    "reservation": re.compile(r"\b(reserv\w*|dissent\w*)\b", re.I),
}
_COUNT = re.compile(r"\bJa:?\s*\d+\s*,?\s*Nej:?\s*\d+|\b\d+\s+ja-?röster|\bja-?röster:?\s*\d+|\b\d+ röster\b"
                    r"|\bröstade \d+|\b\d+\s*[–-]\s*\d+\b.{0,40}\bröst", re.I)
_SENTENCES = {
    "motion": re.compile(r"\byrka(r|de|t)\b", re.I),  # "Per Bengtsson (S) yrkar att …", not a proposition on it
    "jäv": re.compile(r"\bjäv\w*", re.I),
    "reservation": re.compile(r"\breserver\w*", re.I),
}
# Sentences of every votering that say nothing about what was voted on.
_VOTE_FURNITURE = re.compile(r"voteringslista|utfaller enligt följande|voteringsproposition godkänns|^Bilaga\b", re.I)
_PARTY_WANTED = re.compile(r"\b(ville|föreslog|önskade|wanted|proposed)\b", re.I)
# The sentence that says what a votering decided: "Ordföranden förklarar att … beslutat …".
_OUTCOME = re.compile(r"\b(förklarar|finner) att\b|\bbeslutat\b|\btredjedel", re.I)
ITEM_HITS = 3  # the ärenden of the 3 best hits are read; measured on shared_tune (procedure questions 0/9 -> see commit)
MIN_RELEVANCE = 0.2  # a vote or yrkande whose context shares under 20 % of the question's words is not the one asked
RANK_DECAY = 0.1  # an ärende of the n-th hit loses 0.1 * (n - 1): retrieval order still counts
VOTE_CONTEXT = 3  # sentences before a count that say what was put to the vote
PROCEDURE_QUOTES = 3
TITLE_WEIGHT = 0.5  # the ärende's title matching the question adds half its relevance
NEXT_SHARE = 0.8  # a second vote or yrkande is quoted when it scores 80 % of the best
PARTY_BONUS = 0.3  # a yrkande of the party the question names ("Socialdemokraterna" -> "(S)")


@dataclass(frozen=True, slots=True)
class _Found:
    score: float
    chunk: Chunk
    quotes: tuple[str, ...]  # verbatim sentences of `chunk`, in order


def procedure_kind(plan: QuestionPlan) -> str | None:
    """'vote', 'motion', 'jäv' or 'reservation' when the question asks about the procedure, else None."""
    for kind, pattern in _ASKS.items():
        if pattern.search(plan.question):
            return kind
    if _parties(plan.question) and _PARTY_WANTED.search(plan.question):
        return "motion"  # "Hur mycket ville Sverigedemokraterna investera …?": the party's yrkande
    return None


def _parties(question: str) -> set[str]:
    return {p for p in map(party_abbreviation, re.findall(r"\w+", question)) if p}


def procedure_reply(plan: QuestionPlan, hits: Sequence[Hit], archive: Archive, language: str) -> Reply | None:
    """The quoted yrkanden, votering or jäv of the ärende the question is about, or None (nothing of that kind)."""
    kind = procedure_kind(plan)
    if kind is None or not hits:
        return None
    query = terms(plan.question)
    parties = _parties(plan.question)
    found: list[_Found] = []
    seen: set[str] = set()
    for rank, hit in enumerate(hits[:ITEM_HITS]):
        for chunk in archive.item_chunks(hit.chunk) or [hit.chunk]:
            if chunk.chunk_id in seen:
                continue
            seen.add(chunk.chunk_id)
            # The ärende the question is about: its title counts beside the words around the fact.
            about = TITLE_WEIGHT * relevance(query, chunk.item_title or "")
            for score, quotes in _groups(kind, chunk.text, query, parties):
                found.append(_Found(score + about - RANK_DECAY * rank, chunk, quotes))
    found.sort(key=lambda f: -f.score)
    if not found or found[0].score < MIN_RELEVANCE:
        return None
    numbering = Numbering()
    lines = [PROCEDURE_INTRO[language]]
    quoted, limit = 0, PROCEDURE_QUOTES * (2 if plan.wants("comparison") else 1)
    for f in found:
        if quoted >= limit or (quoted and f.score < found[0].score * NEXT_SHARE):
            break
        hit = Hit(f.chunk, f.score, "exact", 0, None)
        for quote in f.quotes:
            if quoted >= limit:
                break
            number = numbering.cite(hit, quote)
            lines.append(f"- »{' '.join(quote.split())}« [{number}]")
            quoted += 1
    return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits))


def _groups(kind: str, text: str, query: set[str], parties: set[str]) -> list[tuple[float, tuple[str, ...]]]:
    """(relevance, verbatim sentences) for each place in `text` where a fact of `kind` is written."""
    sentences = [text[s.start:s.end] for s in sentence_spans(text)]
    out = []
    for i, sentence in enumerate(sentences):
        if kind == "vote":
            if not _COUNT.search(sentence):
                continue
            before = [s for s in sentences[max(0, i - VOTE_CONTEXT):i] if not _VOTE_FURNITURE.search(s)]
            after = [s for s in sentences[i + 1:i + 3] if _OUTCOME.search(s)][:1]
            context = " ".join([*before, sentence, *after])
            lead = max(before, key=lambda s: relevance(query, s), default=None)
            quotes = tuple(q for q in (lead, sentence, *after) if q)
            out.append((relevance(query, context), quotes))
        elif _SENTENCES[kind].search(sentence) and (not parties or kind == "jäv"
                                                    or any(f"({p})" in sentence for p in parties)):
            bonus = PARTY_BONUS if any(f"({p})" in sentence for p in parties) else 0.0
            out.append((relevance(query, sentence) + bonus, (sentence,)))
    return out
