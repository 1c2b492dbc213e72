"""Structured answers: a case (title, meetings, decision state) and a meeting (date, place, roles, justering)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.chat import Assistant
from assistant.settings import ChatSettings
from conftest import make_chunk
from corpus.metadata import find_meeting_place
from tests.fakes import ListSearcher

HEADER_2023 = ("Kallelse till möte för socialnämnden 2023\n\nTid: 2023-02-14, Kl: 18:00\n\n"
               "Plats: Kommunhuset i Tumba, plan 2 Alytus\n\nOrdförande: Ing-Marie Viklund (L)\n\n"
               "Sekreterare: Anneli Sjöberg")
HEADER_2020 = ("2020-02-18\n\nSocialnämnden\n\nTid 2020-02-18, kl 18:00\n\nPlats Kommunhuset i Tumba plan 2 rum Alytus\n\n"
               "Var vänlig och meddela sekreteraren om du inte kan närvara.\n\nNIKLAS GLADH\nordförande\n\n"
               "ANNELI SJÖBERG\nsekreterare")
COVER_2019 = ("Datum 2019-02-26\nTid 18:30–19:45\nPlats Myggdalen, plan 1\nBeslutande Se närvarolista\n"
              "Justeringens plats\noch tid 2019-03-06, kl. 14:30\nParagrafer 1012–1020\nSekreterare\nLinda Grafström\n"
              "Justerande\nDick Bengtson")
PROPOSAL_144 = "Socialnämnden godkänner förvaltningens yttrande och överlämnar det till revisorerna."
SUMMARY_144 = ("Revisorerna har granskat hur nämnderna arbetar med att få individer som uppbär ekonomiskt bistånd "
               "till arbetsmarknadsinsatser.")
DECISION_144 = "Socialnämnden godkänner yttrandet över revisionskrivelsen och överlämnar det till revisorerna."
TITLE_144 = "Yttrande över revisionskrivelse om ekonomiskt bistånd"


def _chunks(with_protocol: bool = False) -> list:
    chunks = [
        make_chunk(HEADER_2023, "h-2023", dnr=(), section="Kallelse", title=None, source_file="001_kallelse.txt"),
        make_chunk(HEADER_2020, "h-2020", dnr=(), date="2020-02-18", section="Kallelse", title=None,
                   source_file="000_kallelse.txt"),
        make_chunk(COVER_2019, "p-2019", dnr=(), date="2019-02-26", kommun="Tyresö",
                   committee="Arbetsmarknads- och socialnämnden", section="Protokoll", title=None,
                   doc_type="protokollsutdrag", source_file="004_protokoll.txt"),
        make_chunk(PROPOSAL_144, "k-144-beslut", dnr=("SN/2023:144",), date="2023-06-13", section="Förslag till beslut",
                   title=TITLE_144, source_file="003_kallelse.txt"),
        make_chunk(SUMMARY_144, "k-144-summary", dnr=("SN/2023:144",), date="2023-06-13", section="Sammanfattning",
                   title=TITLE_144, source_file="003_kallelse.txt"),
    ]
    # Each header's meeting carries the place the parser reads off it, as an ingested chunk's does.
    chunks = [replace(c, meeting=replace(c.meeting, place=find_meeting_place(c.text))) if c.item_title is None else c
              for c in chunks]
    if with_protocol:
        chunks.append(make_chunk(DECISION_144, "p-144-beslut", dnr=("SN/2023:144",), date="2023-06-13",
                                 section="Beslut", paragraph="§ 61", title=TITLE_144, doc_type="protokoll",
                                 source_file="005_protokoll.txt"))
    return chunks


def _with_cover(cover: str, doc_type: str = "protokollsutdrag") -> list:
    """The test chunks with the Tyresö protocol's cover block replaced by `cover`."""
    chunks = [c for c in _chunks() if c.chunk_id != "p-2019"]
    chunks.append(make_chunk(cover, "p-2019", dnr=(), date="2019-02-26", kommun="Tyresö",
                             committee="Arbetsmarknads- och socialnämnden", section="Protokoll", title=None,
                             doc_type=doc_type, source_file="004_protokoll.txt"))
    return chunks


