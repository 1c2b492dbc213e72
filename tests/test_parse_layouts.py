"""Layout-independent parsing: pdftotext protocols, PDF-to-Markdown protocols and agenda tables, inline §
headings, unknown layouts; plus facts and coverage floors over ../shared/corpora where it exists."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from corpus.chunking import chunk_document
from corpus.parse import parse_file, parse_text
from corpus.structure import missing_fields

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the shared corpora are not at {SHARED} (../shared/corpora next to the repo); "
                                "CI has them, a plain checkout does not")


def _split(text: str) -> list[str]:
    """Paragraph splitter for fast logic tests (the real SentenceSplitter is tested in test_chunking)."""
    return [p for p in text.split("\n\n") if p.strip()]


# A pdftotext -layout protocol: form feeds, a running header with "Sida N av M", an Ärendelista,
# "KF § N   SERIES/YEAR:N" headings, a continued page "(fort.)" and the signature footer.
PDFTOTEXT = (
    "                                       SAMMANTRÄDESPROTOKOLL\n"
    "                                       Sida 1 av 3\n\n"
    "                                       Sammanträdesdatum\n"
    "                                       2024-05-30\n\n"
    "KOMMUNFULLMÄKTIGE\n"
    "Plats: Ockelbo kommun, Sessionssalen\n"
    "Tid: 2024-05-30, klockan 18:00-20:23\n\n"
    "Beslutande organ:   Kommunfullmäktige\n"
    "Paragrafer:         §40-§41\n\n"
    "Justerande                          Utdragsbestyrkande\n"
    "Protokollet har justerats digitalt\n"
    "\fKOMMUNFULLMÄKTIGE                  SAMMANTRÄDESPROTOKOLL\n"
    "                                   Sida 2 av 3\n\n"
    "Ärendelista\n\n"
    "§ 40        KS KF/2024:12\n"
    "            Beslut om taxa för bygglov\n\n"
    "§ 41        KS KF/2024:13\n"
    "            Val av revisor\n\n"
    "KF § 40                            KS KF/2024:12\n\n"
    "Beslut om taxa för bygglov och\n"
    "strandskyddsdispens\n\n"
    "Ärendebeskrivning\n"
    "Samhällsbyggnadsnämnden föreslår en ny taxa. Taxan ska gälla från och med den 1 juli och kompe-\n"
    "tensen i förvaltningen räcker.\n\n"
    "Justerande                          Utdragsbestyrkande\n"
    "Protokollet har justerats digitalt\n"
    "\fKOMMUNFULLMÄKTIGE                  SAMMANTRÄDESPROTOKOLL\n"
    "                                   Sida 3 av 3\n\n"
    "KF § 40 (fort.)                    KS KF/2024:12\n\n"
    "Beslut:\n"
    "    - Kommunfullmäktige beslutar att anta taxan.\n\n"
    "Reservation\n"
    "Anna Berg (S) reserverar sig mot beslutet.\n\n"
    "KF § 41                            KS KF/2024:13\n\n"
    "Val av revisor\n\n"
    "Beslut:\n"
    "    - Kommunfullmäktige väljer Per Ek till revisor.\n\n"
    "Justerande                          Utdragsbestyrkande\n"
)

# A PDF-to-Markdown protocol: YAML front matter, "<!-- sida N -->", a contents list with leaders,
# "§ N   Dnr XX-YYYY-NNNNN" headings and digital-signature stamps on every page.
MARKDOWN = (
    "---\nkommun: exempel\norgan: teknik\ndatum: 2025-03-19\ntyp: protokoll\n---\n\n<!-- sida 1 -->\n\n"
    "YDRE KOMMUN                  SAMMANTRÄDESPROTOKOLL\nNämnden för Teknik & Miljö\nDatum\n2025-03-19\n\n"
    "Plats och tid för Rådhuset, Storgatan 1 Klockan 17:00 – 19:30\nsammanträde\n\n"
    "Innehåll\n\n§ 12 Dnr TE-2025-00311\nÅrsrapport dataskydd 2024 ............................ 2\n\n"
    "§ 13 Dnr TE-2025-00012\nÖvrigt ............................................... 2\n\n"
    "Det här dokumentet är digitalt signerat\nTransaktionsidentitet: D42E9988EECD023DACC3C1FB49F302CC10\n\n"
    "<!-- sida 2 -->\n\nYDRE KOMMUN                  SAMMANTRÄDESPROTOKOLL          2 (2)\n"
    "Nämnden för Teknik & Miljö\nDatum\n2025-03-19\n\n"
    "§ 12                      Dnr TE-2025-00311\nÅrsrapport dataskydd 2024\n\nBeslut\n\n"
    "Nämnden för Teknik & Miljö noterar informationen till protokollet.\n\n"
    "Beslutsgång\n\nOrdföranden prövar om nämnden kan notera informationen och finner att så sker.\n\n"
    "§ 13                      Dnr TE-2025-00012\nÖvrigt\n\nBeslut\n\nInga övriga frågor.\n\n"
    "Det här dokumentet är digitalt signerat\nTransaktionsidentitet: D42E9988EECD023DACC3C1FB49F302CC10\n"
)

# A kallelse whose agenda is a Markdown table: titles wrap with <br>, presenters follow the title,
# the dnr is broken by <br>, the proposal sits in its own column.
TABLE_KALLELSE = (
    "---\ntyp: kallelse\n---\n\nKALLELSE/UNDERRÄTTELSE\n\nUpprättad\n2025-11-27\n\n"
    "Nämnden  för Vård & Omsorg\n\nSammanträde torsdag den 4 december 2025,\nHotell Halland, Kungsbacka, kl. 09:00\n\n"
    "|  | Ärende | Beteckning | Förslag |\n| --- | --- | --- | --- |\n"
    "|  | Val av justerare |  | Ann Ek (M) |\n"
    "| 1. | Godkännande av<br>dagordningen | VO-2023-<br>00055 | Förslag till beslut<br>Nämnden godkänner dagordningen. |\n"
    "| 2. | Svar på motion om VA-<br>ledningar (KS-2025-<br>00604)<br>Jens Ingelsäter,<br>utvecklingsledare | VO-2025-<br>00313 "
    "| Förslag till beslut<br>Nämnden föreslår att motionen avslås. |\n"
)


def test_pdftotext_protocol_meeting_items_and_continued_pages() -> None:
    doc = parse_text(PDFTOTEXT, "kf.txt")
    m = doc.meeting
    assert (m.kommun, m.committee, m.date, m.time, m.doc_type) == (
        "Ockelbo", "Kommunfullmäktige", "2024-05-30", "18:00–20:23", "protokoll")
    assert m.place == "Ockelbo kommun, Sessionssalen"
    assert [(i.paragraph, i.title, i.diarienummer) for i in doc.items] == [
        ("§ 40", "Beslut om taxa för bygglov och strandskyddsdispens", ("KS KF/2024:12",)),
        ("§ 41", "Val av revisor", ("KS KF/2024:13",)),
    ]  # the Ärendelista is no ärende, and "(fort.)" continues § 40
    names = [s.name for s in doc.items[0].sections]
    assert "Ärendet" in names and "Beslut" in names and "Reservation" in names
    assert all(s.layer == "summary" for s in doc.items[0].sections)


def test_pdftotext_chunks_lose_the_furniture_and_rejoin_hyphenated_words() -> None:
    doc = parse_text(PDFTOTEXT, "kf.txt")
    chunks = chunk_document(doc, splitter=_split)
    text = "\n".join(c.text for c in chunks)
    for furniture in ("SAMMANTRÄDESPROTOKOLL", "Sida 2 av 3", "Utdragsbestyrkande", "justerats digitalt",
                      "(fort.)", "\f"):
        assert furniture not in text
    assert "kompetensen i förvaltningen" in text
    for chunk in chunks:
        assert chunk.text.split()[0] in doc.text[chunk.start_char:chunk.end_char]


def test_markdown_protocol_with_front_matter_contents_and_stamps() -> None:
    doc = parse_text(MARKDOWN, "teknik.md")
    m = doc.meeting
    assert (m.kommun, m.committee, m.date, m.time, m.place, m.doc_type) == (
        "Ydre", "Nämnden för Teknik & Miljö", "2025-03-19", "17:00–19:30", "Rådhuset, Storgatan 1", "protokoll")
    assert [(i.paragraph, i.title, i.diarienummer) for i in doc.items] == [
        ("§ 12", "Årsrapport dataskydd 2024", ("TE/2025:311",)), ("§ 13", "Övrigt", ("TE/2025:12",))]
    assert "Propositionsordning" in [s.name for s in doc.items[0].sections]  # "Beslutsgång"
    text = "\n".join(c.text for c in chunk_document(doc, splitter=_split))
    for furniture in ("kommun: exempel", "<!--", "Transaktionsidentitet", "digitalt signerat", "2 (2)"):
        assert furniture not in text
    assert "noterar informationen till protokollet" in text


def test_agenda_table_titles_stop_before_presenters_and_dnr_cross_br() -> None:
    doc = parse_text(TABLE_KALLELSE, "kallelse.md")
    m = doc.meeting
    assert (m.committee, m.date, m.time, m.place, m.doc_type) == (
        "Nämnden för Vård & Omsorg", "2025-12-04", "09:00", "Hotell Halland, Kungsbacka", "kallelse")
    first, second = doc.items
    assert (first.number, first.title, first.diarienummer) == (1, "Godkännande av dagordningen", ("VO/2023:55",))
    assert first.diarienummer_as_written == ("VO-2023-<br>00055",)
    assert second.title == "Svar på motion om VA-ledningar"
    assert second.diarienummer == ("VO/2025:313", "KS/2025:604")
    assert second.sections[0].name == "Förslag till beslut"
    chunk = next(c for c in chunk_document(doc, splitter=_split) if c.item_number == 1)
    assert "VO-2023-00055" in chunk.text and "<br>" not in chunk.text and "|" not in chunk.text


def test_inline_paragraph_heading_with_dnr_in_parentheses() -> None:
    text = ("KULTUR- OCH FRITIDSNÄMNDEN     SAMMANTRÄDESPROTOKOLL\nSammanträdesdatum 2024-11-19\n\n"
            "§ 12 Budget 2025 för simhallen (KFN 2024:33)\n\nBeslut\n\nNämnden antar budgeten.\n\n"
            "§§ 13-14 Val av ombud\n\nBeslut\n\nNämnden väljer Eva Ek.\n")
    doc = parse_text(text, "kfn.txt")
    assert doc.meeting.committee == "Kultur- och fritidsnämnden"
    assert [(i.paragraph, i.title, i.diarienummer) for i in doc.items] == [
        ("§ 12", "Budget 2025 för simhallen", ("KFN/2024:33",)), ("§ 13", "Val av ombud", ())]


def test_a_kallelse_with_a_foredragningslista_and_series_year_numbers() -> None:
    text = ("Kallelse till sammanträde med miljönämnden\n\nTid: 2025-02-11 kl. 13:00\nPlats: Rådhuset, Ockelbo kommun\n\n"
            "Föredragningslista\n\n1. Budget 2026 (Dnr MN 2025/12)\n2. Tillsynsplan 2025 (MN 2024/301)\n\n"
            "1 Budget 2026\n\nFörslag till beslut\n\nNämnden antar budgeten.\n\n"
            "2 Tillsynsplan 2025\n\nFörslag till beslut\n\nNämnden antar planen.\n")
    doc = parse_text(text, "mn.txt")
    assert (doc.meeting.kommun, doc.meeting.committee, doc.meeting.date, doc.meeting.doc_type) == (
        "Ockelbo", "Miljönämnden", "2025-02-11", "kallelse")
    assert [(i.number, i.title, i.diarienummer) for i in doc.items] == [
        (1, "Budget 2026", ("MN/2025:12",)), (2, "Tillsynsplan 2025", ("MN/2024:301",))]


def test_a_list_of_who_attended_which_paragraph_is_no_item() -> None:
    text = ("PROTOKOLL\nDatum\n2024-09-19\n\nÖvriga närvarande\nPierre Gavette, utvecklingsledare,\n§ 112\n"
            "Jens Ingelsäter, utvecklingsledare,\n§ 113\n\n§ 112                      Dnr VO-2024-00330\n"
            "Säkerhetsberättelse delår 2024\n\nBeslut\n\nNämnden godkänner berättelsen.\n")
    doc = parse_text(text, "vo.md")
    assert [(i.paragraph, i.title) for i in doc.items] == [("§ 112", "Säkerhetsberättelse delår 2024")]


def test_a_standalone_tjansteskrivelse_is_one_arende_up_to_its_dispatch_list() -> None:
    text = ("---\ndatum: 2025-08-21\n---\n\nTJÄNSTESKRIVELSE\n\nDatum\n2025-08-14\nDiarienummer\nIF-2022-00213\n\n"
            "Val av ersättare till utskottet\n\nFörslag till beslut\n\nNämnden för Individ & Familjeomsorg utser "
            "Eva Ek.\n\nBeslutet skickas till\n\nLönecenter\n\n<!-- sida 2 -->\n\nTill nämnden\n\nEtt initiativ.\n")
    doc = parse_text(text, "handlingar.md")
    assert (doc.meeting.doc_type, doc.meeting.date) == ("tjänsteskrivelse", "2025-08-21")  # not its "Datum"
    assert [(i.title, i.diarienummer) for i in doc.items] == [("Val av ersättare till utskottet", ("IF/2022:213",))]
    assert "Ett initiativ" not in doc.text[doc.items[0].start:doc.items[0].end]


def test_unknown_layout_degrades_to_plain_sections_and_says_what_is_missing() -> None:
    text = "Anteckningar från ett möte om parkerna.\n\nVi pratade om träd, bänkar och belysning i 2019 års plan.\n"
    doc = parse_text(text, "anteckningar.txt")
    assert doc.items == ()
    m = doc.meeting
    assert (m.kommun, m.committee, m.date) == (None, None, None)  # never a guessed value
    assert {"kommun okänd", "nämnd okänd", "datum okänt"} <= set(missing_fields(m))
    assert chunk_document(doc, splitter=_split)[0].text.startswith("Anteckningar")


def test_the_ingest_report_names_missing_fields_per_file(settings, tmp_path: Path, hash_embedder) -> None:
    from index.ingest import ingest

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "anteckning.txt").write_text("Anteckningar om parkerna.\n\nVi pratade om bänkar.\n", encoding="utf-8")
    (folder / "kf.txt").write_text(PDFTOTEXT, encoding="utf-8")
    report = ingest([folder], settings.corpus, settings.index, embedder=hash_embedder)
    missing = {Path(r.path).name: r.missing for r in report.files}
    assert {"kommun okänd", "nämnd okänd", "datum okänt"} <= set(missing["anteckning.txt"])
    assert missing["kf.txt"] == ()


def test_missing_fields_is_empty_for_a_complete_meeting(documents: list) -> None:
    doc = next(d for d in documents if d.source_file.startswith("000"))
    assert missing_fields(doc.meeting) == ()


def test_decomposed_unicode_is_normalised_and_quotes_stay_verbatim() -> None:
    nfd = unicodedata.normalize("NFD", PDFTOTEXT)
    doc = parse_text(nfd, "nfd.txt")
    assert doc.items[0].title == "Beslut om taxa för bygglov och strandskyddsdispens"
    chunk = next(c for c in chunk_document(doc, splitter=_split) if c.section == "Beslut")
    assert "väljer" not in chunk.text and "beslutar att anta taxan" in chunk.text
    assert unicodedata.is_normalized("NFC", chunk.text)


# --- the real archives (../shared/corpora) ------------------------------------------------------------


def _shared(name: str):
    return parse_file(SHARED / name)


@needs_shared
@pytest.mark.parametrize(
    ("file", "meeting"),
    [
        ("lomma/BUN_2023-05-16.txt", ("Lomma", "Barn- och utbildningsnämnden", "2023-05-16", "18:30–21:50",
                                      "Lomma kommun, Stora Sessionssalen", "protokoll")),
        ("lomma/KF-2024-03-14.txt", ("Lomma", "Kommunfullmäktige", "2024-03-14", "18:00–21:08",
                                     "Lomma kommun, Sessionssalen Kärnan", "protokoll")),
        ("lomma/Protokoll_BUN_2025-09-02.txt", ("Lomma", "Barn- och utbildningsnämnden", "2025-09-02",
                                                "18:30–20:20", "Lomma kommun, Strandskolans matsal", "protokoll")),
        ("kungsbacka/teknik_2025-01-22_protokoll.md", ("Kungsbacka", "Nämnden för Teknik", "2025-01-22",
                                                       "17:00–19:07", "Kungsbackarummet, Storgatan 37", "protokoll")),
        ("kungsbacka/ifo_2025-12-10_kallelse.md", ("Kungsbacka", "Nämnden för Individ & Familjeomsorg", "2025-12-10",
                                                   "16:30", "Gåsevadholm, Storgatan 37", "kallelse")),
        ("kungsbacka/vo_2025-10-16_protokoll.md", ("Kungsbacka", "Nämnden för Vård & Omsorg", "2025-10-16",
                                                   "14:00–16:55", "Kommunfullmäktigesalen, Storgatan 37", "protokoll")),
    ],
)
def test_shared_meetings_read_by_hand(file: str, meeting: tuple) -> None:
    m = _shared(file).meeting
    assert (m.kommun, m.committee, m.date, m.time, m.place, m.doc_type) == meeting


@needs_shared
def test_shared_lomma_protocol_items() -> None:
    doc = _shared("lomma/BUN_2023-05-16.txt")
    assert [i.number for i in doc.items] == list(range(26, 41))  # "Paragraf: § 26 - § 40"
    first = doc.items[0]
    assert (first.title, first.diarienummer) == ("Godkännande av månadsrapport för mars år 2023", ("BUN/2023:129",))
    ks = _shared("lomma/KS_2025-09-10.txt").items[0]
    # the delegation list quotes "KS/KF 2025:7" many times; the ärende's own number is in its heading
    assert (ks.paragraph, ks.title, ks.diarienummer) == ("§ 101", "Meddelanden och delegationsbeslut", ("KS KF/2025:6",))


@needs_shared
def test_shared_kungsbacka_partial_protocol_and_agenda_table() -> None:
    published = _shared("kungsbacka/ifo_2025-08-21_protokoll.md")  # published as "§§ 93, 101-102"
    assert [i.paragraph for i in published.items] == ["§ 93", "§ 101", "§ 102"]
    kallelse = _shared("kungsbacka/ifo_2025-12-10_kallelse.md")
    assert len(kallelse.items) == 26
    item = kallelse.items[1]
    assert item.title == "Information från revisionen gällande granskning av kontroller avseende köpta platser"
    assert item.diarienummer == ("IF/2025:202",)
    vo = _shared("kungsbacka/vo_2024-09-19_protokoll.md")  # "§ 112" also sits in the list of who attended
    assert [i.number for i in vo.items] == list(range(105, 126))
    assert next(i for i in vo.items if i.number == 112).title.startswith("Säkerhetsberättelse delår 2024")


@needs_shared
def test_shared_readme_gets_no_guessed_meeting() -> None:
    m = _shared("README.md").meeting
    assert (m.kommun, m.committee, m.date) == (None, None, None)


@needs_shared
def test_shared_coverage_floor_per_layout() -> None:
    from eval.parse_coverage import measure

    by_layout, documents = measure([SHARED])
    assert len(documents) >= 88
    for name in ("markdown+front matter", "text+form feeds"):
        stats = by_layout[name]
        assert stats.chunks_all / stats.chunks >= 0.98, (name, stats)
        assert stats.items_title == stats.items
        assert stats.items_dnr / stats.items >= 0.9
        assert stats.chunks_furniture == 0, name
