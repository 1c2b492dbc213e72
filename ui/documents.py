"""The Dokument tab's logic: ingest uploaded files and list what the index holds (no gradio)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.archive import Archive
from assistant.settings import Settings
from ui.inputs import DOC_TYPE_LABELS
from ui.messages import STATUS_LABELS, error_message

if TYPE_CHECKING:
    from index.embed import Embedder
    from index.ingest import IngestProgress

log = logging.getLogger(__name__)

REPORT_HEADERS = ["Fil", "Resultat", "Textavsnitt", "Kommentar"]
DOC_HEADERS = ["Fil", "Kommun", "Nämnd", "Mötesdatum", "Typ", "Ärenden", "Textavsnitt"]
SUPPORTED = (".pdf", ".docx", ".txt")


def upload_dir(settings: Settings) -> Path:
    """Uploaded files are kept here under their own names, so a new version replaces the old one."""
    return settings.data_dir / "uploads"


def stage_uploads(files: Sequence[Path], settings: Settings) -> tuple[list[Path], list[list[str]]]:
    """Copy uploads to the upload dir; returns the staged paths and rows for unsupported files."""
    target = upload_dir(settings)
    target.mkdir(parents=True, exist_ok=True)
    staged, rejected = [], []
    for f in files:
        if f.suffix.lower() not in SUPPORTED:
            rejected.append(
                [
                    f.name,
                    STATUS_LABELS["rejected"],
                    "0",
                    "Filtypen stöds inte; ladda upp PDF, DOCX eller TXT.",
                ]
            )
            continue
        dest = target / f.name
        shutil.copyfile(f, dest)
        staged.append(dest)
    return staged, rejected


def run_ingest(
    files: Sequence[Path],
    settings: Settings,
    embedder: Embedder | None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[list[str]]:
    """Ingest uploaded files and return one report row per file (Swedish status + reason).

    Pass the archive's embedder, so an upload costs no second model load.
    """
    from index.ingest import ingest

    staged, rows = stage_uploads(files, settings)
    if not staged:
        return rows

    def report(p: IngestProgress) -> None:
        if progress is not None:
            progress(p.files_done, max(p.files_total, 1), p.current or "")

    try:
        result = ingest(
            staged,
            settings.corpus,
            settings.index,
            embedder=embedder,
            progress=report,
        )
    except Exception as exc:
        log.exception("ingest of %d uploaded files failed", len(staged))
        return rows + [
            [p.name, STATUS_LABELS["rejected"], "0", str(error_message(exc, settings.index))] for p in staged
        ]
    for f in result.files:
        rows.append(
            [
                Path(f.path).name,
                STATUS_LABELS.get(f.status, f.status),
                str(f.chunks),
                _reason(f.status, f.reason),
            ]
        )
    return rows


def _reason(status: str, reason: str | None) -> str:
    if status == "rejected":
        return f"Filen kunde inte läsas in: {swedish_reason(reason)}"
    if status == "unchanged":
        return "Samma innehåll finns redan i arkivet."
    if status == "replaced":
        return "En tidigare version ersattes."
    return ""


# Ingest and parse errors are written for the log (English); administrators read these.
REASONS = (
    ("is empty", "filen är tom."),
    (
        "contains no text",
        "filen innehåller ingen text (en inskannad PDF behöver tolkas med OCR först).",
    ),
    ("No text to index", "filen innehåller ingen text att lägga in."),
    ("binary", "filen är inte text; spara den som PDF, DOCX eller TXT."),
    ("not a readable PDF", "PDF-filen går inte att läsa; exportera eller ladda ner den igen."),
    ("not a readable .docx", "Word-filen går inte att läsa; spara om den i Word."),
    ("unsupported type", "filtypen stöds inte; ladda upp PDF, DOCX eller TXT."),
    ("MB limit", "filen är för stor."),
    ("repeats the text of", "filen har samma text som en fil som redan finns i arkivet."),
)


def swedish_reason(reason: str | None) -> str:
    """A Swedish explanation of an ingest rejection; unknown reasons are shown as written."""
    for needle, text in REASONS:
        if reason and needle in reason:
            return text
    return reason or "okänt fel."


def document_rows(archive: Archive) -> list[list[str]]:
    """One row per indexed document (newest meeting first): file, kommun, nämnd, date, type, counts."""
    try:
        infos = archive.documents()
    except Exception:
        log.info("no documents to list", exc_info=True)
        return []
    return [
        [
            d.source_file,
            d.kommun or "",
            d.committee or "",
            d.date or "",
            DOC_TYPE_LABELS.get(d.doc_type, d.doc_type),
            str(d.items),
            str(d.chunks),
        ]
        for d in infos
    ]
