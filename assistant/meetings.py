"""Meetings of the archive and the facts their headers and cover blocks state (Tid, Plats, roles, justering)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.kommuner import kommun_body
from assistant.plan import QuestionPlan, committee_stem
from assistant.reply import line_quote
from corpus.people import ANSLAG_UP
from corpus.types import Chunk, Meeting
from index.types import Hit

_ISO = r"\d{4}-\d{2}-\d{2}"
_NAME = r"[A-ZÅÄÖ][\wåäöéü.\-]+(?:[ \t]+[A-ZÅÄÖ][\wåäöéü.\-]+){1,3}(?:[ \t]*\([A-ZÅÄÖa-zåäö]{1,4}\))?"
# Role labels of kommunal protocols and kallelser (kommunallagen's vocabulary), by what the question names.
ROLES = {
    "ordförande": r"(?<!vice )ordförande",
    "vice ordförande": r"vice ordförande",
    "sekreterare": r"sekreterare",
    "justerare": r"(?:protokoll)?justerare|justerande|justeras av|justeringsperson",  # "Protokolljusterare A (M) / B (M)"
}
_ROLE_ASK = {"ordförande": r"(?<!vice )ordförande|chair|(vem|who) (ledde|led|presided)\b", "vice ordförande": r"vice ordförande|vice chair",
             "sekreterare": r"sekreterare|secretary",
             "justerare": r"justerare|justerande|(vem|vilka|who) (\w+ ){0,4}(justera\w*|adjust\w*|checked|signed)"
             r"|justerade\)? (protokollet|the minutes)"}
_TIME_LINE = re.compile(rf"^[ \t*]*(Tid|Datum|Sammanträdesdatum)\b:?[^\n]*?({_ISO}|\d{{1,2}}[:.]\d{{2}})[^\n]*$",
                        re.M | re.I)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_CLOCK_LINE = re.compile(r"^[ \t*]*(Tid|Klockan|Kl\.?)\b:?[^\n]*?\b\d{1,2}[:.]\d{2}\b[^\n]*$", re.M | re.I)
# "### Frånvarande" / "Ajda Asgari (MP), Ordförande" / " José Blanco Garcia (S)": a protocol's list of the absent,
# as one block (the label, then its lines up to a blank line), or "Frånvarande: …" on one line.
_ABSENT = re.compile(r"^[ \t#*]*(?:Frånvarande|Ej närvarande)(?: ledamöter)?[ \t]*:?[ \t]*(?:\n[ \t]*)+((?:[^\n]+\n?)+)"
                     r"|^[ \t#*]*(?:Frånvarande|Ej närvarande)[ \t]*:[ \t]*(\S[^\n]*)$", re.M | re.I)
_PLACE_LINE = re.compile(r"^[ \t*]*(Plats|Lokal|Sammanträdesplats)\b:?[ \t]+\S[^\n]*$", re.M | re.I)
_JUSTERING = re.compile(rf"Justering\w*(?:[^\n\d]|\n(?!\n)){{0,60}}?({_ISO})|justera\w* (?:den |)({_ISO})", re.I)
# "Paragrafer 1012–1020", "Paragrafer § 39–49" (also mid-line, in a table-like cover block), "§§ 93–101".
_PARAGRAPHS_LINE = re.compile(r"(\bParagrafer\b|\bParagraf\b|§§)[: \t]*§*[ \t]*\d{1,4}([ \t]*[-–][ \t]*\d{1,4})?", re.I)
_ANSLAG = re.compile(rf"anslag\w*(?:[^\n\d]|\n(?!\n)){{0,60}}?({_ISO})", re.I)
_ANSLAG_DOWN = re.compile(rf"anslag\w* (?:tas ned|tas bort|nedtag\w*)[^\n\d]{{0,20}}?({_ISO})|(?:nedtagande|nedtaget)[^\n\d]{{0,40}}?({_ISO})",
                          re.I)


@dataclass(frozen=True, slots=True)
class MeetingKey:
    """One meeting of one nämnd, however many documents (kallelse, protokoll) describe it."""

    kommun: str | None
    committee: str | None
    date: str

    def holds(self, chunk: Chunk) -> bool:
        """Whether the chunk comes from a document of this meeting."""
        m = chunk.meeting
        return m.date == self.date and (not self.kommun or not m.kommun or m.kommun == self.kommun) and (
            not self.committee or not m.committee or committee_stem(m.committee) == committee_stem(self.committee))


@dataclass(frozen=True, slots=True)
class Fact:
    """One stated fact of a meeting with the verbatim quote that states it."""

    label: str  # "Datum och tid", "Plats", "Ordförande" …
    value: str
    quote: str
    hit: Hit


def meeting_keys(meetings: Iterable[Meeting]) -> list[MeetingKey]:
    """The distinct dated meetings, oldest first."""
    keys = {MeetingKey(m.kommun, m.committee, m.date) for m in meetings if m.date}
    return sorted(keys, key=lambda k: (k.date, k.committee or "", k.kommun or ""))


def select_meetings(plan: QuestionPlan, meetings: Sequence[MeetingKey], topic_hits: Sequence[Hit]) -> list[MeetingKey]:
    """The meetings a question is about: by nämnd, kommun, day, month and year; else the best topic hit's."""
    chosen = list(meetings)
    # "Tyresönämndens möte": the nämnd of a kommun, which the documents call by its own name.
    bodies = {k for c in plan.committees if (k := kommun_body(c))}
    committees = [c for c in plan.committees if not kommun_body(c)]
    named = {m.committee for m in chosen if m.committee and names_committee(plan, m.committee)}
    if named:
        chosen = [m for m in chosen if m.committee in named]
    elif committees:
        chosen = []
    kommuner = set(plan.kommuner) | {m.kommun for m in chosen if m.kommun and m.kommun.casefold() in bodies}
    if kommuner:
        chosen = [m for m in chosen if m.kommun in kommuner]
    if plan.dates:
        chosen = [m for m in chosen if m.date in plan.dates]
    elif plan.months:
        chosen = [m for m in chosen if m.date[:7] in plan.months]
    elif plan.years:
        chosen = [m for m in chosen if int(m.date[:4]) in plan.years]
    narrowed = named or plan.committees or kommuner or plan.dates or plan.months or plan.years
    if not narrowed and topic_hits:
        top = topic_hits[0].chunk.meeting
        chosen = [m for m in chosen if m.date == top.date and m.committee == top.committee]
    return chosen


