"""Who took part in a meeting and when its protocol was justerat and anslaget, from the cover block.

Labels are kommunallagen's and the protocol template's, not a meeting system's: "Ordförande",
"Sekreterare", "Justerande"/"Protokolljusterare"/"Utses att justera", "Beslutande (ledamöter)",
"Tjänstgörande ersättare", "Justeringens plats och tid"/"Plats och tid för justering",
"Anslaget sätts upp"/"tas ned". A value sits after the label on its line (after ":" or a column
gap) or alone on the next lines. A document that names nobody gets empty fields, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from corpus.types import Person

_DATE = r"((?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:[0-2]\d|3[01]))"
_NAME = r"[A-ZÅÄÖÉÜŠ][\w'’.-]*(?:[ \t]+(?:af |von |de |van )?[A-ZÅÄÖÉÜŠ][\w'’-]*){1,3}"
_PARTY_PERSON = re.compile(rf"(?P<name>{_NAME})\s*,?\s*\((?P<party>[A-ZÅÄÖ]{{1,6}}|-)\)")
# The label, then its value on the same line after ":" or a gap, or nothing (value on the next lines).
_ROLE_LABELS = {
    "chair": r"(?:(?:(?:1:e|2:e|Förste|Andre)\s+)?vice\s+)?(?:Ordförande|Ordf\.)",
    "secretary": r"(?:Sekreterare|Protokollförare)",
    "adjusters": r"(?:Justerande|Protokolls?justerare|Justerare)",
    "appointed": r"(?:Utses\s+att\s+justera|Justerare\s+utses)",
}
_LABEL_LINE = "^[ \\t#*]*{label}[ \\t*]*(?::[ \\t]*|[ \\t]+|$)(?P<value>[^\\n]*)$"
# A value must be a name: nothing after it but a column gap, "§§ 59–71" or a party ("(M)").
_NAME_VALUE = re.compile(rf"^(?P<name>{_NAME})(?:\s*\([A-ZÅÄÖ]{{1,6}}\))?\s*(?:$|\s{{2,}}|§|,\s*§)")
_MEMBERS = re.compile(r"^[ \t#*]*(?:Beslutande(?:[ \t]+ledamöter)?|Ordinarie[ \t]+ledamöter|Närvarolista\b[^\n]*?)"
                      r"[ \t*]*:?(?P<rest>[^\n]*)$", re.MULTILINE | re.IGNORECASE)
_SUBSTITUTES = re.compile(r"^[ \t#*]*Tjänstgörande[ \t]+ersättare[ \t*]*:?(?P<rest>[^\n]*)$", re.MULTILINE)
# Lines that end a list of people (the next block of the cover page).
_STOP = re.compile(r"^[ \t#*]*(?:(?:Ej|Icke)\s+tjänstgörande|Tjänstgörande\s+ersättare|Övriga|Ersättare\b|Frånvarande|"
                   r"Närvarande\s+ersättare|Utses|Justering|Sekreterare|Tjänstepersoner|Personalföreträdare|"
                   r"Plats|Paragraf|Protokollet\s+har\s+justerats\s+av|ANSLAG|Innehåll|Underskrift|§)",
                   re.IGNORECASE)
_JUSTERING = re.compile(rf"(?:Justering(?:ens)?\b|Plats\s+och\s+tid\s+för\s+justering)[^\n]*?"
                        rf"(?:\n[^\n]*?){{0,2}}?{_DATE}", re.IGNORECASE)
_SIGNED = re.compile(rf"^\s*Datum:\s+{_DATE}\s+\d\d:\d\d", re.MULTILINE)  # e-signature stamps
# The line stating when the protocol's notice went up (also read by assistant/meetings.py).
ANSLAG_UP = re.compile(rf"anslag\w*\s+(?:sätts|sattes)\s+upp[^\d\n]{{0,20}}{_DATE}|"
                        rf"anslag\w*\s+uppsatt[^\d\n]{{0,20}}{_DATE}", re.IGNORECASE)
_ANSLAG_DOWN = re.compile(rf"anslag\w*\s+(?:tas|togs)\s+ne[dr][^\d\n]{{0,20}}{_DATE}|"
                          rf"anslag\w*\s+nedtag\w*[^\d\n]{{0,20}}{_DATE}", re.IGNORECASE)
_MAX_LIST = 120  # lines a list of people may run (a fullmäktige has ~50 members, page breaks included)


@dataclass(frozen=True, slots=True)
class MeetingPeople:
    """The Meeting fields this module fills (see corpus.types.Meeting)."""

    justering_date: str | None = None
    anslag_date: str | None = None
    anslag_removed_date: str | None = None
    chair: str | None = None
    secretary: str | None = None
    adjusters: tuple[str, ...] = ()
    members: tuple[Person, ...] = ()
    substitutes: tuple[Person, ...] = ()

    def meeting_fields(self) -> dict[str, Any]:
        """Keyword arguments for Meeting(...), e.g. {"chair": "Marie Nilsson", ...}."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


