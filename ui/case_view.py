"""The case (ärende) timeline: each step of one diarienummer, cited, with beslut and voteringar (no gradio)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby

from assistant.archive import Archive
from corpus.paragraphs import BESLUT, DECISION_SECTIONS, FORSLAG_TILL_BESLUT
from corpus.types import Chunk, Reservation, Vote
from index.cases import case_steps
from index.types import CaseStep
from ui.inputs import DOC_TYPE_LABELS
from ui.render import dnr_links, esc, meeting_line, paragraphs_html

LAYER_LABELS = {"tjansteskrivelse": "tjänsteskrivelse", "bilaga": "bilaga"}
STATE_LABELS = {"beslut": "Beslut", "förslag": "Förslag"}
CHOICE_LABELS = {"ja": "Ja", "nej": "Nej", "avstår": "Avstår", "frånvarande": "Frånvarande"}


def decision_text(chunks: Sequence[Chunk]) -> str:
    """The Beslut (or else Förslag till beslut) text, duplicates dropped, in document order."""
    for wanted in DECISION_SECTIONS:
        texts = [_without_headings(c) for c in chunks if c.section == wanted]
        if texts:
            return "\n\n".join(dict.fromkeys(t for t in texts if t))
    return ""


def decision_label(chunks: Sequence[Chunk]) -> str:
    return next((s for s in DECISION_SECTIONS if any(c.section == s for c in chunks)), "")


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


def steps_of(dnr: str, chunks: Sequence[Chunk]) -> tuple[CaseStep, ...]:
    """The case steps of `dnr` among `chunks`, grouped as the index groups them (index/cases.py)."""
    by_dnr: dict[str, list[int]] = {}
    for row, chunk in enumerate(chunks):
        for number in chunk.diarienummer:
            by_dnr.setdefault(number, []).append(row)
    return case_steps(chunks, by_dnr, dnr)


def case_view_html(dnr: str, archive: Archive) -> str:
    """The timeline of a diarienummer as the archive holds it."""
    return timeline_html(dnr, archive.case_steps(dnr))


def case_html(dnr: str, chunks: Sequence[Chunk]) -> str:
    """A timeline of every ärende and document on one diarienummer, with each beslut text."""
    return timeline_html(dnr, steps_of(dnr, chunks))


def timeline_html(dnr: str, entries: Sequence[CaseStep]) -> str:
    """The case head (diarienummer, number of documents, period) and one entry per step."""
    if not entries:
        return (
            f'<div class="case-empty">Hittade inget ärende med diarienummer <b>{esc(dnr)}</b>. '
            "Kontrollera numret (t.ex. SN/2023:144) eller sök på ärendets rubrik.</div>"
        )
    dates = sorted({e.meeting.date for e in entries if e.meeting.date})
    span = f"{dates[0]} – {dates[-1]}" if len(dates) > 1 else (dates[0] if dates else "okänt datum")
    n = len(entries)
    head = (
        f'<div class="case-head"><h3>Ärende {esc(dnr)}</h3>'
        f'<div class="card-meta">{n} handling{"ar" if n != 1 else ""} · {esc(span)}</div></div>'
    )
    return head + '<ol class="timeline">' + "".join(entry_html(e) for e in entries) + "</ol>"


def entry_html(entry: CaseStep) -> str:
    """One timeline step: its citation line, title, beslut or förslag, voteringar, reservationer."""
    c = entry.chunks[0]
    doc_type = DOC_TYPE_LABELS.get(entry.meeting.doc_type, entry.meeting.doc_type)
    state = entry.decision_state
    badge = f'<span class="state state-{esc(state)}">{STATE_LABELS.get(state, state)}</span> ' if state else ""
    if entry.kind == "återrapportering":
        badge += '<span class="state state-rapport">Återrapportering</span> '
    linked = ('<div class="case-layers">Kopplad via ärendets rubrik; handlingen anger inget diarienummer.</div>'
              if entry.linked_by == "titel" else "")
    cite = " · ".join(esc(p) for p in (doc_type, meeting_line(c), entry.paragraph) if p)
    layers = sorted({LAYER_LABELS.get(x.layer, x.layer) for x in entry.chunks if x.layer and x.layer != "summary"})
    extra = f'<div class="case-layers">Underlag: {esc(", ".join(layers))}</div>' if layers else ""
    full = "".join(
        f'<div class="item-chunk"><div class="item-section">{esc(x.section or "Text")}</div>'
        f"{paragraphs_html(x.text)}</div>"
        for x in entry.chunks
    )
    return (
        f'<li class="timeline-entry"><div class="timeline-date">{esc(c.meeting.date or "okänt datum")}</div>'
        f'<div class="timeline-body"><div class="card-meta">{badge}{cite}</div>'
        f'<div class="card-title">{esc(entry.item_title or "Ärende utan rubrik")}</div>'
        f"<div>{dnr_links(entry.diarienummer)}</div>{linked}{extra}{_decision_block(entry)}"
        f"{''.join(vote_html(v) for v in entry.votes)}{reservations_html(entry.reservations)}"
        f"<details><summary>Visa hela texten ({len(entry.chunks)} avsnitt)</summary>{full}</details>"
        "</div></li>"
    )


def _decision_block(entry: CaseStep) -> str:
    decision = decision_text(entry.chunks)
    if not decision:
        return '<div class="case-decision none">Inget beslut i denna handling.</div>'
    return (
        f'<div class="case-decision"><div class="case-decision-label">{esc(_decision_name(entry))}</div>'
        f"{paragraphs_html(decision)}</div>"
    )


def _decision_name(entry: CaseStep) -> str:
    """"Beslut", or "Förslag till beslut" where the step only proposes (a kallelse's "Beslut" heading)."""
    label = decision_label(entry.chunks)
    return FORSLAG_TILL_BESLUT if entry.decision_state == "förslag" and label == BESLUT else label


def vote_html(vote: Vote) -> str:
    """A votering: the counts, who voted how (where the list is readable) and the outcome."""
    counts = [(n, label) for n, label in ((vote.yes, "ja"), (vote.no, "nej"), (vote.abstain, "avstår"),
                                          (vote.absent, "frånvarande")) if n is not None]
    summary = ", ".join(f"{n} {label}" for n, label in counts) or "röstsiffror saknas"
    tie = " · avgjord med ordförandens utslagsröst" if vote.casting_vote else ""
    voters = ""
    for choice, group in groupby(sorted(vote.voters, key=lambda v: v.choice), key=lambda v: v.choice):
        names = ", ".join(f"{v.name} ({v.party})" if v.party else v.name for v in group)
        voters += f"<li><b>{esc(CHOICE_LABELS.get(choice, choice))}:</b> {esc(names)}</li>"
    where = f" {esc(vote.paragraph)}" if vote.paragraph else ""
    return (
        f'<div class="case-vote"><div class="case-decision-label">Votering{where}: {esc(summary)}{tie}</div>'
        + (f"<p>{esc(vote.proposition)}</p>" if vote.proposition else "")
        + (f'<ul class="voters">{voters}</ul>' if voters else "")
        + (f'<p class="outcome">{esc(vote.outcome)}</p>' if vote.outcome else "")
        + "</div>"
    )


def reservations_html(reservations: Sequence[Reservation]) -> str:
    """Reservationer: who (with party) reserved themselves, and against what."""
    if not reservations:
        return ""
    items = []
    for r in reservations:
        who = ", ".join(f"{p.name} ({p.party})" if p.party else p.name for p in r.who)
        against = f" – {r.against}" if r.against else ""
        written = " (skriftlig reservation)" if r.written else ""
        items.append(f"<li>{esc(who)}{esc(against)}{written}</li>")
    parties = sorted({p for r in reservations for p in r.parties})
    party_line = f" · partier: {esc(', '.join(parties))}" if parties else ""
    return (
        f'<div class="case-reservations"><div class="case-decision-label">Reservationer '
        f"({len(reservations)}){party_line}</div><ul>{''.join(items)}</ul></div>"
    )
