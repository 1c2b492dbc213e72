"""Claim-by-claim check of a generated answer: every number, date and name must occur in the source it cites."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.citations import Source, best_sentence, make_citation
from assistant.types import Citation

_MARKER = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")
_TRAILING_MARKER = re.compile(r"([.!?])[ \t]*((?:\[\d{1,2}(?:\s*[,;]\s*\d{1,2})*\][ \t]*)+)")
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?](?=\s|$)|\n|$)")
# "1 455 042", "4,2", "22", "2023-02-14", "77 %"; a number ends where its digits end.
_NUMBER = re.compile(r"(?<![\w,.])\d+(?:[ \u00a0]\d{3})*(?:[,.]\d+)?(?![\d])")
_MONTHS = r"januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_NAME = re.compile(r"\b[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?(?: [A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?)+\b")


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """The checked answer: claims kept, replaced by the cited sentence, or dropped."""

    text: str
    citations: tuple[Citation, ...]
    kept: int
    replaced: int
    dropped: int

    @property
    def withheld(self) -> bool:
        """Nothing the model wrote survived, and nothing could be quoted in its place."""
        return not self.citations


def check_claims(answer: str, sources: Sequence[Source]) -> ClaimCheck:
    """Each sentence of `answer` whose numbers, dates and names all occur in a source it cites is kept, with
    that source's sentence holding them as the quote; a failing sentence is replaced by the cited source's
    best sentence (quoted), and a sentence with facts but no valid marker is dropped.

    E.g. "782 personer var akut hemlösa [1]." against a source saying "492 personer" becomes
    "»… 492 personer …« [1]".
    """
    by_number = {s.number: s for s in sources}
    # "… i kommunen. [3]": a marker after the full stop belongs to the sentence before it.
    answer = _TRAILING_MARKER.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", answer)
    out: list[str] = []
    citations: dict[int, Citation] = {}
    kept = replaced = dropped = 0
    for sentence in _sentences(answer):
        numbers = [int(n) for m in _MARKER.finditer(sentence) for n in re.split(r"\s*[,;]\s*", m.group(1))]
        cited = [by_number[n] for n in dict.fromkeys(numbers) if n in by_number]
        claim = _MARKER.sub(" ", sentence)
        facts = claim_facts(claim)
        if not cited:
            if facts or _words(claim) >= 3:
                dropped += 1
            continue
        backing = {s.number: _backing_sentence(s, facts) for s in cited}
        if all(backing.values()):
            kept += 1
            for source in cited:
                quote = backing[source.number] or best_sentence(source.hit.chunk.text, claim)
                citations.setdefault(source.number, make_citation(source.number, source.hit, quote))
            out.append(sentence.strip())
            continue
        # The model cited the wrong source: a source that holds every fact takes the marker instead.
        holder = next(((o, b) for o in sources if facts and (b := _backing_sentence(o, facts))), None)
        if holder is not None:
            kept += 1
            other, quote = holder
            citations.setdefault(other.number, make_citation(other.number, other.hit, quote))
            recited = _MARKER.sub(f"[{other.number}]", sentence.strip())
            out.append(re.sub(r"(\[\d+\])(\s*\[\d+\])+", r"\1", recited))  # "[2] [2]" -> "[2]"
            continue
        replaced += 1
        source = cited[0]
        quote = best_sentence(source.hit.chunk.text, claim)
        citations.setdefault(source.number, make_citation(source.number, source.hit, quote))
        out.append(f"»{' '.join(quote.split())}« [{source.number}]")
    text = " ".join(p for p in out if p)
    return ClaimCheck(text, tuple(citations[n] for n in sorted(citations)), kept, replaced, dropped)


def claim_facts(claim: str) -> list[str]:
    """The checkable facts of a claim: numbers (dates included), and names of people and places."""
    facts = [m.group(0) for m in _NUMBER.finditer(claim)]
    for match in _NAME.finditer(claim):
        if match.start() > 0 and claim[:match.start()].strip():  # not the sentence's first word alone
            facts.append(match.group(0))
        elif " " in match.group(0):
            facts.append(match.group(0).split(" ", 1)[1])  # "Socialnämnden Anna Berg": check "Anna Berg"
    return facts


def _backing_sentence(source: Source, facts: Sequence[str]) -> str | None:
    """The first sentence of the cited chunk (or its metadata) that holds every fact; None if none does."""
    from assistant.sentences import sentence_spans

    chunk = source.hit.chunk
    header = " ".join(p for p in (chunk.item_title, chunk.meeting.date, chunk.meeting.committee,
                                  chunk.meeting.kommun, chunk.paragraph, *chunk.diarienummer) if p)
    remaining = [f for f in facts if not _holds(header, f)]
    spans = sentence_spans(chunk.text)
    for span in spans:
        sentence = chunk.text[span.start:span.end]
        if all(_holds(sentence, f) for f in remaining):
            return sentence
    if remaining and all(_holds(chunk.text, f) for f in remaining):
        return best_sentence(chunk.text, " ".join(remaining))  # the facts are spread over the chunk
    return None if remaining else (chunk.text[spans[0].start:spans[0].end] if spans else None)


def _holds(text: str, fact: str) -> bool:
    """Whether `fact` occurs in `text`: numbers compared without thousands spaces and with , = ."""
    if fact[:1].isdigit():
        wanted = plain_number(fact)
        return any(plain_number(m.group(0)) == wanted for m in _NUMBER.finditer(text)) or bool(
            re.search(rf"(?<![\d]){re.escape(fact)}(?![\d])", text))
    return fact.lower() in " ".join(text.split()).lower()


def plain_number(number: str) -> str:
    """'1 455 042' -> '1455042', '4,2' -> '4.2': a number compared without thousands spaces and with , = ."""
    return re.sub(r"[ \u00a0]", "", number).replace(",", ".")


def _sentences(text: str) -> list[str]:
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def _words(text: str) -> int:
    return len(re.findall(r"[^\W\d_]{2,}", text))
