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
from index.types import SearchFilters
from ui.actions import Actions
from ui.app import build_app
from ui.case_view import case_html, case_view_html, decision_text
from ui.conversation import Conversation, stream_turn, transcript_html
from ui.desk import decisions_html, result_rows
from ui.documents import document_rows, run_ingest
from ui.errors import InputError, LoginRequiredError
from ui.inputs import FILTERS, read_filters
from ui.login import is_loopback, login_for
from ui.messages import GENERIC_ERROR, Message
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
            SearchFilters(),
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
        SearchFilters(),
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
    filters = SearchFilters()
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
            SearchFilters(),
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
            SearchFilters(),
            "llm",
        )
    )
    assert conv.turns[-1].error == Message(GENERIC_ERROR)
    html = transcript_html(conv)
    assert "Traceback" not in html and "AssertionError" not in html and 'role="alert"' in html
    assert conv.history() == ()  # a failed turn is not used as context for follow-ups


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
    steps = searcher.case_steps("SN 2022:00557")
    assert steps, "SN/2022:557 (internkontrollplan 2022) is in the bundled corpus"
    dates = [s.meeting.date or "" for s in steps]
    assert dates == sorted(dates)
    html = case_view_html("SN/2022:557", searcher)
    assert 'class="timeline"' in html and "case-decision-label" in html
    assert "internkontroll" in html.lower()
    assert html.count('class="timeline-entry"') == len(steps)
    assert case_html("SN/2022:557", searcher.case("SN/2022:557")) == html  # chunks alone group the same
    # A kallelse's "Beslut" heading only proposes: the step says Förslag, and so does its label.
    kallelse = case_view_html("SN/2023:7", searcher)
    assert "state-förslag" in kallelse and 'case-decision-label">Förslag till beslut<' in kallelse
    assert 'case-decision-label">Beslut<' not in kallelse


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
    html = decisions_html(searcher.decisions(read_filters({"date_from": "2019", "date_to": "2019"})))
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
    choices = {f.name: f.choices(searcher) for f in FILTERS if f.choices}
    assert choices["kommun"] == [("Alla", "Alla"), ("Botkyrka", "Botkyrka"), ("Tyresö", "Tyresö")]
    assert ("Socialnämnden", "Socialnämnden") in choices["namnd"]
    assert choices["doc_type"] == [("Alla", "Alla"), ("Kallelse", "kallelse"), ("Protokollsutdrag", "protokollsutdrag")]


