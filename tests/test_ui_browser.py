"""The real web app in headless Chromium (Debian's /usr/bin/chromium, never `playwright install`).

One module-scoped server runs over a real index of the bundled corpus with the real e5 embeddings.
Most steps use the extractive mode ("Citat ur handlingarna") so they are fast; AI-svar is checked
twice: with the real local LLM when its files are installed, and with a slow FakeChatModel
(FAKE LLM: only to watch the streaming mechanics, never its wording).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from fakes import FakeChatModel

from assistant.chat import Assistant
from assistant.settings import Settings, UISettings
from index.embed import make_embedder
from index.ingest import ingest
from index.search import Searcher
from ui.app import build_app, launch
from ui.feedback import FeedbackStore

# Building the e5 index takes ~3 min on 2 idle cores, far longer on a busy machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]
playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "docs" / "screenshots"
QUESTION = "Hur stort överskott hade socialnämnden 2022?"
TIMEOUT = 120_000  # ms; the CPU is shared with other tests
ROWS = "#results .virtual-row"  # gradio 6's Dataframe renders body rows as a virtual grid


@dataclass
class Server:
    url: str
    settings: Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Searcher]:
    """The bundled corpus indexed once with the real e5 model (about 2–3 minutes on 2 cores)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser") / "namnd")
    embedder = make_embedder(settings.index)
    ingest(None, settings.corpus, settings.index, embedder=embedder)
    return settings, Searcher.from_settings(settings.index, embedder=embedder)


def _serve(settings: Settings, assistant: Assistant, searcher: Searcher) -> Iterator[Server]:
    app = build_app(assistant, searcher, settings)
    port = _free_port()
    launch(app, settings, host="127.0.0.1", port=port, block=False)
    try:
        yield Server(f"http://127.0.0.1:{port}/", settings)
    finally:
        app.close()


@pytest.fixture(scope="module")
def server(index: tuple[Settings, Searcher]) -> Iterator[Server]:
    """The app with the real Assistant (the real LLM loads lazily, only if AI-svar is used)."""
    settings, searcher = index
    yield from _serve(settings, Assistant(searcher, None, settings.chat), searcher)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install chromium).")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object, server: Server) -> Iterator[object]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        locale="sv-SE",  # type: ignore[attr-defined]
        accept_downloads=True,
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.goto(server.url)
    pg.wait_for_selector("#question textarea")
    yield pg
    context.close()


def ask(pg: object, question: str, mode: str = "Citat ur handlingarna") -> object:
    """Type a question, send it and wait for the final answer of that turn; returns the turn locator."""
    pg.locator("#mode label", has_text=mode).click()  # type: ignore[attr-defined]
    turns_before = pg.locator(".turn").count()  # type: ignore[attr-defined]
    pg.locator("#question textarea").fill(question)  # type: ignore[attr-defined]
    pg.locator("#ask").click()  # type: ignore[attr-defined]
    turn = pg.locator(".turn").nth(turns_before)  # type: ignore[attr-defined]
    turn.locator(".a-bubble.final, .a-bubble.error").wait_for()
    return turn


