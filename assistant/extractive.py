"""Extractive answers without an LLM: the most relevant sentences of the top chunks, each cited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.citations import DECISION_SECTIONS, looks_like_instruction, make_citation, quote_line
from assistant.glossary import gloss_decision_verbs
from assistant.intent import Intent, question_intent
from assistant.prompts import EXTRACTIVE_INTRO, EXTRACTIVE_LEADS
from assistant.semantic import SentenceScorer, scaled
from assistant.sentences import relevance, sentence_spans, terms
from assistant.types import Citation
from corpus.metadata import find_diarienummer, iter_dnr
from index.types import Hit

TABLE_PENALTY = 0.6
FURNITURE_PENALTY = 0.3  # agenda lines "5****Omvärldsanalys 2021-2024 (SN 2020:66)****Beslut"
DECISION_BONUS = 0.5
FEATURE_BONUS = 0.35  # the sentence holds what the question asks for: an amount, a date, a name ...
_DECISION_VERB = re.compile(
    r"godkänn|överlämna|fastställ|antas|antar|uppdra|avslå|bevilja|anses|besvarad|tar del av|tagit del av"
    r"|lägg(er|s) till handlingarna|föreslår|föreslås|återbetala|återremitter", re.I)
NEAR_DUPLICATE = 0.7  # Jaccard overlap of content words above which two sentences say the same
RANK_DECAY = 0.15  # a sentence from hit n loses 0.15 * (n - 1): retrieval order still counts
# A lead-in's list (tune: +2 key facts, no loss; held-out: no total changed, docs/evaluation.md Session 7):
LIST_LINES = 12  # list lines quoted with their lead-in ("… enligt följande:")
LIST_LINE_CHARS = 100  # longer lines are prose, not list items
LIST_CARRY = 0.8  # a list line with no query words inherits 80 % of its lead-in sentence's relevance
OTHER_CASE_SHARE = 0.75  # a sentence from another ärende than the best one must score 75 % of it
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_AMOUNT = re.compile(r"\d+[,.]\d+|\b\d{1,3}(?: \d{3})+\b|%|\b(?!(?:19|20)\d\d\b)\d+\b")
_MONTH = r"(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)"
_DATE = re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}} {_MONTH}\b|\b{_MONTH} \d{{4}}\b", re.I)
_NAME = re.compile(r"\b[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)? [A-ZÅÄÖ][a-zåäöéü]{2,}\b|\b[A-ZÅÄÖ]{3,} [A-ZÅÄÖ]{3,}\b")
_PLACE = re.compile(r"\bplats\b|\blokal\b|\b\w+(väg|vägen|gata|gatan|torg|torget)\s+\d+", re.I)
_FURNITURE = re.compile(r"\*{3,}|^\d{1,2}\s+\S.*\([A-ZÅÄÖ]{2,5}[ /]\d{4}:\d+\)$")
_CAUSAL = re.compile(r"\b(beror|berodde|på grund av|kopplat till|till följd av|orsak\w*|förklaras|främst|eftersom"
                     r"|därför att|pga)\b", re.I)
# The previous turn's subject, appended in parentheses by condense(): "Vad användes pengarna till? (statsbidrag 2022)"
CARRIED = re.compile(r"\s*\(([^()]*)\)\s*$")
# A sentence of the ärende whose title matches the question gains the title's relevance: several ärenden of one
# meeting share words ("delårsrapport", "vatten"), the title says which one is asked about. Measured: weight
# 0.3 / 0.6 / 1.0 -> shared_tune all key facts 0.783 / 0.783 / 0.797, dev_tune 0.783 / 0.800 / 0.800.
TITLE_WEIGHT = 1.0
OWN_WEIGHT = 1.0  # a follow-up's own words count extra beside the subject carried over from the last turn
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_COMPARES = re.compile(r"\bjämför|\brespektive\b|\bmellan\b|\bcompar|\bversus\b|\beller\b", re.I)


class SentenceFilter(Protocol):
    """What `require` needs: a compiled pattern, or anything else with its `search`."""

    def search(self, text: str) -> object: ...


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    number: int  # 1-based position of the hit
    start: int
    sentence: str


def extractive_answer(
    question: str, hits: Sequence[Hit], language: str, max_sentences: int = 3, max_chunks: int = 4,
    require: SentenceFilter | None = None, per_chunk: int = 2, semantic: SentenceScorer | None = None,
) -> tuple[str, tuple[Citation, ...]]:
    """Answer text of quoted sentences with [n] markers (n = position in `hits`) and their citations.

    Sentences are scored by the question's words, plus what the question asks for (`Intent`):
    an amount for "Hur mycket ...?", a date for "När ...?", a name for "Vem ...?", the decision
    points for "Vad beslutade ...?". A dnr or § question gets a first line stating it.
    With `require`, only sentences matching it are quoted (e.g. one holding a number, for an amount question
    whose best-scored sentences hold none). With `semantic`, each candidate also gains its encoder similarity to
    the question, scaled within the question's candidates (assistant/semantic.py).
    """
    intent = question_intent(question)
    candidates = _candidates(question, hits[:max_chunks], intent, language)
    if semantic is not None:
        candidates = _with_semantic(question, candidates, semantic)
    if require is not None:
        candidates = [c for c in candidates if require.search(c.sentence)]
    chosen = _choose(candidates, hits, max_sentences, comparing=_compares(question), per_chunk=per_chunk)
    if not chosen:
        return "", ()
    chosen.sort(key=lambda c: (c.number, c.start))  # read in source order
    lines = [EXTRACTIVE_INTRO.get(language, EXTRACTIVE_INTRO["sv"])]
    lead = _lead(intent, chosen, hits, language, question)
    if lead:
        lines.append(lead)
    citations: dict[int, Citation] = {}
    for c in chosen:
        c = _with_list(c, hits[c.number - 1].chunk.text)
        line = quote_line(c.sentence, c.number)
        gloss = gloss_decision_verbs(c.sentence) if language == "en" else None
        lines.append(f"{line} ({gloss})" if gloss else line)
        citations.setdefault(c.number, make_citation(c.number, hits[c.number - 1], c.sentence))
    return "\n".join(lines), tuple(citations[n] for n in sorted(citations))


def _with_list(c: _Candidate, text: str) -> _Candidate:
    """A lead-in ending in ":" quoted with the short list lines under it, one verbatim quote: "… sammanträdestider
    för nämnden år 2024 enligt följande:" / "6 februari" / "19 mars" / … (the list is what it introduces)."""
    if not c.sentence.rstrip().endswith(":") or text.find(c.sentence, c.start) != c.start:
        return c
    end = c.start + len(c.sentence)
    lines = text[end:].split("\n")
    taken, consumed, blank = 0, 0, 0
    for line in lines[1:]:  # lines[0] is the rest of the lead-in's own line
        if not line.strip():
            if taken:
                break
            blank += 1
            if blank > 1:
                break
            consumed += len(line) + 1
            continue
        if len(line.strip()) > LIST_LINE_CHARS or taken >= LIST_LINES:
            break
        taken += 1
        consumed += len(line) + 1
    if not taken:
        return c
    stop = end + len(lines[0]) + consumed
    return _Candidate(c.score, c.number, c.start, text[c.start:stop].rstrip())


