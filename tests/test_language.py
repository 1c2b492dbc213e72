"""Language detection: Swedish, English or undetermined, deterministic."""

from __future__ import annotations

import pytest

from corpus.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Socialnämnden godkänner verksamhetsberättelsen och överlämnar den till kommunstyrelsen.", "sv"),
        ("Vad beslutade nämnden?", "sv"),
        ("Hur stort var överskottet 2022?", "sv"),
        ("What did the committee decide about the budget?", "en"),
        ("What is the deficit?", "en"),
        ("", "und"),
        ("12345 678", "und"),
        ("—", "und"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_detection_is_deterministic() -> None:
    text = "Beslut om budget"
    assert len({detect_language(text) for _ in range(20)}) == 1
