"""eval/datasets/shared3.jsonl: a third, independently written question set over ../shared/corpora.

Written from the archives alone (the assistant was never run on it). Its gold may come from any
document; these tests check its shape, mix, that every piece of gold evidence is verbatim in its
file, and that no question repeats shared.jsonl or shared2.jsonl.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from eval.dataset import QuestionCase, load_dataset
from tests.dataset_checks import DATASETS, DNR, missing_key_facts, needs_corpora, shared_archive, squash


@pytest.fixture(scope="module")
def questions() -> tuple[QuestionCase, ...]:
    return load_dataset(DATASETS / "shared3.jsonl").cases  # type: ignore[return-value]


@pytest.fixture(scope="module")
def archive() -> dict[str, str]:
    return shared_archive()


def _gold_files(case: QuestionCase) -> list[str]:
    return [g.source_file for g in case.gold() if g.source_file]


def test_question_mix(questions: tuple[QuestionCase, ...]) -> None:
    n = len(questions)
    types = Counter(c.type for c in questions)
    assert n >= 100
    assert types["unanswerable"] / n >= 0.20
    assert types["date"] / n >= 0.15
    assert (types["comparison"] + types["cross_meeting"]) / n >= 0.20
    assert types["dnr_lookup"] / n >= 0.10
    assert types["follow_up"] >= 8
    assert sum(c.lang == "en" for c in questions) >= 10
    for kind in ("decision_lookup", "number", "factual"):
        assert types[kind] >= 1, kind


def test_gold_spans_many_documents_of_both_archives(questions: tuple[QuestionCase, ...]) -> None:
    files = Counter(f for c in questions for f in _gold_files(c))
    assert len(files) >= 40
    assert any(f.endswith(".txt") for f in files) and any(f.endswith(".md") for f in files)


def test_no_question_repeats_the_earlier_shared_sets(questions: tuple[QuestionCase, ...]) -> None:
    earlier = {c.question.strip().casefold()
               for name in ("shared.jsonl", "shared2.jsonl")
               for c in load_dataset(DATASETS / name).cases}  # type: ignore[union-attr]
    repeated = [c.id for c in questions if c.question.strip().casefold() in earlier]
    assert repeated == []
    texts = Counter(c.question.strip().casefold() for c in questions)
    assert [q for q, k in texts.items() if k > 1] == []


def test_follow_ups_point_at_a_question_in_the_file(questions: tuple[QuestionCase, ...]) -> None:
    asked = {c.question for c in questions}
    for case in questions:
        if case.type == "follow_up":
            assert case.previous_question, case.id
        if case.previous_question:
            assert case.previous_question in asked, case.id
            assert case.previous_question != case.question, case.id


def test_follow_ups_come_after_their_root_and_use_its_file(questions: tuple[QuestionCase, ...]) -> None:
    position = {c.question: i for i, c in enumerate(questions)}
    for i, case in enumerate(questions):
        if case.type == "follow_up":
            root = questions[position[case.previous_question]]
            assert position[case.previous_question] < i, case.id
            assert root.source_file == case.source_file, case.id


def test_unanswerable_cases_carry_no_gold_and_answered_cases_do(questions: tuple[QuestionCase, ...]) -> None:
    for case in questions:
        if case.answerable:
            assert case.evidence and case.key_facts and case.source_file, case.id
        else:
            assert case.evidence is None and case.key_facts == [] and case.answer, case.id
            assert case.source_file is None and case.diarienummer is None and not case.additional_evidence, case.id


def test_comparisons_and_cross_meeting_cases_have_a_second_passage_or_several_facts(questions: tuple[QuestionCase, ...]) -> None:
    for case in questions:
        if case.type in ("comparison", "cross_meeting"):
            assert case.additional_evidence or len(case.key_facts) >= 2, case.id


def test_diarienummer_are_canonical(questions: tuple[QuestionCase, ...]) -> None:
    dnrs = [d for c in questions for d in c.gold_diarienummer()]
    assert dnrs and all(DNR.match(d) for d in dnrs), [d for d in dnrs if not DNR.match(d)]


def test_key_facts_are_in_the_reference_answer(questions: tuple[QuestionCase, ...]) -> None:
    assert missing_key_facts(questions) == []


@needs_corpora
def test_every_evidence_is_verbatim_in_its_file(questions: tuple[QuestionCase, ...], archive: dict[str, str]) -> None:
    golds = [(c.id, g) for c in questions for g in c.gold()]
    assert all(g.source_file in archive for _, g in golds), [(i, g.source_file) for i, g in golds if g.source_file not in archive]
    missing = [(i, g.evidence[:60]) for i, g in golds if g.evidence and squash(g.evidence) not in archive[g.source_file]]
    assert missing == []


@needs_corpora
def test_gold_diarienummer_occur_in_their_files(questions: tuple[QuestionCase, ...], archive: dict[str, str]) -> None:
    # "IF/2025:231" is written "IF-2025-00231", "KF/2024:373" as "KS KF/2024:373", "KS/2024:779" as "KS-2024-00779"
    def written(dnr: str) -> re.Pattern[str]:
        prefix, year, serial = re.match(r"(\w+)/(\d{4}):(\d+)", dnr).groups()  # type: ignore[union-attr]
        return re.compile(rf"{prefix}\s?[/-]\s?{year}\s?[:-]\s?0*{serial}(?!\d)", re.IGNORECASE)

    absent = [(c.id, g.diarienummer) for c in questions for g in c.gold()
              if g.diarienummer and g.source_file in archive and not written(g.diarienummer).search(archive[g.source_file])]
    assert absent == []
