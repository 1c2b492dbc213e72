"""QuestionPlan: what a question asks, what it names (kommun, nämnd, years, dates, dnr, §) and where to answer it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.intent import question_intent
from assistant.kommuner import KOMMUNER
from corpus.metadata import find_diarienummer
from corpus.paragraphs import find_paragraphs

ROUTES = ("case", "meeting", "compare", "timeline", "retrieve")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_MONTHS = ("januari februari mars april maj juni juli augusti september oktober november december").split()
_EN_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH_NAMES = "|".join(_MONTHS + _EN_MONTHS)
_DAY_DATE = re.compile(rf"\b(\d{{1,2}}) ({_MONTH_NAMES}) (\d{{4}})\b", re.I)
_PROTOCOL = re.compile(r"protokoll\w*", re.I)  # "Vilka paragrafer omfattade KF-protokollen …?"
_DAY_NO_YEAR = re.compile(rf"\b(\d{{1,2}}) ({_MONTH_NAMES})\b(?! \d{{4}})", re.I)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_NAMES}) (\d{{4}})\b", re.I)
# "novembersammanträdet 2024", "på decembermötet 2023": a month's meeting written as one word.
_MONTH_MEETING = re.compile(rf"\b({'|'.join(_MONTHS)})(?:sammanträde\w*|möte\w*|nämnden)\s+(?:\w+\s+)?(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_PERIOD = re.compile(r"\b(19|20)\d\d\s*[-–]\s*((19|20)\d\d|\d\d)\b")
# "byggnadsnämnden", "kultur- och fritidsnämndens", "kommunfullmäktige", "kommunstyrelsen"
_COMMITTEE = re.compile(
    r"\b(nämnden för [a-zåäö&]+(?: (?:och|&) [a-zåäö]+)?|(?:[a-zåäö]+- och |[a-zåäö]+, )*[a-zåäö]*nämnd(?:en|ens|s)?"
    r"|kommunfullmäktige|kommunstyrelsen?s?)(?=[\s?.,]|$)", re.I)
_GENERIC_COMMITTEE = frozenset({"nämnd", "nämnden", "nämndens", "nämnds"})

# What the question asks for, beyond question_intent's cheap patterns.
_CASE = re.compile(r"\b(vad (gällde|gäller|handlade|handlar|rörde|rör)|vilket ärende|vad är ärende|what (was|is) "
                   r"(case|the case)|what did case|which case|about case|case .{0,30} about)\b", re.I)
_AGENDA = re.compile(r"\b(vilka ärenden|vilka frågor (behandlades|togs upp)|dagordning\w*|föredragningslista\w*"
                     r"|what (items|matters|cases) (were|was)|agenda)\b", re.I)
# Roles a meeting's header or cover block names (members and ersättare are lists, answered by retrieval).
_ROLE = re.compile(r"\b(ordförande|vice ordförande|sekreterare|justerare|justerande|justerade"
                   r"|(vem|vilka|who) (\w+ ){0,3}(justera\w*|adjust\w*|signed)|chaired|(vem|who) (ledde|led|presided)"
                   r"|chair\w*|secretary|present)\b", re.I)
_JUSTERING = re.compile(r"\b(justera\w*|adjust\w*|signed|approved the minutes)\b", re.I)
# "Var ordföranden med på mötet?", "and was the chair there?": who attended the meeting.
_ATTENDANCE = re.compile(r"\b(var|was|were) (\w+ ){0,3}(med|närvarande|frånvarande|där|there|present|absent)\b"
                         r"|\b(närvarade|frånvarade|attended)\b", re.I)
# The notice of a justered protocol ("anslaget sattes upp …"), not an appropriation ("anslaget på 50 mnkr"): the
# word with what is posted, or put up and taken down.
_ANSLAG = re.compile(r"\banslog\w*|\banslagstavla\w*|\banslag\w*\b(?=[^?.]*\b(justering\w*|protokoll\w*|sattes upp|sätts upp"
                     r"|togs ned|tas ned|upp och ned)\b)|\b(justering\w*|protokoll\w*)\b[^?.]*\banslag\w*|\bposted\b"
                     r"|\bnotice board\b", re.I)
_MET = re.compile(r"\b(sammanträdde|sammanträtt|sammanträdets?|sammanträden(as)?|sammanträdes?|mötet|möten|möte|träffades"
                  r"|hölls|met|meet|meeting|meetings|minutes)\b", re.I)
_PLACE_ASK = re.compile(r"\b(var (sammanträdde|hölls|höll|ägde|träffades|låg)|och var\b|vilken lokal|where|plats)\b", re.I)
_TIME_ASK = re.compile(r"\b(när|vilken tid|klockan|vilket datum|hur läng\w*|hur långa?|what time|when|what date|how long)\b",
                       re.I)
_PARAGRAPHS_ASK = re.compile(r"\b(vilka paragrafer|paragrafer omfatta\w*|which paragraphs|what paragraphs)\b", re.I)
# "mellan 2021 och 2022" compares; "mellan Varlavägen och Göteborgsvägen" is a stretch of road, not a comparison.
_COMPARE = re.compile(r"\b(jämför\w*|respektive|mellan (åren )?(19|20)\d\d|från (år )?(19|20)\d\d till (år )?(19|20)\d\d"
                      r"|from (19|20)\d\d to (19|20)\d\d|skillnad\w*|förändr\w*|ökat eller minskat"
                      r"|compar\w*|versus|vs)\b", re.I)
_TIMELINE = re.compile(
    r"\b(över tid|genom åren|under åren|åren \d{4}|utvecklats|förändrats över|återkommit|återkommande|flera (sammanträden|möten"
    r"|gånger|år)|olika (sammanträden|möten|år)|varje år|alla år|hittills|vid vilka (sammanträden|möten)"
    r"|på vilka (sammanträden|möten)|i vilka (kallelser|protokoll)|over time|over the years|across meetings"
    r"|each year|which meetings)\b"
    # "Vilka statsbidrag har nämnden återrapporterat …?": a list over the archive's meetings (perfect tense).
    r"|^(vilka|vilket|hur många|which)\b[^?]*\b(har|have|has)\b[^?]*\b(haft|\w{3,}(at|it|tt)|\w+ed)\b", re.I)
# Two years joined as the parts of one question ("2021 och 2022", "for 2023, 2024"); "vatten och avlopp 2026
# … i januari 2025" names a plan year and a meeting month, not two parts.
_JOINED_YEARS = re.compile(r"\b(19|20)\d\d\b[^?.]{0,25}?(\boch\b|\band\b|,)\s*(?:\w+\s+){0,2}?(?:år\s+)?(19|20)\d\d\b", re.I)
_VOTE = re.compile(r"\b(voter\w*|röst\w*|reservera\w*|reservation\w*|vote\w*|dissent\w*)\b", re.I)


@dataclass(frozen=True, slots=True)
class QuestionPlan:
    """The analysis of one (standalone) question that decides where its answer can come from."""

    question: str
    language: str  # "sv" | "en"
    asks: frozenset[str]  # amount, date, time, place, person, decision, case, dnr, paragraph, agenda,
    #                       justering, anslag, attendance, meeting, comparison, timeline, cause, vote
    kommuner: tuple[str, ...]  # named kommuner, as written in the list of kommuner
    committees: tuple[str, ...]  # named nämnder, lower-cased stems ("socialnämnd")
    years: tuple[int, ...]
    dates: tuple[str, ...]  # ISO days named ("den 14 februari 2023" -> "2023-02-14")
    months: tuple[str, ...]  # "YYYY-MM" named without a day ("i februari 2019")
    diarienummer: tuple[str, ...]  # canonical
    paragraphs: tuple[str, ...]  # "§ 1014"
    route: str  # one of ROUTES

    @property
    def kommun(self) -> str | None:
        return self.kommuner[0] if len(self.kommuner) == 1 else None

    @property
    def committee(self) -> str | None:
        return self.committees[0] if len(self.committees) == 1 else None

    def wants(self, *kinds: str) -> bool:
        """Whether the question asks for any of `kinds`."""
        return any(k in self.asks for k in kinds)


def make_plan(question: str, language: str = "sv") -> QuestionPlan:
    """E.g. "Vad gällde ärende SN/2023:00144?" -> route "case"; "När och var sammanträdde socialnämnden
    den 14 februari 2023?" -> route "meeting" with dates ("2023-02-14",); "Hur stort var överskottet 2021
    jämfört med 2022?" -> route "compare" with years (2021, 2022)."""
    asks = _asks(question)
    dates, months = _dates(question)
    # A year inside a diarienummer ("SN/2023:144") names no year the question is about.
    typed = as_registered(question)
    years = tuple(sorted({int(y) for y in _YEAR.findall(without_dnr(typed))}))
    plan = QuestionPlan(
        question=question, language=language, asks=asks, kommuner=_kommuner(question),
        committees=_committees(question), years=years, dates=dates, months=months,
        diarienummer=tuple(find_diarienummer(typed)),
        paragraphs=tuple(find_paragraphs(question)), route="retrieve",
    )
    return _with_route(plan)


