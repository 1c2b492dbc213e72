"""Who a decision is sent to: "Vem skickas sammanställningen till?" is answered by the ärende's "Expedieras till"
section (the parser's section of that name, also for "Beslutet skickas till"), quoted whole, not by the sentences
that best share the question's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.archive import Archive
from assistant.plan import QuestionPlan
from assistant.prompts import RECIPIENTS_INTRO
from assistant.reply import Numbering, Reply
from index.types import Hit

# Asked for whom: "Vem skickas den till?", "Till vilka expedieras beslutet?" (not "Vilket yttrande skickas till KS?").
_SENT = r"(skickas|skickades|expedieras|expedierades|sänds|sändes|delges)"
SENT_TO_ASK = re.compile(rf"\b(vem|vilka)\b[^?]*\b{_SENT}\b[^?]*\btill\s*\?|\btill (vem|vilka)\b[^?]*\b{_SENT}\b"
                         r"|\bvem (får|fick) (beslutet|protokollet|utdraget)\b"
                         r"|\b(who|whom)\b[^?]*\b(sent|forwarded|distributed)( to)?\s*\?|\bwho (gets|got|receives|received) "
                         r"the decision\b", re.I)
SENT_TO_SECTION = "Expedieras till"
SENT_TO_HITS = 3  # the ärenden of the best hits whose sections are looked in
_HEADING = re.compile(r"^\W*(beslutet\s+)?(expedieras|skickas|ska skickas)\s+till\W*", re.I)


def recipients_reply(plan: QuestionPlan, hits: Sequence[Hit], archive: Archive, language: str) -> Reply | None:
    """The recipients of the best hit's ärende, quoted from its "Expedieras till" section; None when the question
    does not ask whom a decision is sent to or none of the best ärenden has that section."""
    if not hits or not SENT_TO_ASK.search(plan.question):
        return None
    for hit in hits[:SENT_TO_HITS]:
        sent = next((c for c in archive.item_chunks(hit.chunk) if c.section == SENT_TO_SECTION), None)
        if sent is None:
            continue
        quote = sent.text.strip(" \t\r\n*#-")
        names = [" ".join(line.split()) for line in _HEADING.sub("", quote).splitlines() if line.strip()]
        if not names:
            continue
        numbering = Numbering()
        number = numbering.cite(Hit(sent, hit.score, "exact", 1, hit.dense_similarity), quote)
        text = f"{RECIPIENTS_INTRO[language]}\n- {', '.join(names)} (»{' '.join(quote.split())}« [{number}])"
        return Reply(text, numbering.all_citations(), tuple(numbering.hits))
    return None
