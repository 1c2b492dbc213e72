"""Retrieval: embeddings, Chroma, BM25 and hybrid search."""
