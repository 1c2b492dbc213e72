"""Domain objects of a parsed nämnd document: Meeting, Section, Item, Document, Chunk, and votes/people."""

from __future__ import annotations

from dataclasses import dataclass

# Document types, as a nämndsekreterare names them.
DOC_TYPES = ("kallelse", "protokoll", "protokollsutdrag", "tjänsteskrivelse", "bilaga", "okänd")
# Which layer of an ärende a piece of text belongs to (CORPUS_NOTES §6).
LAYERS = ("summary", "tjansteskrivelse", "bilaga")
# Whether a chunk states a taken decision or a proposal (corpus/decision_state.py).
DECISION_STATES = ("beslut", "förslag")
# How a member voted in a votering, as the voteringslista's columns name it.
CHOICES = ("ja", "nej", "avstår", "frånvarande")


@dataclass(frozen=True, slots=True)
class Person:
    """A named participant as the protocol writes them: "Marie Nilsson (M) ordförande"."""

    name: str  # "Marie Nilsson"
    party: str | None = None  # "M"; None where no party is written (officials)
    role: str | None = None  # "ordförande", "ersätter Emma Köster (M)", "nämndsekreterare"


@dataclass(frozen=True, slots=True)
class Meeting:
    """When and where a nämnd met, what kind of document describes it, and who took part.

    The people and justering fields come from a protocol's cover block (corpus/people.py) and
    stay empty for a kallelse or when the layout names none.
    """

    kommun: str | None  # "Botkyrka"
    committee: str | None  # "Socialnämnden"
    date: str | None  # ISO "2023-02-14"
    time: str | None  # "18:00" or "18:30–19:45"
    place: str | None
    doc_type: str  # one of DOC_TYPES
    justering_date: str | None = None  # ISO date the protocol was justerat (signed)
    anslag_date: str | None = None  # "Anslaget sätts upp" / "Datum då anslaget sätts upp"
    anslag_removed_date: str | None = None  # "Anslaget tas ned"
    chair: str | None = None  # ordförande (or the vice ordförande who chaired), as written
    secretary: str | None = None
    adjusters: tuple[str, ...] = ()  # justerare, e.g. ("Marie Sand", "Per Bengtsson")
    members: tuple[Person, ...] = ()  # beslutande ledamöter present
    substitutes: tuple[Person, ...] = ()  # tjänstgörande ersättare; role "ersätter X (P)" where written


@dataclass(frozen=True, slots=True)
class Voter:
    """One line of a voteringslista."""

    name: str
    party: str | None
    choice: str  # one of CHOICES


@dataclass(frozen=True, slots=True)
class Vote:
    """A votering (omröstning) in one ärende: what was put to the vote, the counts and the outcome."""

    paragraph: str | None  # "§ 76"
    proposition: str  # "Ja-röst innebär bifall till …; nej-röst innebär …" as written
    yes: int | None
    no: int | None
    abstain: int | None  # avstår
    absent: int | None  # frånvarande, where the list counts them
    voters: tuple[Voter, ...]  # from the voteringslista where it is machine-readable, else ()
    outcome: str | None  # "Ordföranden förklarar att kommunfullmäktige … beslutat …"
    casting_vote: bool  # decided by the chair's utslagsröst (a tie)
    start: int  # offsets into Document.text
    end: int


@dataclass(frozen=True, slots=True)
class Reservation:
    """Who reserved themselves against a decision, and against or in favour of what."""

    who: tuple[Person, ...]  # names with parties as written
    against: str | None  # "beslutet", "till förmån för sitt eget yrkande" (the rest of the sentence)
    written: bool  # "reserverar sig skriftligt": the text is attached (bilaga)
    start: int
    end: int

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.party for p in self.who if p.party))


