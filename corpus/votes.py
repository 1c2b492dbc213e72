"""Voteringar and reservationer of one ärende as data: counts, the proposition, voters and who reserved.

Kommunallagen's vocabulary, not a meeting system's layout: a votering opens with "Votering begärs"
or "Omröstning begärs"; the proposition is "Den som önskar … röstar ja … röstar nej" or
"Ja-röst innebär …"; the counts are "Ja: 23, Nej: 22" or "med 6 ja-röster mot 3 nej-röster och 2
som avstår"; a tie is settled by the chair's "utslagsröst". A reservation is a sentence
"<namn (parti)>, … reserverar sig [skriftligt] [mot …|till förmån för …]".
Voters are read only from a voteringslista whose rows keep their columns (a Markdown table); a
pdftotext list whose X marks have drifted out of their rows is left unread rather than guessed.
"""

from __future__ import annotations

import re

from corpus.types import Person, ProtocolNote, Reservation, Vote, Voter

_VOTE_START = re.compile(r"\b(?:Votering|Omröstning)\s+(?:begärs|genomförs|verkställs)", re.IGNORECASE)
_PROPOSITION_SWEDISH = re.compile(r"Den\s+som\s+(?:önska\w*|avser|vill)\s.{0,400}?röstar\s+nej\b\.?",
                                  re.IGNORECASE | re.DOTALL)
_PROPOSITION_LINES = re.compile(r"^[−–•*\s-]*((?:Ja|Nej)-röst\s+innebär[^\n]*)", re.IGNORECASE | re.MULTILINE)
# "Ja: 23, Nej: 22." / "Ja 40, Nej 5" / "Ja: 20\nNej: 24\nAvstår: 1"
_COUNTS_LABELLED = re.compile(
    r"\bJa:?[ \t]*(?P<yes>\d{1,3})[ \t]*[,;]?\s*Nej:?[ \t]*(?P<no>\d{1,3})"
    r"(?:[ \t]*[,;]?\s*Avst(?:år|od)d?:?[ \t]*(?P<abstain>\d{1,3}))?"
    r"(?:[ \t]*[,;]?\s*Frånvarande:?[ \t]*(?P<absent>\d{1,3}))?")
# "med 6 ja-röster mot 3 nej-röster och med 2 röster som avstår" / "… och 2 som avstår"
_COUNTS_PROSE = re.compile(
    r"(?P<yes>\d{1,3})\s+ja-röst(?:er)?\s+mot\s+(?P<no>\d{1,3})\s+nej-röst(?:er)?"
    r"(?:\s*(?:,|och)\s*(?:med\s+)?(?P<abstain>\d{1,3})\s+(?:röst(?:er)?\s+)?(?:som\s+)?avst(?:år|od))?",
    re.IGNORECASE)
_OUTCOME = re.compile(r"Ordförande\w*(?:\s+\([A-ZÅÄÖ]{1,5}\))?\s+(?:förklarar|finner)\s+att\s.{0,400}?"
                      r"(?:\.(?=\s)|\n\s*\n|$)", re.DOTALL)
_CASTING = re.compile(r"utslagsröst", re.IGNORECASE)
# A name as protocols write it before its party: "Karl-Gustav Nilsson (S)", "Ermin Škorić (S)".
_NAME = r"[A-ZÅÄÖÉÜŠ][\w'’-]*(?:[ \t\n]+(?:af |von |de |van )?[A-ZÅÄÖÉÜŠ][\w'’-]*){1,3}"
_PERSON = re.compile(rf"(?P<name>{_NAME})\s*,?\s*\((?P<party>[A-ZÅÄÖ]{{1,6}}|-)\)")
# Words that open the sentence or end a heading line just before the first name.
_TITLES = re.compile(r"^(?:(?:Reservation(?:er)?|Protokollsanteckning(?:ar)?|Ersättare(?:n)?|Ledamot(?:en)?|"
                     r"Ordförande(?:n)?|Vice|Även|Ledamöterna|Samt)\s+)+")
