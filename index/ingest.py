"""Incremental, crash-safe ingest: files -> chunks -> vectors (Chroma) + catalog (SQLite) + BM25.

Order of writes, so that a kill at any line leaves a usable index (see index/catalog.py):
1. vectors of new chunks are upserted into Chroma (ids not yet in the catalog are invisible);
2. one SQLite transaction swaps the file's chunks in the catalog and bumps the generation;
3. vectors no longer in the catalog are deleted; BM25 is rebuilt for the final generation.
With IndexSettings.sentence_windows, each step does the same for the chunks' sentence windows
(index/window_ingest.py). A worker thread parses the next files while one is embedded
(index/prefetch.py). A killed run resumes: finished files are "unchanged", and the vectors
the killed run stored for its unfinished file are reused (deleted only if still orphaned at the end).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from corpus.parse import PARSER_VERSION, discover_files
from corpus.settings import CorpusSettings
from corpus.structure import missing_fields
from corpus.types import Chunk
from index.catalog import Catalog, FileEntry
from index.embed import PASSAGE_FORMAT, Embedder, make_embedder, passage_text
from index.engine import stored_agreement
from index.errors import IndexBusyError, IndexNotBuiltError
from index.keyword import KeywordIndex
from index.prefetch import Parsed, Prefetcher, plan_files
from index.settings import IndexSettings
from index.vector_store import VectorStore, WindowStore
from index.window_ingest import WindowIndexer
from index.windows import WINDOW_FORMAT

log = logging.getLogger(__name__)

STATUSES = ("added", "unchanged", "replaced", "rejected", "removed")


@dataclass(frozen=True, slots=True)
class FileResult:
    """What ingest did with one file."""

    path: str
    status: str  # one of STATUSES
    chunks: int = 0
    embedded: int = 0  # chunks whose vectors were computed now (the rest were reused)
    reason: str | None = None
    missing: tuple[str, ...] = ()  # meeting fields the parser could not read: ("nämnd okänd", …)


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Passed to the progress callback after each embedding batch and after each file."""

    files_done: int
    files_total: int
    chunks_embedded: int
    current: str | None = None
    result: FileResult | None = None  # set when a file has just finished
    chunks_done: int = 0  # chunks of new/changed files stored so far (embedded or vector reused)
    chunks_expected: int = 0  # chunks_done + an estimate for the files still to parse (for an ETA)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Per-file results plus where the time went (encoder vs everything)."""

    files: tuple[FileResult, ...]
    chunks_total: int
    embedded: int
    seconds: float
    encoder_seconds: float
    generation: int
    timings: dict[str, float] = field(default_factory=dict)
    engine: str = ""  # the encoder engine of this run, e.g. "onnx-int8" (index/engine.py)
    notes: tuple[str, ...] = ()  # e.g. what was decided about vectors of another engine

    def counts(self) -> dict[str, int]:
        return {status: sum(1 for f in self.files if f.status == status) for status in STATUSES}


ProgressCallback = Callable[[IngestProgress], None]


def index_dir(settings: IndexSettings) -> Path:
    if settings.path is None:
        raise IndexNotBuiltError("IndexSettings.path is not set; build settings with load_settings().")
    return Path(settings.path)


def write_lock(settings: IndexSettings) -> FileLock:
    """The one-writer lock of an index directory (released by the OS if the holder dies)."""
    directory = index_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    return FileLock(str(directory / "ingest.lock"), timeout=0)


