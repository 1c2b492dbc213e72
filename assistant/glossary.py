"""English municipal terms -> the Swedish the documents use (search, refusal) and Swedish decision verbs -> English."""

from __future__ import annotations

import re

# English phrase -> Swedish search terms. Longer phrases are matched first and consume their
# words, so "social welfare committee" adds "socialnämnden", not also "nämnd". An English
# word is matched with simple inflections: "placement" also matches "placements".
EN_TO_SV: dict[str, str] = {
    # bodies and roles
    "social welfare committee": "socialnämnden", "social services committee": "socialnämnden",
    "social committee": "socialnämnden", "labour market committee": "arbetsmarknadsnämnden",
    "labor market committee": "arbetsmarknadsnämnden", "municipal executive board": "kommunstyrelsen",
    "executive board": "kommunstyrelsen", "municipal council": "kommunfullmäktige",
    "city council": "kommunfullmäktige", "council": "kommunfullmäktige", "committee": "nämnd",
    "social services administration": "socialförvaltningen", "administration": "förvaltningen",
    "auditors": "revisorerna", "auditor": "revisor", "chair": "ordförande", "chairman": "ordförande",
    "chairperson": "ordförande", "secretary": "sekreterare", "director": "direktör", "head": "chef",
    "staff": "personal medarbetare", "employees": "medarbetare", "employee": "medarbetare",
    "employer": "arbetsgivare", "politicians": "förtroendevalda", "elected": "förtroendevalda",
    "police": "polisen", "school": "skolan", "party": "parti",
    # documents and procedure
    "case number": "diarienummer", "reference number": "diarienummer", "file number": "diarienummer",
    "paragraph": "paragraf", "minutes": "protokoll", "notice of meeting": "kallelse", "agenda": "föredragningslista",
    "meeting": "sammanträde", "meetings": "sammanträden", "decision": "beslut", "decide": "beslut",
    "decided": "beslutade", "proposal": "förslag", "propose": "föreslår", "proposed": "föreslogs",
    "motion": "motion", "statement": "yttrande", "consultation response": "remissvar",
    "annual report": "verksamhetsberättelse", "activity report": "verksamhetsberättelse",
    "interim report": "delårsrapport", "report": "rapport", "reports": "rapporter",
    "internal control plan": "internkontrollplan", "internal control": "internkontroll",
    "follow-up": "uppföljning", "follow up": "uppföljning", "audit": "granskning", "review": "granskning",
    "inspection": "inspektion", "risk and vulnerability analysis": "risk- och sårbarhetsanalys",
    "environmental analysis": "omvärldsanalys", "delegation decisions": "delegationsbeslut",
    "non-executed decisions": "ej verkställda beslut", "not executed": "ej verkställda",
    "quarter": "kvartal", "adjusted": "justerades", "signed": "justerades",
    # money
    "surplus": "överskott", "deficit": "underskott", "budget": "budget", "result": "resultat",
    "outcome": "utfall", "forecast": "prognos", "costs": "kostnader", "cost": "kostnader",
    "expenses": "kostnader", "premises": "lokalkostnader lokaler", "rent": "hyra", "grant": "statsbidrag",
    "state grant": "statsbidrag", "government grant": "statsbidrag", "spent": "förbrukat använts",
    "repaid": "återbetalas", "repay": "återbetala", "million": "miljoner mkr", "kronor": "kronor",
    "deviation": "avvikelse", "investment": "investering",
    # social services
    "social services": "socialtjänst", "social service": "socialtjänst",
    "financial assistance": "ekonomiskt bistånd", "economic assistance": "ekonomiskt bistånd",
    "income support": "försörjningsstöd", "welfare": "försörjningsstöd", "placements": "placeringar",
    "placement": "placering", "foster home": "familjehem", "foster care": "familjehemsvård",
    "emergency home": "jourhem", "children": "barn", "young people": "unga", "youth": "unga",
    "families": "familjer", "family": "familj", "homelessness": "hemlöshet", "homeless": "hemlöshet",
    "housing first": "bostad först", "housing": "bostad", "newly arrived": "nyanlända",
    "home care": "hemtjänst", "elderly care": "äldreomsorg", "domestic violence": "våld i nära relationer",
    "violence": "våld", "addiction": "missbruk", "labour market": "arbetsmarknad", "labor market": "arbetsmarknad",
    "programmes": "insatser", "programs": "insatser", "measures": "insatser åtgärder", "efforts": "insatser",
    "patient safety": "patientsäkerhet", "data protection": "dataskydd", "data protection officer": "dataskyddsombud",
    "work environment": "arbetsmiljö", "sick leave": "sjukfrånvaro", "sickness absence": "sjukfrånvaro",
    "survey": "undersökning", "user survey": "brukarundersökning", "respondents": "svarande",
    "responded": "svarande besvarades", "answered": "besvarades", "people": "personer", "persons": "personer",
    "share": "andel", "percent": "procent", "proportion": "andel", "number of": "antal",
    "e-service": "e-tjänst", "e-services": "e-tjänster", "platform": "plattform", "digital": "digital",
    "recommend": "rekommendera", "satisfied": "nöjda", "goal": "mål", "goals": "mål", "target": "mål",
    "checks": "kontrollmoment kontroller", "controls": "kontroller", "green": "grönt", "yellow": "gult",
    "red": "rött", "approved": "godkänt godkänns", "approve": "godkänner",
    # education (barn- och utbildningsnämnd)
    "education committee": "barn- och utbildningsnämnden", "preschool class": "förskoleklass",
    "preschool": "förskola", "pre-school": "förskola", "upper secondary school": "gymnasieskola gymnasium",
    "secondary school": "gymnasieskola gymnasium", "high school": "gymnasium", "compulsory school": "grundskola",
    "primary school": "grundskola", "pupils": "elever", "pupil": "elev", "students": "elever studenter",
    "student": "student elev", "teachers": "lärare", "school organisation": "skolorganisation",
    "school organization": "skolorganisation", "intake": "intag", "swimming": "simkunnighet simning",
    # technical services, property, planning
    "water and sewage": "vatten och avlopp VA", "water and sewerage": "vatten och avlopp VA", "sewage": "avlopp",
    "waste": "avfall", "waste collection": "avfallshantering", "recycling": "återvinning",
    "street lighting": "gatubelysning", "lighting": "belysning", "roads": "vägar gator", "road": "väg",
    "private roads": "enskilda vägar", "streets": "gator", "street": "gata", "cycle path": "cykelväg",
    "property": "fastighet", "properties": "fastigheter", "land": "mark", "premises plan": "lokalbehovsplan",
    "premises needs": "lokalbehov", "detailed plan": "detaljplan", "building permit": "bygglov",
    "tariff": "taxa", "tariffs": "taxor", "fee": "avgift taxa", "fees": "avgifter taxor", "charge": "avgift taxa",
    "hourly rate": "timtaxa", "maximum fee": "maxtaxa", "price": "pris", "prices": "priser",
    "contract": "avtal", "procurement": "upphandling", "tender": "upphandling", "award": "tilldelning",
    # care and social services (more)
    "nursing home": "särskilt boende vård- och omsorgsboende", "care home": "vård- och omsorgsboende",
    "short-term stay": "korttidsvistelse", "respite care": "korttidsvistelse", "disability": "funktionsnedsättning",
    "housing support": "boendestöd", "contact person": "kontaktperson", "family centre": "familjecentral",
    "family center": "familjecentral", "begging": "tiggeri", "ban": "förbud", "scholarship": "stipendium",
    "six-hour working day": "sex timmars arbetsdag", "working hours": "arbetstid", "sick pay": "sjuklön karensavdrag",
    # council business, elections, votes
    "vote": "votering röstade", "voted": "röstade votering", "votes": "röster", "voting": "votering",
    "reservation": "reservation reserverade", "reservations": "reservationer", "abstained": "avstod",
    "objected": "reserverade", "referendum": "folkomröstning", "ballot": "röstsedel", "ballot paper": "röstsedel",
    "election committee": "valnämnden", "electoral committee": "valnämnden", "election": "val",
    "interpellation": "interpellation", "question": "fråga", "initiative": "initiativärende",
    "substitute": "ersättare", "member": "ledamot", "members": "ledamöter", "resignation": "avsägelse",
    "appointed": "valdes utsågs", "appoint": "utse", "party support": "partistöd", "tax rate": "skattesats",
    "municipal tax": "kommunalskatt skattesats", "loan": "lån upplåning", "debt": "låneskuld", "borrowing": "upplåning",
    "pension": "pension", "pensions": "pensionsbestämmelser", "name": "namn", "named": "namn",
    "close": "stänga nedläggning avveckla", "closed": "stängdes nedläggning", "closure": "nedläggning avveckling",
    "open": "öppna", "opening": "öppnande start", "move": "flytt", "merger": "sammanslagning",
    "new committee": "ny nämnd", "schedule": "sammanträdestider", "meeting dates": "sammanträdestider",
    "postponed": "återremitterades bordlades", "referred back": "återremitterades", "tabled": "bordlades",
    # time
    "year": "år", "last year": "föregående år", "previous year": "föregående år", "first": "första",
    "start": "start", "started": "startade", "when": "datum", "date": "datum", "period": "period",
}
_EN_PATTERNS = [
    (re.compile(rf"(?<![\w-]){re.escape(en)}(?:s|es|ed|d)?(?![\w-])", re.I), sv)
    for en, sv in sorted(EN_TO_SV.items(), key=lambda item: -len(item[0]))
]

