"""Scaled-corpus helpers: variant rewrites and derived vectors."""

from __future__ import annotations

import numpy as np

from eval.synthetic import PERTURBATION, DerivedEmbedder, Variant, write_variants
from tests.conftest import SAMPLES
from tests.fakes import HashEmbedder

PROTOCOL = """Tyresö kommun
Arbetsmarknads- och socialnämnden 2019-02-19
§ 1014 Dnr 2019/ASN 0036 10 och SN/2023:00144
Verksamhetsberättelse för år 2018 godkänns. Överskottet var 12 400 tkr.
"""


def test_variant_rewrites_kommun_dates_dnr_and_amounts() -> None:
    text = Variant(3).rewrite(PROTOCOL)
    assert "Tyresö kommun" not in text and f"{Variant(3).kommun} kommun" in text
    assert "2019-02-19" not in text
    assert "SN/2023:00144" not in text and f"{Variant(3).abbrev}/" in text
    assert "12 400 tkr" not in text
    assert "§ 1014" in text  # paragraph numbers are kept: they are the citation anchor


def test_variants_are_deterministic_and_distinct() -> None:
    assert Variant(5).rewrite(PROTOCOL) == Variant(5).rewrite(PROTOCOL)
    assert Variant(5).rewrite(PROTOCOL) != Variant(6).rewrite(PROTOCOL)


def test_write_variants_names_one_file_per_source_and_variant(tmp_path) -> None:
    source = SAMPLES / "004_45a1c237a718c0b7.txt"
    files = write_variants([source], tmp_path, first=2, count=3)
    assert [f.name for f in files] == [f"v0000{i}_{source.stem}.txt" for i in (2, 3, 4)]
    assert len({f.read_text(encoding="utf-8") for f in files}) == 3


def test_derived_embedder_picks_the_lexically_closest_real_vector() -> None:
    texts = ["budget i balans för socialnämnden", "hemtjänst och äldreomsorg i kommunen",
             "skyddat boende vid våld i nära relationer"]
    rng = np.random.default_rng(0)
    real = rng.standard_normal((3, 32)).astype(np.float32)
    real /= np.linalg.norm(real, axis=1, keepdims=True)
    derived = DerivedEmbedder(HashEmbedder(dim=32), texts, real)
    vectors = np.array(derived.embed_documents(["äldreomsorg och hemtjänst i Nacka kommun"]))
    cosines = real @ vectors[0]
    assert cosines.argmax() == 1
    # noise of sigma/sqrt(dim) per dimension: expected cosine 1/sqrt(1 + sigma^2) ≈ 0.96
    assert abs(cosines[1] - 1 / np.sqrt(1 + PERTURBATION ** 2)) < 0.1
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-5)
    assert derived.embed_documents(["äldreomsorg och hemtjänst i Nacka kommun"]) == vectors.tolist()


# --- eval/scaled_index.py: the derived path that writes catalog, Chroma and BM25 directly ---

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from assistant.settings import Settings  # noqa: E402
from eval.bench_phases import QUERIES  # noqa: E402
from eval.scaled_index import ChunkTemplates, grow, load_sources  # noqa: E402
from eval.synthetic import Template  # noqa: E402
from index.catalog import Catalog  # noqa: E402
from index.ingest import ingest  # noqa: E402
from index.keyword import KeywordIndex, keyword_text  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.types import SearchFilters  # noqa: E402
from index.vector_store import VectorStore  # noqa: E402


@pytest.fixture(scope="module")
def source_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two bundled files through the real pipeline (hash vectors): the source of the variants."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("source"))
    files = sorted(SAMPLES.glob("*.txt"))[:2]
    ingest(files, settings.corpus, settings.index, embedder=HashEmbedder())
    return Path(settings.index.path)


def _scaled(tmp: Path, source_index: Path, variants: int) -> tuple[Settings, int]:
    sources = load_sources([source_index])
    settings = Settings(data_dir=tmp)
    grow(Path(settings.index.path), sources, variants * sources.chunks_per_variant)
    return settings, sources.chunks_per_variant


