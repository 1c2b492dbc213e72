"""User input -> SearchFilters, answer mode and search method: one reading for the web app and the CLI.

Both faces are built from FILTERS: the web app makes one widget per field, the CLI one option per
field (ui/cli_options.py). Adding a filter that SearchFilters already holds is one FilterField here.
Every reader raises InputError with a Swedish message that says what to type instead.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from assistant.archive import Archive
from corpus.metadata import normalize_dnr
from corpus.types import DOC_TYPES
from index.types import SearchFilters
from ui.errors import InputError

ALL = "Alla"  # a dropdown's "no restriction"
Mode = Literal["llm", "extractive"]
Method = Literal["hybrid", "dense", "keyword"]
MODE_LABELS: dict[Mode, str] = {"llm": "AI-svar", "extractive": "Citat ur handlingarna"}
METHOD_LABELS: dict[Method, str] = {"hybrid": "hybrid", "dense": "semantisk", "keyword": "ordsökning"}
DOC_TYPE_LABELS: dict[str, str] = {
    "kallelse": "Kallelse",
    "protokoll": "Protokoll",
    "protokollsutdrag": "Protokollsutdrag",
    "tjänsteskrivelse": "Tjänsteskrivelse",
    "bilaga": "Bilaga",
    "okänd": "Handling",
}
Choices = list[tuple[str, str]]  # (label shown, value read back), "Alla" first


def _text(value: str | None) -> str | None:
    """Stripped text; empty and "Alla" mean no restriction."""
    text = (value or "").strip()
    return None if not text or text.casefold() == ALL.casefold() else text


def parse_date(value: str | None, end: bool = False) -> str | None:
    """'2023', '2023-02' or '2023-02-14' -> ISO date, the first day (or with end=True the last).

    e.g. "2023" -> "2023-01-01" / "2023-12-31"; "2024-02" -> "2024-02-01" / "2024-02-29".
    """
    text = _text(value)
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    try:
        if m is None:
            raise ValueError(text)
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        if month is None:
            return date(year, 12, 31).isoformat() if end else date(year, 1, 1).isoformat()
        last = calendar.monthrange(year, int(month))[1]
        day_number = int(day) if day is not None else (last if end else 1)
        return date(year, int(month), day_number).isoformat()
    except (ValueError, calendar.IllegalMonthError):
        raise InputError(
            f"Datumet ”{text}” förstås inte. Skriv t.ex. 2023, 2023-02 eller 2023-02-14."
        ) from None


def parse_dnr(value: str | None) -> str | None:
    """A diarienummer in any written form -> its canonical form ("sn 2023:00144" -> "SN/2023:144")."""
    text = _text(value)
    if text is None:
        return None
    canonical = normalize_dnr(text)
    if canonical is None:
        raise InputError(
            f"”{text}” ser inte ut som ett diarienummer. Skriv t.ex. SN/2022:557 eller SN 2022:00557."
        )
    return canonical


def parse_doc_type(value: str | None) -> str | None:
    """A document type as stored ("protokoll") or as labelled ("Protokoll")."""
    text = _text(value)
    if text is None:
        return None
    for doc_type in DOC_TYPES:
        if text.casefold() in (doc_type, DOC_TYPE_LABELS[doc_type].casefold()):
            return doc_type
    known = ", ".join(DOC_TYPES)
    raise InputError(f"Okänd dokumenttyp ”{text}”; välj en av {known}.")


def parse_mode(value: str | None) -> Mode | None:
    """'llm' / 'AI-svar' or 'extractive' / 'Citat ur handlingarna'; empty -> None (the setting)."""
    text = _text(value)
    if text is None:
        return None
    for mode, label in MODE_LABELS.items():
        if text.casefold() in (mode, label.casefold()):
            return mode
    raise InputError(f"Okänt svarsläge ”{text}”; välj llm (AI-svar) eller extractive (Citat ur handlingarna).")


def parse_method(value: str | None) -> Method:
    """'hybrid' (the default), 'dense' or 'keyword'."""
    text = (_text(value) or "hybrid").casefold()
    for method in get_args(Method):
        if text in (method, METHOD_LABELS[method]):
            return method  # type: ignore[no-any-return]
    raise InputError(f"Okänd sökmetod ”{value}”; välj hybrid, dense eller keyword.")


def _kommun_choices(archive: Archive) -> Choices:
    return _choices(d.kommun for d in archive.documents())


def _committee_choices(archive: Archive) -> Choices:
    return _choices(d.committee for d in archive.documents())


def _doc_type_choices(archive: Archive) -> Choices:
    present = {d.doc_type for d in archive.documents()}
    return [(ALL, ALL)] + [(DOC_TYPE_LABELS[t], t) for t in DOC_TYPES if t in present]


def _choices(values: Iterable[str | None]) -> Choices:
    names = sorted({v for v in values if v})
    return [(ALL, ALL)] + [(n, n) for n in names]


@dataclass(frozen=True, slots=True)
class FilterField:
    """One filter as both faces show it; `target` is the SearchFilters field it sets."""

    name: str  # Python name of the CLI parameter, e.g. "date_from"
    flag: str  # CLI option "--from" and web element id suffix "chat-from"
    target: str  # SearchFilters field
    label: str  # Swedish widget label
    help: str  # Swedish CLI help
    parse: Callable[[str | None], str | None]
    choices: Callable[[Archive], Choices] | None = None  # a dropdown; None: free text
    placeholder: str = ""
    in_web: bool = True  # the web app has its own case box for a diarienummer


FILTERS: tuple[FilterField, ...] = (
    FilterField("kommun", "kommun", "kommun", "Kommun", "Bara handlingar från denna kommun.",
                _text, _kommun_choices),
    FilterField("namnd", "namnd", "committee", "Nämnd", "Bara handlingar från denna nämnd.",
                _text, _committee_choices),
    FilterField("date_from", "from", "date_from", "Från",
                "Sammanträden från och med datum: 2023, 2023-05 eller 2023-05-14.",
                parse_date, placeholder="t.ex. 2023 eller 2023-01-01"),
    FilterField("date_to", "to", "date_to", "Till",
                "Sammanträden till och med datum: 2023 (= 2023-12-31), 2023-05 eller 2023-05-14.",
                lambda v: parse_date(v, end=True), placeholder="t.ex. 2023-12-31"),
    FilterField("doc_type", "doc-type", "doc_type", "Dokumenttyp",
                "Bara en dokumenttyp: kallelse, protokoll, protokollsutdrag, tjänsteskrivelse, bilaga.",
                parse_doc_type, _doc_type_choices),
    FilterField("dnr", "dnr", "diarienummer", "Diarienummer",
                "Bara ärenden med detta diarienummer (alla skrivsätt), t.ex. SN/2023:144.",
                parse_dnr, in_web=False),
)
WEB_FILTERS = tuple(f for f in FILTERS if f.in_web)


def read_filters(values: Mapping[str, str | None]) -> SearchFilters:
    """SearchFilters from widget or option values keyed by FilterField.name; missing keys are unset.

    Raises InputError (Swedish) for a value that cannot be read or a period that ends before it starts.
    """
    unknown = set(values) - {f.name for f in FILTERS}
    if unknown:
        raise ValueError(f"Unknown filter fields {sorted(unknown)!r}; see ui.inputs.FILTERS.")
    filters = SearchFilters(**{f.target: f.parse(values.get(f.name)) for f in FILTERS})
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InputError(
            f"Perioden slutar ({filters.date_to}) före den börjar ({filters.date_from}). Byt plats på datumen."
        )
    return filters


def web_filters(*values: str | None) -> SearchFilters:
    """SearchFilters from the web app's filter widgets, given in WEB_FILTERS order."""
    return read_filters(dict(zip((f.name for f in WEB_FILTERS), values, strict=True)))
