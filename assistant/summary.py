"""LLM mode: a short answer the model writes over the sentences the extractive mode quoted, checked claim by claim.

The extractive mode has already chosen and judged the evidence (assistant/extractive.py, answerability.py);
the model only turns those few verbatim sentences into one or two direct sentences. Every number, date and
name it writes must occur in a quoted sentence of the source it cites (assistant/claims.py), else the whole
summary is withheld and the user sees the quotes alone. The quotes are always shown under the summary, so a
reader can check each claim against the text it came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant import prompts
from assistant.citations import Source, format_sources, ground_unmarked, quoted_lines, sanitize
from assistant.claims import check_claims, plain_number
from assistant.llm import Message
from index.types import Hit

_MARKER = re.compile(r"\[\d+\]")
# Where a sentence of the model's answer ends: ".", "!" or "?", its markers ("… 2022. [1]", "… [1][2].") and
# the space before the next sentence, which starts with a capital ("… [1]. Det …"; "bl.a. ökade" does not end one).
_SENTENCE_END = re.compile(r"[.!?](?:\s*\[\d+\])*(?=\s+[A-ZÅÄÖ»\"]|\s*$)")
# A reply ends at a blank line or a new "[n]" line: the model starting a second answer or copying a source block.
_STOPS = ("\n\n", "\n[", "<<<")
_PARTIAL_MARKER = re.compile(r"\s*\[\d*$")  # "… kronor. [" when the token cap cuts a marker in half
_WORD = re.compile(r"[^\W\d_]{2,}")
# An amount with its unit: "44 mkr", "78,5 miljoner kronor", "11 procent", "1 455 042 kronor".
_UNIT = (r"kr|kronor|kronorna|mkr|mnkr|tkr|msek|sek|miljon(?:er)?|miljard(?:er)?|tusen|procent|procentenheter"
         r"|%|personer|st|stycken|meter|km|kvm|timmar|dagar|veckor|månader|platser|ärenden")
_AMOUNT = re.compile(rf"(?<![\w,.])(\d+(?:[ \u00a0]\d{{3}})*(?:[,.]\d+)?)\s*({_UNIT})(?![\wåäö])", re.I)


@dataclass(frozen=True, slots=True)
class Quoted:
    """The sentences quoted from one source, under the number they carry in the answer."""

    number: int
    hit: Hit
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """The checked model answer: `text` is None when it was withheld (`reason` says why)."""

    text: str | None
    reason: str = ""


def quoted_evidence(extractive_text: str, hits: Sequence[Hit]) -> list[Quoted]:
    """The sources and sentences an extractive answer quotes, in the order of their numbers."""
    by_number: dict[int, list[str]] = {}
    for number, sentence in quoted_lines(extractive_text):
        if 1 <= number <= len(hits):
            by_number.setdefault(number, []).append(sentence)
    return [Quoted(n, hits[n - 1], tuple(by_number[n])) for n in sorted(by_number)]


def summary_messages(question: str, quoted: Sequence[Quoted], language: str) -> list[Message]:
    """System rules (constant, cached by llama.cpp), then the question and the numbered quotes."""
    user = prompts.USER_BY_LANGUAGE[language].format(sources=prompt_sources(quoted, language),
                                                     question=sanitize(question))
    return [Message("system", prompts.SYSTEM_BY_LANGUAGE[language]), Message("user", user)]


def prompt_sources(quoted: Sequence[Quoted], language: str) -> str:
    """The numbered quote blocks; a meeting (and title) that every source shares is named once above them.

    Prompt tokens are most of an LLM-mode answer's time (docs/assistant.md, "Where the time goes"), and the
    Qwen tokenizer spends ~22 tokens on "Socialnämnden, Botkyrka, 2020-02-18 (kallelse)": two sources from one
    ärende in one kallelse cost 2 x ~53 header tokens named per source, ~30 + 2 x ~15 named once
    (each source keeps its "[n] Dnr …" and section: a decision and a proposal must stay apart).
    """
    sources = [Source(q.number, q.hit, "\n".join(sanitize(s) for s in q.sentences)) for q in quoted]
    meeting = {_meeting_fields(q.hit) for q in quoted}
    if len(quoted) < 2 or len(meeting) != 1:
        return format_sources(sources)
    committee, kommun, date, doc_type = meeting.pop()
    title = _shared({q.hit.chunk.item_title for q in quoted})
    shared = prompts.source_header((), title, None, None, committee, kommun, date, doc_type)
    bare = [replace(s, hit=_without_meeting(s.hit, drop_title=title is not None)) for s in sources]
    return prompts.USER_SHARED_BY_LANGUAGE[language].format(shared=sanitize(shared)) + "\n" + format_sources(bare)


def summary_so_far(text: str, capped: bool = False, max_sentences: int = 2) -> str | None:
    """The finished summary once the model's reply so far is done (stop reading the stream), else None.

    Done at a blank line or a new source block (cut there), once a sentence after the `max_sentences`-th has
    begun (cut before it), or when `capped` by the token cap (cut after the last full sentence; "" when none
    has ended, since half a sentence must not be shown). e.g. capped "Överskottet var 78,5 mnkr [1]. Det
    berodde på" -> "Överskottet var 78,5 mnkr [1]."
    """
    stop = min((i for i in (text.find(s) for s in _STOPS) if i >= 0), default=-1)
    if stop >= 0:
        return _first_sentences(text[:stop], max_sentences, whole_tail=True)
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if len(ends) >= max_sentences and text[ends[max_sentences - 1]:].strip():
        return text[:ends[max_sentences - 1]].strip()
    if capped:
        return _first_sentences(_PARTIAL_MARKER.sub("", text), max_sentences, whole_tail=False)
    return None


def finished_summary(text: str, max_sentences: int = 2) -> str:
    """The reply the model ended itself, cut to `max_sentences` sentences and before a stop (a blank line)."""
    done = summary_so_far(text, max_sentences=max_sentences)
    return text.strip() if done is None else done


def verify_summary(raw: str, quoted: Sequence[Quoted]) -> Summary:
    """The model's answer when every claim in it is backed by a quoted sentence of a source it cites.

    A claim backed only elsewhere in the chunk does not count: the quoted sentences are what the answerability
    judgement approved and what the reader sees, so the check runs against them alone. One failing claim
    withholds the whole summary (a half-right sentence about amounts is worse than none).
    """
    raw = " ".join(raw.split())
    if not raw:
        return Summary(None, "empty")
    if refuses(raw):
        return Summary(None, "model says the quotes do not answer")
    if len(_WORD.findall(_MARKER.sub(" ", raw))) < 2:
        return Summary(None, "no content beyond markers")
    wrong_unit = _unquoted_amount(raw, quoted)
    if wrong_unit:
        return Summary(None, f"amount {wrong_unit!r} is not in the quotes with that unit")
    sources = [Source(q.number, _only_quotes(q), "") for q in quoted]
    if not _MARKER.search(raw):  # a bare sentence gets the marker of the quote that clearly backs it
        raw = ground_unmarked(raw, sources)
    checked = check_claims(raw, sources)
    if checked.replaced or checked.dropped or not checked.kept:
        return Summary(None, f"claims kept {checked.kept}, replaced {checked.replaced}, dropped {checked.dropped}")
    return Summary(checked.text)


def refuses(text: str) -> bool:
    """Whether the model's first sentence says the documents lack the answer."""
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].lower()
    phrases = [p.lower().rstrip(".") for p in prompts.CANNOT_ANSWER_BY_LANGUAGE.values()]
    return any(p in first for p in [*phrases, *prompts.NO_INFORMATION])


