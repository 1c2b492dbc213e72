"""Procedure answers: yrkanden, votering and jäv quoted from the whole ärende of the best hits."""

from __future__ import annotations

from assistant.plan import make_plan
from assistant.procedure import procedure_kind, procedure_reply
from conftest import make_chunk
from fakes import ListSearcher
from index.types import Hit

TITLE = "Beslut om fastställande av budget för år 2024"
# KF-2023-10-26.txt § 102, as written (two voteringar of one ärende, a yrkande).
DECISION = "Beslut:\nKommunfullmäktige beslutar att skattesatsen för år 2024 fastställs till 19,64 procent.\n"
MOTIONS = ("Yrkanden\nPer Bengtsson (S) yrkar att skattesatsen ska höjas med 0,25 procentenheter till 19,89\nprocent.\n"
           "Oscar Sedira (SD) yrkar att 3 mnkr ska investeras i övervakningskameror.\n")
VOTES = ("Ordföranden ställer proposition på frågan om bifall respektive avslag på Per Bengtssons yrkande om\n"
         "att socialnämndens budget ska utökas med 4 mnkr för att Lomma kommun ska bli en attraktiv\n"
         "arbetsgivare, vartefter ordföranden finner att kommunfullmäktige avslår detsamma.\n\n"
         "Votering utfaller enligt följande, vilket närmare framgår av till protokollet bifogad voteringslista.\n\n"
         "Ja 35, Nej 10.\n\n"
         "Ordföranden förklarar att kommunfullmäktige därmed beslutat avslå Per Bengtssons yrkande.\n\n"
         "Ordföranden ställer proposition på frågan om bifall respektive avslag på Oscar Sediras yrkande om\n"
         "att 3 mnkr ska investeras i övervakningskameror, vartefter ordföranden finner att fullmäktige avslår.\n\n"
         "Ja 38, Nej 5, 2 avstod.\n")


def _archive():
    chunks = [make_chunk(text, cid, section=section, title=TITLE, committee="Kommunfullmäktige", kommun="Lomma",
                         dnr=("KF/2023:109",), date="2023-10-26")
              for text, cid, section in ((DECISION, "d", "Beslut"), (MOTIONS, "m", "Yrkanden"),
                                         (VOTES, "v", "Beslutsgång"))]
    return ListSearcher(chunks), chunks


def test_kinds_of_procedure_questions():
    assert procedure_kind(make_plan("Vem yrkade på det?")) == "motion"
    assert procedure_kind(make_plan("Hur röstade nämnden om det?")) == "vote"
    assert procedure_kind(make_plan("Vilka ledamöter deltog inte i beslutet, och varför?")) == "jäv"
    assert procedure_kind(make_plan("Hur mycket ville Sverigedemokraterna investera i kameror?")) == "motion"
    assert procedure_kind(make_plan("Vad beslutade fullmäktige om skattesatsen?")) is None


def test_the_votering_asked_about_is_quoted_from_another_chunk_of_the_ärende():
    archive, chunks = _archive()
    hits = [Hit(chunks[0], 1.0, "fused", 1, 0.9)]  # retrieval found only the decision
    plan = make_plan("Hur röstade fullmäktige om Per Bengtssons yrkande att utöka socialnämndens budget med 4 mnkr?")
    reply = procedure_reply(plan, hits, archive, "sv")
    assert reply is not None and "Ja 35, Nej 10." in reply.text and "Ja 38" not in reply.text
    assert all(c.quote in chunks[2].text for c in reply.citations)


def test_the_named_partys_yrkande_is_quoted():
    archive, chunks = _archive()
    hits = [Hit(chunks[0], 1.0, "fused", 1, 0.9)]
    reply = procedure_reply(make_plan("Vad föreslog Socialdemokraterna om skattesatsen i stället?"), hits, archive, "sv")
    assert reply is not None and "19,89" in reply.text and "(SD)" not in reply.text


