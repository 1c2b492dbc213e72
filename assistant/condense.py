"""Follow-up question + history -> standalone Swedish search query (rules first, LLM optional)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.glossary import with_swedish_terms
from assistant.prompts import CONDENSE_SV

if TYPE_CHECKING:
    from assistant.llm import ChatModel
    from assistant.types import Turn

log = logging.getLogger(__name__)

_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_BEFORE = re.compile(
    r"\b(året|år) (innan|före|dessförinnan|därförinnan)\b|\bföregående år|\bförra året"
    r"|\b(the )?(year|one) before\b|\bprevious year\b|\bprior year\b",
    re.I,
)
_AFTER = re.compile(r"\b(året|år) (efter|därpå|därefter)\b|\bnästa år|\bföljande år|\b(the )?year after\b|\bnext year\b", re.I)
_CAUSE = re.compile(
    r"\bvad (berodde|beror) (det|detta|den|de|dessa|det här) på\b|^\s*(och )?varför( då| det)?\s*\??\s*$"
    r"|\bvad var (orsaken|anledningen|skälet)\b|\b(orsaken|orsakerna|anledningen)\s*\??\s*$"
    r"|\bwhat caused (it|this|that)\b|^\s*(and )?why\b|\bwhat was the reason\b",
    re.I,
)
_CONTINUATION = re.compile(r"^\s*(och|men|än|samt|även|and|what about|how about|hur är det med)\s+(.+?)\s*\??\s*$", re.I)
_ANAPHORA = re.compile(
    r"\b(det|detta|den|denna|dess|dessa|de|dem|där|då|samma|han|hon|it|that|this|they|them|there|then|its)\b",
    re.I,
)
_FILLER = frozenset("och men än hur var det då under för i år året is it was what about and how in for the".split())
_LEADING = frozenset(
    """hur stort stor stora mycket många vad vilka vilken vilket när vem var varför
    hade har är blev blir fick får how much many large big what which when who why
    did does do was were is the""".split()
)
_AUXILIARY = frozenset("hade har är var blev blir fick får did does do was were is".split())


def condense(question: str, history: Sequence[Turn], llm: ChatModel | None = None,
             language: str | None = None) -> str:
    """A standalone search query for `question` given the conversation so far.

    E.g. after "Hur stort överskott hade socialnämnden 2022?":
    "och året innan?" -> "Hur stort överskott hade socialnämnden 2021?";
    "vad berodde det på?" -> "Vad var orsaken till överskott socialnämnden 2022?".
    English questions (language None or "en") get Swedish search terms appended.
    """
    question = question.strip()
    if not history:
        return with_glossary(question, language)
    previous = history[-1].answer.search_query or history[-1].question
    rewritten = rewrite(question, previous)
    if rewritten is not None:
        return with_glossary(rewritten, language)
    if _ANAPHORA.search(question) or _continues(question):
        # Refers back without a pattern we know: ask the LLM if allowed, else carry the subject.
        from_llm = _condense_with_llm(question, history, llm) if llm is not None else None
        return with_glossary(from_llm or f"{question.rstrip()} ({subject(previous)})", language)
    return with_glossary(question, language)


def _continues(question: str) -> bool:
    """A short question that names no year, dnr or § of its own continues the conversation.

    "Vad användes pengarna till?" after a question about a 2022 statsbidrag is about that
    statsbidrag; "Vad beslutade socialnämnden om internkontrollplanen 2023?" stands alone.
    """
    words = question.rstrip("?!. ").split()
    if len(words) <= 3:
        return True
    own_reference = _YEAR.search(question) or "§" in question or re.search(r"\b[A-ZÅÄÖ]{2,5}[ /]\d{4}:\d", question)
    return len(words) <= 6 and not own_reference


def rewrite(question: str, previous: str) -> str | None:
    """Rewrite of a follow-up by a known pattern (year shift, new year, cause, "och X?"), else None."""
    words = question.rstrip("?!. ").split()
    years = _YEAR.findall(question)
    if years and (_BEFORE.search(question) or _AFTER.search(question)) and len(words) > 4:
        # "och året innan 2019 då, vad var nettot i bokslutet 2018?" names its own year and asks its own thing:
        # the previous subject is carried without its years, not shifted.
        return f"{question.rstrip()} ({subject(_YEAR.sub(' ', previous))})"
    if _BEFORE.search(question):
        return shift_years(previous, -1)
    if _AFTER.search(question):
        return shift_years(previous, +1)
    if years and all(w.lower().strip(",") in _FILLER or _YEAR.fullmatch(w) for w in words):
        return replace_years(previous, years[0])
    if _CAUSE.search(question):
        return f"Vad var orsaken till {subject(previous)}?"
    continuation = _CONTINUATION.match(question)
    if continuation and len(continuation.group(2).split()) <= 4:
        tail = continuation.group(2)
        if years:  # "och underskottet 2019?" moves the previous question to 2019 too
            previous, tail = replace_years(previous, years[0]), _YEAR.sub("", tail).strip()
        return f"{previous.rstrip('?. ')} – {tail}?" if tail else previous
    return None


def shift_years(text: str, delta: int) -> str:
    """Every year in `text` moved by `delta` ("... 2022?" -> "... 2021?"); unchanged if none."""
    return _YEAR.sub(lambda m: str(int(m.group(0)) + delta), text)


def replace_years(text: str, year: str) -> str:
    """Every year in `text` replaced by `year`; the year appended when `text` has none."""
    if _YEAR.search(text):
        return _YEAR.sub(year, text)
    return f"{text.rstrip('?. ')} {year}?"


def subject(query: str) -> str:
    """The content words of a question: "Hur stort överskott hade socialnämnden 2022?" -> "överskott socialnämnden 2022"."""
    words = query.strip().rstrip("?!.").split()
    while words and words[0].lower() in _LEADING:
        words.pop(0)
    kept = [w for w in words if w.lower() not in _AUXILIARY]
    return " ".join(kept) or query.strip().rstrip("?")


def with_glossary(query: str, language: str | None = None) -> str:
    """English queries get the Swedish terms of the glossary appended, in parentheses; Swedish ones are kept."""
    return query if language == "sv" else with_swedish_terms(query)


def _condense_with_llm(question: str, history: Sequence[Turn], llm: ChatModel) -> str | None:
    from assistant.llm import Message

    past = "\n".join(f"- {turn.question}" for turn in history[-3:])
    try:
        reply = llm.complete([Message("user", CONDENSE_SV.format(history=past, question=question))])
    except Exception as exc:  # noqa: BLE001 - condensing is an optional improvement
        log.warning("LLM condensing failed, using the question as is: %r", exc)
        return None
    line = reply.strip().splitlines()[0].strip().strip('"') if reply.strip() else ""
    return line or None
