"""Document structure: the meeting, its items (ärenden) with diarienummer, and their sections."""

from __future__ import annotations

import re
from dataclasses import replace

from corpus import metadata
from corpus.agenda import AgendaEntry, clean_title, find_agenda, find_table_agenda, join_cell
from corpus.cleaning import is_furniture
from corpus.items import ItemStart, Mark, is_person_line, locate_items, protocol_marks
from corpus.lines import Line, next_nonblank, split_lines
from corpus.paragraphs import format_paragraph
from corpus.people import find_people
from corpus.procedure import votes_of_item, with_procedure_sections
from corpus.sections import find_sections, heading_name
from corpus.types import DOC_TYPES, Item, Meeting, Section

_DNR_LINE = re.compile(r"^\s*(Dnr:?|Diarienummer)\s*(\S.*)?$")
# The protocol cover block ("Datum 2019-02-26 / Tid … / Plats …") closes a protokollsutdrag (004 l.651).
_COVER = re.compile(r"^\s*Datum\s+\d{4}-\d\d-\d\d\s*$")


def find_doc_type(text: str) -> str:
    """kallelse, protokollsutdrag, protokoll, tjänsteskrivelse or okänd, from the words the document
    calls itself by ("SAMMANTRÄDESPROTOKOLL", "KALLELSE/UNDERRÄTTELSE", "UTDRAG"), then a converter's
    front matter ("typ: protokoll"), then the protocol furniture."""
    fields, body = metadata.front_matter(text)
    head = text[body:body + 3000]
    paragraphs = metadata.find_paragraphs(text)
    if re.search(r"\bUTDRAG\b|PROTOKOLLSUTDRAG|^\s*Protokollsutdrag\s*$", head, re.MULTILINE):
        return "protokollsutdrag"
    if re.search(r"SAMMANTRÄDESPROTOKOLL|^\s*(PROTOKOLL|Protokoll|Sammanträdesprotokoll)\s*$", head, re.MULTILINE):
        return "protokoll"
    if "Justerandes sign" in text and paragraphs:
        return "protokoll"
    if re.search(r"^\s*(KALLELSE|Kallelse)\b", head, re.MULTILINE) or re.search(r"^\s*Ärenden:?\s*$", head, re.MULTILINE):
        return "kallelse"
    if re.search(r"TJÄNSTESKRIVELSE|^\s*\**Referens\**\s*$", head, re.MULTILINE):
        return "tjänsteskrivelse"
    if fields.get("typ") in DOC_TYPES:
        return fields["typ"]
    if "Utdragsbestyrkande" in text and len(paragraphs) == 1:
        return "protokollsutdrag"
    return "okänd"


def extract_meeting(text: str) -> Meeting:
    """Kommun, nämnd, date, time and place; header labels first, then the protocol cover block, then a
    converter's front matter ("datum: 2025-08-21") for a date the text does not state."""
    fields, body = metadata.front_matter(text)
    head = text[body:body + 4000]
    doc_type = find_doc_type(text)
    date = metadata.find_meeting_date(head) if re.search(r"Tid|Datum|Sammanträde", head) else None
    stated = fields.get("datum") if re.fullmatch(r"\d{4}-\d\d-\d\d", fields.get("datum", "")) else None
    if stated and (date is None or doc_type in ("tjänsteskrivelse", "bilaga")):
        date = stated  # a tjänsteskrivelse's "Datum" is the day it was written, not the meeting
    kommun = metadata.find_kommun(text[body:])
    if kommun is None and fields.get("kommun"):
        kommun = fields["kommun"].replace("_", " ").title()
    return Meeting(
        kommun=kommun,
        committee=metadata.find_committee(text[body:]),
        date=date or metadata.find_meeting_date(text[body:]),
        time=metadata.find_meeting_time(head) or metadata.find_meeting_time(text[body:]),
        place=metadata.find_meeting_place(head) or metadata.find_meeting_place(text[body:]),
        doc_type=doc_type,
        **find_people(text[body:], doc_type).meeting_fields(),  # justering, anslag, ordförande, närvarande
    )


