"""Query expansion with the local LLM: the question plus the words an administrative text would use.

Off by default: on the retrieval tune sets it did not beat the model-free pseudo-relevance feedback
(index/expand.py) and costs seconds per question on a 2-core CPU (docs/retrieval.md, "Parafraser").
`expand_query` returns the text to pass to `Searcher.search` in place of the question.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.errors import LLMBackendError
from corpus.metadata import iter_dnr

if TYPE_CHECKING:
    from assistant.llm import ChatModel

log = logging.getLogger(__name__)

REWRITE_SV = (
    "Du gör om en fråga till sökord för kommunala nämndhandlingar (protokoll, tjänsteskrivelser). "
    "Svara med 5–10 sökord åtskilda av kommatecken, de ord som handlingarna själva skulle använda, inget annat."
)
# One worked example (not from any evaluation set): everyday words in, administrative words out.
EXAMPLE_QUESTION = "Ska det byggas fler ställen att cykla på?"
EXAMPLE_REPLY = "cykelväg, gång- och cykelväg, cykelplan, trafikstrategi, investering, utbyggnad"
MAX_TERMS = 10
_TERM = re.compile(r"[^\W\d_][^\W_]*(?:-[^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Rewrite:
    """The question, the model's extra search words and how long the model took."""

    question: str
    terms: tuple[str, ...]
    seconds: float

    @property
    def query(self) -> str:
        """The search text: the question followed by the extra words (the question alone if none)."""
        return " ".join((self.question, *self.terms))


def parse_terms(reply: str, question: str, limit: int = MAX_TERMS) -> tuple[str, ...]:
    """Distinct words of the reply that the question does not already hold, at most `limit`."""
    known = {w.casefold() for w in _TERM.findall(question)}
    terms: list[str] = []
    for word in _TERM.findall(reply):
        folded = word.casefold()
        if len(folded) > 2 and folded not in known:
            known.add(folded)
            terms.append(word)
        if len(terms) == limit:
            break
    return tuple(terms)


def expand_query(question: str, model: ChatModel) -> Rewrite:
    """Ask the model for search words; a failing backend gives the question unchanged (never raises).

    A question naming a diarienummer is not rewritten: the exact lookup answers it, and the model
    has nothing to add to a number (it echoes the instructions instead).
    """
    from assistant.llm import Message

    started = time.perf_counter()
    if any(True for _ in iter_dnr(question)):
        return Rewrite(question, (), 0.0)
    try:
        reply = model.complete([Message("system", REWRITE_SV), Message("user", EXAMPLE_QUESTION),
                                Message("assistant", EXAMPLE_REPLY), Message("user", question)])
    except LLMBackendError as exc:
        log.warning("query rewrite failed, searching the question as written: %s", exc)
        reply = ""
    return Rewrite(question, parse_terms(reply, question), time.perf_counter() - started)
