"""Sentence spans inside chunk text and a small lexical relevance score (extracts, quotes, repairs)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from index.keyword import swedish_stem

# A sentence ends at . ! ? followed by space and an upper-case letter, digit or quote;
# lines are boundaries (tables, headings and list items are one "sentence" each), except where a
# hard-wrapped sentence continues on the next line (_logical_lines).
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”“(])")
# Abbreviations whose dot is no sentence end: "t.ex. Botkyrka", "bl.a. SoL", "kl. 18".
_ABBREVIATIONS = ("t.ex.", "bl.a.", "m.m.", "s.k.", "kl.", "nr.", "ca.", "dvs.", "resp.", "jfr.", "p.g.a.", "enl.")
_WRAPPED = re.compile(r"[\w,)–-]\n$")  # a line ending mid-sentence (a word, a comma, a dash)
_CONTINUES = re.compile(r"[ \t]*[a-zåäöéü]")  # …continued by a line opening in lower case
# …or a date wrapped between its month and year: "lärstämma är den 12 november\n         2024. Lärstämman …"
_MONTH_END = re.compile(r"\b\d{1,2}\s+(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november"
                        r"|december)\n$", re.I)
_YEAR_START = re.compile(r"[ \t]*(19|20)\d\d\b")
# …or by a name or a capitalised word after a full-width prose line ("… återremittera ärendet med Per\nBengtssons
# med fleras motivering …"): a line that long is a wrapped sentence, not a heading or a table row.
WRAP_WIDTH = 75
_TABLE_GAP = re.compile(r" {3,}|\t")
_EDGE = " \t\r\n-*#•|>\\"  # markdown furniture trimmed off a span's edges (and its escape: "\\-  Vatten …")
_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    """och att det som en ett i på av för med till är var den de om har hade inte från
    vid kan ska så än eller men detta denna dessa vad hur när vem vilka vilken vilket
    varför under över efter sin sina sitt deras dess man också samt vi ni jag du han hon
    där då bli blev blir hos mot inom utan the of and to in on for what how did was were is
    which who when why does do a an by with from that this it its vems whose""".split()
)
# Words of the genre written two ways: a "möte" is a "sammanträde" ("mötesdatum" = "sammanträdesdatum").
_SYNONYM_STEMS = {"möte": "samman"}
_SYNONYM_PREFIXES = tuple(_SYNONYM_STEMS)
_STEMMER = Stemmer.Stemmer("swedish")
_QUANTITY = re.compile(r"\b(hur (stor|stort|stora|mycket|många)|belopp|summa|antal|how (much|many|large))\b", re.I)


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence as [start, end) offsets into its text; text[start:end] is the sentence."""

    start: int
    end: int


def sentence_spans(text: str) -> list[Span]:
    """Sentences of `text` as spans, in order; each span's text is a verbatim substring."""
    spans: list[Span] = []
    offset = 0
    for line in _logical_lines(text):
        pieces = _split_line(line)
        for start, end in pieces:
            span = _trim(text, offset + start, offset + end)
            if span is not None:
                spans.append(span)
        offset += len(line)
    return spans


def _logical_lines(text: str) -> list[str]:
    """Physical lines, a hard-wrapped sentence joined again: pdftotext and the Markdown exports break prose
    at the page width ("… avslår initiativet då förfrågan är ställd till\nkommunstyrelsen och …"), so a line
    that ends mid-sentence continues on a next line that opens in lower case. Tables, headings and list
    items open in upper case or a digit and stay lines of their own.
    """
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        if out and _WRAPPED.search(out[-1]) and (_CONTINUES.match(line) or _wrapped_prose(out[-1], line)
                                                 or (_MONTH_END.search(out[-1]) and _YEAR_START.match(line))):
            out[-1] += line
        else:
            out.append(line)
    return out


def _wrapped_prose(previous: str, line: str) -> bool:
    """Whether `line` (opening in upper case) continues the full-width prose line `previous`."""
    last = previous.rsplit("\n", 2)[-2] if previous.count("\n") > 1 else previous
    return (len(last.strip()) >= WRAP_WIDTH and not _TABLE_GAP.search(last.strip())
            and bool(line.strip()) and line.lstrip()[:1].isupper())


