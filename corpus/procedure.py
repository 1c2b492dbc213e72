"""An ärende's procedure as data and as sections: its votes, reservations and notes, cut out to be cited.

corpus/votes.py reads voteringar, reservationer and protokollsanteckningar from text; this module
runs it over one ärende (structure.py) and gives each chunk the ones it shows (chunking.py).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from corpus.lines import Line
from corpus.paragraphs import RESERVATION, VOTERING
from corpus.types import ProtocolNote, Reservation, Section, Vote
from corpus.votes import find_notes, find_reservations, find_votes

_Spanned = TypeVar("_Spanned", Vote, Reservation, ProtocolNote)


def overlapping(found: Sequence[_Spanned], start: int, end: int) -> tuple[_Spanned, ...]:
    """The votes (or reservations) whose span overlaps [start, end): those a chunk there shows."""
    return tuple(f for f in found if f.start < end and start < f.end)


def votes_of_item(lines: Sequence[Line], first: int, last: int, paragraph: str | None = None,
                  ) -> tuple[tuple[Vote, ...], tuple[Reservation, ...], tuple[ProtocolNote, ...]]:
    """Voteringar, reservationer and protokollsanteckningar of the ärende on lines[first:last].

    Offsets point into the document.
    """
    if last <= first:
        return (), (), ()
    base = lines[first].start
    text = "\n".join(line.text for line in lines[first:last])
    votes = tuple(replace(v, start=v.start + base, end=v.end + base) for v in find_votes(text, paragraph=paragraph))
    reservations = tuple(replace(r, start=r.start + base, end=r.end + base) for r in find_reservations(text))
    notes = tuple(replace(n, start=n.start + base, end=n.end + base) for n in find_notes(text))
    return votes, reservations, notes


_RESERVATION_HEADING = re.compile(r"^\W*Reservation(?:er)?\W*$", re.IGNORECASE)


def _procedure_spans(votes: Sequence[Vote], reservations: Sequence[Reservation],
                     lines: Sequence[Line]) -> list[tuple[int, int, str]]:
    """Line-aligned (start, end, section name) spans: one per votering, one per run of reservations."""
    starts = [line.start for line in lines]

    def line_of(offset: int) -> int:
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    spans = [(lines[line_of(v.start)].start, lines[line_of(max(v.end - 1, v.start))].end, VOTERING) for v in votes]
    for r in reservations:
        i, j = line_of(r.start), line_of(max(r.end - 1, r.start))
        above = i - 1
        while above >= 0 and not lines[above].stripped:
            above -= 1
        if above >= 0 and _RESERVATION_HEADING.match(lines[above].stripped):
            i = above  # the "Reservation" heading belongs to the reservation it heads
        start, end = lines[i].start, lines[j].end
        previous = spans[-1] if spans else None
        # Reservations one after another ("… reserverar sig skriftligt. / Bilaga C / …") form one section.
        if previous and previous[2] == RESERVATION and len("".join(ln.stripped for ln in lines
                                                                    if previous[1] <= ln.start < start)) <= 40:
            spans[-1] = (previous[0], end, RESERVATION)
        else:
            spans.append((start, end, RESERVATION))
    spans.sort()
    kept: list[tuple[int, int, str]] = []
    for span in spans:  # a reservation quoted inside a votering's span stays in it
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def with_procedure_sections(sections: Sequence[Section], votes: Sequence[Vote], reservations: Sequence[Reservation],
                            lines: Sequence[Line]) -> tuple[Section, ...]:
    """Sections with each votering and run of reservations cut out as its own "Votering"/"Reservation" section.

    A votering is usually a paragraph inside "Propositionsordning" or "Beslutsgång" with no heading
    of its own; cutting it out makes the chunk that holds the counts citable as "Votering".
    """
    spans = _procedure_spans(votes, reservations, lines) if votes or reservations else []
    if not spans:
        return tuple(sections)
    text_at = {line.start: line.plain for line in lines}
    out: list[Section] = []
    for section in sections:
        cursor = section.start
        for start, end, name in spans:
            start, end = max(start, section.start), min(end, section.end)
            if start >= end:
                continue
            if start > cursor:
                out.append(replace(section, start=cursor, end=start))
            out.append(Section(name, text_at.get(start, name)[:100], section.layer, start, end))
            cursor = end
        if cursor < section.end:
            out.append(replace(section, start=cursor, end=section.end))
    merged: list[Section] = []
    for section in out:
        if merged and merged[-1].name == section.name and merged[-1].layer == section.layer:
            merged[-1] = replace(merged[-1], end=section.end)
        else:
            merged.append(section)
    return tuple(s for s in merged if s.end > s.start)
