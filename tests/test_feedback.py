"""ui/feedback.py: judgements survive a restart and export as CSV with question, answer and citations."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from assistant.types import Answer, Citation
from ui.feedback import CSV_COLUMNS, FeedbackStore

CITATION = Citation(
    1,
    "c-vb2022",
    ("SN/2023:554",),
    "Beslut",
    "§ 12",
    "Verksamhetsberättelse 2022",
    "Socialnämnden",
    "Botkyrka",
    "2023-02-14",
    "001_b45e768bb4a60bb9.txt",
    "Socialnämnden godkänner verksamhetsberättelsen för 2022.",
)
ANSWER = Answer(
    "Nämnden godkände verksamhetsberättelsen [1].", (CITATION,), "sv", True, "extractive"
)


def test_record_survives_reopening_the_database(tmp_path: Path) -> None:
    path = tmp_path / "data" / "feedback.sqlite3"
    entry_id = FeedbackStore(path).record(
        session_id="s1", rating=1, question="Vad beslutades?", answer=ANSWER, comment=" Bra svar "
    )
    entries = FeedbackStore(path).entries()  # a new store, as after a server restart
    assert [e.id for e in entries] == [entry_id]
    entry = entries[0]
    assert (entry.rating, entry.comment, entry.question, entry.mode, entry.answered) == (
        1,
        "Bra svar",
        "Vad beslutades?",
        "extractive",
        True,
    )
    assert json.loads(entry.citations)[0]["diarienummer"] == ["SN/2023:554"]
    assert json.loads(entry.citations)[0]["paragraph"] == "§ 12"


def test_comment_can_be_added_after_the_thumb(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    entry_id = store.record(session_id="s1", rating=-1, question="Q", answer=ANSWER)
    store.add_comment(entry_id, "Källan [1] handlar om fel år.")
    assert store.entries()[0].comment == "Källan [1] handlar om fel år."


def test_rating_must_be_plus_or_minus_one(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(ValueError, match="rating must be 1 or -1"):
        store.record(session_id="s1", rating=5, question="Q", answer=ANSWER)
    assert store.entries() == []


def test_csv_export_has_header_and_one_row_per_judgement(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.record(session_id="a", rating=1, question="Vad kostade det, å ä ö?", answer=ANSWER)
    store.record(session_id="b", rating=-1, question="Och sedan?", answer=ANSWER, comment="fel")
    path = store.export_csv(tmp_path / "out" / "aterkoppling.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel shows å, ä, ö
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r[3] for r in rows[1:]] == ["1", "-1"]
    assert rows[1][5] == "Vad kostade det, å ä ö?"
    assert rows[2][4] == "fel"
    assert "SN/2023:554" in rows[1][7]


def test_schema_rejects_a_bad_rating_even_from_raw_sql(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with sqlite3.connect(store.path) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO feedback (created_at, session_id, rating, question, answer, citations, mode,"
            " answered) VALUES ('t', 's', 0, 'q', 'a', '[]', 'llm', 1)"
        )
