"""python -m eval.summary: tuning and held-out reports side by side, per type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.summary import compare_markdown, main, summarise


def _item(type_: str, facts: float, refused: bool = False, should_refuse: bool = False) -> dict:
    return {"type": type_, "lang": "sv", "latency_s": 0.1,
            "scores": {"key_fact_accuracy": None if should_refuse else facts,
                       "all_key_facts": None if should_refuse else float(facts == 1.0),
                       "refused": refused, "should_refuse": should_refuse}}


def _report(items: list[dict]) -> dict:
    return {"kind": "questions", **summarise("questions", items)}


def test_cells_hold_each_report_in_order_and_types_missing_in_one_part_show_a_dash() -> None:
    tune = _report([_item("number", 1.0), _item("number", 0.0), _item("date", 1.0)])
    held = _report([_item("number", 1.0), _item("unanswerable", 0.0, refused=True, should_refuse=True)])
    text = compare_markdown([("tune", tune), ("held-out", held)])
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert text.startswith("Värden: tune / held-out")
    assert "| 2 / 1 | 0.50 / 1.00 |" in rows["number"]  # n, then all_key_facts
    assert rows["date"].split(" | ")[1] == "1 / –"
    assert rows["unanswerable"].split(" | ")[1] == "– / 1"
    assert rows["**alla**"].split(" | ")[1] == "3 / 2"


def test_question_and_retrieval_reports_are_not_mixed() -> None:
    retrieval = {"kind": "retrieval", **summarise("retrieval", [])}
    with pytest.raises(ValueError, match="cannot compare"):
        compare_markdown([("a", _report([_item("number", 1.0)])), ("b", retrieval)])


def test_cli_writes_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = []
    for name, facts in (("tune", 1.0), ("heldout", 0.0)):
        (tmp_path / name).mkdir()
        path = tmp_path / name / "report.json"
        path.write_text(json.dumps(_report([_item("dnr_lookup", facts)])), encoding="utf-8")
        paths.append(str(path))
    out = tmp_path / "cmp.md"
    assert main([*paths, "--out", str(out)]) == 0
    assert "| dnr_lookup | 1 / 1 | 1.00 / 0.00 |" in out.read_text(encoding="utf-8")
    assert "dnr_lookup" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([paths[0], str(tmp_path / "missing.json")])
