"""Line view of a document: each line with its character offset, plus small text-similarity helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass

_STOPWORDS = {"för", "och", "av", "till", "med", "om", "det", "den", "att", "som", "på", "i", "en",
              "ett", "enl", "från", "inom", "muntlig", "information"}
_WORD = re.compile(r"[0-9A-Za-zÅÄÖåäöÉé]+")


@dataclass(frozen=True, slots=True)
class Line:
    """One source line; `start`/`end` are offsets into the document text (end excludes the newline)."""

    index: int
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def plain(self) -> str:
        """The line without markdown emphasis/heading marks and outer whitespace."""
        return re.sub(r"^#+\s*|\*+", "", self.text).strip()


def split_lines(text: str) -> list[Line]:
    """All lines of `text` with their offsets."""
    lines: list[Line] = []
    pos = 0
    for i, raw in enumerate(text.split("\n")):
        lines.append(Line(i, pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def next_nonblank(lines: list[Line], i: int, limit: int = 8) -> list[Line]:
    """Up to `limit` lines after index i, blank ones skipped."""
    out: list[Line] = []
    for line in lines[i + 1:]:
        if line.stripped:
            out.append(line)
            if len(out) >= limit:
                break
    return out


def stems(text: str) -> set[str]:
    """Five-letter stems of the content words: "Delårsrapport 2016" -> {"delår", "2016"}."""
    words = (w.lower() for w in _WORD.findall(text))
    return {w[:5] for w in words if w not in _STOPWORDS and (len(w) >= 3 or w.isdigit())}


def similarity(a: str, b: str) -> float:
    """Share of the smaller stem set found in the other (0..1); titles vs body headings."""
    sa, sb = stems(a), stems(b)
    if not sa or not sb:
        return 0.0
    shared = len(sa & sb)
    return shared / min(len(sa), len(sb))
