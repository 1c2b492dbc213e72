"""The revisor's search desk: result rows, CSV export, case timeline and beslut lists (no gradio)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from corpus.types import Chunk
from index.types import Hit
from ui.render import DECISION_SECTIONS, dnr_links, esc, meeting_line, paragraphs_html, snippet

RESULT_HEADERS = ["Datum", "Nämnd", "Diarienummer", "Ärende", "Avsnitt", "Utdrag"]
CSV_HEADERS = [
    "Datum",
    "Kommun",
    "Nämnd",
    "Diarienummer",
    "Ärende",
    "Paragraf",
    "Avsnitt",
    "Dokumenttyp",
    "Fil",
    "Text",
    "chunk_id",
]
LAYER_LABELS = {"tjansteskrivelse": "tjänsteskrivelse", "bilaga": "bilaga"}
DOC_TYPE_LABELS = {
    "kallelse": "Kallelse",
    "protokoll": "Protokoll",
    "protokollsutdrag": "Protokollsutdrag",
    "tjänsteskrivelse": "Tjänsteskrivelse",
    "bilaga": "Bilaga",
    "okänd": "Handling",
}


def result_rows(hits: Sequence[Hit], query: str) -> list[list[str]]:
    """One table row per hit; the snippet column is HTML with the match <mark>ed."""
    return [
        [
            h.chunk.meeting.date or "",
            h.chunk.meeting.committee or "",
            ", ".join(h.chunk.diarienummer),
            h.chunk.item_title or "",
            " · ".join(p for p in (h.chunk.paragraph, h.chunk.section) if p),
            snippet(h.chunk.text, query),
        ]
        for h in hits
    ]


def chunks_csv(chunks: Sequence[Chunk]) -> str:
    """Full chunk records as CSV, for revisorer who continue in a spreadsheet."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_HEADERS)
    for c in chunks:
        writer.writerow(
            [
                c.meeting.date or "",
                c.meeting.kommun or "",
                c.meeting.committee or "",
                ", ".join(c.diarienummer),
                c.item_title or "",
                c.paragraph or "",
                c.section or "",
                c.meeting.doc_type,
                c.source_file,
                c.text,
                c.chunk_id,
            ]
        )
    return buf.getvalue()


@dataclass(frozen=True, slots=True)
class CaseEntry:
    """One ärende of a case in one document: the unit of the timeline."""

    chunks: tuple[Chunk, ...]

    @property
    def first(self) -> Chunk:
        return self.chunks[0]

    def decision_text(self) -> str:
        """The Beslut (or else Förslag till beslut) text, duplicates dropped, in document order."""
        for wanted in DECISION_SECTIONS:
            texts = [_without_headings(c) for c in self.chunks if c.section == wanted]
            if texts:
                return "\n\n".join(dict.fromkeys(t for t in texts if t))
        return ""

    def decision_label(self) -> str:
        return next((s for s in DECISION_SECTIONS if any(c.section == s for c in self.chunks)), "")


def _without_headings(chunk: Chunk) -> str:
    """Chunk text minus heading lines the timeline already shows: "Beslut" and the ärende heading,
    e.g. "01 Förvaltningschefen informerar (SN 2023:00007)" for "Förvaltningschefen informerar – …"."""
    title = _words(chunk.item_title or "")

    def is_heading(line: str) -> bool:
        if line.strip() == (chunk.section or ""):
            return True
        words = _words(re.sub(r"\([^)]*\)", " ", line))  # drop "(SN 2023:00007)"
        if words and words[0].isdigit():
            words = words[1:]  # the agenda number
        n = min(len(words), len(title))
        return n >= 2 and words[:n] == title[:n]

    kept = [ln for ln in chunk.text.splitlines() if not is_heading(ln)]
    return "\n".join(kept).strip() or chunk.text


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def case_entries(chunks: Sequence[Chunk]) -> list[CaseEntry]:
    """Group a case's chunks into (meeting date, document, ärende) entries, oldest first."""

    def key(c: Chunk) -> tuple[str, str, str]:
        return (c.meeting.date or "9999", c.doc_id, c.item_title or "")

    ordered = sorted(chunks, key=lambda c: (*key(c), c.start_char))
    return [CaseEntry(tuple(group)) for _, group in groupby(ordered, key=key)]


