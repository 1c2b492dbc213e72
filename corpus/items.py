"""Item (ärende) boundaries: map agenda rows to where each item starts in the body.

The body starts an item in five ways (CORPUS_NOTES §2): "**1****Titel****Beslut**", the number alone
on a line, "01 Titel (SN 2023:00007)", no number at all, or a "Socialnämnd/Kod:/Dnr:" block before the
number. We search for each agenda number in order and fall back to the title for unnumbered items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.agenda import AgendaEntry
from corpus.lines import Line, next_nonblank, similarity, stems

_DECISION = re.compile(r"^(Beslut|Förslag till beslut)\s*:?$", re.IGNORECASE)
# Lines that may sit in a metadata block just above an item's first line (003 l.64-72).
_META = re.compile(r"^(Socialnämnd(en)?|\d{4}-\d\d-\d\d|Kod:.*|Dnr:?\s.*)$", re.IGNORECASE)
_TITLE_MIN = 0.5  # share of title stems a body heading must repeat


@dataclass(frozen=True, slots=True)
class ItemStart:
    """Where an agenda entry begins in the body; `head` is the heading text as written."""

    entry: AgendaEntry
    line: int  # index of the first line that belongs to the item
    head: str


def _like_title(head: str, title: str) -> bool:
    """A body heading repeats the agenda title: half its words, and two unless the title has one."""
    if re.search(r"\t\d+\s*$", head):  # a table-of-contents row "3 Kvalitetsredovisning 2019\t8"
        return False
    shared = len(stems(head) & stems(title))
    return shared >= min(2, len(stems(title))) and similarity(head, title) >= _TITLE_MIN


def _number_start(lines: list[Line], i: int, entry: AgendaEntry) -> str | None:
    """The heading text if line i starts `entry` by its number, else None."""
    n, text = entry.number, lines[i].stripped
    m = re.match(rf"^\*\*0?{n}\*\*\*\*(.+)$", text)
    if m:  # "**1****Verksamhetsberättelse (SN/2020:33)****Beslut**"; the title may wrap
        return m.group(1) + " " + lines[i + 1].text if i + 1 < len(lines) else m.group(1)
    if text in (str(n), f"{n:02d}"):
        following = next_nonblank(lines, i, 2)
        head = " ".join(line.plain for line in following)
        return head if _like_title(head, entry.title) else None
    m = re.match(rf"^0?{n}\.?\s+(\S.*)$", lines[i].text.strip(" "))
    if m and _like_title(m.group(1), entry.title):
        return m.group(1)
    return None


def _title_start(lines: list[Line], lo: int, hi: int, entry: AgendaEntry) -> int | None:
    """An unnumbered item: a line like its title, followed by a decision heading (002 items 2, 9)."""
    for i in range(lo, hi):
        text = lines[i].plain
        if not text or len(text) > 200 or not _like_title(text, entry.title):
            continue
        if any(_DECISION.match(line.plain) for line in next_nonblank(lines, i, 2)):
            return i
    return None


def _extend_back(lines: list[Line], i: int, floor: int) -> int:
    """Include a metadata block or running "Socialnämnden" line directly above the item's first line."""
    j = i
    while j - 1 > floor and (not lines[j - 1].stripped or _META.match(lines[j - 1].stripped)):
        j -= 1
    while j < i and not lines[j].stripped:  # do not start on blank lines
        j += 1
    return j


def locate_items(lines: list[Line], agenda: list[AgendaEntry], body_from: int) -> list[ItemStart]:
    """Start lines of the agenda's items in the body, in agenda order (unfound items are dropped)."""
    found: dict[int, tuple[int, str]] = {}
    cursor = body_from
    for entry in agenda:
        for i in range(cursor, len(lines)):
            head = _number_start(lines, i, entry)
            if head is not None:
                found[entry.number] = (i, head)
                cursor = i + 1
                break
    for k, entry in enumerate(agenda):  # second pass: items without a number in the body
        if entry.number in found:
            continue
        lo = max([found[e.number][0] + 3 for e in agenda[:k] if e.number in found] or [body_from])
        hi = min([found[e.number][0] for e in agenda[k + 1:] if e.number in found] or [len(lines)])
        i = _title_start(lines, lo, hi, entry)
        if i is not None:
            found[entry.number] = (i, lines[i].plain)
    starts: list[ItemStart] = []
    previous = body_from - 1
    for entry in agenda:
        if entry.number in found:
            i, head = found[entry.number]
            starts.append(ItemStart(entry, _extend_back(lines, i, previous), head))
            previous = i
    return starts
