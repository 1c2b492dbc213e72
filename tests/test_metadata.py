"""Regex helpers: diarienummer in every written form, meeting fields, kommun and nämnd."""

from __future__ import annotations

import pytest

from corpus.metadata import (
    acronym,
    find_committee,
    find_diarienummer,
    find_kommun,
    find_meeting_date,
    find_meeting_place,
    find_meeting_time,
    find_paragraphs,
    is_dnr_placeholder,
    iter_dnr,
    normalize_dnr,
)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("SN 2023:00144", "SN/2023:144"),
        ("sn/2023:144", "SN/2023:144"),
        ("Dnr: SN/2023:00144", "SN/2023:144"),
        ("Dnr SN 2020:33", "SN/2020:33"),
        ("(SN/2020:33)", "SN/2020:33"),
        ("KS//2016:111", "KS/2016:111"),
        ("KS/2023:00242", "KS/2023:242"),
        ("2019/ASN 0036 10", "ASN/2019:36"),
        ("Diarienummer  \n2019/ASN 0036", "ASN/2019:36"),
    ],
)
def test_normalize_dnr_accepts_every_written_form(written: str, canonical: str) -> None:
    assert normalize_dnr(written) == canonical


@pytest.mark.parametrize(
    "text",
    ["(2009:400)", "SFS 2017:30", "SOSFS 2011:9", "HSLF-FS 2016:40", "lag 2018:1197", "Mål nr 8630-16",
     "Dnr för ansökan/rekvisition: 15193/2022", "A309.000/2018", "SN 2016:xx", "SN/2023:00xxx", ""],
)
def test_law_numbers_external_numbers_and_placeholders_are_not_dnr(text: str) -> None:
    assert normalize_dnr(text) is None
    assert find_diarienummer(text) == []


def test_placeholders_are_recognised() -> None:
    assert is_dnr_placeholder("Uppföljning av Dialogforum (SN 2016:xx)")
    assert is_dnr_placeholder("SN/2023:00xxx")
    assert not is_dnr_placeholder("SN/2023:00144")


def test_find_diarienummer_in_free_text_keeps_order_and_skips_sfs() -> None:
    text = "Enligt förvaltningslagen (2017:900) och beslut SN 2020:58 samt sn/2020:58, se KS/2019:684."
    assert find_diarienummer(text) == ["SN/2020:58", "KS/2019:684"]


def test_iter_dnr_reports_the_form_as_written_with_offsets() -> None:
    text = "Motion (SD) KS//2016:111 (SN 2016:61)"
    found = iter_dnr(text)
    assert [(d.canonical, d.written) for d in found] == [("KS/2016:111", "KS//2016:111"),
                                                        ("SN/2016:61", "SN 2016:61")]
    assert text[found[1].start:found[1].end] == "SN 2016:61"


def test_meeting_fields_from_the_older_botkyrka_header() -> None:
    header = "2020-02-18\n\nSocialnämnden\n\nTid 2020-02-18, kl 18:00\n\nPlats Kommunhuset i Tumba plan 2 rum Alytus\n"
    assert find_meeting_date(header) == "2020-02-18"
    assert find_meeting_time(header) == "18:00"
    assert find_meeting_place(header) == "Kommunhuset i Tumba plan 2 rum Alytus"
    assert find_committee(header) == "Socialnämnden"
    assert find_kommun(header) == "Botkyrka"  # inferred from Tumba


def test_meeting_fields_from_the_newer_botkyrka_header() -> None:
    header = "Kallelse till möte för socialnämnden 2023\n\nTid: 2023-06-13, Kl.: 18:00\n\nPlats: OBS Lokal\n"
    assert find_meeting_date(header) == "2023-06-13"
    assert find_meeting_time(header) == "18:00"
    assert find_committee(header) == "Socialnämnden"


def test_meeting_fields_from_a_tyreso_protocol_cover() -> None:
    cover = ("§ 1014\n\n### Arbetsmarknads- och socialnämndens beslut\n\nTyresö kommun  \n\n"
             "Datum 2019-02-26  \nTid 18:30–19:45  \nPlats Myggdalen, plan 1\n")
    assert find_meeting_date(cover) == "2019-02-26"
    assert find_meeting_time(cover) == "18:30–19:45"
    assert find_meeting_place(cover) == "Myggdalen, plan 1"
    assert find_committee(cover) == "Arbetsmarknads- och socialnämnden"
    assert find_kommun(cover) == "Tyresö"
    assert find_paragraphs(cover) == ["§ 1014"]