def _ask(question: str, chunks: list | None = None):
    assistant = Assistant(ListSearcher(chunks or _chunks()), None, ChatSettings(mode="extractive"))
    answer = assistant.answer(question)
    by_id = {h.chunk.chunk_id: h.chunk for h in answer.sources}
    for citation in answer.citations:  # every quote is verbatim in a chunk the answer lists as a source
        assert citation.quote in by_id[citation.chunk_id].text
    return answer


def test_case_answer_gives_title_meeting_and_says_only_the_proposal_is_held():
    answer = _ask("Vad gällde ärende SN/2023:00144?")
    assert answer.answered and answer.route == "case"
    assert TITLE_144 in answer.text and "2023-06-13" in answer.text
    assert SUMMARY_144 in answer.text and PROPOSAL_144 in answer.text
    assert "protokollet med nämndens beslut finns inte i arkivet" in answer.text
    assert {c.chunk_id for c in answer.citations} == {"k-144-beslut", "k-144-summary"}


def test_case_answer_cites_the_protocol_decision_when_the_archive_holds_it():
    answer = _ask("Vad gällde ärende SN 2023:144?", _chunks(with_protocol=True))
    assert "Beslut (protokoll)" in answer.text and DECISION_144 in answer.text and "§ 61" in answer.text
    assert "finns inte i arkivet" not in answer.text
    assert "p-144-beslut" in {c.chunk_id for c in answer.citations}


def test_case_not_in_the_archive_is_refused():
    answer = _ask("Vad gällde ärende SN/2023:999?")
    assert not answer.answered


def test_a_number_only_others_text_cites_is_answered_with_the_citing_line():
    listed = make_chunk("Dessa ärenden anmäls till nämnden:\n\n§ 15 KS Firmatecknare 2023 KS/2022:00791\n\n"
                        "§ 19 KS Revidering av kommunstyrelsens delegationsordning\n2023 KS/2022:00491\n", "anm",
                        section="Ärendet", title="Anmälningsärenden", dnr=("SN/2023:596",))
    answer = _ask("Vad gällde KS/2022:00491?", [*_chunks(), listed])
    assert answer.answered and answer.route == "case"
    assert "finns inte som eget ärende" in answer.text
    assert "§ 19 KS Revidering av kommunstyrelsens delegationsordning 2023 KS/2022:00491" in answer.text
    assert "Firmatecknare" not in answer.text and [c.chunk_id for c in answer.citations] == ["anm"]


def test_when_and_where_a_meeting_was_held():
    answer = _ask("När och var sammanträdde socialnämnden den 14 februari 2023?")
    assert answer.answered and answer.route == "meeting"
    assert "2023-02-14" in answer.text and "Kommunhuset i Tumba, plan 2 Alytus" in answer.text
    assert {c.chunk_id for c in answer.citations} == {"h-2023"}


@pytest.mark.parametrize(("question", "name"), [
    ("Vem var ordförande för socialnämnden 2023?", "Ing-Marie Viklund"),
    ("Vem var ordförande vid socialnämndens sammanträde i februari 2020?", "Niklas Gladh"),  # "NIKLAS GLADH\nordförande"
    ("Vem var justerare vid arbetsmarknads- och socialnämndens sammanträde 2019?", "Dick Bengtson"),
    ("Vem var sekreterare vid arbetsmarknads- och socialnämndens sammanträde 2019?", "Linda Grafström"),
])
def test_roles_from_the_header_and_the_cover_block(question, name):
    answer = _ask(question)
    assert answer.answered and answer.route == "meeting" and name in answer.text


def test_when_the_minutes_were_checked():
    answer = _ask("När justerades protokollet från arbetsmarknads- och socialnämndens sammanträde i februari 2019?")
    assert answer.answered and "2019-03-06" in answer.text
    assert answer.citations[0].chunk_id == "p-2019"


