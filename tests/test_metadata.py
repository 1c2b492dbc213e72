"""Regex helpers: diarienummer in every written form, meeting fields, kommun and nämnd."""

from __future__ import annotations

import pytest

from corpus.metadata import (
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