# A diarienummer as users type it: "sn/2020-00064", "if 2025:343" (the registry writes "SN 2020:64", "IF-2025-00343").
# The serial must be written as one (a ":" before it, or a leading zero / five digits), so "plan 2024-2027" is no dnr.
_TYPED_DNR = re.compile(r"(?<![\w/])([A-Za-zÅÄÖåäö]{2,4})\s?[/ -]\s?((?:19|20)\d\d)(?::(\d{1,6})|-(0\d{1,5}|\d{5,6}))\b")


def as_registered(question: str) -> str:
    """The question with each diarienummer typed in lower case or mixed separators written as the registry does:
    "sn/2020-00064 – vad handlar det om?" -> "SN/2020:00064 – vad handlar det om?"."""
    return _TYPED_DNR.sub(lambda m: f"{m[1].upper()}/{m[2]}:{m[3] or m[4]}", question)


def without_dnr(question: str) -> str:
    """`question` with every diarienummer blanked: "SN/2023:144" names no year."""
    from corpus.metadata import iter_dnr

    for match in iter_dnr(question):
        question = question.replace(match.written, " ")
    return question


def _asks(question: str) -> frozenset[str]:
    intent = question_intent(question)
    asks = {name for name, on in (
        ("amount", intent.number), ("date", intent.date), ("person", intent.person), ("place", intent.place),
        ("dnr", intent.dnr), ("paragraph", intent.paragraph), ("decision", intent.decision),
        ("meeting", intent.meeting), ("cause", intent.cause)) if on}
    checks = (("case", _CASE), ("agenda", _AGENDA), ("comparison", _COMPARE), ("timeline", _TIMELINE),
              ("vote", _VOTE), ("role", _ROLE), ("justering", _JUSTERING), ("anslag", _ANSLAG),
              ("attendance", _ATTENDANCE))
    asks |= {name for name, pattern in checks if pattern.search(question)}
    if _PLACE_ASK.search(question):
        asks.add("place")
    if "amount" in asks:
        asks.discard("attendance")  # "Hur många var med i projektet?" counts participants
    if "role" in asks:
        asks.add("person")
    if _MONTH_MEETING.search(question):
        asks.add("meeting")
    if _TIME_ASK.search(question) and _MET.search(question):
        asks.add("time")
    if _PARAGRAPHS_ASK.search(question):
        asks.add("paragraphs")
    return frozenset(asks)


