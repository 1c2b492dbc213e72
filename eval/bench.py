"""`namnd bench`: ingest, search, answer and memory figures at growing N, in one run on one machine.

Every phase runs in a child process (`eval.bench_phases`) so each reports its own peak RSS; the
Chroma server phases start `chroma run` on loopback over the very store the embedded phase used.
Writes bench.json, bench.md and PNG plots into the output directory (see docs/performance.md).
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.settings import SAMPLES_DIR
from eval.errors import BenchError

log = logging.getLogger(__name__)

DEFAULT_LEVELS = (10_000, 100_000)
QUICK_LEVELS = (1_000,)
QUICK_SAMPLE = "004_45a1c237a718c0b7.txt"  # the smallest bundled file: ~40 chunks, ~5 s to embed
TARGETS = {"hybrid_p95_ms_at_100k": 150.0, "hybrid_p95_ms_at_1m": 150.0, "ingest_overhead_ratio": 1.15, "serving_rss_mb_at_100k": 4096.0,
           "reingest_s_at_100k": 10.0, "bundled_search_p95_ms": 100.0, "extractive_p95_ms": 300.0,
           "llm_ttft_p50_ms": 6000.0, "llm_total_p50_ms": 20000.0}


@dataclass
class BenchConfig:
    """What one `namnd bench` run measures."""

    out_dir: Path
    levels: tuple[int, ...] = DEFAULT_LEVELS
    quick: bool = False
    server: bool = True
    llm_questions: int = 3
    work_dir: Path | None = None  # default: a temp dir, removed afterwards
    keep: bool = False
    corpus: tuple[Path, ...] = ()  # real archives to ingest with the real encoder, e.g. ../shared/corpora
    encoder_passages: int = 48  # passages per engine in the encoder comparison (0 = skip it)
    reuse: Path | None = None  # only the serving figures, on the indexes <reuse>/n<N> an earlier run built
    parse_variants: bool = False  # scaled levels as variant files through the parser (slow) instead of derived rows
    profile: bool = False  # cProfile the index-only hybrid searches of each level
    extra: dict[str, Any] = field(default_factory=dict)


Progress = Callable[[str], None]


def run_phase(name: str, args: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one phase in a child process and return its JSON figures."""
    proc = subprocess.run([sys.executable, "-m", "eval.bench_phases", name, json.dumps(args)],
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise BenchError(f"Bench phase {name!r} failed (exit {proc.returncode}): {' | '.join(tail)!r}; "
                         "run `namnd ingest` once to check the pipeline, then `namnd bench --quick`.")
    return json.loads(lines[-1])


def machine() -> dict[str, Any]:
    """CPU, its flags, cores, memory and load: enough to compare two bench.json files fairly."""
    from eval.bench_encoders import cpu_ghz
    from index.engine import cpu_flags

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    return {"cpu": cpu, "cores": os.cpu_count(), "cpu_ghz": cpu_ghz(), "flags": sorted(cpu_flags()),
            "memory_gb": round(mem_kb / 1024 ** 2, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_avg_start": [round(x, 2) for x in os.getloadavg()]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ChromaServer:
    """`chroma run --path DIR --port P` on loopback, for as long as the with-block lasts."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ChromaServer:
        chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        self.proc = subprocess.Popen([chroma, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1).read()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        self.__exit__()
        raise BenchError(f"`chroma run` did not answer on {self.url} within 60 s; is chromadb installed in "
                         f"{sys.executable!r}? Run the bench with --no-server to skip the server figures.")

    def peak_rss_mb(self) -> float | None:
        status = Path(f"/proc/{self.proc.pid}/status") if self.proc else None
        if status is None or not status.exists():
            return None
        line = next((l for l in status.read_text().splitlines() if l.startswith("VmHWM")), None)
        return round(int(line.split()[1]) / 1024, 1) if line else None

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _search_level(label: str, data_dir: Path, config: BenchConfig, progress: Progress) -> dict[str, Any]:
    """Embedded Chroma, then the same store served by `chroma run`."""
    args = {"data_dir": str(data_dir), "repeats": 1 if config.quick else 2, "profile": config.profile}
    progress(f"sök, inbäddad Chroma, {label}")
    level = {"embedded": run_phase("search", args)}
    if config.server:
        progress(f"sök, Chroma-server, {label}")
        with ChromaServer(data_dir / "index" / "chroma") as server:
            figures = run_phase("search", {**args, "chroma_url": server.url})
            figures["server_peak_rss_mb"] = server.peak_rss_mb()
        level["server"] = figures
    return level


def run_bench(config: BenchConfig, progress: Progress | None = None) -> dict[str, Any]:
    """Measure everything, write bench.json, bench.md and plots into config.out_dir; returns the figures."""
    progress = progress or (lambda message: log.info("%s", message))
    config.out_dir.mkdir(parents=True, exist_ok=True)
    work = config.work_dir or Path(tempfile.mkdtemp(prefix="namnd-bench-"))
    started = time.perf_counter()
    result: dict[str, Any] = {"version": 1, "quick": config.quick, "machine": machine(), "targets": TARGETS,
                              "command": "namnd bench " + " ".join(config.extra.get("argv", []))}
    if config.reuse is not None:
        return _serving_only(config, result, started, progress)
    try:
        sources = [SAMPLES_DIR / QUICK_SAMPLE] if config.quick else sorted(SAMPLES_DIR.glob("*.txt"))
        real = work / "real"
        progress("ingest av den medföljande korpusen (riktig kodare)")
        vectors = work / "real_vectors.npz"
        ingest_fig = run_phase("ingest", {"data_dir": str(real), "files": [str(s) for s in sources],
                                          "vectors_out": str(vectors)})
        result["ingest"] = ingest_fig
        checkpoint(result, config.out_dir)
        if config.encoder_passages:
            progress("kodare: alla motorer på samma stycken")
            result["encoders"] = run_phase("encoders", {"data_dir": str(real), "texts_from": str(vectors),
                                                        "passages": config.encoder_passages,
                                                        "rounds": 1 if config.quick else 2})
            checkpoint(result, config.out_dir)
        result["search"] = {str(ingest_fig["chunks"]): {"label": "bundled" if not config.quick else "bundled-sample",
                                                         **_search_level("medföljande", real, config, progress)}}
        if config.corpus:
            _real_corpus(config, work, progress, result)
        result["scale"] = {}
        _scaled_levels(config, sources, ingest_fig["chunks"], vectors, work, progress, result)
        progress("svar: extraktivt och lokal LLM")
        result["answer"] = run_phase("answer", {"data_dir": str(real), "repeats": 1 if config.quick else 3,
                                                "llm_questions": 0 if config.quick else config.llm_questions})
    except BenchError as exc:
        # Keep what was measured: a failure at 100k should not throw away the 10k figures.
        result["error"] = str(exc)
        result["verdicts"] = verdicts(result)
        write_outputs(result, config.out_dir)
        raise
    finally:
        if not (config.keep or config.work_dir):
            shutil.rmtree(work, ignore_errors=True)
    result["machine"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["verdicts"] = verdicts(result)
    write_outputs(result, config.out_dir)
    return result


def corpus_files(paths: Sequence[Path]) -> list[Path]:
    """The documents under `paths` that ingest would read (MANIFEST/README files are skipped by it too)."""
    from corpus.parse import discover_files

    return [p for p in discover_files(list(paths)) if p.suffix.lower() not in (".tsv",)
            and p.name.lower() != "readme.md"]


def _real_corpus(config: BenchConfig, work: Path, progress: Progress, result: dict[str, Any]) -> None:
    """The real archives through the whole pipeline with the real encoder; then searched."""
    files = corpus_files(config.corpus)
    if not files:
        raise BenchError(f"No documents found under {[str(p) for p in config.corpus]!r}; give the folder of "
                         "the archive, e.g. --corpus ../shared/corpora.")
    progress(f"ingest av {len(files)} dokument ur {', '.join(str(p) for p in config.corpus)}")
    data_dir = work / "corpus"
    figures = run_phase("ingest", {"data_dir": str(data_dir), "files": [str(f) for f in files],
                                   "vectors_out": str(work / "corpus_vectors.npz"), "bare": False})
    result["corpus"] = {"paths": [str(p) for p in config.corpus], **figures}
    checkpoint(result, config.out_dir)
    search = _search_level("riktig korpus", data_dir, config, progress)
    result["search"][str(figures["chunks"])] = {"label": "real corpus", **search}
    checkpoint(result, config.out_dir)


def level_dir(root: Path, n: int) -> Path:
    """Where the scaled index of level N lives: <root>/n100000 (a data dir: index/ inside)."""
    return root / f"n{n}"


def _serving_only(config: BenchConfig, result: dict[str, Any], started: float, progress: Progress) -> dict[str, Any]:
    """`--reuse DIR`: search figures (and the recorded build figures) of indexes an earlier run left in DIR."""
    from eval.bench_phases import dir_size_mb

    assert config.reuse is not None
    result["reuse"], result["scale"], result["search"] = str(config.reuse), {}, {}
    for n in sorted(config.levels):
        data_dir = level_dir(config.reuse, n)
        if not (data_dir / "index" / "catalog.sqlite3").exists():
            raise BenchError(f"No built index at {str(data_dir)!r}; build it with `namnd bench --work "
                             f"{config.reuse} --chunks {n}` first, or leave out --reuse.")
        saved = data_dir / "build.json"
        build = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
        build.setdefault("build_s", build.get("seconds"))
        build = {k: _rounded(v) for k, v in build.items()}
        build.update(disk_mb=dir_size_mb(data_dir / "index"))
        result["scale"][str(n)] = build
        search = _search_level(f"N={n}", data_dir, config, progress)
        chunks = search["embedded"]["chunks"]  # a stopped build holds fewer than its level's N
        result["search"][str(chunks)] = {"label": _label(chunks), **search}
        checkpoint(result, config.out_dir)
    result["machine"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["verdicts"] = verdicts(result)
    write_outputs(result, config.out_dir)
    return result


def _label(chunks: int) -> str:
    """1062240 -> "1.06M", 106224 -> "106k", 900 -> "900"."""
    if chunks >= 1_000_000:
        return f"{chunks / 1_000_000:.2f}M"
    return f"{chunks // 1000}k" if chunks >= 1000 else str(chunks)


def _rounded(value: Any) -> Any:
    """Floats of a saved build.json to 2 decimals (lists too), for the report."""
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def _scaled_levels(config: BenchConfig, sources: Sequence[Path], base_chunks: int, vectors: Path, work: Path,
                   progress: Progress, result: dict[str, Any]) -> None:
    """Derived indexes up to each N (eval/scaled_index.py; nested: each level grows from a copy of the
    previous one), built and searched; figures go into result["scale"] and result["search"]."""
    if config.parse_variants:
        _parsed_levels(config, sources, base_chunks, vectors, work, progress, result)
        return
    source_dirs = [str(work / "real" / "index")] + ([str(work / "corpus" / "index")] if config.corpus else [])
    previous: Path | None = None
    for n in sorted(config.levels):
        data_dir = level_dir(work, n)
        progress(f"bygger härlett index, N≈{n:,}".replace(",", " "))
        copy_s = 0.0
        if previous is not None and not data_dir.exists():
            began = time.perf_counter()
            shutil.copytree(previous, data_dir)
            copy_s = time.perf_counter() - began
        build = run_phase("derive", {"data_dir": str(data_dir), "sources": source_dirs, "target": n})
        build["copy_previous_s"] = round(copy_s, 1)
        result["scale"][str(n)] = build
        result["search"][str(build["chunks"])] = {"label": _label(build["chunks"]),
                                                  **_search_level(f"N={build['chunks']}", data_dir, config, progress)}
        checkpoint(result, config.out_dir)
        previous = data_dir


def _parsed_levels(config: BenchConfig, sources: Sequence[Path], base_chunks: int, vectors: Path, work: Path,
                   progress: Progress, result: dict[str, Any]) -> None:
    """Variant files up to each N through the real parser (nested: the 100k index grows from the 10k one)."""
    from eval.synthetic import write_variants

    scaled, variants_dir, made = work / "scaled", work / "variants", 0
    for n in sorted(config.levels):
        wanted = max(1, math.ceil(n / max(1, base_chunks)))
        progress(f"skriver varianter och bygger index, N≈{n:,}".replace(",", " "))
        files = write_variants(sources, variants_dir, made, wanted - made) if wanted > made else []
        made = max(made, wanted)
        all_files = sorted(variants_dir.glob("v*"))[: made * len(sources)]
        build = run_phase("build", {"data_dir": str(scaled), "files": [str(f) for f in all_files],
                                    "vectors": str(vectors)})
        build["new_files"] = len(files)
        result["scale"][str(n)] = build
        result["search"][str(build["chunks"])] = {"label": f"{n // 1000}k" if n >= 1000 else str(n),
                                                  **_search_level(f"N={build['chunks']}", scaled, config, progress)}
        checkpoint(result, config.out_dir)


def verdicts(result: dict[str, Any]) -> dict[str, Any]:
    """Each target with its measured value and met/missed (None when not measured)."""
    search = result.get("search", {})
    bundled = [n for n in search if str(search[n].get("label", "bundled")).startswith("bundled")]
    smallest = search[min(bundled, key=int)] if bundled else {}
    million = [n for n in search if int(n) >= 1_000_000]
    at_1m = search[min(million, key=int)] if million else {}
    scale = result.get("scale", {})
    last_build = scale[max(scale, key=int)] if scale else {}
    llm = result.get("answer", {}).get("llm", {})
    measured = {
        "hybrid_p95_ms_at_100k": _at_100k(search).get("embedded", {}).get("hybrid", {}).get("p95_ms"),
        "hybrid_p95_ms_at_1m": at_1m.get("embedded", {}).get("hybrid", {}).get("p95_ms"),
        "ingest_overhead_ratio": result.get("ingest", {}).get("overhead_ratio"),
        "serving_rss_mb_at_100k": _at_100k(search).get("embedded", {}).get("peak_rss_mb"),
        "reingest_s_at_100k": last_build.get("reingest_s"),
        "bundled_search_p95_ms": smallest.get("embedded", {}).get("hybrid", {}).get("p95_ms"),
        "extractive_p95_ms": result.get("answer", {}).get("extractive", {}).get("p95_ms"),
        "llm_ttft_p50_ms": (llm.get("ttft") or {}).get("p50_ms"),
        "llm_total_p50_ms": (llm.get("total") or {}).get("p50_ms"),
    }
    at_n = {"100k": _level_n(search, 100_000), "1m": _level_n(search, 1_000_000)}
    return {key: {"target": TARGETS[key], "measured": value, "met": None if value is None else value <= TARGETS[key],
                  "at_n": next((at_n[s] for s in at_n if key.endswith(s)), None)}
            for key, value in measured.items()}


def _level_n(search: dict[str, Any], n: int) -> int | None:
    """The level the "at N" targets are read at: the smallest >= 0.9 N (else the largest below it)."""
    sizes = sorted(map(int, search))
    above = [s for s in sizes if s >= 0.9 * n]
    if above:
        return above[0]
    return sizes[-1] if sizes and n <= 100_000 else None


def _at_100k(search: dict[str, Any]) -> dict[str, Any]:
    n = _level_n(search, 100_000)
    return search[str(n)] if n is not None else {}


def checkpoint(result: dict[str, Any], out_dir: Path) -> None:
    """bench.json as measured so far, so a long run that dies late still leaves its figures."""
    (out_dir / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


def write_outputs(result: dict[str, Any], out_dir: Path) -> None:
    from eval.bench_report import markdown_table, plot_latency

    (out_dir / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "bench.md").write_text(markdown_table(result), encoding="utf-8")
    plot_latency(result, out_dir)
