"""eval/datasets/dev2.jsonl: an independently written question set over corpus/samples.

Checks the mix (modelled on the held-out set), the links of follow-ups, gold/no-gold per kind,
canonical diarienummer, key facts in the reference answer, verbatim evidence and that no question
repeats one in dev.jsonl.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import QuestionCase, load_dataset
from tests.dataset_checks import DATASETS, DNR, SAMPLES, missing_key_facts, read_texts, squash

DEV2 = DATASETS / "dev2.jsonl"
# dev.jsonl writes diarienummer as PREFIX/YEAR:serial without leading zeros ("SN/2022:554", "ASN/2019:36"): DNR
REFUSAL = ("Det framgår inte av handlingarna", "This is not stated in the documents")


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def questions() -> tuple[QuestionCase, ...]:
    return load_dataset(DEV2).cases  # type: ignore[return-value]


@pytest.fixture(scope="module")
def samples() -> dict[str, str]:
    return read_texts(SAMPLES.glob("*.txt"))


def test_question_mix(questions: tuple[QuestionCase, ...]) -> None:
    n = len(questions)
    types = Counter(c.type for c in questions)
    assert n >= 80
    assert all(c.id.startswith("d2-") for c in questions)
    assert types["unanswerable"] / n >= 0.18
    assert types["date"] / n >= 0.12
    assert types["dnr_lookup"] / n >= 0.10
    assert types["comparison"] / n >= 0.10
    assert types["cross_meeting"] / n >= 0.08
    assert types["follow_up"] >= 8
    assert sum(c.lang == "en" for c in questions) >= 8
    assert {"decision_lookup", "number", "factual"} <= set(types)
    # every document in the bundled corpus is asked about
    assert {c.source_file for c in questions if c.source_file} == {p.name for p in SAMPLES.glob("*.txt")}


def test_follow_ups_point_at_an_earlier_question_in_the_file(questions: tuple[QuestionCase, ...]) -> None:
    seen: set[str] = set()
    for case in questions:
        if case.type == "follow_up":
            assert case.previous_question, case.id
        if case.previous_question:
            assert case.previous_question in seen, case.id
        seen.add(case.question)


def test_unanswerable_cases_carry_no_gold_and_answered_cases_do(questions: tuple[QuestionCase, ...]) -> None:
    notes = {r["id"]: r.get("note") for r in _rows(DEV2)}
    for case in questions:
        if case.answerable:
            assert case.evidence and case.key_facts and case.source_file and case.answer, case.id
            assert not case.answer.startswith(REFUSAL), case.id
        else:
            assert case.evidence is None and case.key_facts == [] and case.source_file is None, case.id
            assert case.diarienummer is None and case.section is None and not case.additional_evidence, case.id
            assert case.answer.startswith(REFUSAL), case.id
            assert notes[case.id], case.id  # the kind of near-miss


def test_diarienummer_are_canonical_like_dev(questions: tuple[QuestionCase, ...]) -> None:
    dev = [d for r in _rows(DATASETS / "dev.jsonl") for d in [r.get("diarienummer"), *r.get("diarienummer_alt", [])] if d]
    assert dev and all(DNR.match(d) for d in dev)  # the form this file follows
    dnrs = [d for c in questions for d in c.gold_diarienummer()]
    assert dnrs and all(DNR.match(d) for d in dnrs), [d for d in dnrs if not DNR.match(d)]


def test_gold_diarienummer_are_written_in_the_corpus(questions: tuple[QuestionCase, ...], samples: dict[str, str]) -> None:
    def written(dnr: str) -> re.Pattern[str]:
        prefix, year, serial = re.match(r"(\w+)/(\d{4}):(\d+)", dnr).groups()  # type: ignore[union-attr]
        # "SN/2023:00092", "SN 2020:64", "sn/2020:58"; Tyresö writes "2019/ASN 0036"
        return re.compile(rf"{prefix}\s?/?\s?{year}\s?:\s?0*{serial}(?!\d)|{year}/{prefix} 0*{serial}(?!\d)",
                          re.IGNORECASE)

    everything = " ".join(samples.values())
    for case in questions:
        if case.diarienummer:
            assert written(case.diarienummer).search(samples[case.source_file]), (case.id, case.diarienummer)
        for alias in case.gold_diarienummer():
            assert written(alias).search(everything), (case.id, alias)


def test_key_facts_are_in_the_reference_answer(questions: tuple[QuestionCase, ...]) -> None:
    assert missing_key_facts(questions) == []


def test_every_evidence_is_verbatim_in_its_file(questions: tuple[QuestionCase, ...], samples: dict[str, str]) -> None:
    golds = [(c.id, g) for c in questions for g in c.gold()]
    assert golds
    assert all(g.source_file in samples for _, g in golds), [(i, g.source_file) for i, g in golds if g.source_file not in samples]
    missing = [(i, (g.evidence or "")[:60]) for i, g in golds if not g.evidence or squash(g.evidence) not in samples[g.source_file]]
    assert missing == []


def test_no_question_repeats_dev_or_itself(questions: tuple[QuestionCase, ...]) -> None:
    dev = {squash(r["question"]).casefold() for r in _rows(DATASETS / "dev.jsonl")}
    asked = [squash(c.question).casefold() for c in questions]
    assert not set(asked) & dev, sorted(set(asked) & dev)
    assert len(asked) == len(set(asked))


def test_committed_parts_equal_a_fresh_split() -> None:
    from eval.dataset import split_rows

    union = _rows(DEV2)
    fresh = split_rows(union)
    for part in ("tune", "heldout"):
        assert _rows(DATASETS / f"dev2_{part}.jsonl") == fresh[part], part
    assert abs(len(fresh["tune"]) - len(fresh["heldout"])) <= 0.1 * len(union)
