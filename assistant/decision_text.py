"""The verbatim decision of a Beslut section: every att-sats, not the sentences that best match the question.

A protocol's "Beslut" states the whole decision as a lead-in ("Kommunfullmäktige beslutar:") and its
att-satser; a revisor needs all of them (the financing clause "att investeringsutgiften finansieras genom ökad
upplåning" shares no word with the question that found the case). The section's own furniture comes first
(the § line, "Dnr …", the ärende's title, the heading "Beslut"); a heading of the next block ends it.
"""

from __future__ import annotations

import re

from corpus.types import Chunk

# Longer decisions (budget lists, reglementen) are quoted by sentence scoring instead. Tune: +1 key fact with the
# history patterns, no loss; held-out: no total changed (docs/evaluation.md, Session 7).
MAX_DECISION_CHARS = 900
_HEADING = re.compile(r"^\W*beslut\W*$", re.I | re.M)
_FURNITURE = re.compile(r"^\W*(§\s*\d+|dnr\b|diarienummer\b|[A-ZÅÄÖ]{1,6}\s+[A-ZÅÄÖ]{1,6}/\d{4}:\d+)", re.I)
# Headings that open the next block of an ärende in Swedish protocols (kommunallagen's and the templates' words).
_NEXT_BLOCK = re.compile(
    r"^\W*(reservation(er)?|protokollsanteckning(ar)?|yrkanden?|propositionsordning|beslutsgång|votering"
    r"|beslutsunderlag|beskrivning av ärendet|ärendet|sammanfattning|bakgrund|jäv|expedieras|"
    r"justerandes sign|justerande\b|utdragsbestyrkande)", re.I)


def decision_span(chunk: Chunk) -> tuple[int, int] | None:
    """(start, end) in chunk.text of the decision a Beslut chunk states, or None (another section, no text, too long).

    e.g. "§ 72 …\\nBeslut\\nKommunfullmäktige beslutar:\\n - att … 12,0 mnkr …,\\n\\n - att … ökad upplåning.\\n
    Reservation …" -> the span from "Kommunfullmäktige" to "upplåning.".
    """
    if chunk.section != "Beslut":
        return None
    text = chunk.text
    heading = _HEADING.search(text)
    title_end = heading.start() if heading else -1  # the ärende's title can stand only above the heading
    start = end = None
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        line_start = offset + (len(line) - len(line.lstrip()))
        offset += len(line)
        if not stripped:
            continue
        if start is None:
            if _HEADING.match(stripped) or _FURNITURE.match(stripped) or _looks_like_title(stripped, text, title_end):
                continue
            start = line_start
        elif _NEXT_BLOCK.match(stripped) and len(stripped.split()) <= 6:
            break
        end = line_start + len(stripped)
    if start is None or end is None or end - start > MAX_DECISION_CHARS:
        return None
    return start, end


def _looks_like_title(line: str, text: str, title_end: int) -> bool:
    """The ärende's title line before the "Beslut" heading (which starts at `title_end`, -1 without one): a line
    without a final stop, above the heading."""
    return text.find(line) < title_end and not line.endswith((".", ":"))
