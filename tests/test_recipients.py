"""Whom a decision is sent to, quoted from the ärende's "Expedieras till" section."""

from __future__ import annotations

from assistant.plan import make_plan
from assistant.recipients import SENT_TO_ASK, recipients_reply
from conftest import make_chunk
from index.types import Hit
from tests.fakes import ListSearcher

TITLE = "Sammanställning av ej verkställda beslut kvartal 2 2023"


def _archive():
    summary = make_chunk("I sammanställningen redogörs för de beslut som inte verkställts inom tre månader.", "s",
                         section="Sammanfattning", title=TITLE, dnr=("SN/2023:92",))
    sent = make_chunk("Expedieras till:\n\nFörvaltningsjurist\nKommunens revisorer\nKommunfullmäktige\n", "e",
                      section="Expedieras till", title=TITLE, dnr=("SN/2023:92",))
    return ListSearcher([summary, sent]), summary


def test_the_recipients_are_quoted_from_the_expedieras_till_section():
    archive, summary = _archive()
    plan = make_plan("Vem skickas sammanställningen av ej verkställda beslut till?")
    reply = recipients_reply(plan, [Hit(summary, 1.0, "fused", 1, 0.9)], archive, "sv")
    assert reply is not None and "Förvaltningsjurist, Kommunens revisorer, Kommunfullmäktige" in reply.text
    assert [c.chunk_id for c in reply.citations] == ["e"] and reply.citations[0].quote in archive.chunks[1].text


def test_only_a_question_for_whom_asks_for_recipients():
    assert SENT_TO_ASK.search("Till vilka expedieras beslutet?")
    assert SENT_TO_ASK.search("Who was the decision sent to?")
    for question in ("Vilket yttrande skickas till kommunstyrelsen?", "Vilka ärenden skickas till fullmäktige?"):
        assert not SENT_TO_ASK.search(question), question
    archive, summary = _archive()
    assert recipients_reply(make_plan("Vad gällde sammanställningen?"), [Hit(summary, 1.0, "fused", 1, 0.9)],
                            archive, "sv") is None
