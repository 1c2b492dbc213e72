"""Voteringar and reservationer as data (corpus/votes.py), on excerpts and on the shared archives."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.types import Person, Voter
from corpus.votes import find_reservations, find_votes, parse_person

SHARED = Path(__file__).parents[2] / "shared" / "corpora"

# pdftotext layout (Lomma KF): counts on a "Ja: 23, Nej: 22." line.
FULLMAKTIGE = """Votering begärs och följande voteringsproposition godkänns:
Den som önskar bifalla Fredrik Karströms m.fl. yrkande röstar ja och den som önskar bifalla Per
Bengtssons m.fl. yrkande röstar nej.
Voteringen utfaller enligt följande, vilket närmare framgår av till protokollet bifogad voteringslista.
Bilaga B
Ja: 23, Nej: 22.

Ordföranden förklarar att kommunfullmäktige därmed har beslutat i enlighet med Fredrik Karströms
yrkande.

Beslut:
Kommunfullmäktige beslutar att Strandskolan ska stängas till hösten 2026.

Reservation
Per Bengtsson (S), Rune Netterlid (S), Marie Sand (S) och Karl-Gustav
Nilsson (S) reserverar sig skriftligt.

Bilaga C

Sandra Pilemalm (L) och Alexander Werne (L) reserverar sig skriftligt.
Bilaga F
Ida Alm (L) reserverar sig till förmån för sitt eget yrkande.
"""

# PDF-to-Markdown layout (Kungsbacka): counts in prose, voters in a table split by a page break.
NAMND = """Omröstning begärs och verkställs.
Ja-röst innebär bifall till Hravn Forsnes (M) yrkande.

Nej-röst innebär bifall till Ermin Škorićs (S) m.fl. yrkande.

Omröstningsresultat

Ordföranden finner att nämnden, med 3 ja-röster mot 1 nej-röster och med 1 röster
som avstår, beslutar att bifalla Hravn Forsnes (M) yrkande, avslag till initiativet.

| Ledamot/tjänstgörande ersättare | Ja-röst | Nej-röst | Avstår från att rösta |
| --- | --- | --- | --- |
| Monica Neptun (L) 1:e vice<br>ordförande | X |  |  |
| Ermin Škorić (S) 2:e vice<br>ordförande |  | X |  |
| Annika Carlsson (M) | X |  |  |

<!-- sida 13 -->

| Göran Ottosson (SD) |  |  | X |
| --- | --- | --- | --- |
| Hravn Forsne (M), ordförande | X |  |  |

Reservation

