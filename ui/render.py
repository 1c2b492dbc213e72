"""HTML and plain-text rendering of answers, source cards, ärenden and case timelines (no gradio)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from assistant.types import Answer, AnswerPart, Citation
from corpus.types import Chunk

# "[1]", "[1, 3]" and "[1][2]" in generated text; each number becomes a link to its card.
_MARKER = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")
_BULLET = re.compile(r"^[-•*]\s+")
_MARKDOWN = re.compile(r"#{1,6}(?=\s)|\*\*|__")
CONTEXT_CHARS = 220  # surrounding text shown on each side of a highlighted quote


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def meeting_line(chunk: Chunk) -> str:
    """'Socialnämnden · Botkyrka · 2023-02-14', skipping what is unknown."""
    m = chunk.meeting
    return " · ".join(p for p in (m.committee, m.kommun, m.date) if p)


def section_label(section: str | None, paragraph: str | None) -> str:
    return " · ".join(p for p in (paragraph, section) if p)


def highlight(text: str, needles: Iterable[str]) -> str:
    """Escape `text` and wrap every case-insensitive occurrence of each needle in <mark>."""
    terms = sorted({n.strip() for n in needles if n and len(n.strip()) >= 2}, key=len, reverse=True)
    if not terms:
        return esc(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(esc(text[pos : m.start()]))
        out.append(f"<mark>{esc(m.group(0))}</mark>")
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def _find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Span of `quote` in `text`, tolerant of whitespace differences."""
    quote = quote.strip().strip("\"”“'…. ")
    if not quote:
        return None
    idx = text.find(quote)
    if idx >= 0:
        return idx, idx + len(quote)
    words = [re.escape(w) for w in quote.split()]
    m = re.search(r"\s+".join(words), text, re.IGNORECASE) if words else None
    return (m.start(), m.end()) if m else None


