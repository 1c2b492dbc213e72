"""detect_language(text) -> "sv" | "en" | "und", with seeded (deterministic) langdetect."""

from __future__ import annotations

import re

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0  # langdetect is random by default; same text must give the same answer
_MIN_LETTERS = 12  # below this, guesses are noise ("Ja.", "Beslut")
# Scandinavian neighbours that langdetect confuses with short Swedish text.
_AS_SWEDISH = {"no", "da", "sv"}
_SWEDISH_LETTERS = re.compile(r"[åäö]", re.IGNORECASE)
_SWEDISH_WORDS = {"och", "att", "det", "som", "för", "är", "inte", "med", "till", "av", "på", "jag", "vad"}
_ENGLISH_WORDS = {"the", "and", "what", "is", "of", "to", "in", "how", "which", "was", "were", "did"}


def _word_vote(text: str) -> str | None:
    """Swedish or English by function words, for text too short for a statistical guess."""
    words = set(re.findall(r"[a-zåäö]+", text.lower()))
    sv, en = len(words & _SWEDISH_WORDS), len(words & _ENGLISH_WORDS)
    if _SWEDISH_LETTERS.search(text):
        sv += 1
    if sv != en:
        return "sv" if sv > en else "en"
    return None


def detect_language(text: str) -> str:
    """"sv", "en" or "und" (undetermined: too short, no letters, or another language)."""
    letters = sum(ch.isalpha() for ch in text)
    if letters == 0:
        return "und"
    vote = _word_vote(text)
    if letters < _MIN_LETTERS:
        return vote or "und"
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return vote or "und"
    if best.lang in _AS_SWEDISH:
        return "sv"
    if best.lang == "en":
        return "en" if vote != "sv" or best.prob > 0.9 else "sv"
    return vote or "und"
