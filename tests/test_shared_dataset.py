"""eval/datasets/shared*.jsonl: questions over ../shared/corpora; shape, mix, and verbatim evidence."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from eval.dataset import QuestionCase, RetrievalCase, load_dataset
from tests.dataset_checks import DATASETS, DNR, missing_key_facts, needs_corpora, shared_archive, squash



@pytest.fixture(scope="module")
def questions() -> tuple[QuestionCase, ...]:
    return load_dataset(DATASETS / "shared.jsonl").cases  # type: ignore[return-value]


@pytest.fixture(scope="module")
def queries() -> tuple[RetrievalCase, ...]:
    return load_dataset(DATASETS / "shared_retrieval.jsonl").cases  # type: ignore[return-value]


@pytest.fixture(scope="module")
def archive() -> dict[str, str]:
    return shared_archive()


def test_question_mix(questions: tuple[QuestionCase, ...]) -> None:
    n = len(questions)
    types = Counter(c.type for c in questions)
    assert n >= 150
    assert types["unanswerable"] / n >= 0.15
    assert (types["comparison"] + types["cross_meeting"]) / n >= 0.15
    assert sum(c.lang == "en" for c in questions) >= 10
    assert types["follow_up"] >= 8 and types["dnr_lookup"] >= 8 and types["date"] >= 15
    # both archives, many documents
    files = Counter(c.source_file for c in questions if c.source_file)
    assert any(f.endswith(".txt") for f in files) and any(f.endswith(".md") for f in files)
    assert len(files) >= 30


def test_follow_ups_point_at_a_question_in_the_file(questions: tuple[QuestionCase, ...]) -> None:
    asked = {c.question for c in questions}
    for case in questions:
        if case.type == "follow_up":
            assert case.previous_question, case.id
        if case.previous_question:
            assert case.previous_question in asked, case.id


def test_unanswerable_cases_carry_no_gold_and_answered_cases_do(questions: tuple[QuestionCase, ...]) -> None:
    for case in questions:
        if case.answerable:
            assert case.evidence and case.key_facts and case.source_file, case.id
        else:
            assert case.evidence is None and case.key_facts == [] and case.answer, case.id


def test_diarienummer_are_canonical(questions: tuple[QuestionCase, ...], queries: tuple[RetrievalCase, ...]) -> None:
    dnrs = [d for c in questions for d in c.gold_diarienummer()]
    dnrs += [g.diarienummer for q in queries for g in q.relevant if g.diarienummer]
    assert dnrs and all(DNR.match(d) for d in dnrs), [d for d in dnrs if not DNR.match(d)]


def test_key_facts_are_in_the_reference_answer(questions: tuple[QuestionCase, ...]) -> None:
    assert missing_key_facts(questions) == []


@needs_corpora
def test_every_evidence_is_verbatim_in_its_file(questions: tuple[QuestionCase, ...], queries: tuple[RetrievalCase, ...],
                                                archive: dict[str, str]) -> None:
    golds = [(c.id, g) for c in questions for g in c.gold()] + [(q.id, g) for q in queries for g in q.relevant]
    assert all(g.source_file in archive for _, g in golds), [(i, g.source_file) for i, g in golds if g.source_file not in archive]
    missing = [(i, g.evidence[:60]) for i, g in golds if g.evidence and squash(g.evidence) not in archive[g.source_file]]
    assert missing == []


@needs_corpora
def test_gold_diarienummer_occur_in_their_files(queries: tuple[RetrievalCase, ...], archive: dict[str, str]) -> None:
    # "IF/2025:165" is written "IF-2025-00165", "KF/2024:344" as "KS KF/2024:344"
    def written(dnr: str) -> re.Pattern[str]:
        prefix, year, serial = re.match(r"(\w+)/(\d{4}):(\d+)", dnr).groups()  # type: ignore[union-attr]
        return re.compile(rf"{prefix}\s?[/-]\s?{year}\s?[:-]\s?0*{serial}(?!\d)", re.IGNORECASE)

    for query in queries:
        for gold in query.relevant:
            if gold.diarienummer:
                assert written(gold.diarienummer).search(archive[gold.source_file]), (query.id, gold.diarienummer)


def test_retrieval_mix(queries: tuple[RetrievalCase, ...]) -> None:
    kinds = Counter(q.query_type for q in queries)
    assert len(queries) >= 40 and kinds["paraphrase"] >= 12 and kinds["dnr_exact"] >= 8
