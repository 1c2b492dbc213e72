"""Whether a chunk states a taken decision (protocol) or a proposal (kallelse, förslag till beslut, tjänsteskrivelse)."""

from __future__ import annotations

from corpus.types import Chunk

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
