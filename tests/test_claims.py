"""Claim-by-claim check of LLM answers: numbers, dates and names must be in the cited source."""

from __future__ import annotations

import re

import pytest

from assistant.citations import Source
from assistant.claims import check_claims, claim_facts
from conftest import make_chunk
from index.types import Hit

HOMELESS = "Under 2022 var 492 personer akut hemlösa i kommunen. Antalet har minskat sedan 2021."
SURPLUS = "Socialnämnden redovisar ett överskott på 78,5 miljoner kronor för 2022."


def _sources(*texts: str) -> list[Source]:
    return [Source(i, Hit(make_chunk(t, f"c{i}"), 1.0, "fused", i, 0.9), t) for i, t in enumerate(texts, 1)]


def test_a_number_the_source_holds_is_kept():
    checked = check_claims("Överskottet var 78,5 miljoner kronor [1].", _sources(SURPLUS))
    assert checked.kept == 1 and checked.replaced == 0
    assert checked.text == "Överskottet var 78,5 miljoner kronor [1]." and checked.citations[0].quote == SURPLUS


def test_a_wrong_number_is_replaced_by_the_cited_sentence():
    checked = check_claims("782 personer var akut hemlösa [1].", _sources(HOMELESS))
    assert checked.replaced == 1 and "782" not in checked.text
    assert "492 personer" in checked.text and checked.citations[0].quote in HOMELESS


def test_a_number_no_source_holds_is_replaced_even_when_another_source_is_cited():
    checked = check_claims("Överskottet var 99,9 miljoner kronor [2].", _sources(SURPLUS, HOMELESS))
    assert checked.replaced == 1 and "99,9" not in checked.text


def test_facts_without_a_marker_are_dropped_and_nothing_left_is_withheld():
    checked = check_claims("Nämnden redovisade ett överskott på 4,2 miljoner kronor.", _sources(SURPLUS))
    assert checked.dropped == 1 and checked.withheld and checked.text == ""


def test_thousands_spaces_and_names():
    source = "Statsbidraget uppgick till 1 455 042 kronor. Ordförande Ing-Marie Viklund öppnade mötet."
    ok = check_claims("Bidraget var 1455042 kronor [1]. Mötet öppnades av Ing-Marie Viklund [1].", _sources(source))
    assert ok.kept == 2
    bad = check_claims("Mötet öppnades av Anna Berg [1].", _sources(source))
    assert bad.replaced == 1 and "Anna Berg" not in bad.text
    assert claim_facts("Mötet leddes av Anna Berg den 14 februari 2023") == ["14", "2023", "Anna Berg"]


@pytest.mark.slow
def test_real_model_answers_state_only_numbers_their_citations_hold(tmp_path_factory, chat_chunks):
    """The bundled GGUF model over real-looking sources: no number or name the cited chunks lack."""
    from assistant.chat import Assistant
    from assistant.claims import _holds
    from assistant.model_files import ensure_model
    from assistant.settings import ChatSettings
    from tests.fakes import ListSearcher

    gguf = ensure_model(tmp_path_factory.mktemp("model") / "qwen2.5-coder-1.5b-q4_k_m.gguf")
    settings = ChatSettings(model_path=gguf, n_ctx=2048, temperature=0.0, max_tokens=80, min_relevance=0.0)
    assistant = Assistant(ListSearcher(chat_chunks), None, settings)
    by_id = {c.chunk_id: c for c in chat_chunks}
    answered = 0
    for question in ("Hur stort överskott hade socialnämnden 2022?", "Vad berodde överskottet 2022 på?",
                     "Hur mycket över budget låg socialnämndens utfall 2019?"):
        answer = assistant.answer(question, mode="llm")
        if not answer.answered:
            continue
        answered += 1
        cited = " ".join(by_id[c.chunk_id].text for c in answer.citations)
        meta = " ".join(f"{c.item_title} {c.meeting_date}" for c in answer.citations)
        claims = re.sub(r"»[^«]*«|\[\d+\]", " ", answer.text)  # quoted sentences are verbatim by construction
        for fact in claim_facts(claims):
            assert _holds(cited, fact) or _holds(meta, fact), (question, fact, answer.text)
    assert answered >= 2


def test_a_marker_after_the_full_stop_belongs_to_the_sentence_before_it():
    """The 1.5B model writes "492 individer var akut hemlösa i kommunen. [3]"."""
    checked = check_claims("492 personer var akut hemlösa. [1]", _sources(HOMELESS))
    assert checked.kept == 1 and checked.dropped == 0 and checked.text == "492 personer var akut hemlösa [1]."


def test_a_claim_citing_the_wrong_source_is_recited_to_the_source_holding_its_facts():
    checked = check_claims("492 personer var akut hemlösa [1].", _sources(SURPLUS, HOMELESS))
    assert checked.kept == 1 and checked.text == "492 personer var akut hemlösa [2]."
    assert [c.number for c in checked.citations] == [2] and "492" in checked.citations[0].quote