def test_template_fill_equals_the_rewrite_rules() -> None:
    assert Template(PROTOCOL).fill(Variant(3)) == Variant(3).rewrite(PROTOCOL)
    assert "SN/2023:00144" not in Template(PROTOCOL).fill(Variant(4))


def test_variant_chunks_rewrite_metadata_and_text_alike(source_index: Path) -> None:
    sources = load_sources([source_index])
    templates = ChunkTemplates(sources)
    original, variant = sources.files[0].chunks, templates.file(7, 0)
    assert len(variant) == len(original)
    assert {c.meeting.kommun for c in variant} == {Variant(7).kommun}
    assert all(c.chunk_id.startswith("v00007-") and c.source_file.startswith("v00007_") for c in variant)
    with_dnr = [(o, v) for o, v in zip(original, variant) if o.diarienummer]
    assert with_dnr and all(o.diarienummer != v.diarienummer for o, v in with_dnr)
    assert variant[0].meeting.date != original[0].meeting.date
    assert templates.file(7, 0) == variant  # deterministic


def test_derived_index_is_served_by_the_real_searcher(tmp_path: Path, source_index: Path) -> None:
    settings, per_variant = _scaled(tmp_path / "scaled", source_index, 3)
    index = Path(settings.index.path)
    catalog = Catalog(index)
    assert catalog.chunk_count() == 3 * per_variant
    store = VectorStore(settings.index, HashEmbedder().name)
    assert store.count() == 3 * per_variant
    searcher = Searcher.from_settings(settings.index, embedder=HashEmbedder())
    assert len(searcher) == 3 * per_variant
    kommun = Variant(1).kommun
    hits = searcher.search("budget socialnämnden", filters=SearchFilters(kommun=kommun))
    assert hits and all(h.chunk.meeting.kommun == kommun for h in hits)
    dnr_chunk = next(c for c in catalog.chunks() if c.diarienummer)
    exact = searcher.search(dnr_chunk.diarienummer[0], method="hybrid")
    assert exact[0].source == "exact" and dnr_chunk.diarienummer[0] in exact[0].chunk.diarienummer
    catalog.close()


def test_derived_bm25_equals_a_full_build_and_levels_nest(tmp_path: Path, source_index: Path) -> None:
    """Two levels (2 then 5 variants, the second stopped after one variant and resumed) give the chunks,
    and BM25 scores, of building 5 variants at once."""
    grown, per_variant = _scaled(tmp_path / "grown", source_index, 2)
    sources = load_sources([source_index])
    stopped = grow(Path(grown.index.path), sources, 5 * per_variant, batch_chunks=1, stop=lambda: True)
    assert stopped.chunks == 3 * per_variant and stopped.variants == 3
    grow(Path(grown.index.path), sources, 5 * per_variant)
    direct, _ = _scaled(tmp_path / "direct", source_index, 5)
    catalogs = [Catalog(Path(s.index.path)) for s in (grown, direct)]
    assert catalogs[0].chunk_ids() == catalogs[1].chunk_ids()
    saved = KeywordIndex.load(Path(grown.index.path) / "keyword")
    assert saved is not None and len(saved.segments.segments) == 3
    chunks = catalogs[0].chunks()
    full = KeywordIndex.build([c.chunk_id for c in chunks], [keyword_text(c) for c in chunks],
                              lexicon=saved.tokenizer.lexicon)
    for query in QUERIES:
        a, b = saved.search(query, 10), full.search(query, 10)
        assert [c for c, _ in a] == [c for c, _ in b], query
        assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=1e-9)
    for catalog in catalogs:
        catalog.close()


def test_grow_refuses_an_index_it_did_not_make(tmp_path: Path, source_index: Path) -> None:
    settings = Settings(data_dir=tmp_path / "real")
    ingest(sorted(SAMPLES.glob("*.txt"))[:1], settings.corpus, settings.index, embedder=HashEmbedder())
    with pytest.raises(ValueError, match="not made by"):
        grow(Path(settings.index.path), load_sources([source_index]), 10)
