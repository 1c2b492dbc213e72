"""Remove page furniture from a span of text, keeping a map from cleaned to original offsets.

Dropped: page-header date + Dnr lines, running "Socialnämnden" headers, `Kod:` lines, `Justerandes
sign`, `Utdragsbestyrkande`, letterhead footers, `Sida N`, tables of contents. HTML tags in table cells
become text. A sentence cut by a dropped header is rejoined: "bot-" + "kyrkaborna" -> "botkyrkaborna".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from corpus.lines import Line

_FURNITURE = re.compile(
    r"^(Dnr:?\s+([A-ZÅÄÖ]{2,5}\s?/{0,2}\s?\d{4}:\S+|\d{4}/[A-ZÅÄÖ]{2,5}.*)|Diarienummer|Kod:\s*[\d.]+|"
    r"([\w-]+ och )?\w*nämnd(en)?|Socialförvaltningen|"
    r"Justerandes sign\s*(Utdragsbestyrkande)?|Utdragsbestyrkande|Sida \d+( av \d+)?|\d+ \(\d+\)|"
    r"tyresö kommun|\*\w{1,2}\*|Post .*kommun.*\d{3} ?\d\d.*|Direkt .*E-post.*|Org\.nr.*|"
    r"\d{4}/[A-ZÅÄÖ]{2,5} \d{2,6}( \d{1,3})?|Fel! Bokmärket är inte definierat\.)$",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(r"^\d{4}-\d\d-\d\d$")
_TOC_ROW = re.compile(r"(\t|\.{3,}\s*)\d{1,3}\s*$")
_TAG = re.compile(r"<input[^>]*?value=\"([^\"]*)\"[^>]*>|<input[^>]*\bchecked\b[^>]*>|<input[^>]*>|<[^>]{1,200}>")
_BLOCK_TAG = re.compile(r"</?(p|li|ul|ol|br|div|tr|td|th)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;)\]»”\"]$")


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Cleaned text plus the pieces that map each output offset back to the source text."""

    text: str
    _out: tuple[int, ...]  # output start of each piece
    _src: tuple[int, ...]  # source start of each piece
    _linear: tuple[bool, ...]  # copied text (maps 1:1) or inserted text (maps to its source start)

    def source_offset(self, pos: int) -> int:
        """Offset in the source text of cleaned position `pos`."""
        k = max(bisect.bisect_right(self._out, pos) - 1, 0)
        return self._src[k] + (pos - self._out[k] if self._linear[k] else 0)


def _drop_flags(lines: list[Line]) -> list[bool]:
    """True for every line that is furniture (see module docstring)."""
    drop = [bool(line.stripped) and bool(_FURNITURE.match(line.stripped)) for line in lines]
    nonblank = [i for i, line in enumerate(lines) if line.stripped]
    for k, i in enumerate(nonblank):
        text = lines[i].stripped
        if _DATE_LINE.match(text):  # running page header "2016-09-13", often above "Dnr SN/2015:1"
            drop[i] = True
        if lines[i].plain.rstrip(":") == "Innehållsförteckning":
            drop[i] = True
            for j in nonblank[k + 1:]:
                if not _TOC_ROW.search(lines[j].text):
                    break
                drop[j] = True
    return drop


def _separator(prev: str, nxt: str, dropped_between: bool, blank_between: bool) -> str:
    """What joins two kept lines: the rejoined word, a space, a newline or a paragraph break."""
    if dropped_between and nxt[:1].islower():
        if re.search(r"[a-zåäö]-$", prev):
            return "\x00"  # remove the hyphen too: handled by the caller
        if not _SENTENCE_END.search(prev):
            return " "
    return "\n\n" if blank_between or dropped_between else "\n"


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.out: list[int] = []
        self.src: list[int] = []
        self.linear: list[bool] = []
        self.length = 0

    def add(self, text: str, src: int, linear: bool) -> None:
        if text:
            self.parts.append(text)
            self.out.append(self.length)
            self.src.append(src)
            self.linear.append(linear)
            self.length += len(text)

    def add_line(self, text: str, src: int) -> None:
        """A kept line with its HTML tags turned into text ("<input value=\"3\"/>" -> "3")."""
        pos = 0
        for m in _TAG.finditer(text):
            self.add(text[pos:m.start()], src + pos, True)
            if m.group(1) is not None:
                self.add(m.group(1), src + m.start(), False)
            elif "checked" in m.group(0) and m.group(0).startswith("<input"):
                self.add("[x]", src + m.start(), False)
            elif _BLOCK_TAG.match(m.group(0)):
                self.add(" ", src + m.start(), False)
            pos = m.end()
        self.add(text[pos:], src + pos, True)


def clean_lines(lines: list[Line]) -> Cleaned:
    """Cleaned text of consecutive lines, furniture removed, sentences rejoined."""
    drop = _drop_flags(lines)
    builder = _Builder()
    prev: Line | None = None
    dropped = blank = False
    for line, is_dropped in zip(lines, drop):
        text = line.text.strip()
        if not text or is_dropped:
            dropped, blank = dropped or is_dropped, blank or not text
            continue
        lead = len(line.text) - len(line.text.lstrip())
        if prev is not None:
            sep = _separator(prev.text.rstrip(), text, dropped, blank)
            if sep == "\x00":  # "bot-" … "kyrkaborna": drop the hyphen we already emitted
                builder.parts[-1] = builder.parts[-1][:-1]
                builder.length -= 1
            else:
                builder.add(sep, prev.end, False)
        builder.add_line(text, line.start + lead)
        prev, dropped, blank = line, False, False
    return Cleaned("".join(builder.parts), tuple(builder.out), tuple(builder.src), tuple(builder.linear))
