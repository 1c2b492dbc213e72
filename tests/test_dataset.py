"""Loading evaluation sets; the dev set's evidence is verbatim in its source files."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import QuestionCase, RetrievalCase, detect_kind, load_dataset, stratified_subset
from eval.errors import DatasetError

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "eval" / "datasets"
SAMPLES = ROOT / "corpus" / "samples"
SWEQUAD = ROOT.parent / "shared" / "external" / "swequad" / "qa.jsonl"
DNR = re.compile(r"^[A-ZÅÄÖ]+/\d{4}:[1-9]\d*$")


def _write(tmp_path: Path, rows: list[object], name: str = "set.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_question_file_is_detected_and_unknown_fields_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"id": "a", "question": "Vad?", "type": "factual", "lang": "sv", "extra": 1,
                              "additional_evidence": [{"source_file": "x.txt", "evidence": "y", "note": 2}]}])
    assert detect_kind(path) == "questions"
    case = load_dataset(path).cases[0]
    assert isinstance(case, QuestionCase) and not hasattr(case, "extra")
    assert [e.evidence for e in case.gold()] == ["y"]


def test_retrieval_file_is_detected(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"id": "r1", "query": "överskott 2022", "relevant": [
        {"source_file": "001.txt", "diarienummer": "SN/2022:554", "evidence": "78,5"}], "lang": "sv"}])
    data = load_dataset(path)
    assert data.kind == "retrieval" and isinstance(data.cases[0], RetrievalCase)
    assert data.cases[0].relevant[0].diarienummer == "SN/2022:554"


@pytest.mark.parametrize("rows, message", [
    ([], "holds no cases"),
    ([{"id": "a", "question": "q", "type": "trivia"}], "'type'"),
    ([{"id": "a", "question": "q"}, {"id": "a", "question": "q2"}], "duplicate id 'a'"),
    ([{"id": "a", "question": "q"}, {"id": "b", "query": "q", "relevant": []}], "mixes"),
    ([{"id": "a", "text": "q"}], "neither a question case"),
])
def test_invalid_files_raise_dataset_error(tmp_path: Path, rows: list[object], message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        load_dataset(_write(tmp_path, rows))


def test_bad_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "q"}\n{oops\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad.jsonl:2"):
        load_dataset(path)
    with pytest.raises(DatasetError, match="not found"):
        load_dataset(tmp_path / "missing.jsonl")


def test_unanswerable_has_no_gold_and_aliases_count_as_gold_dnr() -> None:
    case = QuestionCase(id="u", question="q", type="unanswerable", diarienummer=None)
    assert case.gold() == [] and not case.answerable
    alias = QuestionCase(id="a", question="q", diarienummer="SN/2022:554", diarienummer_alt=["SN/2023:554"])
    assert alias.gold_diarienummer() == {"SN/2022:554", "SN/2023:554"}


def test_stratified_subset_takes_every_type_and_keeps_file_order() -> None:
    cases = tuple(QuestionCase(id=f"{t}{i}", question="q", type=t) for t in ("factual", "number", "date")
                  for i in range(4))
    picked = stratified_subset(cases, 5)
    assert len(picked) == 5
    assert {c.type for c in picked} == {"factual", "number", "date"}
    assert [c.id for c in picked] == sorted((c.id for c in picked), key=[c.id for c in cases].index)
    assert stratified_subset(cases, None) == cases


# --- the bundled dev set ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dev() -> tuple[QuestionCase, ...]:
    return load_dataset(DATASETS / "dev.jsonl").cases  # type: ignore[return-value]


def test_dev_set_shape(dev: tuple[QuestionCase, ...]) -> None:
    assert len(dev) >= 100
    types = Counter(c.type for c in dev)
    assert set(types) == {"factual", "number", "date", "decision_lookup", "dnr_lookup", "cross_meeting",
                          "comparison", "unanswerable", "follow_up"}
    assert 0.08 <= types["unanswerable"] / len(dev) <= 0.15
    assert 0.08 <= sum(c.lang == "en" for c in dev) / len(dev) <= 0.15
    files = Counter(c.source_file for c in dev if c.source_file)
    assert len(files) == 5 and min(files.values()) >= 10
    assert all(c.previous_question for c in dev if c.type == "follow_up")


def test_dev_evidence_is_verbatim_in_source(dev: tuple[QuestionCase, ...]) -> None:
    texts = {p.name: _squash(p.read_text(encoding="utf-8")) for p in SAMPLES.glob("*.txt")}
    missing = []
    for case in dev:
        if not case.answerable:
            assert case.evidence is None and case.key_facts == [], case.id
            continue
        assert case.evidence, f"{case.id}: answerable cases need evidence"
        for gold in case.gold():
            if gold.evidence and _squash(gold.evidence) not in texts[gold.source_file]:
                missing.append((case.id, gold.evidence[:60]))
    assert missing == []


def test_dev_diarienummer_are_canonical(dev: tuple[QuestionCase, ...]) -> None:
    for case in dev:
        for dnr in case.gold_diarienummer():
            assert DNR.match(dnr), (case.id, dnr)


def test_dev_evidence_spreads_over_each_file(dev: tuple[QuestionCase, ...]) -> None:
    # evidence from the first and last third of every bundled file, not only the agenda page
    for path in SAMPLES.glob("*.txt"):
        text = _squash(path.read_text(encoding="utf-8"))
        positions = [text.find(_squash(g.evidence)) / len(text) for c in dev for g in c.gold()
                     if g.source_file == path.name and g.evidence]
        assert min(positions) < 0.34 and max(positions) > 0.66, path.name


@pytest.mark.skipif(not SWEQUAD.exists(), reason="SweQUAD is read from ../shared/external (not in the repo)")
def test_swequad_loads_as_question_set() -> None:
    data = load_dataset(SWEQUAD)
    assert data.kind == "questions" and len(data.cases) == 300
    assert all(c.evidence and c.source_file.startswith("contexts/") for c in data.cases)


def test_dev_evidence_survives_chunking(dev: tuple[QuestionCase, ...], chunks: list) -> None:
    # cleaning drops page headers (e.g. "Dnr SN/2020:33" lines); gold evidence must stay findable
    from eval.metrics import squash

    texts: dict[str, list[str]] = {}
    for chunk in chunks:
        texts.setdefault(chunk.source_file, []).append(squash(chunk.text))
    lost = [(c.id, g.evidence[:50]) for c in dev for g in c.gold()
            if g.evidence and not any(squash(g.evidence) in t for t in texts[g.source_file])]
    assert lost == []


# --- tuning / held-out split (eval/datasets/SPLIT.md) ----------------------------------------------

def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("stem", ["dev", "retrieval", "shared", "shared_retrieval", "dev2", "shared2", "dev3", "shared3", "dev4", "shared4"])
def test_committed_parts_equal_a_fresh_split_of_the_union(stem: str) -> None:
    from eval.dataset import split_rows

    union = _rows(DATASETS / f"{stem}.jsonl")
    fresh = split_rows(union)
    for part in ("tune", "heldout"):
        assert [r["id"] for r in _rows(DATASETS / f"{stem}_{part}.jsonl")] == [r["id"] for r in fresh[part]]
    assert sorted(r["id"] for p in fresh.values() for r in p) == sorted(r["id"] for r in union)
    assert abs(len(fresh["tune"]) - len(fresh["heldout"])) <= 0.1 * len(union)


def test_split_keeps_follow_ups_with_their_question_and_stratifies() -> None:
    from eval.dataset import split_rows

    rows = [{"id": f"n{i}", "question": f"Fråga {i}?", "type": "number"} for i in range(10)]
    rows += [{"id": "f1", "question": "Och sedan?", "type": "follow_up", "previous_question": "Fråga 3?"},
             {"id": "f2", "question": "Varför?", "type": "follow_up", "previous_question": "Och sedan?"}]
    parts = split_rows(rows, seed=7)
    part_of = {r["id"]: name for name, chosen in parts.items() for r in chosen}
    assert part_of["n3"] == part_of["f1"] == part_of["f2"]
    assert sorted(len(p) for p in parts.values()) == [5, 7]  # chain of 3 in one part, the 9 others 4/5
    assert split_rows(rows, seed=7) == parts  # deterministic
    numbers = Counter(part_of[r["id"]] for r in rows if r["type"] == "number" and r["id"] != "n3")
    assert set(numbers.values()) <= {4, 5}


def test_retrieval_paraphrases_of_one_target_share_a_part() -> None:
    from eval.dataset import split_rows

    gold = [{"source_file": "a.txt", "diarienummer": "SN/2023:1", "evidence": None}]
    rows = [{"id": f"r{i}", "query": f"q{i}", "relevant": gold if i < 3 else
             [{"source_file": "b.txt", "diarienummer": f"KS/2024:{i}", "evidence": None}],
             "query_type": "paraphrase"} for i in range(8)]
    parts = split_rows(rows)
    part_of = {r["id"]: name for name, chosen in parts.items() for r in chosen}
    assert part_of["r0"] == part_of["r1"] == part_of["r2"]