def _candidates(question: str, hits: Sequence[Hit], intent: Intent, language: str = "sv") -> list[_Candidate]:
    query_terms = terms(question)
    carried = CARRIED.search(question) if language == "sv" else None  # English: the parentheses hold Swedish terms
    own_terms = terms(question[:carried.start()]) if carried else set()
    out = []
    for n, hit in enumerate(hits, 1):
        text, previous = hit.chunk.text, 0.0
        about = TITLE_WEIGHT * relevance(query_terms, hit.chunk.item_title or "")  # the ärende asked about
        for span in sentence_spans(text):
            sentence = text[span.start:span.end]
            if looks_like_instruction(sentence) or len(sentence) > 600:
                previous = 0.0
                continue
            score = sentence_score(query_terms, sentence, intent, hit.chunk.section in DECISION_SECTIONS)
            if score > 0 and own_terms:
                score += OWN_WEIGHT * relevance(own_terms, sentence)
            if score <= 0 and previous > 0 and _features(sentence, intent):
                # A list after its lead-in: "Följande datum föreslås ... 2017." then "31 januari, 21 februari, …"
                score = LIST_CARRY * previous + FEATURE_BONUS
            previous = relevance(query_terms, sentence)
            score -= RANK_DECAY * (n - 1)
            if score > 0:
                score += about
                out.append(_Candidate(score, n, span.start, sentence))
    out.sort(key=lambda c: (-c.score, c.number, c.start))
    return out


def _with_semantic(question: str, candidates: list[_Candidate], semantic: SentenceScorer) -> list[_Candidate]:
    """Candidates re-scored with the scaled encoder similarity of each sentence to the question. Only sentences
    the lexical score already admits are candidates: the encoder reorders them, it does not add any."""
    if not candidates:
        return candidates
    bonus = scaled(semantic.similarities(question, [c.sentence for c in candidates]))
    out = [_Candidate(c.score + semantic.weight * b, c.number, c.start, c.sentence) for c, b in zip(candidates, bonus)]
    out.sort(key=lambda c: (-c.score, c.number, c.start))
    return out


def _features(sentence: str, intent: Intent) -> int:
    """How many of the things the question asks for the sentence holds (amount, date, name, place, dnr)."""
    return (
        (intent.number and bool(_AMOUNT.search(_YEAR.sub(" ", sentence))))
        + (intent.date and bool(_DATE.search(sentence)))
        + (intent.person and bool(_NAME.search(sentence)))
        + (intent.place and bool(_PLACE.search(sentence)))
        + (intent.dnr and bool(find_diarienummer(sentence)))
        + (intent.cause and bool(_CAUSAL.search(sentence)))
    )


