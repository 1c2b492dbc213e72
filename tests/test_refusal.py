"""Scope checks: kommun, nämnd, year, date, diarienummer and § the corpus does not hold."""

from __future__ import annotations

import pytest

from assistant.refusal import CorpusScope, best_similarity, missing_topic_share, out_of_scope, term_coverage
from index.types import Hit


@pytest.fixture
def scope(chat_chunks) -> CorpusScope:
    return CorpusScope.from_meetings(c.meeting for c in chat_chunks)


@pytest.fixture
def hits(chat_chunks) -> list[Hit]:
    return [Hit(c, 1.0, "fused", i, 0.8 + i / 100) for i, c in enumerate(chat_chunks, 1)]


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Vad beslutade socialnämnden i Huddinge om budgeten för 2023?", "Huddinge"),
        ("What did Stockholm's social services committee decide in 2021?", "Stockholm"),
        ("Vad beslutade utbildningsnämnden i Botkyrka om skolskjutsar?", "utbildningsnämnden"),
        ("Vad står det i § 1015 i Tyresös protokoll?", "§ 1015"),
        ("Vad gäller ärende SN/2021:999?", "SN/2021:999"),
        ("Vad beslutade socialnämnden vid sammanträdet den 12 december 2023?", "12 december 2023"),
        ("Vem var ordförande i Tyresös arbetsmarknads- och socialnämnd 2022?", "2022"),
        ("Hur stort överskott redovisade socialnämnden i Botkyrka för 2031?", "2031"),
    ],
)
def test_names_the_corpus_lacks_are_found(scope, hits, question, missing):
    assert out_of_scope(question, scope, hits) == missing


@pytest.mark.parametrize(
    "question",
    [
        "Hur stort överskott hade socialnämnden 2022?",  # VB 2022 is presented at the 2023 meeting
        "Vad beslutades i § 1014?",
        "Vad beslutade arbetsmarknads- och socialnämnden i Tyresö 2019?",
        "Vad sa Anna Berg om budgeten?",  # a surname that is also a kommun, not in place position
        "Vad beslutade socialnämnden vid sammanträdet den 14 februari 2023?",
        "Vad gäller SN/2023:554?",
        "Vem skrev under protokollet från Tyresönämndens möte i februari 2019?",  # a held kommun + "nämnd"
    ],
)
def test_questions_within_the_corpus_pass(scope, hits, question):
    assert out_of_scope(question, scope, hits) is None


def test_best_similarity_ignores_unknown_values(chat_chunks):
    hits = [Hit(chat_chunks[0], 1.0, "keyword", 1, None), Hit(chat_chunks[1], 0.5, "dense", 2, 0.83)]
    assert best_similarity(hits) == 0.83
    assert best_similarity(hits[:1]) is None


def test_term_coverage_separates_off_topic_questions(chat_chunks):
    hits = [Hit(c, 1.0, "fused", i, 0.8) for i, c in enumerate(chat_chunks, 1)]
    assert term_coverage("Vad är huvudstaden i Frankrike?", hits) == 0.0
    assert term_coverage("Hur stort överskott hade socialnämnden 2022?", hits) >= 0.5


def test_missing_topic_share_counts_topic_words_no_hit_holds(hits):
    # "kostade", "bygget", "äldreboendet" occur nowhere; "Tullinge" is short of 6 letters' worth of topic.
    assert missing_topic_share("Vad kostade bygget av det nya äldreboendet i Tullinge?", hits) == 1.0
    assert missing_topic_share("Hur stort överskott redovisar socialnämnden för barn och unga?", hits) == 0.0


def test_missing_topic_share_ignores_question_vocabulary_and_short_questions(hits):
    # "diarienummer", "ärendet" and "februari" say nothing about the topic; two topic words are too few.
    assert missing_topic_share("Vilket diarienummer har ärendet om överskottet i februari?", hits) == 0.0
    assert missing_topic_share("Vad kostade bygget?", hits) == 0.0


def test_an_answer_must_share_a_topic_word_with_the_question():
    from assistant.refusal import addresses_question

    off_topic = "Nämnden redovisade ett överskott på 78,5 miljoner kronor 2022 [1]."
    assert not addresses_question("Hur många elever gick i Tumba gymnasium 2022?", off_topic)
    assert addresses_question("Hur stort överskott hade socialnämnden 2022?", off_topic)
    assert addresses_question("Vilket diarienummer har ärendet?", "SN/2023:144 [1]")  # nothing topical asked


def test_a_nämnd_a_held_decision_is_about_is_not_out_of_scope(scope):
    from conftest import make_chunk

    # KF-2024-03-14.txt § 33: fullmäktige grants valnämnden money; the archive holds no valnämnd documents.
    text = "Att bevilja valnämnden ett tilläggsanslag om 760 000 kronor för 2024."
    decided = [Hit(make_chunk(text, "c1", section="Beslut"), 1.0, "fused", 1, 0.9)]
    question = "Hur stort tilläggsanslag fick valnämnden för folkomröstningen?"
    assert out_of_scope(question, scope, decided) is None
    background = [Hit(make_chunk(text, "c1", section="Ärendet"), 1.0, "fused", 1, 0.9)]
    assert out_of_scope(question, scope, background) == "valnämnden"


def test_a_nämnd_an_ärende_title_names_is_not_out_of_scope(scope):
    from conftest import make_chunk

    # Lomma KF: a question to another nämnd's chair is fullmäktige's ärende; the archive holds no meeting of that nämnd.
    title = "Enkel fråga från Ingrid Ascard (MP) till samhällsbyggnadsnämndens ordförande om medborgarhuset i Bjärred"
    question = "Vilket diarienummer har den enkla frågan till samhällsbyggnadsnämndens ordförande om medborgarhuset?"
    titled = [Hit(make_chunk("Frågan besvaras av ordföranden.", "c1", section="Ärendet", title=title), 1.0, "fused", 1, 0.9)]
    assert out_of_scope(question, scope, titled) is None
    untitled = [Hit(make_chunk("Frågan besvaras av ordföranden.", "c1", section="Ärendet", title="Enkel fråga"),
                    1.0, "fused", 1, 0.9)]
    assert out_of_scope(question, scope, untitled) == "samhällsbyggnadsnämndens"