def test_upload_reports_added_unchanged_replaced_and_rejected(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "namnd")
    embedder = HashEmbedder()
    uploads = tmp_path / "browser-uploads"
    uploads.mkdir()
    sample = uploads / TYRESO
    shutil.copyfile(SAMPLES / TYRESO, sample)
    (uploads / "tom.txt").write_text("", encoding="utf-8")
    (uploads / "bild.png").write_bytes(b"\x89PNG")

    first = {
        r[0]: r
        for r in run_ingest([sample, uploads / "tom.txt", uploads / "bild.png"], settings, embedder)
    }
    assert first[TYRESO][1] == "Tillagd" and int(first[TYRESO][2]) > 0
    assert first["tom.txt"][1:] == ["Avvisad", "0", "Filen kunde inte läsas in: filen är tom."]
    assert first["bild.png"][1] == "Avvisad" and "PDF, DOCX eller TXT" in first["bild.png"][3]
    assert run_ingest([sample], settings, embedder)[0][1] == "Oförändrad"
    sample.write_text(sample.read_text(encoding="utf-8") + "\n\nTillägg.\n", encoding="utf-8")
    assert run_ingest([sample], settings, embedder)[0][1] == "Ersatt"


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
        SearchFilters(),
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
    worker = threading.Thread(target=run_ingest, args=(uploads, settings, searcher.embedder))
    worker.start()
    turns = []
    while worker.is_alive() or not turns:
        conv = Conversation()
        list(
            stream_turn(
                assistant,
                conv,
                "Verksamhetsberättelse för år 2018",
                SearchFilters(),
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
    assert decision_text([chunk]) == "Socialnämnden har tagit del av informationen."


# --- the controls' actions (what every gradio event calls) -----------------------------------------


@pytest.fixture
def actions(corpus_index: tuple[Settings, Searcher]) -> Actions:
    settings, searcher = corpus_index
    return Actions.create(Assistant(searcher, FakeChatModel(), settings.chat), searcher, settings)


NO_FILTERS = ("Alla", "Alla", "", "", "Alla")  # kommun, nämnd, från, till, dokumenttyp


def test_a_diarienummer_search_opens_its_case_and_exports_the_hits(actions: Actions) -> None:
    view = actions.search("SN 2022:00557", *NO_FILTERS)
    assert view.dnr == "SN/2022:557" and view.case_html and 'class="timeline"' in view.case_html
    assert view.hits[0].source == "exact" and len(view.rows) == len(view.hits)
    assert view.csv_path is not None
    assert view.csv_path.read_text(encoding="utf-8-sig").startswith("Datum,Kommun,Nämnd,Diarienummer")
    assert actions.search("   ", *NO_FILTERS).info == "Skriv ett sökord eller ett diarienummer."


def test_the_case_box_says_what_to_type(actions: Actions) -> None:
    assert "ser inte ut som ett diarienummer" in actions.case("budget")
    assert "Skriv ett diarienummer" in actions.case("")
    assert "Hittade inget ärende" in actions.case("SN/1999:1")
    assert actions.row_case(["2023-02-14", "Socialnämnden", "", "x"])[0] is None


def test_an_item_that_left_the_archive_says_so(actions: Actions) -> None:
    assert "finns inte längre i arkivet" in actions.open_item("no-such-chunk")


def test_questions_are_read_and_rated(actions: Actions) -> None:
    with pytest.raises(InputError, match="Skriv en fråga först"):
        actions.read_question("  ", "AI-svar", *NO_FILTERS)
    ask = actions.read_question("Verksamhetsberättelse 2018?", "Citat ur handlingarna", "Tyresö", *NO_FILTERS[1:])
    assert (ask.mode, ask.filters, ask.needs_llm) == ("extractive", SearchFilters(kommun="Tyresö"), False)
    conv = Conversation(session_id="s1")
    list(stream_turn(actions.assistant, conv, ask.question, ask.filters, ask.mode))
    entry = actions.rate(conv, 0, -1)
    assert entry is not None and actions.rate(conv, 5, 1) is None
    assert actions.comment("Saknar siffran.", entry) and not actions.comment(" ", entry)
    assert "Saknar siffran." in Path(actions.feedback_csv()).read_text(encoding="utf-8-sig")


def test_case_view_cites_each_step_with_state_votes_and_reservations() -> None:
    from dataclasses import replace

    from corpus.types import Person, Reservation, Vote, Voter

    proposal = replace(make_chunk("Socialnämnden föreslås godkänna planen.", "c-k", dnr=("SN/2023:144",),
                                  section="Förslag till beslut", date="2023-02-14", doc_type="kallelse"),
                       decision_state="förslag")
    vote = Vote("§ 12", "Ja-röst för förvaltningens förslag, nej-röst för avslag.", 7, 6, 0, None,
                (Voter("Anna Berg", "S", "ja"), Voter("Per Ek", "M", "nej")),
                "Ordföranden förklarar att socialnämnden beslutat enligt förvaltningens förslag.", False, 0, 10)
    reservation = Reservation((Person("Per Ek", "M"),), "beslutet", True, 0, 10)
    decision = replace(
        make_chunk("Socialnämnden godkänner planen.", "c-p", dnr=("SN/2023:144",), section="Beslut",
                   paragraph="§ 12", date="2023-03-14", doc_type="protokoll", source_file="010_protokoll.txt"),
        votes=(vote,), reservations=(reservation,), decision_state="beslut")
    html = case_html("SN/2023:144", [decision, proposal])
    assert html.index("state-förslag") < html.index("state-beslut")  # oldest step first
    assert "Kallelse · Socialnämnden · Botkyrka · 2023-02-14" in html
    assert "Protokoll · Socialnämnden · Botkyrka · 2023-03-14 · § 12" in html
    assert "Votering § 12: 7 ja, 6 nej, 0 avstår" in html
    assert "<b>Ja:</b> Anna Berg (S)" in html and "<b>Nej:</b> Per Ek (M)" in html
    assert "Reservationer (1) · partier: M" in html and "Per Ek (M) – beslutet (skriftlig reservation)" in html


SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def test_case_view_of_a_real_protocol_shows_its_votering_and_reservation() -> None:
    if not SHARED.exists():
        pytest.skip(f"the shared archives are not at {SHARED} (a checkout without ../shared)")
    from corpus.chunking import chunk_document
    from corpus.parse import parse_file

    settings = Settings()
    doc = parse_file(SHARED / "kungsbacka" / "vo_2025-09-04_protokoll.md", settings.corpus)
    chunks = chunk_document(doc, settings.corpus)
    html = case_html("VO/2025:245", chunks)
    assert html.count('class="timeline-entry"') == 1 and "§ 117" in html
    assert "Votering § 117: 6 ja, 3 nej, 2 avstår" in html
    assert "<b>Avstår:</b> " in html and "Per Hoel (SD)" in html
    assert "Reservationer (1) · partier: S" in html and "Ermin Škorić (S)" in html


def test_a_comparison_answer_shows_its_parts_as_a_table(chat_chunks: list) -> None:
    from assistant.types import AnswerPart
    from index.types import Hit
    from ui.conversation import TurnView

    cite = Citation(1, "c-vb2022", ("SN/2023:554",), "Sammanfattning", None, "Verksamhetsberättelse 2022",
                    "Socialnämnden", "Botkyrka", "2023-02-14", "001.txt", "överskott på 78,5 miljoner kronor")
    parts = (AnswerPart("2022", "Överskott 78,5 mnkr [1].", (cite,), True), AnswerPart("2021", "", (), False))
    answer = Answer("Jämförelse per år:", (cite,), "sv", True, "extractive", parts=parts)
    conv = Conversation(turns=[TurnView("Jämför 2021 och 2022", "extractive", hits=(Hit(chat_chunks[0], 1.0, "fused", 1),),
                                        text=answer.text, answer=answer)])
    html = transcript_html(conv)
    table = html[html.index('<table class="answer-parts">'):]
    assert '<th scope="row">2022</th>' in table and 'href="#kalla-0-1"' in table
    assert '<th scope="row">2021</th><td><span class="missing">Handlingarna säger inget om detta.' in table


@pytest.mark.parametrize(("backend", "waits"), [("local", True), ("local-batched", False), ("ollama", False)])
def test_only_the_single_in_process_model_makes_users_wait_in_turn(actions: Actions, backend: str,
                                                                   waits: bool) -> None:
    from dataclasses import replace as copy

    settings = actions.settings.model_copy(update={"chat": actions.settings.chat.model_copy(update={"backend": backend})})
    ask = copy(actions, settings=settings).read_question("Verksamhetsberättelse 2018?", "AI-svar", *NO_FILTERS)
    assert ask.mode == "llm" and ask.needs_llm is waits
