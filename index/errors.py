"""Errors of the retrieval layer; messages say what failed and what to type next."""


class IndexNotBuiltError(Exception):
    """No usable index at the configured path (run `namnd ingest`)."""


class IndexBusyError(Exception):
    """Another process holds the ingest lock on this index."""


class EmbeddingBackendError(Exception):
    """An embedding backend could not be loaded or used."""