def sentence_score(query_terms: set[str], sentence: str, intent: Intent, decision_section: bool = False) -> float:
    """Share of the query's words in `sentence`, raised when it holds what the question asks for."""
    base = relevance(query_terms, sentence)
    decides = intent.decision and bool(_DECISION_VERB.search(sentence))
    if base <= 0 and not (decides and decision_section):
        return 0.0  # decision points rarely repeat the question's words; anything else must
    features = _features(sentence, intent)
    score = base + FEATURE_BONUS * features
    if features and len(sentence.split()) < 6:
        score += base  # undo relevance()'s halving of short lines: "Sekreterare Linda Grafström"
    if decides:
        score += DECISION_BONUS if decision_section else DECISION_BONUS / 2
    if _FURNITURE.search(sentence.strip()) and not intent.dnr:
        score *= FURNITURE_PENALTY
    elif "\t" in sentence or sentence.rstrip()[-1] not in ".!?":
        score *= TABLE_PENALTY if not features else 0.9  # prose explains better, unless the row holds the fact
    return score


def _choose(candidates: list[_Candidate], hits: Sequence[Hit], limit: int, comparing: bool,
            per_chunk: int = 2) -> list[_Candidate]:
    """The best candidates, one sentence said once, at most `per_chunk` per chunk, mostly from the best ärende."""
    chosen: list[_Candidate] = []
    seen: list[set[str]] = []
    per_hit: dict[int, int] = {}
    focus: set[str] = set()
    for c in candidates:
        words = terms(c.sentence)
        if per_hit.get(c.number, 0) >= per_chunk or any(_similar(words, other) for other in seen):
            continue  # kallelse, tjänsteskrivelse and bilaga repeat the same sentence
        dnr = set(hits[c.number - 1].chunk.diarienummer)
        if chosen and focus and dnr and not (dnr & focus) and not comparing:
            if c.score < OTHER_CASE_SHARE * chosen[0].score:
                continue  # another ärende only when it matches (nearly) as well as the best one
        if not chosen:
            focus = dnr
        seen.append(words)
        per_hit[c.number] = per_hit.get(c.number, 0) + 1
        chosen.append(c)
        if len(chosen) >= limit:
            break
    return chosen


def _lead(intent: Intent, chosen: Sequence[_Candidate], hits: Sequence[Hit], language: str,
          question: str = "") -> str | None:
    """"Diarienummer: SN/2020:33 [1]" for a dnr question, "Paragraf: § 1014 [1]" for a § question."""
    leads = EXTRACTIVE_LEADS.get(language, EXTRACTIVE_LEADS["sv"])
    if intent.dnr:
        asked = terms(question)
        for c in sorted(chosen, key=lambda c: -c.score):  # a dnr written in the best sentence wins ...
            found = find_diarienummer(c.sentence)
            own = hits[c.number - 1].chunk.diarienummer
            # ... unless it is another case's, cited in the ärende the question names by its title ("Riktlinje för
            # riskanalys - Nämnden för Vård & Omsorg" quoting the kommun's riktlinje KS-2022-00067): the ärende's
            # own number answers. A list line of anmälda ärenden ("Tillsyn av serveringstillstånd 2022
            # SN/2023:00023") matches the question better than its ärende's title does, and keeps its number.
            title = hits[c.number - 1].chunk.item_title or ""
            if found and own and not set(found) & set(own) and relevance(asked, title) > relevance(asked, c.sentence):
                found = []
            if found:
                return f"{leads['dnr']}: {_as_written(found, c.sentence)} [{c.number}]"
        # Else the ärende's own dnr, from the best-scored quote whose chunk has one (a protocol's "§ 57" page
        # header chunk may carry none while the next quote's ärende does).
        for c in sorted(chosen, key=lambda c: -c.score):
            chunk = hits[c.number - 1].chunk
            if chunk.diarienummer:
                written = " ".join((*chunk.diarienummer_as_written, chunk.text))
                return f"{leads['dnr']}: {_as_written(chunk.diarienummer, written)} [{c.number}]"
        return None
    if intent.paragraph:
        for c in sorted(chosen, key=lambda c: -c.score):
            paragraph = hits[c.number - 1].chunk.paragraph
            if paragraph:
                return f"{leads['paragraph']}: {paragraph} [{c.number}]"
    return None


def _as_written(canonical: Sequence[str], text: str) -> str:
    """Each diarienummer as the kommun's registry writes it, the canonical form beside it where they differ:
    "TE-2025-00076 (TE/2025:76)", "SN/2020:33" (revisorer search the kommun's own diarium by its own form)."""
    # A Markdown table cell writes "IF-2023-<br>00055": the registry's form is "IF-2023-00055".
    written = {d.canonical: " ".join(_LINE_BREAK.sub("", d.written).split()) for d in reversed(iter_dnr(text))}
    out = []
    for dnr in dict.fromkeys(canonical):
        form = written.get(dnr)
        out.append(f"{form} ({dnr})" if form and form != dnr else dnr)
    return ", ".join(out)


def _compares(question: str) -> bool:
    """Whether the question spans several years or cases ("2020 respektive 2023", "jämför ...")."""
    return len(set(_YEAR.findall(question))) >= 2 or bool(_COMPARES.search(question))


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= NEAR_DUPLICATE
