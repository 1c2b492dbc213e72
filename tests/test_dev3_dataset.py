"""eval/datasets/dev3.jsonl: a third, independently written question set over corpus/samples.

Written from the five documents alone (no assistant output was looked at). These tests check the mix,
the links of follow-ups, gold/no-gold per kind, canonical diarienummer that are written in their files,
key facts in the reference answer, verbatim evidence, that every document is asked about, that no
question repeats one in dev.jsonl or dev2.jsonl, and that the committed parts equal a fresh split.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import QuestionCase, load_dataset
from tests.dataset_checks import DATASETS, DNR, SAMPLES, missing_key_facts, read_texts, squash

DEV3 = DATASETS / "dev3.jsonl"
REFUSAL = ("Det framgår inte av handlingarna", "This is not stated in the documents")


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def questions() -> tuple[QuestionCase, ...]:
    return load_dataset(DEV3).cases  # type: ignore[return-value]


@pytest.fixture(scope="module")
def samples() -> dict[str, str]:
    return read_texts(SAMPLES.glob("*.txt"))


def test_question_mix(questions: tuple[QuestionCase, ...]) -> None:
    n = len(questions)
    types = Counter(c.type for c in questions)
    assert n >= 80
    assert all(c.id.startswith("d3-") for c in questions)
    assert types["unanswerable"] / n >= 0.18
    assert types["date"] / n >= 0.15
    assert types["dnr_lookup"] / n >= 0.10
    assert (types["comparison"] + types["cross_meeting"]) / n >= 0.15
    assert types["comparison"] >= 5 and types["cross_meeting"] >= 5
    assert types["follow_up"] >= 8
    assert sum(c.lang == "en" for c in questions) >= 8
    for kind in ("decision_lookup", "number", "factual"):
        assert types[kind] >= 3, kind


def test_every_document_is_asked_about(questions: tuple[QuestionCase, ...]) -> None:
    files = Counter(g.source_file for c in questions for g in c.gold())
    assert set(files) == {p.name for p in SAMPLES.glob("*.txt")}
    assert min(files.values()) >= 8, files


def test_follow_ups_point_at_an_earlier_question_in_the_file(questions: tuple[QuestionCase, ...]) -> None:
    seen: set[str] = set()
    for case in questions:
        if case.type == "follow_up":
            assert case.previous_question, case.id
        if case.previous_question:
            assert case.previous_question in seen, case.id
            assert case.previous_question != case.question, case.id
        seen.add(case.question)


def test_unanswerable_cases_carry_no_gold_and_answered_cases_do(questions: tuple[QuestionCase, ...]) -> None:
    notes = {r["id"]: r.get("note") for r in _rows(DEV3)}
    for case in questions:
        if case.answerable:
            assert case.evidence and case.key_facts and case.source_file and case.answer, case.id
            assert not case.answer.startswith(REFUSAL), case.id
        else:
            assert case.evidence is None and case.key_facts == [] and case.source_file is None, case.id
            assert case.diarienummer is None and case.section is None and not case.additional_evidence, case.id
            assert not case.diarienummer_alt and not case.previous_question, case.id
            assert case.answer.startswith(REFUSAL), case.id
            assert notes[case.id], case.id  # the kind of near-miss


def test_comparisons_and_cross_meeting_cases_have_a_second_passage_or_several_facts(
    questions: tuple[QuestionCase, ...],
) -> None:
    for case in questions:
        if case.type in ("comparison", "cross_meeting"):
            assert case.additional_evidence or len(case.key_facts) >= 2, case.id
        if case.type == "cross_meeting":
            assert len({g.source_file for g in case.gold()}) >= 2, case.id


def test_diarienummer_are_canonical(questions: tuple[QuestionCase, ...]) -> None:
    dnrs = [d for c in questions for d in c.gold_diarienummer()]
    assert dnrs and all(DNR.match(d) for d in dnrs), [d for d in dnrs if not DNR.match(d)]


def test_gold_diarienummer_are_written_in_their_files(questions: tuple[QuestionCase, ...], samples: dict[str, str]) -> None:
    def written(dnr: str) -> re.Pattern[str]:
        prefix, year, serial = re.match(r"(\w+)/(\d{4}):(\d+)", dnr).groups()  # type: ignore[union-attr]
        # "SN/2023:00092", "SN 2020:64", "sn/2020:58"; Tyresö writes "2019/ASN 0036"
        return re.compile(rf"{prefix}\s?/?\s?{year}\s?:\s?0*{serial}(?!\d)|{year}/{prefix} 0*{serial}(?!\d)",
                          re.IGNORECASE)

    absent = [(c.id, g.diarienummer) for c in questions for g in c.gold()
              if g.diarienummer and not written(g.diarienummer).search(samples[g.source_file])]
    assert absent == []
    aliases = [(c.id, d) for c in questions for d in c.diarienummer_alt
               if not written(d).search(samples[c.source_file])]
    assert aliases == []


def test_key_facts_are_in_the_reference_answer(questions: tuple[QuestionCase, ...]) -> None:
    assert missing_key_facts(questions) == []


def test_every_evidence_is_verbatim_in_its_file(questions: tuple[QuestionCase, ...], samples: dict[str, str]) -> None:
    golds = [(c.id, g) for c in questions for g in c.gold()]
    assert golds
    assert all(g.source_file in samples for _, g in golds), [(i, g.source_file) for i, g in golds if g.source_file not in samples]
    missing = [(i, (g.evidence or "")[:60]) for i, g in golds if not g.evidence or squash(g.evidence) not in samples[g.source_file]]
    assert missing == []


def test_no_question_repeats_dev_dev2_or_itself(questions: tuple[QuestionCase, ...]) -> None:
    earlier = {squash(r["question"]).casefold() for name in ("dev.jsonl", "dev2.jsonl") for r in _rows(DATASETS / name)}
    asked = [squash(c.question).casefold() for c in questions]
    assert not set(asked) & earlier, sorted(set(asked) & earlier)
    assert len(asked) == len(set(asked))


def test_committed_parts_equal_a_fresh_split() -> None:
    from eval.dataset import split_rows

    union = _rows(DEV3)
    fresh = split_rows(union)
    for part in ("tune", "heldout"):
        assert _rows(DATASETS / f"dev3_{part}.jsonl") == fresh[part], part
    assert abs(len(fresh["tune"]) - len(fresh["heldout"])) <= 0.1 * len(union)
