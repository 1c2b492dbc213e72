"""The web app's logic without a browser: rendering, streaming turns, search desk, uploads, login."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from conftest import SAMPLES, make_chunk
from fakes import FakeChatModel, HashEmbedder, ListSearcher

from assistant.chat import Assistant
from assistant.settings import Settings, UISettings
from assistant.types import Answer, Citation
from index.ingest import ingest
from index.search import Searcher
from ui.app import build_app, is_loopback, login_for
from ui.conversation import GENERIC_ERROR, Conversation, make_filters, stream_turn, transcript_html
from ui.desk import case_entries, case_html, decisions_html, result_rows
from ui.documents import document_rows, filter_choices, run_ingest
from ui.errors import LoginRequiredError
from ui.render import answer_html, plain_text, quote_in_context, snippet

TYRESO = "004_45a1c237a718c0b7.txt"


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Searcher]:
    """The bundled corpus indexed with the fast HashEmbedder (real parsing, chunking, Chroma, BM25)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("app") / "namnd")
    ingest(None, settings.corpus, settings.index, embedder=HashEmbedder())
    return settings, Searcher.from_settings(settings.index, embedder=HashEmbedder())


# --- rendering ---------------------------------------------------------------------------------


def test_known_markers_link_to_their_cards_and_unknown_stay_text() -> None:
    html = answer_html(
        "Överskottet var 78,5 mnkr [1] och [2, 3] men inte [9].", turn=0, numbers=[1, 2, 3]
    )
    assert 'href="#kalla-0-1"' in html
    assert 'href="#kalla-0-2"' in html and 'href="#kalla-0-3"' in html
    assert "kalla-0-9" not in html and "[9]" in html


def test_extractive_bullets_become_a_list_with_linked_markers() -> None:
    html = answer_html(
        "Utdrag ur handlingarna:\n- »Överskott 78,5 mnkr.« [1]\n- »Vakanta tjänster.« [2]",
        0,
        [1, 2],
    )
    assert html.startswith(
        '<p>Utdrag ur handlingarna:</p><ul><li>»Överskott 78,5 mnkr.« <a class="cite"'
    )
    assert html.count("<li>") == 2 and 'href="#kalla-0-2"' in html


def test_quote_is_marked_inside_its_surrounding_text() -> None:
    text = "Inledning. Socialnämnden godkänner verksamhetsberättelsen för 2022. Avslutning."
    html = quote_in_context(text, "godkänner  verksamhetsberättelsen för 2022")  # spacing differs
    assert "<mark>godkänner verksamhetsberättelsen för 2022</mark>" in html
    assert html.startswith("Inledning. Socialnämnden ")


def test_user_text_is_escaped_in_the_transcript() -> None:
    conv = Conversation()
    assistant = Assistant(ListSearcher([]), FakeChatModel(), Settings().chat)
    list(
        stream_turn(
            assistant,
            conv,
            "<img src=x onerror=alert(1)>",
            make_filters(None, None, None, None),
            "extractive",
        )
    )
    html = transcript_html(conv)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_plain_text_copy_carries_every_citation() -> None:
    cite = Citation(
        1,
        "c1",
        ("SN/2023:554",),
        "Beslut",
        "§ 12",
        "Verksamhetsberättelse 2022",
        "Socialnämnden",
        "Botkyrka",
        "2023-02-14",
        "001.txt",
        "Socialnämnden godkänner verksamhetsberättelsen.",
    )
    text = plain_text("Vad beslutades?", Answer("Den godkändes [1].", (cite,), "sv", True))
    assert text.splitlines()[0] == "Fråga: Vad beslutades?"
    assert (
        "[1] SN/2023:554, Verksamhetsberättelse 2022 (Socialnämnden, Botkyrka, 2023-02-14), § 12 · Beslut: "
        '"Socialnämnden godkänner verksamhetsberättelsen."'
    ) in text


# --- streaming turns through the real Assistant --------------------------------------------------


def test_sources_are_shown_before_the_first_token(chat_chunks: list) -> None:
    llm = FakeChatModel("För 2022 redovisar nämnden ett överskott på 78,5 miljoner kronor [1].")
    assistant = Assistant(ListSearcher(chat_chunks), llm, Settings().chat)
    conv = Conversation()
    states = []
    for turn in stream_turn(
        assistant,
        conv,
        "Hur stort överskott hade socialnämnden 2022?",
        make_filters(None, None, None, None),
        "llm",
    ):
        states.append((len(turn.hits), turn.text, turn.answer is not None))
    first_with_sources = next(s for s in states if s[0] > 0)
    assert first_with_sources[1] == ""  # cards can render while no answer text exists yet
    assert states[-1][2] is True
    answer = conv.turns[-1].answer
    assert answer is not None and answer.answered and answer.citations[0].chunk_id == "c-vb2022"
    html = transcript_html(conv)
    assert 'id="kalla-0-1"' in html and "<mark>" in html and "SN/2023:554" in html