def test_no_procedure_of_the_kind_gives_no_reply():
    archive, chunks = _archive()
    hits = [Hit(chunks[0], 1.0, "fused", 1, 0.9)]
    assert procedure_reply(make_plan("Vilka ledamöter var jäviga i budgetärendet?"), hits, archive, "sv") is None
    assert procedure_reply(make_plan("Vad beslutade fullmäktige om skattesatsen?"), hits, archive, "sv") is None


def test_how_a_yrkande_went_is_its_proposition_and_count():
    archive, chunks = _archive()
    hits = [Hit(chunks[0], 1.0, "fused", 1, 0.9)]
    plan = make_plan("Hur mycket ville Sverigedemokraterna investera i övervakningskameror, och hur gick det?")
    reply = procedure_reply(plan, hits, archive, "sv")
    assert reply is not None
    lines = reply.text.splitlines()
    assert "Oscar Sedira (SD) yrkar att 3 mnkr" in lines[1]
    assert "avslag på Oscar Sediras yrkande" in lines[2] and "Ja 38, Nej 5, 2 avstod." in lines[3]
    # Without the question about its fate, only the party's yrkanden are quoted.
    plain = procedure_reply(make_plan("Vad ville Sverigedemokraterna investera i?"), hits, archive, "sv")
    assert plain is not None and "Ja 38" not in plain.text


# BUN-2023-10-10 style: a vote on deciding today (återremiss) before the vote on the matter.
ORDER_VOTES = ("Omröstning begärs. Den som önskar att ärendet ska avgöras vid dagens sammanträde röstar ja, och den som\n"
               "önskar återremittera ärendet röstar nej.\n\nJa 7, Nej 4.\n\n"
               "Den som önskar bifalla arbetsutskottets förslag till beslut röstar ja, och den som önskar avslå det\n"
               "röstar nej.\n\nJa 7, Nej 2, Avstår 2.\n")


def test_the_vote_on_the_matter_is_preferred_to_the_vote_on_återremiss():
    chunk = make_chunk(ORDER_VOTES, "o", section="Beslutsgång", title="Paus i intaget av förskoleklasser på Pilängskolan",
                       committee="Barn- och utbildningsnämnden", kommun="Lomma", dnr=("BUN/2023:88",), date="2023-10-10")
    hits = [Hit(chunk, 1.0, "fused", 1, 0.9)]
    reply = procedure_reply(make_plan("Hur röstade nämnden om paus i intaget på Pilängskolan?"), hits,
                            ListSearcher([chunk]), "sv")
    assert reply is not None
    counts = [line for line in reply.text.splitlines() if "Ja 7" in line]
    assert counts and "Ja 7, Nej 2, Avstår 2." in counts[0]
    asked = procedure_reply(make_plan("Hur röstade nämnden om återremiss av paus i intaget på Pilängskolan?"), hits,
                            ListSearcher([chunk]), "sv")
    assert asked is not None and "Ja 7, Nej 4." in asked.text


def test_topic_terms_drop_the_frame_of_the_question():
    from assistant.sentences import topic_terms

    got = topic_terms("Hur röstade Vård & Omsorg om åtgärdsplanen för hemtjänsten i september 2025?", ["Vård & Omsorg"])
    assert got == {"åtgärd", "hemtjä"}


def test_whose_proposal_won_is_procedure_not_topic():
    from assistant.sentences import topic_terms

    # "… och vems förslag vann?": the ärende is told by "årsredovisningen", not by the vote's own vocabulary.
    assert topic_terms("Hur röstade fullmäktige om årsredovisningen 2025, och vems förslag vann?") == {"årsred"}


# --- a procedure follow-up with no topic of its own reads the ärende the previous answer cited ---------------------

REMISS = "Svar på remiss - Betänkandet Ett nationellt förbud mot tiggeri"
# ifo_2025-09-18_protokoll.md (Kungsbacka): the count sits on the next page, in a chunk of its own.
REMISS_VOTE = ("Omröstningsresultat\nOrdföranden finner att nämnden, med 6 ja-röster mot 3 nej-röster och 2 som "
               "avstår, beslutar enligt Tommy Rydfeldt (L) med fleras förslag.\n")


