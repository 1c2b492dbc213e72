"""Comparisons: one retrieved and cited answer per year or kommun named, returned as Answer.parts."""

from __future__ import annotations

from assistant.chat import Assistant
from assistant.settings import ChatSettings
from conftest import make_chunk
from tests.fakes import ListSearcher

VB2021 = "Socialnämnden redovisar ett överskott på 12,3 mkr för 2021."
VB2022 = "Socialnämnden redovisar ett överskott på 78,5 mkr för 2022."
LOMMA = "Barn- och utbildningsnämnden redovisar ett underskott på 4 mkr för 2023."


def _chunks() -> list:
    return [
        make_chunk(VB2021, "vb2021", dnr=("SN/2022:50",), date="2022-02-15", title="Verksamhetsberättelse 2021",
                   source_file="010_kallelse.txt"),
        make_chunk(VB2022, "vb2022", title="Verksamhetsberättelse 2022"),
        make_chunk(LOMMA, "lomma", dnr=("BUN/2024:3",), date="2024-02-20", kommun="Lomma",
                   committee="Barn- och utbildningsnämnden", title="Årsredovisning 2023", source_file="011_protokoll.txt"),
    ]


def _ask(question: str):
    answer = Assistant(ListSearcher(_chunks()), None, ChatSettings(mode="extractive")).answer(question)
    by_id = {h.chunk.chunk_id: h.chunk for h in answer.sources}
    assert all(c.quote in by_id[c.chunk_id].text for c in answer.citations)
    return answer


def test_each_year_gets_its_own_cited_part():
    answer = _ask("Hur stort var socialnämndens överskott 2021 jämfört med 2022?")
    assert answer.answered and answer.route == "compare"
    assert [p.label for p in answer.parts] == ["2021", "2022"]
    first, second = answer.parts
    assert "12,3 mkr" in first.text and {c.chunk_id for c in first.citations} == {"vb2021"}
    assert "78,5 mkr" in second.text and {c.chunk_id for c in second.citations} == {"vb2022"}
    assert "12,3 mkr" in answer.text and "78,5 mkr" in answer.text  # the table's rows are in the text too
    numbers = {c.number for c in answer.citations}
    assert all(c.number in numbers and f"[{c.number}]" in p.text for p in answer.parts for c in p.citations)


def test_a_part_without_evidence_says_so():
    answer = _ask("Hur stort var socialnämndens överskott 2021 jämfört med 2019?")
    parts = {p.label: p for p in answer.parts}
    assert parts["2021"].answered and not parts["2019"].answered and not parts["2019"].citations


def test_each_kommun_is_searched_with_its_own_filter():
    searcher = ListSearcher(_chunks())
    Assistant(searcher, None, ChatSettings(mode="extractive")).answer(
        "Hur stort var resultatet i Botkyrka jämfört med Lomma?")
    kommuner = [f.kommun for _, f in searcher.queries if f is not None]
    assert "Botkyrka" in kommuner and "Lomma" in kommuner


def test_a_question_across_meetings_gets_one_row_per_meeting_oldest_first():
    chunks = [
        make_chunk("Socialnämnden rekvirerade statsbidrag på 607 473 kronor för ökad bemanning.", "sb2016",
                   dnr=("SN/2016:132",), date="2016-09-27", title="Statsbidrag för ökad bemanning 2016",
                   source_file="002_kallelse.txt"),
        make_chunk("Socialnämnden återrapporterar statsbidrag på 1 455 042 kronor för familjehemsplaceringar.", "sb2023",
                   dnr=("SN/2022:109",), title="Återrapportering av statsbidrag 2022"),
    ]
    answer = Assistant(ListSearcher(chunks), None, ChatSettings(mode="extractive")).answer(
        "Vilka statsbidrag har socialnämnden rekvirerat eller återrapporterat?")
    assert answer.answered and answer.route == "timeline"
    assert [p.label[-10:] for p in answer.parts] == ["2016-09-27", "2023-02-14"]
    assert "607 473" in answer.parts[0].text and "1 455 042" in answer.parts[1].text


def test_a_comparison_of_a_fee_quotes_each_years_figure_not_the_decision_setting_it():
    """"Hur ändrades maxtaxan …": the row "Omsorgsavgift (maxtaxan) 2 642 kr/månad" answers, not "… fastställer taxor"."""
    def taxa(year: int, fee: str, chunk_id: str):
        text = (f"Nämnden för Vård & Omsorg fastställer taxor och avgifter för {year}.\n\n"
                f"Taxor och avgifter {year}\nOmsorgsavgift (maxtaxan) {fee} kr/månad")
        return make_chunk(text, chunk_id, dnr=(f"VO/{year - 1}:380",), date=f"{year - 1}-10-16", kommun="Kungsbacka",
                          committee="Nämnden för Vård & Omsorg", section="Beslut", title=f"Taxor och avgifter {year}",
                          doc_type="protokoll", source_file=f"vo_{year - 1}.md")

    searcher = ListSearcher([taxa(2025, "2 642", "t25"), taxa(2026, "2 660", "t26")])
    answer = Assistant(searcher, None, ChatSettings(mode="extractive")).answer(
        "Hur ändrades maxtaxan i Kungsbackas äldreomsorg mellan 2025 och 2026?")
    parts = {p.label: p.text for p in answer.parts}
    assert answer.route == "compare" and "2 642 kr/månad" in parts["2025"] and "2 660 kr/månad" in parts["2026"], parts
