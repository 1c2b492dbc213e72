"""Incremental, crash-safe ingest: files -> chunks -> vectors (Chroma) + catalog (SQLite) + BM25.

Order of writes, so that a kill at any line leaves a usable index (see index/catalog.py):
1. vectors of new chunks are upserted into Chroma (ids not yet in the catalog are invisible);
2. one SQLite transaction swaps the file's chunks in the catalog and bumps the generation;
3. vectors no longer in the catalog are deleted; BM25 is rebuilt for the final generation.
With IndexSettings.sentence_windows, each step does the same for the chunks' sentence windows
(index/window_ingest.py).
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

from corpus.chunking import chunk_document
from corpus.errors import ParseError
from corpus.parse import discover_files, parse_file
from corpus.settings import CorpusSettings
from corpus.types import Chunk
from index.catalog import Catalog, FileEntry
from index.embed import PASSAGE_FORMAT, Embedder, make_embedder, passage_text
from index.errors import IndexBusyError, IndexNotBuiltError
from index.keyword import KeywordIndex, keyword_text
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


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Passed to the progress callback after each embedding batch and after each file."""

    files_done: int
    files_total: int
    chunks_embedded: int
    current: str | None = None
    result: FileResult | None = None  # set when a file has just finished


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

    def counts(self) -> dict[str, int]:
        return {status: sum(1 for f in self.files if f.status == status) for status in STATUSES}


ProgressCallback = Callable[[IngestProgress], None]


def index_dir(settings: IndexSettings) -> Path:
    if settings.path is None:
        raise IndexNotBuiltError("IndexSettings.path is not set; build settings with load_settings().")
    return Path(settings.path)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
            self.progress(IngestProgress(self.files_done, self.files_total, self.embedded, current, result))

    def reconcile(self) -> None:
        """Make Chroma hold exactly the catalog's vectors: drop orphans of a killed run and
        re-embed chunks whose vectors are missing (e.g. a new, empty Chroma server)."""
        in_store = self.store.all_ids()
        in_catalog = self.catalog.chunk_ids()
        orphans = sorted(in_store - in_catalog)
        if orphans:
            log.info("removing %d orphaned vectors from an interrupted ingest", len(orphans))
            self.store.delete(orphans)
        if self.windows:
            self.windows.reconcile(in_catalog, self.catalog.chunks)
        missing = sorted(in_catalog - in_store)
        if missing:
            log.info("re-embedding %d chunks whose vectors are missing from the store", len(missing))
            self.embed_and_store(self.catalog.chunks(missing), "(vectors missing from the store)")

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
        if self.windows:
            self.windows.add(chunks, self._same_text_ids(chunks), self.reembed)
        todo = self._copy_known_vectors(todo)
        size = max(1, self.settings.embed_batch_size)
        for start in range(0, len(todo), size):
            batch = todo[start:start + size]
            began = time.perf_counter()
            vectors = self.embedder.embed_documents([embedding_text(c) for c in batch])
            self.encoder_seconds += time.perf_counter() - began
            self.store.upsert(batch, vectors)
            self.embedded += len(batch)
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

    def ingest_file(self, path: Path, digest: str, previous: FileEntry | None) -> FileResult:
        key = str(path)
        try:
            document = parse_file(path, self.corpus)
            chunks = _unique(chunk_document(document, self.corpus))
        except ParseError as exc:
            return FileResult(key, "rejected", reason=str(exc))
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
        return FileResult(key, "replaced" if previous else "added", len(chunks), embedded)

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
        chunks = self.catalog.chunks()
        keyword = KeywordIndex.build([c.chunk_id for c in chunks], [keyword_text(c) for c in chunks],
                                     generation=generation)
        keyword.save(target)


def embedding_text(chunk: Chunk) -> str:
    """What the encoder sees (index.embed.passage_text): context header + cleaned chunk text."""
    return passage_text(chunk)


def index_layout(corpus: CorpusSettings) -> str:
    """What decides the chunks and their vectors besides the files: "chunks=900/120 passage=2"."""
    return f"chunks={corpus.chunk_size}/{corpus.chunk_overlap} passage={PASSAGE_FORMAT}"


def text_hash(chunk: Chunk) -> str:
    """Identity of what the encoder sees; equal hashes mean an equal vector can be reused."""
    return hashlib.sha256(embedding_text(chunk).encode("utf-8")).hexdigest()[:24]


def _unique(chunks: Sequence[Chunk]) -> list[Chunk]:
    seen: set[str] = set()
    return [c for c in chunks if not (c.chunk_id in seen or seen.add(c.chunk_id))]  # type: ignore[func-returns-value]


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
    layout = index_layout(corpus)
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
    by_hash = {entry.content_hash: entry for entry in known.values()}
    tick = time.perf_counter()
    for path in files:
        run._report(path.name)
        if not path.is_file():
            results.append(FileResult(str(path), "rejected", reason=f"No such file: {str(path)!r}; check the path."))
            run.files_done += 1
            run._report(path.name, results[-1])
            continue
        digest = file_hash(path)
        previous = known.get(str(path))
        moved = by_hash.get(digest)
        if previous is not None and previous.content_hash == digest:
            result = FileResult(str(path), "unchanged", previous.n_chunks)
        elif previous is None and moved is not None and not Path(moved.path).exists():
            with catalog.transaction() as db:
                Catalog.move_file(db, moved.path, str(path))
            result = FileResult(str(path), "unchanged", moved.n_chunks, reason=f"moved from {moved.path!r}")
        else:
            result = run.ingest_file(path, digest, previous)
        results.append(result)
        run.files_done += 1
        run._report(path.name, result)
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
                          time.perf_counter() - started, run.encoder_total, catalog.generation(), timings)
    catalog.close()
    return report


def _forget_hash(entry: FileEntry) -> FileEntry:
    return FileEntry(entry.path, entry.source_file, "", entry.doc_id, entry.n_chunks, entry.ingested_at)
