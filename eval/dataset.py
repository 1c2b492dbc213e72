"""Evaluation sets from JSONL: question cases (answers) and retrieval cases (ranked hits)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eval.errors import DatasetError

logger = logging.getLogger(__name__)

QUESTION_TYPES = (
    "factual", "number", "date", "decision_lookup", "dnr_lookup",
    "cross_meeting", "comparison", "unanswerable", "follow_up",
)
Kind = Literal["questions", "retrieval"]


class Evidence(BaseModel):
    """One piece of gold evidence: a verbatim snippet, or a file + diarienummer when it is null."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    source_file: str | None = None
    diarienummer: str | None = None
    evidence: str | None = None


class QuestionCase(BaseModel):
    """A question with a reference answer, key facts and gold evidence (issue 5 format)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    question: str
    answer: str = ""
    key_facts: list[str] = Field(default_factory=list)
    source_file: str | None = None
    diarienummer: str | None = None
    section: str | None = None
    evidence: str | None = None
    type: Literal[QUESTION_TYPES] = "factual"  # type: ignore[valid-type]
    lang: str = "sv"
    difficulty: str | None = None
    previous_question: str | None = None
    diarienummer_alt: list[str] = Field(default_factory=list)
    additional_evidence: list[Evidence] = Field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    def gold(self) -> list[Evidence]:
        """Every accepted piece of evidence; empty for unanswerable questions."""
        if not self.answerable:
            return []
        first = Evidence(source_file=self.source_file, diarienummer=self.diarienummer, evidence=self.evidence)
        items = [first] if (first.evidence or first.diarienummer) else []
        return items + list(self.additional_evidence)

    def gold_diarienummer(self) -> set[str]:
        """Canonical dnr a correct citation may carry (main, aliases, additional evidence)."""
        found = [self.diarienummer, *self.diarienummer_alt, *(e.diarienummer for e in self.additional_evidence)]
        return {d for d in found if d}


class RetrievalCase(BaseModel):
    """A search query with the evidence a good ranking puts on top."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    query: str
    relevant: list[Evidence]
    query_type: str | None = None
    lang: str = "sv"


@dataclass(frozen=True, slots=True)
class Dataset:
    """A loaded evaluation file; `cases` are all QuestionCase or all RetrievalCase."""

    path: Path
    kind: Kind
    cases: tuple[QuestionCase, ...] | tuple[RetrievalCase, ...]


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    if not path.is_file():
        raise DatasetError(f"Evaluation file not found: {str(path)!r}; pass a .jsonl file.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path.name}:{number}: not valid JSON ({exc.msg}); fix or remove the line.") from exc
        if not isinstance(row, dict):
            raise DatasetError(f"{path.name}:{number}: expected a JSON object, got {row!r:.60}.")
        rows.append((number, row))
    if not rows:
        raise DatasetError(f"Evaluation file {str(path)!r} holds no cases; add one JSON object per line.")
    return rows


def _row_kind(path: Path, number: int, row: dict) -> Kind:
    if "question" in row:
        return "questions"
    if "query" in row and "relevant" in row:
        return "retrieval"
    raise DatasetError(
        f"{path.name}:{number}: neither a question case (needs 'question') nor a retrieval case "
        f"(needs 'query' and 'relevant'); keys are {sorted(row)!r}."
    )


def detect_kind(path: Path) -> Kind:
    """Which kind of cases a file holds, from its first case."""
    number, row = _read_rows(path)[0]
    return _row_kind(path, number, row)


def load_dataset(path: Path) -> Dataset:
    """Read and validate every line; the whole file must hold one kind of case."""
    rows = _read_rows(path)
    kind = _row_kind(path, *rows[0])
    model = QuestionCase if kind == "questions" else RetrievalCase
    cases = []
    seen: set[str] = set()
    for number, row in rows:
        if _row_kind(path, number, row) != kind:
            raise DatasetError(f"{path.name}:{number}: mixes {kind} with another kind of case; split the file.")
        try:
            case = model.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise DatasetError(f"{path.name}:{number}: field {where!r}: {first['msg']}.") from exc
        if case.id in seen:
            raise DatasetError(f"{path.name}:{number}: duplicate id {case.id!r}; ids must be unique.")
        seen.add(case.id)
        cases.append(case)
    logger.info("Loaded %d %s cases from %s", len(cases), kind, path)
    return Dataset(path=path, kind=kind, cases=tuple(cases))


