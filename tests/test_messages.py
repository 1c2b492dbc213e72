"""ui.messages: one table from exception to Swedish text, keeping the detail; a down Chroma server says so."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from conftest import SAMPLES
from fakes import HashEmbedder
from typer.testing import CliRunner

from assistant.errors import LLMBackendError, ModelFilesError
from assistant.settings import Settings
from index.errors import EmbeddingBackendError, IndexBusyError, IndexNotBuiltError
from index.ingest import ingest
from index.search import Searcher
from index.settings import IndexSettings
from ui.cli import app
from ui.errors import InputError
from ui.messages import ERROR_TEXTS, GENERIC_ERROR, KNOWN_ERRORS, Message, error_message, status_label

TYRESO = "004_45a1c237a718c0b7.txt"


@pytest.mark.parametrize(("cls", "text"), ERROR_TEXTS)
def test_every_known_error_keeps_its_detail(cls: type[BaseException], text: str) -> None:
    message = error_message(cls("No index at '/data/index'"))
    assert message == Message(text, "No index at '/data/index'")
    assert str(message) == f"{text} (No index at '/data/index')"


def test_the_texts_say_what_to_do() -> None:
    assert "namnd ingest" in error_message(IndexNotBuiltError("x")).text
    assert "Vänta" in error_message(IndexBusyError("x")).text
    assert "NAMND_INDEX__EMBEDDING_BACKEND" in error_message(EmbeddingBackendError("x")).text
    for exc in (ModelFilesError("x"), LLMBackendError("x")):
        assert "Citat ur handlingarna" in error_message(exc).text and "--mode extractive" in error_message(exc).text


def test_input_errors_are_shown_as_written_and_unknown_errors_without_detail() -> None:
    assert error_message(InputError("Skriv en fråga först.")) == Message("Skriv en fråga först.")
    assert error_message(AssertionError("internal")) == Message(GENERIC_ERROR)
    assert InputError in KNOWN_ERRORS and AssertionError not in KNOWN_ERRORS


def test_status_labels_are_one_set() -> None:
    assert [status_label(s) for s in ("added", "unchanged", "replaced", "rejected", "removed")] == [
        "Tillagd", "Oförändrad", "Ersatt", "Avvisad", "Borttagen"]
    assert status_label("odd") == "odd"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once the socket is closed


@pytest.fixture
def local_index(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "namnd")
    ingest([SAMPLES / TYRESO], settings.corpus, settings.index, embedder=HashEmbedder())
    return settings


def test_a_down_chroma_server_is_named_not_called_a_missing_index(local_index: Settings) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    index = local_index.index.model_copy(update={"chroma_url": url})
    with pytest.raises(IndexNotBuiltError) as caught:
        Searcher.from_settings(index, embedder=HashEmbedder())  # the real connection attempt
    message = error_message(caught.value, index)
    assert url in message.text and "NAMND_CHROMA_URL" in message.text and "svarar inte" in message.text
    assert "namnd ingest" not in message.text and message.detail  # chromadb's own words are kept
    # Without a server configured the same class keeps its usual meaning.
    assert "namnd ingest" in error_message(IndexNotBuiltError("No index"), IndexSettings()).text


def test_cli_reports_a_down_chroma_server(local_index: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("NAMND_DATA_DIR", str(local_index.data_dir))
    monkeypatch.setenv("NAMND_CHROMA_URL", url)
    monkeypatch.setattr("index.search.make_embedder", lambda settings: HashEmbedder())  # built with it
    result = CliRunner().invoke(app, ["search", "budget"])
    assert result.exit_code == 1
    assert f"Fel: Chroma-servern på {url} svarar inte" in result.stderr
    assert "NAMND_CHROMA_URL" in result.stderr and "Detalj:" in result.stderr