class _Run:
    """State of one ingest run; methods are the steps."""

    def __init__(self, settings: IndexSettings, corpus: CorpusSettings, embedder: Embedder,
                 progress: ProgressCallback | None) -> None:
        self.settings, self.corpus, self.embedder, self.progress = settings, corpus, embedder, progress
        self.catalog = Catalog(index_dir(settings))
        self.store = VectorStore(settings, embedder.name)
        self.embedded = 0
        self.reembed = False  # True: stored vectors are of an older passage format, embed every chunk again
        self.encoder_seconds = 0.0
        self.files_done = 0
        self.files_total = 0
        self.chunks_done = 0
        self.chunks_expected = 0
        self.orphans: list[str] = []  # vectors of a killed run's unfinished file: reused, or deleted at the end
        self.notes: list[str] = []
        self.windows: WindowIndexer | None = None
        if settings.sentence_windows:
            self.windows = WindowIndexer(WindowStore(settings, embedder.name), embedder,
                                         settings.embed_batch_size, lambda: self._report("(sentence windows)"))

    @property
    def encoder_total(self) -> float:
        return self.encoder_seconds + (self.windows.encoder_seconds if self.windows else 0.0)

    def changing(self) -> None:
        """Called before the catalog changes: without windows, mark the window collection stale."""
        if self.windows is None and self.catalog.get_meta("windows") != "0":
            self.catalog.set_meta("windows", "0")

    def drop_vectors(self, chunk_ids: Sequence[str]) -> None:
        """Delete the vectors (and windows) of chunks the catalog no longer holds."""
        if chunk_ids:
            self.store.delete(chunk_ids)
            if self.windows:
                self.windows.remove(chunk_ids)

    def _report(self, current: str | None, result: FileResult | None = None) -> None:
        if self.progress:
            self.progress(IngestProgress(self.files_done, self.files_total, self.embedded, current, result,
                                         self.chunks_done, max(self.chunks_expected, self.chunks_done)))

    def reconcile(self) -> None:
        """Make Chroma hold the catalog's vectors: note orphans of a killed run (reused if their
        file comes again, else deleted by collect_orphans) and re-embed chunks whose vectors are
        missing (e.g. a new, empty Chroma server)."""
        in_store = self.store.all_ids()
        in_catalog = self.catalog.chunk_ids()
        self.orphans = sorted(in_store - in_catalog)
        if self.orphans:
            log.info("%d vectors of an interrupted ingest are not in the catalog: kept for reuse until the end",
                     len(self.orphans))
        if self.windows:
            self.windows.reconcile(in_catalog, self.catalog.chunks)
        missing = sorted(in_catalog - in_store)
        if missing:
            log.info("re-embedding %d chunks whose vectors are missing from the store", len(missing))
            self.embed_and_store(self.catalog.chunks(missing), "(vectors missing from the store)")

    def collect_orphans(self) -> None:
        """Delete the vectors of a killed run that no file of this run claimed."""
        left = sorted(set(self.orphans) - self.catalog.chunk_ids())
        if left:
            log.info("removing %d orphaned vectors from an interrupted ingest", len(left))
            self.store.delete(left)
        self.orphans = []

    def check_engine(self, built_by: str | None, minimum: float) -> bool:
        """Do this run's vectors agree with those of the engine that built the index? (index/engine.py)"""
        cosine, checked = stored_agreement(self.catalog, self.store, self.embedder, embedding_text)
        engine = getattr(self.embedder, "engine", self.embedder.name)
        keep = cosine >= minimum
        self.notes.append(
            f"index built by engine {built_by or 'unknown'!r}, this run uses {engine!r}: min cosine "
            f"{cosine:.4f} on {checked} stored passages " + (f">= {minimum}, vectors kept" if keep else
                                                             f"< {minimum}, re-embedding every file"))
        (log.info if keep else log.warning)("%s", self.notes[-1])
        return keep

    def embed_and_store(self, chunks: Sequence[Chunk], name: str) -> int:
        """Upsert vectors for chunks Chroma lacks; refresh metadata for the others. Returns #embedded.

        Chunk ids include the document hash, so an edited file gets all-new ids; its unchanged
        passages still reuse the stored vector of the same embedding text (found by text hash).
        """
        have = set() if self.reembed else self.store.existing_ids([c.chunk_id for c in chunks])
        todo = [c for c in chunks if c.chunk_id not in have]
        reuse = [c for c in chunks if c.chunk_id in have]
        if reuse:
            self.store.update_metadata(reuse)
            self.chunks_done += len(reuse)
        if self.windows:
            self.windows.add(chunks, self._same_text_ids(chunks), self.reembed)
        before = len(todo)
        if not self.reembed:  # re-embedding: the stored vectors of equal texts are the stale ones
            todo = self._copy_known_vectors(todo)
        self.chunks_done += before - len(todo)
        size = max(1, self.settings.embed_batch_size)
        for start in range(0, len(todo), size):
            batch = todo[start:start + size]
            began = time.perf_counter()
            vectors = self.embedder.embed_documents([embedding_text(c) for c in batch])
            self.encoder_seconds += time.perf_counter() - began
            self.store.upsert(batch, vectors)
            self.embedded += len(batch)
            self.chunks_done += len(batch)
            self._report(name)
        return len(todo)

    def _same_text_ids(self, chunks: Sequence[Chunk]) -> dict[str, str]:
        """Chunk id -> id of another indexed chunk with the same embedding text."""
        by_hash = self.catalog.ids_by_text_hash([text_hash(c) for c in chunks])
        return {c.chunk_id: by_hash[text_hash(c)] for c in chunks
                if by_hash.get(text_hash(c), c.chunk_id) != c.chunk_id}

    def _copy_known_vectors(self, chunks: list[Chunk]) -> list[Chunk]:
        """Store vectors for chunks whose embedding text is already indexed; return the rest."""
        by_hash = self.catalog.ids_by_text_hash([text_hash(c) for c in chunks])
        known = {c.chunk_id: by_hash[text_hash(c)] for c in chunks if text_hash(c) in by_hash}
        vectors = self.store.vectors(sorted(set(known.values()))) if known else {}
        copied = [c for c in chunks if known.get(c.chunk_id) in vectors]
        if copied:
            self.store.upsert(copied, [vectors[known[c.chunk_id]] for c in copied])
        return [c for c in chunks if known.get(c.chunk_id) not in vectors]

    def ingest_file(self, parsed: Parsed, digest: str, previous: FileEntry | None) -> FileResult:
        path, key, document, chunks = parsed.path, str(parsed.path), parsed.document, list(parsed.chunks)
        if parsed.error is not None or document is None:
            return FileResult(key, "rejected", reason=parsed.error)
        if not chunks:
            return FileResult(key, "rejected", reason=f"No text to index in {path.name!r}; is the file empty?")
        owners = self.catalog.chunk_owner([c.chunk_id for c in chunks])
        clash = [c for c in chunks if owners.get(c.chunk_id, key) != key]
        if clash:
            other = owners[clash[0].chunk_id]
            return FileResult(key, "rejected", reason=f"{path.name!r} repeats the text of {other!r}; "
                                                      "remove one copy or ingest with --prune.")
        embedded = self.embed_and_store(chunks, path.name)
        old_ids = self.catalog.chunk_ids_of(key) if previous else set()
        entry = FileEntry(key, path.name, digest, document.doc_id, len(chunks),
                          datetime.now(timezone.utc).isoformat(timespec="seconds"))
        self.changing()
        with self.catalog.transaction() as db:
            Catalog.put_file(db, entry, chunks, [text_hash(c) for c in chunks])
        self.drop_vectors(sorted(old_ids - {c.chunk_id for c in chunks}))
        return FileResult(key, "replaced" if previous else "added", len(chunks), embedded,
                          missing=missing_fields(document.meeting))

    def remove_file(self, path: str) -> FileResult:
        ids = sorted(self.catalog.chunk_ids_of(path))
        self.changing()
        with self.catalog.transaction() as db:
            Catalog.drop_file(db, path)
        self.drop_vectors(ids)
        return FileResult(path, "removed", len(ids), reason="no longer among the ingested paths")

    def rebuild_keyword(self) -> None:
        generation = self.catalog.generation()
        target = index_dir(self.settings) / "keyword"
        if KeywordIndex.saved_generation(target) == generation:
            return
        # Incremental: chunks gone from the catalog become tombstones, new ones one segment (index/bm25.py).
        KeywordIndex.sync(target, generation, self.catalog.chunk_ids(), self.catalog.chunks)


