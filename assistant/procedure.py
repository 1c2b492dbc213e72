"""Procedure answers: who moved what (yrkanden), how a votering went, who was jäv, who reserved themselves.

These facts sit in the decided ärende's own sections ("Förslag till beslut på sammanträdet", "Yrkanden",
"Beslutsgång", "Omröstning"), often in a chunk of the ärende that retrieval did not rank: the question's words
("Vem yrkade på det?") match the decision, not the yrkande. So the answer reads the whole ärende of the best
hits and quotes the sentences of the asked kind, best matching the question first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answerability import party_abbreviation
from assistant.archive import Archive
from assistant.citations import quote_line
from assistant.meetings import meeting_words
from assistant.plan import QuestionPlan
from assistant.prompts import PROCEDURE_INTRO
from assistant.reply import Numbering, Reply
from assistant.sentences import PROCEDURE_WORDS, relevance, sentence_spans, terms, topic_terms
from assistant.types import Turn
from corpus.decision_state import PROTOCOL_DOC_TYPES
from corpus.paragraphs import DECISION_SECTIONS
from corpus.types import Chunk
from index.types import Hit

# What a question asks about the procedure, and the sentences of each kind.
_ASKS = {
    "vote": re.compile(r"\b(röstade|röstades|röster|votering\w*|omröstning\w*|hur röstade|vote[sd]?|voting)\b", re.I),
    "motion": re.compile(r"\b(yrka\w*|yrkande\w*|föreslog (\w+ ){0,2}i stället|moved|motion to)\b", re.I),
    "jäv": re.compile(r"\b(jäv\w*|deltog inte|deltar inte|inte deltog|did not take part|conflict of interest)\b", re.I),
    "reservation": re.compile(r"\b(reserv\w*|dissent\w*)\b", re.I),
}
_COUNT = re.compile(r"\bJa:?\s*\d+\s*,?\s*Nej:?\s*\d+|\b\d+\s+ja-?röster|\bja-?röster:?\s*\d+|\b\d+ röster\b"
                    r"|\bröstade \d+|\b\d+\s*[–-]\s*\d+\b.{0,40}\bröst", re.I)
_SENTENCES = {
    "motion": re.compile(r"\byrka(r|de|t)\b", re.I),  # "Per Bengtsson (S) yrkar att …", not a proposition on it
    "jäv": re.compile(r"\bjäv\w*", re.I),
    "reservation": re.compile(r"\breserver\w*", re.I),
}
# Sentences of every votering that say nothing about what was voted on.
_VOTE_FURNITURE = re.compile(r"voteringslista|utfaller enligt följande|voteringsproposition godkänns|^Bilaga\b", re.I)
_PARTY_WANTED = re.compile(r"\b(ville|föreslog|önskade|wanted|proposed)\b", re.I)
# The sentence that says what a votering decided: "Ordföranden förklarar att … beslutat …".
_OUTCOME = re.compile(r"\b(förklarar|finner) att\b|\bbeslutat\b|\btredjedel|\b(vartefter|varefter)\b"
                      r"|\b(bifaller|avslår) (detsamma|det samma)\b", re.I)
_DECIDED_ASKED = re.compile(r"\b(beslutade|beslöt|decided)\b", re.I)
_FATE_ASKED = re.compile(r"\b(hur gick det|vad hände|bifölls|avslogs|utfall\w*|beslutade|beslöt|what happened|decided"
                         r"|was it (adopted|rejected))\b", re.I)
_PROPOSITION = re.compile(r"\bproposition\b", re.I)
_DECIDES = re.compile(r"\b(beslutar att|att godkänna|att fastställa|att anta|att bifalla|att avslå|godkänner|fastställer"
                      r"|återremitterar|avslår|bifaller)\b", re.I)
ITEM_HITS = 3  # the ärenden of the 3 best hits are read; measured on shared_tune (procedure questions 0/9 -> see commit)
MIN_RELEVANCE = 0.2  # a vote or yrkande whose context shares under 20 % of the question's words is not the one asked
RANK_DECAY = 0.1  # an ärende of the n-th hit loses 0.1 * (n - 1): retrieval order still counts
VOTE_CONTEXT = 3  # sentences before a count that say what was put to the vote
# The proposition a count answers ("… ställer proposition på … yrkande att beslutet att pausa förskoleklassintag i
# Bjärred upphävs …") may sit above the votering's standard lines ("Votering begärs …", "Den som önskar bifalla …
# röstar ja …", "Voteringen utfaller enligt följande:"): it is looked for this many sentences up.
PROPOSITION_REACH = 7
PROCEDURE_QUOTES = 3
TITLE_WEIGHT = 0.5  # the ärende's title matching the question adds half its relevance
NEXT_SHARE = 0.8  # a second vote or yrkande is quoted when it scores 80 % of the best
COMPARE_SHARE = 0.5  # a comparison quotes the best fact of each ärende scoring half the best
_MOVER = re.compile(r"([A-ZÅÄÖ][\wéü-]+) \([A-ZÅÄÖ]{1,3}\) yrka")  # "Per Bengtsson (S) yrkar" -> "Bengtsson"
PARTY_BONUS = 0.3  # a yrkande of the party the question names ("Socialdemokraterna" -> "(S)")
# A vote on whether to decide today (återremiss, bordläggning) comes before the vote on the matter; a question
# that does not ask about återremiss means the latter (shared_tune sh-bun-002: "Ja 7, Nej 4" on the återremiss was
# quoted for "Hur röstade nämnden om det?").
_ORDER_VOTE = re.compile(r"avgöras (vid|på|under) dagens sammanträde|återremitt\w*|bordlägg\w*", re.I)
_ORDER_ASKED = re.compile(r"återre|bordlä|avgöra", re.I)
# Verbs a procedure follow-up asks with that name no matter: "Hur gick voteringen?", "Vem reserverade sig?".
_FOLLOW_UP_WORDS = frozenset({"gick", "går", "sig", "go", "went"})
ORDER_VOTE_PENALTY = 0.1  # tune: shared_tune sh-bun-002 kept, none lost; no held-out gain measured for it alone


@dataclass(frozen=True, slots=True)
class _Found:
    score: float
    chunk: Chunk
    quotes: tuple[str, ...]  # verbatim sentences of `chunk`, in order
    # What a count's votering was on, when it closes the ärende's previous chunk: (that chunk, its sentence).
    put: tuple[Chunk, str] | None = None


def procedure_kind(plan: QuestionPlan) -> str | None:
    """'vote', 'motion', 'jäv' or 'reservation' when the question asks about the procedure, else None."""
    return procedure_kind_of(plan.question)


def procedure_kind_of(question: str) -> str | None:
    """procedure_kind of a question's text."""
    for kind, pattern in _ASKS.items():
        if pattern.search(question):
            return kind
    if _parties(question) and _PARTY_WANTED.search(question):
        return "motion"  # "Hur mycket ville Sverigedemokraterna investera …?": the party's yrkande
    return None


