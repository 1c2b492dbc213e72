"""Item (ärende) boundaries: map agenda rows to where each item starts in the body.

The body starts an item in five ways (CORPUS_NOTES §2): "**1****Titel****Beslut**", the number alone
on a line, "01 Titel (SN 2023:00007)", no number at all, or a "Socialnämnd/Kod:/Dnr:" block before the
number. We search for each agenda number in order and fall back to the title for unnumbered items.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from corpus.agenda import AgendaEntry
from corpus.lines import Line, next_nonblank, similarity, stems
from corpus.paragraphs import PARAGRAPH_HEADING

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


# --- protocols: one ärende per § heading ---------------------------------------------------------

_TOC_HEADING = re.compile(r"^(Innehåll|Innehållsförteckning|Ärendelista|Föredragningslista|Dagordning)\s*:?$",
                          re.IGNORECASE)
_PAGE_COLUMN = re.compile(r"^(Sida \d+( av \d+)?|\d+ ?\(\d+\)|Sammanträdesdatum|(Dokumentreferens|Document reference):.*)$")
_LEADER = re.compile(r"(\.{3,}|…)\s*\d{1,3}\s*$")  # "Årsrapport dataskydd 2024 ..... 3"
_PERSON = re.compile(r"^[A-ZÅÄÖÉ][a-zåäöéü'-]+(?: [A-ZÅÄÖÉ][a-zåäöéü'-]+){1,3},")


@dataclass(frozen=True, slots=True)
class Mark:
    """A § heading: its line, number, the text after it and whether it continues an earlier page."""

    line: int
    number: int
    organ: str | None
    rest: str  # text after the number on the same line, page columns removed
    continued: bool  # "BUN § 26 (fort.)"
    ranged: bool = False  # "§§ 101-102", "§103-§112"


def find_marks(lines: list[Line]) -> list[Mark]:
    """Every line that looks like a § heading, in order."""
    marks: list[Mark] = []
    for line in lines:
        m = PARAGRAPH_HEADING.match(line.text.replace("\f", ""))
        if not m or (m.group("rest") and not m.group("rest")[:1].isspace()):
            continue
        columns = [c for c in re.split(r"\s{2,}|\t", m.group("rest").strip()) if c and not _PAGE_COLUMN.match(c)]
        rest = "   ".join(columns)
        if rest and not (rest[:1].isupper() or rest.startswith("Dnr")) or re.search(r"[.,;]$", rest):
            continue  # "§ 5, upphör därmed att gälla." is prose
        marks.append(Mark(line.index, int(m.group("num")), m.group("organ"), rest, bool(m.group("fort")),
                          bool(m.group("more"))))
    return marks


def is_person_line(text: str) -> bool:
    """"Jens Ingelsäter, utvecklingsledare," / "Karin Nielsen, enhetschef": a presenter, never a title."""
    return bool(_PERSON.match(text.strip()))


def _toc_lines(lines: list[Line], is_heading: Callable[[Line], bool]) -> set[int]:
    """Lines of a table of contents ("Innehåll", "Ärendelista"): up to the body's first section heading,
    minus the last § heading before it (the first ärende of the body)."""
    toc: set[int] = set()
    for line in lines:
        if not _TOC_HEADING.match(line.plain):
            continue
        first_heading = next((ln.index for ln in lines[line.index + 1:] if is_heading(ln)), len(lines))
        inside = [mk.line for mk in find_marks(lines[line.index:first_heading])]
        toc |= set(range(line.index, inside[-1] if inside else line.index + 1))
        break
    return toc


def _increasing(marks: list[Mark]) -> list[Mark]:
    """The longest run of marks whose numbers rise in reading order: a protocol numbers its § upwards,
    so a stray "§ 118" in a list of attendees or "§ 5 SoL" inside § 145 falls out, whichever comes first."""
    best: list[list[Mark]] = []
    for k, mark in enumerate(marks):
        prior = [best[j] for j in range(k) if marks[j].number < mark.number]
        best.append(max(prior, key=len, default=[]) + [mark])
    return max(best, key=len, default=[])


def protocol_marks(lines: list[Line], is_heading: Callable[[Line], bool],
                   is_boundary: Callable[[Line], bool] = lambda line: False) -> list[Mark]:
    """The § headings that start an ärende: not a continuation, not in a table of contents, not a
    table-of-contents row, a bare "§ 154" only where it opens a block (after a blank line or page
    furniture, `is_boundary`) or a section heading follows, and numbered upwards."""
    toc = _toc_lines(lines, is_heading)
    candidates = [mk for mk in find_marks(lines) if not mk.continued and mk.line not in toc]
    kept: list[Mark] = []
    for k, mark in enumerate(candidates):
        nxt = candidates[k + 1].line if k + 1 < len(candidates) else len(lines)
        following = [ln for ln in lines[mark.line + 1:nxt] if ln.stripped][:40]
        if following and _LEADER.search(following[0].text) and not is_heading(following[0]):
            continue  # a contents row "§ 3 Dnr …" / "Omfördelning … 7"
        if mark.ranged and not mark.rest:
            continue  # "§103-§112" lists a protocol's paragraphs; "§§ 13-14 Val av ombud" heads one ärende
        if following and not mark.rest and is_person_line(following[0].text):
            continue  # "§ 112\nJens Ingelsäter, utvecklingsledare," in a list of who attended what
        starts_block = mark.line == 0 or not lines[mark.line - 1].stripped or is_boundary(lines[mark.line - 1])
        if not mark.rest and not mark.organ and not (starts_block or any(is_heading(ln) for ln in following)):
            continue
        kept.append(mark)
    return _increasing(kept)