def embedding_text(chunk: Chunk) -> str:
    """What the encoder sees (index.embed.passage_text): context header + cleaned chunk text."""
    return passage_text(chunk)


def index_layout(corpus: CorpusSettings) -> str:
    """What decides the chunks and their vectors besides the files: "chunks=900/120 passage=2 parser=2"."""
    return f"chunks={corpus.chunk_size}/{corpus.chunk_overlap} passage={PASSAGE_FORMAT} parser={PARSER_VERSION}"


def text_hash(chunk: Chunk) -> str:
    """Identity of what the encoder sees; equal hashes mean an equal vector can be reused."""
    return hashlib.sha256(embedding_text(chunk).encode("utf-8")).hexdigest()[:24]


def ingest(paths: Sequence[Path] | None, corpus: CorpusSettings, index: IndexSettings,
           embedder: Embedder | None = None, progress: ProgressCallback | None = None,
           prune: bool = False) -> IngestReport:
    """Bring the index in line with the files under `paths` (default: the bundled corpus).

    Unchanged files (same sha256) do no work; a changed file replaces its chunks; with
    prune=True, files indexed earlier but not found under `paths` are removed.
    """
    started = time.perf_counter()
    lock = write_lock(index)
    try:
        lock.acquire()
    except Timeout:
        raise IndexBusyError(
            f"Another ingest is writing to the index at {str(index_dir(index))!r} (lock {lock.lock_file!r}); "
            "wait for it to finish, then run `namnd ingest` again."
        ) from None
    try:
        return _ingest_locked(paths, corpus, index, embedder, progress, prune, started)
    finally:
        lock.release()


