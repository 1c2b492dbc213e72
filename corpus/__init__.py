"""Parsing and chunking of nämnd documents."""

from corpus.types import Chunk, Document, Item, Meeting, Section

__all__ = ["Chunk", "Document", "Item", "Meeting", "Section"]
