"""The language of a question (sv/en), robust for short follow-ups where langdetect guesses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from corpus.language import detect_language

if TYPE_CHECKING:
    from assistant.types import Turn

_WORD = re.compile(r"[a-zåäöéü]+")
_SV = frozenset(
    "och att det som en ett är var vad hur när vem vilka vilken vilket varför hade har inte "
    "för med till på av om året innan efter berodde nämnden beslut kommun".split()
)
_EN = frozenset(
    "the and what how when who which why did does do was were is are of to in for with about "
    "year before after decision committee much many their would could should share who whom".split()
)


def question_language(question: str, history: Sequence[Turn] = ()) -> str:
    """"sv" or "en": Swedish letters and function words first, langdetect for longer text, then history.

    E.g. "och 2021?" -> "sv"; "why?" -> "en"; "2021?" -> the previous turn's language (default "sv").
    """
    lowered = question.lower()
    words = _WORD.findall(lowered)
    sv, en = sum(w in _SV for w in words), sum(w in _EN for w in words)
    # Swedish letters mean Swedish, unless English function words clearly dominate:
    # "What share of staff in Tyresö would recommend their employer?" is English.
    if re.search(r"[åäö]", lowered) and not (en >= 2 and en > 2 * sv):
        return "sv"
    if sv != en and max(sv, en) >= 1 and (len(words) < 5 or abs(sv - en) >= 2):
        return "sv" if sv > en else "en"
    if len(words) >= 5:
        detected = detect_language(question)
        if detected in ("sv", "en"):
            return detected
    if sv != en:
        return "sv" if sv > en else "en"
    return history[-1].answer.language if history else "sv"
