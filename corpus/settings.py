"""CorpusSettings: where the bundled documents live and how items are chunked."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

SAMPLES_DIR = Path(__file__).parent / "samples"


class CorpusSettings(BaseModel):
    """Parsing and chunking options."""

    model_config = ConfigDict(frozen=True)

    source_dir: Path = Field(SAMPLES_DIR, description="Default documents to ingest (the bundled demo corpus).")
    chunk_size: int = Field(
        900, description="Target chunk size in characters; ~900 chars ≈ 250 e5 tokens, under its 512 limit."
    )
    chunk_overlap: int = Field(120, description="Characters shared by neighbouring chunks of one section.")
    max_file_mb: float = Field(40.0, description="Files larger than this are rejected with a clear error.")
    fallback_encoding: str | None = Field(
        None,
        description="Encoding tried when a text file is not UTF-8 (e.g. 'cp1252'); None rejects such files.",
    )
