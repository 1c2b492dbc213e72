"""Reciprocal rank fusion: scores, agreement bonus and deterministic ties."""

from __future__ import annotations

import pytest

from index.fusion import reciprocal_rank_fusion


def test_item_ranked_by_both_lists_beats_items_ranked_by_one() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    assert [cid for cid, _ in fused][:1] == ["b"]
    assert dict(fused)["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert dict(fused)["a"] == pytest.approx(1 / 61)


def test_ties_break_by_best_rank_then_id() -> None:
    # "x" and "y" both score 1/61 + 1/63; "x" and "z" tie on score with y absent, then by id.
    fused = reciprocal_rank_fusion([["y", "z", "x"], ["x", "q", "y"]], k=60)
    assert [cid for cid, _ in fused][:2] == ["x", "y"]
    assert reciprocal_rank_fusion([["b"], ["a"]]) == reciprocal_rank_fusion([["a"], ["b"]])
    assert [cid for cid, _ in reciprocal_rank_fusion([["b"], ["a"]])] == ["a", "b"]


def test_repeated_id_in_one_list_counts_once_and_empty_lists_are_fine() -> None:
    assert reciprocal_rank_fusion([["a", "a"]], k=0) == [("a", 1.0)]
    assert reciprocal_rank_fusion([[], []]) == []


def test_weights_scale_each_list() -> None:
    fused = dict(reciprocal_rank_fusion([["a"], ["b"]], k=60, weights=(1.0, 0.5)))
    assert fused["a"] == pytest.approx(1 / 61) and fused["b"] == pytest.approx(0.5 / 61)
