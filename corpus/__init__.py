"""Parsing and chunking of nämnd documents."""

from corpus.chunking import chunk_document
from corpus.errors import ParseError
from corpus.language import detect_language
from corpus.metadata import find_diarienummer, normalize_dnr
from corpus.parse import discover_files, parse_file, parse_text
from corpus.types import Chunk, Document, Item, Meeting, Section

__all__ = [
    "Chunk", "Document", "Item", "Meeting", "ParseError", "Section", "chunk_document", "detect_language",
    "discover_files", "find_diarienummer", "normalize_dnr", "parse_file", "parse_text",
]
