"""Parsing: the 43 ärenden of the bundled corpus, meetings, file formats and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.errors import ParseError
from corpus.parse import discover_files, parse_file, parse_text
from corpus.settings import CorpusSettings

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "expected_items.json").read_text(encoding="utf-8"))["items"]


def _items_by_key(documents: list) -> dict[tuple[str, int | None], tuple]:
    return {(doc.source_file, item.number): (doc, item) for doc in documents for item in doc.items}


def test_the_bundled_corpus_has_exactly_the_43_hand_checked_items(documents: list) -> None:
    found = _items_by_key(documents)
    assert len(EXPECTED) == 43
    assert sorted(found) == sorted((row["file"], row["number"]) for row in EXPECTED)


@pytest.mark.parametrize("row", EXPECTED, ids=lambda r: f"{r['file'][:3]}-{r['number']}")
def test_item_matches_the_hand_checked_table(documents: list, row: dict) -> None:
    doc, item = _items_by_key(documents)[(row["file"], row["number"])]
    assert item.title == row["title"]
    assert list(item.diarienummer) == row["diarienummer"]
    assert list(item.diarienummer_as_written) == row["diarienummer_as_written"]
    assert item.paragraph == row["paragraph"]
    assert (doc.meeting.date, doc.meeting.committee, doc.meeting.kommun) == (
        row["meeting_date"], row["namnd"], row["kommun"])


@pytest.mark.parametrize(
    ("file", "number", "dnr"),
    [
        ("001_b45e768bb4a60bb9.txt", 3, ["SN/2022:554", "SN/2023:554"]),  # agenda year vs body year
        ("002_d20d494b0c3325f7.txt", 5, ["KS/2016:208", "SN/2016:91"]),  # KS item dnr + tjänsteskrivelse dnr
        ("002_d20d494b0c3325f7.txt", 10, ["SN/2016:171"]),  # agenda has the placeholder SN 2016:xx
        ("002_d20d494b0c3325f7.txt", 11, ["SN/2016:14", "SN/2015:14"]),
        ("003_a9d802a344dea62f.txt", 3, ["SN/2023:218", "SN/2023:217"]),
        ("003_a9d802a344dea62f.txt", 6, ["SN/2023:220"]),  # agenda has SN/2023:00xxx
        ("004_45a1c237a718c0b7.txt", 1014, ["ASN/2019:36"]),
    ],
)
def test_agenda_body_mismatches_are_kept_as_aliases(documents: list, file: str, number: int, dnr: list) -> None:
    _, item = _items_by_key(documents)[(file, number)]
    assert list(item.diarienummer) == dnr


def test_no_item_gets_sfs_placeholder_or_delegation_list_numbers(documents: list) -> None:
    all_dnr = {d for doc in documents for item in doc.items for d in item.diarienummer}
    assert not any(d.split("/")[0] in {"SFS", "SOSFS"} for d in all_dnr)
    assert "KS/2022:791" not in all_dnr  # a KS number in 003's notification list
    assert "SN/2019:572" not in all_dnr  # named inside 000's verksamhetsberättelse, not an item


@pytest.mark.parametrize(
    ("file", "meeting"),
    [
        ("000_6a1b9072bd961800.txt", ("Botkyrka", "Socialnämnden", "2020-02-18", "18:00",
                                      "Kommunhuset i Tumba plan 2 rum Alytus", "kallelse")),
        ("003_a9d802a344dea62f.txt", ("Botkyrka", "Socialnämnden", "2023-06-13", "18:00",
                                      "OBS Lokal Hans Stahles väg 5, Lokal Vintergatan, plan 0", "kallelse")),
        ("004_45a1c237a718c0b7.txt", ("Tyresö", "Arbetsmarknads- och socialnämnden", "2019-02-26",
                                      "18:30–19:45", "Myggdalen, plan 1", "protokollsutdrag")),
    ],
)
def test_meeting_metadata(documents: list, file: str, meeting: tuple) -> None:
    doc = next(d for d in documents if d.source_file == file)
    m = doc.meeting
    assert (m.kommun, m.committee, m.date, m.time, m.place, m.doc_type) == meeting


def test_items_are_ordered_disjoint_and_sections_cover_them(documents: list) -> None:
    for doc in documents:
        for before, after in zip(doc.items, doc.items[1:]):
            assert before.end <= after.start
        for item in doc.items:
            assert item.sections and item.sections[0].start == item.start
            assert all(s.layer in ("summary", "tjansteskrivelse", "bilaga") for s in item.sections)


def test_decision_sections_and_layers_are_found(documents: list) -> None:
    doc = next(d for d in documents if d.source_file.startswith("001"))
    item = next(i for i in doc.items if i.number == 3)
    names = [(s.name, s.layer) for s in item.sections]
    assert names[0] == ("Beslut", "summary")
    assert ("Förslag till beslut", "tjansteskrivelse") in names
    assert ("Barnkonsekvensanalys", "summary") in names
    assert names[-1][1] == "bilaga"
    beslut = item.sections[0]
    assert "Verksamhetsberättelse 2022" in doc.text[beslut.start:beslut.end]


def test_discover_files_expands_directories_and_keeps_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.jpg").write_bytes(b"\xff")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text("y", encoding="utf-8")
    assert discover_files([tmp_path]) == [tmp_path / "a.txt", tmp_path / "sub" / "c.md"]
    assert discover_files([tmp_path / "b.jpg"]) == [tmp_path / "b.jpg"]


PROTOCOL = ("§ 12\n\nDnr SN/2024:00042\n\nBudget 2025 för socialnämnden\n\nBeslut\n\n"
            "Socialnämnden godkänner budgeten för 2025.\n\nJusterandes sign\n\n"
            "Datum 2024-11-19\nTid 18:00\nPlats Kommunhuset i Tumba\n")


def test_pdf_with_a_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in PROTOCOL.splitlines():
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "protokoll.pdf"
    pdf.output(str(path))
    doc = parse_file(path)
    assert doc.items[0].paragraph == "§ 12"
    assert doc.items[0].diarienummer == ("SN/2024:42",)
    assert doc.meeting.date == "2024-11-19"


def test_docx_with_paragraphs_and_a_table(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in PROTOCOL.split("\n\n"):
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Utfall", "78,5 mnkr"
    path = tmp_path / "protokoll.docx"
    document.save(str(path))
    doc = parse_file(path)
    assert doc.items[0].diarienummer == ("SN/2024:42",)
    assert "Utfall\t78,5 mnkr" in doc.text


def test_html_tags_become_text(tmp_path: Path) -> None:
    path = tmp_path / "kallelse.html"
    path.write_text("<html><body><p>§ 3</p><p>Dnr SN 2023:00144</p><h2>Yttrande</h2>"
                    "<table><tr><td>Utfall</td><td><b>53 %</b></td></tr></table></body></html>", encoding="utf-8")
    doc = parse_file(path)
    assert "<" not in doc.text and "Utfall\t53 %" in doc.text
    assert doc.items[0].diarienummer == ("SN/2023:144",)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n \xc2\xa0\n", "no text"),
        ("binary.txt", bytes(range(256)) * 40, "binary"),
        ("latin1.txt", "Sammanträde i Tumba, ärende".encode("cp1252"), "not UTF-8"),
        ("corrupt.pdf", b"%PDF-1.4\nthis is not really a pdf\n%%EOF", "PDF"),
        ("corrupt.docx", b"PK\x03\x04 not a zip", ".docx"),
        ("image.png", b"\x89PNG", "unsupported"),
    ],
)
def test_bad_files_give_a_one_line_error_naming_the_file(tmp_path: Path, name: str, content: bytes,
                                                         message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ParseError) as info:
        parse_file(path)
    text = str(info.value)
    assert name in text and message in text and "\n" not in text


def test_cp1252_is_read_when_a_fallback_encoding_is_set(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Plats Kommunhuset i Tumba\nÄrende om ekonomi".encode("cp1252"))
    doc = parse_file(path, CorpusSettings(fallback_encoding="cp1252"))
    assert "Ärende" in doc.text and doc.meeting.kommun == "Botkyrka"


def test_a_50_mb_file_is_rejected_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    with pytest.raises(ParseError, match=r"huge\.txt.*50 MB.*MAX_FILE_MB"):
        parse_file(path)


def test_a_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot be read"):
        parse_file(tmp_path / "saknas.txt")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000))
def test_parsing_arbitrary_text_never_crashes(text: str) -> None:
    try:
        doc = parse_text(text, "x.txt")
    except ParseError as exc:
        assert not text.strip() or "\x00" in text or "binary" in str(exc)
        return
    assert doc.text.strip()
    for item in doc.items:
        assert 0 <= item.start <= item.end <= len(doc.text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(
    ["Ärenden", "- 1 Budget (SN 2020:1)", "2 Annat ärende", "1", "**1****Budget (SN/2020:1)****Beslut**",
     "Beslut", "Dnr SN/2020:1", "2020-01-01", "§ 4", "Referens", "Bilagor", "", "Datum 2020-02-02",
     "Socialnämnden", "Innehållsförteckning", "1 Inledning\t3", "bot-", "kyrkaborna"]), max_size=40))
def test_parsing_document_like_text_never_crashes(lines: list[str]) -> None:
    text = "\n".join(lines)
    if text.strip():
        doc = parse_text(text, "x.txt")
        assert all(0 <= i.start <= i.end <= len(doc.text) for i in doc.items)
