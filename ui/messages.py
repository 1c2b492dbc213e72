"""Exceptions -> Swedish messages, and the ingest status labels: one table for the web app and the CLI.

A message says what failed and what to do in Swedish, and keeps the exception's own (English)
text as `detail` for the administrator; the CLI prints both, the web app shows the detail small.
Unknown exceptions get a generic text without detail: their traceback goes to the log only.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import LLMBackendError, ModelFilesError
from corpus.errors import ParseError
from eval.errors import BenchError, DatasetError, EvalRunError
from index.errors import EmbeddingBackendError, IndexBusyError, IndexNotBuiltError
from index.settings import IndexSettings
from ui.errors import InputError, LoginRequiredError

# Ingest results per file, as both faces list them.
STATUS_LABELS: dict[str, str] = {
    "added": "Tillagd",
    "unchanged": "Oförändrad",
    "replaced": "Ersatt",
    "rejected": "Avvisad",
    "removed": "Borttagen",
}
GENERIC_ERROR = (
    "Något gick fel när svaret skulle tas fram. Försök igen, eller formulera frågan på ett annat sätt."
)
CHROMA_DOWN = (
    "Chroma-servern på {url} svarar inte. Starta den (`chroma run --path MAPP --port PORT`) "
    "eller ta bort NAMND_CHROMA_URL för att använda det inbyggda indexet."
)
# First match wins, so subclasses come before their bases.
ERROR_TEXTS: tuple[tuple[type[BaseException], str], ...] = (
    (LoginRequiredError, "Inloggning krävs när appen lyssnar på en annan adress än 127.0.0.1. Sätt "
     "NAMND_UI__USERNAME och NAMND_UI__PASSWORD, eller kör med --host 127.0.0.1."),
    (IndexBusyError, "Handlingar läses in just nu av en annan indexering. Vänta tills den är klar och "
     "försök igen."),
    (IndexNotBuiltError, "Det finns inget sökbart index ännu. Lägg till handlingar under fliken "
     "Dokument (eller kör `namnd ingest`) och försök igen."),
    (EmbeddingBackendError, "Sökmotorns språkmodell för inbäddningar kunde inte startas. Be "
     "administratören kontrollera installationen (NAMND_INDEX__EMBEDDING_BACKEND)."),
    (ModelFilesError, "Språkmodellen är inte installerad. Välj läget ”Citat ur handlingarna” "
     "(--mode extractive) så får du svar direkt ur handlingarna."),
    (LLMBackendError, "Språkmodellen svarar inte just nu. Välj läget ”Citat ur handlingarna” "
     "(--mode extractive) eller försök igen om en stund."),
    (ParseError, "Dokumentet kunde inte läsas in."),
    (DatasetError, "Frågesetet kunde inte läsas."),
    (EvalRunError, "Utvärderingen kunde inte köras."),
    (BenchError, "Mätningen kunde inte köras."),
)

# What the faces catch and explain; anything else is a bug and keeps its traceback in the log.
KNOWN_ERRORS: tuple[type[BaseException], ...] = (InputError, *(cls for cls, _ in ERROR_TEXTS))


@dataclass(frozen=True, slots=True)
class Message:
    """What a person is told about a failure: Swedish text plus the exception's own detail."""

    text: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.text} ({self.detail})" if self.detail else self.text


def error_message(exc: BaseException, index: IndexSettings | None = None) -> Message:
    """The Swedish message for an exception raised below the edge.

    Args:
        index: the index settings in use; with a chroma_url, a store that could not be opened is
            reported as the server being down (not as a missing index).
    """
    detail = str(exc)
    if isinstance(exc, InputError):
        return Message(detail)  # already Swedish and addressed to the person who typed it
    if isinstance(exc, IndexNotBuiltError) and exc.__cause__ is not None and index and index.chroma_url:
        return Message(CHROMA_DOWN.format(url=index.chroma_url), detail)
    for cls, text in ERROR_TEXTS:
        if isinstance(exc, cls):
            return Message(text, detail)
    return Message(GENERIC_ERROR)


def status_label(status: str) -> str:
    """"added" -> "Tillagd"; an unknown status is shown as written."""
    return STATUS_LABELS.get(status, status)