_RESERVES = re.compile(r"reserverar\s+sig\b(?P<rest>[^.]{0,300})", re.IGNORECASE)
# Sentence ends, blank lines, and heading lines such as "Bilaga A" / "Reservation" above the names.
_SENTENCE_BREAK = re.compile(r"(?<=[.:!?])\s|\n[ \t]*\n|^[ \t]*(?:Bilaga|Reservation(?:er)?|"
                             r"Protokollsanteckning(?:ar)?)\b[^\n(]{0,20}\n", re.MULTILINE)
_TABLE_ROW = re.compile(r"^\|(.+)\|[ \t]*$", re.MULTILINE)
_CHOICE_HEADERS = (("avst", "avstår"), ("frånvar", "frånvarande"), ("nej", "nej"), ("ja", "ja"))
_DEFAULT_COLUMNS = ("ja", "nej", "avstår", "frånvarande")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse_person(text: str) -> Person | None:
    """ "Monica Neptun (L) 1:e vice<br>ordförande" -> Person("Monica Neptun", "L", "1:e vice ordförande")."""
    text = _squash(text.replace("<br>", " "))
    m = re.match(r"^(?P<name>[^()|]+?)\s*,?\s*\((?P<party>[^()]{1,8})\)\s*,?\s*(?P<role>.*)$", text)
    if not m or not re.search(r"[A-ZÅÄÖ]", m.group("name")):
        return None
    role = m.group("role").strip(" ,") or None
    return Person(m.group("name").strip(" ,"), m.group("party").strip(), role)


def _columns(header: list[str]) -> tuple[str, ...] | None:
    """Choice per column from a voteringslista header ("Ja-röst", "Nej-röst", "Avstår från att rösta")."""
    choices: list[str] = []
    for cell in header:
        folded = cell.casefold()
        choices.append(next((choice for key, choice in _CHOICE_HEADERS if key in folded), ""))
    return tuple(choices) if "ja" in choices and "nej" in choices else None


def _voters(region: str) -> tuple[tuple[Voter, ...], int]:
    """Voters from Markdown table rows "| Namn (P) | X |  |  |", and where the last one ends.

    Page-split tables keep the last header's columns.
    """
    voters: list[Voter] = []
    last = 0
    columns: tuple[str, ...] = _DEFAULT_COLUMNS
    for row in _TABLE_ROW.finditer(region):
        cells = [c.strip() for c in row.group(1).split("|")]
        if all(set(c) <= set("-: ") for c in cells):
            continue  # the | --- | separator
        header = _columns(cells[1:])
        if header is not None:
            columns = header
            continue
        marked = [i for i, c in enumerate(cells[1:]) if c.strip().upper() == "X"]
        person = parse_person(cells[0])
        if person is None or len(marked) != 1 or marked[0] >= len(columns) or not columns[marked[0]]:
            continue
        voters.append(Voter(person.name, person.party, columns[marked[0]]))
        last = row.end()
    return tuple(dict.fromkeys(voters)), last


def _proposition(region: str) -> str:
    m = _PROPOSITION_SWEDISH.search(region)
    if m:
        return _squash(m.group(0))
    lines = [_squash(m.group(1)) for m in _PROPOSITION_LINES.finditer(region)]
    return "; ".join(dict.fromkeys(lines))


_LIST_HEADER = re.compile(r"^(?P<lead>.*?)\bJa\b(?P<mid>.*?)\bNej\b(?:(?P<mid2>.*?)\bAvstår\b)?", re.MULTILINE)
_TOTAL_ROW = re.compile(r"^[ \t]*Totalt\b[^\n]*\n(?:[ \t]*(?:X[ \t]*)?\n)*?(?P<numbers>[ \t]*\d{1,3}(?:[ \t]+\d{1,3}){0,2})[ \t]*$",
                        re.MULTILINE)


