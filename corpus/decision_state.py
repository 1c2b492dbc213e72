"""Whether a chunk states a taken decision ("beslut") or a proposal ("förslag"), or neither (None).

Only a protocol's (or protokollsutdrag's) Beslut section records what a nämnd decided. Everything
printed before the meeting proposes: a kallelse (its "Beslut" on the summary sheet is the proposed
decision, CORPUS_NOTES §10.1), a tjänsteskrivelse, beslutsunderlag and any "Förslag till beslut",
also when a protocol quotes them. Other text (Ärendet, Bakgrund, a protocol's yrkanden) is neither.
"""

from __future__ import annotations

from corpus.paragraphs import BESLUT, BESLUTSUNDERLAG, FORSLAG_TILL_BESLUT, TJANSTESKRIVELSE
from corpus.types import DECISION_STATES

DECIDED, PROPOSED = DECISION_STATES  # "beslut", "förslag"
# Documents written before the meeting: every ärende in them is a proposal.
PROPOSAL_DOC_TYPES = frozenset({"kallelse", "tjänsteskrivelse", "handlingar"})
PROTOCOL_DOC_TYPES = frozenset({"protokoll", "protokollsutdrag"})
_PROPOSAL_SECTIONS = frozenset({FORSLAG_TILL_BESLUT, BESLUTSUNDERLAG, TJANSTESKRIVELSE})
_PROPOSAL_LAYERS = frozenset({"tjansteskrivelse"})


def decision_state(doc_type: str, section: str | None, layer: str | None = None,
                   in_item: bool = True) -> str | None:
    """ "beslut", "förslag" or None for one chunk, by document type, section and layer.

    Args:
        doc_type: the Meeting's doc_type ("protokoll", "kallelse", ...).
        section: canonical section name of the chunk ("Beslut", "Förslag till beslut", ...).
        layer: "summary", "tjansteskrivelse" or "bilaga" (an attached report proposes nothing itself).
        in_item: False for a document's header or trailer, which states neither.
    """
    if not in_item or layer == "bilaga":
        return None
    if section in _PROPOSAL_SECTIONS or layer in _PROPOSAL_LAYERS:
        return PROPOSED
    if doc_type in PROPOSAL_DOC_TYPES:
        return PROPOSED
    if doc_type in PROTOCOL_DOC_TYPES and section == BESLUT:
        return DECIDED
    return None