def stratified_subset(cases: tuple, limit: int | None, key: str = "type") -> tuple:
    """At most `limit` cases, taken round-robin over `key` groups in file order (deterministic)."""
    if limit is None or limit >= len(cases):
        return cases
    groups: dict[str, list] = {}
    for case in cases:
        groups.setdefault(str(getattr(case, key, None) or ""), []).append(case)
    picked: list = []
    while len(picked) < limit:
        for group in groups.values():
            if group and len(picked) < limit:
                picked.append(group.pop(0))
    order = {id(c): i for i, c in enumerate(cases)}
    return tuple(sorted(picked, key=lambda c: order[id(c)]))


# --- tuning / held-out split ------------------------------------------------------------------------

SPLIT_SEED = 20261201
PARTS = ("tune", "heldout")


def _unit_key(row: dict, by_question: dict[str, dict]) -> str:
    """Rows that must share a part: a follow-up joins the chain it follows; queries with one gold join."""
    if "question" in row:
        root = row
        while root.get("previous_question") in by_question and root is not by_question[root["previous_question"]]:
            root = by_question[root["previous_question"]]
        return "q:" + str(root["id"])
    gold = sorted(json.dumps(e, sort_keys=True, ensure_ascii=False) for e in row.get("relevant", []))
    return "r:" + "|".join(gold)


def _stratum(unit: list[dict]) -> str:
    """A chain with a follow-up is stratified as follow_up; otherwise by its first row's type."""
    types = [str(r.get("type") or r.get("query_type") or "-") for r in unit]
    return "follow_up" if "follow_up" in types else types[0]


def split_rows(rows: list[dict], seed: int = SPLIT_SEED) -> dict[str, list[dict]]:
    """Deterministic ~50/50 split of raw rows, stratified by type; linked rows stay in one part.

    Within each stratum (sorted by name) the units are shuffled with one `random.Random(seed)` and
    each goes to the part with fewer rows of that stratum so far, ties broken by fewer rows overall
    and then tune (e.g. strata of 7 and 7 single rows give 4+3 and 3+4).
    """
    import random

    by_question = {str(r["question"]): r for r in rows if "question" in r}
    units: dict[str, list[dict]] = {}
    for row in rows:
        units.setdefault(_unit_key(row, by_question), []).append(row)
    strata: dict[str, list[list[dict]]] = {}
    for unit in units.values():
        strata.setdefault(_stratum(unit), []).append(unit)
    rng = random.Random(seed)
    part_of: dict[int, str] = {}
    overall = dict.fromkeys(PARTS, 0)
    for name in sorted(strata):
        group = strata[name]
        rng.shuffle(group)
        here = dict.fromkeys(PARTS, 0)
        for unit in group:
            part = min(PARTS, key=lambda p: (here[p], overall[p], PARTS.index(p)))
            here[part] += len(unit)
            overall[part] += len(unit)
            for row in unit:
                part_of[id(row)] = part
    return {part: [r for r in rows if part_of[id(r)] == part] for part in PARTS}


def write_split(path: Path, seed: int = SPLIT_SEED) -> dict[str, Path]:
    """Write <stem>_tune.jsonl and <stem>_heldout.jsonl next to `path`, rows in file order."""
    load_dataset(path)  # validate first
    rows = [row for _, row in _read_rows(path)]
    written = {}
    for part, chosen in split_rows(rows, seed).items():
        target = path.with_name(f"{path.stem}_{part}.jsonl")
        target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
        written[part] = target
    return written


if __name__ == "__main__":  # python -m eval.dataset eval/datasets/dev.jsonl [seed]
    import sys

    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m eval.dataset FILE.jsonl [SEED]  (writes FILE_tune/FILE_heldout.jsonl)")
    for part, target in write_split(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else SPLIT_SEED).items():
        print(part, target, sum(1 for _ in target.open(encoding="utf-8")))
