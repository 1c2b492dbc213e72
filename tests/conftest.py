"""Shared fixtures: settings in a temp data dir, the bundled corpus, fakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
DATA = Path(__file__).parent / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data directory is a fresh temp dir."""
    return Settings(data_dir=tmp_path / "namnd")