def case_html(dnr: str, chunks: Sequence[Chunk]) -> str:
    """A timeline of every ärende and document on one diarienummer, with each beslut text."""
    entries = case_entries(chunks)
    if not entries:
        return (
            f'<div class="case-empty">Hittade inget ärende med diarienummer <b>{esc(dnr)}</b>. '
            "Kontrollera numret (t.ex. SN/2023:144) eller sök på ärendets rubrik.</div>"
        )
    dates = sorted({e.first.meeting.date for e in entries if e.first.meeting.date})
    span = f"{dates[0]} – {dates[-1]}" if len(dates) > 1 else (dates[0] if dates else "okänt datum")
    head = (
        f'<div class="case-head"><h3>Ärende {esc(dnr)}</h3>'
        f'<div class="card-meta">{len(entries)} handling{"ar" if len(entries) != 1 else ""}'
        f" · {esc(span)}</div></div>"
    )
    return head + '<ol class="timeline">' + "".join(_case_entry_html(e) for e in entries) + "</ol>"


def _case_entry_html(entry: CaseEntry) -> str:
    c = entry.first
    doc_type = DOC_TYPE_LABELS.get(c.meeting.doc_type, c.meeting.doc_type)
    layers = sorted(
        {
            LAYER_LABELS.get(x.layer, x.layer)
            for x in entry.chunks
            if x.layer and x.layer != "summary"
        }
    )
    extra = f'<div class="case-layers">Underlag: {esc(", ".join(layers))}</div>' if layers else ""
    decision = entry.decision_text()
    decision_block = (
        f'<div class="case-decision"><div class="case-decision-label">{esc(entry.decision_label())}</div>'
        f"{paragraphs_html(decision)}</div>"
        if decision
        else '<div class="case-decision none">Inget beslut i denna handling.</div>'
    )
    full = "".join(
        f'<div class="item-chunk"><div class="item-section">{esc(x.section or "Text")}</div>'
        f"{paragraphs_html(x.text)}</div>"
        for x in entry.chunks
    )
    return (
        f'<li class="timeline-entry"><div class="timeline-date">{esc(c.meeting.date or "okänt datum")}</div>'
        f'<div class="timeline-body"><div class="card-meta">{esc(doc_type)} · {esc(meeting_line(c))}'
        f"{' · ' + esc(c.paragraph) if c.paragraph else ''}</div>"
        f'<div class="card-title">{esc(c.item_title or "Ärende utan rubrik")}</div>'
        f"<div>{dnr_links(c.diarienummer)}</div>{extra}{decision_block}"
        f"<details><summary>Visa hela texten ({len(entry.chunks)} avsnitt)</summary>{full}</details>"
        "</div></li>"
    )


def decisions_html(chunks: Sequence[Chunk]) -> str:
    """All beslut in a period, grouped per nämnd and ordered by meeting date."""
    if not chunks:
        return '<div class="case-empty">Inga beslut hittades för vald period och nämnd.</div>'
    by_committee = sorted(
        chunks,
        key=lambda c: (
            c.meeting.committee or "",
            c.meeting.date or "",
            c.item_number or 0,
            c.start_char,
        ),
    )
    out = []
    for committee, group in groupby(
        by_committee, key=lambda c: c.meeting.committee or "Okänd nämnd"
    ):
        items = list(group)
        out.append(
            f'<section class="decisions"><h3>{esc(committee)} '
            f'<span class="count">{len(items)} beslut</span></h3>'
        )
        for c in items:
            out.append(
                '<div class="decision">'
                f'<div class="card-meta">{esc(c.meeting.date or "")} · {esc(c.meeting.kommun or "")}'
                f"{' · ' + esc(c.paragraph) if c.paragraph else ''} · {esc(c.section or '')}</div>"
                f'<div class="card-title">{esc(c.item_title or "Ärende utan rubrik")} '
                f"{dnr_links(c.diarienummer)}</div>{paragraphs_html(c.text)}</div>"
            )
        out.append("</section>")
    return "".join(out)