Ermin Škorić (S) Astrid Börjesson (S) och Eva Tingström (S) reserverar sig mot
beslutet till förmån för eget förslag.
"""


def test_labelled_counts_and_proposition() -> None:
    (vote,) = find_votes(FULLMAKTIGE, paragraph="§ 76")
    assert (vote.yes, vote.no, vote.abstain, vote.casting_vote) == (23, 22, None, False)
    assert vote.paragraph == "§ 76"
    assert vote.proposition.startswith("Den som önskar bifalla Fredrik Karströms m.fl. yrkande röstar ja")
    assert vote.proposition.endswith("röstar nej.")
    assert vote.outcome and "i enlighet med Fredrik Karströms yrkande" in vote.outcome
    assert vote.voters == ()  # no machine-readable list: left empty, not guessed
    assert FULLMAKTIGE[vote.start:].startswith("Votering begärs")


def test_tie_settled_by_the_chair() -> None:
    text = ("Votering begärs och följande voteringsproposition godkänns:\nDen som önskar bifalla A:s yrkande "
            "röstar ja och den som önskar bifalla B:s yrkande röstar nej.\n\nJa: 22, Nej: 22.\n\n"
            "Ordföranden förklarar att kommunfullmäktige med ordförandes utslagsröst därmed har beslutat "
            "i enlighet med A:s yrkande.\n")
    (vote,) = find_votes(text)
    assert (vote.yes, vote.no, vote.casting_vote) == (22, 22, True)


def test_counts_on_separate_lines_with_abstentions() -> None:
    (vote,) = find_votes("Votering begärs.\n\nBilaga A\n\nJa: 20\nNej: 24\nAvstår: 1\n\nOrdföranden förklarar "
                         "att kommunfullmäktige därmed har beslutat avslå yrkandet.\n")
    assert (vote.yes, vote.no, vote.abstain) == (20, 24, 1)


def test_prose_counts_and_voter_table_across_a_page_break() -> None:
    (vote,) = find_votes(NAMND)
    assert (vote.yes, vote.no, vote.abstain) == (3, 1, 1)
    assert "Ja-röst innebär bifall till Hravn Forsnes (M) yrkande." in vote.proposition
    assert "Nej-röst innebär" in vote.proposition
    assert vote.outcome and vote.outcome.startswith("Ordföranden finner att nämnden, med 3 ja-röster")
    assert vote.voters == (
        Voter("Monica Neptun", "L", "ja"), Voter("Ermin Škorić", "S", "nej"), Voter("Annika Carlsson", "M", "ja"),
        Voter("Göran Ottosson", "SD", "avstår"), Voter("Hravn Forsne", "M", "ja"))
    assert sum(v.choice == "ja" for v in vote.voters) == vote.yes


def test_two_voteringar_in_one_item_are_two_votes() -> None:
    votes = find_votes(FULLMAKTIGE + "\n" + FULLMAKTIGE.replace("23, Nej: 22", "30, Nej: 15"))
    assert [(v.yes, v.no) for v in votes] == [(23, 22), (30, 15)]
    assert votes[0].end <= votes[1].start


def test_reservations_name_people_and_parties() -> None:
    found = find_reservations(FULLMAKTIGE)
    assert [r.who for r in found][0] == (Person("Per Bengtsson", "S"), Person("Rune Netterlid", "S"),
                                         Person("Marie Sand", "S"), Person("Karl-Gustav Nilsson", "S"))
    assert [r.written for r in found] == [True, True, False]
    assert found[1].parties == ("L",) and [p.name for p in found[1].who] == ["Sandra Pilemalm", "Alexander Werne"]
    assert found[2].who == (Person("Ida Alm", "L"),) and found[2].against == "till förmån för sitt eget yrkande"
    assert all("reserverar sig" in FULLMAKTIGE[r.start:r.end] for r in found)


def test_reservation_against_the_decision() -> None:
    (reservation,) = find_reservations(NAMND)
    assert [p.name for p in reservation.who] == ["Ermin Škorić", "Astrid Börjesson", "Eva Tingström"]
    assert reservation.against == "mot beslutet till förmån för eget förslag" and not reservation.written


def test_we_reserve_without_names_is_no_reservation() -> None:
    assert find_reservations("Vi reserverar oss mot beslutet att föreslå stängning av Strandskolan.") == ()


def test_parse_person() -> None:
    assert parse_person("Monica Neptun (L) 1:e vice<br>ordförande") == Person("Monica Neptun", "L",
                                                                              "1:e vice ordförande")
    assert parse_person("Maj-Britt Rane-Andersson, (S)") == Person("Maj-Britt Rane-Andersson", "S")
    assert parse_person("Totalt") is None


def _read(name: str) -> str:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (../shared/corpora is absent outside CI)")
    return path.read_text(encoding="utf-8")


def test_lomma_school_closure_vote_23_22() -> None:
    text = _read("lomma/KF-2025-10-16.txt")
    votes = find_votes(text)
    assert [(v.yes, v.no) for v in votes] == [(23, 22), (23, 22), (23, 22)]
    reservations = find_reservations(text)
    assert {p for r in reservations for p in r.parties} == {"S", "SD", "F", "L", "MP"}
    assert any(Person("Karl-Gustav Nilsson", "S") in r.who for r in reservations)


def test_lomma_tie_with_casting_vote_22_22() -> None:
    (vote,) = find_votes(_read("lomma/KF-2026-05-07.txt"))
    assert (vote.yes, vote.no, vote.casting_vote) == (22, 22, True)


def test_kungsbacka_vote_table_matches_its_counts() -> None:
    votes = find_votes(_read("kungsbacka/vo_2025-09-04_protokoll.md"))
    assert [(v.yes, v.no, v.abstain) for v in votes] == [(6, 3, 2), (8, 3, None), (6, 5, None)]
    for vote in votes:
        assert len(vote.voters) == 11
        assert sum(v.choice == "ja" for v in vote.voters) == vote.yes
        assert sum(v.choice == "nej" for v in vote.voters) == vote.no


def test_votering_and_reservation_become_citable_sections() -> None:
    from corpus.parse import parse_file

    path = SHARED / "lomma" / "KF-2025-10-16.txt"
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (../shared/corpora is absent outside CI)")
    doc = parse_file(path)
    item = next(i for i in doc.items if len(i.votes) == 2)
    named = {s.name: doc.text[s.start:s.end] for s in item.sections}
    votering = [doc.text[s.start:s.end] for s in item.sections if s.name == "Votering"]
    assert any("Ja: 23, Nej: 22" in text for text in votering)
    assert "reserverar sig skriftligt" in named["Reservation"]
    assert "Bilaga G" in named["Reservation"]  # the run of reservations is one section
    assert "Strandskolan ska stängas" in named["Beslut"]  # the decision is not swallowed by the votering
    starts = [s.start for s in item.sections]
    assert starts == sorted(starts) and item.sections[0].start == item.start and item.sections[-1].end == item.end


def test_items_without_votes_keep_their_sections() -> None:
    from corpus.lines import split_lines
    from corpus.types import Section
    from corpus.procedure import with_procedure_sections

    text = "Beslut\nNämnden godkänner rapporten.\n"
    sections = (Section("Beslut", "Beslut", "summary", 0, len(text) - 1),)
    assert with_procedure_sections(sections, (), (), split_lines(text)) == sections


NOTES = """Protokollsanteckning

