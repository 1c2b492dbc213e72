"""The `namnd` command's shared options: filter flags made from ui.inputs.FILTERS, and one-line errors.

`@with_filters()` adds `--kommun`, `--namnd`, `--from`, `--to`, `--doc-type` and `--dnr` (or the named
subset) to a typer command and hands the command one `filters: SearchFilters | None`, read exactly as
the web app reads its widgets. A new FilterField in ui/inputs.py becomes a flag here by itself.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

import typer

from index.settings import IndexSettings
from ui.errors import InputError
from ui.inputs import FILTERS, read_filters
from ui.messages import Message, error_message

F = TypeVar("F", bound=Callable[..., None])


def emit_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def fail(message: Message | str, code: int = 1) -> NoReturn:
    """One-line error for people (plus the technical detail on its own line); no traceback."""
    message = message if isinstance(message, Message) else Message(message)
    print(f"Fel: {message.text}", file=sys.stderr)
    if message.detail:
        print(f"  Detalj: {message.detail}", file=sys.stderr)
    raise typer.Exit(code)


def fail_on(exc: BaseException, index: IndexSettings | None = None) -> NoReturn:
    """Exit with the Swedish message for an exception (ui.messages), as the web app shows it."""
    fail(error_message(exc, index))


def with_filters(*names: str) -> Callable[[F], F]:
    """Give a command one option per filter (all, or the FilterField names given) and `filters=`.

    e.g. `namnd search budget --from 2023 --to 2023` calls search_command(..., filters=
    SearchFilters(date_from="2023-01-01", date_to="2023-12-31")); no flag set gives filters=None.
    """
    fields = [f for f in FILTERS if not names or f.name in names]
    unknown = set(names) - {f.name for f in FILTERS}
    if unknown:
        raise ValueError(f"Unknown filter names {sorted(unknown)!r}; see ui.inputs.FILTERS.")

    def decorate(command: F) -> F:
        signature = inspect.signature(command)
        kept = [p for p in signature.parameters.values() if p.name != "filters"]
        options = [
            inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, annotation=str,
                              default=typer.Option(None, f"--{f.flag}", help=f.help))
            for f in fields
        ]

        @functools.wraps(command)
        def wrapper(*args: object, **kwargs: object) -> None:
            values = {f.name: kwargs.pop(f.name, None) for f in fields}
            try:
                filters = read_filters({k: v if isinstance(v, str) else None for k, v in values.items()})
            except InputError as exc:
                fail_on(exc)
            command(*args, filters=None if filters.is_empty() else filters, **kwargs)

        wrapper.__signature__ = signature.replace(parameters=[*kept, *options])  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