def _dates(question: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found: list[tuple[int, str]] = []
    for match in _DAY_DATE.finditer(question):
        day, month, year = match.groups()
        found.append((match.start(), f"{year}-{_month_number(month):02d}-{int(day):02d}"))
    found += [(m.start(), m.group(0)) for m in _ISO.finditer(question)]
    # "den 20 april och 11 maj 2023": a day without its year takes the next year the question writes.
    for match in _DAY_NO_YEAR.finditer(question):
        later = _YEAR.search(question, match.end())
        if later:
            found.append((match.start(), f"{later.group(1)}-{_month_number(match.group(2)):02d}-{int(match.group(1)):02d}"))
    days = [iso for _, iso in sorted(found)]
    rest = _DAY_DATE.sub(" ", question)
    months = [f"{year}-{_month_number(month):02d}" for month, year in _MONTH_YEAR.findall(rest)]
    months += [f"{year}-{_month_number(month):02d}" for month, year in _MONTH_MEETING.findall(rest)]
    return tuple(dict.fromkeys(days)), tuple(dict.fromkeys(months))


def _month_number(name: str) -> int:
    name = name.lower()
    return (_MONTHS.index(name) if name in _MONTHS else _EN_MONTHS.index(name)) + 1


def _kommuner(question: str) -> tuple[str, ...]:
    found: list[tuple[int, str]] = []
    for name in sorted(KOMMUNER, key=len, reverse=True):
        # Only in place position: "i Lomma", "Lommas", "Kungsbacka's", "Lomma kommun", "in Lomma" (not "Vara" opening
        # a sentence).
        pattern = rf"(?:\b(?:i|för|från|inom|hos|med|mot|respektive|än|och|eller|in|of|for|at|with|and)\s+{re.escape(name)}(?:s|'s)?\b|\b{re.escape(name)}" \
                  rf"(?:s|'s)?\s+(?:kommun|stad)|\b{re.escape(name)}(?:s|'s)\b)"
        match = re.search(pattern, question)
        if match and name not in (n for _, n in found):
            found.append((match.start(), name))
    return tuple(name for _, name in sorted(found))


def _committees(question: str) -> tuple[str, ...]:
    stems = []
    for match in _COMMITTEE.finditer(question):
        stem = committee_stem(match.group(1))
        if stem not in _GENERIC_COMMITTEE and stem not in stems:
            stems.append(stem)
    return tuple(stems)


def committee_stem(name: str) -> str:
    """'Socialnämndens' -> 'socialnämnd'; 'Kommunstyrelsen' -> 'kommunstyrelse'; 'nämnden för Tekniks' ->
    'nämnden för teknik'; matched by suffix."""
    name = " ".join(name.strip().lower().split())
    name = re.sub(r"(nämnd)(en|ens|s|erna)?$", r"\1", name)
    # The genitive of "nämnden för X" is on its last word: "nämnden för Tekniks protokoll" is Nämnden för Teknik's.
    name = re.sub(r"^(nämnden för .+[^s])s$", r"\1", name)
    return re.sub(r"(styrelse)(n|ns)?$", r"\1", name)


def _with_route(plan: QuestionPlan) -> QuestionPlan:
    from dataclasses import replace

    return replace(plan, route=_route(plan))


def _route(plan: QuestionPlan) -> str:
    asks = plan.asks
    if plan.diarienummer and (("case" in asks) or not (asks - {"meeting", "decision", "case"})):
        return "case"  # "Vad gällde ärende SN/2023:00144?", a bare "SN 2023:144"
    if _is_meeting_question(plan):
        return "meeting"
    if compare_parts(plan):
        return "compare"
    if "timeline" in asks and not plan.dates and not asks & {"dnr", "paragraph"}:
        return "timeline"
    return "retrieve"


def _is_meeting_question(plan: QuestionPlan) -> bool:
    """About the meeting itself: when/where it met, who chaired or checked the minutes, what it treated."""
    asks = plan.asks
    if plan.diarienummer or "dnr" in asks:  # "Vilket diarienummer har … interpellation till nämndens ordförande …?"
        return False
    if asks & {"justering", "anslag"} and asks & {"date", "time", "person"}:
        return True
    if "attendance" in asks and (_MET.search(plan.question) or "role" in asks):  # "Var ordföranden med på mötet?"
        return True
    if "agenda" in asks or ("paragraphs" in asks and (_MET.search(plan.question) or _PROTOCOL.search(plan.question))):
        return True
    if "role" in asks and "person" in asks:
        # a meeting's chair or justerare, not the signatory of a document ("ordförande för kommunens revisorer")
        return bool(_MET.search(plan.question) or _PROTOCOL.search(plan.question) or plan.committees or plan.dates
                    or plan.months or plan.years or _JUSTERING.search(plan.question))
    met = bool(_MET.search(plan.question))
    return met and bool(asks & {"place", "time"}) and not asks & {"amount", "cause", "decision"}


def compare_parts(plan: QuestionPlan) -> tuple[str, ...]:
    """The labels of a comparison's parts: two or more years, kommuner or nämnder named ("2021", "2022")."""
    if len(plan.kommuner) >= 2 and plan.wants("comparison"):
        return plan.kommuner
    if len(plan.committees) >= 2 and plan.wants("comparison"):
        return plan.committees
    # "2024–2027" names a planning period, not two years to compare.
    years = sorted({int(y) for y in _YEAR.findall(_PERIOD.sub(" ", without_dnr(plan.question)))})
    if len(years) >= 2 and (plan.wants("comparison", "timeline") or len(years) >= 3
                            or _JOINED_YEARS.search(plan.question)):
        return tuple(str(y) for y in years) if max(years) - min(years) <= 30 else ()
    return ()
