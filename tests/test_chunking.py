"""Chunking: item boundaries, metadata on every chunk, clean text, offsets, stable ids, duplicates."""

from __future__ import annotations

import re

from corpus.chunking import chunk_document, make_splitter
from corpus.parse import parse_text
from corpus.settings import CorpusSettings

PAGE_HEADER = re.compile(r"^\s*(\d{4}-\d\d-\d\d|Dnr:? [A-Z]{2,5}\s?/?\s?\d{4}:\d+|Diarienummer)\s*$", re.MULTILINE)


def test_every_chunk_carries_kommun_namnd_date_and_its_items_dnr(documents: list, chunks: list) -> None:
    items = {(doc.source_file, item.number): item for doc in documents for item in doc.items}
    assert len(chunks) > 500
    for chunk in chunks:
        assert chunk.meeting.kommun and chunk.meeting.committee and chunk.meeting.date, chunk.chunk_id
        if chunk.item_number is not None:
            item = items[(chunk.source_file, chunk.item_number)]
            assert chunk.diarienummer == item.diarienummer
            assert chunk.item_title == item.title


def test_every_item_has_chunks_and_none_cross_an_item_boundary(documents: list, chunks: list) -> None:
    for doc in documents:
        own = [c for c in chunks if c.doc_id == doc.doc_id]
        for item in doc.items:
            inside = [c for c in own if c.item_number == item.number]
            assert inside, (doc.source_file, item.number)
            assert all(item.start <= c.start_char < c.end_char <= item.end for c in inside)


def test_no_chunk_contains_page_header_or_protocol_furniture(chunks: list) -> None:
    for chunk in chunks:
        assert not PAGE_HEADER.search(chunk.text), chunk.text[:200]
        assert "Justerandes sign" not in chunk.text and "Utdragsbestyrkande" not in chunk.text
        assert not re.search(r"^Socialnämnden?$|^Sida \d+$", chunk.text, re.MULTILINE)
        assert not re.search(r"</?(p|i|b|u|ul|li|input)\b", chunk.text)
        assert "Innehållsförteckning" not in chunk.text


def test_a_sentence_split_by_a_page_header_is_rejoined(chunks: list) -> None:
    assert any("livskvalitet för botkyrkaborna handlar om" in c.text for c in chunks)
    assert any("öppettiderna skiljer sig åt upp till 8 timmar" in c.text for c in chunks)


def test_offsets_point_at_the_span_the_chunk_came_from(documents: list, chunks: list) -> None:
    texts = {doc.doc_id: doc.text for doc in documents}
    for chunk in chunks:
        span = texts[chunk.doc_id][chunk.start_char:chunk.end_char]
        assert span.startswith(chunk.text[:1]) and span.endswith(chunk.text[-1:])
        words = re.findall(r"\w+", chunk.text)
        assert words[0] in span and words[-1] in span


def test_chunk_ids_are_unique_and_stable_across_runs(documents: list, chunks: list) -> None:
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    again = [c.chunk_id for c in chunk_document(documents[4])]
    assert again == [c.chunk_id for c in chunks if c.doc_id == documents[4].doc_id]


def test_chunks_respect_the_size_setting(chunks: list) -> None:
    settings = CorpusSettings()
    assert max(len(c.text) for c in chunks) <= settings.chunk_size + 50


def test_repeated_decision_text_is_marked_duplicate(chunks: list) -> None:
    item2 = [c for c in chunks if c.source_file.startswith("002") and c.item_number == 2]
    decisions = [c for c in item2 if c.section in ("Beslut", "Förslag till beslut")]
    assert decisions[0].duplicate_of is None
    assert any(c.duplicate_of == decisions[0].chunk_id for c in decisions[1:])
    assert all(c.duplicate_of != c.chunk_id for c in chunks)


def test_protocol_chunks_carry_the_paragraph(chunks: list) -> None:
    tyreso = [c for c in chunks if c.source_file.startswith("004") and c.item_number is not None]
    assert {c.paragraph for c in tyreso} == {"§ 1014"}
    assert tyreso[0].section == "Beslut" and tyreso[0].layer == "summary"
    assert "godkänns" in tyreso[0].text


def test_to_record_has_the_jsonl_fields(chunks: list) -> None:
    record = chunks[0].to_record()
    for key in ("chunk_id", "source_file", "kommun", "namnd", "meeting_date", "doc_type", "item_number",
                "item_title", "diarienummer", "diarienummer_as_written", "section", "paragraph",
                "start_char", "end_char", "text"):
        assert key in record