@dataclass(frozen=True, slots=True)
class ProtocolNote:
    """A protokollsanteckning: who had a note entered in the minutes, and its text as written."""

    who: tuple[Person, ...]
    text: str  # "Ersättare Mats Dahl (SD) stödjer Elisabeth Svensson (SD) med fleras förslag."
    written: bool  # "lämnar en skriftlig protokollsanteckning": the text is attached (bilaga)
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Section:
    """A headed part of an ärende ("Beslut", "Sammanfattning", ...); offsets into Document.text."""

    name: str  # canonical heading, e.g. "Beslut", "Ärendet"
    heading: str  # the heading as written
    layer: str  # one of LAYERS
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Item:
    """An agenda item (ärende) with its diarienummer and sections."""

    number: int | None  # agenda number; None when the agenda has none
    title: str
    diarienummer: tuple[str, ...]  # canonical forms, e.g. ("SN/2023:144",)
    diarienummer_as_written: tuple[str, ...]  # every surface form, agenda + body
    paragraph: str | None  # "§ 1014" in a protocol, else None
    start: int
    end: int
    sections: tuple[Section, ...] = ()
    votes: tuple[Vote, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    notes: tuple[ProtocolNote, ...] = ()  # protokollsanteckningar


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed source file; `text` is the decoded source and all offsets point into it."""

    doc_id: str  # sha256 of the decoded text (first 16 hex digits)
    source_file: str  # file name as ingested, e.g. "001_b45e768bb4a60bb9.txt"
    text: str
    meeting: Meeting
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable slice of one ärende; the unit we cite."""

    chunk_id: str  # content hash, stable across re-indexing
    doc_id: str
    source_file: str
    text: str  # cleaned: page headers and furniture removed
    meeting: Meeting
    item_number: int | None
    item_title: str | None
    diarienummer: tuple[str, ...]
    diarienummer_as_written: tuple[str, ...]
    section: str | None
    layer: str | None
    paragraph: str | None
    start_char: int  # offsets of the chunk's span in Document.text
    end_char: int
    duplicate_of: str | None = None  # chunk_id of the first chunk with the same (decision) text
    decision_state: str | None = None  # "beslut" | "förslag" | None (DECISION_STATES)
    votes: tuple[Vote, ...] = ()  # the voteringar whose text this chunk holds (a part of one, too)
    reservations: tuple[Reservation, ...] = ()  # likewise; Item has all of the ärende's
    notes: tuple[ProtocolNote, ...] = ()  # protokollsanteckningar, likewise

    def to_record(self) -> dict[str, object]:
        """The flat JSON form used by `namnd chunks --jsonl` and `namnd search --json`."""
        return {
            "chunk_id": self.chunk_id,
            "source_file": self.source_file,
            "kommun": self.meeting.kommun,
            "namnd": self.meeting.committee,
            "meeting_date": self.meeting.date,
            "meeting_time": self.meeting.time,
            "meeting_place": self.meeting.place,
            "doc_type": self.meeting.doc_type,
            "item_number": self.item_number,
            "item_title": self.item_title,
            "diarienummer": list(self.diarienummer),
            "diarienummer_as_written": list(self.diarienummer_as_written),
            "section": self.section,
            "layer": self.layer,
            "paragraph": self.paragraph,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "duplicate_of": self.duplicate_of,
            "decision_state": self.decision_state,
            **_meeting_people_record(self.meeting),
            "votes": [_vote_record(v) for v in self.votes],
            "reservations": [_reservation_record(r) for r in self.reservations],
            "notes": [_note_record(n) for n in self.notes],
            "doc_id": self.doc_id,
            "text": self.text,
        }


def _person_record(person: Person) -> list[str | None]:
    return [person.name, person.party, person.role]


def _meeting_people_record(meeting: Meeting) -> dict[str, object]:
    return {
        "justering_date": meeting.justering_date, "anslag_date": meeting.anslag_date,
        "anslag_removed_date": meeting.anslag_removed_date, "chair": meeting.chair,
        "secretary": meeting.secretary, "adjusters": list(meeting.adjusters),
        "members": [_person_record(p) for p in meeting.members],
        "substitutes": [_person_record(p) for p in meeting.substitutes],
    }


def _vote_record(vote: Vote) -> dict[str, object]:
    return {"paragraph": vote.paragraph, "proposition": vote.proposition, "yes": vote.yes, "no": vote.no,
            "abstain": vote.abstain, "absent": vote.absent, "outcome": vote.outcome,
            "casting_vote": vote.casting_vote, "start": vote.start, "end": vote.end,
            "voters": [[v.name, v.party, v.choice] for v in vote.voters]}


def _reservation_record(reservation: Reservation) -> dict[str, object]:
    return {"who": [_person_record(p) for p in reservation.who], "against": reservation.against,
            "written": reservation.written, "start": reservation.start, "end": reservation.end}


def _note_record(note: ProtocolNote) -> dict[str, object]:
    return {"who": [_person_record(p) for p in note.who], "text": note.text, "written": note.written,
            "start": note.start, "end": note.end}


def note_from_record(r: dict[str, object]) -> ProtocolNote:
    """Inverse of a Chunk.to_record() "notes" entry."""
    who = tuple(person_from_record(p) for p in r.get("who") or ())  # type: ignore[union-attr]
    return ProtocolNote(who, str(r.get("text") or ""), bool(r.get("written")),
                        int(r.get("start") or 0), int(r.get("end") or 0))  # type: ignore[arg-type]


def person_from_record(row: list[str | None]) -> Person:
    """Inverse of the [name, party, role] rows in Chunk.to_record()."""
    return Person(str(row[0]), row[1] if len(row) > 1 else None, row[2] if len(row) > 2 else None)


def vote_from_record(r: dict[str, object]) -> Vote:
    """Inverse of a Chunk.to_record() "votes" entry."""
    voters = tuple(Voter(str(v[0]), v[1], str(v[2])) for v in r.get("voters") or ())  # type: ignore[union-attr]
    return Vote(r.get("paragraph"), str(r.get("proposition") or ""), r.get("yes"), r.get("no"),  # type: ignore[arg-type]
                r.get("abstain"), r.get("absent"), voters, r.get("outcome"),  # type: ignore[arg-type]
                bool(r.get("casting_vote")), int(r.get("start") or 0), int(r.get("end") or 0))  # type: ignore[arg-type]


def reservation_from_record(r: dict[str, object]) -> Reservation:
    """Inverse of a Chunk.to_record() "reservations" entry."""
    who = tuple(person_from_record(p) for p in r.get("who") or ())  # type: ignore[union-attr]
    return Reservation(who, r.get("against"), bool(r.get("written")),  # type: ignore[arg-type]
                       int(r.get("start") or 0), int(r.get("end") or 0))  # type: ignore[arg-type]
