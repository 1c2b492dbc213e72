"""Pure regex helpers: diarienummer, meeting date/time/place, kommun, nämnd and § numbers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# "SN 2020:33", "SN/2023:00144", "sn/2020:58", "KS//2016:111", "Dnr: SN/2023:00183", and a two-part
# prefix of a shared diarium: "KS KF/2025:88", "KS/KF 2025:7" (both -> "KS KF/2025:88").
# Upper-case prefixes are accepted generally; lower case only for known nämnd prefixes, so
# "lag 2009:400" never becomes a dnr. Prefixes ending in FS are law collections (SOSFS 2011:9).
# A number broken by a table-cell "<br>" or a line break ("KS KF/2021:<br>303") still matches.
_KNOWN_LOWER = "sn|ks|asn|kf|ubn|avn|kfn|sbn|tn|mhn|vn|on|bun"
_BREAK = r"(?:\s*<br\s*/?>\s*|\s*\n\s*)?"
_SLASH_DNR = re.compile(
    r"(?<![\w/-])(?P<prefix>(?:[A-ZÅÄÖ]{2,5}[ /](?=[A-ZÅÄÖ]{2,5}(?:/|\s(?:19|20)\d\d:)))?"
    r"(?:[A-ZÅÄÖ]{2,5}|(?i:" + _KNOWN_LOWER + r")))"
    r"(?:\s?/{1,2}\s?|\s)(?P<year>(?:19|20)\d\d)\s?:" + _BREAK + r"(?P<serial>\d{1,6}|\d*[xX]{2,})(?![\w:])"
)
# Tyresö: "2019/ASN 0036 10" (the trailing "10" is a filing code), also "2019/ASN 0036".
_YEAR_FIRST_DNR = re.compile(
    r"(?<![\w/])(?P<year>(?:19|20)\d\d)/(?P<prefix>[A-ZÅÄÖ]{2,5}) ?(?P<serial>\d{1,6})(?: \d{1,3}(?![\d:]))?"
)
# Registries that write PREFIX-YEAR-SERIAL: "IF-2025-00311", "TE-2025-<br>00011", "KS-2024-00781".
_DASH_DNR = re.compile(
    r"(?<![\w-])(?P<prefix>[A-ZÅÄÖ]{2,5})-(?P<year>(?:19|20)\d\d)-" + _BREAK + r"(?P<serial>\d{3,6})(?![\w-])"
)
# Series, then year/serial or year.serial: "TN 2025/123", "Dnr BUN 2022/0045", "KS.2023.123".
_SERIES_YEAR_DNR = re.compile(
    r"(?<![\w/.-])(?P<prefix>[A-ZÅÄÖ]{2,5})(?:\s?|\.)(?P<year>(?:19|20)\d\d)[/.]" + _BREAK + r"(?P<serial>\d{1,6})(?![\w/.:-])"
)
# A bare year/serial needs its "Dnr" label: "Dnr 2024/123" (never "15193/2022", Socialstyrelsen's form).
_LABELLED_DNR = re.compile(r"\bDnr[:.]?\s*(?P<year>(?:19|20)\d\d)/(?P<serial>\d{1,6})(?![\d/:])")
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


def _canonical(pattern: re.Pattern[str], m: re.Match[str]) -> str:
    """SERIES/YEAR:NUMBER for every registry style: "SN/2023:144", "KS KF/2025:88", "IF-2025-00311" ->
    "IF/2025:311"; only a bare labelled "Dnr 2024/123" keeps "2024/123" (no series to name)."""
    serial = int(m.group("serial"))
    if pattern is _LABELLED_DNR:
        return f"{m.group('year')}/{serial}"
    prefix = re.sub(r"[ /]+", " ", m.group("prefix").upper())
    return f"{prefix}/{m.group('year')}:{serial}"


def iter_dnr(text: str) -> list[DnrMatch]:
    """Every real diarienummer in `text` in order (placeholders and SFS numbers skipped)."""
    found: list[DnrMatch] = []
    for pattern in (_SLASH_DNR, _YEAR_FIRST_DNR, _DASH_DNR, _SERIES_YEAR_DNR, _LABELLED_DNR):
        for m in pattern.finditer(text):
            serial = m.group("serial")
            prefix = m.groupdict().get("prefix") or ""
            if not serial.isdigit() or _is_law_prefix(prefix):
                continue
            if any(d.start <= m.start() < d.end for d in found):
                continue  # "Dnr 2019/ASN 0036" is one number, not two
            start = m.start("year") if pattern is _LABELLED_DNR else m.start()
            written = re.sub(r"\s*\n\s*", "", text[start:m.end()]).strip()  # a table cell keeps its <br>
            found.append(DnrMatch(_canonical(pattern, m), written, start, m.end()))
    return sorted(found, key=lambda d: d.start)


def normalize_dnr(text: str) -> str | None:
    """Any written form -> canonical, e.g. "Dnr: SN/2023:00144" -> "SN/2023:144", "IF-2025-<br>00311" -> "IF/2025:311"."""
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


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december")
# "onsdagen den 10 december 2025" (kallelser write the meeting day out).
_WRITTEN_DATE = re.compile(rf"\b([0-3]?\d)(?::e|:a)?\s+({'|'.join(_MONTHS)})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
# Labels that carry the meeting date, strongest first; the date may sit on the label's line or the next.
_DATE_LABELS = ("Sammanträdesdatum", "Sammanträde", "Mötesdatum", "Tid", "Datum")
_CLOCK = re.compile(r"\b(?:klockan|kl)\b\.?:?\s*(?=\d)", re.IGNORECASE)
_PAGE_COLUMN = re.compile(r"^(Sida \d+( av \d+)?|\d+ ?\(\d+\))$")


def _first_date(text: str) -> str | None:
    iso = _DATE.search(text)
    written = _WRITTEN_DATE.search(text)
    if written and (not iso or written.start() < iso.start()):
        day, month, year = written.groups()
        return f"{year}-{_MONTHS.index(month.lower()) + 1:02d}-{int(day):02d}"
    return iso.group(0) if iso else None


def _label_value(lines: list[str], i: int, label: str) -> str:
    """The first column after `label` on line i, or the next non-blank line when that is empty."""
    rest = re.sub(rf"^\s*{label}\b:?", "", lines[i])
    value = re.split(r"\s{2,}|\t", rest.strip())[0] if rest.strip() else ""
    if _PAGE_COLUMN.match(value):
        value = ""
    if not value:
        value = next((line.strip() for line in lines[i + 1:i + 3] if line.strip()), "")
    return value


def find_meeting_date(header: str) -> str | None:
    """The meeting date from a labelled header line: "Sammanträdesdatum\n2023-05-16", "Tid 2020-02-18"."""
    lines = header.splitlines()
    for label in _DATE_LABELS:
        for i, line in enumerate(lines):
            if re.match(rf"\s*{label}\b", line):
                date = _first_date(_label_value(lines, i, label))
                if date:
                    return date
    return None  # an unlabelled date may be any date (a report's, a law's); the meeting's is not guessed


def _format_time(m: re.Match[str]) -> str:
    start = f"{int(m.group(1)):02d}:{m.group(2)}"
    return f"{start}–{int(m.group(3)):02d}:{m.group(4)}" if m.group(3) else start


def find_meeting_time(header: str) -> str | None:
    """"18:00" from "Tid: 2023-02-14, Kl: 18:00"; "18:30–19:45" from "Tid 18:30–19:45" or "klockan 18:30-19:45"."""
    lines = header.splitlines()
    for line in lines:
        if re.match(r"\s*Tid\b", line):
            m = _TIME.search(_DATE.sub("", line))
            if m:
                return _format_time(m)
    for line in lines:  # "2024-03-14, klockan 18:00-21:08", "Klockan 17:00 – 19:07", "kl. 16:30"
        clock = _CLOCK.search(line)
        m = _TIME.match(line, clock.end()) if clock else None
        if m:
            return _format_time(m)
    return None


def find_meeting_place(header: str) -> str | None:
    """"Plats: X" (or X on a following line), "Plats och tid för sammanträde X Klockan …", or the line after
    "Sammanträde <date> kl. HH:MM" in a kallelse."""
    lines = header.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*Plats och tid(?: för(?: sammanträde(?:t)?)?)?:?(.*)$", line)
        if m and "justering" not in m.group(1).lower():
            value = m.group(1).strip()
            if re.fullmatch(r"(för)?( sammanträde)?", value):  # the value was printed above its label
                value = next((x.strip() for x in reversed(lines[max(0, i - 2):i]) if x.strip()), "")
                value = value if _CLOCK.search(value) else ""
            return _CLOCK.split(value)[0].strip(" ,") or None
        if re.match(r"\s*Plats\b:?(?!\s+och\b)", line):
            value = _label_value(lines, i, "Plats")
            j = i + 1  # label column first, values later ("Plats:\nTid:\n…\n   Lomma kommun, Sessionssalen")
            while (not value or value.endswith(":") or _first_date(value) or value == "Sammanträdesdatum"
                   or _PAGE_COLUMN.match(value)) and j < min(len(lines), i + 8):
                value, j = lines[j].strip(), j + 1
            return value or None
    for i, line in enumerate(lines):
        if re.match(r"\s*Sammanträde\b", line) and _first_date(line):
            after = _CLOCK.split(line)[-1]
            rest = _TIME.sub("", after, count=1).strip(" ,") if _CLOCK.search(line) else ""
            following = next((x.strip() for x in lines[i + 1:i + 3] if x.strip()), "")
            return rest or _CLOCK.split(following)[0].strip(" ,") or None
    return None


# A committee (nämnd, styrelse, fullmäktige) name as written: "Barn- och utbildningsnämnden",
# "Nämnden för Individ & Familjeomsorg", "KOMMUNFULLMÄKTIGE", "Arbetsmarknads- och socialnämndens".
_NAME = (r"(?:nämnden\s+för\s+[\wåäöÅÄÖ&,\- ]+?|(?:[\wåäöÅÄÖ]+-,? )*(?:[\wåäöÅÄÖ]+- och )?[\wåäöÅÄÖ-]+nämnd(?:en|ens)?"
         r"|kommunfullmäktige|kommunstyrelsen|regionfullmäktige|regionstyrelsen)")
_COMMITTEE_LINE = re.compile(rf"^\s*(?:#+\s*)?({_NAME})\s*(?:(?:\s{{2,}}|\t).*)?$", re.IGNORECASE | re.MULTILINE)
_ORGAN_LABEL = re.compile(r"^\s*(?:Beslutande organ|Organ|Nämnd|Instans):?\s+(.+?)\s*$", re.MULTILINE | re.IGNORECASE)
_ACTS = re.compile(rf"\b({_NAME}) (?:beslutar|beslutade|föreslår|godkänner|noterar|utser|antar|fastställer|"
                   rf"tillstyrker|avslår|bifaller|uppdrar)\b", re.IGNORECASE)


def normalize_committee(name: str) -> str:
    """"socialnämnd", "Socialnämndens" -> "Socialnämnden"; "KOMMUNSTYRELSEN" -> "Kommunstyrelsen"."""
    name = re.sub(r"\s+", " ", name.strip().strip(".:"))
    if name.isupper():
        name = name.lower()
    if re.search(r"nämndens$", name):
        name = name[:-1]
    elif re.search(r"(?i)nämnd$", name):
        name += "en"
    return name[:1].upper() + name[1:]


def acronym(name: str) -> str:
    """Initials used as a nämnd prefix: "Barn- och utbildningsnämnden" -> "BUN", "Kommunstyrelsen" -> "KS"."""
    words = [w for w in re.split(r"[\s-]+", name.lower()) if w and w not in ("och", "för", "&")]
    letters = [w[0] for w in words]
    for part in ("nämnd", "styrelse", "fullmäktige"):
        if words and part in words[-1] and not words[-1].startswith(part):
            letters.append(part[0])
    return "".join(letters).upper()


def is_committee_name(text: str) -> bool:
    """The whole text is a nämnd/styrelse/fullmäktige name ("Nämnden för Teknik", "KOMMUNSTYRELSEN")."""
    return bool(re.fullmatch(_NAME, text.strip().rstrip(".:"), re.IGNORECASE))


def find_committee(text: str) -> str | None:
    """The nämnd a document belongs to as written: labels, letterhead, kallelse heading; a vote over
    "X beslutar"/mentions only when the document names none; an abbreviation ("BUN") is expanded only
    to a name the document spells out."""
    head = text[:20000]
    acts = Counter(normalize_committee(m.group(1)) for m in _ACTS.finditer(text))
    for m in _ORGAN_LABEL.finditer(head[:6000]):
        value = re.split(r"\s{2,}|\t", m.group(1))[0]
        if is_committee_name(value):
            return normalize_committee(value)
        if re.fullmatch(r"[A-ZÅÄÖ]{2,5}", value):  # "Beslutande organ: BUN"
            spelled = [name for name, _ in acts.most_common() if acronym(name) == value]
            if spelled:
                return spelled[0]
    patterns = (r"Kallelse till (?:möte|sammanträde) (?:för|med|i) (\S+(?: och \S+)?nämnden)",
                r"^#+\s*(.+?nämndens) beslut\s*$")
    for pattern in patterns:
        m = re.search(pattern, head, re.MULTILINE | re.IGNORECASE)
        if m:
            return normalize_committee(m.group(1))
    m = _COMMITTEE_LINE.search(head[:6000]) or _COMMITTEE_LINE.search(head)
    if m:
        return normalize_committee(m.group(1))
    if acts:  # the body that "beslutar"/"föreslår" – only when one clearly does
        return _dominant(acts)
    votes = Counter(normalize_committee(m.group(1)) for m in _COMMITTEE.finditer(head))
    return _dominant(votes)


# "Lomma kommun", "KUNGSBACKA KOMMUN", "Upplands Väsby kommun"; generic words before "kommun" are no name.
_KOMMUN_NAME = re.compile(r"\b((?:[A-ZÅÄÖ][a-zåäö]+[ -])?[A-ZÅÄÖ][a-zåäö]+|[A-ZÅÄÖ]{3,}) (kommun|KOMMUN)s?\b(?!\w)")
_FULLMAKTIGE_I = re.compile(r"\b(?:Kommunfullmäktige|Kommunstyrelsen) i ([A-ZÅÄÖ][a-zåäö]+)\b")
_GENERIC = {"varje", "hela", "den", "egen", "vår", "annan", "samma", "kommun", "en", "ett", "denna", "vilken",
            "din", "er", "någon", "ingen", "alla", "övrig", "ny"}


def _dominant(votes: Counter[str]) -> str | None:
    """The clear winner of a vote (at least twice the runner-up), else None: two kommuner named
    equally often is no evidence for either."""
    ranked = votes.most_common(2)
    if not ranked:
        return None
    if len(ranked) == 2 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


def find_kommun(text: str) -> str | None:
    """The kommun, from letterheads and headers ("Lomma kommun", "KUNGSBACKA KOMMUN", "Kommunfullmäktige i X"),
    e-mail domains and known places; mentions in the body only when one kommun clearly dominates."""
    strong: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    head_end = min(len(text), 3000)
    for m in _KOMMUN_NAME.finditer(text):
        name = " ".join(w.capitalize() if w.isupper() else w for w in m.group(1).split(" "))
        if name.lower() in _GENERIC or name.split(" ")[0].lower() in _GENERIC:
            continue
        genitive = m.group(0).endswith("s")
        if m.start() < head_end and not genitive:
            strong[name] += 3
        else:
            weak[name] += 1 if genitive else 3
    for m in _FULLMAKTIGE_I.finditer(text):
        strong[m.group(1)] += 3
    for m in re.finditer(r"@([a-zåäö]+)\.se\b", text):
        strong[m.group(1).capitalize()] += 2
    for m in re.finditer(r"\b(Tumba|Alby|Fittja|Hallunda|BOTKYRKA)\b", text):
        strong[_PLACE_KOMMUN[m.group(1).lower()]] += 2
    if strong:
        return _dominant(strong + Counter({k: v for k, v in weak.items() if k in strong}))
    return _dominant(weak) if sum(weak.values()) >= 6 else None


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """YAML front matter of a converted file ("---\nkommun: kungsbacka\n…\n---") as flat strings, and its end."""
    m = re.match(r"---\n((?:[\w-]+:.*\n)+?)---\n", text)
    if not m:
        return {}, 0
    fields = dict(re.findall(r"^([\w-]+):[ \t]*(.*?)\s*$", m.group(1), re.MULTILINE))
    return {k: v for k, v in fields.items() if v not in ("", "null", "[]")}, m.end()


def find_paragraphs(text: str) -> list[str]:
    """Protocol paragraphs that stand alone on a line: "§ 1014" -> ["§ 1014"]."""
    return [f"§ {m.group(1)}" for m in _PARAGRAPH.finditer(text)]
