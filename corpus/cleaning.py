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
# Page furniture of protocols and converted PDFs in general: running headers ("KOMMUNSTYRELSEN
# SAMMANTRÄDESPROTOKOLL", "KUNGSBACKA KOMMUN … 3 (17)", "Nämnden för Teknik", "Sammanträdesdatum"),
# signature footers ("Justerande  Utdragsbestyrkande", "Protokollet har justerats digitalt", "Det här
# dokumentet är digitalt signerat", "Transaktionsidentitet: …"), page markers ("<!-- sida 3 -->"),
# a § heading's continuation ("BUN § 26 (fort.)   BUN/2023:129"), Markdown table links and rules.
_PAGE_FURNITURE = re.compile(
    r"^(.*\bSAMMANTRÄDESPROTOKOLL\b.*|[A-ZÅÄÖ-]+\s+KOMMUN(\s+\d+ ?\(\d+\))?|\d+ ?\(\d+\)|"
    r"Sammanträdesdatum|Datum|"
    r"Justerande(\s+Utdragsbestyrkande)?|Justerandes\s+sign.*|Protokollet har justerats digitalt|"
    r"(Det här dokumentet är digitalt signerat|Anslaget har signerats digitalt)|Transaktionsidentitet:\s*\w+|"
    r"<!--.*?-->|([A-ZÅÄÖ]{2,6} )?§ ?\d{1,4} \(forts?\.?\).*|\[Tabell [\d-]+\]\(.*\)|\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?|"
    r"_{5,}|(Dokumentreferens|Document reference):.*)$"
)
_DATE_LINE = re.compile(r"^\d{4}-\d\d-\d\d$")
# An e-signature page ("Undertecknat av följande personer", "E-Signing validerat", "NAMN UNDERTECKNARE …"):
# everything after it up to the next page is signature stamps.
_SIGNATURE_START = re.compile(r"^(Undertecknat\s+av följande personer|E-Signing validerat.*|NAMN UNDERTECKNARE.*|"
                              r"NAME OF SIGNER.*|Dokumentet\s+är signerat av .*)$")
_PAGE_START = re.compile(r"^\f|^<!-- sida \d+ -->")
# The nämnd line under a running page header ("KUNGSBACKA KOMMUN  SAMMANTRÄDESPROTOKOLL\nNämnden för Teknik").
_HEADER_START = re.compile(r"SAMMANTRÄDESPROTOKOLL|^[A-ZÅÄÖ-]+ KOMMUN\b")
_HEADER_NAME = re.compile(r"^(Nämnden\s+för\s+[\w&, -]+|[\w -]*(nämnden|styrelsen|fullmäktige)|[A-ZÅÄÖ -]+)$", re.IGNORECASE)
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


def is_furniture(text: str) -> bool:
    """True for a page header/footer line, a signature stamp or a page marker (see the patterns above)."""
    text = text.strip()
    return bool(_FURNITURE.match(text) or _PAGE_FURNITURE.match(re.sub(r"\s{2,}", "  ", text)))


def _drop_flags(lines: list[Line]) -> list[bool]:
    """True for every line that is furniture (see module docstring)."""
    drop = [bool(line.stripped) and is_furniture(line.stripped) for line in lines]
    if lines and lines[0].stripped == "---":  # YAML front matter of a converted file
        end = next((i for i, line in enumerate(lines[1:80], 1) if line.stripped == "---"), 0)
        drop[:end + 1] = [True] * (end + 1)
    signature = False
    for i, line in enumerate(lines):
        signature = (signature and not _PAGE_START.match(line.text)) or bool(_SIGNATURE_START.match(line.stripped))
        drop[i] = drop[i] or (signature and bool(line.stripped))
    nonblank = [i for i, line in enumerate(lines) if line.stripped]
    for k, i in enumerate(nonblank):
        text = lines[i].stripped
        if _HEADER_START.search(text):
            for j in nonblank[k + 1:k + 2]:
                drop[j] = drop[j] or bool(_HEADER_NAME.match(lines[j].stripped))
        if _DATE_LINE.match(text):  # running page header "2016-09-13", often above "Dnr SN/2015:1"
            drop[i] = True
        if lines[i].plain.rstrip(":") == "Innehållsförteckning":
            drop[i] = True
            for j in nonblank[k + 1:]:
                if not _TOC_ROW.search(lines[j].text):
                    break
                drop[j] = True
    return drop


# A page-furniture column printed beside text: "Plats:      Sida 1 av 28", "Beslut:     Sida 19 av 20".
_PAGE_COLUMN = re.compile(r"\s{2,}(Sida \d+ av \d+|Utdragsbestyrkande|\d+ ?\(\d+\))\s*$")
_SUSPENDED = re.compile(r"^(och|eller|samt|respektive|resp\.?|till|som)\b")


def _separator(prev: str, nxt: str, dropped_between: bool, blank_between: bool) -> str:
    """What joins two kept lines: the rejoined word, a space, a newline or a paragraph break."""
    if re.search(r"[a-zåäö]{2}-$", prev) and nxt[:1].islower() and not _SUSPENDED.match(nxt):
        return "\x00"  # "kompe-" + "tens" -> "kompetens"; remove the hyphen too: handled by the caller
    if dropped_between and nxt[:1].islower() and not _SENTENCE_END.search(prev):
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
        """A kept line; a Markdown table row becomes one line per non-empty cell."""
        if not (text.startswith("|") and text.endswith("|")) or "<input" in text:  # form tables stay rows
            self._add_tagged(text, src)
            return
        first = True
        for m in re.finditer(r"[^|]+", text):
            cell = m.group(0).strip()
            if cell:
                if not first:
                    self.add("\n", src + m.start(), False)
                self._add_tagged(cell, src + m.start() + len(m.group(0)) - len(m.group(0).lstrip()))
                first = False

    def _add_tagged(self, text: str, src: int) -> None:
        """Text with its HTML tags turned into text ("<input value=\"3\"/>" -> "3", "IF-2023-<br>00055" ->
        "IF-2023-00055", "köpta<br>platser" -> "köpta platser")."""
        pos = 0
        for m in _TAG.finditer(text):
            self.add(text[pos:m.start()], src + pos, True)
            if m.group(1) is not None:
                self.add(m.group(1), src + m.start(), False)
            elif "checked" in m.group(0) and m.group(0).startswith("<input"):
                self.add("[x]", src + m.start(), False)
            elif _BLOCK_TAG.match(m.group(0)):
                after = text[m.end():].lstrip()
                joined = re.search(r"\w-$", text[:m.start()]) and after[:1].isalnum() and not _SUSPENDED.match(after)
                self.add("" if joined else " ", src + m.start(), False)
            pos = m.end()
        self.add(text[pos:], src + pos, True)


def clean_lines(lines: list[Line]) -> Cleaned:
    """Cleaned text of consecutive lines, furniture removed, sentences rejoined."""
    drop = _drop_flags(lines)
    builder = _Builder()
    prev: Line | None = None
    dropped = blank = False
    for line, is_dropped in zip(lines, drop):
        text = _PAGE_COLUMN.sub("", line.text.strip())
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