def test_the_splitter_is_injected() -> None:
    doc = parse_text("§ 5\n\nDnr SN/2024:7\n\nBudget\n\nBeslut\n\nEtt. Två. Tre.\n", "a.txt")
    pieces = chunk_document(doc, splitter=lambda text: text.split(". "))
    assert [c.text for c in pieces if c.section == "Beslut"][-1] == "Tre."


def test_default_splitter_measures_characters() -> None:
    split = make_splitter(CorpusSettings(chunk_size=200, chunk_overlap=20))
    pieces = split("Det här är en mening. " * 40)
    assert len(pieces) > 3 and all(len(p) <= 200 for p in pieces)


def test_plain_text_without_structure_is_one_region() -> None:
    doc = parse_text("Bara lite text om socialnämnden i Tyresö kommun.", "note.txt")
    pieces = chunk_document(doc)
    assert len(pieces) == 1 and pieces[0].item_number is None
    assert pieces[0].meeting.kommun == "Tyresö"


def test_cli_chunks_summary_jsonl_and_per_file_errors(tmp_path, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from ui.cli import app

    monkeypatch.setenv("NAMND_DATA_DIR", str(tmp_path / "data"))
    sample = "corpus/samples/004_45a1c237a718c0b7.txt"
    broken = tmp_path / "tom.txt"
    broken.write_text("", encoding="utf-8")
    runner = CliRunner()
    summary = runner.invoke(app, ["chunks", sample, str(broken)])
    assert summary.exit_code == 0
    assert "§ 1014" in summary.stdout and "ASN/2019:36" in summary.stdout and "2019-02-26" in summary.stdout
    assert "tom.txt" in summary.stderr and "empty" in summary.stderr
    lines = runner.invoke(app, ["chunks", sample, "--jsonl"]).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all(r["kommun"] == "Tyresö" and r["meeting_date"] == "2019-02-26" for r in records)
    assert runner.invoke(app, ["chunks", str(broken)]).exit_code != 0


def test_cli_chunks_names_the_meeting_fields_it_could_not_read(tmp_path, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from ui.cli import app

    monkeypatch.setenv("NAMND_DATA_DIR", str(tmp_path / "data"))
    note = tmp_path / "anteckning.txt"
    note.write_text("Anteckningar om parkerna.\n\nVi pratade om bänkar och träd.\n", encoding="utf-8")
    runner = CliRunner()
    summary = runner.invoke(app, ["chunks", str(note)])
    assert summary.exit_code == 0 and "nämnd okänd" in summary.stdout and "datum okänt" in summary.stdout
    record = json.loads(runner.invoke(app, ["chunks", str(note), "--jsonl"]).stdout.splitlines()[0])
    assert {"kommun okänd", "nämnd okänd", "datum okänt"} <= set(record["missing_fields"])


def test_signature_pages_and_agenda_table_rows_become_clean_text() -> None:
    text = ("---\ntyp: kallelse\n---\n\nKALLELSE\n\nNämnden för Teknik\n\nSammanträde måndagen den 3 mars 2025 kl. 17:00\n"
            "Rådhuset\n\n|  | Ärende | Beteckning | Förslag |\n| --- | --- | --- | --- |\n"
            "| 1. | Taxa för<br>VA-<br>anslutning | TE-2025-<br>00011 | Förslag till beslut<br>Nämnden antar taxan. |\n\n"
            "4.  Investeringsplan, en rad som omvandlaren skrev som löptext\n\n"
            "| 5. | Övrigt | TE-2025-<br>00012 | Förslag till beslut |\n\n"
            "Undertecknat    av följande personer\n\nMONICA NEPTUN\nDatum:       2025-03-04 10:45:08\n"
            "Transaktionsidentitet:  70722B9881AC6C5BD1899C647525EE8ADBCCCF4137\n")
    doc = parse_text(text, "kallelse.md")
    assert [(i.number, i.title) for i in doc.items] == [(1, "Taxa för VA-anslutning"), (5, "Övrigt")]
    pieces = chunk_document(doc, splitter=lambda t: [p for p in t.split("\n\n") if p.strip()])
    row = next(c for c in pieces if c.item_number == 1)
    assert row.text == "1.\nTaxa för VA-anslutning\nTE-2025-00011\nFörslag till beslut Nämnden antar taxan."
    assert row.section == "Förslag till beslut" and row.diarienummer == ("TE/2025:11",)
    assert any("Investeringsplan" in c.text and c.item_number is None for c in pieces)  # between rows: kept
    assert not any("MONICA NEPTUN" in c.text or "Transaktionsidentitet" in c.text for c in pieces)
    assert not any("typ: kallelse" in c.text for c in pieces)