# Swedish decision verbs -> English, shown beside quotes in English extractive answers:
# »Socialnämnden godkänner uppföljningen …« (godkänner = approves).
DECISION_VERBS_EN: dict[str, str] = {
    "godkänner": "approves", "godkänns": "is approved", "godkändes": "was approved",
    "överlämnar": "forwards", "överlämnas": "is forwarded", "fastställer": "adopts", "fastställs": "is adopted",
    "antar": "adopts", "antas": "is adopted", "avslår": "rejects", "avslås": "is rejected",
    "beviljar": "grants", "beviljas": "is granted", "besvarad": "answered", "uppdrar": "instructs",
    "föreslår": "proposes", "föreslås": "is proposed", "återbetala": "repay", "tar del av": "takes note of",
    "har tagit del av": "has taken note of", "lägger": "places", "beslutar": "decides",
}
_SV_VERB = re.compile(r"(?<![\wåäö])(" + "|".join(
    re.escape(v) for v in sorted(DECISION_VERBS_EN, key=len, reverse=True)) + r")(?![\wåäö])", re.I)


def swedish_terms(text: str) -> list[str]:
    """The Swedish terms for the English phrases in `text`, longest phrase first, each once.

    E.g. "What did the social welfare committee decide about placements?" ->
    ["socialnämnden", "beslut", "placeringar"].
    """
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, sv in _EN_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue  # already part of a longer phrase
            taken.append((match.start(), match.end()))
            found.append((match.start(), sv))
    return list(dict.fromkeys(sv for _, sv in sorted(found)))


