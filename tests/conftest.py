"""Shared fixtures: settings in a temp data dir, the bundled corpus, fakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
DATA = Path(__file__).parent / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data directory is a fresh temp dir."""
    return Settings(data_dir=tmp_path / "namnd")


@pytest.fixture
def chunk_factory():
    """Factory for hand-built Chunks: chunk_factory("text", dnr=("SN/2023:144",), date="2023-06-13", ...)."""
    import hashlib

    from corpus.types import Chunk, Meeting

    def make(text: str, *, dnr: tuple[str, ...] = (), date: str | None = "2023-02-14",
             kommun: str | None = "Botkyrka", committee: str | None = "Socialnämnden",
             doc_type: str = "kallelse", section: str | None = "Ärendet", item_number: int | None = 1,
             item_title: str | None = "Ärende", source_file: str = "a.txt", paragraph: str | None = None,
             duplicate_of: str | None = None, start: int = 0) -> Chunk:
        doc_id = hashlib.sha256(source_file.encode()).hexdigest()[:16]
        chunk_id = hashlib.sha256(f"{doc_id}|{start}|{text}".encode()).hexdigest()[:16]
        meeting = Meeting(kommun, committee, date, "18:00", "Tumba", doc_type)
        return Chunk(chunk_id, doc_id, source_file, text, meeting, item_number, item_title, dnr, dnr,
                     section, "summary", paragraph, start, start + len(text), duplicate_of)

    return make


@pytest.fixture
def hash_embedder():
    from fakes import HashEmbedder

    return HashEmbedder()


# --- assistant: a few real excerpts of the bundled corpus as Chunks (tests of citations/chat) ---
VB2022 = (
    "För 2022 redovisar nämnden ett överskott på 78,5 miljoner kronor vilket motsvarar en positiv "
    "budgetavvikelse på 11 procent. Alla verksamheter visar budget i balans eller ett överskott. "
    "Resultatet för året är en förbättring med 38,5 miljoner kronor i jämförelse med prognosen vid delår 2."
)
VB2022_CAUSE = (
    "Barn och unga\n\nFör 2022 redovisar verksamheten för barn och unga ett överskott på 38,1 miljoner kronor.\n\n"
    "För administration förklaras överskottet med vakanta tjänster som kan kopplas till det svåra "
    "rekryteringsläget.\n\n- Överskott på grund av vakanta tjänster: 11,9 mnkr"
)
VB2019 = (
    "Socialnämnden har ett utfall som är 22 mkr över budget. Underskottet är främst kopplat till ökat "
    "antal placeringar på institution och HVB utifrån LVU och LVM, ökat behov av försörjningsstöd samt "
    "högre kostnader boende- och verksamhetslokaler."
)
TYRESO = (
    "1. Verksamhetsberättelse för år 2018 för verksamhetsområde 3 - individ- och familjeomsorgen godkänns.\n"
    "2. Återrapportering om plan för hur individ- och familjeomsorgen hållbart och långsiktigt kan sänka "
    "kostnadsnivåerna för att uppnå en budget i balans godkänns."
)


def make_chunk(text: str, chunk_id: str, *, dnr: tuple[str, ...] = ("SN/2023:554",), date: str = "2023-02-14",
               kommun: str = "Botkyrka", committee: str = "Socialnämnden", section: str | None = "Sammanfattning",
               paragraph: str | None = None, title: str = "Verksamhetsberättelse 2022 Socialnämnden",
               doc_type: str = "kallelse", source_file: str = "001_b45e768bb4a60bb9.txt"):
    """A Chunk with realistic metadata (import from conftest in assistant tests)."""
    from corpus.types import Chunk, Meeting

    meeting = Meeting(kommun, committee, date, "18:00", "Kommunhuset i Tumba", doc_type)
    return Chunk(chunk_id, "doc-" + source_file[:3], source_file, text, meeting, 3, title, dnr, dnr,
                 section, "summary", paragraph, 0, len(text))


@pytest.fixture
def chat_chunks() -> list:
    """Four chunks: VB 2022 result and cause (Botkyrka 2023), VB 2019 (Botkyrka 2020), Tyresö § 1014."""
    return [
        make_chunk(VB2022, "c-vb2022"),
        make_chunk(VB2022_CAUSE, "c-vb2022-cause", section="Ekonomisk uppföljning"),
        make_chunk(VB2019, "c-vb2019", dnr=("SN/2020:33",), date="2020-02-18",
                   title="Verksamhetsberättelse 2019", source_file="000_6a1b9072bd961800.txt"),
        make_chunk(TYRESO, "c-tyreso", dnr=("ASN/2019:36",), date="2019-02-26", kommun="Tyresö",
                   committee="Arbetsmarknads- och socialnämnden", section="Beslut", paragraph="§ 1014",
                   title="Verksamhetsberättelse för år 2018 för verksamhetsområde 3", doc_type="protokollsutdrag",
                   source_file="004_45a1c237a718c0b7.txt"),
    ]


# --- corpus: the bundled corpus parsed and chunked once per session ---
@pytest.fixture(scope="session")
def documents() -> list:
    """The five bundled documents as parsed Documents (corpus/samples)."""
    from corpus.parse import discover_files, parse_file

    return [parse_file(path) for path in discover_files([SAMPLES])]


@pytest.fixture(scope="session")
def chunks(documents: list) -> list:
    """Every chunk of the bundled corpus, in document order (about 1,400)."""
    from corpus.chunking import chunk_document

    return [chunk for doc in documents for chunk in chunk_document(doc)]


@pytest.fixture(scope="session")
def chroma_server_url(tmp_path_factory: pytest.TempPathFactory):
    """A real `chroma run` server on loopback for the whole session; yields its http:// URL."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    chroma = Path(sys.executable).with_name("chroma")
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("wb")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(path / "data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"chroma run exited early: {(path / 'server.log').read_text()[-500:]}")
                time.sleep(0.1)
        else:
            pytest.fail("chroma run did not answer within 30 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def e5_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of an index of the bundled corpus built ONCE per session with the real e5 model (~3 min)."""
    from index.ingest import ingest

    built = Settings(data_dir=tmp_path_factory.mktemp("e5-index"))
    ingest(None, built.corpus, built.index)
    return built


@pytest.fixture(scope="session")
def e5_searcher(e5_index: Settings):
    """A real Searcher (e5 + Chroma + BM25) over the bundled corpus."""
    from index.search import Searcher

    return Searcher.from_settings(e5_index.index)
