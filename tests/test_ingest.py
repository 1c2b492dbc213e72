"""Ingest: idempotent by content hash, replace, prune, reject, one writer, and survives SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index.catalog import Catalog
from index.errors import IndexBusyError
from index.ingest import IngestProgress, ingest, write_lock
from index.search import Searcher
from index.types import SearchFilters
from index.vector_store import VectorStore

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"
SMALL = "004_45a1c237a718c0b7.txt"  # Tyresö § 1014, ~60 chunks
MEDIUM = "003_a9d802a344dea62f.txt"  # Botkyrka 2023-06-13, ~180 chunks


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in (SMALL, MEDIUM):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _consistent(settings) -> tuple[set[str], set[str]]:
    """Catalog ids and store ids; every catalog chunk must have its vector."""
    catalog = Catalog(Path(settings.index.path))
    in_catalog = catalog.chunk_ids()
    catalog.close()
    in_store = VectorStore(settings.index, "hash-64").all_ids()
    assert in_catalog <= in_store
    return in_catalog, in_store


def test_second_run_on_unchanged_files_embeds_nothing(settings, docs: Path, hash_embedder) -> None:
    events: list[IngestProgress] = []
    first = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder, progress=events.append)
    assert first.counts()["added"] == 2 and first.embedded == first.chunks_total > 100
    assert events[-1].files_done == 2 and {e.result.status for e in events if e.result} == {"added"}
    calls = hash_embedder.calls
    second = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    assert second.counts()["unchanged"] == 2 and second.embedded == 0 and hash_embedder.calls == calls
    assert second.chunks_total == first.chunks_total and second.generation == first.generation
    in_catalog, in_store = _consistent(settings)
    assert in_catalog == in_store and len(in_catalog) == first.chunks_total


def test_changed_file_replaces_its_chunks(settings, docs: Path, hash_embedder) -> None:
    ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    before, _ = _consistent(settings)
    path = docs / SMALL
    path.write_text(path.read_text(encoding="utf-8").replace("Myggdalen", "Kommunhuset"), encoding="utf-8")
    report = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    assert {r.status for r in report.files} == {"replaced", "unchanged"}
    replaced = next(r for r in report.files if r.status == "replaced")
    # New doc hash -> new chunk ids, but only passages whose text changed go through the encoder.
    assert replaced.chunks > 40 and 0 < replaced.embedded <= 3 and report.embedded == replaced.embedded
    after, in_store = _consistent(settings)
    assert after == in_store and after != before
    searcher = Searcher.from_settings(settings.index, embedder=hash_embedder)
    places = {c.meeting.place for c in searcher.case("2019/ASN 0036")}
    assert places == {"Kommunhuset, plan 1"}


def test_prune_removes_files_no_longer_present(settings, docs: Path, hash_embedder) -> None:
    ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    (docs / MEDIUM).unlink()
    kept = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    assert [r.status for r in kept.files] == ["unchanged"]
    assert any(c.source_file == MEDIUM for c in Searcher.from_settings(settings.index, hash_embedder).documents())
    pruned = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder, prune=True)
    assert sorted(r.status for r in pruned.files) == ["removed", "unchanged"]
    searcher = Searcher.from_settings(settings.index, embedder=hash_embedder)
    assert [d.source_file for d in searcher.documents()] == [SMALL]
    assert searcher.case("SN/2023:00144") == []
    in_catalog, in_store = _consistent(settings)
    assert in_catalog == in_store


def test_moved_file_is_not_embedded_again(settings, docs: Path, hash_embedder) -> None:
    ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    calls = hash_embedder.calls
    moved = docs.with_name("moved")
    docs.rename(moved)
    report = ingest([moved], settings.corpus, settings.index, embedder=hash_embedder, prune=True)
    assert {r.status for r in report.files} == {"unchanged"} and hash_embedder.calls == calls
    assert all("moved from" in (r.reason or "") for r in report.files)


def test_unreadable_file_is_rejected_with_a_reason_and_others_go_in(settings, docs: Path, hash_embedder) -> None:
    (docs / "trasig.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    report = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    rejected = [r for r in report.files if r.status == "rejected"]
    assert len(rejected) == 1 and "trasig.pdf" in (rejected[0].reason or "")
    assert report.counts()["added"] == 2


def test_second_writer_gets_a_clear_message(settings, docs: Path, hash_embedder) -> None:
    with write_lock(settings.index):
        with pytest.raises(IndexBusyError, match="Another ingest is writing"):
            ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)


def test_searcher_picks_up_another_ingest_without_reopening(settings, docs: Path, hash_embedder) -> None:
    ingest([docs / SMALL], settings.corpus, settings.index, embedder=hash_embedder)
    searcher = Searcher.from_settings(settings.index, embedder=hash_embedder)
    assert searcher.case("SN/2023:144") == []
    ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    assert searcher.case("SN/2023:144") and searcher.search("SN/2023:00144")[0].source == "exact"


def test_orphan_vectors_are_ignored_then_collected(settings, docs: Path, hash_embedder, chunk_factory) -> None:
    ingest([docs / SMALL], settings.corpus, settings.index, embedder=hash_embedder)
    orphan = chunk_factory("Verksamhetsberättelse för år 2018 godkänns.", source_file="ghost.txt")
    store = VectorStore(settings.index, hash_embedder.name)
    store.upsert([orphan], hash_embedder.embed_documents([orphan.text]))
    searcher = Searcher.from_settings(settings.index, embedder=hash_embedder)
    assert orphan.chunk_id not in {h.chunk.chunk_id for h in searcher.search(orphan.text, k=50, method="dense")}
    ingest([docs / SMALL], settings.corpus, settings.index, embedder=hash_embedder)
    assert orphan.chunk_id not in store.all_ids()


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[3])
    from pathlib import Path
    from fakes import HashEmbedder
    from assistant.settings import Settings
    from index.ingest import ingest

    class SlowEmbedder(HashEmbedder):
        def embed_documents(self, texts):
            time.sleep(0.02)
            return super().embed_documents(texts)

    settings = Settings(data_dir=sys.argv[1], index={"embed_batch_size": 8})
    def progress(event):
        print("progress", event.files_done, event.chunks_embedded, flush=True)
    ingest([Path(sys.argv[2])], settings.corpus, settings.index, embedder=SlowEmbedder(), progress=progress)
    print("done", flush=True)
""")