def _unquoted_amount(text: str, quoted: Sequence[Quoted]) -> str | None:
    """The first "number unit" of `text` that no quoted sentence states with the same unit ("44 meter" vs "44 mkr").

    The claim check compares numbers alone; the unit is what turns 44 mkr into something else.
    """
    stated = {_amount_key(m) for q in quoted for s in q.sentences for m in _AMOUNT.finditer(s)}
    for match in _AMOUNT.finditer(_MARKER.sub(" ", text)):
        if _amount_key(match) not in stated:
            return match.group(0)
    return None


def _amount_key(match: re.Match[str]) -> tuple[str, str]:
    return plain_number(match.group(1)), match.group(2).lower()


def _first_sentences(text: str, max_sentences: int, whole_tail: bool) -> str:
    """`text` cut after its `max_sentences`-th sentence; an unended last sentence is kept only if `whole_tail`."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if len(ends) >= max_sentences:
        return text[:ends[max_sentences - 1]].strip()
    if whole_tail:
        return text.strip()
    return text[:ends[-1]].strip() if ends else ""


def _meeting_fields(hit: Hit) -> tuple[str | None, str | None, str | None, str]:
    meeting = hit.chunk.meeting
    return meeting.committee, meeting.kommun, meeting.date, meeting.doc_type


def _shared(values: set) -> Any:
    """The one value every source has, else None."""
    return next(iter(values)) if len(values) == 1 else None


def _without_meeting(hit: Hit, drop_title: bool) -> Hit:
    """The hit as the prompt shows it under a shared line: no nämnd, kommun, date, type (nor title)."""
    chunk = hit.chunk
    meeting = replace(chunk.meeting, committee=None, kommun=None, date=None, doc_type="")
    return replace(hit, chunk=replace(chunk, meeting=meeting, item_title=None if drop_title else chunk.item_title))


def _only_quotes(quoted: Quoted) -> Hit:
    """The hit with its chunk text cut down to the quoted sentences (metadata kept for the header check)."""
    return replace(quoted.hit, chunk=replace(quoted.hit.chunk, text="\n".join(quoted.sentences)))
