"""LLM mode's short answer: which sentences the model sees, and the claim check against those sentences only."""

from __future__ import annotations

import pytest

from assistant.prompts import SYSTEM_SV
from assistant.summary import (
    Quoted, finished_summary, prompt_sources, quoted_evidence, summary_messages, summary_so_far, verify_summary,
)
from conftest import VB2022, make_chunk
from index.types import Hit

EXTRACTIVE = (
    "Utdrag ur handlingarna som bäst matchar frågan:\n"
    "- »För 2022 redovisar nämnden ett överskott på 78,5 miljoner kronor vilket motsvarar en positiv "
    "budgetavvikelse på 11 procent.« [1]\n"
    "- »Alla verksamheter visar budget i balans eller ett överskott.« [1]\n"
    "- »Socialnämnden har ett utfall som är 22 mkr över budget.« [2] (proposed)"
)


def _hits() -> list[Hit]:
    return [Hit(make_chunk(VB2022, "a"), 0.9, "fused", 1),
            Hit(make_chunk("Socialnämnden har ett utfall som är 22 mkr över budget.", "b", date="2020-02-18"),
                0.8, "fused", 2)]


def test_quoted_evidence_groups_the_quoted_sentences_by_source_number():
    evidence = quoted_evidence(EXTRACTIVE, _hits())
    assert [q.number for q in evidence] == [1, 2]
    assert len(evidence[0].sentences) == 2 and evidence[1].sentences[0].endswith("över budget.")


def test_quoted_evidence_ignores_numbers_without_a_source():
    assert quoted_evidence("- »Något.« [9]", _hits()) == []


def test_the_prompt_holds_only_the_quotes_and_the_question():
    system, user = summary_messages("Hur stort överskott?", quoted_evidence(EXTRACTIVE, _hits()), "sv")
    assert system.content == SYSTEM_SV
    assert "78,5 miljoner" in user.content and "38,5" not in user.content  # the unquoted sentence stays out
    assert "[1] Dnr" in user.content and "[2] Dnr" in user.content and "Fråga: Hur stort överskott?" in user.content


def test_a_claim_backed_by_a_quoted_sentence_is_kept():
    summary = verify_summary("Nämnden redovisade ett överskott på 78,5 miljoner kronor [1].",
                             quoted_evidence(EXTRACTIVE, _hits()))
    assert summary.text == "Nämnden redovisade ett överskott på 78,5 miljoner kronor [1]."


def test_a_wrong_source_marker_is_re_cited_to_the_quote_that_holds_the_fact():
    summary = verify_summary("Utfallet var 22 mkr över budget [1].", quoted_evidence(EXTRACTIVE, _hits()))
    assert summary.text == "Utfallet var 22 mkr över budget [2]."


def test_one_unbacked_claim_withholds_the_whole_summary():
    evidence = quoted_evidence(EXTRACTIVE, _hits())
    summary = verify_summary("Överskottet var 78,5 miljoner kronor [1]. Det ökade med 38,5 miljoner [1].", evidence)
    assert summary.text is None and summary.reason


def test_refusals_markers_alone_and_empty_replies_are_withheld():
    evidence = quoted_evidence(EXTRACTIVE, _hits())
    for reply in ("Det framgår inte av handlingarna.", "[1]", "  ", "Källorna nämns inte [1]."):
        assert verify_summary(reply, evidence).text is None


def test_a_quoted_number_with_another_unit_withholds_the_summary():
    evidence = quoted_evidence(EXTRACTIVE, _hits())
    assert verify_summary("Utfallet låg 22 meter över budget [2].", evidence).text is None
    assert verify_summary("Utfallet låg 22 mkr över budget [2].", evidence).text is not None
    assert verify_summary("Överskottet var 78,5 miljoner kronor, 11 procent [1].", evidence).text is not None


def test_a_date_its_quote_lacks_is_caught_by_the_claim_check():
    summary = verify_summary("Nämnden redovisade 78,5 miljoner kronor den 3 mars 2023 [1].",
                             quoted_evidence(EXTRACTIVE, _hits()))
    assert summary.text is None and "replaced 1" in summary.reason


def test_a_bare_but_backed_sentence_gets_its_marker():
    summary = verify_summary("Nämnden redovisade ett överskott på 78,5 miljoner kronor.", quoted_evidence(EXTRACTIVE, _hits()))
    assert summary.text == "Nämnden redovisade ett överskott på 78,5 miljoner kronor [1]."


# --- what the model sees and where its reply is cut (prompt tokens and generated tokens are the latency) ---


