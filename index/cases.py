"""Cases across documents: every ärende carrying a diarienummer, plus its kallelse/protokoll twin.

A case is what a registrator files under one diarienummer. Its steps are the ärenden, one per
document, that carry the number: förslag in a kallelse or tjänsteskrivelse → beslut in the protocol
→ later återrapportering. A kallelse often prints the agenda without the number the protocol gives
(or the other way round), so an ärende of the same meeting (same kommun, nämnd and date) in the other
document joins the case when its normalised title is the same. A nämnd's beslut that the case's
beslutsunderlag cites as "Protokollsutdrag från <nämnd> <datum> § N" joins it too, across organs
(BUN → KS → KF), where each organ files the ärende under its own number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from corpus.decision_state import DECIDED, PROPOSED, PROTOCOL_DOC_TYPES
from corpus.metadata import iter_dnr, normalize_dnr
from corpus.paragraphs import BESLUTSUNDERLAG
from corpus.types import Chunk, Reservation, Vote
from index.types import CaseStep

# Doc types read before the meeting come first on the same day: the kallelse proposes, the protocol decides.
_STAGE = {"kallelse": 0, "tjänsteskrivelse": 0, "handlingar": 0, "bilaga": 0, "protokollsutdrag": 1,
          "protokoll": 1}
_REPORT_BACK = re.compile(r"återrapport|uppföljning|redovisning av uppdrag|delrapport|slutrapport", re.IGNORECASE)
_MIN_TITLE_CHARS = 8  # "Övrigt", "Anförande" and other short titles never link two items by title alone
_TITLE_MATCH = 0.75  # word-set Jaccard; "Informationshanteringsplanen nämnden för …" ~ "… för …" still links
_MONTHS = frozenset("januari februari mars april maj juni juli augusti september oktober november december".split())


@dataclass(frozen=True, slots=True)
class _Item:
    """The chunks of one ärende in one document."""

    key: tuple[str, int | None, str | None, str | None]  # doc_id, item number, title, paragraph
    chunks: tuple[Chunk, ...]

    @property
    def first(self) -> Chunk:
        return self.chunks[0]


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Chunks by meeting and by date, built once per chunk list (one index generation)."""

    chunks: Sequence[Chunk]
    by_meeting: dict[tuple[str, str, str], list[Chunk]]
    by_date: dict[str, list[Chunk]]


_LOOKUPS: list[_Lookup] = []  # the last two chunk lists seen (a reload keeps the old one answering)


def _lookup(chunks: Sequence[Chunk]) -> _Lookup:
    for known in _LOOKUPS:
        if known.chunks is chunks:
            return known
    by_meeting: dict[tuple[str, str, str], list[Chunk]] = {}
    by_date: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        key = meeting_key(chunk)
        if key is not None:
            by_meeting.setdefault(key, []).append(chunk)
        if chunk.meeting.date:
            by_date.setdefault(chunk.meeting.date, []).append(chunk)
    found = _Lookup(chunks, by_meeting, by_date)
    _LOOKUPS[:] = [found, *_LOOKUPS[:1]]
    return found


def meeting_key(chunk: Chunk) -> tuple[str, str, str] | None:
    """(kommun, nämnd, date) casefolded; None when any is unknown (such items never link by title)."""
    m = chunk.meeting
    if not (m.kommun and m.committee and m.date):
        return None
    return m.kommun.casefold(), m.committee.casefold(), m.date


def normalize_title(title: str | None) -> str:
    """A title for matching: no dnr, § or agenda number, punctuation, case or accents.

    "§ 12 Budget 2025 för simhallen (KFN 2024:33)" -> "budget 2025 för simhallen"; å/ä/ö are kept,
    other accents go ("Škorić" and "Škoric" meet as "skoric").
    """
    if not title:
        return ""
    text = "".join(ch for ch in unicodedata.normalize("NFC", title.replace("<br>", " "))
                   if ch in "åäöÅÄÖ" or not unicodedata.combining(ch))
    text = "".join(ch if ch in "åäöÅÄÖ" else unicodedata.normalize("NFKD", ch)[0] for ch in text)
    for match in iter_dnr(text):
        text = text.replace(match.written, " ")
    text = re.sub(r"(?i)\b(?:dnr|diarienummer)\b[:.]?", " ", text)
    text = re.sub(r"^\s*(?:[A-ZÅÄÖ]{1,5}\s*)?§+\s*\d+\s*|^\s*\d{1,3}[.)]?\s+", " ", text)
    return " ".join(re.findall(r"\w+", text.casefold()))


