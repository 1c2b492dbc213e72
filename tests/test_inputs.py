"""ui.inputs: how both faces read dates, "Alla", diarienummer, document types, modes and methods."""

from __future__ import annotations

import dataclasses

import pytest

from index.types import SearchFilters
from ui.errors import InputError
from ui.inputs import (
    FILTERS,
    WEB_FILTERS,
    parse_date,
    parse_dnr,
    parse_doc_type,
    parse_method,
    parse_mode,
    read_filters,
    web_filters,
)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2023", "2023-01-01", "2023-12-31"),
    ("2023-02", "2023-02-01", "2023-02-28"),
    ("2024-02", "2024-02-01", "2024-02-29"),  # leap year
    ("2023-5", "2023-05-01", "2023-05-31"),
    ("2023-05-14", "2023-05-14", "2023-05-14"),
    (" 2023-5-4 ", "2023-05-04", "2023-05-04"),
])
def test_partial_dates_cover_the_whole_period(text: str, start: str, end: str) -> None:
    assert parse_date(text) == start
    assert parse_date(text, end=True) == end


@pytest.mark.parametrize("text", ["igår", "2023-13", "2023-02-30", "23", "2023/05/01", "maj 2023"])
def test_unreadable_dates_say_what_to_type(text: str) -> None:
    with pytest.raises(InputError, match=r"förstås inte\. Skriv t\.ex\. 2023, 2023-02"):
        parse_date(text)


def test_empty_and_alla_mean_no_restriction() -> None:
    assert parse_date("") is None and parse_date(None) is None and parse_date("Alla") is None
    assert read_filters({"kommun": "Alla", "namnd": "  ", "doc_type": "alla"}) == SearchFilters()


def test_every_field_is_read_into_its_search_filter() -> None:
    filters = read_filters({"kommun": "Botkyrka", "namnd": "Socialnämnden", "date_from": "2023",
                            "date_to": "2023-05", "doc_type": "Protokoll", "dnr": "sn 2023:00144"})
    assert filters == SearchFilters(kommun="Botkyrka", committee="Socialnämnden", date_from="2023-01-01",
                                    date_to="2023-05-31", doc_type="protokoll", diarienummer="SN/2023:144")


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InputError, match="före den börjar"):
        read_filters({"date_from": "2023-06", "date_to": "2023-02"})
    assert read_filters({"date_from": "2023", "date_to": "2023"}).date_to == "2023-12-31"


def test_diarienummer_in_any_written_form() -> None:
    assert parse_dnr("SN 2022:00557") == parse_dnr("sn/2022:557") == "SN/2022:557"
    with pytest.raises(InputError, match="ser inte ut som ett diarienummer"):
        parse_dnr("budget")


def test_document_types_by_name_or_label() -> None:
    assert parse_doc_type("protokollsutdrag") == parse_doc_type("Protokollsutdrag") == "protokollsutdrag"
    assert parse_doc_type("Tjänsteskrivelse") == "tjänsteskrivelse"
    with pytest.raises(InputError, match="Okänd dokumenttyp ”foto”; välj en av kallelse, protokoll"):
        parse_doc_type("foto")


def test_modes_and_methods_are_literals_read_from_values_or_labels() -> None:
    assert parse_mode("AI-svar") == parse_mode("llm") == "llm"
    assert parse_mode("Citat ur handlingarna") == parse_mode("EXTRACTIVE") == "extractive"
    assert parse_mode(None) is None
    with pytest.raises(InputError, match="Okänt svarsläge ”snabb”"):
        parse_mode("snabb")
    assert parse_method(None) == "hybrid" and parse_method("keyword") == "keyword"
    with pytest.raises(InputError, match="Okänd sökmetod"):
        parse_method("bm42")


def test_every_filter_sets_a_real_search_filter_field() -> None:
    fields = {f.name for f in dataclasses.fields(SearchFilters)}
    assert {f.target for f in FILTERS} <= fields
    assert len({f.name for f in FILTERS}) == len({f.flag for f in FILTERS}) == len(FILTERS)
    with pytest.raises(ValueError, match="Unknown filter fields"):
        read_filters({"year": "2023"})


def test_web_filters_take_the_widgets_in_order() -> None:
    values = {"kommun": "Tyresö", "namnd": "Alla", "date_from": "2019", "date_to": "", "doc_type": "Alla"}
    assert [f.name for f in WEB_FILTERS] == list(values)
    assert web_filters(*values.values()) == SearchFilters(kommun="Tyresö", date_from="2019-01-01")
    with pytest.raises(ValueError):
        web_filters("Tyresö")  # a widget missing from the wiring is a bug, not a silent "Alla"
