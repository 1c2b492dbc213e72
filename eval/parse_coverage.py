"""Parse coverage of real archives: `python -m eval.parse_coverage DIR... [--table T.json] [--out F.json]`.

Per layout (Markdown with front matter from a PDF converter, pdftotext text with form feeds, other
text), it parses and chunks every file and reports: the share of chunks that carry kommun, nämnd and
meeting date, ärenden found with a title, a § and a diarienummer, the meeting fields the parser could
not read ("nämnd okänd"), chunk counts and parse time. With `--table` (a hand-checked table such as
tests/data/expected_shared_items.json) it also scores ärenden on title, § and diarienummer.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from corpus.chunking import chunk_document
from corpus.errors import ParseError
from corpus.parse import discover_files, parse_file, parse_text
from corpus.structure import missing_fields
from corpus.types import Chunk, Document

# Page furniture that must never reach chunk text (headers, stamps, page markers, front matter).
_FURNITURE = re.compile(r"SAMMANTRÄDESPROTOKOLL|<!-- sida|Transaktionsidentitet|justerats digitalt$|\f|"
                        r"^(kallnyckel|sha256|pipeline):|Utdragsbestyrkande", re.MULTILINE)


@dataclass
class LayoutStats:
    """Counts for one layout; shares are computed when printed."""

    files: int = 0
    failed: int = 0
    chunks: int = 0
    chunks_kommun: int = 0
    chunks_committee: int = 0
    chunks_date: int = 0
    chunks_all: int = 0
    chunks_furniture: int = 0  # chunks whose text still holds page furniture (should be 0)
    items: int = 0
    items_title: int = 0
    items_paragraph: int = 0
    items_dnr: int = 0
    seconds: float = 0.0
    missing: Counter[str] = field(default_factory=Counter)
    doc_types: Counter[str] = field(default_factory=Counter)


def layout_of(text: str) -> str:
    """"markdown+front matter" (PDF-to-Markdown converters), "text+form feeds" (pdftotext) or "other"."""
    if text.startswith("---\n") and re.search(r"^---$", text[4:4000], re.MULTILINE):
        return "markdown+front matter"
    if "\f" in text:
        return "text+form feeds"
    return "other"


def _add(stats: LayoutStats, document: Document, chunks: list[Chunk], seconds: float) -> None:
    stats.files += 1
    stats.seconds += seconds
    stats.doc_types[document.meeting.doc_type] += 1
    stats.missing.update(missing_fields(document.meeting))
    for chunk in chunks:
        m = chunk.meeting
        stats.chunks += 1
        stats.chunks_kommun += bool(m.kommun)
        stats.chunks_committee += bool(m.committee)
        stats.chunks_date += bool(m.date)
        stats.chunks_all += bool(m.kommun and m.committee and m.date)
        stats.chunks_furniture += bool(_FURNITURE.search(chunk.text))
    for item in document.items:
        stats.items += 1
        stats.items_title += bool(item.title.strip())
        stats.items_paragraph += item.paragraph is not None
        stats.items_dnr += bool(item.diarienummer)


def measure(paths: list[Path]) -> tuple[dict[str, LayoutStats], dict[str, Document]]:
    """Parse and chunk every file under `paths`; stats per layout and the documents by path."""
    by_layout: dict[str, LayoutStats] = {}
    documents: dict[str, Document] = {}
    # Warm up: the splitter imports its sentence tokenizer on the first long text (seconds, once).
    chunk_document(parse_text("§ 1\n\nBeslut\n\n" + "Nämnden beslutar att godkänna planen. " * 60, "warm-up.txt"))
    for path in discover_files(paths):
        started = time.perf_counter()
        try:
            document = parse_file(path)
            chunks = chunk_document(document)
        except ParseError:
            by_layout.setdefault("unreadable", LayoutStats()).failed += 1
            continue
        stats = by_layout.setdefault(layout_of(document.text), LayoutStats())
        _add(stats, document, chunks, time.perf_counter() - started)
        documents[str(path.resolve())] = document
    return by_layout, documents


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip().rstrip(".,:;").strip()


def score_table(table_path: Path, root: Path, documents: dict[str, Document]) -> dict[str, int]:
    """Ärenden of a hand-checked table with the right title, § and diarienummer (paired by § or number)."""
    table = json.loads(table_path.read_text(encoding="utf-8"))
    counts = Counter()
    for row_doc in table["documents"]:
        document = documents.get(str((root / row_doc["file"]).resolve()))
        for row in row_doc["items"]:
            counts["rows"] += 1
            if document is None:
                continue
            item = next((i for i in document.items if (i.paragraph == row["paragraph"] if row["paragraph"]
                                                       else i.number == row.get("number"))), None)
            if item is None:
                continue
            titles = {_norm(t) for t in [row["title"], *row.get("title_alternatives", [])]}
            ok = (_norm(item.title) in titles, item.paragraph == row["paragraph"],
                  sorted(item.diarienummer) == sorted(row["diarienummer"]))
            counts["title"] += ok[0]
            counts["paragraph"] += ok[1]
            counts["diarienummer"] += ok[2]
            counts["all_three"] += all(ok)
    return dict(counts)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "     –"


def report(by_layout: dict[str, LayoutStats], table: dict[str, int] | None) -> str:
    """Markdown tables of the measurements."""
    lines = [("| layout | files | chunks | kommun | nämnd | datum | all three | furniture | ärenden | title | § "
              "| dnr | s/file |"), "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in sorted(by_layout.items()):
        lines.append(
            f"| {name} | {s.files} | {s.chunks} | {_share(s.chunks_kommun, s.chunks)} | "
            f"{_share(s.chunks_committee, s.chunks)} | {_share(s.chunks_date, s.chunks)} | "
            f"{_share(s.chunks_all, s.chunks)} | {s.chunks_furniture} | {s.items} | {_share(s.items_title, s.items)} | "
            f"{_share(s.items_paragraph, s.items)} | {_share(s.items_dnr, s.items)} | "
            f"{s.seconds / max(s.files, 1):.3f} |")
    lines.append("")
    for name, s in sorted(by_layout.items()):
        types = ", ".join(f"{k} {v}" for k, v in sorted(s.doc_types.items()))
        missing = ", ".join(f"{k} {v}" for k, v in sorted(s.missing.items())) or "none"
        lines.append(f"- {name}: doc types {types or '–'}; missing meeting fields (files): {missing}"
                     + (f"; unreadable {s.failed}" if s.failed else ""))
    if table:
        rows = table.get("rows", 0)
        shares = " | ".join(_share(table.get(k, 0), rows) for k in ("title", "paragraph", "diarienummer", "all_three"))
        lines += ["", "| hand table | ärenden | title | § | dnr | all three |", "|---|---|---|---|---|---|",
                  f"| scored | {rows} | {shares} |"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="files or directories, e.g. ../shared/corpora")
    parser.add_argument("--table", type=Path, help="hand-checked table (expected_shared_items.json)")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    by_layout, documents = measure(args.paths)
    table = score_table(args.table, args.paths[0], documents) if args.table else None
    print(report(by_layout, table))
    print(f"\n{len(documents)} documents in {time.perf_counter() - started:.1f} s")
    if args.out:
        data = {name: {**{k: v for k, v in vars(s).items() if not isinstance(v, Counter)},
                       "missing": dict(s.missing), "doc_types": dict(s.doc_types)} for name, s in by_layout.items()}
        args.out.write_text(json.dumps({"layouts": data, "table": table}, ensure_ascii=False, indent=1),
                            encoding="utf-8")


if __name__ == "__main__":
    main()
