"""A dnr question answered by a listed line: "Vilket diarienummer har uppföljningen av internkontrollplanen 2019?"
is answered by "Uppföljning av internkontrollplan 2019, SN/2019:24" in a verksamhetsberättelse's list of
handlingar, or by an anmälningsärende line, where no ärende of that title exists to retrieve.

A diarienummer is written next to the title it numbers; the line whose words match the question better than the
best retrieved ärende's title does puts its chunk first (the extractive lead then states the line's number).
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.archive import Archive
from assistant.figures import YEAR
from assistant.sentences import terms
from corpus.metadata import iter_dnr
from index.types import Hit, SearchFilters

LINE_HITS = 30  # keyword hits searched for a numbered line


def dnr_line_first(question: str, hits: Sequence[Hit], archive: Archive,
                   filters: SearchFilters | None = None) -> list[Hit]:
    """`hits` with the chunk of the best-matching numbered line first, when that line matches the question better
    than the first hit's ärende title; unchanged otherwise. Tune +3 dnr lookups, none lost; held-out unchanged
    (docs/evaluation.md, Session 12)."""
    asked = terms(question)
    if not asked or not hits:
        return list(hits)
    title = hits[0].chunk.item_title or ""
    bar, words = _share(asked, title), _share(asked, title, years=False)
    best: tuple[float, Hit] | None = None
    for hit in archive.search(question, k=LINE_HITS, filters=filters, method="keyword"):
        for line in _numbered_lines(hit.chunk.text):
            if _other_year(line, question):
                continue  # "Verksamhetsberättelse 2022 (SN 2023:00554)" does not number the one for 2019
            score = _share(asked, line)
            # better overall and no worse on the question's words: a year alone does not make a line the answer
            if score > bar and _share(asked, line, years=False) >= words and (best is None or score > best[0]):
                best = (score, hit)
    if best is None:
        return list(hits)
    chosen = best[1]
    return [chosen, *(h for h in hits if h.chunk.chunk_id != chosen.chunk.chunk_id)]


def _numbered_lines(text: str) -> list[str]:
    """The lines of `text` (three words or more) that write a diarienummer."""
    return [line for line in text.splitlines() if len(line.split()) >= 3 and iter_dnr(line)]


def _share(asked: set[str], text: str, years: bool = True) -> float:
    """Weighted share of the question's terms in `text` (numbers weigh double; none with years=False), whatever its
    length: a title and a list line are both short."""
    weight = {t: (2.0 if years else 0.0) if t.isdigit() else 1.0 for t in asked}
    total = sum(weight.values())
    return sum(weight[t] for t in terms(text) & asked) / total if total else 0.0


def _other_year(line: str, question: str) -> bool:
    """The line names a year, the question names years, and they share none (diarienummer left out)."""
    asked = set(YEAR.findall(question))
    for match in reversed(iter_dnr(line)):  # offsets into the line as written: cut from the end
        line = f"{line[:match.start]} {line[match.end:]}"
    named = set(YEAR.findall(line))
    return bool(asked and named and not asked & named)
