"""Whether a chunk states a taken decision (protocol) or a proposal (kallelse, förslag till beslut, tjänsteskrivelse)."""

from __future__ import annotations

from collections.abc import Sequence

from corpus.types import Chunk
from index.types import Hit

DECISION = "beslut"
PROPOSAL = "förslag"
_PROPOSAL_DOCS = frozenset({"kallelse", "tjänsteskrivelse", "bilaga"})


def decision_state(chunk: Chunk) -> str | None:
    """"beslut", "förslag" or None (not a decision text), from the parser's Chunk.decision_state when set.

    Without it: a Beslut section of a protocol is a decision; "Förslag till beslut", and any decision
    text of a kallelse or tjänsteskrivelse, is a proposal the nämnd has not yet made.
    """
    if chunk.decision_state in (DECISION, PROPOSAL):
        return chunk.decision_state
    section = chunk.section or ""
    if section not in ("Beslut", "Förslag till beslut"):
        return None
    if section == "Förslag till beslut" or chunk.meeting.doc_type in _PROPOSAL_DOCS:
        return PROPOSAL
    if chunk.meeting.doc_type.startswith("protokoll"):
        return DECISION
    return None


def protocol_first(hits: Sequence[Hit]) -> list[Hit]:
    """`hits` with each ärende's taken decision (protocol) before its proposal (kallelse, förslag till beslut) of
    the same meeting, in the places those chunks held; other chunks keep theirs. The protocol records what was
    decided ("antar Alliansens Strategi …"), the kallelse what was proposed ("antar Strategi …"), and a sentence
    said in both is quoted once, from the first."""
    out = list(hits)
    groups: dict[tuple[str, str | None, str | None], list[int]] = {}
    for i, hit in enumerate(out):
        c = hit.chunk
        if c.diarienummer and decision_state(c) in (DECISION, PROPOSAL):
            groups.setdefault((c.diarienummer[0], c.meeting.date, c.meeting.committee), []).append(i)
    for places in groups.values():
        members = sorted((out[i] for i in places), key=lambda h: decision_state(h.chunk) != DECISION)
        for i, hit in zip(places, members):
            out[i] = hit
    return out
