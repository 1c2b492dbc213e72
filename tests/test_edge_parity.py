"""The CLI and the web app read the same input the same way: same hits, same answers, same messages.

Both faces run for real over one index of the bundled corpus (real parsing, chunking, Chroma and
BM25; HashEmbedder from tests/fakes.py keeps it fast): the CLI through typer's runner with --json,
the web app through ui.actions.Actions, the object every gradio event calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import FakeChatModel, HashEmbedder
from typer.testing import CliRunner

from assistant.chat import Assistant
from assistant.settings import Settings
from index.ingest import ingest
from index.search import Searcher
from ui.actions import Actions
from ui.cli import app
from ui.conversation import Conversation, stream_turn
from ui.errors import InputError
from ui.inputs import WEB_FILTERS

FLAGS = {f.name: f"--{f.flag}" for f in WEB_FILTERS}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = Settings(data_dir=tmp_path_factory.mktemp("parity") / "namnd")
    ingest(None, settings.corpus, settings.index, embedder=HashEmbedder())
    return settings.data_dir


@pytest.fixture
def faces(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[CliRunner, Actions]]:
    """The CLI (reading NAMND_DATA_DIR) and the web app's actions over the same index."""
    monkeypatch.setenv("NAMND_DATA_DIR", str(data_dir))
    monkeypatch.delenv("NAMND_CHROMA_URL", raising=False)
    monkeypatch.setattr("index.search.make_embedder", lambda settings: HashEmbedder())
    settings = Settings(data_dir=data_dir)
    searcher = Searcher.from_settings(settings.index, embedder=HashEmbedder())
    yield CliRunner(), Actions.create(Assistant(searcher, FakeChatModel(), settings.chat), searcher, settings)


def _web_values(given: dict[str, str]) -> list[str]:
    return [given.get(f.name, "Alla" if f.choices else "") for f in WEB_FILTERS]


def _cli_args(given: dict[str, str]) -> list[str]:
    return [arg for name, value in given.items() for arg in (FLAGS[name], value)]


SEARCHES = [
    ("verksamhetsberättelse", {}),
    ("budget", {"date_from": "2023", "date_to": "2023"}),
    ("verksamhetsberättelse", {"date_to": "2023"}),  # once silently empty in the CLI
    ("verksamhetsberättelse", {"date_from": "2020"}),  # once silently unfiltered in the CLI
    ("socialnämnden", {"kommun": "Tyresö"}),
    ("verksamhetsberättelse", {"doc_type": "Protokollsutdrag"}),  # the filter added by touching ui/inputs.py
    ("SN 2023:00007", {"namnd": "Socialnämnden", "date_from": "2023-02"}),
]


@pytest.mark.parametrize(("query", "given"), SEARCHES)
def test_search_gives_the_same_hits(faces: tuple[CliRunner, Actions], query: str, given: dict[str, str]) -> None:
    runner, actions = faces
    result = runner.invoke(app, ["search", query, "--k", "50", "--json", *_cli_args(given)])
    assert result.exit_code == 0, result.stderr
    cli_ids = [r["chunk_id"] for r in json.loads(result.stdout)]
    view = actions.search(query, *_web_values(given))
    assert cli_ids == [h.chunk.chunk_id for h in view.hits]
    assert cli_ids, "every case names something the bundled corpus holds"


def test_the_filters_hold_in_both_faces(faces: tuple[CliRunner, Actions]) -> None:
    _, actions = faces
    in_2023 = actions.search("verksamhetsberättelse", *_web_values({"date_from": "2023", "date_to": "2023"}))
    assert in_2023.hits and all((h.chunk.meeting.date or "").startswith("2023") for h in in_2023.hits)
    utdrag = actions.search("verksamhetsberättelse", *_web_values({"doc_type": "protokollsutdrag"}))
    assert utdrag.hits and {h.chunk.meeting.doc_type for h in utdrag.hits} == {"protokollsutdrag"}


BAD_INPUT = [
    ({"date_from": "igår"}, "Datumet ”igår” förstås inte. Skriv t.ex. 2023, 2023-02 eller 2023-02-14."),
    ({"date_from": "2023-06", "date_to": "2023-02"}, "Perioden slutar (2023-02-28) före den börjar (2023-06-01)."),
    ({"doc_type": "foto"}, "Okänd dokumenttyp ”foto”; välj en av"),
]


@pytest.mark.parametrize(("given", "expected"), BAD_INPUT)
def test_bad_input_gives_the_same_message(faces: tuple[CliRunner, Actions], given: dict[str, str],
                                          expected: str) -> None:
    runner, actions = faces
    result = runner.invoke(app, ["search", "budget", *_cli_args(given)])
    assert result.exit_code == 1
    cli_message = result.stderr.strip().removeprefix("Fel: ")
    web_message = actions.search("budget", *_web_values(given)).info
    assert cli_message == web_message
    assert web_message.startswith(expected)
    decisions = actions.decisions(*_web_values(given)).html
    assert web_message.split(".")[0] in decisions  # the beslut list says the same


def test_an_extractive_answer_is_the_same(faces: tuple[CliRunner, Actions]) -> None:
    runner, actions = faces
    question, given = "Hur stort överskott hade socialnämnden 2022?", {"kommun": "Botkyrka"}
    result = runner.invoke(app, ["ask", question, "--mode", "extractive", "--json", *_cli_args(given)])
    assert result.exit_code == 0, result.stderr
    cli = json.loads(result.stdout)
    ask = actions.read_question(question, "Citat ur handlingarna", *_web_values(given))
    conv = Conversation()
    list(stream_turn(actions.assistant, conv, ask.question, ask.filters, ask.mode))
    web = conv.turns[-1].answer
    assert web is not None and cli["answered"] == web.answered
    assert cli["text"] == web.text
    assert [c["chunk_id"] for c in cli["citations"]] == [c.chunk_id for c in web.citations]


def test_an_unknown_mode_gives_the_same_message(faces: tuple[CliRunner, Actions]) -> None:
    runner, actions = faces
    result = runner.invoke(app, ["ask", "Vad beslutades?", "--mode", "snabb"])
    assert result.exit_code == 1
    with pytest.raises(InputError) as caught:
        actions.read_question("Vad beslutades?", "snabb", *_web_values({}))
    assert result.stderr.strip() == f"Fel: {caught.value}"