def test_several_meetings_become_parts():
    answer = _ask("Vilka ordförande har socialnämnden i Botkyrka haft enligt kallelserna 2020 och 2023?")
    assert answer.answered and [p.label[-10:] for p in answer.parts] == ["2020-02-18", "2023-02-14", "2023-06-13"]
    assert "Niklas Gladh" in answer.parts[0].text and "Ing-Marie Viklund" in answer.parts[1].text
    assert not answer.parts[2].answered  # that meeting's header is not in the archive: said, not guessed
    assert all(f"[{c.number}]" in p.text for p in answer.parts for c in p.citations)


def test_a_meeting_the_archive_lacks_is_refused():
    answer = _ask("När och var sammanträdde byggnadsnämnden den 3 maj 2023?")
    assert not answer.answered


# --- on the real bundled corpus -------------------------------------------------------------------------------

@pytest.mark.parametrize(("question", "expected"), [
    ("Vad gällde ärende SN/2023:00144?", ["Yttrande över revisionskrivelse", "2023-06-13"]),
    ("När och var sammanträdde socialnämnden den 13 juni 2023?", ["2023-06-13", "Hans Stahles väg 5"]),
    ("Vem var ordförande vid socialnämndens sammanträde 2016?", ["Mats Einarsson"]),
    ("När justerades protokollet från arbetsmarknads- och socialnämndens sammanträde i februari 2019?", ["2019-03-06"]),
])
def test_structured_answers_on_the_bundled_corpus(chunks, question, expected):
    """Real parsed chunks (word-overlap search): the fact is in the answer and every quote is verbatim."""
    answer = _ask(question, list(chunks))
    assert answer.answered and answer.route in ("case", "meeting")
    assert all(e in answer.text for e in expected), answer.text


@pytest.mark.slow
def test_structured_answers_on_the_real_index(e5_searcher):
    """The real Searcher (e5 + Chroma + BM25) over the bundled corpus, extractive mode."""
    assistant = Assistant(e5_searcher, None, ChatSettings(mode="extractive"))
    case = assistant.answer("Vad gällde ärende SN/2023:00144?")
    assert case.answered and case.route == "case" and "SN/2023:144" in case.text
    assert all("SN/2023:144" in c.diarienummer for c in case.citations)
    meeting = assistant.answer("När och var sammanträdde socialnämnden den 14 februari 2023?")
    assert meeting.answered and "Kommunhuset i Tumba" in meeting.text and "2023-02-14" in meeting.text
    for answer in (case, meeting):
        chunks = {h.chunk.chunk_id: h.chunk for h in answer.sources}
        assert all(c.quote in chunks[c.chunk_id].text for c in answer.citations)


KUNGSBACKA_COVER = ("Plats och tid för justering Digital justering\n\nSekreterare   Simon Nissen                  "
                    "Paragrafer § 39–49\n\nOrdförande    Monica Neptun (L)\n\nProtokolljusterare Erik Lindqvist (M)")


@pytest.mark.parametrize(("question", "expected"), [
    ("Vilka paragrafer omfattar protokollet från nämnden för Tekniks sammanträde den 15 april 2025?", "§ 39–49"),
    ("Who chaired the Teknik committee meeting on 15 April 2025?", "Monica Neptun (L)"),
    ("Vem var sekreterare vid Tekniks sammanträde den 15 april 2025?", "Simon Nissen"),
])
def test_a_nämnd_named_as_written_in_the_archive_and_a_table_like_cover_block(question, expected):
    cover = make_chunk(KUNGSBACKA_COVER, "tek-cover", dnr=(), date="2025-04-15", kommun="Kungsbacka",
                       committee="Nämnden för Teknik", section="Dokumenthuvud", title=None, doc_type="protokoll",
                       source_file="teknik_protokoll.md")
    answer = _ask(question, [*_chunks(), cover])
    assert answer.answered and answer.route == "meeting" and expected in answer.text, answer.text


