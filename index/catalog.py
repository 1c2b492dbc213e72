"""The SQLite catalog of ingested files and their chunks: the index's source of truth.

Every change to the set of indexed chunks is one SQLite transaction that also bumps a
generation number. Chroma vectors and the BM25 files are derived data: a vector whose id is
not in the catalog is ignored by search and deleted by the next ingest, and a BM25 index saved
for an older generation is rebuilt. So a crash at any point leaves a consistent index.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.types import (
    Chunk, Meeting, note_from_record, person_from_record, reservation_from_record, vote_from_record,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, source_file TEXT NOT NULL, content_hash TEXT NOT NULL,
    doc_id TEXT NOT NULL, n_chunks INTEGER NOT NULL, ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, path TEXT NOT NULL, ord INTEGER NOT NULL, record TEXT NOT NULL,
    text_hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS chunks_by_path ON chunks(path, ord);
"""
_TEXT_HASH_INDEX = "CREATE INDEX IF NOT EXISTS chunks_by_text ON chunks(text_hash)"


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One ingested file as the catalog remembers it."""

    path: str
    source_file: str
    content_hash: str
    doc_id: str
    n_chunks: int
    ingested_at: str


@lru_cache(maxsize=4096)
def _meeting(*fields: object) -> Meeting:
    """One shared Meeting per document: every chunk record repeats it (with ~50 names for a fullmäktige)."""
    *head, members, substitutes = fields
    return Meeting(*head, members=tuple(person_from_record(list(p)) for p in members),  # type: ignore[arg-type]
                   substitutes=tuple(person_from_record(list(p)) for p in substitutes))  # type: ignore[arg-type]


def _people(rows: object) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(row) for row in rows or ())  # type: ignore[union-attr]


def chunk_from_record(record: dict[str, object]) -> Chunk:
    """Inverse of Chunk.to_record(); records written before a field existed load with its default."""
    r = record
    meeting = _meeting(r["kommun"], r["namnd"], r["meeting_date"], r["meeting_time"], r["meeting_place"],
                       r["doc_type"], r.get("justering_date"), r.get("anslag_date"), r.get("anslag_removed_date"),
                       r.get("chair"), r.get("secretary"), tuple(r.get("adjusters") or ()),  # type: ignore[arg-type]
                       _people(r.get("members")), _people(r.get("substitutes")))
    return Chunk(
        chunk_id=r["chunk_id"], doc_id=r["doc_id"], source_file=r["source_file"], text=r["text"],
        meeting=meeting, item_number=r["item_number"], item_title=r["item_title"],
        diarienummer=tuple(r["diarienummer"]), diarienummer_as_written=tuple(r["diarienummer_as_written"]),
        section=r["section"], layer=r["layer"], paragraph=r["paragraph"], start_char=r["start_char"],
        end_char=r["end_char"], duplicate_of=r["duplicate_of"], decision_state=r.get("decision_state"),
        votes=tuple(vote_from_record(v) for v in r.get("votes") or ()),  # type: ignore[union-attr]
        reservations=tuple(reservation_from_record(v) for v in r.get("reservations") or ()),  # type: ignore[union-attr]
        notes=tuple(note_from_record(v) for v in r.get("notes") or ()),  # type: ignore[union-attr]
    )  # type: ignore[arg-type]


class Catalog:
    """Files, chunks and a generation counter in `<index>/catalog.sqlite3` (WAL: readers never block)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "catalog.sqlite3"
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(chunks)")}
        if "text_hash" not in columns:  # catalogs written before vectors were reused by text
            self._db.execute("ALTER TABLE chunks ADD COLUMN text_hash TEXT NOT NULL DEFAULT ''")
        self._db.execute(_TEXT_HASH_INDEX)
        self._read_lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing change that bumps the generation; a crash inside leaves no trace."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES('generation', '1') ON CONFLICT(key) "
                "DO UPDATE SET value = CAST(value AS INTEGER) + 1")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def generation(self) -> int:
        with self._read_lock:  # the web app calls this from several threads at once
            row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                         (key, value, value))

    def files(self) -> dict[str, FileEntry]:
        rows = self._db.execute("SELECT path, source_file, content_hash, doc_id, n_chunks, ingested_at FROM files")
        return {row[0]: FileEntry(*row) for row in rows}

    def chunk_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT chunk_id FROM chunks")}

    def chunk_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def chunk_ids_of(self, path: str) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT chunk_id FROM chunks WHERE path = ?", (path,))}

    def chunk_owner(self, chunk_ids: Sequence[str]) -> dict[str, str]:
        """chunk_id -> path of the file that holds it, for the ids already in the catalog."""
        owners: dict[str, str] = {}
        for start in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[start:start + 500])
            marks = ",".join("?" * len(part))
            owners.update(self._db.execute(f"SELECT chunk_id, path FROM chunks WHERE chunk_id IN ({marks})", part))
        return owners

    def ids_by_text_hash(self, hashes: Sequence[str]) -> dict[str, str]:
        """text_hash -> one chunk_id already indexed with that embedding text (its vector can be reused)."""
        found: dict[str, str] = {}
        for start in range(0, len(hashes), 500):
            part = list(hashes[start:start + 500])
            marks = ",".join("?" * len(part))
            found.update(self._db.execute(
                f"SELECT text_hash, MIN(chunk_id) FROM chunks WHERE text_hash IN ({marks}) GROUP BY text_hash", part))
        return found

    def chunks(self, ids: Sequence[str] | None = None) -> list[Chunk]:
        """Every chunk (or those with the given ids), ordered by file then position in the file."""
        if ids is None:
            with self._read_lock:  # rows decoded as they are read: 1M records never sit in memory twice
                return [chunk_from_record(json.loads(row[0]))
                        for row in self._db.execute("SELECT record FROM chunks ORDER BY path, ord")]
        else:
            rows = []
            for start in range(0, len(ids), 500):
                part = list(ids[start:start + 500])
                marks = ",".join("?" * len(part))
                rows += self._db.execute(f"SELECT record FROM chunks WHERE chunk_id IN ({marks})", part)
        return [chunk_from_record(json.loads(row[0])) for row in rows]

    @staticmethod
    def put_file(db: sqlite3.Connection, entry: FileEntry, chunks: Sequence[Chunk],
                 text_hashes: Sequence[str] | None = None) -> None:
        """Replace a file's row and chunks (call inside transaction())."""
        hashes = text_hashes or [""] * len(chunks)
        db.execute("DELETE FROM chunks WHERE path = ?", (entry.path,))
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                   (entry.path, entry.source_file, entry.content_hash, entry.doc_id, entry.n_chunks,
                    entry.ingested_at))
        db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)",
                       [(c.chunk_id, entry.path, i, json.dumps(c.to_record(), ensure_ascii=False), h)
                        for i, (c, h) in enumerate(zip(chunks, hashes))])

    @staticmethod
    def drop_file(db: sqlite3.Connection, path: str) -> None:
        db.execute("DELETE FROM chunks WHERE path = ?", (path,))
        db.execute("DELETE FROM files WHERE path = ?", (path,))

    @staticmethod
    def move_file(db: sqlite3.Connection, old: str, new: str) -> None:
        db.execute("UPDATE chunks SET path = ? WHERE path = ?", (new, old))
        db.execute("UPDATE files SET path = ? WHERE path = ?", (new, old))