MISSING_LABELS = {"kommun": "kommun okänd", "committee": "nämnd okänd", "date": "datum okänt",
                  "time": "tid okänd", "place": "plats okänd", "doc_type": "dokumenttyp okänd"}


def missing_fields(meeting: Meeting) -> tuple[str, ...]:
    """Swedish labels of the meeting fields the parser could not read, e.g. ("nämnd okänd", "datum okänt")."""
    missing = [label for field, label in MISSING_LABELS.items()
               if getattr(meeting, field) in (None, "", "okänd")]
    return tuple(missing)


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
               start: ItemStart | None = None, paragraph: str | None = None, layered: bool = True) -> Item:
    dnr = _item_dnr(lines, start, first, last)
    while last > first + 1 and not lines[last - 1].stripped:
        last -= 1
    votes, reservations, notes = votes_of_item(lines, first, last, paragraph)
    return Item(
        number=number, title=title,
        diarienummer=tuple(dict.fromkeys(d.canonical for d in dnr)),
        diarienummer_as_written=tuple(dict.fromkeys(d.written for d in dnr)),
        paragraph=paragraph, start=lines[first].start, end=lines[last - 1].end,
        sections=with_procedure_sections(find_sections(lines, first, last, layered), votes, reservations, lines),
        votes=votes, reservations=reservations, notes=notes,
    )


def _kallelse_items(lines: list[Line], agenda: list[AgendaEntry]) -> list[Item]:
    starts = locate_items(lines, agenda, agenda[-1].line.index + 1)
    ends = [s.line for s in starts[1:]] + [len(lines)]
    return [_make_item(lines, s.entry.number, s.entry.title, s.line, end, s) for s, end in zip(starts, ends)]


def _table_items(agenda: list[AgendaEntry]) -> list[Item]:
    """One ärende per agenda-table row; the row is its proposal ("Förslag till beslut")."""
    items: list[Item] = []
    for entry in agenda:
        line = entry.line
        name = "Förslag till beslut" if re.search(r"förslag|beslut", line.text, re.IGNORECASE) else "Ärendet"
        section = Section(name, entry.title, "summary", line.start, line.end)
        items.append(Item(
            number=entry.number, title=entry.title,
            diarienummer=tuple(dict.fromkeys(d.canonical for d in entry.dnr)),
            diarienummer_as_written=tuple(dict.fromkeys(d.written for d in entry.dnr)),
            paragraph=None, start=line.start, end=line.end, sections=(section,),
        ))
    return items


def _is_heading(line: Line) -> bool:
    return heading_name(line) is not None


def _protocol_head(lines: list[Line], mark: Mark, end: int) -> tuple[str, list[metadata.DnrMatch]]:
    """Title and dnr of a § heading: dnr on the § line or on lines of their own, the title on the next
    lines up to a blank line or a section heading; page furniture in between is skipped."""
    line = lines[mark.line]
    dnr = [d for d in metadata.iter_dnr(line.text)]
    inline = clean_title(re.sub(r"^(Dnr:?\s*)", "", mark.rest)) if mark.rest else ""
    if len(inline) > 3 and re.search(r"[^\W\d_]", inline):
        return inline, dnr  # "§ 12 Budget 2025 för simhallen (KFN 2024:33)"
    title: list[str] = []
    for ln in lines[mark.line + 1:min(end, mark.line + 16)]:
        text = ln.plain
        if not text:
            if title:
                break
            continue
        found = metadata.iter_dnr(text)
        if found and not clean_title(re.sub(r"^Dnr:?\s*", "", text)):
            dnr += found
            if title:
                break
            continue
        if is_furniture(text) or re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            continue
        if metadata.is_committee_name(text) and not title:
            continue  # the nämnd line of a running page header ("Nämnden för Teknik")
        if _is_heading(ln) or is_person_line(text) and not title or len(title) >= 10:
            break
        title.append(re.sub(r"\\([()\[\]\-*_.])", r"\1", text))  # Markdown escapes: "00511\)"
    dnr += metadata.iter_dnr("\n".join(title))  # "(KS-2024-\n00511)" in a wrapped title
    return clean_title(join_cell(title)), dnr