def test_sigkill_mid_ingest_leaves_a_consistent_index(settings, docs: Path, hash_embedder, tmp_path: Path) -> None:
    script = tmp_path / "ingest_script.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen([sys.executable, str(script), str(settings.data_dir), str(docs),
                             str(Path(__file__).resolve().parent)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    # Kill once the first file is committed and the second is partly embedded.
    committed_at = None
    for line in proc.stdout:
        _, files_done, embedded = line.split()
        if committed_at is None and int(files_done) == 1:
            committed_at = int(embedded)
        elif committed_at is not None and int(embedded) >= committed_at + 16:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    in_catalog, in_store = _consistent(settings)
    assert in_store - in_catalog  # the unfinished file's vectors are there, but not in the catalog
    searcher = Searcher.from_settings(settings.index, embedder=hash_embedder)
    assert {h.chunk.chunk_id for h in searcher.search("socialnämnden beslut", k=50)} <= in_catalog
    assert len(searcher.documents()) == 1

    time.sleep(0.1)
    partial = len(in_store - in_catalog)
    report = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    assert sorted(r.status for r in report.files) == ["added", "unchanged"]
    # Resumed: the finished file is not touched, and the vectors the killed run stored for the
    # unfinished one are reused, so only its remaining chunks go through the encoder.
    added = next(r for r in report.files if r.status == "added")
    assert partial >= 16 and report.embedded == added.embedded <= added.chunks - partial
    assert hash_embedder.calls == added.embedded
    in_catalog, in_store = _consistent(settings)
    assert in_catalog == in_store
    assert len(searcher.documents()) == 2  # the open searcher sees the finished ingest