def quote_in_context(text: str, quote: str | None, context: int = CONTEXT_CHARS) -> str:
    """The quote <mark>ed inside up to `context` characters of its surrounding text."""
    span = _find_quote(text, quote) if quote else None
    if span is None:
        short = text if len(text) <= 2 * context else text[: 2 * context].rsplit(" ", 1)[0] + " …"
        return esc(short)
    start, end = span
    lo, hi = max(0, start - context), min(len(text), end + context)
    before = ("… " if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + (" …" if hi < len(text) else "")
    return f"{esc(before)}<mark>{esc(text[start:end])}</mark>{esc(after)}"


def card_id(turn: int, number: int) -> str:
    return f"kalla-{turn}-{number}"


def dnr_links(diarienummer: Sequence[str]) -> str:
    if not diarienummer:
        return '<span class="dnr dnr-none">utan diarienummer</span>'
    return " ".join(
        f'<button type="button" class="dnr" data-dnr="{esc(d)}" title="Visa hela ärendet över alla möten">'
        f"{esc(d)}</button>"
        for d in diarienummer
    )


def source_card(turn: int, number: int, chunk: Chunk, quote: str | None, cited: bool) -> str:
    """One numbered source: diarienummer, ärende, nämnd, kommun, date, section and the quote."""
    classes = "source-card" + ("" if cited else " uncited")
    return (
        f'<div class="{classes}" id="{card_id(turn, number)}" data-number="{number}">'
        f'<div class="card-head"><span class="card-num">{number}</span>'
        f"{dnr_links(chunk.diarienummer)}</div>"
        f'<div class="card-title">{esc(chunk.item_title or "Ärende utan rubrik")}</div>'
        f'<div class="card-meta">{esc(meeting_line(chunk))}</div>'
        f'<div class="card-section">{esc(section_label(chunk.section, chunk.paragraph) or "Text")}</div>'
        f'<blockquote class="card-quote">{quote_in_context(chunk.text, quote)}</blockquote>'
        f'<button type="button" class="open-item" data-chunk="{esc(chunk.chunk_id)}">'
        "Visa hela ärendet</button></div>"
    )


def answer_html(text: str, turn: int, numbers: Iterable[int]) -> str:
    """Answer text, escaped, with paragraphs and each known [n] marker linked to its card."""
    known = set(numbers)

    def link(m: re.Match[str]) -> str:
        parts = [int(p) for p in re.split(r"\s*,\s*", m.group(1))]
        if not all(p in known for p in parts):
            return m.group(0)
        return "".join(
            f'<a class="cite" href="#{card_id(turn, p)}" data-card="{card_id(turn, p)}">[{p}]</a>'
            for p in parts
        )

    out = []
    for para in (p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()):
        lines = para.splitlines()
        bullets = [ln for ln in lines if _BULLET.match(ln.strip())]
        if bullets and len(bullets) >= len(lines) - 1:  # a list, perhaps after one lead-in line
            lead = (
                "" if len(bullets) == len(lines) else f"<p>{_MARKER.sub(link, esc(lines[0]))}</p>"
            )
            items = "".join(
                f"<li>{_MARKER.sub(link, esc(_BULLET.sub('', b.strip())))}</li>" for b in bullets
            )
            out.append(f"{lead}<ul>{items}</ul>")
        else:
            out.append(f"<p>{_MARKER.sub(link, esc(para)).replace(chr(10), '<br>')}</p>")
    return "".join(out)


def parts_html(parts: Sequence[AnswerPart], turn: int, numbers: Iterable[int]) -> str:
    """A comparison's rows (per year, meeting or kommun) as a small table, markers linked to the cards."""
    if not parts:
        return ""
    known = list(numbers)
    rows = "".join(
        f"<tr><th scope=\"row\">{esc(p.label)}</th><td>"
        + (answer_html(p.text, turn, known) if p.answered else '<span class="missing">Handlingarna säger inget om detta.</span>')
        + "</td></tr>"
        for p in parts
    )
    return f'<table class="answer-parts"><tbody>{rows}</tbody></table>'


def plain_text(question: str, answer: Answer) -> str:
    """The answer with its citations as plain text, for the clipboard."""
    lines = [f"Fråga: {question}", "", answer.text.strip()]
    if answer.citations:
        lines += ["", "Källor:"]
        lines += [citation_line(c) for c in answer.citations]
    return "\n".join(lines).strip() + "\n"


def citation_line(c: Citation) -> str:
    """'[1] SN/2023:144, Verksamhetsberättelse 2022 (Socialnämnden, Botkyrka, 2023-02-14), Beslut: "…"'."""
    where = ", ".join(p for p in (c.committee, c.kommun, c.meeting_date) if p)
    head = ", ".join(p for p in (", ".join(c.diarienummer), c.item_title) if p) or c.source_file
    sect = section_label(c.section, c.paragraph)
    quote = " ".join(c.quote.split())
    return (
        f"[{c.number}] {head}"
        + (f" ({where})" if where else "")
        + (f", {sect}" if sect else "")
        + (f': "{quote}"' if quote else "")
    )


def item_html(chunks: Sequence[Chunk], focus_chunk_id: str | None = None) -> str:
    """A whole ärende, section by section, with the cited chunk marked."""
    if not chunks:
        return '<div class="item-view empty">Ärendets text kunde inte hämtas.</div>'
    first = chunks[0]
    parts = [
        '<div class="item-view">',
        f'<div class="item-head">{dnr_links(first.diarienummer)}</div>',
        f"<h3>{esc(first.item_title or 'Ärende utan rubrik')}</h3>",
        (
            f'<div class="card-meta">{esc(meeting_line(first))} · {esc(first.meeting.doc_type)}'
            f" · {esc(first.source_file)}</div>"
        ),
    ]
    last_section: str | None = None
    for c in chunks:
        label = section_label(c.section, c.paragraph)
        if label and c.section != last_section:
            parts.append(f'<h4 class="item-section">{esc(label)}</h4>')
            last_section = c.section
        cls = "item-chunk focus" if c.chunk_id == focus_chunk_id else "item-chunk"
        anchor = ' id="fokus"' if c.chunk_id == focus_chunk_id else ""
        parts.append(f'<div class="{cls}"{anchor}>{paragraphs_html(c.text)}</div>')
    parts.append("</div>")
    return "".join(parts)


def paragraphs_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def snippet(text: str, query: str, width: int = 160) -> str:
    """A window of `text` around the first query term, terms <mark>ed; plain start if none match."""
    terms = re.findall(r"[\wåäöÅÄÖ:/-]{3,}", query)
    flat = " ".join(_MARKDOWN.sub(" ", text).split())  # "### Rubrik" and "**x**" read as plain text
    lowered = flat.lower()
    hits = [h for h in (lowered.find(t.lower()) for t in terms) if h >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    end = min(len(flat), start + width)
    # Cut at word boundaries, e.g. "… förvaltningschefen" rather than "… rvaltningschefen".
    if start > 0 and " " in flat[start : start + 20]:
        start = flat.index(" ", start) + 1
    if end < len(flat) and " " in flat[end - 20 : end]:
        end = flat.rindex(" ", 0, end)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(flat) else ""
    return prefix + highlight(flat[start:end], terms) + suffix
