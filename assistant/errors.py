"""Exceptions of the assistant layer."""


class ModelFilesError(Exception):
    """The bundled GGUF model could not be assembled or verified."""


class LLMBackendError(Exception):
    """The configured LLM backend is missing, unreachable or failed mid-answer."""