def _remiss_conversation(question: str):
    from assistant.types import Answer, Citation, Turn

    beslut = make_chunk("Nämnden avger yttrande över remissen, Ett nationellt förbud mot tiggeri, till "
                        "kommunstyrelsen.\n", "rb", section="Beslut", title=REMISS, dnr=("IF/2025:234",),
                        committee="Nämnden för Individ & Familjeomsorg", kommun="Kungsbacka", date="2025-09-18")
    vote = make_chunk(REMISS_VOTE, "rv", section="Votering", title=REMISS, dnr=("IF/2025:234",),
                      committee="Nämnden för Individ & Familjeomsorg", kommun="Kungsbacka", date="2025-09-18")
    archive = ListSearcher([beslut, vote, *_archive()[1]])
    cited = Citation(1, "rb", ("IF/2025:234",), "Beslut", None, REMISS, beslut.meeting.committee, "Kungsbacka",
                     "2025-09-18", beslut.source_file, "Nämnden avger yttrande över remissen")
    previous = Answer("»Nämnden avger yttrande …« [1]", (cited,), "en", True, "extractive")
    return archive, (Turn("What did the committee say about a national ban on begging?", previous),)


def test_a_vote_follow_up_is_answered_from_the_cited_arende_even_when_its_words_miss_the_count():
    from assistant.procedure import follow_up_case

    archive, history = _remiss_conversation("and how did the vote go?")
    pinned = follow_up_case("and how did the vote go?", history, archive)
    assert [h.chunk.chunk_id for h in pinned] == ["rb"]
    # The condensed query carries the first question's (English) words, which the count's chunk lacks.
    plan = make_plan("and how did the vote go? (committee national ban begging) (votering röstade)")
    assert procedure_reply(plan, archive.search(plan.question), archive, "en") is None
    reply = procedure_reply(plan, pinned, archive, "en", pinned=True)
    assert reply is not None and "6 ja-röster mot 3 nej-röster" in reply.text
    assert {c.diarienummer for c in reply.citations} == {("IF/2025:234",)}


def test_a_vote_follow_up_after_a_cited_kallelse_reads_the_protocol_of_that_meeting():
    from assistant.procedure import follow_up_case
    from assistant.types import Answer, Citation, Turn

    title, dnr, committee = "Förslag till Strategi för förnyelsearbete", ("VO/2025:195",), "Nämnden för Vård & Omsorg"
    proposal = make_chunk("Nämnden för Vård & Omsorg antar Strategi för förnyelsearbete.\n", "k1", section="Förslag till beslut",
                          title=title, dnr=dnr, committee=committee, kommun="Kungsbacka", date="2025-11-13",
                          source_file="vo_kallelse.md")
    decided, counted = (make_chunk(text, cid, section=section, title=title, dnr=dnr, committee=committee,
                                   kommun="Kungsbacka", date="2025-11-13", doc_type="protokoll",
                                   source_file="vo_protokoll.md")
                        for text, cid, section in (
                            ("Nämnden för Vård & Omsorg antar Alliansens Strategi för förnyelsearbete.\n", "p1", "Beslut"),
                            ("Omröstningsresultat\nOrdföranden finner att nämnden, med 8 ja-röster mot 3 nej-röster, "
                             "beslutar bifall till Hravn Forsnes (M) yrkanden.\n", "p2", "Votering")))
    archive = ListSearcher([proposal, decided, counted])
    cited = Citation(1, "k1", dnr, "Förslag till beslut", None, title, committee, "Kungsbacka", "2025-11-13",
                     proposal.source_file, "Nämnden för Vård & Omsorg antar Strategi för förnyelsearbete.")
    history = (Turn("Vilken strategi antog Vård & Omsorg i november 2025?",
                    Answer("»Nämnden … antar …« [1]", (cited,), "sv", True, "extractive")),)
    pinned = follow_up_case("blev det votering?", history, archive)
    assert [h.chunk.chunk_id for h in pinned] == ["p1"]
    reply = procedure_reply(make_plan("blev det votering?"), pinned, archive, "sv", pinned=True)
    assert reply is not None and "8 ja-röster mot 3 nej-röster" in reply.text


