"""Year tables: rows read under their header of years, and a comparison of years answered from one row."""

from __future__ import annotations

from assistant.chat import Assistant
from assistant.settings import ChatSettings
from assistant.tables import best_row, year_rows
from conftest import make_chunk
from tests.fakes import ListSearcher

# 001_b45e768bb4a60bb9.txt (Verksamhetsberättelse 2022), as written: tab-separated under a header of years.
TAB_TABLE = ("Sjukfrånvaron totalt har minskat med 0,5 procentenheter för hela förvaltningen från 2021 till 2022.\n\n"
             "\t2020\t2021\t2022\nTotal Sjukfrånvaro %\t7,1 %\t7,6 %\t7,1 %\n% Dag 1–14\t2,7 %\t2,4 %\t2,7 %\n\n"
             "Korttidsfrånvaron har ökat.")
PIPE_TABLE = "| Nyckeltal | 2024 | 2025 |\n|---|---|---|\n| Nettokostnad, mnkr | 812,4 | 845,0 |\n| Antal brukare | 1 204 | 1 250 |"


def test_rows_are_read_under_their_year_header():
    rows = year_rows(TAB_TABLE)
    assert [r.label for r in rows] == ["Total Sjukfrånvaro %", "% Dag 1–14"]
    assert rows[0].values == {"2020": "7,1 %", "2021": "7,6 %", "2022": "7,1 %"}
    assert year_rows(PIPE_TABLE)[1].values == {"2024": "1 204", "2025": "1 250"}
    assert year_rows("Under 2021 och 2022 ökade kostnaderna.\nIngen tabell här 12 %.") == []


def test_the_row_matching_the_topic_holding_every_year():
    assert best_row({"sjukfr"}, TAB_TABLE, ["2021", "2022"]).label == "Total Sjukfrånvaro %"
    assert best_row({"sjukfr"}, TAB_TABLE, ["2019", "2022"]) is None  # no 2019 column
    assert best_row({"brukar"}, TAB_TABLE, ["2021", "2022"]) is None  # no row about it


def test_a_comparison_of_years_is_answered_cell_by_cell_from_the_row():
    chunk = make_chunk(TAB_TABLE, "vb", title="Verksamhetsberättelse 2022 Socialnämnden", section="Bilaga")
    assistant = Assistant(ListSearcher([chunk]), None, ChatSettings(mode="extractive"))
    answer = assistant.answer("Hur förändrades sjukfrånvaron mellan 2021 och 2022?")
    assert answer.answered and [p.label for p in answer.parts] == ["2021", "2022"]
    assert "7,6 %" in answer.parts[0].text and answer.parts[1].text.startswith("Total Sjukfrånvaro %: 7,1 %")
    assert "tabellens kolumner: 2020, 2021, 2022" in answer.parts[0].text  # the reader can tell the cells apart
    assert all(c.quote in chunk.text for c in answer.citations)


def test_a_row_of_figures_only_is_labelled_by_the_caption_above_its_header():
    # 004_45a1c237a718c0b7.txt (Tyresö verksamhetsberättelse 2018), as written: no label cell in the row.
    text = ("Nedan redovisas individ- och familjeomsorgens resultat avseende mottagande av ensamkommande barn och unga "
            "under åren 2013-2018 i mkr.\n\n2013\t2014\t2015\t2016\t2017\t2018\n3,3\t4,2\t7\t20,4\t-7,6\t-11,5\n\n"
            "## Uppföljning av plan")
    rows = year_rows(text)
    assert len(rows) == 1 and rows[0].label.startswith("Nedan redovisas") and rows[0].line == "3,3\t4,2\t7\t20,4\t-7,6\t-11,5"
    assert rows[0].values["2016"] == "20,4" and rows[0].values["2018"] == "-11,5"
    assert best_row({"ensamk", "mottag", "result"}, text, ["2016", "2018"]).values["2016"] == "20,4"
