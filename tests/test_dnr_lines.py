"""A dnr question answered by a listed line that writes the number next to the title it numbers."""

from __future__ import annotations

from assistant.dnr_lines import dnr_line_first
from conftest import make_chunk
from index.types import Hit
from tests.fakes import ListSearcher

LISTED = ("Till verksamhetsberättelsen hör följande handlingar:\nPatientsäkerhetsberättelse 2019, SN/2019:572\n"
          "Uppföljning av internkontrollplan 2019, SN/2019:24\nKvalitetsberättelse 2019 , SN/2020:57\n")


def _hits(*chunks):
    return [Hit(c, 1.0, "fused", i, 0.9) for i, c in enumerate(chunks, 1)]


def test_a_listed_line_numbering_the_asked_title_goes_first():
    other_year = make_chunk("Socialnämnden godkänner uppföljningen av internkontrollplanen 2022.", "ikp22",
                            title="Uppföljning av socialnämndens internkontrollplan 2022", dnr=("SN/2023:557",))
    listing = make_chunk(LISTED, "vb", title="Verksamhetsberättelse", dnr=("SN/2020:33",), date="2020-02-18")
    question = "Vilket diarienummer har uppföljningen av internkontrollplanen 2019?"
    got = dnr_line_first(question, _hits(other_year, listing), ListSearcher([other_year, listing]))
    assert [h.chunk.chunk_id for h in got] == ["vb", "ikp22"]


def test_a_line_matching_only_the_year_or_naming_another_year_does_not():
    report = make_chunk("Socialnämnden godkänner verksamhetsberättelsen för 2019.", "vb19", title="Verksamhetsberättelse",
                        dnr=("SN/2020:33",), date="2020-02-18")
    listing = make_chunk(LISTED + "03 Verksamhetsberättelse 2022 Socialnämnden (SN 2023:00554)\n", "list",
                         title="Anmälningsärenden", dnr=("SN/2023:596",))
    question = "Vilket diarienummer har socialnämndens verksamhetsberättelse för 2019?"
    got = dnr_line_first(question, _hits(report, listing), ListSearcher([report, listing]))
    assert [h.chunk.chunk_id for h in got] == ["vb19", "list"]
