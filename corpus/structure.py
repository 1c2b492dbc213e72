"""Document structure: the meeting, its items (ärenden) with diarienummer, and their sections."""

from __future__ import annotations

import re

from corpus import metadata
from corpus.agenda import AgendaEntry, find_agenda
from corpus.items import ItemStart, locate_items
from corpus.lines import Line, next_nonblank, split_lines
from corpus.sections import find_sections, heading_name
from corpus.types import Item, Meeting

_DNR_LINE = re.compile(r"^\s*(Dnr:?|Diarienummer)\s*(\S.*)?$")
_PARAGRAPH_LINE = re.compile(r"^\s*§\s?(\d{1,4})\s*$")
# The protocol cover block ("Datum 2019-02-26 / Tid … / Plats …") closes a protokollsutdrag (004 l.651).
_COVER = re.compile(r"^\s*Datum\s+\d{4}-\d\d-\d\d\s*$")


def find_doc_type(text: str) -> str:
    """kallelse, protokollsutdrag, protokoll, tjänsteskrivelse or okänd, from header words."""
    head = text[:3000]
    paragraphs = metadata.find_paragraphs(text)
    if "UTDRAG" in head or ("Utdragsbestyrkande" in text and len(paragraphs) == 1):
        return "protokollsutdrag"
    if "Justerandes sign" in text and paragraphs:
        return "protokoll"
    if re.search(r"\bKallelse\b", head, re.IGNORECASE) or re.search(r"^\s*Ärenden:?\s*$", head, re.M):
        return "kallelse"
    if re.search(r"TJÄNSTESKRIVELSE|^\s*\**Referens\**\s*$", head, re.MULTILINE):
        return "tjänsteskrivelse"
    return "okänd"


def extract_meeting(text: str) -> Meeting:
    """Kommun, nämnd, date, time and place; header labels first, then the protocol cover block."""
    head = text[:4000]
    return Meeting(
        kommun=metadata.find_kommun(text),
        committee=metadata.find_committee(text),
        date=metadata.find_meeting_date(head) if "Tid" in head else metadata.find_meeting_date(text),
        time=metadata.find_meeting_time(head) or metadata.find_meeting_time(text),
        place=metadata.find_meeting_place(head) or metadata.find_meeting_place(text),
        doc_type=find_doc_type(text),
    )


def _item_dnr(lines: list[Line], start: ItemStart | None, first: int, last: int) -> list[metadata.DnrMatch]:
    """Agenda dnr, dnr in the item's heading lines, and the tjänsteskrivelse's own Dnr lines."""
    found = list(start.entry.dnr) if start else []
    head_end = first
    for line in lines[first:last][:12]:  # heading up to the first section heading ("…KS/2016:111****Beslut**")
        head_end = line.index + 1
        if heading_name(line):
            break
    found += [d for line in lines[first:head_end] for d in metadata.iter_dnr(line.text)]
    for i in range(first, last):
        m = _DNR_LINE.match(lines[i].text)
        if not m:
            continue
        rest = m.group(2) or " ".join(line.text for line in next_nonblank(lines, i, 1))
        if ":" in (m.group(2) or "") and "/" not in (m.group(2) or "") and not metadata.iter_dnr(rest):
            continue  # "Dnr för ansökan: 15193/2022" is Socialstyrelsen's number
        found += metadata.iter_dnr(rest)
    return found


def _make_item(lines: list[Line], number: int | None, title: str, first: int, last: int,
               start: ItemStart | None = None, paragraph: str | None = None) -> Item:
    dnr = _item_dnr(lines, start, first, last)
    while last > first + 1 and not lines[last - 1].stripped:
        last -= 1
    return Item(
        number=number, title=title,
        diarienummer=tuple(dict.fromkeys(d.canonical for d in dnr)),
        diarienummer_as_written=tuple(dict.fromkeys(d.written for d in dnr)),
        paragraph=paragraph, start=lines[first].start, end=lines[last - 1].end,
        sections=tuple(find_sections(lines, first, last)),
    )


def _kallelse_items(lines: list[Line], agenda: list[AgendaEntry]) -> list[Item]:
    starts = locate_items(lines, agenda, agenda[-1].line.index + 1)
    ends = [s.line for s in starts[1:]] + [len(lines)]
    return [_make_item(lines, s.entry.number, s.entry.title, s.line, end, s) for s, end in zip(starts, ends)]


def _protocol_items(lines: list[Line]) -> list[Item]:
    """One item per "§ N" line; the title is the first heading after it; the cover block ends the last."""
    marks = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _PARAGRAPH_LINE.match(line.text))]
    cover = next((i for i, line in enumerate(lines) if _COVER.match(line.text)), len(lines))
    items: list[Item] = []
    for k, (i, number) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else max(cover, i + 1)
        titles = [ln.plain for ln in next_nonblank(lines, i, 4) if not _DNR_LINE.match(ln.text)]
        title = next((t for t in titles if not heading_name(Line(0, 0, 0, t))), titles[0] if titles else "")
        items.append(_make_item(lines, int(number), title, i, end, paragraph=f"§ {number}"))
    return items


def extract_items(text: str) -> tuple[Item, ...]:
    """The document's ärenden: from its agenda (kallelse) or its § lines (protocol)."""
    lines = split_lines(text)
    agenda = find_agenda(lines)
    return tuple(_kallelse_items(lines, agenda) if agenda else _protocol_items(lines))
