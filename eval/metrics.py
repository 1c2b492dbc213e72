"""Pure scoring functions: retrieval ranks, key facts, citations, refusals and latency."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from assistant.citations import with_series_forms
from eval.dataset import Evidence

_MONTHS = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "feb": 2, "february": 2, "mars": 3, "mar": 3,
    "march": 3, "april": 4, "apr": 4, "maj": 5, "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7,
    "jul": 7, "july": 7, "augusti": 8, "aug": 8, "august": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_UNITS = [  # longest first; every spelling maps to one token
    (r"miljoner\s+kronor|miljoner\s+kr|miljoner\s+sek|mnkr|mkr|msek|mn\s+kr|mio\s+kr|million\s+(?:sek|kronor)", "mkr"),
    (r"tusen\s+kronor|tusen\s+kr|tkr|ksek|thousand\s+(?:sek|kronor)", "tkr"),
    (r"kronor|sek\b", "kr"),
    (r"kvadratmeter|kvm\b|m2\b|m²|square\s+met(?:re|er)s?", "kvm"),
    (r"\s*procent|\s*per\s*cent|\s*percent|\s*%", "%"),
]


@dataclass(frozen=True, slots=True)
class RankScores:
    """Standard ranking metrics of one query."""

    recall_at_1: float
    recall_at_5: float
    recall_at_10: float
    mrr: float
    ndcg_at_10: float


# --- text normalisation -------------------------------------------------------------------------

def squash(text: str) -> str:
    """Text compared whitespace-insensitively: no whitespace, no markdown asterisks, casefolded."""
    return re.sub(r"[\s*]+", "", text).casefold()


def canonical_dnr(dnr: str) -> str:
    """'sn/2023:00144', 'SN 2023:144' or 'IF-2025-00165' -> 'SN/2023:144' / 'IF/2025:165'.

    The dashed form is how many meeting systems write a diarienummer (PREFIX-YEAR-SERIAL);
    other strings are only upper-cased.
    """
    match = (re.fullmatch(r"\s*([A-Za-zÅÄÖåäö]+)\s*[/ ]\s*(\d{4})\s*:\s*0*(\d+)\s*", dnr)
             or re.fullmatch(r"\s*([A-Za-zÅÄÖåäö]+)-(\d{4})-0*(\d+)\s*", dnr))
    if not match:
        return dnr.strip().upper()
    prefix, year, serial = match.groups()
    return f"{prefix.upper()}/{year}:{int(serial)}"


def _iso(year: str, month: int, day: str) -> str:
    year_int = int(year) + (2000 if len(year) == 2 else 0)
    return f"{year_int:04d}-{month:02d}-{int(day):02d}"


def _normalise_dates(text: str) -> str:
    # e.g. "14 februari 2023", "den 14 feb. 2023", "February 14, 2023", "14/2 2023", "2023-2-14" -> "2023-02-14"
    text = re.sub(rf"\b(\d{{1,2}})(?:\s*:e|\s*:a)?\s+({_MONTH_RE})\.?\s+(?:år\s+)?(\d{{4}})\b",
                  lambda m: _iso(m[3], _MONTHS[m[2]], m[1]), text)
    text = re.sub(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b",
                  lambda m: _iso(m[3], _MONTHS[m[1]], m[2]), text)
    text = re.sub(r"\b(\d{1,2})/(\d{1,2})[ /-](\d{4})\b", lambda m: _iso(m[3], int(m[2]), m[1]), text)
    text = re.sub(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", lambda m: _iso(m[1], int(m[2]), m[3]), text)
    # without a year: "31 januari" / "January 31" -> "31/1"
    text = re.sub(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\b", lambda m: f"{int(m[1])}/{_MONTHS[m[2]]}", text)
    return re.sub(rf"\b({_MONTH_RE})\s+(\d{{1,2}})\b(?!\d)", lambda m: f"{int(m[2])}/{_MONTHS[m[1]]}", text)


def _normalise_numbers(text: str) -> str:
    # thousands: "1 455 042" / "2.347.959" / "1,455,042" -> "1455042"; decimals: "78,50" -> "78.5"
    text = re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))", "", text)
    text = re.sub(r"\b\d{1,3}(?:\.\d{3}){2,}\b", lambda m: m[0].replace(".", ""), text)
    text = re.sub(r"\b\d{1,3}(?:,\d{3}){2,}\b", lambda m: m[0].replace(",", ""), text)
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    text = re.sub(r"(\d+\.\d*?)0+(?!\d)", r"\1", text)
    text = re.sub(r"(\d+)\.(?!\d)", r"\1", text)
    return re.sub(r"[−–](?=\d)", "-", text)


def normalise_fact(text: str) -> str:
    """Swedish-aware normal form for matching key facts: case, whitespace, numbers, units, dates."""
    text = text.casefold().replace("\u00a0", " ")
    text = _normalise_dates(text)
    # diarienummer: "SN 2023:00144" -> "sn/2023:144"
    text = re.sub(r"\b([a-zåäö]{2,5})\s*/?\s*(\d{4})\s*:\s*0*(\d)", r"\1/\2:\3", text)
    # Tyresö style: "2019/ASN 0036 10" -> "asn/2019:36"
    text = re.sub(r"\b(\d{4})/([a-zåäö]{2,5})\s+0*(\d+)(?:\s+\d{1,2}\b)?", r"\2/\1:\3", text)
    text = _normalise_numbers(text)
    for pattern, token in _UNITS:
        text = re.sub(rf"(?<=[\d\s]){pattern}" if token == "%" else rf"\b(?:{pattern})", token, text)
    text = re.sub(r"(?<=\d)\s*(mkr|tkr|kr|kvm)\b", r" \1", text)
    text = re.sub(r"[\"'”“»«*]", "", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:")


def contains_fact(answer: str, fact: str) -> bool:
    """True when the normalised fact occurs in the normalised answer; numbers must not run on."""
    hay, needle = normalise_fact(answer), normalise_fact(fact)
    if not needle:
        return True
    # "15" must not match inside "150" or "2015", but "beslut" may match in "beslutet".
    before = r"(?<![\d.])" if needle[0].isdigit() else ""
    after = r"(?![\d])" if needle[-1].isdigit() else ""
    if re.search(before + re.escape(needle) + after, hay):
        return True
    # A day without a year ("10 december" -> "10/12") is also met by the same day with its year ("2024-12-10").
    day = re.fullmatch(r"(\d{1,2})/(\d{1,2})", needle)
    return bool(day) and re.search(rf"\b\d{{4}}-{int(day[2]):02d}-{int(day[1]):02d}\b", hay) is not None


def key_fact_score(answer: str, facts: Sequence[str]) -> float | None:
    """Share of key facts present in the answer; None when the case lists none."""
    if not facts:
        return None
    return sum(contains_fact(answer, f) for f in facts) / len(facts)


# --- relevance and ranking -----------------------------------------------------------------------

def same_file(a: str | None, b: str | None) -> bool:
    """File names compared without directories: 'contexts/x.txt' == 'x.txt'."""
    return a is None or b is None or PurePath(a).name == PurePath(b).name


def is_relevant(text: str, source_file: str | None, diarienummer: Iterable[str], gold: Evidence) -> bool:
    """A chunk answers `gold` when it contains the evidence (or, if none, carries its dnr) in its file."""
    if not same_file(gold.source_file, source_file):
        return False
    if gold.evidence:
        return squash(gold.evidence) in squash(text)
    if gold.diarienummer:
        # A shared diarium's "KS KF/2023:324" is the ärende "KF/2023:324" of fullmäktige's series (the form the
        # answers cite too): a hit carrying it is the case asked for.
        held = with_series_forms(tuple(diarienummer))
        return canonical_dnr(gold.diarienummer) in {canonical_dnr(d) for d in held}
    return False


def matched_gold(relevance: Sequence[Sequence[bool]]) -> list[int | None]:
    """For each ranked hit, the index of the first not-yet-found gold item it matches, else None.

    `relevance[r][g]` says whether hit r matches gold item g. A gold item counts once, so three
    copies of the same decision text earn one gain, not three.
    """
    found: set[int] = set()
    out: list[int | None] = []
    for row in relevance:
        new = next((g for g, hit in enumerate(row) if hit and g not in found), None)
        if new is not None:
            found.add(new)
        out.append(new)
    return out


def rank_scores(relevance: Sequence[Sequence[bool]], n_gold: int) -> RankScores:
    """recall@1/5/10, MRR and nDCG@10 (binary gains) of one ranked list against n_gold items.

    Example: gold items A, B; hits [x, A, A, B] -> recall@1 0, recall@5 1, MRR 1/2,
    DCG@10 = 1/log2(3) + 1/log2(5) = 1.0616, IDCG = 1 + 1/log2(3) = 1.6309, nDCG = 0.651.
    """
    if n_gold <= 0:
        raise ValueError(f"n_gold must be positive, got {n_gold!r}; unanswerable cases have no ranking.")
    gains = [g is not None for g in matched_gold(relevance)]

    def recall(k: int) -> float:
        return sum(gains[:k]) / n_gold

    first = next((i for i, g in enumerate(gains) if g), None)
    dcg = sum(1 / math.log2(i + 2) for i, g in enumerate(gains[:10]) if g)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(n_gold, 10)))
    return RankScores(
        recall_at_1=recall(1), recall_at_5=recall(5), recall_at_10=recall(10),
        mrr=0.0 if first is None else 1 / (first + 1), ndcg_at_10=dcg / idcg,
    )


# --- citations, refusals, latency ---------------------------------------------------------------

def citation_accuracy(cited: Sequence[Sequence[str]], gold_dnr: set[str]) -> float | None:
    """Share of citations that carry a gold diarienummer; None when there is no gold dnr.

    `cited` holds each citation's diarienummer tuple; an answer without citations scores 0.
    """
    if not gold_dnr:
        return None
    if not cited:
        return 0.0
    gold = {canonical_dnr(d) for d in gold_dnr}
    return sum(bool(gold & {canonical_dnr(d) for d in dnrs}) for dnrs in cited) / len(cited)


def citation_precision(checks: Sequence[tuple[bool, bool]]) -> float | None:
    """Share of citations whose quote is verbatim in the chunk AND whose chunk is relevant.

    `checks` holds (quote_verbatim, chunk_relevant) per citation; None when nothing was cited.
    """
    if not checks:
        return None
    return sum(verbatim and relevant for verbatim, relevant in checks) / len(checks)


def quote_is_verbatim(quote: str, chunk_text: str | None) -> bool:
    """The quote occurs in the chunk text (whitespace-insensitive); an empty quote does not count."""
    return bool(quote.strip()) and chunk_text is not None and squash(quote) in squash(chunk_text)


def refusal_scores(pairs: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """Precision and recall of refusing, from (should_refuse, refused) pairs; None when undefined."""
    tp = sum(s and r for s, r in pairs)
    refused = sum(r for _, r in pairs)
    should = sum(s for s, _ in pairs)
    precision = tp / refused if refused else None
    recall = tp / should if should else None
    f1 = None
    if precision is not None and recall is not None and precision + recall > 0:
        f1 = 2 * precision * recall / (precision + recall)
    return {"refusal_precision": precision, "refusal_recall": recall, "refusal_f1": f1}


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default); q in [0, 100]. [1,2,3,4] @ 50 -> 2.5."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
