"""Sources as prompt data blocks, markers for grounded but unmarked sentences, and verbatim Citations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.prompts import SOURCE_BLOCK, source_header
from assistant.sentences import relevance, sentence_spans, terms, wants_number
from assistant.types import Citation
from corpus.paragraphs import DECISION_SECTIONS
from index.types import Hit

_MARKER = re.compile(r"\[(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\]")
# Chat-template control tokens must never reach the model from document text.
_CONTROL = re.compile(r"<\|[^|>]{0,40}\|>|<\|/?|\|>")
# Sentences that talk to the model rather than about the municipality (prompt injection).
_INSTRUCTION = re.compile(
    r"ignorera|ignore (all |the )?(previous|prior|above)|tidigare instruktion|previous instruction"
    r"|system ?prompt|du är nu|you are now|svara (endast|bara|alltid) (med|på)|answer only with"
    r"|glöm (allt|dina)|disregard",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?](\s|$)")
MIN_GROUNDING = 0.34  # share of an answer sentence's terms a source sentence must hold to back it


@dataclass(frozen=True, slots=True)
class Source:
    """A retrieved chunk as shown to the LLM: its number and the excerpt it saw."""

    number: int
    hit: Hit
    excerpt: str


# One quoted line of an answer, "- »sentence« [n]" (an English gloss may follow it).
_QUOTE_LINE = re.compile(r"^- »(?P<quote>.+)« \[(?P<number>\d+)\]", re.M)


def quote_line(sentence: str, number: int) -> str:
    """One quoted line of an answer: "- »sentence« [n]", the sentence's whitespace collapsed."""
    return f"- »{' '.join(sentence.split())}« [{number}]"


def with_meeting_labels(text: str, citations: Sequence[Citation]) -> str:
    """Each quoted line followed by its source's meeting, "(Nämnden för Teknik, 2025-01-22, § 12)", when the
    quotes come from more than one meeting: which sammanträde said what is part of the answer then (a line from
    the same meeting as the line above is not labelled again). Unchanged when every quote is from one meeting
    (the citation under the answer names it)."""
    by_number = {c.number: c for c in citations}
    meetings = {(c.committee, c.meeting_date) for c in citations}
    if len(meetings) < 2:
        return text

    previous = [""]

    def label(match: re.Match) -> str:
        cited = by_number.get(int(match.group("number")))
        where = ", ".join(p for p in (cited.committee, cited.meeting_date, cited.paragraph) if p) if cited else ""
        if not where or where == previous[0]:
            return match.group(0)  # the line above named it
        previous[0] = where
        return f"{match.group(0)} ({where})"

    return _QUOTE_LINE.sub(label, text)


def quoted_lines(text: str) -> list[tuple[int, str]]:
    """(number, sentence) of every quoted line of an answer text, in order."""
    return [(int(m.group("number")), m.group("quote")) for m in _QUOTE_LINE.finditer(text)]


def looks_like_instruction(sentence: str) -> bool:
    """Whether a document sentence addresses the model ("ignorera tidigare instruktioner ...")."""
    return bool(_INSTRUCTION.search(sentence))


def sanitize(text: str) -> str:
    """Document text made safe as prompt data: no chat-template control tokens."""
    return _CONTROL.sub(" ", text)


def format_sources(sources: Sequence[Source]) -> str:
    """The numbered data blocks of the prompt."""
    blocks = []
    for source in sources:
        chunk = source.hit.chunk
        header = source_header(
            chunk.diarienummer, chunk.item_title, chunk.section, chunk.paragraph,
            chunk.meeting.committee, chunk.meeting.kommun, chunk.meeting.date, chunk.meeting.doc_type,
        )
        blocks.append(SOURCE_BLOCK.format(number=source.number, header=sanitize(header), text=source.excerpt))
    return "\n".join(blocks)


def best_sentence(text: str, claim: str) -> str:
    """The sentence of `text` that best backs `claim` (the repair for a missing or bad quote)."""
    claim_terms, number = terms(claim), wants_number(claim)
    spans = sentence_spans(text)
    if not spans:
        return text.strip()[:300]
    best = max(spans, key=lambda s: (relevance(claim_terms, text[s.start:s.end], number), -s.start))
    return text[best.start:best.end]


def ground_unmarked(answer: str, sources: Sequence[Source]) -> str:
    """Append [n] to answer sentences that a source sentence clearly backs but the model left bare."""
    out = []
    for sentence in _answer_sentences(answer):
        if _MARKER.search(sentence) or not sources:
            out.append(sentence)
            continue
        claim_terms = terms(sentence)
        best, score = None, 0.0
        for source in sources:
            text = source.hit.chunk.text
            for span in sentence_spans(text):
                value = _coverage(claim_terms, text[span.start:span.end])
                if value > score:
                    best, score = source, value
        if best is not None and score >= MIN_GROUNDING:
            stripped = sentence.rstrip()
            tail = sentence[len(stripped):]
            if stripped and stripped[-1] in ".!?":
                stripped = stripped[:-1] + f" [{best.number}]" + stripped[-1]
            else:
                stripped += f" [{best.number}]"
            sentence = stripped + tail
        out.append(sentence)
    return "".join(out)


def _coverage(claim_terms: set[str], sentence: str) -> float:
    if not claim_terms:
        return 0.0
    return len(terms(sentence) & claim_terms) / len(claim_terms)


def _answer_sentences(text: str) -> list[str]:
    pieces, last = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[last:match.end()])
        last = match.end()
    if last < len(text):
        pieces.append(text[last:])
    return pieces


# A shared diarium's number "KS KF/2024:344" (Kommunstyrelsen's diarium, fullmäktige's series) is cited by its
# series form "KF/2024:344" as well: that is how the ärende is referred to in the series' own documents.
_SHARED_DIARIUM = re.compile(r"^[A-ZÅÄÖ]{1,6} ([A-ZÅÄÖ]{1,6}/\d{4}:\d+)$")


def with_series_forms(numbers: tuple[str, ...]) -> tuple[str, ...]:
    """("KS KF/2024:344",) -> ("KS KF/2024:344", "KF/2024:344"); other numbers unchanged."""
    out = list(numbers)
    for number in numbers:
        match = _SHARED_DIARIUM.match(number)
        if match and match.group(1) not in out:
            out.append(match.group(1))
    return tuple(out)


def make_citation(number: int, hit: Hit, quote: str) -> Citation:
    """A Citation of `hit` with every field filled from the chunk; `quote` must be verbatim."""
    chunk = hit.chunk
    if quote not in chunk.text:
        raise ValueError(f"Quote {quote[:60]!r} is not verbatim in chunk {chunk.chunk_id!r}.")
    return Citation(
        number=number,
        chunk_id=chunk.chunk_id,
        diarienummer=with_series_forms(chunk.diarienummer),
        section=chunk.section,
        paragraph=chunk.paragraph,
        item_title=chunk.item_title,
        committee=chunk.meeting.committee,
        kommun=chunk.meeting.kommun,
        meeting_date=chunk.meeting.date,
        source_file=chunk.source_file,
        quote=quote,
    )