Ersättare Madeleine Höök (L) stödjer Tommy Rydfeldt (L) med fleras förslag.
Ersättare Mats Dahl (SD) stödjer Elisabeth Svensson (SD) med fleras förslag.

Beslutet skickas till
Kommunstyrelsen

Oscar Sedira (SD) lämnar en skriftlig protokollsanteckning.
"""


def test_protocol_notes_name_who_noted() -> None:
    from corpus.votes import find_notes

    heading, sentence = find_notes(NOTES)
    assert [p.name for p in heading.who] == ["Madeleine Höök", "Mats Dahl"]  # not whom they support
    assert heading.text.startswith("Ersättare Madeleine Höök (L) stödjer") and not heading.written
    assert "Beslutet skickas till" not in heading.text
    assert sentence.who == (Person("Oscar Sedira", "SD"),) and sentence.written


def test_votes_survive_the_chunk_record() -> None:
    from corpus.chunking import chunk_document
    from corpus.parse import parse_file
    from index.catalog import chunk_from_record

    path = SHARED / "kungsbacka" / "vo_2025-09-04_protokoll.md"
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (../shared/corpora is absent outside CI)")
    chunks = chunk_document(parse_file(path))
    voting = [c for c in chunks if c.votes]
    assert voting and any(c.section == "Votering" for c in voting)
    assert all(chunk_from_record(c.to_record()) == c for c in voting + [c for c in chunks if c.reservations])
    assert any(len(v.voters) == 11 for c in voting for v in c.votes)


def test_counts_from_the_lists_totals_row_by_column() -> None:
    text = ("Votering begärs och följande voteringsproposition godkänns:\n\nDen som önskar bifalla A:s yrkande "
            "röstar ja och den som önskar bifalla B:s yrkande röstar nej.\n\nVoteringen utfaller enligt följande:\n"
            "Voteringsprotokoll\n Aron Regnéll (M)                   Ja                  Nej  Avstår\n"
            " Per Bengtsson (S)\n Eva Lind (M)                       X\n Totalt                             X\n\n"
            "                                                        X\n\n"
            "                                    7                   6\n\n"
            "Ordföranden förklarar att kommunstyrelsen därmed har beslutat i enlighet med sitt eget yrkande.\n")
    (vote,) = find_votes(text)
    assert (vote.yes, vote.no, vote.abstain) == (7, 6, None)
    assert vote.voters == ()  # the X marks drifted: no names are guessed


def test_every_shared_votering_has_counts() -> None:
    paths = sorted(SHARED.rglob("*.txt")) + sorted(SHARED.rglob("*_protokoll*.md"))
    if not paths:
        pytest.skip(f"shared corpus not found at {SHARED} (../shared/corpora is absent outside CI)")
    votes = [v for path in paths for v in find_votes(path.read_text(encoding="utf-8"))]
    assert len(votes) >= 60 and all(v.yes is not None and v.no is not None for v in votes)
    assert all(v.proposition for v in votes)