def test_follow_up_is_searched_with_the_conversation(chat_chunks: list) -> None:
    searcher = ListSearcher(chat_chunks)
    assistant = Assistant(searcher, FakeChatModel(), Settings().chat)
    conv = Conversation()
    filters = make_filters(None, None, None, None)
    list(
        stream_turn(
            assistant, conv, "Hur stort överskott hade socialnämnden 2022?", filters, "extractive"
        )
    )
    list(stream_turn(assistant, conv, "och året innan?", filters, "extractive"))
    assert len(conv.history()) == 2
    assert "2021" in searcher.queries[-1][0]
    assert "Tolkad som" in transcript_html(conv)


def test_refusal_shows_the_closest_sources(chat_chunks: list) -> None:
    assistant = Assistant(
        ListSearcher(chat_chunks, similarity=0.1), FakeChatModel(), Settings().chat
    )
    conv = Conversation()
    list(
        stream_turn(
            assistant,
            conv,
            "Hur stort överskott hade socialnämnden 2022?",
            make_filters(None, None, None, None),
            "llm",
        )
    )
    turn = conv.turns[-1]
    assert turn.answer is not None and not turn.answer.answered
    assert "Närmaste träffar i handlingarna" in transcript_html(conv)


def test_a_failing_model_becomes_a_friendly_message(chat_chunks: list) -> None:
    # No reply enqueued: the fake raises mid-answer, as a crashed backend would.
    assistant = Assistant(ListSearcher(chat_chunks), FakeChatModel(), Settings().chat)
    conv = Conversation()
    list(
        stream_turn(
            assistant,
            conv,
            "Hur stort överskott hade socialnämnden 2022?",
            make_filters(None, None, None, None),
            "llm",
        )
    )
    assert conv.turns[-1].error == GENERIC_ERROR
    html = transcript_html(conv)
    assert "Traceback" not in html and "AssertionError" not in html and 'role="alert"' in html
    assert conv.history() == ()  # a failed turn is not used as context for follow-ups


def test_filters_accept_years_and_months_and_reject_nonsense() -> None:
    f = make_filters("Botkyrka", "Alla", "2022", "2023-02")
    assert (f.kommun, f.committee, f.date_from, f.date_to) == (
        "Botkyrka",
        None,
        "2022-01-01",
        "2023-02-31",
    )
    with pytest.raises(ValueError, match="förstås inte"):
        make_filters(None, None, "igår", None)


# --- login ----------------------------------------------------------------------------------------


def test_login_is_required_off_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert login_for(UISettings(), "127.0.0.1") is None
    with pytest.raises(LoginRequiredError, match="NAMND_UI__USERNAME"):
        login_for(UISettings(), "0.0.0.0")
    assert login_for(UISettings(username="revisor", password="hemligt"), "0.0.0.0") == (
        "revisor",
        "hemligt",
    )


# --- search desk and documents over a real (hash-embedded) index ---------------------------------------


def test_case_view_is_a_timeline_with_each_beslut(corpus_index: tuple[Settings, Searcher]) -> None:
    _, searcher = corpus_index
    chunks = searcher.case("SN 2022:00557")
    entries = case_entries(chunks)
    assert entries, "SN/2022:557 (internkontrollplan 2022) is in the bundled corpus"
    dates = [e.first.meeting.date or "" for e in entries]
    assert dates == sorted(dates)
    html = case_html("SN/2022:557", chunks)
    assert 'class="timeline"' in html and "case-decision-label" in html
    assert "internkontroll" in html.lower()


def test_unknown_case_says_so_in_swedish(corpus_index: tuple[Settings, Searcher]) -> None:
    _, searcher = corpus_index
    assert "Hittade inget ärende" in case_html("SN/1999:1", searcher.case("SN/1999:1"))


def test_result_rows_mark_the_match(corpus_index: tuple[Settings, Searcher]) -> None:
    _, searcher = corpus_index
    hits = searcher.search("verksamhetsberättelse", k=5)
    rows = result_rows(hits, "verksamhetsberättelse")
    assert len(rows) == len(hits) > 0
    assert all(len(r) == 6 for r in rows)
    assert any("<mark>" in r[5] for r in rows)


def test_decisions_are_grouped_per_committee(corpus_index: tuple[Settings, Searcher]) -> None:
    _, searcher = corpus_index
    html = decisions_html(searcher.decisions(make_filters(None, None, "2019", "2019")))
    assert "Arbetsmarknads- och socialnämnden" in html and "Socialnämnden" not in html.replace(
        "Arbetsmarknads- och socialnämnden", ""
    )


def test_documents_list_meeting_and_item_counts(corpus_index: tuple[Settings, Searcher]) -> None:
    _, searcher = corpus_index
    rows = document_rows(searcher)
    assert sorted(r[0] for r in rows) == sorted(p.name for p in SAMPLES.glob("*.txt"))
    tyreso = next(r for r in rows if r[0] == TYRESO)
    assert tyreso[1:4] == ["Tyresö", "Arbetsmarknads- och socialnämnden", "2019-02-26"]
    assert int(tyreso[5]) >= 1 and int(tyreso[6]) > int(tyreso[5])
    kommuner, committees = filter_choices(searcher)
    assert kommuner == ["Alla", "Botkyrka", "Tyresö"]
    assert "Socialnämnden" in committees


