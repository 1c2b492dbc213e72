"""Tables with a row of years: "Total Sjukfrånvaro %  7,1 %  7,6 %  7,1 %" under "2020  2021  2022".

Verksamhetsberättelser, budgets and delårsrapporter give year-by-year figures as tables; as text a row is no
sentence, and which figure belongs to which year is told only by the header above it. A comparison of years
("2021 jämfört med 2022") is answered from the row whose label matches the question, one cell per year, quoting
the row verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.sentences import terms

_YEAR_CELL = re.compile(r"^(?:19|20)\d\d$")
_SEPARATOR = re.compile(r"^[\s|:\-]+$")  # markdown "|---|---|"
_FIGURE = re.compile(r"\d")
# The row label must hold this share of the question's topic words. Chosen on tune (dev2_tune d2-028 gained, no
# tune part lost a question); no held-out gain measured for it alone (docs/evaluation.md, "Session 3 figures").
MIN_ROW_RELEVANCE = 0.3


@dataclass(frozen=True, slots=True)
class YearRow:
    """One table row read under its header: the row as written and its value in each year's column."""

    label: str
    line: str  # the row line, verbatim (stripped of surrounding whitespace)
    values: dict[str, str]  # year -> cell as written ("7,6 %")

    @property
    def columns(self) -> str:
        """The header's years in column order ("2020, 2021, 2022"): what tells the quoted row's cells apart."""
        return ", ".join(self.values)


def _cells(line: str) -> list[str]:
    """Cells of a tab, pipe or wide-space separated line ("Total\t7,1 %\t7,6 %", "| Total | 7,1 % |")."""
    if "|" in line:
        return [c.strip() for c in line.strip().strip("|").split("|")]
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return [c.strip() for c in re.split(r" {2,}", line.strip())]


def year_rows(text: str) -> list[YearRow]:
    """Every row of `text` under a header line of two or more years, with its value per year (cells aligned from
    the right, so a header without a label cell still lines up; a row of figures only takes the caption line
    above the header as its label)."""
    rows: list[YearRow] = []
    years: list[str] = []
    previous = caption = ""  # the line before a header: the caption of a table whose rows carry no label
    for raw in text.splitlines():
        if not raw.strip() or _SEPARATOR.match(raw):
            continue
        filled = [c for c in _cells(raw) if c]
        found = [c for c in filled if _YEAR_CELL.match(c)]
        if len(found) >= 2 and len(found) >= len(filled) - 1:
            years, caption = found, previous  # a header: years, perhaps after one label cell
            continue
        previous = raw.strip()
        if not years:
            continue
        unlabeled = len(filled) == len(years) and bool(caption) and all(_FIGURE.search(c) for c in filled)
        if not unlabeled and (len(filled) < len(years) + 1 or not all(_FIGURE.search(c) for c in filled[-len(years):])):
            if len(filled) <= 1 or not any(_FIGURE.search(c) for c in filled):
                years = []  # prose after the table: the header no longer applies
            continue
        # "Nedan redovisas … resultat … under åren 2013-2018 i mkr." over "2013 … 2018" / "3,3 … -11,5": a row
        # of figures only is labelled by the caption line above the header.
        label = caption if unlabeled else " ".join(filled[:-len(years)])
        if _FIGURE.search(label) and not re.search(r"[^\W\d_]{3,}", label):
            continue
        rows.append(YearRow(label, raw.strip(), dict(zip(years, filled[-len(years):]))))
    return rows


def best_row(query_terms: set[str], text: str, years: Sequence[str]) -> YearRow | None:
    """The row of `text` holding every one of `years` whose label best matches the question's topic words."""
    if not query_terms:
        return None
    scored = [(len(terms(row.label) & query_terms) / len(query_terms), row) for row in year_rows(text)
              if all(y in row.values for y in years)]
    scored = [(s, r) for s, r in scored if s >= MIN_ROW_RELEVANCE]
    return max(scored, key=lambda sr: sr[0])[1] if scored else None
