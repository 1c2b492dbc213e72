"""§ references and canonical section names (corpus/paragraphs.py)."""

from __future__ import annotations

import pytest

from corpus.paragraphs import (
    DECISION_SECTIONS, PROCEDURE_SECTIONS, SECTION_NAMES, SECTION_ORDER, SUMMARY_SECTIONS, find_paragraphs,
    iter_paragraphs, normalize_paragraph, paragraph_number, paragraph_token, same_paragraph,
)


@pytest.mark.parametrize(("written", "normal"), [
    ("§ 12", "§ 12"), ("SN § 46", "§ 46"), ("SN §46", "§ 46"), ("KF § 94", "§ 94"), ("§12", "§ 12"),
    ("BUN § 7", "§ 7"), ("§\xa01014", "§ 1014"), ("§§ 101-102", "§ 101"), ("46", "§ 46"),
])
def test_normal_form(written: str, normal: str) -> None:
    assert normalize_paragraph(written) == normal


@pytest.mark.parametrize("text", ["", "9 kap. 37 § kommunallagen", "43 § 2 p lagen", "paragraf", None])
def test_no_paragraph(text: str | None) -> None:
    assert normalize_paragraph(text) is None


def test_lists_and_ranges_expand() -> None:
    assert find_paragraphs("§§ 93, 101-102") == ["§ 93", "§ 101", "§ 102"]
    assert find_paragraphs("Justerade paragrafer §§ 157 - 159, 2023-08-23") == ["§ 157", "§ 158", "§ 159"]
    assert find_paragraphs("Vad beslutade KF § 94 och SN §46?") == ["§ 94", "§ 46"]


def test_dates_after_a_paragraph_are_not_numbers() -> None:
    assert find_paragraphs("Protokollsutdrag KS § 274, 2025-09-30") == ["§ 274"]
    assert find_paragraphs("KS § 128 2025-11-05 → BUN § 96") == ["§ 128", "§ 96"]


def test_a_date_before_the_sign_is_no_law_reference() -> None:
    assert find_paragraphs("Protokollsutdrag KF 2025-10-07 § 194 - Antagande av taxa") == ["§ 194"]


def test_law_references_are_not_paragraphs() -> None:
    assert find_paragraphs("enligt 43 § 2 p lagen och 9 kap. 37 § kommunallagen samt § 5") == ["§ 5"]


def test_organ_and_offsets_are_kept() -> None:
    text = "Se KF §§ 93, 101-102 i protokollet."
    (ref,) = iter_paragraphs(text)
    assert ref.organ == "KF" and ref.numbers == (93, 101, 102)
    assert text[ref.start:ref.end] == ref.written == "KF §§ 93, 101-102"


def test_implausible_range_keeps_its_ends() -> None:
    assert find_paragraphs("§§ 1-900") == ["§ 1", "§ 900"]


def test_helpers() -> None:
    assert paragraph_number("KF § 94") == 94 and paragraph_number("ingen") is None
    assert paragraph_token("SN §12") == "§12" and paragraph_token("§ 1014") == "§1014"
    assert same_paragraph("SN § 46", "§46") and not same_paragraph("§ 46", "§ 47") and not same_paragraph(None, None)


def test_section_names() -> None:
    # ui/desk.py shows the first decision section present: Beslut before Förslag till beslut.
    assert DECISION_SECTIONS == ("Beslut", "Förslag till beslut")
    assert SUMMARY_SECTIONS == (*DECISION_SECTIONS, "Sammanfattning")
    assert {"Votering", "Reservation", "Protokollsanteckning"} <= set(PROCEDURE_SECTIONS)
    assert set(DECISION_SECTIONS) | set(PROCEDURE_SECTIONS) | set(SECTION_ORDER) <= set(SECTION_NAMES)
    assert len(SECTION_NAMES) == len(set(SECTION_NAMES))
    assert min(SECTION_ORDER, key=SECTION_ORDER.__getitem__) == "Beslut"
