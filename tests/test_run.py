"""The eval harness on scripted fakes, plus one real end-to-end smoke run (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import ListSearcher, ScriptedAssistant

from assistant.types import Answer, Citation
from eval.dataset import load_dataset
from eval.run import RunOptions, run_cases, write_json
from index.types import Hit

ROOT = Path(__file__).resolve().parent.parent
F = "001_b45e768bb4a60bb9.txt"
SURPLUS = "För 2022 redovisar nämnden ett överskott på 78,5 miljoner kronor vilket motsvarar 11 procent."
FOSSIL = "Andelen fossilfritt bränsle uppgick 2022 till 52 procent. Målet var 45 procent."


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def _answer(text: str, chunks: list, cited: list, answered: bool = True, quote: str | None = None) -> Answer:
    hits = tuple(Hit(c, 1.0 / i, "fused", i, 0.9) for i, c in enumerate(chunks, 1))
    citations = tuple(Citation(n, c.chunk_id, c.diarienummer, c.section, None, c.item_title, "Socialnämnden",
                               "Botkyrka", "2023-02-14", c.source_file, quote or c.text[:40])
                      for n, c in enumerate(cited, 1))
    return Answer(text, citations, "sv", answered, mode="extractive", sources=hits)


@pytest.fixture
def chunks(chunk_factory):
    surplus = chunk_factory(SURPLUS, dnr=("SN/2022:554", "SN/2023:554"), source_file=F, start=0)
    fossil = chunk_factory(FOSSIL, dnr=("SN/2022:554",), source_file=F, start=500)
    other = chunk_factory("Socialnämnden godkänner uppföljningen av internkontrollplanen.", dnr=("SN/2022:557",),
                          source_file=F, start=900)
    return surplus, fossil, other


ROWS = [
    {"id": "q1", "question": "Hur stort överskott 2022?", "key_facts": ["78,5 mkr", "11 procent"], "type": "number",
     "source_file": F, "diarienummer": "SN/2022:554", "evidence": "överskott på 78,5 miljoner kronor", "lang": "sv"},
    {"id": "q2", "question": "Och målet?", "previous_question": "Hur stor andel fossilfritt?", "type": "follow_up",
     "key_facts": ["45 procent"], "source_file": F, "diarienummer": "SN/2022:554",
     "evidence": "Målet var 45 procent.", "lang": "sv"},
    {"id": "q3", "question": "Vad beslutade Huddinge?", "type": "unanswerable", "key_facts": [], "lang": "sv"},
    {"id": "q4", "question": "Krascha?", "type": "factual", "key_facts": ["x"], "source_file": F,
     "evidence": "x", "lang": "en"},
]


def test_questions_are_scored_and_follow_ups_keep_the_conversation(tmp_path: Path, chunks) -> None:
    surplus, fossil, other = chunks
    assistant = ScriptedAssistant({
        "Hur stort överskott 2022?": _answer("Överskottet var 78,5 miljoner kronor [1].", [other, surplus],
                                             [surplus, other], quote="överskott på 78,5 miljoner kronor"),
        "Hur stor andel fossilfritt?": _answer("52 procent [1].", [fossil], [fossil]),
        "Och målet?": _answer("Målet var 45 procent [1].", [fossil], [fossil], quote="inte i texten"),
        "Vad beslutade Huddinge?": _answer("Det framgår inte.", [other], [], answered=False),
        "Krascha?": RuntimeError("modellen dog"),
    })
    report = run_cases(load_dataset(_write(tmp_path, ROWS)), RunOptions(mode="extractive", progress=False),
                       assistant=assistant)
    items = {i["id"]: i for i in report["items"]}
    # follow-up: the previous question first, then the question with one turn of history
    assert ("Hur stor andel fossilfritt?", 0, "extractive") in assistant.calls
    assert ("Och målet?", 1, "extractive") in assistant.calls

    q1 = items["q1"]["scores"]
    assert q1["key_fact_accuracy"] == 0.5  # "11 procent" missing from the answer
    assert q1["recall@1"] == 0.0 and q1["mrr"] == 0.5  # the relevant chunk is the 2nd source
    assert q1["citation_accuracy"] == 0.5  # [1] SN/2022:554 is gold, [2] SN/2022:557 is not
    assert q1["citation_precision"] == 0.5  # [2] is verbatim but not relevant
    assert items["q1"]["answer"]["citations"][0]["quote_verbatim"] is True
    assert items["q1"]["answer"]["sources"][1]["chunk_id"] == surplus.chunk_id

    q2 = items["q2"]["scores"]
    assert q2["key_fact_accuracy"] == 1.0 and q2["citation_precision"] == 0.0  # quote not in chunk
    assert items["q3"]["scores"]["refused"] is True
    assert items["q4"]["error"] == "RuntimeError: modellen dog" and "scores" not in items["q4"]

    summary = report["summary"]
    assert (summary["n"], summary["errors"]) == (4, 1)
    assert summary["key_fact_accuracy"] == pytest.approx(0.75)
    assert summary["refusal_precision"] == 1.0 and summary["refusal_recall"] == 1.0
    assert summary["answered_rate"] == 1.0
    assert set(report["by_type"]) == {"number", "follow_up", "unanswerable", "factual"}
    assert report["by_lang"]["en"]["errors"] == 1
    assert summary["latency_p50_s"] is not None

    path = write_json(report, tmp_path / "out")
    assert json.loads(path.read_text(encoding="utf-8"))["items"][0]["answer"]["text"].startswith("Överskottet")


def test_refusing_an_answerable_question_scores_zero_facts(tmp_path: Path, chunks) -> None:
    surplus, _, _ = chunks
    assistant = ScriptedAssistant({ROWS[0]["question"]: _answer("78,5 mkr, 11 procent", [surplus], [], False)})
    report = run_cases(load_dataset(_write(tmp_path, ROWS[:1])), RunOptions(progress=False), assistant=assistant)
    scores = report["items"][0]["scores"]
    assert scores["key_fact_accuracy"] == 0.0 and "citation_accuracy" not in scores
    assert report["summary"]["answered_rate"] == 0.0
    assert report["summary"]["refusal_precision"] == 0.0  # refused, but it should have answered


class _Broken:
    def search(self, *args, **kwargs):
        raise ConnectionError("chroma nere")


def test_retrieval_cases_record_ranked_hits(tmp_path: Path, chunks) -> None:
    rows = [{"id": "r1", "query": "överskott 2022 miljoner", "lang": "sv", "query_type": "number",
             "relevant": [{"source_file": F, "diarienummer": "SN/2022:554", "evidence": "78,5 miljoner"}]},
            {"id": "r2", "query": "fossilfritt bränsle", "lang": "sv",
             "relevant": [{"source_file": F, "diarienummer": "SN/2022:557", "evidence": None}]}]
    data = load_dataset(_write(tmp_path, rows))
    report = run_cases(data, RunOptions(method="keyword", k=3, progress=False), searcher=ListSearcher(chunks))
    r1, r2 = report["items"]
    assert r1["hits"][0]["rank"] == 1 and r1["hits"][0]["text"] == SURPLUS
    assert r1["hits"][0]["diarienummer"] == ["SN/2022:554", "SN/2023:554"]
    assert r1["scores"]["recall@1"] == 1.0 and r1["scores"]["ndcg@10"] == 1.0
    assert r2["scores"]["recall@10"] == 0.0  # the SN/2022:557 chunk shares no word with the query
    assert report["options"]["method"] == "keyword" and report["by_type"]["number"]["n"] == 1

    broken = run_cases(data, RunOptions(progress=False), searcher=_Broken())
    assert [i["error"] for i in broken["items"]] == ["ConnectionError: chroma nere"] * 2
    assert broken["summary"]["errors"] == 2 and broken["summary"]["mrr"] is None


@pytest.mark.slow
def test_real_smoke_run_with_its_own_corpus(tmp_path: Path, settings) -> None:
    """`namnd eval --corpus` end to end: ingest one bundled file, answer its dev questions extractively."""
    from eval.run import evaluate

    source = ROOT / "corpus" / "samples" / "004_45a1c237a718c0b7.txt"
    dev = [json.loads(line) for line in (ROOT / "eval" / "datasets" / "dev.jsonl").read_text("utf-8").splitlines()]
    subset = [r for r in dev if r["source_file"] == source.name and r["type"] != "comparison"][:6]
    out = tmp_path / "out"
    report = evaluate(_write(tmp_path, subset), settings, RunOptions(mode="extractive", progress=False), out,
                      corpus=[source])
    assert report["summary"]["n"] == len(subset) and report["summary"]["errors"] == 0
    assert report["index"]["ingest"]["counts"]["added"] == 1
    assert (out / "index").is_dir() and (out / "report.md").is_file() and (out / "latency.png").is_file()
    # extractive answers quote the documents, so at least half of these key facts must be found
    assert report["summary"]["key_fact_accuracy"] >= 0.5
    assert report["summary"]["recall@5"] >= 0.5
