"""Errors of the evaluation harness."""


class DatasetError(ValueError):
    """An evaluation file cannot be read: missing, empty, mixed kinds or an invalid line."""


class EvalRunError(RuntimeError):
    """The harness cannot start: no index, no assistant, or nothing to evaluate."""


class BenchError(RuntimeError):
    """`namnd bench` cannot finish a phase: the pipeline, the index or the Chroma server failed."""
