"""Domain objects of a parsed nämnd document: Meeting, Section, Item, Document and Chunk."""

from __future__ import annotations

from dataclasses import dataclass

# Document types, as a nämndsekreterare names them.
DOC_TYPES = ("kallelse", "protokoll", "protokollsutdrag", "tjänsteskrivelse", "bilaga", "okänd")
# Which layer of an ärende a piece of text belongs to (CORPUS_NOTES §6).
LAYERS = ("summary", "tjansteskrivelse", "bilaga")


@dataclass(frozen=True, slots=True)
class Meeting:
    """When and where a nämnd met, and what kind of document describes it."""

    kommun: str | None  # "Botkyrka"
    committee: str | None  # "Socialnämnden"
    date: str | None  # ISO "2023-02-14"
    time: str | None  # "18:00" or "18:30–19:45"
    place: str | None
    doc_type: str  # one of DOC_TYPES


@dataclass(frozen=True, slots=True)
class Section:
    """A headed part of an ärende ("Beslut", "Sammanfattning", ...); offsets into Document.text."""

    name: str  # canonical heading, e.g. "Beslut", "Ärendet"
    heading: str  # the heading as written
    layer: str  # one of LAYERS
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Item:
    """An agenda item (ärende) with its diarienummer and sections."""

    number: int | None  # agenda number; None when the agenda has none
    title: str
    diarienummer: tuple[str, ...]  # canonical forms, e.g. ("SN/2023:144",)
    diarienummer_as_written: tuple[str, ...]  # every surface form, agenda + body
    paragraph: str | None  # "§ 1014" in a protocol, else None
    start: int
    end: int
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed source file; `text` is the decoded source and all offsets point into it."""

    doc_id: str  # sha256 of the decoded text (first 16 hex digits)
    source_file: str  # file name as ingested, e.g. "001_b45e768bb4a60bb9.txt"
    text: str
    meeting: Meeting
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable slice of one ärende; the unit we cite."""

    chunk_id: str  # content hash, stable across re-indexing
    doc_id: str
    source_file: str
    text: str  # cleaned: page headers and furniture removed
    meeting: Meeting
    item_number: int | None
    item_title: str | None
    diarienummer: tuple[str, ...]
    diarienummer_as_written: tuple[str, ...]
    section: str | None
    layer: str | None
    paragraph: str | None
    start_char: int  # offsets of the chunk's span in Document.text
    end_char: int
    duplicate_of: str | None = None  # chunk_id of the first chunk with the same (decision) text

    def to_record(self) -> dict[str, object]:
        """The flat JSON form used by `namnd chunks --jsonl` and `namnd search --json`."""
        return {
            "chunk_id": self.chunk_id,
            "source_file": self.source_file,
            "kommun": self.meeting.kommun,
            "namnd": self.meeting.committee,
            "meeting_date": self.meeting.date,
            "meeting_time": self.meeting.time,
            "meeting_place": self.meeting.place,
            "doc_type": self.meeting.doc_type,
            "item_number": self.item_number,
            "item_title": self.item_title,
            "diarienummer": list(self.diarienummer),
            "diarienummer_as_written": list(self.diarienummer_as_written),
            "section": self.section,
            "layer": self.layer,
            "paragraph": self.paragraph,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "duplicate_of": self.duplicate_of,
            "doc_id": self.doc_id,
            "text": self.text,
        }
