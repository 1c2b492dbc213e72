"""Section headings inside an item and the layer each belongs to (summary, tjänsteskrivelse, bilaga)."""

from __future__ import annotations

import re

from corpus.lines import Line, next_nonblank, similarity, stems
from corpus.types import Section

# Canonical section name -> heading as written (whole line, case-insensitive, no trailing ":"/".").
_VOCABULARY: dict[str, str] = {
    "Beslut": r"beslut( – för [\w ]+)?|[\w -]*nämndens beslut",
    "Förslag till beslut": r"förslag till beslut|[\w -]*s förslag till (beslut|kommunfullmäktige)[\w -]*",
    "Sammanfattning": r"sammanfattning( av ärendet)?",
    "Ärendet": r"ärendet?|beskrivning av ärendet|ärendebeskrivning",
    "Bakgrund": r"bakgrund",
    "Yttrande": r"yttrande",
    "Synpunkter": r"synpunkter på förslaget",
    "Motionen": r"motionär(en|erna) föreslår.*",
    "Bedömning": r"förvaltningens bedömning( och förslag till beslut)?|bedömning",
    "Granskningens resultat": r"granskningens resultat",
    "Slutsats": r"slutsatser?",
    "Ekonomiska konsekvenser": r"ekonomiska konsekvenser( av beslutet)?",
    "Barnkonsekvensanalys": r"barnkonsekvensanalys",
    "Bilagor": r"bilagor?|bifogas|underlag för beslut",
    "Beslutsunderlag": r"beslutsunderlag",
    # How a protocol records the meeting's handling (kommunallagen 5 kap.): motions, the chair's
    # proposition, a vote, and who reserved against or noted what.
    "Handläggning": r"[\w -]+s handläggning",
    "Yrkanden": r"yrkanden?|överläggning|förslag till beslut på sammanträdet",
    "Propositionsordning": r"propositionsordning|beslutsgång",
    "Votering": r"votering(sresultat)?|omröstning( begärs)?|omröstningsresultat|voteringslista",
    "Reservation": r"reservation(er)?",
    "Protokollsanteckning": r"protokollsanteckning(ar)?",
    "Jäv": r"jäv",
    "Expedieras till": r"(beslutet )?(expedieras|skickas|ska skickas) till",
    "Fastställd av": r"fastställd av",
}
_HEADINGS = [(name, re.compile(rf"^(?:{pattern})$", re.IGNORECASE)) for name, pattern in _VOCABULARY.items()]
# Inside an attached report only these open a section; "Beslut" there is ordinary prose.
_REPORT_HEADINGS = {"Sammanfattning", "Bakgrund", "Granskningens resultat", "Slutsats",
                    "Ekonomiska konsekvenser", "Barnkonsekvensanalys"}
_END_OF_TJANSTE = {"Expedieras till", "Bilagor"}
_BRANDING = re.compile(r"^(DET H[AÄ]R ÄR( BOTKYRKA)?|LÅNGT|Innehållsförteckning|# .+)$")
_DATE_LINE = re.compile(r"^\d{4}-\d\d-\d\d$")
_HEAD_LINES = 12  # markers this close to the item start belong to its summary sheet


def heading_name(line: Line) -> str | None:
    """Canonical name if the line is a heading ("Beslut", "**Beslut**", "### X nämndens beslut")."""
    text = line.plain.rstrip(":. ")
    if len(text) > 110:
        return None
    if "****" in line.text or line.text.rstrip().endswith("**"):  # "…(SN/2020:33)****Beslut**"
        text = re.split(r"\*\*+", line.text.strip().strip("*"))[-1].strip().rstrip(":. ")
    return next((name for name, pattern in _HEADINGS if pattern.match(text)), None)


def _starts_tjanste(lines: list[Line], i: int) -> bool:
    """Referens block, TJÄNSTESKRIVELSE, or a date line over a Dnr/Kod line (CORPUS_NOTES §6)."""
    text = lines[i].plain
    if text == "Referens" or text.startswith("Referens") and len(text) < 60 or text == "TJÄNSTESKRIVELSE":
        return True
    if _DATE_LINE.match(text) or text in ("Socialnämnd", "Socialnämnden"):
        after = [line.plain for line in next_nonblank(lines, i, 2)]
        return any(a.startswith(("Dnr", "Kod:", "Socialförvaltningen")) or _DATE_LINE.match(a) for a in after)
    return False


def _blank_run(lines: list[Line], i: int) -> int:
    """Number of blank lines directly above line i."""
    n = 0
    while i - n - 1 >= 0 and not lines[i - n - 1].stripped:
        n += 1
    return n


def _names_attachment(text: str, attachments: list[str]) -> bool:
    """Line i repeats the title of an attachment listed under "Bilagor" (its first page)."""
    text = re.sub(r"^\d+\.\s*", "", text)
    return any(len(stems(text) & stems(a)) >= 3 and similarity(text, a) >= 0.8 for a in attachments)


def _layer_change(lines: list[Line], i: int, layer: str, seen_end: bool,
                  attachments: list[str]) -> str | None:
    """The new layer if line i opens a tjänsteskrivelse or an attached report, else None."""
    if layer == "summary" and _starts_tjanste(lines, i):
        return "tjansteskrivelse"
    if layer != "bilaga" and _BRANDING.match(lines[i].stripped.strip("*")):
        return "bilaga"
    if layer == "tjansteskrivelse" and attachments and _names_attachment(lines[i].plain, attachments):
        return "bilaga"
    if layer == "tjansteskrivelse" and seen_end and _blank_run(lines, i) >= 3:
        return None if heading_name(lines[i]) or _starts_tjanste(lines, i) else "bilaga"
    return None


def find_sections(lines: list[Line], first: int, last: int, layered: bool = True) -> list[Section]:
    """Sections covering lines[first:last] completely; offsets are into the document text.

    `layered=False` (a protocol's § text) keeps every section in the summary layer: a protocol holds
    no tjänsteskrivelse, and its running page headers would look like one."""
    opened: list[tuple[int, str, str, str]] = []  # (line index, name, heading, layer)
    layer, seen_end = "summary", False
    attachments: list[str] = []  # titles listed under "Bilagor" in the tjänsteskrivelse
    for i in range(first, last):
        if not lines[i].stripped:
            continue
        listed = bool(opened) and opened[-1][1] == "Bilagor" and layer == "tjansteskrivelse"
        change = None
        if layered and i - first >= _HEAD_LINES and not listed:
            change = _layer_change(lines, i, layer, seen_end, attachments)
        if change:
            layer = change
            label = "Tjänsteskrivelse" if change == "tjansteskrivelse" else "Bilaga"
            opened.append((i, label, lines[i].plain[:100], layer))
            continue
        name = heading_name(lines[i])
        if listed and not name:
            attachments.append(lines[i].plain)
        if name and (layer != "bilaga" or name in _REPORT_HEADINGS):
            seen_end = seen_end or (layer == "tjansteskrivelse" and name in _END_OF_TJANSTE)
            opened.append((i, name, lines[i].plain, layer))
    if not opened or opened[0][0] - first > _HEAD_LINES:  # text before the first heading
        opened.insert(0, (first, "Ärendet", lines[first].plain, "summary"))
    else:  # the item's title lines belong to its first section
        opened[0] = (first, *opened[0][1:])
    ends = [index for index, *_ in opened[1:]] + [last]
    return [
        Section(name, heading, layer, lines[i].start, lines[end - 1].end if end > i else lines[i].end)
        for (i, name, heading, layer), end in zip(opened, ends)
    ]
