"""Sentence windows: every sentence whole in a window, sizes, header, ids that name the parent chunk."""

from __future__ import annotations

from index.embed import passage_body, passage_header
from index.windows import MAX_CHARS, MIN_CHARS, sentence_windows, split_sentences, window_spans

SUMMARY = (
    "För 2022 redovisar nämnden ett överskott på 78,5 miljoner kronor vilket motsvarar en positiv "
    "budgetavvikelse på 11 procent. Alla verksamheter visar budget i balans eller ett överskott. "
    "Resultatet för året är en förbättring med 38,5 miljoner kronor i jämförelse med prognosen vid delår 2.\n"
    "- Överskott på grund av vakanta tjänster: 11,9 mnkr\n"
    "**Beslut**\nNämnden godkänner verksamhetsberättelsen."
)


def test_every_sentence_lies_whole_in_a_window_under_the_chunk_header(chunk_factory) -> None:
    chunk = chunk_factory(SUMMARY, item_title="Verksamhetsberättelse 2022", section="Sammanfattning")
    windows = sentence_windows(chunk)
    header = passage_header(chunk)
    assert header.startswith("Verksamhetsberättelse 2022 · Sammanfattning · Socialnämnden, Botkyrka")
    assert len(windows) >= 3 and all(w.text.startswith(header + "\n") for w in windows)
    bodies = [w.text[len(header) + 1:] for w in windows]
    for sentence in ("Alla verksamheter visar budget i balans eller ett överskott.",
                     "Överskott på grund av vakanta tjänster: 11,9 mnkr",
                     "Nämnden godkänner verksamhetsberättelsen."):
        assert any(sentence in body for body in bodies), sentence
    assert all("**" not in body for body in bodies)  # the encoder's cleaned copy, as passage_text
    assert [w.window_id for w in windows] == [f"{chunk.chunk_id}:{n}" for n in range(len(windows))]
    assert {w.parent_id for w in windows} == {chunk.chunk_id}
    assert chunk.text == SUMMARY  # the chunk itself (what is quoted) is untouched
    assert sentence_windows(chunk) == windows  # deterministic: ids are stable across runs


def test_neighbours_overlap_and_sizes_stay_in_bounds() -> None:
    sentences = ["a" * 120, "b" * 90, "c" * 200, "d" * 40]
    assert window_spans(sentences) == [(0, 2), (1, 3), (2, 3), (3, 4)]
    assert window_spans(["kort."]) == [(0, 1)]
    assert window_spans([]) == []
    long = " ".join(["ord"] * 400)  # a 1,600-character run-on table row
    pieces = split_sentences(long)
    assert len(pieces) > 4 and all(MIN_CHARS <= len(p) <= MAX_CHARS for p in pieces[:-1])
    assert " ".join(pieces) == long


def test_short_chunk_is_one_window_with_the_whole_text(chunk_factory) -> None:
    chunk = chunk_factory("Sammanträdet öppnas.", section=None, item_title=None)
    windows = sentence_windows(chunk)
    assert len(windows) == 1 and windows[0].text.endswith(passage_body(chunk))