def test_chat_answer_sources_citation_follow_up_copy_and_feedback(
    page: object, server: Server
) -> None:
    pg = page
    turn = ask(pg, QUESTION)
    assert turn.locator(".a-bubble.error").count() == 0, turn.inner_text()
    assert turn.locator(".a-bubble.refusal").count() == 0, turn.inner_text()
    assert turn.locator(".a-bubble a.cite").count() >= 1
    assert turn.locator(".source-card").count() >= 1

    # Follow a citation: the marker scrolls to its card and flashes it.
    cite = turn.locator("a.cite").first
    target = cite.get_attribute("data-card")
    cite.click()
    pg.wait_for_selector(f"#{target}.flash")
    card = pg.locator(f"#{target}")
    assert re.search(
        r"[A-ZÅÄÖ]+/\d{4}:\d+", card.locator(".card-head").inner_text()
    )  # diarienummer
    assert card.locator(".card-title").inner_text().strip()  # ärende title
    assert re.fullmatch(
        r".+nämnden · (Botkyrka|Tyresö) · \d{4}-\d{2}-\d{2}",
        card.locator(".card-meta").inner_text(),
    )
    assert card.locator(".card-section").inner_text().strip()
    assert card.locator(".card-quote mark").count() == 1  # the quote, inside its surrounding text
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.evaluate("window.scrollTo(0, 0)")  # header, answer and the first cards in one picture
    pg.screenshot(path=str(SHOTS / "chat.png"), full_page=False)

    # A click on the card opens the whole ärende with the cited passage marked.
    pg.locator(f"#{target} button.open-item").click()
    pg.wait_for_selector("#item-view .item-chunk.focus")
    assert "Verksamhetsberättelse" in pg.locator("#item-view h3").inner_text()

    # Copy the answer with its citations as plain text.
    turn.locator("button.copy").click()
    pg.wait_for_function(
        "() => document.querySelector('button.copy').textContent.includes('Kopierat')"
    )
    copied = pg.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"Fråga: {QUESTION}") and "\nKällor:\n" in copied
    assert re.search(r"^\[\d+\] .+ \(.+, \d{4}-\d{2}-\d{2}\)", copied, re.MULTILINE)

    # A follow-up is understood in the light of the conversation.
    second = ask(pg, "vad berodde det på?")
    assert (
        "Tolkad som" in second.locator(".query").inner_text()
        and "2022" in second.locator(".query").inner_text()
    )
    assert second.locator(".source-card").count() >= 1

    # Thumbs down (on the first answer) with a comment is stored with question, answer and citations; the CSV export has it.
    turn.locator("button.rate[data-rating='-1']").click()
    pg.locator("#comment textarea").fill("Saknar siffran för barn och unga.")
    pg.locator("#send-comment").click()
    pg.wait_for_selector("#comment-row", state="hidden")
    entries = [
        e for e in FeedbackStore(server.settings.feedback_db).entries() if e.question == QUESTION
    ]
    assert [(e.rating, e.comment) for e in entries] == [(-1, "Saknar siffran för barn och unga.")]
    assert "chunk_id" in entries[0].citations
    with pg.expect_download() as download:
        pg.locator("#feedback-csv").click()
    rows = list(
        csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    )
    assert any(r[5] == QUESTION and r[4] == "Saknar siffran för barn och unga." for r in rows)

    # "Ny konversation" forgets the history: the same follow-up is no longer rewritten.
    pg.locator("#new-chat").click()
    pg.wait_for_selector(".welcome")
    assert pg.locator(".turn").count() == 0


def test_every_browser_session_has_its_own_conversation(browser: object, server: Server) -> None:
    first = browser.new_page()  # type: ignore[attr-defined]
    second = browser.new_page()  # type: ignore[attr-defined]
    try:
        for pg in (first, second):
            pg.set_default_timeout(TIMEOUT)
            pg.goto(server.url)
            pg.wait_for_selector("#question textarea")
        ask(first, QUESTION)
        second.wait_for_timeout(500)
        assert second.locator(".turn").count() == 0 and second.locator(".welcome").count() == 1
        # The second user starts from one of the welcome screen's example questions.
        second.locator("#mode label", has_text="Citat ur handlingarna").click()
        example = second.locator(".welcome li").nth(1)
        example_text = example.inner_text()
        example.click()
        second.wait_for_selector(".turn .a-bubble.final, .turn .a-bubble.error")
        assert second.locator(".q-bubble").inner_text() == example_text
        assert first.locator(".turn").count() == 1 and second.locator(".turn").count() == 1
    finally:
        first.close()
        second.close()