def _list_totals(region: str) -> tuple[int | None, int | None, int | None]:
    """Ja/nej/avstår from a voteringslista's "Totalt" numbers, each under its column heading.

    pdftotext keeps the columns of the totals row even where the X marks drift ("    7      6" under
    "Ja      Nej  Avstår"); a number is read only when it sits under one heading.
    """
    total = _TOTAL_ROW.search(region)
    header = None
    for m in _LIST_HEADER.finditer(region, 0, total.start() if total else 0):
        header = m
    if not total or header is None:
        return None, None, None
    line_start = region.rfind("\n", 0, header.start()) + 1
    columns = [header.start("mid") - 2 - line_start, header.end("mid") - line_start]  # "Ja", "Nej"
    if header.group("mid2") is not None:
        columns.append(header.end("mid2") - line_start)
    row_start = total.start("numbers")
    found: list[int | None] = [None, None, None]
    for number in re.finditer(r"\d{1,3}", total.group("numbers")):
        at = number.start() + row_start - (region.rfind("\n", 0, row_start) + 1)
        nearest = min(range(len(columns)), key=lambda i: abs(columns[i] - at))
        if abs(columns[nearest] - at) > 4:
            return None, None, None  # a number under no heading: the columns did not survive
        found[nearest] = int(number.group(0))
    return found[0], found[1], found[2]


def _counts(region: str) -> tuple[int | None, int | None, int | None, int | None]:
    m = _COUNTS_LABELLED.search(region) or _COUNTS_PROSE.search(region)
    if not m:
        yes, no, abstain = _list_totals(region)
        return yes, no, abstain, None
    groups = m.groupdict()
    absent = groups.get("absent")
    return (int(groups["yes"]), int(groups["no"]), int(groups["abstain"]) if groups.get("abstain") else None,
            int(absent) if absent else None)


def _outcome(region: str, counted_at: int) -> re.Match[str] | None:
    """The chair's finding that states the decision ("… beslutar/beslutat …"), at or after the counts."""
    found = [m for m in _OUTCOME.finditer(region) if "beslut" in m.group(0)]
    return next((m for m in found if m.end() > counted_at), found[0] if found else None)


def find_votes(text: str, start: int = 0, end: int | None = None, paragraph: str | None = None) -> tuple[Vote, ...]:
    """The voteringar in text[start:end] (one ärende), in order; each runs to the next one or the end."""
    end = len(text) if end is None else end
    opens = [m.start() + start for m in _VOTE_START.finditer(text, start, end)]
    votes: list[Vote] = []
    for k, at in enumerate(opens):
        stop = opens[k + 1] if k + 1 < len(opens) else end
        region = text[at:stop]
        yes, no, abstain, absent = _counts(region)
        counted = _COUNTS_LABELLED.search(region) or _COUNTS_PROSE.search(region)
        outcome = _outcome(region, counted.start() if counted else 0)
        # The votering ends with its outcome sentence (or its counts); a voteringslista after it belongs to it.
        last = max(m.end() for m in (outcome, counted) if m) if (outcome or counted) else min(len(region), 400)
        voters, table_end = _voters(region)
        votes.append(Vote(
            paragraph=paragraph, proposition=_proposition(region), yes=yes, no=no, abstain=abstain, absent=absent,
            voters=voters, outcome=_squash(outcome.group(0)) if outcome else None,
            casting_vote=bool(_CASTING.search(region)), start=at, end=at + max(last, table_end),
        ))
    return tuple(votes)


def _sentence_start(text: str, at: int, floor: int) -> int:
    """Start of the sentence holding position `at` (no earlier than floor, at most 600 characters back)."""
    lo = max(floor, at - 600)
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text, lo, at)]
    return breaks[-1] if breaks else lo


def reserving_people(sentence: str) -> tuple[Person, ...]:
    """The named people (with party) in the part of a sentence before "reserverar sig"."""
    people: list[Person] = []
    for m in _PERSON.finditer(sentence):
        name = _TITLES.sub("", _squash(m.group("name")))
        if " " in name:
            people.append(Person(name, m.group("party")))
    return tuple(dict.fromkeys(people))


