"""Meeting people and dates from protocol cover blocks (corpus/people.py), all three layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.people import find_people
from corpus.types import Person

SAMPLES = Path(__file__).parents[1] / "corpus" / "samples"
SHARED = Path(__file__).parents[2] / "shared" / "corpora"

COVER = """Beslutande ledamöter:               Se nästa sida
Tjänstgörande ersättare:            Se nästa sida

Utses att justera:                  Marie Sand och Sandra Pilemalm
Justering:
Paragraf:                           Digital justering, 2025-10-24

Sekreterare:                        Maria Zingmark
Ordförande:                         Marie Nilsson
Justerande:                         Marie Sand, Per Bengtsson

Anslaget sätts upp:                 2025-10-24
Anslaget tas ned:                   2025-11-15
\fKOMMUNFULLMÄKTIGE                       SAMMANTRÄDESPROTOKOLL
Beslutande ledamöter:
Marie Nilsson (M) ordförande
Bert Larsson (M) 1:e vice ordförande
Per Bengtsson (S)
Emma Köster (M)

Tjänstgörande ersättare:
Jeanette Schönknecht (M) ersätter Emma Köster (M)

Justerande                              Utdragsbestyrkande
\fKOMMUNFULLMÄKTIGE                                  SAMMANTRÄDESPROTOKOLL
Andreas Svensson (F) ersätter Kristina Thored (F)  Sammanträdesdatum

Ej tjänstgörande ersättare:
Miriam Svensson (M)
"""


def test_cover_block_labels() -> None:
    people = find_people(COVER)
    assert (people.justering_date, people.anslag_date, people.anslag_removed_date) == (
        "2025-10-24", "2025-10-24", "2025-11-15")
    assert (people.chair, people.secretary) == ("Marie Nilsson", "Maria Zingmark")
    assert people.adjusters == ("Marie Sand", "Per Bengtsson")  # who signed, not who was appointed


def test_members_and_serving_substitutes_across_a_page_break() -> None:
    people = find_people(COVER)
    assert people.members[:2] == (Person("Marie Nilsson", "M", "ordförande"),
                                  Person("Bert Larsson", "M", "1:e vice ordförande"))
    assert [p.name for p in people.substitutes] == ["Jeanette Schönknecht", "Andreas Svensson"]
    assert people.substitutes[0].role == "ersätter Emma Köster (M)"
    assert "Miriam Svensson" not in {p.name for p in people.members + people.substitutes}  # not serving


def test_appointed_adjuster_when_no_one_signed() -> None:
    assert find_people("Utses att justera: Ulf Richeberg\nParagraf: § 59 - § 73\n").adjusters == ("Ulf Richeberg",)


def test_prose_is_no_label() -> None:
    people = find_people("Ordförande Hravn Forsne (M) finner att det finns två förslag till beslut.\n")
    assert people.chair is None and people.members == ()


def test_kallelse_reads_only_chair_and_secretary() -> None:
    people = find_people((SAMPLES / "001_b45e768bb4a60bb9.txt").read_text(encoding="utf-8"), "kallelse")
    assert (people.chair, people.secretary) == ("Ing-Marie Viklund", "Anneli Sjöberg")
    assert people.justering_date is None and people.members == ()


def test_bundled_protocol_cover_block_at_the_end() -> None:
    people = find_people((SAMPLES / "004_45a1c237a718c0b7.txt").read_text(encoding="utf-8"))
    assert people.justering_date == "2019-03-06"
    assert (people.anslag_date, people.anslag_removed_date) == ("2019-03-07", "2019-03-29")
    assert people.chair == "Christoffer Holmström"  # the vice ordförande chaired
    assert people.secretary == "Linda Grafström" and people.adjusters == ("Dick Bengtson",)
    assert len(people.members) == 11 and people.members[0] == Person("Christoffer Holmström", "S")


def _read(name: str) -> str:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (../shared/corpora is absent outside CI)")
    return path.read_text(encoding="utf-8")


def test_lomma_fullmaktige() -> None:
    people = find_people(_read("lomma/KF-2025-10-16.txt"))
    assert (people.justering_date, people.anslag_removed_date) == ("2025-10-24", "2025-11-15")
    assert people.chair == "Marie Nilsson" and people.secretary == "Maria Zingmark"
    # 35 beslutande ledamöter + 10 tjänstgörande ersättare = the 45 seats of the 23–22 vote
    assert len(people.members) + len(people.substitutes) == 45


def test_kungsbacka_two_column_cover() -> None:
    people = find_people(_read("kungsbacka/vo_2025-09-04_protokoll.md"))
    assert (people.chair, people.secretary, people.adjusters) == ("Hravn Forsne", "Vera Lagerström",
                                                                  ("Bengt Alderin",))
    assert len(people.members) == 11 and people.members[0] == Person("Hravn Forsne", "M", "ordförande")
    assert people.anslag_date is None  # the layout publishes no anslag dates: left empty


def test_people_survive_the_record_and_old_records_still_load() -> None:
    from corpus.chunking import chunk_document
    from corpus.parse import parse_file
    from index.catalog import chunk_from_record

    chunk = chunk_document(parse_file(SAMPLES / "004_45a1c237a718c0b7.txt"))[0]
    assert chunk.meeting.secretary == "Linda Grafström" and len(chunk.meeting.members) == 11
    assert chunk_from_record(chunk.to_record()) == chunk
    new_keys = {"decision_state", "votes", "reservations", "notes", "justering_date", "anslag_date",
                "anslag_removed_date", "chair", "secretary", "adjusters", "members", "substitutes"}
    old = {k: v for k, v in chunk.to_record().items() if k not in new_keys}  # a record from before
    loaded = chunk_from_record(old)
    assert loaded.meeting.members == () and loaded.votes == () and loaded.decision_state is None
    assert (loaded.meeting.kommun, loaded.meeting.date, loaded.text) == (chunk.meeting.kommun, chunk.meeting.date,
                                                                         chunk.text)


def test_a_signature_names_the_chair_above_the_role_and_a_wrapped_role_names_nobody() -> None:
    kallelse = "KALLELSE\n\nNIKLAS GLADH\nordförande\n\nHravn Forsne (M)      Vera Lagerström\n"
    assert find_people(kallelse, "kallelse").chair == "Niklas Gladh"
    two_columns = "Anna Berg (M)                  Vera Lagerström\nordförande                     nämndsekreterare\n"
    people = find_people(two_columns, "kallelse")
    assert (people.chair, people.secretary) == ("Anna Berg", "Vera Lagerström")
    protocol = ("Beslutande    Ledamöter\nTommy Rydfeldt (L), ordförande\nMaj-Britt Rane-Andersson (S), 2:e vice\n"
                "ordförande                    Tina Hald (SD)\nLars Blom (M)\n\nSekreterare   Josefine Jönsson\n")
    assert find_people(protocol, "protokoll").chair == "Tommy Rydfeldt"