def test_committee_initials_and_written_names():
    from assistant.meetings import committee_mentioned, initials

    assert initials("Barn- och utbildningsnämnden") == "BUN" and initials("Kommunfullmäktige") == "KF"
    assert committee_mentioned("Barn- och utbildningsnämnden", "Vem justerade BUN:s protokoll den 19 mars 2024?")
    assert committee_mentioned("Nämnden för Vård & Omsorg", "Var hölls Vård & Omsorgs sammanträde?")
    assert not committee_mentioned("Socialnämnden", "Var hölls Vård & Omsorgs sammanträde?")


def test_a_compound_diarienummer_answers_for_its_last_part():
    """Lomma writes "KS KF/2025:89" (a KF case prepared by KS); the question asks for "KF/2025:89"."""
    decision = make_chunk("Kommunfullmäktige antar kretsloppsplanen att gälla från 2026-01-01.", "kf-89",
                          dnr=("KS KF/2025:89",), date="2025-10-16", kommun="Lomma", committee="Kommunfullmäktige",
                          section="Beslut", title="Kretsloppsplan", doc_type="protokoll", source_file="KF.txt")
    answer = _ask("Vad gällde ärende KF/2025:89?", [*_chunks(), decision])
    assert answer.answered and answer.route == "case" and "2026-01-01" in answer.text


def test_an_english_meeting_question_gets_english_labels():
    answer = _ask("Where and when did the social welfare committee (socialnämnden) meet on 14 February 2023?")
    assert answer.answered and answer.language == "en"
    assert "Place: Kommunhuset i Tumba, plan 2 Alytus" in answer.text and "Date and time: 2023-02-14" in answer.text


def test_the_hours_of_a_meeting_whose_date_line_has_none():
    answer = _ask("Hur länge pågick arbetsmarknads- och socialnämndens sammanträde den 26 februari 2019?")
    assert answer.answered and "18:30–19:45" in answer.text


def test_both_anslag_dates_when_asked_when_it_was_posted_and_taken_down():
    cover = COVER_2019 + "\nDatum då anslaget sätts upp 2019-03-07\nDatum då anslaget tas ned 2019-03-29"
    chunks = _with_cover(cover)
    answer = _ask("När sattes anslaget om arbetsmarknads- och socialnämndens protokoll från 26 februari 2019 upp, "
                  "och när togs det ned?", chunks)
    assert "2019-03-07" in answer.text and "2019-03-29" in answer.text


def test_a_kommuns_nämnd_named_by_the_kommun_and_a_name_below_its_label_after_blank_lines():
    """pdftotext of a signature block: "Vice ordförande", blank lines, then the name; "Tyresönämndens möte" is the
    nämnd of Tyresö, which the documents call Arbetsmarknads- och socialnämnden."""
    cover = COVER_2019 + "\nVice ordförande\n\n  \nChristoffer Holmström\n\nJusterande\n\n \nDick Bengtson\n"
    chunks = _with_cover(cover)
    answer = _ask("Vilken vice ordförande skrev under protokollet från Tyresönämndens möte i februari 2019?", chunks)
    assert answer.answered and answer.route == "meeting" and "Christoffer Holmström" in answer.text, answer.text
    assert not _ask("Vem var ordförande vid Tyresönämndens möte i mars 2019?", chunks).answered


def test_kommun_body():
    from assistant.kommuner import kommun_body

    assert kommun_body("Tyresönämndens") == "tyresö" and kommun_body("Lommafullmäktige") == "lomma"
    assert kommun_body("Socialnämnden") is None