def _parties(question: str) -> set[str]:
    return {p for p in map(party_abbreviation, re.findall(r"\w+", question)) if p}


def follow_up_case(question: str, history: Sequence[Turn], archive: Archive) -> tuple[Hit, ...]:
    """The ärende a procedure follow-up with no topic of its own is about: the one the previous answer cited.

    "and how did the vote go?" after an answer about the remiss on begging means that remiss's votering, which sits
    in a chunk the condensed query does not rank (the count's sentences share no word with the topic). A follow-up
    naming its own matter ("Och om Monica Neptuns initiativ …?") is searched as usual: () then.
    """
    if not history or _own_topic(question) or procedure_kind_of(question) is None:
        return ()
    previous = history[-1].answer
    if not previous.answered or not previous.citations:
        return ()
    chunk = archive.get_chunk(previous.citations[0].chunk_id)
    if chunk is None:
        return ()
    return (Hit(_protocol_of(chunk, archive), 1.0, "exact", 1, None),)


def _protocol_of(chunk: Chunk, archive: Archive) -> Chunk:
    """The protocol's record of the ärende a kallelse chunk proposes: the votering and reservations are written
    in the protocol of the same meeting, not in the kallelse the previous answer may have cited."""
    if chunk.meeting.doc_type in PROTOCOL_DOC_TYPES or not chunk.diarienummer:
        return chunk
    same = [c for c in archive.case(chunk.diarienummer[0]) if c.meeting.doc_type in PROTOCOL_DOC_TYPES
            and c.meeting.date == chunk.meeting.date and c.meeting.committee == chunk.meeting.committee]
    return same[0] if same else chunk


