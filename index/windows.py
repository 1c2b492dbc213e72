"""Sentence windows: small passages of a chunk, embedded separately so one sentence can win a dense search.

Small-to-big retrieval: a summary sentence ("Alla verksamheter visar budget i balans") is scored by
e5 against whole on-topic attachment pages, which win by 0.01-0.03 cosine. Each window (a sentence
plus its neighbour, ~150-300 characters, under the chunk's passage header) gets its own vector; the
searcher ranks a chunk by its best window (max-sim) and still returns and quotes the chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.types import Chunk
from index.embed import passage_body, passage_header

# Bump when sentence_windows changes: windows live in a collection named after this version.
WINDOW_FORMAT = 1
MIN_CHARS = 150  # a window grows by whole sentences until it has at least this many characters,
MAX_CHARS = 300  # and a single longer sentence (a table row, a run-on list) is cut at word boundaries.
# A sentence ends at . ! ? or ; followed by a capital/digit/bullet, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'(A-ZÅÄÖ0-9•–-])|\n+")


@dataclass(frozen=True, slots=True)
class Window:
    """One sentence window of a chunk; parent_id is the chunk it stands for."""

    window_id: str  # "<chunk_id>:<n>", so a chunk's windows are found by its id
    parent_id: str
    text: str  # what the encoder sees: the chunk's passage header + the window's sentences


def split_sentences(text: str) -> list[str]:
    """Sentences and lines of cleaned text; pieces over MAX_CHARS are cut at spaces."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > MAX_CHARS:
            cut = sentence.rfind(" ", MIN_CHARS, MAX_CHARS)
            cut = cut if cut > 0 else MAX_CHARS
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    return pieces


def window_spans(sentences: list[str]) -> list[tuple[int, int]]:
    """[start, end) sentence ranges: from each start, add sentences until MIN_CHARS (never past MAX_CHARS
    once there are two); the next window starts at the last sentence of this one, so neighbours overlap.

    e.g. sentence lengths 120, 90, 200, 40 -> (0, 2) "120+90", (1, 3) "90+200", (2, 3) "200" (long
    enough alone), (3, 4) "40" (the last sentence): every sentence starts a window.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(sentences):
        end, size = start + 1, len(sentences[start])
        while end < len(sentences) and size < MIN_CHARS and size + len(sentences[end]) <= MAX_CHARS:
            size += len(sentences[end]) + 1
            end += 1
        spans.append((start, end))
        if end == len(sentences):
            break
        start = end - 1 if end - start > 1 else end
    return spans


def sentence_windows(chunk: Chunk) -> list[Window]:
    """The chunk's windows in text order; a chunk short enough to be one window still gets one."""
    header = passage_header(chunk)
    sentences = split_sentences(passage_body(chunk))
    windows: list[Window] = []
    seen: set[str] = set()
    for start, end in window_spans(sentences):
        body = " ".join(sentences[start:end])
        if body in seen:
            continue
        seen.add(body)
        text = f"{header}\n{body}" if header else body
        windows.append(Window(f"{chunk.chunk_id}:{len(windows)}", chunk.chunk_id, text))
    return windows
