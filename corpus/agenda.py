"""The agenda ("Ärenden") of a kallelse: item numbers, titles and the diarienummer as listed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.lines import Line
from corpus.metadata import DnrMatch, iter_dnr

# "- 1 Verksamhetsberättelse (SN 2020:33)", "10 Anmälan …", "1.\tTitel\tSN/2023:00007", "8..\tTitel".
_ENTRY = re.compile(r"^\s*(?:[-*•]\s*)?(\d{1,2})\.{0,2}[ \t]+(\S.*)$")
_HEADING = re.compile(r"^\s*(?:#+\s*)?\**(Ärenden|Ärendelista|Föredragningslista|Dagordning)\**:?\s*$")
# Agenda rows that are procedure, not ärenden.
_PROCEDURE = {"upprop", "justering", "val av justerare", "godkännande av dagordning"}
# Parenthesised or bare dnr and placeholders, removed from titles: "(SN 2020:33)", ", KS/2016:208)".
_DNR_TEXT = re.compile(
    r"[,\s]*\(?\s*\b(?:[A-ZÅÄÖ]{2,5}[ /](?=[A-ZÅÄÖ]))?[A-ZÅÄÖ]{2,5}\s?/{0,2}\s?(?:19|20)\d\d\s?:\s?[0-9xX]+\s*\)?"
    r"|[,\s]*\(?\s*\b[A-ZÅÄÖ]{2,5}-(?:19|20)\d\d-\s?\d{3,6}\s*\)?"
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
    title = raw.replace("\t", " ")
    for d in reversed(iter_dnr(title)):  # every style iter_dnr knows, with its "(Dnr …)" wrapping
        before = re.search(r"[,\s]*\(?\s*(?:Dnr[:.]?\s*)?$", title[:d.start])
        after = re.match(r"\s*\)?", title[d.end:])
        title = title[:before.start() if before else d.start] + " " + title[d.end + (after.end() if after else 0):]
    title = _DNR_TEXT.sub(" ", title)  # placeholders ("SN 2016:xx") too
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


# --- agenda as a Markdown table (PDF converters): "| 1. | Titel<br>Namn, roll | IF-2023-<br>00055 | Förslag |" ---

_ROW = re.compile(r"^\|\s*(\d{1,3})\.?\s*\|(.*)\|\s*$")
_TITLE_COLUMN = re.compile(r"^(Ärende|Ärenden|Ärenderubrik|Ärendemening|Rubrik)$", re.IGNORECASE)
_DNR_COLUMN = re.compile(r"^(Beteckning|Dnr|Diarienummer|Diarienr|Ärendenummer|Ärendenr)\.?$", re.IGNORECASE)
# Lines of a title cell that are no part of the title: presenters, "Föredragande: …", a time slot.
_PERSON = re.compile(r"^[A-ZÅÄÖÉ][a-zåäöéü'-]+(?: [A-ZÅÄÖÉ][a-zåäöéü'-]+){1,3},")
_NOT_TITLE = re.compile(r"^(Föredragande|Handläggare|Ansvarig|Närvarande)\b|^\d{1,2}[:.]\d\d(\s*[–-]\s*\d{1,2}[:.]\d\d)?$")
_SUSPENDED = re.compile(r"^(och|eller|samt|respektive|resp\.|till)\b")


def cell_lines(cell: str) -> list[str]:
    """A table cell's lines ("<br>"-separated), stripped."""
    return [part.strip() for part in re.split(r"<br\s*/?>", cell)]


def join_cell(parts: list[str]) -> str:
    """Rejoin a cell's lines: "VA-" + "ledningar" -> "VA-ledningar", "Klimat-" + "och" keeps its space."""
    text = ""
    for part in parts:
        if not part:
            continue
        if re.search(r"\w-$", text) and not _SUSPENDED.match(part):
            text += part
        else:
            text = f"{text} {part}" if text else part
    return text


def table_title(cell: str) -> str:
    """The title lines of an agenda cell: up to the first presenter, "Föredragande:" or time line."""
    kept: list[str] = []
    for part in cell_lines(cell):
        if _PERSON.match(part) or _NOT_TITLE.match(part):
            break
        kept.append(part)
    return clean_title(join_cell(kept))


def _columns(header: str) -> list[str]:
    return [c.strip() for c in header.strip().strip("|").split("|")]


def find_table_agenda(lines: list[Line]) -> list[AgendaEntry]:
    """Numbered rows of agenda tables whose header names an "Ärende" column (numbered 1, 2, 3 …)."""
    entries: list[AgendaEntry] = []
    title_col = dnr_col = None
    for line in lines:
        text = line.stripped
        if text.startswith("|") and any(_TITLE_COLUMN.match(c) for c in _columns(text)):
            columns = _columns(text)
            title_col = next(i for i, c in enumerate(columns) if _TITLE_COLUMN.match(c))
            dnr_col = next((i for i, c in enumerate(columns) if _DNR_COLUMN.match(c)), None)
            continue
        m = _ROW.match(text)
        if not m or title_col is None or int(m.group(1)) <= (entries[-1].number if entries else 0):
            continue  # a row the converter printed as plain text leaves a gap in the numbering
        cells = _columns(text)
        if len(cells) <= title_col:
            continue
        dnr_cell = cells[dnr_col] if dnr_col is not None and dnr_col < len(cells) else ""
        at = line.text.find(dnr_cell) if dnr_cell else -1
        dnr = [d for d in iter_dnr(dnr_cell)] if at >= 0 else []
        dnr = [DnrMatch(d.canonical, d.written, line.start + at + d.start, line.start + at + d.end) for d in dnr]
        at = line.text.find(cells[title_col])
        dnr += [DnrMatch(d.canonical, d.written, line.start + at + d.start, line.start + at + d.end)
                for d in iter_dnr(cells[title_col])]
        entries.append(AgendaEntry(int(m.group(1)), table_title(cells[title_col]), tuple(dnr), line))
    return entries
