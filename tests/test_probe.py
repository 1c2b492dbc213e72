"""eval/probe.py: questions generated from parsed cases and meetings, and how an answer is judged against them."""

from __future__ import annotations

import random
from dataclasses import replace

from assistant.chat import Assistant
from assistant.settings import ChatSettings
from conftest import make_chunk
from eval.probe import ProbeCase, case_questions, meeting_questions, passes, run_probe, summary, swedish_date
from tests.fakes import ListSearcher

DECISION = "Socialnämnden godkänner yttrandet över revisionskrivelsen och överlämnar det till revisorerna."
TITLE = "Yttrande över revisionskrivelse om ekonomiskt bistånd"


def _decision(dnr: str = "SN/2023:144", written: str = "SN/2023:00144", title: str = TITLE):
    chunk = make_chunk(DECISION, "d-" + dnr, dnr=(dnr,), section="Beslut", title=title, doc_type="protokoll")
    return replace(chunk, diarienummer_as_written=(written,))


def test_case_questions_ask_the_dnr_as_written_and_the_title_back():
    cases = case_questions([_decision(written="IF-2023-<br>00055", dnr="IF/2023:55")], random.Random(1), 5)
    kinds = [c.kind for c in cases]
    assert kinds == ["case", "case", "case_en", "dnr", "dnr", "dnr_paraphrase", "dnr_paraphrase"]
    assert cases[0].question == "Vad gällde ärende IF-2023-00055?"  # a table cell's <br> is not typed by anyone
    assert cases[0].all_of == ("yttrande", "revisionskrivelse", "ekonomiskt")
    assert cases[3].question == f"Vilket diarienummer har ärendet {TITLE[0].lower() + TITLE[1:]}?" and cases[3].dnr == "IF/2023:55"
    # As users ask: the title's own words without its framing ("Yttrande över …"), with the nämnd and month.
    assert cases[5].question == "Vilket diarienummer har ärendet om revisionskrivelse ekonomiskt bistånd?"
    assert cases[6].question == ("vilket dnr hade socialnämndens ärende om revisionskrivelse ekonomiskt bistånd i "
                                 "februari 2023?") and cases[6].dnr == "IF/2023:55"


def test_a_case_prepared_by_another_body_is_asked_by_its_own_number():
    cases = case_questions([_decision(dnr="KS KF/2024:344", written="KS KF/2024:344")], random.Random(1), 1)
    assert cases[0].question == "Vad gällde ärende KF/2024:344?" and cases[3].dnr == "KF/2024:344"


def test_meeting_questions_come_from_protocols_with_the_parsed_facts():
    protocol = make_chunk("Beslut", "p", doc_type="protokoll").meeting
    protocol = replace(protocol, chair="Ing-Marie Viklund", adjusters=("Per Bengtsson",))
    kallelse = make_chunk("Kallelse", "k", date="2023-03-14").meeting  # no protocol: no questions
    cases = meeting_questions([protocol, kallelse, protocol], random.Random(1), 10)
    by_kind = {c.kind: c for c in cases}
    assert len(cases) == 6 and set(by_kind) == {"meeting_date", "meeting_date_en", "meeting_date_paraphrase", "place",
                                                "chair", "justerare"}
    assert by_kind["meeting_date_paraphrase"].question == "vilket datum hade socialnämnden sitt sammanträde i februari 2023?"
    assert by_kind["meeting_date"].question == "När sammanträdde socialnämnden i Botkyrka i februari 2023?"
    assert by_kind["meeting_date"].gold == ("2023-02-14", "14 februari 2023") and swedish_date("2025-01-02") == "2 januari 2025"
    assert by_kind["chair"].gold == ("Viklund",) and by_kind["place"].gold == ("Kommunhuset",)


def test_passes_needs_an_answer_stating_the_gold():
    dnr = ProbeCase("dnr", "q", dnr="IF/2023:55")
    assert passes(dnr, True, "Diarienummer: IF-2023-00055 (IF/2023:55) [1]")
    assert not passes(dnr, True, "Diarienummer: IF/2023:56 [1]") and not passes(dnr, False, "IF/2023:55")
    assert passes(ProbeCase("case", "q", all_of=("yttrande", "bistånd")), True, "Ärende: Yttrande om ekonomiskt\nbistånd")
    assert not passes(ProbeCase("chair", "q", ("Viklund",)), True, "Ordförande: Niklas Gladh")


def test_a_probe_over_a_real_assistant_counts_per_kind():
    chunks = [_decision(), make_chunk("Revisorerna har granskat hur nämnderna arbetar med ekonomiskt bistånd.", "s",
                                      dnr=("SN/2023:144",), section="Sammanfattning", title=TITLE)]
    assistant = Assistant(ListSearcher(chunks), None, ChatSettings(mode="extractive"))

    def ask(question: str) -> tuple[bool, str, str]:
        answer = assistant.answer(question)
        return answer.answered, answer.route, answer.text

    results = run_probe(case_questions(chunks, random.Random(1), 1), ask)
    table = summary(results)
    assert table["case"] == (2, 2) and table["total"][1] == 7, [(r.case.question, r.text) for r in results]


def test_probe_without_an_index_says_what_to_run(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from ui.cli import app

    monkeypatch.setenv("NAMND_DATA_DIR", str(tmp_path / "empty"))
    result = CliRunner().invoke(app, ["probe", "--n", "2"])
    assert result.exit_code == 1 and "namnd ingest" in result.stderr, (result.stdout, result.stderr)