def test_open_searcher_sees_vectors_from_an_ingest_in_another_process(settings, docs: Path, hash_embedder,
                                                                      tmp_path: Path) -> None:
    ingest([docs / SMALL], settings.corpus, settings.index, embedder=hash_embedder)
    searcher = Searcher.from_settings(settings.index, embedder=hash_embedder)
    june = SearchFilters(date_from="2023-06-13", date_to="2023-06-13")
    assert searcher.search("socialnämnden", filters=june, method="dense") == []
    script = tmp_path / "ingest_script.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, str(script), str(settings.data_dir), str(docs),
                           str(Path(__file__).resolve().parent)], capture_output=True, text=True, env=env, timeout=300)
    assert done.stdout.strip().endswith("done"), done.stderr[-2000:]
    hits = searcher.search("socialnämnden", filters=june, method="dense")
    assert hits and {h.chunk.source_file for h in hits} == {MEDIUM}


def test_new_chunk_size_rechunks_unchanged_files(settings, docs: Path, hash_embedder) -> None:
    first = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    smaller = settings.corpus.model_copy(update={"chunk_size": 450, "chunk_overlap": 60})
    second = ingest([docs], smaller, settings.index, embedder=hash_embedder)
    assert second.counts()["replaced"] == 2 and second.chunks_total > first.chunks_total
    in_catalog, in_store = _consistent(settings)
    assert in_catalog == in_store
    third = ingest([docs], smaller, settings.index, embedder=hash_embedder)
    assert third.counts()["unchanged"] == 2 and third.embedded == 0


def test_new_passage_format_reembeds_every_chunk(settings, docs: Path, hash_embedder, monkeypatch) -> None:
    import index.ingest as ingest_module

    first = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    monkeypatch.setattr(ingest_module, "PASSAGE_FORMAT", ingest_module.PASSAGE_FORMAT + 1)
    monkeypatch.setattr(ingest_module, "passage_text", lambda chunk: "v2 " + chunk.text)
    second = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    # Same chunk ids, but every stored vector is of the old format and must be replaced.
    assert second.counts()["replaced"] == 2 and second.embedded == first.chunks_total
    stored = VectorStore(settings.index, "hash-64").vectors([next(iter(_consistent(settings)[0]))])
    chunk = Catalog(Path(settings.index.path)).chunks(list(stored))[0]
    assert next(iter(stored.values())) == pytest.approx(hash_embedder.embed_documents(["v2 " + chunk.text])[0])


