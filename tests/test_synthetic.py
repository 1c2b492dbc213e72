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