def meeting_facts(plan: QuestionPlan, meeting: MeetingKey, hits: Sequence[Hit]) -> list[Fact]:
    """The facts the question asks for, each found in (and quoted from) one of the meeting's chunks."""
    facts: list[Fact] = []
    roles = [role for role, ask in _ROLE_ASK.items() if re.search(ask, plan.question, re.I)]
    if plan.wants("justering") and plan.wants("date", "time"):
        # The label and the date as written first (the quote then states both), the parser's field otherwise.
        facts += _dated(hits, _JUSTERING, "Justering") or _parsed(hits, "justering_date", "Justering")
    if plan.wants("anslag"):
        # The "sätts upp" line first: an anslagsbevis opens "… tillkännagivits genom anslag" above its Sammanträdesdatum.
        facts += _dated(hits, ANSLAG_UP, "Anslag") or _dated(hits, _ANSLAG, "Anslag") or _parsed(
            hits, "anslag_date", "Anslag")
        facts += _dated(hits, _ANSLAG_DOWN, "Anslag tas ned")  # "Datum då anslaget tas ned 2019-03-29"
    # The label next to the name as written first, only outside an ärende ("Ordförande  Richard Jerneborg (M)" in a
    # beslut is whom fullmäktige elected to chair a bolag, not who chaired the meeting); the parser's field where the
    # layout hides the label.
    cover = [h for h in hits if h.chunk.item_title is None]
    for role in roles:
        field = {"ordförande": "chair", "sekreterare": "secretary", "justerare": "adjusters"}.get(role)
        facts += _role(cover, role) or (_parsed(hits, field, role.capitalize()) if field else [])
    if plan.wants("attendance"):
        facts += _absent(hits)
    if plan.wants("agenda"):
        facts += _agenda(hits)
    if plan.wants("paragraphs"):
        facts += _line(hits, _PARAGRAPHS_LINE, "Paragrafer", None)
    asked = roles or plan.wants("justering", "anslag", "agenda", "paragraphs", "attendance")
    wants_when = plan.wants("time", "date") and not plan.wants("justering", "anslag", "paragraphs")
    if wants_when or not (facts or asked):
        when = _line(hits, _TIME_LINE, "Datum och tid", meeting.date)
        if when and not _CLOCK.search(when[0].quote):  # "Datum 2019-02-26", the hours on a line of their own
            when += _line(hits, _CLOCK_LINE, "Tid", None)
        facts += when
    if plan.wants("place") or not (facts or asked):
        # The parser's place first: a two-column cover prints the value above its label ("Kommunfullmäktigesalen,
        # Storgatan 37 Klockan 14:00 – 16:55" / "Plats och tid för" / "sammanträde"), where the label line alone
        # would be quoted as the place ("Plats: och tid för").
        facts += _parsed(hits, "place", "Plats") or _line(hits, _PLACE_LINE, "Plats", None)
    return facts