def test_the_anslag_date_is_the_sätts_upp_line_not_the_first_date_after_the_word_anslag():
    """An anslagsbevis opens "… tillkännagivits genom anslag" and gives the Sammanträdesdatum before the posting date."""
    bevis = ("Justeringens plats och datum: Digital justering, 2019-02-28\n"
             "Protokollet är justerat. Justeringen har tillkännagivits genom anslag\n"
             "Beslutande organ: Arbetsmarknads- och socialnämnden\nSammanträdesdatum: 2019-02-26\n"
             "Paragrafer: §1012-§1020\nDatum när anslaget sätts upp: 2019-03-07\nDatum när anslaget tas ned: 2019-03-29")
    chunks = _with_cover(bevis, "protokoll")
    answer = _ask("När justerades arbetsmarknads- och socialnämndens protokoll från 26 februari 2019 och när sattes "
                  "anslaget upp?", chunks)
    assert "Anslag: 2019-03-07" in answer.text and "2019-02-28" in answer.text, answer.text


def test_who_led_the_meeting_is_the_chair_with_each_ones_paragraphs():
    chunks = _with_cover("Datum 2019-02-26\nOrdförande: Anna Berg §§ 1012-1015, Carl Dahl § 1016-1020\n", "protokoll")
    cover = chunks[-1]
    chunks[-1] = replace(cover, meeting=replace(cover.meeting, chair="Anna Berg"))
    answer = _ask("Vem ledde arbetsmarknads- och socialnämnden i februari 2019?", chunks)
    assert answer.route == "meeting" and "Anna Berg §§ 1012-1015, Carl Dahl § 1016-1020 (" in answer.text, answer.text


def test_a_chair_elected_in_a_beslut_is_not_the_meetings_chair():
    """Fullmäktige elects "Ordförande  Richard Jerneborg (M)" of a bolag; the cover block names the meeting's chair."""


    chunks = _with_cover("Datum 2019-02-26\nOrdförande Anna Berg §§ 1-2, 4-18\n", "protokoll")
    cover = chunks[-1]
    chunks[-1] = replace(cover, meeting=replace(cover.meeting, chair="Anna Berg"))
    chunks.append(make_chunk("Beslut:\n- väljs följande personer:\n\n    Ordförande                  Richard Jerneborg (M)\n",
                             "p-2019-val", dnr=("ASN/2019:5",), date="2019-02-26", kommun="Tyresö",
                             committee="Arbetsmarknads- och socialnämnden", section="Beslut", doc_type="protokoll",
                             title="Val av styrelse i bolaget", source_file="004_protokoll.txt"))
    answer = _ask("Vem var ordförande på arbetsmarknads- och socialnämndens sammanträde 2019-02-26?", chunks)
    assert answer.route == "meeting" and "Anna Berg" in answer.text and "Jerneborg" not in answer.text, answer.text


def test_a_wrapped_vice_ordförande_is_no_label():
    """Two columns: "…(S), 2:e vice  My Clingston (KD)" wraps "ordförande" under the other column's name."""
    cover = ("Datum 2019-02-26\nBeslutande    Ledamöter                     Tjänstgörande ersättare\n"
             "Tommy Rydfeldt (L), ordförande Madelene Höök (L) tjänstgör för\n"
             "Maj-Britt Rane-Andersson (S), 2:e vice My Clingston (KD)tjänstgör för\n"
             "ordförande                    Tina Hald (SD)\nLars Blom (M)\n\nUnderskrifter\n"
             "Ordförande    Tommy Rydfeldt (L)\n")
    answer = _ask("Vem var ordförande på arbetsmarknads- och socialnämndens sammanträde 2019-02-26?",
                  _with_cover(cover, "protokoll"))
    assert "Tommy Rydfeldt" in answer.text and "Tina Hald" not in answer.text, answer.text


def test_protokolljusterare_with_two_names_on_one_line():
    """Kungsbacka's cover block: "Protokolljusterare Hravn Forsne (M) / Barbro Hjelström (M)"."""
    cover = ("Datum 2019-02-26\nPlats och tid för justering Digital justering\n\nOrdförande    Hravn Forsne (M)\n\n"
             "Protokolljusterare Hravn Forsne (M) / Barbro Hjelström (M)\n")
    answer = _ask("Vem justerade arbetsmarknads- och socialnämndens protokoll 26 februari 2019?",
                  _with_cover(cover, "protokoll"))
    assert answer.route == "meeting" and "Hravn Forsne (M) / Barbro Hjelström (M)" in answer.text, answer.text


