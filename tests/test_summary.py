"""LLM mode's short answer: which sentences the model sees, and the claim check against those sentences only."""

from __future__ import annotations

from assistant.prompts import SYSTEM_SV
from assistant.summary import quoted_evidence, summary_messages, verify_summary
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
