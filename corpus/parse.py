"""One file (.txt/.md/.pdf/.docx/.html) -> Document; the only module that knows file formats."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from corpus.errors import ParseError
from corpus.settings import CorpusSettings
from corpus.structure import extract_items, extract_meeting
from corpus.types import Document

logger = logging.getLogger(__name__)

# Bumped whenever parsing changes what chunks carry (fields, boundaries, cleaning): an index built
# by an older parser is re-chunked on the next ingest (vectors of unchanged texts are reused).
PARSER_VERSION = 2
SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def discover_files(paths: Sequence[Path]) -> list[Path]:
    """Files to ingest: given files as they are, directories expanded to supported files (sorted)."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _looks_binary(text: str) -> bool:
    """NUL characters, or more than 10 % control characters in the first 8,000 characters."""
    sample = text[:8000]
    return "\x00" in sample or len(_CONTROL.findall(sample)) > 0.1 * max(len(sample), 1)


def _decode(path: Path, data: bytes, settings: CorpusSettings) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:8000]:
            raise ParseError(f"{path.name!r} is a binary file, not text; remove it or export it as .txt/.pdf") from exc
        if settings.fallback_encoding:
            return data.decode(settings.fallback_encoding, errors="replace")
        raise ParseError(
            f"{path.name!r} is not UTF-8 (byte {data[exc.start]:#x} at {exc.start}; probably cp1252/latin-1); "
            f"convert it with `iconv -f cp1252 -t utf-8` or set NAMND_CORPUS__FALLBACK_ENCODING=cp1252"
        ) from exc


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ParseError(f"{path.name!r} is not a readable PDF ({exc}); re-export or re-download it") from exc
    return "\n\n\n".join(pages)


def _read_docx(path: Path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ParseError(f"{path.name!r} is not a readable .docx ({exc}); re-save it from Word") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:  # tables as tab-separated rows, like the bundled .txt corpus
        parts += ["\t".join(cell.text.strip() for cell in row.cells) for row in table.rows]
    return "\n\n".join(parts)


def _read_html(text: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    for row in soup.find_all("tr"):
        row.replace_with("\n" + "\t".join(c.get_text(" ", strip=True) for c in row.find_all(["td", "th"])) + "\n")
    return re.sub(r"\n{3,}", "\n\n", soup.get_text("\n"))


def read_text(path: Path, settings: CorpusSettings | None = None) -> str:
    """The text of a supported file, or ParseError saying what is wrong and what to do."""
    settings = settings or CorpusSettings()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ParseError(f"{path.name!r} has an unsupported type {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ParseError(f"{str(path)!r} cannot be read ({exc.strerror}); check the path") from exc
    if size > settings.max_file_mb * 1024 * 1024:
        raise ParseError(f"{path.name!r} is {size / 2**20:.0f} MB, over the {settings.max_file_mb:g} MB limit; "
                         "split it or raise NAMND_CORPUS__MAX_FILE_MB")
    if size == 0:
        raise ParseError(f"{path.name!r} is empty; remove it or add its text")
    if suffix == ".pdf":
        return _read_pdf(path)
    if suffix == ".docx":
        return _read_docx(path)
    text = _decode(path, path.read_bytes(), settings)
    return _read_html(text) if suffix in (".html", ".htm") else text


def parse_text(text: str, source_file: str) -> Document:
    """A Document from already-read text; ParseError only for empty or binary text."""
    # NFC: decomposed "å" (a + ring, seen in PDF exports) would defeat every Swedish pattern and a quote
    # typed by a user; Document.text is the normalised text, so offsets and quotes stay verbatim in it.
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise ParseError(f"{source_file!r} contains no text; remove it, or OCR it if it is a scan")
    if _looks_binary(text):
        raise ParseError(f"{source_file!r} looks binary, not text; remove it or export it as .txt/.pdf")
    doc_id = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    meeting = extract_meeting(text)
    return Document(doc_id, source_file, text, meeting, extract_items(text, meeting.doc_type))


def parse_file(path: Path, settings: CorpusSettings | None = None) -> Document:
    """Parse one file into a Document (meeting, items, sections); raises ParseError on bad input."""
    path = Path(path)
    document = parse_text(read_text(path, settings), path.name)
    logger.info("parsed %s: %d items", path.name, len(document.items))
    return document
