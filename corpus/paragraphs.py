"""Protocol paragraphs (§) and section names: the one pattern, the one normal form, the canonical names.

A kommunal protokoll numbers its ärenden with "§ 12"; minutes and references prefix the organ
("SN § 46", "KF § 94") and list several at once ("§§ 101-102", "§§ 93, 101-102"). Law references
put the number first ("9 kap. 37 § kommunallagen", "43 § 2 p") and are not paragraphs of a protocol.
Every module that reads or compares a § uses this module; section names are spelled here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One element of a § list: a number, or a range "101-102" / "157 – 159". The lookahead keeps a
# following date out ("§ 274, 2025-09-30" is § 274 only; "2025-09" is no range).
_NUMBER = r"\d{1,4}(?![\d]|\s?[-–]\s?\d\d[-–]\d)"
_ELEMENT = rf"{_NUMBER}(?:\s?[-–]\s?{_NUMBER})?"
# Organ prefix as written before the sign: "SN", "KF", "BUN", "KSAU", "GNHH".
# A sign after a short number is a law reference ("43 § 2 p"), unless that number ends a date
# ("KF 2025-10-07 § 194"): one fixed-width lookbehind per digit count and spacing.
_LAW = "".join(rf"(?<!(?<![\d-])\d{{{n}}}{s})" for n in (1, 2, 3) for s in ("", " ", "\xa0"))
PARAGRAPH = re.compile(
    rf"(?:(?<![\w/])(?P<organ>[A-ZÅÄÖ]{{2,6}})\s?)?{_LAW}(?P<signs>§§?)\s?"
    rf"(?P<list>{_ELEMENT}(?:\s?,\s?{_ELEMENT})*)"
)
_RANGE = re.compile(r"(\d{1,4})(?:\s?[-–]\s?(\d{1,4}))?")
_MAX_RANGE = 60  # "§§ 1-30" expands; a longer "range" is a misread, kept as its two ends

# Canonical section names, as sections.py names headings and chunking.py names regions.
BESLUT = "Beslut"
FORSLAG_TILL_BESLUT = "Förslag till beslut"
SAMMANFATTNING = "Sammanfattning"
ARENDET = "Ärendet"
BESLUTSUNDERLAG = "Beslutsunderlag"
YRKANDEN = "Yrkanden"
PROPOSITIONSORDNING = "Propositionsordning"
VOTERING = "Votering"
RESERVATION = "Reservation"
PROTOKOLLSANTECKNING = "Protokollsanteckning"
TJANSTESKRIVELSE = "Tjänsteskrivelse"
BILAGA = "Bilaga"

# Where the decision (or proposed decision) of an ärende stands, in the order a reader wants it:
# ui/desk.py shows the first one present, so the order is part of the contract.
DECISION_SECTIONS: tuple[str, ...] = (BESLUT, FORSLAG_TILL_BESLUT)
SUMMARY_SECTIONS: tuple[str, ...] = (*DECISION_SECTIONS, SAMMANFATTNING)
# How a meeting reached its decision: citable on their own ("Hur röstade man i § 94?").
PROCEDURE_SECTIONS: tuple[str, ...] = (YRKANDEN, PROPOSITIONSORDNING, VOTERING, RESERVATION, PROTOKOLLSANTECKNING)
# Inside one ärende the decision answers "what happened in SN/2023:144?" best, then the summary.
SECTION_ORDER: dict[str, int] = {BESLUT: 0, FORSLAG_TILL_BESLUT: 1, SAMMANFATTNING: 2, ARENDET: 3}
SECTION_NAMES: tuple[str, ...] = (
    BESLUT, FORSLAG_TILL_BESLUT, SAMMANFATTNING, ARENDET, "Bakgrund", "Yttrande", "Synpunkter", "Motionen",
    "Bedömning", "Granskningens resultat", "Slutsats", "Ekonomiska konsekvenser", "Barnkonsekvensanalys",
    BESLUTSUNDERLAG, "Handläggning", YRKANDEN, PROPOSITIONSORDNING, VOTERING, RESERVATION, PROTOKOLLSANTECKNING, "Jäv",
    "Bilagor", "Expedieras till", "Fastställd av", TJANSTESKRIVELSE, BILAGA,
)


@dataclass(frozen=True, slots=True)
class ParagraphRef:
    """One § reference as written: "KF §§ 93, 101-102" -> organ "KF", numbers (93, 101, 102)."""

    organ: str | None  # "KF"; None for a bare "§ 12"
    numbers: tuple[int, ...]
    written: str
    start: int
    end: int

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The normal forms, e.g. ("§ 93", "§ 101", "§ 102")."""
        return tuple(format_paragraph(n) for n in self.numbers)