def _written_forms(lines: list[Line], first: int, last: int) -> list[tuple[str, str]]:
    """(canonical, as written) of the dnr an item's own labels give ("Diarienummer\n2019/ASN 0036")."""
    return [(d.canonical, d.written) for d in _item_dnr(lines, None, first, last)]


def _protocol_items(lines: list[Line], layered: bool) -> list[Item]:
    """One item per § heading; the title follows it; the cover block ends the last."""
    marks = protocol_marks(lines, _is_heading, lambda line: is_furniture(line.plain)
                           or bool(re.fullmatch(r"\d{4}-\d\d-\d\d", line.plain)))
    cover = next((i for i, line in enumerate(lines) if _COVER.match(line.text)), len(lines))
    items: list[Item] = []
    for k, mark in enumerate(marks):
        end = marks[k + 1].line if k + 1 < len(marks) else max(cover if cover > mark.line else len(lines),
                                                                mark.line + 1)
        title, dnr = _protocol_head(lines, mark, end)
        item = _make_item(lines, mark.number, title, mark.line, end, paragraph=format_paragraph(mark.number),
                          layered=layered)
        if dnr:  # the heading's own number; a "Dnr" line deeper in the text is another ärende's
            canonical = tuple(dict.fromkeys(d.canonical for d in dnr))
            body = [w for w in _written_forms(lines, mark.line, end) if w[0] in canonical]  # other spellings
            written = tuple(dict.fromkeys([d.written for d in dnr] + [w for _, w in body]))
            item = replace(item, diarienummer=canonical, diarienummer_as_written=written)
        items.append(item)
    return items


def extract_items(text: str, doc_type: str | None = None) -> tuple[Item, ...]:
    """The document's ärenden: from its agenda (kallelse), its agenda table, or its § headings (protocol).

    A full protocol holds no tjänsteskrivelse, so its sections stay in one layer (its running page
    headers would otherwise open one); a protokollsutdrag often has the tjänsteskrivelse attached."""
    lines = split_lines(text)
    doc_type = doc_type or find_doc_type(text)
    agenda = find_agenda(lines) if not doc_type.startswith("protokoll") else []  # a protocol's list is its §
    if agenda:
        return tuple(_kallelse_items(lines, agenda))
    table = find_table_agenda(lines)
    if table:
        return tuple(_table_items(table))
    items = _protocol_items(lines, layered=doc_type != "protokoll")
    if not items and doc_type == "tjänsteskrivelse":
        items = _tjansteskrivelse_items(lines)
    return tuple(items)


_LABEL = re.compile(r"^(Datum|Diarienummer|Dnr:?|Ärendenummer|Referens|Mottagare|Till|Handläggare)\b", re.IGNORECASE)


def _tjansteskrivelse_items(lines: list[Line]) -> list[Item]:
    """A standalone tjänsteskrivelse is one ärende: its title is the first line after the header labels
    ("Datum", "Diarienummer" and their values), its dnr the one under "Diarienummer"/"Dnr"."""
    starts = [ln.index for ln in lines if re.fullmatch(r"\**TJÄNSTESKRIVELSE\**", ln.stripped)]
    items: list[Item] = []
    for k, first in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        closing = next((ln.index for ln in lines[first:end] if heading_name(ln) == "Expedieras till"), None)
        if closing is not None:  # the dispatch list closes it; a page after that is another document
            end = next((ln.index for ln in lines[closing:end] if re.match(r"\f|<!-- sida \d+ -->", ln.text)), end)
        title: list[str] = []
        for ln in lines[first + 1:min(end, first + 20)]:
            text = ln.plain
            if not text:
                if title:
                    break
                continue
            if (_LABEL.match(text) or metadata.iter_dnr(text) and not clean_title(text) or is_furniture(text)
                    or re.fullmatch(r"[\d\s()-]+", text)):
                continue
            if _is_heading(ln):
                break
            title.append(text)
        if title:
            items.append(_make_item(lines, None, clean_title(" ".join(title)), first, end))
    return items
