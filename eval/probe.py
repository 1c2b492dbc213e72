"""Structure probe: questions generated from an index's own parsed cases and meetings, in several wordings.

Any kommun's archive gets a quick check of the lookups the parser makes answerable without hand-written
gold: "Vad gällde ärende X?" (the answer names the ärende title's words), "Vilket diarienummer har ärendet
<title>?" (it states X), "När/Var sammanträdde …", "Vem var ordförande …", "Vem justerade …" (it states the
parsed date, place or name). The gold is the parser's own reading, so a miss is a routing, retrieval or
selection failure on a correctly parsed fact, or a parse that disagrees with what the answer quotes (both
worth a look); it measures no parser error that both sides share. A tuning instrument, not a held-out test.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from corpus.metadata import find_diarienummer
from corpus.types import Chunk, Meeting

_MONTHS = "januari februari mars april maj juni juli augusti september oktober november december".split()
_EN_MONTHS = ("January February March April May June July August September October November December").split()
_CELL_BREAK = re.compile(r"<br\s*/?>", re.I)
_PREPARED_BY = re.compile(r"^[A-ZÅÄÖ]{2,6} (?=[A-ZÅÄÖ]{2,6}/)")  # "KS KF/2024:344": KF's case, prepared by KS
_TITLE_WORD = re.compile(r"\w{5,}")
# Words a title frames its matter with; a user asking about the matter leaves them out ("Beslut om
# firmatecknare 2023" -> "firmatecknare 2023").
_FRAME = frozenset("""beslut beslutet svar motion motionen förslag information informationen ärende ärendet
    avseende angående gällande yttrande remiss redovisning rapport nämndinitiativ""".split())


@dataclass(frozen=True, slots=True)
class ProbeCase:
    """One generated question and what a right answer must contain (any one of `gold`, or all of `all_of`)."""

    kind: str  # case, case_en, dnr, meeting_date, meeting_date_en, place, chair, justerare
    question: str
    gold: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()
    dnr: str | None = None  # canonical; a dnr case is met by stating it in any written form


@dataclass(frozen=True, slots=True)
class ProbeResult:
    case: ProbeCase
    passed: bool
    route: str
    text: str


def swedish_date(iso: str) -> str:
    """"2025-01-22" -> "22 januari 2025"."""
    year, month, day = iso.split("-")
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"


def case_questions(chunks: Iterable[Chunk], rng: random.Random, n: int) -> list[ProbeCase]:
    """Three wordings of "what was case X about" and two of "which dnr has <title>" for `n` sampled ärenden."""
    by_dnr: dict[str, Chunk] = {}
    for chunk in chunks:
        title = chunk.item_title
        if len(chunk.diarienummer) == 1 and title and not title.startswith("(") and len(_TITLE_WORD.findall(title)) >= 2:
            by_dnr.setdefault(chunk.diarienummer[0], chunk)
    keys = sorted(by_dnr)
    rng.shuffle(keys)
    out: list[ProbeCase] = []
    for dnr in keys[:n]:
        chunk = by_dnr[dnr]
        written = chunk.diarienummer_as_written[0] if chunk.diarienummer_as_written else dnr
        written = _PREPARED_BY.sub("", " ".join(_CELL_BREAK.sub("", written).split()))  # asked as "KF/2024:344"
        title = " ".join((chunk.item_title or "").split())
        words = tuple(w.lower() for w in _TITLE_WORD.findall(title)[:3])
        lowered = title[0].lower() + title[1:]
        out += [ProbeCase("case", f"Vad gällde ärende {written}?", all_of=words),
                ProbeCase("case", f"vad handlar {written.lower()} om", all_of=words),
                ProbeCase("case_en", f"What was case {written} about?", all_of=words),
                ProbeCase("dnr", f"Vilket diarienummer har ärendet {lowered}?", dnr=_canonical(dnr)),
                ProbeCase("dnr", f"dnr för {title.lower()}?", dnr=_canonical(dnr))]
        matter = _matter(title)
        if matter and chunk.meeting.committee and chunk.meeting.date:
            body = chunk.meeting.committee[0].lower() + chunk.meeting.committee[1:]
            when = f"{_MONTHS[int(chunk.meeting.date[5:7]) - 1]} {chunk.meeting.date[:4]}"
            out += [ProbeCase("dnr_paraphrase", f"Vilket diarienummer har ärendet om {matter}?", dnr=_canonical(dnr)),
                    ProbeCase("dnr_paraphrase", f"vilket dnr hade {body}s ärende om {matter} i {when}?",
                              dnr=_canonical(dnr))]
    return out


def _matter(title: str) -> str:
    """The title's own words without its framing ("Beslut om …", "Svar på motion …"), at most six; "" if fewer
    than two remain."""
    words = [w for w in re.findall(r"[\wåäöÅÄÖé-]+", title) if w.lower() not in _FRAME
             and w.lower() not in {"om", "på", "av", "till", "från", "för", "och", "i", "med", "samt", "den", "det", "över", "vid"}]
    return " ".join(words[:6]).lower() if len(words) >= 2 else ""


def meeting_questions(meetings: Iterable[Meeting], rng: random.Random, n: int) -> list[ProbeCase]:
    """When, where, who chaired and who checked the minutes of `n` sampled protocol meetings."""
    unique: dict[tuple[str | None, str | None, str], Meeting] = {}
    for m in meetings:
        if m.doc_type.startswith("protokoll") and m.date and m.committee and m.kommun:
            unique.setdefault((m.kommun, m.committee, m.date), m)
    keys = sorted(unique, key=lambda k: (k[0] or "", k[1] or "", k[2]))
    rng.shuffle(keys)
    out: list[ProbeCase] = []
    for key in keys[:n]:
        m = unique[key]
        assert m.date and m.committee  # filtered above
        body = m.committee[0].lower() + m.committee[1:]
        year, month = m.date[:4], int(m.date[5:7])
        day = swedish_date(m.date)
        when = (m.date, day)
        out += [ProbeCase("meeting_date", f"När sammanträdde {body} i {m.kommun} i {_MONTHS[month - 1]} {year}?", when),
                ProbeCase("meeting_date_en", f"When did {m.committee} in {m.kommun} meet in {_EN_MONTHS[month - 1]} {year}?",
                          when)]
        out.append(ProbeCase("meeting_date_paraphrase",
                             f"vilket datum hade {body} sitt sammanträde i {_MONTHS[month - 1]} {year}?", when))
        if m.place:
            out.append(ProbeCase("place", f"Var höll {body} sitt möte den {day}?", (m.place.split()[0].strip(",:"),)))
        if m.chair:
            out.append(ProbeCase("chair", f"Vem var ordförande på {body}s sammanträde {m.date}?", (m.chair.split()[-1],)))
        if m.adjusters:
            out.append(ProbeCase("justerare", f"vem justerade protokollet från {body} {day}",
                                 tuple(a.split()[-1] for a in m.adjusters)))
    return out


def passes(case: ProbeCase, answered: bool, text: str) -> bool:
    """Whether an answer meets the case: answered, and stating its gold (case-insensitively)."""
    if not answered:
        return False
    lowered = " ".join(text.split()).lower()
    if case.dnr is not None:
        return case.dnr in {_canonical(d) for d in find_diarienummer(text)}  # any written form, as the parser reads it
    if case.all_of:
        return all(w in lowered for w in case.all_of)
    return any(g.lower() in lowered for g in case.gold)


def run_probe(cases: Sequence[ProbeCase], ask: Callable[[str], tuple[bool, str, str]],
              progress: Callable[[int], None] | None = None) -> list[ProbeResult]:
    """Each case asked once through `ask` (question -> answered, route, text), in a new conversation."""
    results = []
    for i, case in enumerate(cases, 1):
        answered, route, text = ask(case.question)
        results.append(ProbeResult(case, passes(case, answered, text), route, text))
        if progress:
            progress(i)
    return results


def summary(results: Sequence[ProbeResult]) -> dict[str, tuple[int, int]]:
    """kind -> (passed, asked), plus "total"."""
    passed, asked = Counter(r.case.kind for r in results if r.passed), Counter(r.case.kind for r in results)
    out = {kind: (passed[kind], asked[kind]) for kind in sorted(asked)}
    out["total"] = (sum(passed.values()), len(results))
    return out


def _canonical(dnr: str) -> str:
    from eval.metrics import canonical_dnr

    return canonical_dnr(_PREPARED_BY.sub("", " ".join(dnr.split())))