def test_upload_reports_added_unchanged_replaced_and_rejected(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "namnd")
    embedder = HashEmbedder()
    uploads = tmp_path / "browser-uploads"
    uploads.mkdir()
    sample = uploads / TYRESO
    shutil.copyfile(SAMPLES / TYRESO, sample)
    (uploads / "tom.txt").write_text("", encoding="utf-8")
    (uploads / "bild.png").write_bytes(b"\x89PNG")

    class Holder:  # run_ingest reuses the searcher's embedder, so uploads cost no model load
        pass

    holder = Holder()
    holder.embedder = embedder  # type: ignore[attr-defined]
    first = {
        r[0]: r
        for r in run_ingest([sample, uploads / "tom.txt", uploads / "bild.png"], settings, holder)
    }
    assert first[TYRESO][1] == "Tillagd" and int(first[TYRESO][2]) > 0
    assert first["tom.txt"][1:] == ["Avvisad", "0", "Filen kunde inte läsas in: filen är tom."]
    assert first["bild.png"][1] == "Avvisad" and "PDF, DOCX eller TXT" in first["bild.png"][3]
    assert run_ingest([sample], settings, holder)[0][1] == "Oförändrad"
    sample.write_text(sample.read_text(encoding="utf-8") + "\n\nTillägg.\n", encoding="utf-8")
    assert run_ingest([sample], settings, holder)[0][1] == "Ersatt"


def test_build_app_wires_the_three_tabs(corpus_index: tuple[Settings, Searcher]) -> None:
    settings, searcher = corpus_index
    assistant = Assistant(searcher, FakeChatModel(), settings.chat)
    app = build_app(assistant, searcher, settings)
    labels = [b.label for b in app.blocks.values() if type(b).__name__ == "Tab"]
    assert labels == ["Chatt", "Sök", "Dokument"]
    assert settings.feedback_db.exists()


def test_ai_answers_wait_their_turn_for_the_one_model(chat_chunks: list) -> None:
    llm = FakeChatModel("För 2022 redovisar nämnden ett överskott på 78,5 miljoner kronor [1].")
    assistant = Assistant(ListSearcher(chat_chunks), llm, Settings().chat)
    lock = threading.Lock()
    lock.acquire()  # another user's AI-svar is generating
    conv = Conversation()
    turns = stream_turn(
        assistant,
        conv,
        "Hur stort överskott hade socialnämnden 2022?",
        make_filters(None, None, None, None),
        "llm",
        llm_lock=lock,
    )
    next(turns)
    assert next(turns).waiting and "Väntar på att språkmodellen blir ledig" in transcript_html(conv)
    assert llm.history == []  # the model was not touched while another user held it
    threading.Timer(0.05, lock.release).start()
    *_, last = turns
    assert last.answer is not None and last.answer.answered and not last.waiting
    assert not lock.locked()  # released for the next user


def test_answers_keep_working_while_files_are_uploaded(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "namnd", chat={"min_relevance": 0.0})
    ingest([SAMPLES / TYRESO], settings.corpus, settings.index, embedder=HashEmbedder())
    searcher = Searcher.from_settings(settings.index, embedder=HashEmbedder())
    assistant = Assistant(searcher, FakeChatModel(), settings.chat)
    uploads = [SAMPLES / "001_b45e768bb4a60bb9.txt", SAMPLES / "003_a9d802a344dea62f.txt"]
    worker = threading.Thread(target=run_ingest, args=(uploads, settings, searcher))
    worker.start()
    turns = []
    while worker.is_alive() or not turns:
        conv = Conversation()
        list(
            stream_turn(
                assistant,
                conv,
                "Verksamhetsberättelse för år 2018",
                make_filters(None, None, None, None),
                "extractive",
            )
        )
        turns.append(conv.turns[-1])
    worker.join()
    assert all(t.error is None and t.answer is not None for t in turns)
    assert {r[0] for r in document_rows(searcher)} == {TYRESO, *(p.name for p in uploads)}


def test_snippet_cuts_at_word_boundaries_and_marks_the_term() -> None:
    text = (
        "Inledande ord. " * 20
        + "Förvaltningschefen informerar om försörjningsstöd i kommunen. "
        + "Slut. " * 40
    )
    html = snippet(text, "försörjningsstöd")
    assert "<mark>försörjningsstöd</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    words = html[2:-2].replace("<mark>", "").replace("</mark>", "").split(" ")
    assert words[0] in {"Inledande", "ord.", "Förvaltningschefen"} and words[-1] in {
        "Slut.",
        "kommunen.",
    }


def test_case_decision_drops_repeated_headings() -> None:
    chunk = make_chunk(
        "01 Förvaltningschefen informerar (SN 2023:00007)\nBeslut\nSocialnämnden har tagit del av informationen.",
        "c-sn-2023-7",
        dnr=("SN/2023:7",),
        section="Beslut",
        title="Förvaltningschefen informerar – muntlig information",
    )
    (entry,) = case_entries([chunk])
    assert entry.decision_text() == "Socialnämnden har tagit del av informationen."