def _own_topic(question: str) -> set[str]:
    return {t for t in terms(question) if not (t.isdigit() or t in PROCEDURE_WORDS or t in _FOLLOW_UP_WORDS)}


def procedure_reply(plan: QuestionPlan, hits: Sequence[Hit], archive: Archive, language: str,
                    pinned: bool = False) -> Reply | None:
    """The quoted yrkanden, votering or jäv of the ärende the question is about, or None (nothing of that kind).

    `pinned`: the conversation fixed the ärende (`follow_up_case`): only hits[0]'s ärende is read, and any fact of
    the asked kind in it answers, however few of the question's words it shares.
    """
    kind = procedure_kind(plan)
    if kind is None or not hits:
        return None
    # The ärende is told by the question's topic words, not its nämnd, month or "röstade".
    query = topic_terms(plan.question, meeting_words(hits[:ITEM_HITS]))
    parties = _parties(plan.question)
    found: list[_Found] = []
    seen: set[str] = set()
    for rank, hit in enumerate(hits[:1 if pinned else ITEM_HITS]):
        previous: Chunk | None = None
        for chunk in archive.item_chunks(hit.chunk) or [hit.chunk]:
            before, previous = previous, chunk
            if chunk.chunk_id in seen:
                continue
            seen.add(chunk.chunk_id)
            # The ärende the question is about: its title counts beside the words around the fact.
            about = TITLE_WEIGHT * relevance(query, chunk.item_title or "")
            # A votering's own section ("Votering begärs …") may begin after the proposition it decides.
            above = before.text if before is not None and before.doc_id == chunk.doc_id else ""
            for score, quotes, put in _groups(kind, chunk.text, query, parties, above):
                found.append(_Found(score + about - RANK_DECAY * rank, chunk, quotes,
                                    (before, put) if before is not None and put else None))
    found.sort(key=lambda f: -f.score)
    if not found or (found[0].score < MIN_RELEVANCE and not pinned):
        return None
    chosen = _chosen(found, plan.wants("comparison"))
    if kind == "motion" and _FATE_ASKED.search(plan.question):
        # "… och hur gick det?", "Vad beslutade … om X:s yrkande?": the yrkande, then how it was decided (its
        # proposition and votering) and, asked for a decision, the ärende's decision.
        fate = _fate(chosen[0], archive)
        decided = _decision(archive.item_chunks(chosen[0].chunk)) if _DECIDED_ASKED.search(plan.question) else None
        chosen = [chosen[0], *fate, *([decided] if decided else []), *chosen[1:]]
    numbering = Numbering()
    lines = [PROCEDURE_INTRO[language]]
    quoted, limit = 0, PROCEDURE_QUOTES * (2 if plan.wants("comparison") else 1)
    for f in chosen:
        hit = Hit(f.chunk, f.score, "exact", 0, None)
        if f.put is not None and quoted < limit:
            lines.append(quote_line(f.put[1], numbering.cite(Hit(f.put[0], f.score, "exact", 0, None), f.put[1])))
            quoted += 1
        for quote in f.quotes:
            if quoted >= limit:
                break
            number = numbering.cite(hit, quote)
            lines.append(quote_line(quote, number))
            quoted += 1
    return Reply("\n".join(lines), numbering.all_citations(), tuple(numbering.hits))


def _chosen(found: Sequence[_Found], comparing: bool) -> list[_Found]:
    """The best fact, and the next ones scoring nearly as well; a comparison takes the best of each ärende."""
    if not comparing:
        return [f for f in found if f.score >= found[0].score * NEXT_SHARE]
    best: dict[tuple[str, str | None], _Found] = {}
    for f in found:
        key = (f.chunk.doc_id, f.chunk.item_title)
        if key not in best and f.score >= found[0].score * COMPARE_SHARE:
            best[key] = f
    return list(best.values())


