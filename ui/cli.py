"""The `namnd` command: the terminal twin of the web app; each subcommand calls one library function."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from assistant.settings import Settings, load_settings

app = typer.Typer(
    help="Nämndassistenten: sök och fråga i kommunala nämndhandlingar.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Nämndassistenten: sök och fråga i kommunala nämndhandlingar."""


def _settings() -> Settings:
    return load_settings()


def _emit_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def _fail(message: str, code: int = 1) -> None:
    """One-line error for people; no traceback."""
    print(f"Fel: {message}", file=sys.stderr)
    raise typer.Exit(code)


# --- subcommands are added below, one block per layer (keep blocks separate) ---


def main() -> None:
    app()


if __name__ == "__main__":
    main()