def test_a_decision_answer_to_when_was_it_decided_gives_the_meetings_date():
    from assistant.citations import make_citation
    from assistant.routes import decision_date_note
    from index.types import Hit

    chunk = make_chunk("Barn och utbildningsnämnden beslutar att Lomma Strands Gymnasium blir namnet.", "bun",
                       date="2024-03-19", committee="Barn- och utbildningsnämnden", kommun="Lomma",
                       section="Beslut", paragraph="§ 17", doc_type="protokoll", source_file="BUN_2024-03-19.txt")
    hit = Hit(chunk, 1.0, "fused", 1, 0.9)
    cited = (make_citation(1, hit, chunk.text),)
    note = decision_date_note("»Barn och utbildningsnämnden beslutar …« [1]", cited, [hit], "sv")
    assert note == "Beslutet fattades av Barn- och utbildningsnämnden den 2024-03-19, § 17 [1]."
    assert decision_date_note("»… den 19 mars …« [1]", cited, [hit], "sv") is None  # the quote dates it
    proposal = Hit(replace(chunk, meeting=replace(chunk.meeting, doc_type="kallelse")), 1.0, "fused", 1, 0.9)
    assert decision_date_note("»…« [1]", cited, [proposal], "sv") is None  # a proposal was not decided then


def test_a_typed_diarienummer_in_lower_case_is_a_case_question():
    from assistant.plan import make_plan

    plan = make_plan("sn/2020-00064 – vad handlar det om?")
    assert plan.route == "case" and plan.diarienummer == ("SN/2020:64",)
    assert make_plan("Vad gällde if 2025:343?").diarienummer == ("IF/2025:343",)
    assert make_plan("Vad innehåller investeringsplan 2024-2027?").diarienummer == ()


def test_a_place_printed_above_its_label_is_the_parsed_place_not_the_label_line():
    # vo_2025-10-16_protokoll.md (Kungsbacka): a two-column cover prints the value above "Plats och tid för".
    cover = ("KUNGSBACKA KOMMUN                  SAMMANTRÄDESPROTOKOLL\nNämnden för Vård & Omsorg\nDatum\n2025-10-16\n\n"
             "Kommunfullmäktigesalen, Storgatan 37 Klockan 14:00 – 16:55\nPlats och tid för\nsammanträde\n"
             "Beslutande    Ledamöter                     Tjänstgörande ersättare\n")
    chunk = make_chunk(cover, "vo-cover", dnr=(), date="2025-10-16", kommun="Kungsbacka",
                       committee="Nämnden för Vård & Omsorg", section="Dokumenthuvud", title=None,
                       doc_type="protokoll", source_file="101_vo_protokoll.md")
    chunk = replace(chunk, meeting=replace(chunk.meeting, place="Kommunfullmäktigesalen, Storgatan 37"))
    answer = _ask("Var höll nämnden för Vård & Omsorg sitt möte den 16 oktober 2025?", [chunk])
    assert answer.answered and answer.route == "meeting"
    assert "Plats: Kommunfullmäktigesalen, Storgatan 37" in answer.text and "och tid för" not in answer.text
    assert answer.citations[0].quote == "Kommunfullmäktigesalen, Storgatan 37 Klockan 14:00 – 16:55"


def test_a_dnr_question_naming_a_chair_is_not_a_meeting_question():
    from assistant.plan import make_plan

    question = ("Vilket diarienummer har ärendet fråga om interpellation från Sandra Pilemalm (L) till barn- och "
                "utbildningsnämndens ordförande Fredrik Karström (M) om resa till Kanada får ställas?")
    assert make_plan(question).route == "retrieve"
    assert make_plan("Vem var ordförande för barn- och utbildningsnämnden 2023?").route == "meeting"
