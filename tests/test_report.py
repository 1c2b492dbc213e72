"""report.md and the PNG plots, from a report dict shaped like run_cases() output."""

from __future__ import annotations

import json
from pathlib import Path

from eval.report import fmt, table, write_report, write_report_from_json
from eval.summary import summarise

PNG = b"\x89PNG\r\n\x1a\n"


def _item(id: str, type: str, lang: str, facts: float | None, refused: bool, should: bool, latency: float) -> dict:
    return {"id": id, "kind": "question", "type": type, "lang": lang, "question": f"Fråga {id}?",
            "latency_s": latency,
            "scores": {"key_fact_accuracy": facts, "refused": refused, "should_refuse": should,
                       "recall@5": None if should else 1.0}}


def _report() -> dict:
    items = [_item("a", "number", "sv", 1.0, False, False, 1.0), _item("b", "number", "en", 0.0, False, False, 3.0),
             _item("c", "unanswerable", "sv", None, False, True, 2.0),
             {"id": "d", "kind": "question", "type": "date", "lang": "sv", "question": "Fel?", "error": "Boom: x"}]
    return {"dataset": "eval/datasets/dev.jsonl", "kind": "questions", "created": "2025-01-01T00:00:00+00:00",
            "options": {"mode": "extractive", "method": "hybrid", "k": None, "limit": 4, "cases_total": 130},
            **summarise("questions", items), "items": items}


def test_summary_of_the_fixture_is_hand_checked() -> None:
    summary = _report()["summary"]
    assert (summary["n"], summary["errors"]) == (4, 1)
    assert summary["key_fact_accuracy"] == 0.5  # (1.0 + 0.0) / 2; c has no facts, d failed
    assert summary["latency_p50_s"] == 2.0 and summary["latency_p95_s"] == 2.9  # 2 + 0.9 * (3 - 2)
    assert summary["refusal_recall"] == 0.0 and summary["refusal_precision"] is None


def test_write_report_makes_markdown_and_plots(tmp_path: Path) -> None:
    path = write_report(_report(), tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Utvärdering: dev.jsonl")
    assert "4 av 130 fall (stratifierat urval, --limit 4)" in text
    assert "| number | 2 | 0 | 0.500 |" in text  # per-type row: n, errors, key_fact_accuracy
    assert "| en |" in text and "| sv |" in text
    assert "`d` FEL: Boom: x" in text
    assert "`c` svarade fast den borde avböja" in text
    assert "`b` missade (number)" in text
    for name in ("by_type.png", "by_lang.png", "latency.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG
        assert f"]({name})" in text


def test_report_can_be_rerendered_from_json(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text(json.dumps(_report()), encoding="utf-8")
    assert write_report_from_json(tmp_path / "report.json").is_file()


def test_fmt_and_table() -> None:
    assert (fmt(None), fmt(0.83333), fmt(7)) == ("–", "0.833", "7")
    assert table({"alla": {"n": 2, "mrr": 0.5}}, ("n", "mrr"), "grupp").splitlines() == [
        "| grupp | n | mrr |", "|---|---|---|", "| alla | 2 | 0.500 |"]
