"""Thumbs up/down on answers, stored durably in SQLite and exported as CSV."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant.types import Answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    session_id TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    mode TEXT NOT NULL,
    answered INTEGER NOT NULL
)
"""
CSV_COLUMNS = (
    "id",
    "created_at",
    "session_id",
    "rating",
    "comment",
    "question",
    "answer",
    "citations",
    "mode",
    "answered",
)


@dataclass(frozen=True, slots=True)
class FeedbackEntry:
    """One stored judgement of an answer; `rating` is +1 (tumme upp) or -1 (tumme ned)."""

    id: int
    created_at: str
    session_id: str
    rating: int
    comment: str
    question: str
    answer: str
    citations: str  # JSON list of {number, chunk_id, diarienummer, section, paragraph, quote}
    mode: str
    answered: bool


def citations_json(answer: Answer) -> str:
    """The answer's citations as compact JSON, so the CSV row stands on its own."""
    return json.dumps(
        [
            {
                "number": c.number,
                "chunk_id": c.chunk_id,
                "diarienummer": list(c.diarienummer),
                "section": c.section,
                "paragraph": c.paragraph,
                "item_title": c.item_title,
                "meeting_date": c.meeting_date,
                "quote": c.quote,
            }
            for c in answer.citations
        ],
        ensure_ascii=False,
    )


class FeedbackStore:
    """A small SQLite table; one connection per call so Gradio's worker threads can share it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as conn:
            conn.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(
        self, *, session_id: str, rating: int, question: str, answer: Answer, comment: str = ""
    ) -> int:
        """Store one judgement and return its id."""
        if rating not in (-1, 1):
            raise ValueError(f"rating must be 1 or -1, got {rating!r}")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (created_at, session_id, rating, comment, question, answer,"
                " citations, mode, answered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now,
                    session_id,
                    rating,
                    comment.strip(),
                    question,
                    answer.text,
                    citations_json(answer),
                    answer.mode,
                    int(answer.answered),
                ),
            )
            return int(cur.lastrowid or 0)

    def add_comment(self, entry_id: int, comment: str) -> None:
        """Attach (or replace) the free-text comment of an earlier judgement."""
        with self._lock, self._connect() as conn:
            conn.execute(
                "UPDATE feedback SET comment = ? WHERE id = ?", (comment.strip(), entry_id)
            )

    def entries(self) -> list[FeedbackEntry]:
        """Every judgement, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {', '.join(CSV_COLUMNS)} FROM feedback ORDER BY id"
            ).fetchall()
        return [
            FeedbackEntry(*row[:9], answered=bool(row[9]))  # type: ignore[arg-type]
            for row in rows
        ]

    def to_csv(self) -> str:
        """All judgements as CSV text (UTF-8, header row, one line per judgement)."""
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        for e in self.entries():
            writer.writerow(
                [
                    e.id,
                    e.created_at,
                    e.session_id,
                    e.rating,
                    e.comment,
                    e.question,
                    e.answer,
                    e.citations,
                    e.mode,
                    int(e.answered),
                ]
            )
        return buf.getvalue()

    def export_csv(self, path: Path) -> Path:
        """Write all judgements to `path` (with a BOM so Excel reads å, ä, ö) and return it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_csv(), encoding="utf-8-sig")
        return path