def find_reservations(text: str, start: int = 0, end: int | None = None) -> tuple[Reservation, ...]:
    """Reservations in text[start:end]: each "<namn (parti)> … reserverar sig …" sentence naming someone."""
    end = len(text) if end is None else end
    found: list[Reservation] = []
    for m in _RESERVES.finditer(text, start, end):
        first = _sentence_start(text, m.start(), start)
        who = reserving_people(text[first:m.start()])
        if not who:
            continue  # "Vi reserverar oss …" in an attached reservation: its signers are named elsewhere
        rest = _squash(m.group("rest"))
        written = rest.casefold().startswith("skriftligt")
        against = _squash(re.sub(r"^skriftligt\s*", "", rest, flags=re.IGNORECASE)) or None
        stop = min(end, m.end() + 1 if text[m.end():m.end() + 1] == "." else m.end())
        found.append(Reservation(who, against, written, first, stop))
    return tuple(found)


_NOTE_HEADING = re.compile(r"^[ \t#*]*Protokollsanteckning(?:ar)?[ \t*:]*$", re.MULTILINE | re.IGNORECASE)
_NOTE_SENTENCE = re.compile(r"\b(?:lämnar|lämnade|får\s+lämna|anmäler|anmälde)\b[^.\n]{0,60}protokollsanteckning",
                            re.IGNORECASE)


def _block_end(text: str, at: int, end: int) -> int:
    """End of the paragraph starting at `at`: the first blank line after some text (at most 1,500 chars)."""
    m = re.compile(r"\S[\s\S]*?(?=\n[ \t]*\n|\Z)").match(text, at, min(end, at + 1500))
    return m.end() if m else at


def sentence_subjects(text: str) -> tuple[Person, ...]:
    """The people each sentence opens with ("Ersättare Mats Dahl (SD) stödjer Elisabeth Svensson (SD) …" -> Dahl)."""
    people: list[Person] = []
    text = re.sub(r"(?m)^[ \t]*Bilaga\b[^\n(]{0,20}$", "", text)  # "Bilaga C" lines between the sentences
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        cursor = 0
        for m in _PERSON.finditer(sentence):
            between = _TITLES.sub("", sentence[cursor:m.start()].strip(" ,\n"))
            if between not in ("", "och", ",", "samt") and cursor > 0 or (cursor == 0 and between):
                break
            name = _TITLES.sub("", _squash(m.group("name")))
            if " " in name:
                people.append(Person(name, m.group("party")))
            cursor = m.end()
    return tuple(dict.fromkeys(people))


def find_notes(text: str, start: int = 0, end: int | None = None) -> tuple[ProtocolNote, ...]:
    """Protokollsanteckningar in text[start:end]: the paragraph under a "Protokollsanteckning" heading,
    or a sentence "<namn (parti)> lämnar en (skriftlig) protokollsanteckning"; unnamed ones are skipped."""
    end = len(text) if end is None else end
    notes: list[ProtocolNote] = []
    for m in _NOTE_HEADING.finditer(text, start, end):
        body = re.compile(r"\s*").match(text, m.end()).end()
        stop = _block_end(text, body, end)
        if text[body:stop].rstrip().endswith(":"):  # "… har inkommit med följande protokollsanteckning:"
            stop = _block_end(text, re.compile(r"\s*").match(text, stop).end(), end)
        block = text[body:stop]
        who = sentence_subjects(block)
        if who:
            notes.append(ProtocolNote(who, _squash(block), "skriftlig" in block.casefold(), m.start(), stop))
    for m in _NOTE_SENTENCE.finditer(text, start, end):
        if any(n.start <= m.start() < n.end for n in notes):
            continue
        first = _sentence_start(text, m.start(), start)
        who = reserving_people(text[first:m.start()])
        stop = text.find(".", m.end(), end)
        stop = end if stop < 0 else stop + 1
        if who:
            notes.append(ProtocolNote(who, _squash(text[first:stop]), "skriftlig" in m.group(0).casefold(),
                                      first, stop))
    return tuple(sorted(notes, key=lambda n: n.start))
