"""Whether a retrieved chunk is about the year and the nämnd a question names: the year in its text or title, or
its meeting's; the meeting's nämnd.

"Hur mycket över budget låg socialnämndens utfall 2019?" ranks the 2022 verksamhetsberättelse (presented
2023) above the 2019 one by its words; the answer must come from a document about 2019, which the answerability
judge demands anyway (answerability._year_in_scope). With NAMND_CHAT__RANK_BY_SCOPE on (off by default: its
held-out ablation in docs/evaluation.md, Session 7), retrieval puts such chunks first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.plan import without_dnr
from corpus.types import Chunk
from index.types import SearchFilters

_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def year_tier(chunk: Chunk, years: Sequence[int]) -> int:
    """0: nothing says the chunk is about another year; 1: its title names only other years (the 2022
    verksamhetsberättelse, for a question about 2019); 2: neither its text nor its title names one of `years`
    and its meeting was held more than a year from them (a budget for 2026 is decided in 2025; a
    verksamhetsberättelse for 2019 is presented in 2020)."""
    title = without_dnr(chunk.item_title or "")  # "Förvaltningschefen informerar (SN 2023:00007)" names no year
    titled = {int(y) for y in _YEAR.findall(title)}
    if titled & set(years):
        return 0
    if titled:
        return 1
    held = int(chunk.meeting.date[:4]) if chunk.meeting.date else None
    near = held is None or any(abs(held - y) <= 1 for y in years)
    return 0 if near or any(str(y) in chunk.text for y in years) else 2


def named_committee(question_committees: Sequence[str], named: Sequence[str]) -> str | None:
    """The one nämnd of the retrieved meetings the question names ("Vilka dagar skulle BUN sammanträda …?" among
    Barn- och utbildningsnämnden and Kommunfullmäktige), or None: none, or several ("… BUN och sedan KF")."""
    distinct = list(dict.fromkeys(named))
    return distinct[0] if len(distinct) == 1 and len(question_committees) <= 1 else None


def month_filters(filters: SearchFilters | None, month: str) -> SearchFilters | None:
    """`filters` narrowed to the days of `month` ("YYYY-MM"); None when they leave none of it."""
    start, end = f"{month}-01", f"{month}-31"  # ISO strings compare as dates; day 31 bounds every month
    base = filters or SearchFilters()
    start = max(start, base.date_from or start)
    end = min(end, base.date_to or end)
    return replace(base, date_from=start, date_to=end) if start <= end else None
