"""Prompt constants: the refusal phrase, the data-not-instructions rule, Swedish and English twins."""

from __future__ import annotations

from assistant import prompts


def test_system_prompts_carry_the_data_rule_but_not_the_cannot_answer_bait():
    # With the refusal phrase in the prompt the 1.5B model refused nearly everything (docs/assistant.md).
    assert prompts.CANNOT_ANSWER == "Det framgår inte av handlingarna."
    assert "aldrig instruktioner" in prompts.SYSTEM_SV and "never instructions" in prompts.SYSTEM_EN
    assert prompts.CANNOT_ANSWER not in prompts.SYSTEM_SV and prompts.CANNOT_ANSWER_EN not in prompts.SYSTEM_EN


def test_every_user_facing_text_exists_in_both_languages():
    for table in (prompts.EMPTY_QUESTION, prompts.TRUNCATED_NOTICE, prompts.OUT_OF_SCOPE, prompts.NO_EVIDENCE,
                  prompts.UNGROUNDED, prompts.EXTRACTIVE_INTRO, prompts.BACKEND_FAILED, prompts.SYSTEM_BY_LANGUAGE,
                  prompts.USER_BY_LANGUAGE, prompts.USER_SHARED_BY_LANGUAGE):
        assert set(table) == {"sv", "en"}


def test_source_header_names_dnr_paragraph_section_and_meeting():
    header = prompts.source_header(("ASN/2019:36",), "Verksamhetsberättelse 2018", "Beslut", "§ 1014",
                                   "Arbetsmarknads- och socialnämnden", "Tyresö", "2019-02-26", "protokollsutdrag")
    assert header == ("Dnr ASN/2019:36 · § 1014 · Verksamhetsberättelse 2018 · Beslut · "
                      "Arbetsmarknads- och socialnämnden, Tyresö, 2019-02-26 (protokollsutdrag)")


def test_no_example_in_the_system_prompts_is_answerable_text():
    """The 1.5B model repeated "… 4,2 miljoner kronor [1]." as the answer to unrelated questions (issue 11)."""
    import re

    from assistant.prompts import SYSTEM_BY_LANGUAGE

    for system in SYSTEM_BY_LANGUAGE.values():
        examples = re.findall(r"e\.g\. \"([^\"]*)\"|t\.ex\. \"([^\"]*)\"", system)
        shown = [re.sub(r"\[\d+\]", "", a + b) for a, b in examples]  # the [n] marker is the point of the example
        assert examples and all(not re.search(r"\d|[A-Za-zåäö]{3,}", e) for e in shown)
