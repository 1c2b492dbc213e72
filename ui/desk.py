"""The revisor's search desk: result rows, CSV export and beslut lists (the case timeline: case_view.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from itertools import groupby

from corpus.types import Chunk
from index.types import Hit
from ui.render import dnr_links, esc, paragraphs_html, snippet

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
