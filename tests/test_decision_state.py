"""Decision state of chunks (corpus/decision_state.py), by rule and on real parsed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.chunking import chunk_document
from corpus.decision_state import decision_state
from corpus.parse import parse_file

SAMPLES = Path(__file__).parents[1] / "corpus" / "samples"


@pytest.mark.parametrize(("doc_type", "section", "layer", "state"), [
    ("protokoll", "Beslut", "summary", "beslut"),
    ("protokollsutdrag", "Beslut", "summary", "beslut"),
    ("protokoll", "Förslag till beslut", "summary", "förslag"),  # the proposal the protocol quotes
    ("protokoll", "Beslutsunderlag", "summary", "förslag"),
    ("protokoll", "Beslut", "tjansteskrivelse", "förslag"),  # a tjänsteskrivelse's "Beslut" proposes
    ("protokoll", "Ärendet", "summary", None),
    ("protokoll", "Beslut", "bilaga", None),
    ("kallelse", "Beslut", "summary", "förslag"),  # printed before the meeting (CORPUS_NOTES §10.1)
    ("kallelse", "Ärendet", "summary", "förslag"),
    ("tjänsteskrivelse", "Bakgrund", "summary", "förslag"),
    ("okänd", "Beslut", "summary", None),  # unknown document: no claim either way
])
def test_rules(doc_type: str, section: str, layer: str, state: str | None) -> None:
    assert decision_state(doc_type, section, layer) == state


def test_header_states_nothing() -> None:
    assert decision_state("protokoll", "Protokoll", None, in_item=False) is None
    assert decision_state("kallelse", "Kallelse", None, in_item=False) is None


def test_chunks_carry_their_state() -> None:
    protocol = chunk_document(parse_file(SAMPLES / "004_45a1c237a718c0b7.txt"))
    decided = [c for c in protocol if c.decision_state == "beslut"]
    assert decided and all(c.section == "Beslut" and c.layer == "summary" for c in decided)
    kallelse = chunk_document(parse_file(SAMPLES / "001_b45e768bb4a60bb9.txt"))
    assert not any(c.decision_state == "beslut" for c in kallelse)
    assert any(c.decision_state == "förslag" and c.section == "Beslut" for c in kallelse)
    assert all(c.decision_state is None for c in kallelse if c.item_title is None)


def test_state_survives_the_record() -> None:
    from index.catalog import chunk_from_record

    chunk = next(c for c in chunk_document(parse_file(SAMPLES / "004_45a1c237a718c0b7.txt"))
                 if c.decision_state == "beslut")
    assert chunk_from_record(chunk.to_record()) == chunk


def test_the_protocols_decision_goes_before_the_kallelses_proposal_of_the_same_meeting() -> None:
    from assistant.decision_state import protocol_first
    from conftest import make_chunk
    from index.types import Hit

    common = dict(dnr=("VO/2025:195",), committee="Nämnden för Vård & Omsorg", date="2025-11-13",
                  title="Strategi för förnyelsearbete")
    proposal = make_chunk("Nämnden antar Strategi för förnyelsearbete.", "k", section="Förslag till beslut", **common)
    background = make_chunk("Strategin följs upp årligen.", "a", section="Ärendet", **common)
    other = make_chunk("Nämnden antar intern kontrollplan 2026.", "o", section="Beslut", doc_type="protokoll",
                       dnr=("VO/2025:220",))
    decided = make_chunk("Nämnden antar Alliansens Strategi för förnyelsearbete.", "p", section="Beslut",
                         doc_type="protokoll", **common)
    earlier = make_chunk("Nämnden antar Strategi för förnyelsearbete.", "e", section="Beslut", doc_type="protokoll",
                         **{**common, "date": "2025-09-04"})
    hits = [Hit(c, 1.0, "fused", i, 0.9) for i, c in enumerate((proposal, background, other, decided, earlier), 1)]
    assert [h.chunk.chunk_id for h in protocol_first(hits)] == ["p", "a", "o", "k", "e"]
