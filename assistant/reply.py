"""Reply: a routed answer before it becomes an Answer (text with [n] markers, citations, the hits they number)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.citations import make_citation
from assistant.types import AnswerPart, Citation
from index.types import Hit

_MARKER = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True, slots=True)
class Reply:
    """Text whose marker [n] points at hits[n - 1]; every citation's quote is verbatim in its chunk."""

    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    answered: bool = True
    parts: tuple[AnswerPart, ...] = ()


class Numbering:
    """Hands out citation numbers across several parts: one number per chunk, in order of first use."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self._number: dict[str, int] = {}
        self.citations: dict[int, Citation] = {}

    def cite(self, hit: Hit, quote: str) -> int:
        """The number of `hit` (new on first use); its first quote is the citation's quote."""
        number = self._number.get(hit.chunk.chunk_id)
        if number is None:
            self.hits.append(hit)
            number = self._number[hit.chunk.chunk_id] = len(self.hits)
            self.citations[number] = make_citation(number, hit, quote)
        return number

    def renumber(self, text: str, citations: Sequence[Citation], hits: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
        """A part's text and citations (numbered by position in `hits`) in this numbering."""
        mapping = {c.number: self.cite(hits[c.number - 1], c.quote) for c in citations}
        text = _MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", text)
        return text, tuple(replace(self.citations[n], number=n) for n in dict.fromkeys(mapping.values()))

    def all_citations(self) -> tuple[Citation, ...]:
        return tuple(self.citations[n] for n in sorted(self.citations))


def line_quote(text: str, start: int, end: int) -> str:
    """The whole line(s) of `text` around [start, end), trimmed: a verbatim quote for a matched fact."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    quote = text[line_start:line_end].strip(" \t*#-|")
    return quote if quote in text else text[start:end]
