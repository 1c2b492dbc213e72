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

from assistant import prompts
from assistant.citations import Source, format_sources, ground_unmarked, quoted_lines, sanitize
from assistant.claims import check_claims, plain_number
from assistant.llm import Message
from index.types import Hit

_MARKER = re.compile(r"\[\d+\]")
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
    """System rules (constant, cached by llama.cpp), then the numbered quotes and the question."""
    sources = [Source(q.number, q.hit, "\n".join(sanitize(s) for s in q.sentences)) for q in quoted]
    user = prompts.USER_BY_LANGUAGE[language].format(sources=format_sources(sources), question=sanitize(question))
    return [Message("system", prompts.SYSTEM_BY_LANGUAGE[language]), Message("user", user)]


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


def _only_quotes(quoted: Quoted) -> Hit:
    """The hit with its chunk text cut down to the quoted sentences (metadata kept for the header check)."""
    return replace(quoted.hit, chunk=replace(quoted.hit.chunk, text="\n".join(quoted.sentences)))