def format_paragraph(number: int) -> str:
    """The normal form of a paragraph number: 46 -> "§ 46" (no organ, one plain space)."""
    return f"§ {int(number)}"


def _numbers(listed: str) -> tuple[int, ...]:
    numbers: list[int] = []
    for m in _RANGE.finditer(listed):
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        if first <= last <= first + _MAX_RANGE:
            numbers += range(first, last + 1)
        else:
            numbers += [first, last] if last != first else [first]
    return tuple(dict.fromkeys(numbers))


def iter_paragraphs(text: str) -> list[ParagraphRef]:
    """Every § reference in `text`, in order; law references ("37 § kommunallagen") are skipped."""
    return [ParagraphRef(m.group("organ"), _numbers(m.group("list")), m.group(0), m.start(), m.end())
            for m in PARAGRAPH.finditer(text)]


def find_paragraphs(text: str) -> list[str]:
    """Normal forms of every § named in free text, unique, in order: "SN §46 och §§ 47-48" -> [§ 46, § 47, § 48]."""
    return list(dict.fromkeys(p for ref in iter_paragraphs(text) for p in ref.paragraphs))


def normalize_paragraph(text: str | None) -> str | None:
    """Any written form -> "§ N": "SN §46" -> "§ 46", "§\xa012" -> "§ 12"; a list gives its first; else None."""
    if not text:
        return None
    refs = iter_paragraphs(text)
    if refs:
        return refs[0].paragraphs[0]
    digits = re.fullmatch(r"\s*(\d{1,4})\s*", text)  # a bare "46" stored without its sign
    return format_paragraph(int(digits.group(1))) if digits else None


def paragraph_number(text: str | None) -> int | None:
    """The number of a paragraph in any written form: "KF § 94" -> 94."""
    normal = normalize_paragraph(text)
    return int(normal[2:]) if normal else None


def paragraph_token(paragraph: str) -> str:
    """The BM25 token of a paragraph: "§ 12" / "SN §12" -> "§12" (unchanged if it names none)."""
    normal = normalize_paragraph(paragraph)
    return normal.replace(" ", "") if normal else paragraph


def same_paragraph(a: str | None, b: str | None) -> bool:
    """Whether two written forms name the same paragraph ("SN § 46" == "§46")."""
    na = normalize_paragraph(a)
    return na is not None and na == normalize_paragraph(b)


# A § heading at the start of a line: "§ 1014", "KF § 94   KS KF/2025:88", "§ 1   Dnr TE-2025-00011",
# "BUN § 26 (fort.)", "§§ 101-102", "§ 12 Budget 2025 för simhallen (KFN 2024:33)". Law references put
# the number first ("16 kap 6 f §") and never match.
PARAGRAPH_HEADING = re.compile(
    r"^\s*(?:(?P<organ>[A-ZÅÄÖ]{2,6})\s+)?§§?\s?(?P<num>\d{1,4})"
    r"(?P<more>(?:\s?[-–,]\s?(?:§\s?)?\d{1,4})*)(?P<fort>\s*\(forts?\.?\))?(?P<rest>(?:\s.*)?)$"
)