def _ingest_locked(paths: Sequence[Path] | None, corpus: CorpusSettings, index: IndexSettings,
                   embedder: Embedder | None, progress: ProgressCallback | None, prune: bool,
                   started: float) -> IngestReport:
    timings: dict[str, float] = {}
    files = [p.resolve() for p in discover_files(list(paths) if paths else [corpus.source_dir])]
    run = _Run(index, corpus, embedder or make_embedder(index), progress)
    catalog = run.catalog
    known = catalog.files()
    if catalog.get_meta("embedder") not in (None, run.embedder.name):
        log.warning("index was built with %s; re-embedding every file with %s",
                    catalog.get_meta("embedder"), run.embedder.name)
        known = {path: _forget_hash(entry) for path, entry in known.items()}
    catalog.set_meta("embedder", run.embedder.name)
    engine = getattr(run.embedder, "engine", run.embedder.name)
    layout = index_layout(corpus)
    built_by = catalog.get_meta("engine")
    if known and built_by != engine and catalog.get_meta("layout") == layout:
        if not run.check_engine(built_by, index.min_engine_cosine):
            known = {path: _forget_hash(entry) for path, entry in known.items()}
            run.reembed = True
    catalog.set_meta("engine", engine)
    if known and catalog.get_meta("layout") != layout:
        # Other chunk sizes or another passage format: unchanged files are chunked and embedded anew.
        # The new layout is recorded only after the run, so a killed run starts over next time.
        log.warning("index was built with layout %s; re-indexing every file for %s", catalog.get_meta("layout"), layout)
        known = {path: _forget_hash(entry) for path, entry in known.items()}
        run.reembed = True
    elif not known:
        catalog.set_meta("layout", layout)  # a new index: a killed first run resumes without redoing files
    # A killed run leaves dirty=1; a new or wiped Chroma shows up as a count mismatch.
    windows_stale = run.windows is not None and catalog.get_meta("windows") != str(WINDOW_FORMAT)
    if catalog.get_meta("dirty") == "1" or run.store.count() != catalog.chunk_count() or windows_stale:
        run.reconcile()
    catalog.set_meta("dirty", "1")
    run.files_total = len(files)
    results: list[FileResult] = []
    tick = time.perf_counter()
    plan = plan_files(files, known)
    timings["hash"] = time.perf_counter() - tick
    tick = time.perf_counter()
    prefetch = Prefetcher([path for path, kind, _, _ in plan if kind == "ingest"], corpus)
    try:
        for path, kind, digest, entry in plan:
            run._report(path.name)
            if kind == "missing":
                result = FileResult(str(path), "rejected", reason=f"No such file: {str(path)!r}; check the path.")
            elif kind == "unchanged":
                result = FileResult(str(path), "unchanged", entry.n_chunks if entry else 0)
            elif kind == "moved" and entry is not None:
                with catalog.transaction() as db:
                    Catalog.move_file(db, entry.path, str(path))
                result = FileResult(str(path), "unchanged", entry.n_chunks, reason=f"moved from {entry.path!r}")
            else:
                parsed = prefetch.get(path)
                run.chunks_expected = prefetch.expected_chunks(run.chunks_done + len(parsed.chunks))
                result = run.ingest_file(parsed, digest, entry)
            results.append(result)
            run.files_done += 1
            run._report(path.name, result)
    finally:
        prefetch.close()
    run.collect_orphans()
    timings["files"] = time.perf_counter() - tick
    if prune and not any(path.is_file() for path in files):
        log.warning("nothing found under %s; not pruning, which would empty the index", paths)
    elif prune:
        present = {str(p) for p in files} | {r.path for r in results}
        for stale in sorted(set(catalog.files()) - present):
            results.append(run.remove_file(stale))
            run._report(Path(stale).name, results[-1])
    tick = time.perf_counter()
    run.rebuild_keyword()
    timings["keyword"] = time.perf_counter() - tick
    catalog.set_meta("layout", layout)
    if run.windows is not None:
        catalog.set_meta("windows", str(WINDOW_FORMAT))  # every catalog chunk has its windows
        timings["windows_embedded"] = run.windows.embedded
        timings["windows_encoder"] = run.windows.encoder_seconds
    catalog.set_meta("dirty", "0")
    report = IngestReport(tuple(results), len(catalog.chunk_ids()), run.embedded,
                          time.perf_counter() - started, run.encoder_total, catalog.generation(), timings,
                          engine, tuple(run.notes))
    catalog.close()
    return report


def _forget_hash(entry: FileEntry) -> FileEntry:
    return FileEntry(entry.path, entry.source_file, "", entry.doc_id, entry.n_chunks, entry.ingested_at)