def meeting_words(hits: Sequence[Hit]) -> list[str]:
    """The nämnd and kommun names of the hits' meetings: what frames a question's ärende, not what tells it apart
    (the `scope` of sentences.topic_terms)."""
    return [w for h in hits for w in (h.chunk.meeting.committee or "", h.chunk.meeting.kommun or "")]


def names_committee(plan: QuestionPlan, committee: str) -> bool:
    """Whether the question names this nämnd: by a nämnd word its stem matches, as written, or by its initials."""
    return _same_committee(committee, plan.committees) or committee_mentioned(committee, plan.question)


def committee_mentioned(committee: str, question: str) -> bool:
    """Whether the question names this nämnd as written ("Vård & Omsorgs sammanträde", "Kungsbacka's Teknik
    committee") or by its initials ("BUN:s protokoll" for Barn- och utbildningsnämnden, "KF" for kommunfullmäktige).
    """
    core = re.sub(r"^(nämnden|styrelsen|utskottet) för\s+", "", committee_stem(committee))
    if len(core) >= 4 and re.search(rf"(?<![\wåäö]){re.escape(core)}", question, re.I):
        return True
    return bool(re.search(rf"\b{initials(committee)}\b", question)) if len(initials(committee)) >= 2 else False


def initials(committee: str) -> str:
    """"Barn- och utbildningsnämnden" -> "BUN"; "Kommunfullmäktige" -> "KF"; "Nämnden för Individ & Familjeomsorg" -> "IF"."""
    core = re.sub(r"^(nämnden|styrelsen|utskottet) för\s+", "", committee_stem(committee))
    words = [w for w in re.split(r"[\s\-]+", core) if w and w not in ("och", "&", "för")]
    letters = []
    for word in words:
        word = re.sub(r"^kommun(?=\w{4})", "k ", word)  # kommunfullmäktige -> k fullmäktige
        letters += [part[0] for part in word.split()]
    if core.endswith("nämnd"):
        letters.append("n")
    return "".join(letters).upper()


def _same_committee(committee: str, named: Sequence[str]) -> bool:
    stem = committee_stem(committee)
    return any(stem.endswith(n) or n.endswith(stem) for n in named)


def _ordered(hits: Sequence[Hit]) -> list[Hit]:
    """Header and cover-block chunks first (no ärende), protocols before kallelser."""
    return sorted(hits, key=lambda h: (h.chunk.item_title is not None, not h.chunk.meeting.doc_type.startswith("prot"),
                                       h.chunk.source_file, h.chunk.start_char))


def _parsed(hits: Sequence[Hit], field: str, label: str) -> list[Fact]:
    """A fact the parser read off the meeting (Meeting.chair, .justering_date …), quoted from the chunk stating it."""
    for hit in _ordered(hits):
        meeting = hit.chunk.meeting
        value = {"chair": meeting.chair, "secretary": meeting.secretary, "justering_date": meeting.justering_date,
                 "place": meeting.place,
                 "anslag_date": meeting.anslag_date, "adjusters": ", ".join(meeting.adjusters)}[field]
        if not value:
            continue
        names = value.split(", ") if field == "adjusters" else [value]
        for candidate in _ordered(hits):
            text = candidate.chunk.text
            at = [text.find(n) for n in names]
            if all(a >= 0 for a in at):  # quote the lines from the first to the last name (one name: its line)
                quote = line_quote(text, min(at), max(a + len(n) for a, n in zip(at, names)))
                if len(quote) <= 300:
                    # "Ordförande: Fredrik Karström §§ 1-10, Thomas Eneström § 11-12": each one's paragraphs as written
                    label_value = quote.split(":", 1)
                    shown = " ".join(label_value[1].split()) if "§" in quote and len(label_value) == 2 else value
                    return [Fact(label, shown, quote, candidate)]
    return []


def _absent(hits: Sequence[Hit]) -> list[Fact]:
    """Who was absent, quoted from the protocol's list ("Var ordföranden med?" is answered by "Frånvarande" /
    "Ajda Asgari (MP), Ordförande")."""
    for hit in _ordered(hits):
        match = _ABSENT.search(hit.chunk.text)
        if match:
            names = (match.group(1) or match.group(2) or "").strip()
            quote = hit.chunk.text[match.start():match.start(1 if match.group(1) else 2) + len(names)].strip(" \t#*")
            return [Fact("Frånvarande", "; ".join(" ".join(n.split()) for n in names.splitlines() if n.strip()),
                         quote, hit)]
    return []


