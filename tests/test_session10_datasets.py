"""eval/datasets/dev4.jsonl and shared4.jsonl: a fourth pair of independently written question sets.

Written at the start of session 10 by two helpers who read only the documents (and the earlier sets, to
avoid repeating them), never the assistant's code or output. Both parts of both sets were held out from
that session's tuning (eval/datasets/SPLIT.md). These tests check the mix, follow-up links, gold/no-gold
per kind, canonical diarienummer, key facts in the reference answer, verbatim evidence, and no repeats.
"""

from __future__ import annotations

from collections import Counter

import pytest

from eval.dataset import QuestionCase, load_dataset
from tests.dataset_checks import (DATASETS, DNR, SAMPLES, missing_key_facts, needs_corpora, read_texts,
                                  shared_archive, squash)

SETS = {"dev4": ("dev.jsonl", "dev2.jsonl", "dev3.jsonl"), "shared4": ("shared.jsonl", "shared2.jsonl", "shared3.jsonl")}


def _cases(name: str) -> tuple[QuestionCase, ...]:
    return load_dataset(DATASETS / f"{name}.jsonl").cases  # type: ignore[return-value]


@pytest.mark.parametrize("name", sorted(SETS))
def test_question_mix(name: str) -> None:
    cases = _cases(name)
    n, types = len(cases), Counter(c.type for c in cases)
    assert n >= 50
    assert types["unanswerable"] / n >= 0.14
    assert (types["comparison"] + types["cross_meeting"]) / n >= 0.15
    assert types["date"] >= 5 and types["dnr_lookup"] >= 5 and types["follow_up"] >= 5
    assert sum(c.lang == "en" for c in cases) >= 5
    assert len({c.id for c in cases}) == n


@pytest.mark.parametrize("name", sorted(SETS))
def test_no_question_repeats_an_earlier_set(name: str) -> None:
    earlier = {c.question.strip().casefold() for f in SETS[name]
               for c in load_dataset(DATASETS / f).cases}  # type: ignore[union-attr]
    assert [c.id for c in _cases(name) if c.question.strip().casefold() in earlier] == []


@pytest.mark.parametrize("name", sorted(SETS))
def test_follow_ups_follow_the_question_before_them(name: str) -> None:
    cases = _cases(name)
    for before, case in zip(cases, cases[1:]):
        if case.type == "follow_up":
            assert case.previous_question == before.question, case.id


@pytest.mark.parametrize("name", sorted(SETS))
def test_gold_per_kind_and_canonical_diarienummer(name: str) -> None:
    for case in _cases(name):
        if case.answerable:
            assert case.evidence and case.key_facts and case.source_file and case.answer, case.id
        else:
            assert case.evidence is None and case.key_facts == [] and case.source_file is None, case.id
        assert all(DNR.match(d) for d in case.gold_diarienummer()), (case.id, case.gold_diarienummer())
    assert missing_key_facts(_cases(name)) == []


def _check_verbatim(cases: tuple[QuestionCase, ...], texts: dict[str, str]) -> None:
    golds = [(c.id, g) for c in cases for g in c.gold()]
    assert [(i, g.source_file) for i, g in golds if g.source_file not in texts] == []
    assert [(i, g.evidence[:60]) for i, g in golds if g.evidence and squash(g.evidence) not in texts[g.source_file]] == []
    assert [(c.id, f) for c in cases if c.answerable for f in c.key_facts
            if squash(f) not in " ".join(texts[g.source_file] for g in c.gold())] == []


def test_dev4_evidence_and_key_facts_are_verbatim_in_the_samples() -> None:
    _check_verbatim(_cases("dev4"), read_texts(SAMPLES.glob("*.txt")))


@needs_corpora
def test_shared4_evidence_and_key_facts_are_verbatim_in_the_archives() -> None:
    _check_verbatim(_cases("shared4"), shared_archive())