def test_kommun_from_e_mail_domain() -> None:
    assert find_kommun("Kontakt: anneli.sjoberg@botkyrka.se") == "Botkyrka"
    assert find_kommun("Inget som pekar ut en kommun här.") is None


def test_law_paragraphs_are_not_protocol_paragraphs() -> None:
    assert find_paragraphs("enligt 16 kap 6 f § SoL och § 64 KF") == []


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("KS KF/2025:88", "KS KF/2025:88"),  # a shared diarium keeps its two-part series
        ("KS/KF 2025:7", "KS KF/2025:7"),
        ("BUN/2023:129", "BUN/2023:129"),
        ("(KFN 2024:33)", "KFN/2024:33"),
        ("Dnr IF-2025-00311", "IF/2025:311"),
        ("IF-2023-<br>00055", "IF/2023:55"),  # broken by a table cell's line break
        ("KS-2024-\n00511", "KS/2024:511"),  # broken by a line break
        ("KS KF/2021:<br>303", "KS KF/2021:303"),
        ("Dnr 2024/123", "2024/123"),
        ("Dnr TN 2025/123", "TN/2025:123"),  # series, then year/serial
        ("KS.2023.0045", "KS/2023:45"),
    ],
)
def test_normalize_dnr_accepts_other_registry_styles(written: str, canonical: str) -> None:
    assert normalize_dnr(written) == canonical


def test_dnr_written_form_keeps_the_table_break_and_drops_the_label() -> None:
    assert [(d.canonical, d.written) for d in iter_dnr("| IF-2023-<br>00055 |")] == [("IF/2023:55", "IF-2023-<br>00055")]
    assert [d.written for d in iter_dnr("Dnr 2024/123")] == ["2024/123"]
    assert find_diarienummer("Sammanträdesdatum 2023-05-16, Mål nr 8630-16, 15193/2022") == []


def test_meeting_date_from_a_label_above_its_value_or_a_written_date() -> None:
    assert find_meeting_date("SAMMANTRÄDESPROTOKOLL\n   Sammanträdesdatum\n   2023-05-16\n") == "2023-05-16"
    assert find_meeting_date("Upprättad\n2025-11-27\n\nSammanträde onsdagen den 10 december 2025 kl. 16:30\n") == "2025-12-10"
    assert find_meeting_date("Rapporten 2019-03-01 visar att …") is None  # an unlabelled date is not the meeting's


def test_meeting_time_and_place_in_two_column_headers() -> None:
    header = ("KOMMUNSTYRELSEN                SAMMANTRÄDESPROTOKOLL\nPlats:                         Sida 1 av 17\n"
              "Tid:\n                               Sammanträdesdatum\n                               2025-09-10\n\n"
              "          Lomma kommun, Sessionssalen Kärnan\n\n          2025-09-10, klockan 19:00-20:32\n")
    assert find_meeting_place(header) == "Lomma kommun, Sessionssalen Kärnan"
    assert find_meeting_time(header) == "19:00–20:32"
    assert find_meeting_place("Plats och tid för Kungsbackarummet, Storgatan 37 Klockan 17:00 – 19:07\n") == \
        "Kungsbackarummet, Storgatan 37"


def test_committee_as_written_in_letterheads_labels_and_abbreviations() -> None:
    assert find_committee("BARN- OCH UTBILDNINGSNÄMNDEN        SAMMANTRÄDESPROTOKOLL\n") == "Barn- och utbildningsnämnden"
    assert find_committee("KUNGSBACKA KOMMUN     SAMMANTRÄDESPROTOKOLL\nNämnden för Teknik\nDatum\n") == "Nämnden för Teknik"
    assert find_committee("Beslutande organ:   BUN\n\nBarn- och utbildningsnämnden beslutar följande:\n") == \
        "Barn- och utbildningsnämnden"  # an abbreviation only becomes a name the document spells out
    assert find_committee("Beslutande organ:   BUN\n") is None
    assert acronym("Barn- och utbildningsnämnden") == "BUN" and acronym("Kommunstyrelsen") == "KS"


def test_kommun_from_letterheads_and_only_a_clear_majority_of_mentions() -> None:
    assert find_kommun("KUNGSBACKA KOMMUN     SAMMANTRÄDESPROTOKOLL\n") == "Kungsbacka"
    assert find_kommun("Protokoll från Kommunfullmäktige i Ydre\n") == "Ydre"
    body = "x" * 3000 + "\nLomma kommun och Kungsbacka kommun jämförs. Lomma kommun, Kungsbacka kommun.\n"
    assert find_kommun(body) is None  # two kommuner named equally often: no guess