def test_search_desk_case_view_sorting_and_csv(page: object) -> None:
    pg = page
    pg.get_by_role("tab", name="Sök").click()
    pg.locator("#search-query textarea").fill("SN 2023:00007")  # on the agenda of two meetings
    pg.locator("#search").click()
    pg.wait_for_selector("#case-view .timeline")
    rows = pg.locator(ROWS)
    rows.first.wait_for()
    assert "SN/2023:7" in rows.first.inner_text()
    hits = (
        int(pg.locator("#results [role=grid]").get_attribute("aria-rowcount")) - 1
    )  # minus the header
    assert hits >= 1
    pg.screenshot(path=str(SHOTS / "search.png"), full_page=False)

    # The case view: a timeline entry per meeting with the beslut text of each.
    entries = pg.locator("#case-view .timeline-entry")
    dates = [e.locator(".timeline-date").inner_text() for e in entries.all()]
    assert dates == sorted(dates) and {"2023-02-14", "2023-06-13"} <= set(dates)
    assert pg.locator("#case-view .case-decision").count() == entries.count()
    pg.locator("#case-view").scroll_into_view_if_needed()
    pg.locator("#case-view").screenshot(path=str(SHOTS / "case.png"))

    # CSV export of the hits.
    with pg.expect_download() as download:
        pg.locator("#results-csv").click()
    table = list(
        csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    )
    assert table[0][:4] == ["Datum", "Kommun", "Nämnd", "Diarienummer"]
    assert len(table) - 1 == hits
    assert "SN/2023:7" in table[1][3]  # exact diarienummer matches come first

    # A free-text search, sorted by date with a click on the column header.
    pg.locator("#search-query textarea").fill("försörjningsstöd")
    pg.locator("#search").click()
    pg.wait_for_function(
        "() => document.querySelector('#search-info').innerText.includes('försörjningsstöd')"
    )
    assert (
        pg.locator("#results .virtual-row mark").count() >= 1
    )  # the match is highlighted in the snippet
    header = pg.locator("#results th[role=columnheader]", has_text="Datum").first
    header.hover()
    header.locator("button.cell-menu-button").click()
    pg.get_by_role("menuitem", name="Sortera stigande").click()
    pg.wait_for_timeout(500)
    dates = [
        r.locator("[role=gridcell]").first.inner_text().strip() for r in pg.locator(ROWS).all()
    ]
    assert len(dates) > 3 and dates == sorted(dates)

    # Clicking a row opens the case of that row.
    dnr = (
        pg.locator(ROWS).first.locator("[role=gridcell]").nth(2).inner_text().split(",")[0].strip()
    )
    pg.locator(ROWS).first.locator("[role=gridcell]").nth(3).click()
    pg.wait_for_function(
        f"() => document.querySelector('#case-view').innerText.includes('Ärende {dnr}')"
    )


def test_decisions_in_a_period_per_namnd(page: object) -> None:
    pg = page
    pg.get_by_role("tab", name="Sök").click()
    pg.locator("#search-from textarea, #search-from input").first.fill("2019")
    pg.locator("#search-to textarea, #search-to input").first.fill("2019")
    pg.get_by_text("Alla beslut i perioden, per nämnd").click()
    pg.locator("#list-decisions").click()
    pg.wait_for_selector("#decisions-view .decisions")
    titles = pg.locator("#decisions-view .decisions h3").all_inner_texts()
    assert len(titles) == 1 and titles[0].startswith("Arbetsmarknads- och socialnämnden")
    assert "2019-02-26" in pg.locator("#decisions-view").inner_text()


def test_upload_reports_each_file_and_lists_documents(page: object, tmp_path: Path) -> None:
    pg = page
    new_file = tmp_path / "protokoll_kultur_2024.txt"
    new_file.write_text(
        "Protokoll\n\nKultur- och fritidsnämnden\n\nDatum 2024-03-12\nTid 18:00\nPlats Kommunhuset i Tumba\n\n"
        "§ 21\nDnr KFN/2024:12\n\nBibliotekens öppettider 2024\n\nBeslut\n\n"
        "Kultur- och fritidsnämnden beslutar att biblioteken i Tumba och Fittja ska ha söndagsöppet från och "
        "med april 2024.\n\nÄrendet\n\nFörvaltningen har utrett utökade öppettider på biblioteken.\n",
        encoding="utf-8",
    )
    unchanged = tmp_path / "004_45a1c237a718c0b7.txt"
    shutil.copyfile(SAMPLES / unchanged.name, unchanged)
    empty = tmp_path / "tom.txt"
    empty.write_text("", encoding="utf-8")

    pg.get_by_role("tab", name="Dokument").click()
    pg.locator("#upload input[type=file]").set_input_files([str(new_file), str(empty)])
    pg.locator("#ingest").click()
    pg.wait_for_selector("#ingest-report .virtual-row")
    report = {
        r.locator("[role=gridcell]").first.inner_text().strip(): r.inner_text()
        for r in pg.locator("#ingest-report .virtual-row").all()
    }
    assert "Tillagd" in report[new_file.name]
    assert "Avvisad" in report[empty.name] and "kunde inte läsas in" in report[empty.name]
    pg.wait_for_function(
        f"() => document.querySelector('#documents').innerText.includes('{new_file.name}')"
    )
    assert "Tyresö" in pg.locator("#documents").inner_text()

    # Uploading the same content again changes nothing.
    pg.locator("#upload input[type=file]").set_input_files([str(new_file)])
    pg.locator("#ingest").click()
    pg.wait_for_function(
        "() => document.querySelector('#ingest-report').innerText.includes('Oförändrad')"
    )