def _names(value: str) -> list[str]:
    """ "Marie Sand och Sandra Pilemalm" / "Marie Sand, Per Bengtsson" / "Bengt Alderin (C)" -> names."""
    value = re.split(r"\s{2,}|§", value)[0]
    parts = re.split(r",\s*|\s+och\s+", value)
    return [m.group("name") for p in parts if (m := _NAME_VALUE.match(p.strip()))]


def _label_values(lines: list[str], label: str) -> tuple[list[list[str]], list[list[str]]]:
    """For each line with the label: (names on its own line, names on the next non-blank line when it has none).

    Names on the label's own line come first: a label alone on a line may be the wrapped end of a
    role in a list ("Maj-Britt Rane-Andersson (S), 2:e vice" / "ordförande" / "Lars Blom (M)"), whose
    next line is someone else (or, in two columns, "ordförande   Tina Hald (SD)"), so a label counts
    only when it starts with a capital, as labels do.
    """
    pattern = re.compile(_LABEL_LINE.format(label=label), re.IGNORECASE)
    same_line: list[list[str]] = []
    next_line: list[list[str]] = []
    for i, line in enumerate(lines):
        m = pattern.match(line)
        if not m or not line.lstrip(" \t#*")[:1].isupper():
            continue
        names = _names(m.group("value").strip())
        if names:
            same_line.append(names)
        elif not m.group("value").strip():
            following = [ln for ln in lines[i + 1:i + 6] if ln.strip()]
            names = _names(following[0].strip()) if following else []
            if names:
                next_line.append(names)
    return same_line, next_line


_SIGNATURE_ROLES = {"ordförande": "chair", "sekreterare": "secretary", "nämndsekreterare": "secretary",
                    "protokollförare": "secretary"}


def _signatures(lines: list[str]) -> dict[str, str]:
    """Names printed above their role, as under a kallelse: "NIKLAS GLADH" / "ordförande", also in columns."""
    found: dict[str, str] = {}
    previous = ""
    for line in lines:
        cells = [c.strip() for c in re.split(r"\s{2,}|\t", line.strip()) if c.strip()]
        above = [c.strip() for c in re.split(r"\s{2,}|\t", previous.strip()) if c.strip()]
        if cells and all(c.casefold() in _SIGNATURE_ROLES for c in cells) and len(above) == len(cells):
            for role, name in zip(cells, above):
                if m := _NAME_VALUE.match(name):
                    written = m.group("name")  # "NIKLAS GLADH" in capitals is "Niklas Gladh"
                    found.setdefault(_SIGNATURE_ROLES[role.casefold()], written.title() if written.isupper() else written)
        if line.strip():
            previous = line
    return found


def _role(after: str) -> str | None:
    role = re.split(r"\s{2,}|§", after)[0].strip(" ,")
    return re.sub(r"\s+", " ", role) or None


def _line_people(line: str, header_has_substitutes: bool) -> tuple[list[Person], list[Person]]:
    """Members and substitutes on one list line ("Eva Netterlid (S) ersätter Marie Sand (S) §§ 62–73")."""
    members: list[Person] = []
    substitutes: list[Person] = []
    cells = [c for c in re.split(r"\s{2,}", line.strip()) if c]
    for index, cell in enumerate(cells):
        matches = list(_PARTY_PERSON.finditer(cell))
        skip_next = False
        for k, m in enumerate(matches):
            if skip_next:
                skip_next = False
                continue
            name = re.sub(r"^(?:Ordförande|Ledamot|Ersättare)\s+", "", m.group("name"))
            after = cell[m.end():matches[k + 1].start()] if k + 1 < len(matches) else cell[m.end():]
            if re.match(r"\s*(?:ersätter|tjänstgör\s+för)\b", after):
                replaced = cell[m.end():].strip()
                substitutes.append(Person(name, m.group("party"), _role(replaced)))
                skip_next = True  # the replaced member is named in the role, not present
            elif index > 0 and header_has_substitutes:
                substitutes.append(Person(name, m.group("party"), _role(after)))
            else:
                members.append(Person(name, m.group("party"), _role(after)))
    return members, substitutes