def _fate(motion: _Found, archive: Archive) -> list[_Found]:
    """How the yrkande in `motion` was decided: the proposition naming its mover ("… avslag på Per Bengtssons
    yrkande om …, vartefter ordföranden finner att kommunfullmäktige avslår detsamma.") and the votering count
    that follows it, from the same ärende (the count may sit in the ärende's next chunk)."""
    mover = _MOVER.search(motion.quotes[0]) if motion.quotes else None
    if mover is None:
        return []
    named = re.compile(rf"\b{re.escape(mover.group(1))}(s|:s)\b")
    wanted = terms(motion.quotes[0])
    sentences = [(chunk, chunk.text[s.start:s.end]) for chunk in archive.item_chunks(motion.chunk) or [motion.chunk]
                 for s in sentence_spans(chunk.text)]
    best: tuple[float, int] | None = None
    for i, (_, sentence) in enumerate(sentences):
        if named.search(sentence) and _OUTCOME.search(sentence) and not _SENTENCES["motion"].search(sentence):
            score = relevance(wanted, sentence)
            if best is None or score > best[0]:
                best = (score, i)
    if best is None:
        return []
    chunk, sentence = sentences[best[1]]
    found = [_Found(best[0], chunk, (sentence,))]
    # The count of this proposition's votering, before the next proposition is put.
    for other, text in sentences[best[1] + 1:best[1] + 2 + VOTE_CONTEXT + 2]:
        if _PROPOSITION.search(text):
            break
        if _COUNT.search(text):
            found.append(_Found(best[0], other, (text,)))
            break
    return found


def _decision(chunks: Sequence[Chunk]) -> _Found | None:
    """The ärende's decision sentence ("- att godkänna föreliggande delårsrapport 2 …"), for "Vad beslutade …
    om X:s yrkande?" beside the yrkande's fate."""
    for chunk in chunks:
        if chunk.section not in DECISION_SECTIONS:
            continue
        for span in sentence_spans(chunk.text):
            sentence = chunk.text[span.start:span.end]
            if _DECIDES.search(sentence) and len(sentence.split()) >= 5:
                return _Found(0.0, chunk, (sentence,))
    return None


def _groups(kind: str, text: str, query: set[str], parties: set[str], above: str = ""
            ) -> list[tuple[float, tuple[str, ...], str | None]]:
    """(relevance, verbatim sentences, the proposition voted on from `above` or None) for each place in `text`
    where a fact of `kind` is written; `above` is the text before `text` in the ärende (its previous chunk)."""
    sentences = [text[s.start:s.end] for s in sentence_spans(text)]
    out: list[tuple[float, tuple[str, ...], str | None]] = []
    for i, sentence in enumerate(sentences):
        if kind == "vote":
            if not _COUNT.search(sentence):
                continue
            before = [s for s in sentences[max(0, i - VOTE_CONTEXT):i] if not _VOTE_FURNITURE.search(s)]
            put: str | None = None
            if not any(_PROPOSITION.search(s) for s in before):  # what was put to the vote, further up
                up = [s for s in sentences[max(0, i - PROPOSITION_REACH):max(0, i - VOTE_CONTEXT)] if _proposes(s)]
                if not up and i < PROPOSITION_REACH and above:
                    put = next((s for s in reversed([above[p.start:p.end] for p in sentence_spans(above)])
                                if _proposes(s)), None)
                before = [*up[-1:], *before]
            after = [s for s in sentences[i + 1:i + 3] if _OUTCOME.search(s)][:1]
            context = " ".join([*([put] if put else before), sentence, *after])
            lead = None if put else max(before, key=lambda s: relevance(query, s), default=None)
            quotes = tuple(q for q in (lead, sentence, *after) if q)
            score = relevance(query, context)
            last = put or (before[-1] if before else "")
            if _ORDER_VOTE.search(last) and not _ORDER_ASKED.search(" ".join(query)):
                score -= ORDER_VOTE_PENALTY  # "… ska avgöras vid dagens sammanträde …": a vote on when, not on what
            out.append((score, quotes, put))
        elif _SENTENCES[kind].search(sentence) and (not parties or kind == "jäv"
                                                    or any(f"({p})" in sentence for p in parties)):
            bonus = PARTY_BONUS if any(f"({p})" in sentence for p in parties) else 0.0
            out.append((relevance(query, sentence) + bonus, (sentence,), None))
    return out


def _proposes(sentence: str) -> bool:
    """A proposition put to the nämnd ("… ställer proposition på …"), not the votering's standard lines."""
    return bool(_PROPOSITION.search(sentence)) and not _VOTE_FURNITURE.search(sentence)
