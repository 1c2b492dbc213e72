"""Case-history answers: every meeting of the best hit's case, oldest first, each with its own decision."""

from __future__ import annotations

from assistant.history import asks_history, history_reply
from assistant.plan import make_plan
from conftest import make_chunk
from fakes import ListSearcher
from index.types import Hit

DNR = ("KF/2025:187",)
TITLE = "Anpassning av Industrigatan 23 till daglig verksamhet"


def _archive():
    # KS_2025-09-10.txt § 107 and KF-2025-09-25.txt § 72, as written.
    ks = make_chunk("Kommunstyrelsen föreslår kommunfullmäktige besluta:\n\n- att avsätta en totalutgift på 12,0 mnkr, i "
                    "ett nytt investeringsprojekt ”Anpassning av Industrigatan 23 till daglig verksamhet”", "ks",
                    dnr=DNR, date="2025-09-10", committee="Kommunstyrelsen", kommun="Lomma", section="Beslut",
                    paragraph="§ 107", title=TITLE, doc_type="protokoll", source_file="KS_2025-09-10.txt")
    kf = make_chunk("Kommunfullmäktige beslutar:\n\n- att investeringsprojektet Industrigatan 23 finansieras genom ökad "
                    "upplåning.", "kf", dnr=DNR, date="2025-09-25", committee="Kommunfullmäktige", kommun="Lomma",
                    section="Beslut", paragraph="§ 72", title=TITLE, doc_type="protokoll",
                    source_file="KF-2025-09-25.txt")
    return ListSearcher([ks, kf]), ks, kf


def test_history_questions():
    assert asks_history(make_plan("Hur har nämnden för Teknik behandlat frågan om gatubelysning?"))
    assert asks_history(make_plan("Vilka beslut fattades om X i kommunstyrelsen och sedan i kommunfullmäktige?"))
    assert asks_history(make_plan("Vad hände sedan med uppdraget om ekonomi i balans?"))
    assert not asks_history(make_plan("Vad beslutade kommunstyrelsen om Industrigatan 23?"))
    assert asks_history(make_plan("Hur gick S-motionen om elevhälsan – från nämnden till fullmäktige?"))
    assert asks_history(make_plan("How did the Vård & Omsorg committee handle the agreement in autumn 2025?"))
    assert not asks_history(make_plan("Hur gick voteringen i fullmäktige?"))
    assert asks_history(make_plan("Hur har frågan om sex timmars arbetsdag behandlats i nämnden för Vård & Omsorg?"))
    assert asks_history(make_plan("Vad hände med energi- och klimatplanen i kommunstyrelsen under våren 2026?"))


def test_every_meeting_of_the_case_is_quoted_in_order():
    archive, ks, kf = _archive()
    plan = make_plan("Vilka beslut fattades om Industrigatan 23 i kommunstyrelsen och sedan i kommunfullmäktige?")
    reply = history_reply(plan, [Hit(ks, 1.0, "fused", 1, 0.9)], archive, "sv")  # retrieval found only KS
    assert reply is not None
    assert reply.text.index("Kommunstyrelsen, 2025-09-10, § 107") < reply.text.index("Kommunfullmäktige, 2025-09-25")
    assert "12,0 mnkr" in reply.text and "ökad upplåning" in reply.text
    assert {c.source_file for c in reply.citations} == {"KS_2025-09-10.txt", "KF-2025-09-25.txt"}


def test_a_case_of_one_meeting_is_no_history():
    archive, ks, _ = _archive()
    single = ListSearcher([ks])
    plan = make_plan("Vilka beslut fattades om Industrigatan 23 i kommunstyrelsen och sedan i kommunfullmäktige?")
    assert history_reply(plan, [Hit(ks, 1.0, "fused", 1, 0.9)], single, "sv") is None


def test_a_case_named_by_its_series_number_is_found_under_the_shared_diarium():
    # The question writes "KF/2024:344"; Lomma's protocols write "KS KF/2024:344".
    archive, ks, kf = _archive()
    from dataclasses import replace as _replace

    shared = ListSearcher([_replace(c, diarienummer=("KS KF/2025:187",)) for c in (ks, kf)])
    plan = make_plan("Hur behandlades ärendet KF/2025:187 om Industrigatan 23 i kommunstyrelsen och sedan i fullmäktige?")
    reply = history_reply(plan, [], shared, "sv")
    assert reply is not None and "Kommunfullmäktige, 2025-09-25, § 72" in reply.text


def test_a_proposal_then_a_decision_is_a_history_but_a_follow_up_carrying_it_is_not():
    assert asks_history(make_plan("Lommas avfallstaxa 2026 – vad föreslog KS och vad beslutade KF?"))
    assert asks_history(make_plan("What did the board propose and what did the council decide on the waste tariff?"))
    # condense() appends the previous turn's subject in parentheses; the follow-up itself asks for reservations.
    assert not asks_history(make_plan("Vilka reserverade sig i BUN? (rekommenderade BUN familjecentral och "
                                      "beslutade fullmäktige sedan)"))


def test_each_meeting_quotes_its_whole_decision_every_att_sats():
    # KF-2025-09-25.txt § 72 as written: the financing clause shares no word with the question.
    kf_text = ("§ 72 KS KF/2025:187\nBeslut om medel för anpassning av Industrigatan 23 till daglig verksamhet\n\n"
               "Beslut\nKommunfullmäktige beslutar:\n\n    - att inom samhällsbyggnadsnämndens fastighetsverksamhet "
               "avsätta en totalutgift på 12,0\n         mnkr, i ett nytt investeringsprojekt\n\n"
               "    - att investeringsutgiften finansieras genom ökad upplåning.\n\nReservation\n"
               "Oscar Sedira (SD) lämnar följande skriftliga reservation.")
    archive, ks, _ = _archive()
    kf = make_chunk(kf_text, "kf", dnr=DNR, date="2025-09-25", committee="Kommunfullmäktige", kommun="Lomma",
                    section="Beslut", paragraph="§ 72", title=TITLE, doc_type="protokoll",
                    source_file="KF-2025-09-25.txt")
    plan = make_plan("Vilka beslut fattades om totalutgiften för Industrigatan 23 i kommunstyrelsen och sedan i "
                     "kommunfullmäktige?")
    reply = history_reply(plan, [Hit(ks, 1.0, "fused", 1, 0.9)], ListSearcher([ks, kf]), "sv")
    assert reply is not None and "ökad upplåning" in reply.text and "Reservation" not in reply.text
    kf_quote = next(c.quote for c in reply.citations if c.source_file == "KF-2025-09-25.txt")
    assert kf_quote.startswith("Kommunfullmäktige beslutar:") and kf_quote in kf_text