def _list_people(lines: list[str], first: int, header: str) -> tuple[list[Person], list[Person]]:
    members: list[Person] = []
    substitutes: list[Person] = []
    two_columns = bool(re.search(r"Tjänstgörande\s+ersättare", header, re.IGNORECASE))
    for line in lines[first:first + _MAX_LIST]:
        if _STOP.match(line):
            break
        m, s = _line_people(line, two_columns)
        if s and substitutes and substitutes[-1].role in ("ersätter", "tjänstgör för"):
            # "Stefan Vilumsons (SD) ersätter" / next line "Tobias Eriksson (SD)": the one replaced, not present
            replaced = s.pop(0)
            party = f" ({replaced.party})" if replaced.party else ""
            substitutes[-1] = Person(substitutes[-1].name, substitutes[-1].party,
                                     f"{substitutes[-1].role} {replaced.name}{party}")
        members += m
        substitutes += s
    return members, substitutes


def _people_lists(text: str) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    """Beslutande ledamöter and tjänstgörande ersättare, from every list headed so (lists run over pages)."""
    lines = text.split("\n")  # not splitlines(): form feeds must not count as lines
    members: list[Person] = []
    substitutes: list[Person] = []
    for m in _MEMBERS.finditer(text):
        listed, serving = _list_people(lines, text.count("\n", 0, m.start()) + 1, m.group(0))
        members += listed
        substitutes += serving
    for m in _SUBSTITUTES.finditer(text):  # everyone under this heading serves as ersättare
        on_line = _line_people(m.group("rest"), False)
        below = _list_people(lines, text.count("\n", 0, m.start()) + 1, "")
        substitutes += on_line[0] + on_line[1] + below[0] + below[1]
    substitutes = _unique_by_name(substitutes)
    serving = {p.name for p in substitutes}
    return tuple(_unique_by_name([p for p in members if p.name not in serving])), tuple(substitutes)


def _unique_by_name(people: list[Person]) -> list[Person]:
    """One entry per name, preferring the one that says whom it replaced."""
    best: dict[str, Person] = {}
    for p in people:
        if p.name not in best or (p.role and "ersätter" in p.role and not (best[p.name].role or "")):
            best[p.name] = p
    return list(best.values())


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return next((g for g in m.groups() if g), None) if m else None


def _justering_date(text: str) -> str | None:
    for m in _JUSTERING.finditer(text):
        if "sammanträdesdatum" not in m.group(0).casefold():
            return m.group(1)
    signed = _SIGNED.findall(text)  # a digitally justerat protocol: the last signature's date
    return max(signed) if signed and re.search(r"digital\s+justering|digitalt\s+signerat", text, re.I) else None


def find_people(text: str, doc_type: str = "protokoll") -> MeetingPeople:
    """Justering and anslag dates, ordförande, sekreterare, justerare and who was present.

    A kallelse names the chair and secretary but no justering or attendance, so only those two are read.
    """
    lines = text.split("\n")  # not splitlines(): form feeds must not count as lines
    by_label = {key: _label_values(lines, label) for key, label in _ROLE_LABELS.items()}
    roles = {key: same_line + next_line for key, (same_line, next_line) in by_label.items()}
    signed_by = _signatures(lines)
    chair = roles["chair"][0][0] if roles["chair"] else signed_by.get("chair")
    secretary = roles["secretary"][0][0] if roles["secretary"] else signed_by.get("secretary")
    if not doc_type.startswith("protokoll"):
        return MeetingPeople(chair=chair, secretary=secretary)
    adjusters = roles["adjusters"][0] if roles["adjusters"] else roles["appointed"][0] if roles["appointed"] else []
    members, substitutes = _people_lists(text)
    # Who presided: the signature block ("Ordförande  Marie Nilsson") first, since a vice chair may
    # preside; then the member listed as "…(L), ordförande"; a label alone on a line above a name last.
    signed, below = by_label["chair"]
    listed = next((p.name for p in members if (p.role or "").casefold() == "ordförande"), None)
    chair = signed[0][0] if signed else listed or signed_by.get("chair") or (below[0][0] if below else None)
    return MeetingPeople(
        justering_date=_justering_date(text), anslag_date=_first(ANSLAG_UP, text),
        anslag_removed_date=_first(_ANSLAG_DOWN, text), chair=chair, secretary=secretary,
        adjusters=tuple(dict.fromkeys(adjusters)), members=members, substitutes=substitutes,
    )