def _split_line(line: str) -> list[tuple[int, int]]:
    cuts = [0]
    for match in _BOUNDARY.finditer(line):
        before = line[max(0, match.start() - 6): match.start()].lower()
        if any(before.endswith(a) for a in _ABBREVIATIONS):
            continue
        if line[cuts[-1]:match.start()].strip(" -*").replace(".", "").isdigit():
            continue  # a list number ("1. Verksamhetsberättelsen godkänns.") starts, not ends, a sentence
        cuts.append(match.end())
    cuts.append(len(line))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if end - start < 3 or not any(c.isalnum() for c in text[start:end]):
        return None
    return Span(start, end)


def terms(text: str) -> set[str]:
    """Crude Swedish stems: lower-cased content words cut to 6 letters ("överskottet" -> "översk")."""
    out = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS:
            continue
        if word.isdigit():
            out.add(word)
        elif len(word) >= 3:
            out.add(_SYNONYM_STEMS.get(word[:4], word[:6]) if word.startswith(_SYNONYM_PREFIXES) else stem_term(word))
    return out


@lru_cache(maxsize=200_000)
def stem_term(word: str) -> str:
    """The word's Snowball stem cut to 6 letters: "starta" and "start" are one term, as are "taxan" and "taxor"."""
    return swedish_stem(_STEMMER, word)[:6]


_MONTH_WORDS = frozenset(stem_term(m) for m in """januari februari mars april maj juni juli augusti september oktober november
    december january february march may june july august october""".split())
# Procedure and body words: what is asked about an ärende and who handled it, never which ärende it is.
PROCEDURE_WORDS = frozenset(stem_term(w) for w in """röstade röstades röster rösterna röstning votering voteringen omröstning
    omröstningen reserverade reservation reservationer yrkade yrkande yrkanden jäv jävig jäviga deltog beslutade beslöt
    sammanträde sammanträdet mötet protokollet voted vote votes voting moved dissent nämnd nämnden nämndens
    kommunen fullmäktige styrelsen committee council förändrades förändring mellan jämfört jämförelse respektive
    skillnaden utvecklades compared change changed between förslag förslaget förslagen vann vinner segrade bifall
    bifalla bifallit avslag avslå won win winning proposal proposals passed""".split())


def topic_terms(question: str, scope: Sequence[str] = ()) -> set[str]:
    """The question's terms less what only places or frames it: years, months, procedure words ("röstade",
    "yrkade") and the words of `scope` (the kommun and nämnd names of the meetings searched).

    "Hur röstade Vård & Omsorg om åtgärdsplanen för hemtjänsten i september 2025?" -> {"åtgärd", "hemtjä"}: the
    ärende asked about is told by those words, not by the nämnd, the month or the verb.
    """
    framing = set().union(*(terms(s) for s in scope)) if scope else set()
    out = {t for t in terms(question)
           if not (t.isdigit() or t in _MONTH_WORDS or t in PROCEDURE_WORDS or t in framing)}
    return out or terms(question)


def relevance(query_terms: set[str], sentence: str, wants_number: bool = False) -> float:
    """Weighted share of query terms found in `sentence`; years and numbers weigh double."""
    if not query_terms:
        return 0.0
    found = terms(sentence) & query_terms
    weight = sum(2.0 if t.isdigit() else 1.0 for t in found)
    total = sum(2.0 if t.isdigit() else 1.0 for t in query_terms)
    score = weight / total
    if wants_number and re.search(r"\d", sentence):
        score += 0.25
    # Prefer ordinary sentences to one-word headings and to whole pasted tables.
    words = len(sentence.split())
    if words < 6:  # headings and table labels: "Arbetsmarknads- och socialnämndens beslut"
        score *= 0.5
    elif words > 80:
        score *= 0.7
    return score


def wants_number(question: str) -> bool:
    """Whether the question asks for an amount ("Hur stort överskott ...?")."""
    return bool(_QUANTITY.search(question))


def best_spans(text: str, query: str, limit: int) -> list[Span]:
    """The `limit` most relevant sentences of `text` for `query`, best first."""
    query_terms, number = terms(query), wants_number(query)
    scored = [(relevance(query_terms, text[s.start:s.end], number), -s.start, s) for s in sentence_spans(text)]
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [s for score, _, s in scored[:limit] if score > 0]