def _items(chunks: Iterable[Chunk]) -> list[_Item]:
    """Chunks grouped by ärende (header and trailer chunks, which have no item, are left out)."""
    groups: dict[tuple[str, int | None, str | None, str | None], list[Chunk]] = {}
    for chunk in chunks:
        if chunk.item_title is None and chunk.item_number is None:
            continue
        groups.setdefault((chunk.doc_id, chunk.item_number, chunk.item_title, chunk.paragraph), []).append(chunk)
    return [_Item(key, tuple(sorted(cs, key=lambda c: c.start_char))) for key, cs in groups.items()]


def _state(item: _Item) -> str | None:
    states = {c.decision_state for c in item.chunks}
    return DECIDED if DECIDED in states else PROPOSED if PROPOSED in states else None


def _kind(item: _Item, state: str | None, decided_before: bool) -> str:
    if decided_before and _REPORT_BACK.search(item.first.item_title or ""):
        return "återrapportering"
    return state or ("beslut" if item.first.meeting.doc_type in PROTOCOL_DOC_TYPES else "övrigt")


def _votes(item: _Item) -> tuple[Vote, ...]:
    return tuple(dict.fromkeys(v for c in item.chunks for v in c.votes))


def _reservations(item: _Item) -> tuple[Reservation, ...]:
    return tuple(dict.fromkeys(r for c in item.chunks for r in c.reservations))


def _order(item: _Item) -> tuple[str, int, str, int]:
    chunk = item.first
    return (chunk.meeting.date or "", _STAGE.get(chunk.meeting.doc_type, 2), chunk.source_file, chunk.start_char)


def _title_words(title: str | None) -> frozenset[str]:
    """Words of a normalised title without numbers and month names ("… oktober 2025" is the same ärende)."""
    return frozenset(w for w in normalize_title(title).split() if not w.isdigit() and w not in _MONTHS)


def _jaccard(a: str | None, b: str | None) -> float:
    wa, wb = _title_words(a), _title_words(b)
    return len(wa & wb) / max(len(wa | wb), 1)


def title_similarity(a: str | None, b: str | None) -> float:
    """1.0 when one title's words contain the other's (two words at least), else their Jaccard overlap.

    Short titles ("Övrigt", "Information") score 0: they name no ärende of their own.
    """
    wa, wb = _title_words(a), _title_words(b)
    small, big = sorted((wa, wb), key=len)
    if len(" ".join(sorted(small))) < _MIN_TITLE_CHARS:
        return 0.0
    if len(small) >= 2 and small <= big:
        return 1.0
    return _jaccard(a, b)


def _title_partners(found: Sequence[_Item], items: Sequence[_Item]) -> list[_Item]:
    """Per found item, the best-matching item of the same meeting in another document that has no dnr."""
    docs = {i.first.doc_id for i in found}
    partners: list[_Item] = []
    for item in found:
        key = meeting_key(item.first)
        if key is None:
            continue
        scored = [(title_similarity(item.first.item_title, other.first.item_title), other) for other in items
                  if not other.first.diarienummer and other.first.doc_id not in docs
                  and meeting_key(other.first) == key]
        scored = [(score, other) for score, other in scored if score >= _TITLE_MATCH]
        if scored:  # ties (two titles containing the other's words) go to the closer wording
            partners.append(max(scored, key=lambda so: (so[0], _jaccard(item.first.item_title,
                                                                         so[1].first.item_title)))[1])
    return partners


# "Protokollsutdrag från kommunstyrelsen 2025-10-08 § 112" / "Protokollsutdrag KF § 35 2023-04-20"
_EXTRACT = re.compile(
    r"Protokollsutdrag\s+(?:från\s+)?(?:(?P<organ>[A-ZÅÄÖa-zåäö][\w -]{1,60}?)\s*,?\s+(?P<date>\d{4}-\d\d-\d\d)"
    r"\s*,?\s*§\s?(?P<number>\d{1,4})|(?P<abbr>[A-ZÅÄÖ]{2,6})\s+§\s?(?P<number2>\d{1,4}),?\s+(?P<date2>\d{4}-\d\d-\d\d))")


