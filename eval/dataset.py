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