def test_a_follow_up_naming_its_own_matter_or_no_history_is_searched_as_usual():
    from assistant.procedure import follow_up_case

    archive, history = _remiss_conversation("")
    assert follow_up_case("Och om Monica Neptuns initiativ om att utvärdera piloten, hur röstade de?", history,
                          archive) == ()
    assert follow_up_case("Hur gick voteringen?", (), archive) == ()
    assert follow_up_case("Vad kostade den?", history, archive) == ()  # not a procedure question
    assert [h.chunk.chunk_id for h in follow_up_case("Vem reserverade sig?", history, archive)] == ["rb"]


# BUN_2024-02-06.txt § 11 (Lomma), as chunked: each votering is a section of its own that begins after the
# proposition it decides, so what was voted on sits in the ärende's previous chunk.
PAUS = "Nämndinitiativ avseende stängning/pausning av intag till F-klasser HT 2024"
PROPOSITION_BJ = ("Propositionsordning\n2:e vice ordföranden ställer därefter proposition på frågan om bifall respektive "
                  "avslag på Ulf Richebergs (FB) yrkande att beslutet att pausa förskoleklassintag i Bjärred upphävs, "
                  "varefter 2:e vice ordförande finner att barn och utbildningsnämnden beslutar att avslå yrkandet.\n")
VOTE_4_7 = ("Votering begärs och följande voteringsproposition godkänns:\n\nDen som önskar bifalla yrkandet röstar ja, "
            "och den som önskar avslå det röstar nej.\n\nVoteringen utfaller enligt följande:\n\nJa: 4, Nej 7\n")
PROPOSITION_PI = ("2:e vice ordföranden ställer därefter proposition på frågan om bifall respektive avslag på Ulf "
                  "Richebergs (FB) yrkande att beslutet att pausa förskoleklassintag på Pilängskolan upphävs, "
                  "varefter 2:e vice ordförande finner att nämnden beslutar att avslå yrkandet.\n")
VOTE_2_9 = VOTE_4_7.replace("Ja: 4, Nej 7", "Ja:2, Nej: 9")


def test_a_votering_section_is_told_apart_by_the_proposition_that_closes_the_chunk_before_it():
    chunks = [make_chunk(text, cid, section=section, title=PAUS, committee="Barn- och utbildningsnämnden",
                         kommun="Lomma", dnr=("BUN/2024:39",), date="2024-02-06")
              for text, cid, section in ((PROPOSITION_BJ, "p1", "Propositionsordning"), (VOTE_4_7, "v1", "Votering"),
                                         (PROPOSITION_PI, "p2", "Propositionsordning"), (VOTE_2_9, "v2", "Votering"))]
    archive = ListSearcher(chunks)
    for place, count, proposition in (("i Bjärred", "Ja: 4, Nej 7", "p1"), ("på Pilängskolan", "Ja:2, Nej: 9", "p2")):
        plan = make_plan(f"Hur röstade BUN om att häva pausen i förskoleklassintaget {place}?")
        reply = procedure_reply(plan, [Hit(chunks[1], 1.0, "fused", 1, 0.9)], archive, "sv")
        assert reply is not None and count in reply.text, place
        cited = [c.chunk_id for c in reply.citations]
        assert cited[:2] == [proposition, "v1" if proposition == "p1" else "v2"], place  # what was voted on, cited
        assert all(c.quote in next(ch.text for ch in chunks if ch.chunk_id == c.chunk_id) for c in reply.citations)
