"""Pure regex helpers: diarienummer, meeting date/time/place, kommun, nämnd and § numbers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# "SN 2020:33", "SN/2023:00144", "sn/2020:58", "KS//2016:111", "Dnr: SN/2023:00183".
# Upper-case prefixes are accepted generally; lower case only for known nämnd prefixes, so
# "lag 2009:400" never becomes a dnr. Prefixes ending in FS are law collections (SOSFS 2011:9).
_KNOWN_LOWER = "sn|ks|asn|kf|ubn|avn|kfn|sbn|tn|mhn|vn|on|bun"
_SLASH_DNR = re.compile(
    r"(?<![\w/-])(?P<prefix>[A-ZÅÄÖ]{2,5}|(?i:" + _KNOWN_LOWER + r"))"
    r"(?:\s?/{1,2}\s?|\s)(?P<year>(?:19|20)\d\d)\s?:\s?(?P<serial>\d{1,6}|\d*[xX]{2,})(?![\w:])"
)
# Tyresö: "2019/ASN 0036 10" (the trailing "10" is a filing code), also "2019/ASN 0036".
_YEAR_FIRST_DNR = re.compile(
    r"(?<![\w/])(?P<year>(?:19|20)\d\d)/(?P<prefix>[A-ZÅÄÖ]{2,5}) ?(?P<serial>\d{1,6})(?: \d{1,3}(?![\d:]))?"
)
_DATE = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-([0-2]\d|3[01])\b")
_TIME = re.compile(r"(?<![\d-])(\d{1,2})[:.](\d\d)(?:\s*[–-]\s*(\d{1,2})[:.](\d\d))?")
_PARAGRAPH = re.compile(r"^\s*§\s?(\d{1,4})\s*$", re.MULTILINE)
_COMMITTEE = re.compile(r"\b([A-ZÅÄÖa-zåäö-]+(?: och [a-zåäö-]+)?nämnd(?:en|ens)?)\b")
# Small places and web domains whose kommun is unambiguous (CORPUS_NOTES §1).
_PLACE_KOMMUN = {"tumba": "Botkyrka", "alby": "Botkyrka", "fittja": "Botkyrka", "hallunda": "Botkyrka",
                 "tyresö": "Tyresö", "botkyrka": "Botkyrka"}


@dataclass(frozen=True, slots=True)
class DnrMatch:
    """One diarienummer occurrence: canonical form, the text as written and its offsets."""

    canonical: str
    written: str
    start: int
    end: int


def _is_law_prefix(prefix: str) -> bool:
    return prefix.upper().endswith("FS")


def iter_dnr(text: str) -> list[DnrMatch]:
    """Every real diarienummer in `text` in order (placeholders and SFS numbers skipped)."""
    found: list[DnrMatch] = []
    for pattern in (_SLASH_DNR, _YEAR_FIRST_DNR):
        for m in pattern.finditer(text):
            serial = m.group("serial")
            if not serial.isdigit() or _is_law_prefix(m.group("prefix")):
                continue
            canonical = f"{m.group('prefix').upper()}/{m.group('year')}:{int(serial)}"
            found.append(DnrMatch(canonical, m.group(0).strip(), m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def normalize_dnr(text: str) -> str | None:
    """Any written form -> canonical "PREFIX/YEAR:serial", e.g. "Dnr: SN/2023:00144" -> "SN/2023:144"."""
    matches = iter_dnr(text)
    return matches[0].canonical if matches else None


def find_diarienummer(text: str) -> list[str]:
    """Canonical diarienummer found in free text, unique, in order of appearance."""
    return list(dict.fromkeys(d.canonical for d in iter_dnr(text)))


def is_dnr_placeholder(text: str) -> bool:
    """True for unfilled numbers such as "SN 2016:xx" or "SN/2023:00xxx"."""
    return any(not m.group("serial").isdigit() for m in _SLASH_DNR.finditer(text))


def find_dates(text: str) -> list[str]:
    """ISO dates (YYYY-MM-DD) in order of appearance."""
    return [m.group(0) for m in _DATE.finditer(text)]


def find_meeting_date(header: str) -> str | None:
    """The meeting date from a header: "Tid 2020-02-18", "Datum 2019-02-26", else the first date."""
    for label in (r"Tid:?", r"Datum", r"Sammanträdesdatum"):
        m = re.search(rf"^\s*{label}\s+({_DATE.pattern})", header, re.MULTILINE)
        if m:
            return m.group(1)
    dates = find_dates(header)
    return dates[0] if dates else None


def find_meeting_time(header: str) -> str | None:
    """"18:00" from "Tid: 2023-02-14, Kl: 18:00"; "18:30–19:45" from "Tid 18:30–19:45"."""
    for line in header.splitlines():
        if re.match(r"\s*Tid\b", line):
            m = _TIME.search(_DATE.sub("", line))
            if m:
                start = f"{int(m.group(1)):02d}:{m.group(2)}"
                return f"{start}–{int(m.group(3)):02d}:{m.group(4)}" if m.group(3) else start
    return None


def find_meeting_place(header: str) -> str | None:
    """The text after "Plats"/"Plats:" on its line."""
    m = re.search(r"^\s*Plats:?[ \t]+(.+?)\s*$", header, re.MULTILINE)
    return m.group(1).strip() if m else None


def normalize_committee(name: str) -> str:
    """"socialnämnd", "Socialnämndens" -> "Socialnämnden"."""
    name = name.strip().strip(".:")
    if name.endswith("nämndens"):
        name = name[:-1]
    elif name.endswith("nämnd"):
        name += "en"
    return name[:1].upper() + name[1:]


def find_committee(text: str) -> str | None:
    """The nämnd a document belongs to, by header labels first and a vote over mentions last."""
    patterns = (r"^\s*Organ\s+(.+?)\s*$", r"Kallelse till möte för (\S+(?: och \S+)?nämnden)",
                r"^#+\s*(.+?nämndens) beslut\s*$", r"^\s*(\S+(?: och \S+)?nämnden?)\s*$")
    for pattern in patterns:
        m = re.search(pattern, text[:20000], re.MULTILINE | re.IGNORECASE)
        if m and "nämnd" in m.group(1).lower():
            return normalize_committee(m.group(1))
    votes = Counter(normalize_committee(m.group(1)) for m in _COMMITTEE.finditer(text[:20000]))
    return votes.most_common(1)[0][0] if votes else None


def find_kommun(text: str) -> str | None:
    """Infer the kommun from letterheads ("Tyresö kommun"), e-mail domains and known places."""
    votes: Counter[str] = Counter()
    for m in re.finditer(r"\b([A-ZÅÄÖ][a-zåäö]+) kommun\b(?!\w)", text):
        votes[m.group(1)] += 3
    for m in re.finditer(r"\b([A-ZÅÄÖ][a-zåäö]+) kommuns?\b", text):
        votes[m.group(1)] += 1
    for m in re.finditer(r"@([a-zåäö]+)\.se\b", text):
        votes[m.group(1).capitalize()] += 2
    for m in re.finditer(r"\b(Tumba|Alby|Fittja|Hallunda|BOTKYRKA)\b", text):
        votes[_PLACE_KOMMUN[m.group(1).lower()]] += 2
    for generic in ("Varje", "Hela", "Den", "Egen", "Vår", "Annan", "Samma", "Kommun"):
        votes.pop(generic, None)
    return votes.most_common(1)[0][0] if votes else None


def find_paragraphs(text: str) -> list[str]:
    """Protocol paragraphs that stand alone on a line: "§ 1014" -> ["§ 1014"]."""
    return [f"§ {m.group(1)}" for m in _PARAGRAPH.finditer(text)]