def test_sentence_windows_follow_the_catalog_through_backfill_replace_and_prune(settings, docs: Path,
                                                                                hash_embedder) -> None:
    from index.vector_store import WindowStore
    from index.windows import WINDOW_FORMAT

    on = settings.index.model_copy(update={"sentence_windows": True})
    windows = WindowStore(on, hash_embedder.name)

    def catalog_ids() -> set[str]:
        catalog = Catalog(Path(settings.index.path))
        try:
            return catalog.chunk_ids()
        finally:
            catalog.close()

    ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)  # flag off: no windows
    assert windows.count() == 0
    backfill = ingest([docs], settings.corpus, on, embedder=hash_embedder)  # flag on: unchanged files
    assert backfill.counts()["unchanged"] == 2 and backfill.embedded == 0
    assert backfill.timings["windows_embedded"] > 2 * backfill.chunks_total  # several windows per chunk
    assert windows.parents() == catalog_ids()

    path = docs / SMALL
    path.write_text(path.read_text(encoding="utf-8").replace("Myggdalen", "Kommunhuset"), encoding="utf-8")
    replaced = ingest([docs], settings.corpus, on, embedder=hash_embedder)
    # All-new chunk ids; the windows of unchanged passages are copied, not encoded again.
    assert 0 < replaced.timings["windows_embedded"] <= 30
    assert windows.parents() == catalog_ids()

    (docs / MEDIUM).unlink()
    ingest([docs], settings.corpus, on, embedder=hash_embedder, prune=True)
    assert windows.parents() == catalog_ids() and len(catalog_ids()) < 100

    # A flag-off run that changes the catalog marks the windows stale; the next flag-on run repairs them.
    path.write_text(path.read_text(encoding="utf-8") + "\nEtt nytt stycke om budget i balans.\n", encoding="utf-8")
    ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    catalog = Catalog(Path(settings.index.path))
    assert catalog.get_meta("windows") == "0"
    catalog.close()
    assert windows.parents() != catalog_ids()
    ingest([docs], settings.corpus, on, embedder=hash_embedder)
    assert windows.parents() == catalog_ids()
    catalog = Catalog(Path(settings.index.path))
    assert catalog.get_meta("windows") == str(WINDOW_FORMAT)
    catalog.close()
    hits = Searcher.from_settings(on, embedder=hash_embedder).search("budget i balans", method="dense")
    assert hits and {h.chunk.chunk_id for h in hits} <= catalog_ids()


def test_progress_counts_chunks_with_an_estimate_for_the_eta(settings, docs: Path, hash_embedder) -> None:
    events: list[IngestProgress] = []
    report = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder, progress=events.append)
    done = [e.chunks_done for e in events]
    assert done == sorted(done) and done[-1] == report.chunks_total
    assert all(e.chunks_expected >= e.chunks_done for e in events)
    # After the first file is parsed the estimate counts the second by its size: within 2x of the truth.
    first_parsed = next(e for e in events if e.chunks_expected > 0)
    assert report.chunks_total / 2 <= first_parsed.chunks_expected <= report.chunks_total * 2


def test_index_of_a_compatible_engine_is_kept(settings, docs: Path, hash_embedder) -> None:
    from fakes import EngineHashEmbedder

    first = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    near = EngineHashEmbedder("hash-near", drift=0.05)
    report = ingest([docs], settings.corpus, settings.index, embedder=near)
    assert report.counts()["unchanged"] == 2 and report.embedded == 0 and report.engine == "hash-near"
    assert len(report.notes) == 1 and "'hash-64'" in report.notes[0] and "vectors kept" in report.notes[0]
    assert 0 < near.calls <= 16  # the sample that was checked, nothing more
    catalog = Catalog(Path(settings.index.path))
    assert catalog.get_meta("engine") == "hash-near"
    catalog.close()
    again = ingest([docs], settings.corpus, settings.index, embedder=near)
    assert again.notes == () and again.embedded == 0 and again.chunks_total == first.chunks_total


def test_index_of_an_incompatible_engine_is_re_embedded(settings, docs: Path, hash_embedder) -> None:
    from fakes import EngineHashEmbedder

    first = ingest([docs], settings.corpus, settings.index, embedder=hash_embedder)
    far = EngineHashEmbedder("hash-far", drift=1.0)
    report = ingest([docs], settings.corpus, settings.index, embedder=far)
    assert "re-embedding every file" in report.notes[0]
    assert report.counts()["replaced"] == 2 and report.embedded == first.chunks_total
    in_catalog, in_store = _consistent(settings)
    assert in_catalog == in_store
    chunk_id = sorted(in_catalog)[0]
    stored = VectorStore(settings.index, "hash-64").vectors([chunk_id])[chunk_id]
    chunk = Catalog(Path(settings.index.path)).chunks([chunk_id])[0]
    from index.ingest import embedding_text

    assert stored == pytest.approx(far.embed_documents([embedding_text(chunk)])[0], abs=1e-6)