def _line(hits: Sequence[Hit], pattern: re.Pattern[str], label: str, value: str | None) -> list[Fact]:
    for hit in _ordered(hits):
        match = pattern.search(hit.chunk.text)
        if match:
            quote = line_quote(hit.chunk.text, match.start(), match.end())
            shown = value if value and value in quote else quote.split(None, 1)[-1].lstrip(": ")
            if value and value not in quote:
                shown = f"{value} ({quote})"
            return [Fact(label, shown, quote, hit)]
    return []


def _dated(hits: Sequence[Hit], pattern: re.Pattern[str], label: str) -> list[Fact]:
    for hit in _ordered(hits):
        match = pattern.search(hit.chunk.text)
        if match:
            date = match.group(1) or match.group(2)
            quote = " ".join(hit.chunk.text[match.start():match.end()].split())
            quote = hit.chunk.text[match.start():match.end()] if quote not in hit.chunk.text else quote
            return [Fact(label, date, quote, hit)]
    return []


def _role(hits: Sequence[Hit], role: str) -> list[Fact]:
    label = ROLES[role]
    # "Ordförande: Ing-Marie Viklund (L)" | "NIKLAS GLADH\nordförande" | "Sekreterare\nLinda Grafström"
    patterns = (
        # the name ends its line, or a wide gap follows it ("Sekreterare   Simon Nissen      Paragrafer § 39–49")
        re.compile(rf"^[ \t*]*(?:{label})[ \t]*:?[ \t]+({_NAME}(?:[ \t]*[/,][ \t]*{_NAME})*)[ \t]*(?:$|[ \t]{{3}})",
                   re.M | re.I),
        re.compile(rf"^[ \t*]*([A-ZÅÄÖ][A-ZÅÄÖ\-]+(?:[ \t]+[A-ZÅÄÖ][A-ZÅÄÖ\-]+){{1,3}})[ \t]*\n[ \t]*(?:{label})[ \t]*$",
                   re.M),
        # the name on a line below its label, blank lines between (pdftotext of a signature block)
        re.compile(rf"^[ \t*]*(?:{label})[ \t]*:?[ \t]*\n(?:[ \t]*\n){{0,3}}[ \t]*({_NAME})[ \t]*$", re.M | re.I),
    )
    # The surest layout first, in any chunk. A label opens in upper case: "ordförande      Tina Hald (SD)" is the end
    # of "2:e vice" wrapped from the line above (its other column's name beside it), not the meeting's chair.
    for pattern in patterns:
        for hit in _ordered(hits):
            match = next((m for m in pattern.finditer(hit.chunk.text) if pattern is patterns[1]
                          or m.group(0).lstrip(" \t*")[:1].isupper()), None)
            if match:
                quote = hit.chunk.text[match.start():match.end()].strip(" \t*")
                return [Fact(role.capitalize(), _name_case(match.group(1).strip()), quote, hit)]
    return []


def _name_case(name: str) -> str:
    """"NIKLAS GLADH" -> "Niklas Gladh"; mixed case is kept."""
    return name.title() if name.isupper() else name


def _agenda(hits: Sequence[Hit]) -> list[Fact]:
    """One fact per ärende of the meeting, in agenda order, quoted from the ärende's first chunk."""
    first: dict[tuple[int | None, str], Hit] = {}
    for hit in sorted(hits, key=lambda h: (h.chunk.source_file, h.chunk.start_char)):
        title = hit.chunk.item_title
        if title and (hit.chunk.item_number, title) not in first:
            first[(hit.chunk.item_number, title)] = hit
    facts = []
    for (number, title), hit in sorted(first.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or 0)):
        quote = next((hit.chunk.text[s.start:s.end] for s in _spans(hit.chunk.text)), None)
        if quote:
            facts.append(Fact(f"Ärende {number}" if number is not None else "Ärende", title, quote, hit))
    return facts[:15]


def _spans(text: str) -> list:
    from assistant.sentences import sentence_spans

    # A sentence of prose: not a run-together heading ("**1****Verksamhetsberättelse …****Beslut**") or a name line.
    return [s for s in sentence_spans(text) if len(text[s.start:s.end].split()) >= 4 and "**" not in text[s.start:s.end]]
