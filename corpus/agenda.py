"""The agenda ("Ärenden") of a kallelse: item numbers, titles and the diarienummer as listed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.lines import Line
from corpus.metadata import DnrMatch, iter_dnr

# "- 1 Verksamhetsberättelse (SN 2020:33)", "10 Anmälan …", "1.\tTitel\tSN/2023:00007", "8..\tTitel".
_ENTRY = re.compile(r"^\s*(?:[-*•]\s*)?(\d{1,2})\.{0,2}[ \t]+(\S.*)$")
_HEADING = re.compile(r"^\s*(?:#+\s*)?\**Ärenden\**:?\s*$")
# Agenda rows that are procedure, not ärenden.
_PROCEDURE = {"upprop", "justering", "val av justerare", "godkännande av dagordning"}
# Parenthesised or bare dnr and placeholders, removed from titles: "(SN 2020:33)", ", KS/2016:208)".
_DNR_TEXT = re.compile(
    r"[,\s]*\(?\s*\b[A-ZÅÄÖ]{2,5}\s?/{0,2}\s?(?:19|20)\d\d\s?:\s?[0-9x]+\s*\)?", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    """One agenda row: number, cleaned title, dnr occurrences and the row's line."""

    number: int
    title: str
    dnr: tuple[DnrMatch, ...]
    line: Line


def clean_title(raw: str) -> str:
    """Agenda text without its dnr: "Remiss-Motion-… (L), KS/2016:208)" -> "Remiss-Motion-… (L)"."""
    title = _DNR_TEXT.sub(" ", raw.replace("\t", " "))
    title = re.sub(r"\s+", " ", title).strip(" ,;-–")
    title = re.sub(r"\s+-\s+", " - ", title)
    return title.replace("*", "").strip()


def find_agenda(lines: list[Line]) -> list[AgendaEntry]:
    """Agenda rows after the "Ärenden" heading, numbered 1, 2, 3 … without gaps."""
    start = next((i for i, line in enumerate(lines[:200]) if _HEADING.match(line.text)), None)
    if start is None:
        return []
    entries: list[AgendaEntry] = []
    for line in lines[start + 1:]:
        if not line.stripped or line.stripped.lower() in _PROCEDURE:
            continue
        m = _ENTRY.match(line.text)
        if not m or int(m.group(1)) != len(entries) + 1:
            break
        dnr = tuple(d for d in iter_dnr(line.text))
        entries.append(AgendaEntry(int(m.group(1)), clean_title(m.group(2)), dnr, line))
    return entries
