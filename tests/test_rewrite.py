"""LLM query expansion: parsing the model's words, skipping dnr questions, surviving a failing backend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assistant.errors import LLMBackendError
from assistant.llm import Message
from assistant.rewrite import Rewrite, expand_query, parse_terms


class _Model:
    def __init__(self, reply: str | Exception) -> None:
        self.reply = reply
        self.calls: list[Sequence[Message]] = []

    def complete(self, messages: Sequence[Message]) -> str:
        self.calls.append(messages)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        yield self.complete(messages)


def test_parse_terms_keeps_new_distinct_words() -> None:
    reply = "hemlöshet, akut hemlösa, bostad, Bostad, 2023, ab, socialtjänst-insatser"
    assert parse_terms(reply, "Hur många saknar bostad?") == ("hemlöshet", "akut", "hemlösa",
                                                             "socialtjänst-insatser")
    assert len(parse_terms(", ".join(f"ord{chr(97 + i)}x" for i in range(20)), "", limit=5)) == 5


def test_expand_query_appends_the_words_to_the_question() -> None:
    model = _Model("hemlöshet, akut hemlösa")
    rewrite = expand_query("Hur många saknar bostad?", model)
    assert rewrite.query == "Hur många saknar bostad? hemlöshet akut hemlösa"
    assert model.calls and model.calls[0][0].role == "system" and rewrite.seconds >= 0
    assert model.calls[0][-1].content == "Hur många saknar bostad?"


def test_dnr_questions_and_failing_backends_search_the_question_as_written() -> None:
    model = _Model("ord")
    assert expand_query("Vad beslutades i SN 2023:144?", model) == Rewrite("Vad beslutades i SN 2023:144?", (), 0.0)
    assert not model.calls
    failed = expand_query("Hur många saknar bostad?", _Model(LLMBackendError("down")))
    assert failed.terms == () and failed.query == "Hur många saknar bostad?"
