"""What the question-set tests share: where the sets and archives are, and the checks every set must pass."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from eval.dataset import QuestionCase

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "eval" / "datasets"
SAMPLES = ROOT / "corpus" / "samples"
CORPORA = ROOT.parent / "shared" / "corpora"
# Canonical diarienummer: PREFIX/YEAR:serial without leading zeros ("SN/2022:554", "IF/2025:165").
DNR = re.compile(r"^[A-ZÅÄÖ]+/\d{4}:[1-9]\d*$")
needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="the real archives are read from ../shared/corpora (not in the repo)")


def squash(text: str) -> str:
    """Whitespace collapsed: evidence is compared with the documents' hard-wrapped text this way."""
    return re.sub(r"\s+", " ", text).strip()


def read_texts(paths: Iterable[Path]) -> dict[str, str]:
    """File name -> its text, squashed."""
    return {p.name: squash(p.read_text(encoding="utf-8")) for p in paths}


def shared_archive() -> dict[str, str]:
    """Every document of ../shared/corpora (its .txt and .md files), squashed."""
    return read_texts(p for p in CORPORA.rglob("*") if p.suffix in (".txt", ".md"))


def missing_key_facts(questions: Sequence[QuestionCase]) -> list[tuple[str, str]]:
    """(id, key fact) of each key fact its reference answer does not contain."""
    from eval.metrics import contains_fact

    return [(c.id, f) for c in questions for f in c.key_facts if not contains_fact(c.answer, f)]
