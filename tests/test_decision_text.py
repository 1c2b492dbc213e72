"""The whole decision of a Beslut chunk: lead-in and every att-sats, verbatim, without furniture or next blocks."""

from __future__ import annotations

from assistant.decision_text import MAX_DECISION_CHARS, decision_span
from conftest import make_chunk

# vo_2024-10-17_protokoll.md § 133, as written.
VO = ("§ 133                      Dnr VO-2023-00225\nUtdelning av Studentstipendium 2024 - Nämnden för Vård & Omsorg\n\n"
      "Beslut\n\nNämnden för Vård & Omsorg tilldelar årets Studentstipendium till Ebba Paavonen\noch Joakim "
      "Mannerhagen, för uppsatsen.\n\nPrissumman om 15 000 kronor delas mellan stipendiaterna.\n\n"
      "Beskrivning av ärendet\nDen 11 maj 2022 biföll nämnden ett initiativ.")


def _quote(text: str, section: str = "Beslut") -> str | None:
    chunk = make_chunk(text, "c", section=section, doc_type="protokoll")
    span = decision_span(chunk)
    return None if span is None else chunk.text[span[0]:span[1]]


def test_the_decision_runs_from_after_the_heading_to_the_next_block():
    quote = _quote(VO)
    assert quote is not None and quote.startswith("Nämnden för Vård & Omsorg tilldelar")
    assert quote.endswith("delas mellan stipendiaterna.") and "Beskrivning" not in quote


def test_only_a_short_beslut_section_is_a_decision():
    assert _quote(VO, section="Sammanfattning") is None
    assert _quote("Beslut\n" + "- att anslaget ökas med 100 tkr,\n" * (MAX_DECISION_CHARS // 20)) is None
    assert _quote("Beslut\n\n") is None
