"""Cases across documents (index/cases.py, Searcher.case_steps) on real parsed documents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from corpus.chunking import chunk_document
from corpus.parse import parse_file
from corpus.types import Chunk
from index.cases import case_steps, normalize_title

SAMPLES = Path(__file__).parents[1] / "corpus" / "samples"
SHARED = Path(__file__).parents[2] / "shared" / "corpora"


def _shared(*names: str) -> list[Path]:
    paths = [SHARED / name for name in names]
    missing = [p for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"shared corpus not found at {missing[0]} (../shared/corpora is absent outside CI)")
    return paths


def _chunks(paths: list[Path]) -> list[Chunk]:
    return [c for path in paths for c in chunk_document(parse_file(path))]


def _by_dnr(chunks: list[Chunk]) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        for dnr in chunk.diarienummer:
            rows.setdefault(dnr, []).append(i)
    return rows


def test_normalize_title() -> None:
    assert normalize_title("§ 12 Budget 2025 för simhallen (KFN 2024:33)") == "budget 2025 för simhallen"
    assert normalize_title("3. Godkännande av dagordningen<br>2025") == normalize_title("Godkännande av dagordningen 2025")
    assert normalize_title(None) == ""


def test_bundled_case_across_two_meetings() -> None:
    chunks = _chunks([SAMPLES / "001_b45e768bb4a60bb9.txt", SAMPLES / "003_a9d802a344dea62f.txt"])
    steps = case_steps(chunks, _by_dnr(chunks), "SN 2023:00007")
    assert [s.meeting.date for s in steps] == ["2023-02-14", "2023-06-13"]
    assert all(s.decision_state == "förslag" and s.kind == "förslag" for s in steps)  # kallelser propose
    assert all(s.chunks and s.linked_by == "diarienummer" for s in steps)
    assert case_steps(chunks, _by_dnr(chunks), "SN/1999:1") == ()


def test_kallelse_proposes_and_protocol_decides_the_same_meeting() -> None:
    chunks = _chunks(_shared("kungsbacka/vo_2025-09-04_kallelse.md", "kungsbacka/vo_2025-09-04_protokoll.md"))
    steps = case_steps(chunks, _by_dnr(chunks), "VO-2025-00208")
    assert [s.doc_type for s in steps] == ["kallelse", "protokoll"]
    assert [s.decision_state for s in steps] == ["förslag", "beslut"]
    assert steps[1].paragraph is not None and steps[1].decision is not None
    assert steps[1].decision.decision_state == "beslut" and steps[1].decision.chunk_id in steps[1].chunk_ids


def test_kallelse_without_dnr_joins_by_title() -> None:
    kallelse, protocol = _shared("kungsbacka/vo_2025-09-04_kallelse.md", "kungsbacka/vo_2025-09-04_protokoll.md")
    stripped = [replace(c, diarienummer=(), diarienummer_as_written=()) for c in _chunks([kallelse])]
    chunks = stripped + _chunks([protocol])
    steps = case_steps(chunks, _by_dnr(chunks), "VO-2025-00208")
    assert [(s.doc_type, s.linked_by) for s in steps] == [("kallelse", "titel"), ("protokoll", "diarienummer")]
    assert steps[0].diarienummer == ()  # the kallelse is shown as it is, not given the number


def test_votes_and_reservations_on_the_lomma_thread() -> None:
    chunks = _chunks(_shared("lomma/KF-2025-08-28.txt", "lomma/KS_2025-10-08.txt", "lomma/KF-2025-10-16.txt"))
    steps = case_steps(chunks, _by_dnr(chunks), "KS KF/2024:344")
    dates = [s.meeting.date for s in steps]
    assert dates == sorted(dates) and {"2025-08-28", "2025-10-08", "2025-10-16"} <= set(dates)
    closure = [s for s in steps if s.meeting.date == "2025-10-16" and s.votes]
    assert closure and (closure[0].votes[-1].yes, closure[0].votes[-1].no) == (23, 22)
    assert {p for r in closure[0].reservations for p in r.parties} >= {"S", "SD", "MP"}
    assert all(s.decision_state == "beslut" for s in steps if s.decision is not None and s.doc_type == "protokoll")


def test_cited_protokollsutdrag_joins_across_organs() -> None:
    # Plommonskogen: KS 2025-11-05 § 128 sends a remiss; BUN 2025-12-09 § 96 answers it under its own dnr.
    chunks = _chunks(_shared("lomma/KS_2025-11-05.txt", "lomma/Protokoll_BUN_2025-12-09.txt"))
    steps = case_steps(chunks, _by_dnr(chunks), "BUN/2025:193")
    assert [(s.meeting.committee, s.paragraph, s.linked_by) for s in steps] == [
        ("Kommunstyrelsen", "§ 128", "protokollsutdrag"), ("Barn- och utbildningsnämnden", "§ 96", "diarienummer")]


def test_extract_references() -> None:
    from corpus.types import Meeting

    meeting = Meeting("Lomma", "Kommunfullmäktige", "2025-10-16", None, None, "protokoll")
    chunk = Chunk("c", "d", "f", "- Protokollsutdrag från kommunstyrelsen 2025-10-08 § 112\n"
                  "- Protokollsutdrag KF § 35 2023-04-20, Justering", meeting, 1, "T", (), (), "Beslutsunderlag",
                  "summary", "§ 76", 0, 10)
    from index.cases import extract_references

    assert extract_references(chunk) == [("kommunstyrelsen", "2025-10-08", "§ 112"), ("KF", "2023-04-20", "§ 35")]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):
    """A real index (HashEmbedder, Chroma, BM25, catalog) of one Kungsbacka meeting read from ../shared."""
    from assistant.settings import Settings
    from fakes import HashEmbedder
    from index.ingest import ingest
    from index.search import Searcher

    paths = _shared("kungsbacka/vo_2025-09-04_kallelse.md", "kungsbacka/vo_2025-09-04_protokoll.md")
    settings = Settings(data_dir=tmp_path_factory.mktemp("cases"))
    embedder = HashEmbedder()
    ingest(paths, settings.corpus, settings.index, embedder=embedder)
    return Searcher.from_settings(settings.index, embedder=embedder)


def test_searcher_case_steps_survive_the_catalog(searcher) -> None:
    steps = searcher.case_steps("VO-2025-00245")  # the initiativärende put to three votes
    assert [s.doc_type for s in steps] == ["kallelse", "protokoll"]
    votes = steps[1].votes
    assert [(v.yes, v.no, v.abstain) for v in votes][0] == (6, 3, 2)
    assert len(votes[0].voters) == 11 and votes[0].voters[0].name == "Monica Neptun"
    assert steps[1].reservations and steps[1].reservations[0].parties == ("S",)
    assert searcher.case("VO-2025-00245") == [c for s in steps for c in s.chunks]
    assert steps[1].meeting.chair == "Hravn Forsne" and steps[1].meeting.secretary == "Vera Lagerström"


def test_votering_chunk_is_citable_and_filterable(searcher) -> None:
    from index.types import SearchFilters

    hits = searcher.search("ja-röster nej-röster omröstning", k=10)
    assert any(h.chunk.section == "Votering" and h.chunk.paragraph for h in hits)
    decided = searcher.search("hemtjänst", k=10, filters=SearchFilters(decision_state="beslut"))
    assert decided and all(h.chunk.decision_state == "beslut" for h in decided)
    proposed = searcher.search("hemtjänst", k=10, filters=SearchFilters(decision_state="förslag"))
    assert proposed and all(h.chunk.decision_state == "förslag" for h in proposed)