def with_swedish_terms(query: str) -> str:
    """An English query with its Swedish terms appended in parentheses (unchanged when none are new)."""
    lowered = query.lower()
    extra = [sv for sv in swedish_terms(query) if sv.lower() not in lowered]
    return f"{query} ({' '.join(extra)})" if extra else query


def swedish_view(text: str) -> str:
    """What of an English question can occur in Swedish documents: its Swedish terms, numbers and names.

    E.g. "What did Stockholm's committee decide in 2021?" -> "nämnd beslut Stockholm's 2021".
    """
    kept = [w for w in text.split() if any(c.isdigit() for c in w) or w[:1].isupper() or re.search(r"[åäö]", w)]
    kept = [w for w in kept if w.lower().strip("?.,!:") not in _QUESTION_WORDS]
    return " ".join(swedish_terms(text) + kept)


def document_view(text: str, language: str) -> str:
    """`text` as far as it can occur in the Swedish documents: a Swedish question as it is, an English one as its
    Swedish view (its English words would dilute any share of its words found in a chunk)."""
    return text if language == "sv" else swedish_view(text)


_QUESTION_WORDS = frozenset("what which who whom when where why how did does do is are was were the a an in".split())


def gloss_decision_verbs(sentence: str) -> str | None:
    """English glosses of the Swedish decision verbs in `sentence`, e.g. "godkänner = approves"; None if none."""
    glosses = dict.fromkeys(f"{m.group(1)} = {DECISION_VERBS_EN[m.group(1).lower()]}"
                            for m in _SV_VERB.finditer(sentence))
    return ", ".join(glosses) or None


# Swedish words the documents write another way: the protocols say "sammanträde", people say "möte"
# ("mötesdatum", "mötet i mars"): (pattern, the documents' stem); the pattern's groups are kept after the stem.
# A nämnd's meeting plan for a year is decided as "sammanträdestider": "mötesdatum", "sammanträdesplan", "vilka
# dagar skulle BUN sammanträda" ask for it.
_SV_SYNONYMS = ((re.compile(r"\bmöte(na|ns|ts|s|t|n)?(\w*)", re.I), "sammanträde"),
                (re.compile(r"\b(?:mötes|sammanträdes)(?:datum|plan|planen|dagar|tider)\b|\bsammanträda\b()", re.I),
                 "sammanträdestider"))


def with_genre_synonyms(query: str) -> str:
    """The query with the documents' word for each colloquial one appended: "vilka mötesdatum …" ->
    "vilka mötesdatum … sammanträdesdatum" (the original words stay, so nothing the user wrote is lost)."""
    added = [stem + "".join(g or "" for g in m.groups()) for pattern, stem in _SV_SYNONYMS for m in pattern.finditer(query)]
    return f"{query} {' '.join(dict.fromkeys(added))}" if added else query