def _organ_matches(organ: str, committee: str | None) -> bool:
    """ "kommunstyrelsen"/"KS" name "Kommunstyrelsen"; "kommunstyrelsens arbetsutskott"/"BUN AU" name no nämnd."""
    if not committee:
        return False
    organ, committee = organ.strip().casefold(), committee.casefold()
    if organ in (committee, committee + "s") or organ.rstrip("s") == committee:
        return True
    if not re.fullmatch(r"[a-zåäö]{2,6}", organ):
        return False
    rest = iter(committee)  # an abbreviation's letters in order: "bun" in "barn- och utbildningsnämnden"
    return committee.startswith(organ[0]) and all(letter in rest for letter in organ)


def extract_references(chunk: Chunk) -> list[tuple[str, str, str]]:
    """(organ, date, "§ N") of every protokollsutdrag a chunk names, e.g. its Beslutsunderlag."""
    found: list[tuple[str, str, str]] = []
    for m in _EXTRACT.finditer(chunk.text):
        if m.group("organ"):
            found.append((m.group("organ"), m.group("date"), f"§ {int(m.group('number'))}"))
        else:
            found.append((m.group("abbr"), m.group("date2"), f"§ {int(m.group('number2'))}"))
    return found


def _referenced(found: Sequence[_Item], chunks: Sequence[Chunk]) -> list[_Item]:
    """Items of other meetings that the case's items cite as protokollsutdrag (one hop, same kommun)."""
    # Only the beslutsunderlag: a "Meddelanden" item lists every extract received, which is no case of its own.
    refs = {(ref, (i.first.meeting.kommun or "").casefold()) for i in found for c in i.chunks
            if c.section == BESLUTSUNDERLAG for ref in extract_references(c)}
    if not refs:
        return []
    dates = {date for (_, date, _), _ in refs}
    have = {i.key for i in found}
    by_date = _lookup(chunks).by_date
    items = _items(c for date in dates for c in by_date.get(date, ()) if c.paragraph)
    return [i for i in items if i.key not in have and any(
        date == i.first.meeting.date and paragraph == i.first.paragraph and kommun == (i.first.meeting.kommun or "")
        .casefold() and _organ_matches(organ, i.first.meeting.committee) for (organ, date, paragraph), kommun in refs)]


def case_steps(chunks: Sequence[Chunk], by_dnr: Mapping[str, Sequence[int]], dnr: str) -> tuple[CaseStep, ...]:
    """The timeline of the case `dnr` (any written form), oldest meeting first, kallelse before protocol.

    Args:
        chunks: every chunk of the index.
        by_dnr: canonical diarienummer -> row numbers in `chunks` (the searcher's lookup table).
        dnr: the diarienummer as the user wrote it.
    """
    canonical = normalize_dnr(dnr) or dnr.strip().upper()
    rows = by_dnr.get(canonical, ())
    if not rows:
        return ()
    found = _items(chunks[r] for r in rows)
    found_docs = {i.first.doc_id for i in found}
    meetings = {meeting_key(i.first) for i in found} - {None}
    # Only the documents of the case's meetings can hold a title-linked twin.
    by_meeting = _lookup(chunks).by_meeting
    candidates = _items(c for key in meetings for c in by_meeting.get(key, ()) if c.doc_id not in found_docs)
    linked = {i.key for i in _title_partners(found, candidates)}
    cited = _referenced(found, chunks)
    how = {**{i.key: "protokollsutdrag" for i in cited}, **{key: "titel" for key in linked}}
    steps: list[CaseStep] = []
    decided_before = False
    for item in sorted(found + [i for i in candidates if i.key in linked] + cited, key=_order):
        state = _state(item)
        first = item.first
        steps.append(CaseStep(
            meeting=first.meeting, doc_id=first.doc_id, source_file=first.source_file, paragraph=first.paragraph,
            item_title=first.item_title, diarienummer=first.diarienummer, decision_state=state,
            kind=_kind(item, state, decided_before), linked_by=how.get(item.key, "diarienummer"),
            chunks=item.chunks, votes=_votes(item), reservations=_reservations(item),
            notes=tuple(dict.fromkeys(n for c in item.chunks for n in c.notes)),
        ))
        decided_before = decided_before or state == DECIDED
    return tuple(steps)
