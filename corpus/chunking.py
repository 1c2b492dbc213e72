"""Document -> list[Chunk]: one cleaned section at a time, split by an injected sentence splitter.

Chunks never cross an item (ärende) or section boundary. Each carries the meeting, item and section
metadata and the span of Document.text it came from. The splitter is a plain function around
llama-index's SentenceSplitter (the RAGatouille seam), so tests can inject their own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from llama_index.core.node_parser import SentenceSplitter

from corpus.cleaning import clean_lines
from corpus.decision_state import decision_state
from corpus.lines import split_lines
from corpus.procedure import overlapping
from corpus.settings import CorpusSettings
from corpus.types import Chunk, Document, Item

Splitter = Callable[[str], list[str]]
# Sections whose text is repeated by the tjänsteskrivelse (CORPUS_NOTES §6); near-copies are marked.
_REPEATED_SECTIONS = {"Beslut", "Förslag till beslut", "Sammanfattning"}
_NEAR_DUPLICATE = 0.8  # word-set Jaccard; "godkänner delårsrapport 2 (inklusive …) och" still matches


@dataclass(frozen=True, slots=True)
class _Region:
    """A span of the document chunked on its own: one section of one item, or the header."""

    start: int
    end: int
    item: Item | None
    section: str | None
    layer: str | None


def make_splitter(settings: CorpusSettings | None = None) -> Splitter:
    """SentenceSplitter measuring characters (not tokens): 900 chars ≈ 250 e5 tokens."""
    settings = settings or CorpusSettings()
    splitter = SentenceSplitter(
        chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap,
        tokenizer=list, paragraph_separator="\n\n",
    )
    return splitter.split_text


def _regions(doc: Document) -> list[_Region]:
    """Header before the first item, every item section, and the trailer (protocol cover block)."""
    if not doc.items:
        return [_Region(0, len(doc.text), None, None, None)]
    header = "Kallelse" if doc.meeting.doc_type == "kallelse" else "Dokumenthuvud"
    regions = [_Region(0, doc.items[0].start, None, header, None)]
    for k, item in enumerate(doc.items):
        if k and doc.text[doc.items[k - 1].end:item.start].strip():  # text between agenda-table rows
            regions.append(_Region(doc.items[k - 1].end, item.start, None, header, None))
        regions += [_Region(s.start, s.end, item, s.name, s.layer) for s in item.sections]
    trailer = "Protokoll" if doc.meeting.doc_type.startswith("protokoll") else "Övrigt"
    regions.append(_Region(doc.items[-1].end, len(doc.text), None, trailer, None))
    return [r for r in regions if r.end > r.start]


def chunk_id(doc_id: str, start: int, end: int, text: str) -> str:
    """Content hash: the same text at the same place in the same document always gets the same id."""
    return hashlib.sha256(f"{doc_id}|{start}|{end}|{text}".encode()).hexdigest()[:16]


def _region_chunks(doc: Document, region: _Region, split: Splitter) -> list[Chunk]:
    lines = split_lines(doc.text[region.start:region.end])
    cleaned = clean_lines(lines)
    chunks: list[Chunk] = []
    cursor = 0
    for piece in split(cleaned.text):
        piece = piece.strip()
        at = cleaned.text.find(piece, cursor) if piece else -1
        if at < 0:
            continue
        cursor = at + 1
        start = region.start + cleaned.source_offset(at)
        end = region.start + cleaned.source_offset(at + len(piece) - 1) + 1
        item = region.item
        chunks.append(Chunk(
            chunk_id=chunk_id(doc.doc_id, start, end, piece), doc_id=doc.doc_id,
            source_file=doc.source_file, text=piece, meeting=doc.meeting,
            item_number=item.number if item else None, item_title=item.title if item else None,
            diarienummer=item.diarienummer if item else (),
            diarienummer_as_written=item.diarienummer_as_written if item else (),
            section=region.section, layer=region.layer, paragraph=item.paragraph if item else None,
            start_char=start, end_char=end,
            decision_state=decision_state(doc.meeting.doc_type, region.section, region.layer, item is not None),
            votes=overlapping(item.votes, start, end) if item else (),
            reservations=overlapping(item.reservations, start, end) if item else (),
            notes=overlapping(item.notes, start, end) if item else (),
        ))
    return chunks


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def _mark_duplicates(chunks: list[Chunk]) -> list[Chunk]:
    """Set duplicate_of on exact repeats, and on near-repeats of decision/summary text in one item."""
    first_by_text: dict[str, str] = {}
    seen: list[tuple[Chunk, frozenset[str]]] = []
    out: list[Chunk] = []
    for chunk in chunks:
        key = " ".join(re.findall(r"\w+", chunk.text.lower()))
        original = first_by_text.setdefault(key, chunk.chunk_id)
        words = _words(chunk.text)
        if original == chunk.chunk_id and chunk.section in _REPEATED_SECTIONS:
            for other, other_words in seen:
                same_item = (other.item_number, other.item_title) == (chunk.item_number, chunk.item_title)
                overlap = len(words & other_words) / max(len(words | other_words), 1)
                if same_item and overlap >= _NEAR_DUPLICATE:
                    original = other.chunk_id
                    break
            else:
                seen.append((chunk, words))
        out.append(chunk if original == chunk.chunk_id else replace(chunk, duplicate_of=original))
    return out


def chunk_document(doc: Document, settings: CorpusSettings | None = None,
                   splitter: Splitter | None = None) -> list[Chunk]:
    """All chunks of a document in reading order."""
    split = splitter or make_splitter(settings)
    chunks = [c for region in _regions(doc) for c in _region_chunks(doc, region, split)]
    return _mark_duplicates(chunks)