def test_a_meeting_every_source_shares_is_named_once():
    hits = [Hit(make_chunk(VB2022, "a", section="Beslut"), 0.9, "fused", 1),
            Hit(make_chunk("Alla verksamheter visar budget i balans.", "b"), 0.8, "fused", 2)]
    quoted = [Quoted(1, hits[0], (VB2022,)), Quoted(2, hits[1], ("Alla verksamheter visar budget i balans.",))]
    text = prompt_sources(quoted, "sv")
    assert text.splitlines()[0] == ("Alla citat: Verksamhetsberättelse 2022 Socialnämnden · "
                                    "Socialnämnden, Botkyrka, 2023-02-14 (kallelse)")
    assert "[1] Dnr SN/2023:554 · Beslut\n<<<\n" in text and "[2] Dnr SN/2023:554 · Sammanfattning\n<<<\n" in text
    assert text.count("Botkyrka") == 1


def test_sources_from_different_meetings_keep_their_own_headers():
    text = prompt_sources(quoted_evidence(EXTRACTIVE, _hits()), "sv")  # dated 2023-02-14 and 2020-02-18
    assert "Alla citat" not in text and text.count("Socialnämnden, Botkyrka") == 2


@pytest.mark.parametrize(("reply", "capped", "expected"), [
    ("Överskottet var 78,5 mnkr [1].", False, None),  # the model may add a second sentence
    ("Överskottet var 78,5 mnkr. [1] Det berodde på inköp [1]. Vidare", False,
     "Överskottet var 78,5 mnkr. [1] Det berodde på inköp [1]."),  # a third sentence has begun
    ("Det berodde bl.a. på inköp [1]. Och", False, None),  # "bl.a." ends no sentence
    ("Överskottet var 78,5 mnkr [1].\n\nFråga: nästa", False, "Överskottet var 78,5 mnkr [1]."),
    ("Överskottet var 78,5 mnkr [1]\n[2] Dnr SN/2023:554", False, "Överskottet var 78,5 mnkr [1]"),
    ("Överskottet var 78,5 mnkr [1]. Det berodde på", True, "Överskottet var 78,5 mnkr [1]."),
    ("Överskottet var 78,5 mnkr. [", True, "Överskottet var 78,5 mnkr."),  # the cap split a marker
    ("Överskottet var 78,5 mnkr och", True, ""),  # half a sentence is never shown
])
def test_the_reply_is_done_at_a_stop_a_third_sentence_or_the_cap(reply, capped, expected):
    assert summary_so_far(reply, capped=capped) == expected


def test_a_reply_the_model_ended_keeps_at_most_two_sentences():
    assert finished_summary(" A var 1 mnkr [1]. B var 2 mnkr [2]. C var 3 mnkr [3].") == "A var 1 mnkr [1]. B var 2 mnkr [2]."
    assert finished_summary("Beslutet fattades 2023. [1]\n") == "Beslutet fattades 2023. [1]"


def test_the_assistant_stops_reading_the_model_after_two_sentences(chat_chunks):
    from assistant.chat import Assistant
    from assistant.settings import ChatSettings
    from assistant.types import TokenEvent
    from tests.fakes import FakeChatModel, ListSearcher

    llm = FakeChatModel("Överskottet var 78,5 miljoner kronor [1]. Det motsvarar 11 procent [1]. "
                        "Dessutom ökade allt med 999 miljarder kronor [1].")
    settings = ChatSettings(min_relevance=0.8, mode="llm")
    events = list(Assistant(ListSearcher(chat_chunks), llm, settings).stream("Hur stort överskott hade "
                                                                               "socialnämnden 2022?"))
    streamed = "".join(e.text for e in events if isinstance(e, TokenEvent))
    answer = events[-1].answer
    assert "999" not in streamed and "999" not in answer.text  # the fake's stream was closed mid-reply
    assert answer.mode == "llm" and answer.text.startswith("Överskottet var 78,5 miljoner kronor [1]. Det "
                                                           "motsvarar 11 procent [1].\n\n")


def test_a_summary_cut_at_the_token_cap_keeps_its_full_sentences(chat_chunks):
    from assistant.chat import Assistant
    from assistant.settings import ChatSettings
    from tests.fakes import FakeChatModel, ListSearcher

    # FakeChatModel streams 7 characters a piece: 7 pieces end inside the second sentence.
    llm = FakeChatModel("Överskottet var 78,5 miljoner kronor [1]. Det motsvarar 11 procent av budgeten [1].")
    settings = ChatSettings(min_relevance=0.8, mode="llm", summary_max_tokens=7)
    answer = Assistant(ListSearcher(chat_chunks), llm, settings).answer("Hur stort överskott hade socialnämnden 2022?")
    assert answer.mode == "llm" and answer.text.startswith("Överskottet var 78,5 miljoner kronor [1].\n\n")