def _real_llm_available() -> bool:
    from assistant.errors import ModelFilesError
    from assistant.model_files import find_parts

    try:
        return bool(find_parts())
    except ModelFilesError:
        return False


@pytest.mark.skipif(not _real_llm_available(), reason="the bundled GGUF parts are not installed")
def test_ai_answer_streams_with_the_real_local_model(page: object) -> None:
    turn = ask(page, QUESTION, mode="AI-svar")
    assert turn.locator(".a-bubble.error").count() == 0, turn.inner_text()
    assert turn.locator(".source-card").count() >= 1
    assert turn.locator(".a-bubble.final p").count() >= 1


@pytest.fixture(scope="module")
def fake_llm_server(index: tuple[Settings, Searcher]) -> Iterator[Server]:
    """FAKE LLM: the real searcher and Assistant, but a slow scripted model, to watch streaming."""
    settings, searcher = index
    llm = FakeChatModel(delay=0.15)
    llm.enqueue(
        "För 2022 redovisar socialnämnden ett överskott på 78,5 miljoner kronor [1]. "
        "Alla verksamheter visar budget i balans eller ett överskott [1]."
    )
    yield from _serve(settings, Assistant(searcher, llm, settings.chat), searcher)


def test_sources_appear_before_the_streamed_answer_finishes(
    browser: object, fake_llm_server: Server
) -> None:
    pg = browser.new_page()  # type: ignore[attr-defined]
    try:
        pg.set_default_timeout(TIMEOUT)
        pg.goto(fake_llm_server.url)
        pg.wait_for_selector("#question textarea")
        pg.locator("#mode label", has_text="AI-svar").click()
        pg.locator("#question textarea").fill(QUESTION)
        pg.locator("#ask").click()
        pg.wait_for_selector(".turn .source-card")
        assert (
            pg.locator(".a-bubble.final").count() == 0
        )  # cards are shown while the answer streams
        pg.wait_for_selector(".a-bubble .cursor")  # partial text with the typing cursor
        pg.wait_for_selector(".a-bubble.final")
        assert "78,5 miljoner" in pg.locator(".a-bubble.final").inner_text()
        assert pg.locator(".a-bubble.final a.cite").count() >= 1
    finally:
        pg.close()


@pytest.fixture(scope="module")
def login_server(index: tuple[Settings, Searcher]) -> Iterator[Server]:
    """The app with a username and password set, as required off loopback."""
    settings, searcher = index
    settings = settings.model_copy(
        update={"ui": UISettings(username="revisor", password="hemligt")}
    )
    yield from _serve(settings, Assistant(searcher, None, settings.chat), searcher)


def test_login_guards_the_app_when_credentials_are_set(
    browser: object, login_server: Server
) -> None:
    pg = browser.new_page(locale="sv-SE")  # type: ignore[attr-defined]
    try:
        pg.set_default_timeout(TIMEOUT)
        pg.goto(login_server.url)
        pg.get_by_role("button", name="Logga in").wait_for()
        assert pg.locator("#question").count() == 0
        pg.locator("input[type=text]").fill("revisor")
        pg.locator("input[type=password]").fill("fel")
        pg.get_by_role("button", name="Logga in").click()
        pg.wait_for_timeout(1000)
        assert pg.locator("#question").count() == 0
        pg.locator("input[type=text]").fill("revisor")  # the form is cleared after a failed try
        pg.locator("input[type=password]").fill("hemligt")
        pg.get_by_role("button", name="Logga in").click()
        pg.wait_for_selector("#question textarea")
    finally:
        pg.close()
