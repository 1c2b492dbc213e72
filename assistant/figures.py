"""What counts as a figure, or as a sum of money, in quoted evidence (answerability's number checks).

A digit is not yet a figure: years, ISO dates, diarienummer, § numbers and list numbers ("1. Verksamhets-
berättelsen godkänns.") state no amount. A money question needs more than a figure: a sum in a currency unit
("756 000 kronor", "två miljoner"), or a bare figure in a table row whose chunk writes the unit in its header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.metadata import find_diarienummer
from index.types import Hit

YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
NUMBER_WORDS = r"\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo|hundra|tusen|inga|ingen|inget|samtliga" \
               r"|alla|hälften|dubbelt)\b"
AMOUNT = re.compile(rf"\d|{NUMBER_WORDS}", re.I)
# A question about money ("Vad kostade …?", "Hur stor var budgeten …?") is answered by a sum in a currency unit,
# not by any figure ("en projektledare anställs på 1,5 år", "lag (2006:544)").
MONEY_ASK = re.compile(r"\b(kosta\w*|kostnad\w*|pengar|belopp\w*|budget\w*|investering\w*|utgift\w*|intäkt\w*"
                       r"|kronor|\w*taxa|\w*taxan|\w*taxor\w*|\w*avgift\w*|arvode\w*|cost\w*|money|spend\w*|fee|fees)\b",
                       re.I)  # "timtaxan", "maxtaxan", "avgiften för korttidsvistelse" ask for a sum too
MONEY = re.compile(r"\d\s*(kr\b|kronor|kkr|tkr|mkr|mnkr|msek|sek\b|miljon\w*|miljard\w*|tusen|%)"
                   rf"|\b(kr|sek)\s*\d|{NUMBER_WORDS}\s+(miljon\w*|miljard\w*|kronor)", re.I)  # "två miljoner"
_MONEY_UNIT = re.compile(r"\b(kr|kronor|kkr|tkr|mkr|mnkr|msek|sek|miljon\w*|miljard\w*)\b", re.I)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# "den 14 november 2023": a day of the month, no amount.
_WRITTEN_DATE = re.compile(r"\b\d{1,2}(:e|:a)? (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober"
                           r"|november|december)\b", re.I)
# "Hur många anmälningar …?" asks for a count: not answered by a sum, a share, a duration or an age ("23 miljoner
# kronor", "36 timmars veckovila", "ungdomar 18-21 år"). "Hur många procent/kronor …?" asks for those units.
_NOT_COUNTS = r"kr|kronor|kkr|tkr|mkr|mnkr|msek|sek|miljon\w*|miljard\w*|procent|%|timm\w*|tim|dagar|dag|dygn|veckor" \
              r"|vecka|veckors|månader|månad|månaders|år|års|åringar|minuter|kvm|m2|ha|hektar|km|meter|kl"
COUNT_ASK = re.compile(rf"\bhur många\b(?!\s+({_NOT_COUNTS})\b)|\bhow many\b(?!\s+(percent|kronor|hours|days|years)\b)",
                       re.I)
_FIGURE = re.compile(rf"(?<![\d,.])\d+(?:[ \u00a0]\d{{3}})*(?:[.,]\d+)?(?:\s*[-–]\s*\d+)?(?![\d])|{NUMBER_WORDS}", re.I)
_UNIT_AFTER = re.compile(rf"\s*({_NOT_COUNTS})(?!\w)", re.I)
_DNR_WRITTEN = re.compile(r"\b[A-ZÅÄÖ]{2,5}[ /-]?\d{4}[:/-]\d+\b")
_PARAGRAPH_NUMBER = re.compile(r"§§?\s*\d+(\s*[-–]\s*\d+|/\d\d)?")  # "§ 12-14", "BUN §13/23" (§ 13 of 2023)
_ENUMERATOR = re.compile(r"(?m)^\s*\d{1,2}[.)]\s+(?=[A-ZÅÄÖa-zåäö])|(?<=[.:;]\s)\d{1,2}[.)]\s")


class FigureFilter:
    """Passes a sentence that states a figure: a digit or number word other than a year, an ISO date, a
    diarienummer, a § or a list number (the `require` of an amount question's second pass)."""

    def search(self, text: str) -> re.Match[str] | None:
        return AMOUNT.search(figures_only(text))


class CountFilter:
    """Passes a sentence that states a count: a figure not given in kronor, procent, time or age (the `require`
    of a "Hur många …?" question's second pass)."""

    def search(self, text: str) -> re.Match[str] | None:
        text = figures_only(text)
        return next((m for m in _FIGURE.finditer(text) if not _UNIT_AFTER.match(text, m.end())), None)


def figures_only(text: str) -> str:
    """`text` without the digits that are no amounts: years, ISO dates, diarienummer, § numbers and list numbers
    ("1. Verksamhetsberättelsen godkänns." states no figure)."""
    text = _WRITTEN_DATE.sub(" ", _ISO_DATE.sub(" ", text))
    for dnr in find_diarienummer(text):
        text = text.replace(dnr, " ")
    text = _DNR_WRITTEN.sub(" ", text)
    text = _PARAGRAPH_NUMBER.sub(" ", text)
    text = _ENUMERATOR.sub(" ", text)
    return YEAR.sub(" ", text)


def money_stated(evidence: str, quotes: Sequence[str], hits: Sequence[Hit]) -> bool:
    """A sum with its currency unit in the quotes, or a figure in a quoted table row whose chunk writes the unit."""
    if MONEY.search(evidence):
        return True
    return any(_table_row(q) and AMOUNT.search(figures_only(q)) and _MONEY_UNIT.search(h.chunk.text)
               for q, h in zip(quotes, hits))


def _table_row(quote: str) -> bool:
    """A quoted line that is a table row, not a sentence: cells apart, or no sentence end."""
    return "\t" in quote or "   " in quote or "|" in quote or quote.rstrip()[-1:] not in ".!?"
