"""The `namnd` command: the terminal twin of the web app; each subcommand calls one library function."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from assistant.settings import Settings, load_settings

app = typer.Typer(
    help="Nämndassistenten: sök och fråga i kommunala nämndhandlingar.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Nämndassistenten: sök och fråga i kommunala nämndhandlingar."""


def _settings() -> Settings:
    return load_settings()


def _emit_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def _fail(message: str, code: int = 1) -> None:
    """One-line error for people; no traceback."""
    print(f"Fel: {message}", file=sys.stderr)
    raise typer.Exit(code)


# Filter options shared by `search` and `ask`.
_KOMMUN_OPTION = typer.Option(None, "--kommun", help="Bara handlingar från denna kommun.")
_NAMND_OPTION = typer.Option(None, "--namnd", help="Bara handlingar från denna nämnd.")
_FROM_OPTION = typer.Option(None, "--from", help="Sammanträden från och med datum (ÅÅÅÅ-MM-DD).")
_TO_OPTION = typer.Option(None, "--to", help="Sammanträden till och med datum (ÅÅÅÅ-MM-DD).")
_DNR_OPTION = typer.Option(None, "--dnr", help="Bara ärenden med detta diarienummer (alla skrivsätt), t.ex. SN/2023:144.")


def _filters(kommun: str | None, namnd: str | None, date_from: str | None, date_to: str | None,
             dnr: str | None, doc_type: str | None = None) -> Any:
    """SearchFilters from the CLI options, or None when none is set."""
    from index.types import SearchFilters

    filters = SearchFilters(kommun=kommun, committee=namnd, date_from=date_from, date_to=date_to,
                            doc_type=doc_type, diarienummer=dnr)
    return None if filters.is_empty() else filters


# --- subcommands are added below, one block per layer (keep blocks separate) ---


# --- index: namnd ingest, namnd search ---


def _index_error_text(exc: Exception) -> str:
    from index.errors import IndexBusyError, IndexNotBuiltError

    if isinstance(exc, IndexBusyError):
        return f"en annan indexering pågår redan ({exc}). Vänta tills den är klar och försök igen."
    if isinstance(exc, IndexNotBuiltError):
        return f"indexet kunde inte öppnas: {exc}"
    return str(exc)


@app.command("ingest")
def ingest_command(
    paths: list[Path] = typer.Argument(None, help="Filer eller mappar (standard: den medföljande korpusen)."),
    prune: bool = typer.Option(False, "--prune", help="Ta bort dokument ur indexet som inte längre finns bland PATH."),
    as_json: bool = typer.Option(False, "--json", help="Skriv rapporten som JSON."),
) -> None:
    """Indexera dokument (oförändrade filer hoppas över).

    Exempel: namnd ingest corpus/samples --prune
    """
    from tqdm import tqdm

    from index.errors import EmbeddingBackendError, IndexBusyError, IndexNotBuiltError
    from index.ingest import ingest

    settings = _settings()
    labels = {"added": "tillagd", "unchanged": "oförändrad", "replaced": "ersatt", "rejected": "avvisad",
              "removed": "borttagen"}
    bar = tqdm(total=0, unit="fil", disable=as_json, file=sys.stderr)

    def progress(event: Any) -> None:
        bar.total = event.files_total
        bar.n = event.files_done
        bar.set_postfix_str(f"{event.chunks_embedded} chunkar inbäddade", refresh=False)
        bar.refresh()
        if event.result is not None and not as_json:
            r = event.result
            extra = f" – {r.reason}" if r.reason else ""
            bar.write(f"{labels[r.status]:>10}  {Path(r.path).name} ({r.chunks} chunkar){extra}")

    try:
        report = ingest(paths or None, settings.corpus, settings.index, progress=progress, prune=prune)
    except (IndexBusyError, IndexNotBuiltError, EmbeddingBackendError) as exc:
        bar.close()
        _fail(_index_error_text(exc))
    bar.close()
    if as_json:
        _emit_json({"files": [{"path": f.path, "status": f.status, "chunks": f.chunks, "embedded": f.embedded,
                               "reason": f.reason} for f in report.files],
                    "counts": report.counts(), "chunks_total": report.chunks_total, "embedded": report.embedded,
                    "seconds": round(report.seconds, 3), "encoder_seconds": round(report.encoder_seconds, 3),
                    "generation": report.generation})
        return
    counts = ", ".join(f"{n} {labels[s]}" for s, n in report.counts().items() if n)
    print(f"Klart: {counts}. {report.chunks_total} chunkar i indexet, {report.embedded} nya inbäddningar, "
          f"{report.seconds:.1f} s.")
    if report.counts()["rejected"]:
        raise typer.Exit(1)


@app.command("search")
def search_command(
    query: str = typer.Argument(..., help="Sökfråga eller diarienummer, t.ex. \"SN/2023:00144\"."),
    k: int = typer.Option(None, "--k", help="Antal träffar (standard: NAMND_INDEX__TOP_K)."),
    kommun: str = _KOMMUN_OPTION,
    namnd: str = _NAMND_OPTION,
    date_from: str = _FROM_OPTION,
    date_to: str = _TO_OPTION,
    dnr: str = _DNR_OPTION,
    doc_type: str = typer.Option(None, "--doc-type", help="kallelse, protokoll, protokollsutdrag, …"),
    method: str = typer.Option("hybrid", "--method", help="hybrid (standard), dense eller keyword."),
    as_json: bool = typer.Option(False, "--json", help="Träffarna som JSON: chunkfält + score + rank."),
) -> None:
    """Sök i indexet (hybrid: semantisk + BM25; diarienummer och § slås upp exakt).

    Exempel: namnd search "placeringar av barn" --kommun Botkyrka --from 2023-01-01 --json
    """
    from index.errors import IndexNotBuiltError
    from index.search import METHODS, Searcher
    if method not in METHODS:
        _fail(f"okänd metod {method!r}; välj en av {', '.join(METHODS)}.")
    filters = _filters(kommun, namnd, date_from, date_to, dnr, doc_type)
    try:
        searcher = Searcher.from_settings(_settings().index)
        hits = searcher.search(query, k=k, filters=filters, method=method)
    except IndexNotBuiltError as exc:
        _fail(_index_error_text(exc))
    if as_json:
        _emit_json([{**h.chunk.to_record(), "score": h.score, "rank": h.rank, "source": h.source,
                     "dense_similarity": h.dense_similarity} for h in hits])
        return
    if not hits:
        print("Inga träffar.")
    for h in hits:
        c = h.chunk
        where = " · ".join(x for x in (", ".join(c.diarienummer) or None, c.paragraph, c.section,
                                       c.meeting.committee, c.meeting.date) if x)
        text = " ".join(c.text.split())
        print(f"{h.rank:>2}. [{h.source} {h.score:.3f}] {c.item_title or '(utan rubrik)'}\n    {where} ({c.source_file})"
              f"\n    {text[:240]}{'…' if len(text) > 240 else ''}")


# --- assistant: namnd ask, namnd chat ---

_RESET_WORDS = {"ny", "nytt", "/ny", "reset", "/reset", "new"}
_QUIT_WORDS = {"avsluta", "sluta", "exit", "quit", "q", "/q"}


def _print_citations(answer: Any) -> None:
    for c in answer.citations:
        where = ", ".join(x for x in (c.committee, c.kommun, c.meeting_date) if x)
        ref = " · ".join(x for x in (", ".join(c.diarienummer) or None, c.paragraph, c.section, where) if x)
        quote = " ".join(c.quote.split())
        print(f"  [{c.number}] {ref} ({c.source_file})\n      »{quote[:220]}{'…' if len(quote) > 220 else ''}«")
    if not answer.answered and answer.sources:
        print("  Närmaste källor:")
        for h in answer.sources:
            ch = h.chunk
            print(f"   - {', '.join(ch.diarienummer) or 'inget dnr'} · {ch.item_title or ''} · {ch.meeting.date or ''}")


def _stream_to_terminal(assistant: Any, question: str, history: Any, filters: Any, mode: str | None) -> Any:
    """Print tokens as they come, then the checked answer's citations; returns the Answer."""
    from assistant.types import FinalEvent, TokenEvent

    streamed: list[str] = []
    answer = None
    for event in assistant.stream(question, history, filters, mode):
        if isinstance(event, TokenEvent):
            streamed.append(event.text)
            print(event.text, end="", flush=True)
        elif isinstance(event, FinalEvent):
            answer = event.answer
    if streamed:
        print()
    if answer.text != "".join(streamed).strip():  # refusal, repaired markers or extractive fallback
        if streamed:
            print("—" * 20)
        print(answer.text)
    if answer.notice:
        print(f"Obs: {answer.notice}", file=sys.stderr)
    _print_citations(answer)
    return answer


def _make_assistant() -> Any:
    from assistant.chat import Assistant
    from index.errors import IndexNotBuiltError

    settings = _settings()
    try:
        return Assistant.from_settings(settings)
    except IndexNotBuiltError:
        _fail(f"det finns inget index i {str(settings.index.path)!r}. Kör `namnd ingest` först.")


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="Frågan, t.ex. \"Hur stort överskott hade socialnämnden 2022?\""),
    mode: str = typer.Option(None, "--mode", help="llm (standard) eller extractive (utan språkmodell, direkt)."),
    as_json: bool = typer.Option(False, "--json", help="Skriv svaret (Answer) som JSON."),
    kommun: str = _KOMMUN_OPTION,
    namnd: str = _NAMND_OPTION,
    date_from: str = _FROM_OPTION,
    date_to: str = _TO_OPTION,
    dnr: str = _DNR_OPTION,
) -> None:
    """Ställ en fråga och få ett svar med källhänvisningar.

    Exempel: namnd ask "Hur stort överskott hade socialnämnden 2022?" --mode extractive
    """
    from assistant.errors import LLMBackendError

    assistant = _make_assistant()
    filters = _filters(kommun, namnd, date_from, date_to, dnr)
    try:
        if as_json:
            _emit_json(assistant.answer(question, (), filters, mode).to_record())
        else:
            _stream_to_terminal(assistant, question, (), filters, mode)
    except (LLMBackendError, ValueError) as exc:
        _fail(str(exc))


@app.command("chat")
def chat_command(
    mode: str = typer.Option(None, "--mode", help="llm (standard) eller extractive."),
    kommun: str = typer.Option(None, "--kommun", help="Bara handlingar från denna kommun."),
    namnd: str = typer.Option(None, "--namnd", help="Bara handlingar från denna nämnd."),
) -> None:
    """Samtal i terminalen; följdfrågor som "och året innan?" förstås. Skriv "ny" för nytt samtal, "avsluta" för att sluta.

    Exempel: namnd chat --mode extractive
    """
    from assistant.errors import LLMBackendError
    from assistant.types import Turn

    assistant = _make_assistant()
    filters = _filters(kommun, namnd, None, None, None)
    history: list[Any] = []
    print('Ställ en fråga om nämndhandlingarna. "ny" börjar om, "avsluta" slutar.')
    while True:
        try:
            question = input("\nDu: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if question.lower() in _QUIT_WORDS:
            break
        if question.lower() in _RESET_WORDS:
            history = []
            print("Nytt samtal.")
            continue
        try:
            answer = _stream_to_terminal(assistant, question, history, filters, mode)
        except (LLMBackendError, ValueError) as exc:
            print(f"Fel: {exc}", file=sys.stderr)
            continue
        history.append(Turn(question, answer, filters or _empty_filters()))


def _empty_filters() -> Any:
    from index.types import SearchFilters

    return SearchFilters()


# --- ui: namnd serve ---


@app.command("serve")
def serve_command(
    host: str = typer.Option(None, "--host", help="Adress att lyssna på (standard 127.0.0.1, NAMND_UI__HOST)."),
    port: int = typer.Option(None, "--port", help="Port (standard 7860, NAMND_UI__PORT)."),
) -> None:
    """Starta webbappen (chatt, sök och dokument) på http://127.0.0.1:7860.

    Exempel: namnd serve --port 8080. Andra adresser än 127.0.0.1 kräver inloggning:
    NAMND_UI__USERNAME=revisor NAMND_UI__PASSWORD=... namnd serve --host 0.0.0.0
    """
    from index.errors import IndexNotBuiltError
    from ui.app import serve
    from ui.errors import LoginRequiredError

    settings = _settings()
    try:
        serve(settings, host=host, port=port)
    except LoginRequiredError:
        _fail(f"inloggning krävs när appen lyssnar på {host or settings.ui.host!r}. Sätt NAMND_UI__USERNAME "
              "och NAMND_UI__PASSWORD, eller kör med --host 127.0.0.1.")
    except IndexNotBuiltError:
        _fail(f"det finns inget index i {str(settings.index.path)!r}. Kör `namnd ingest` först.")


# --- corpus: namnd chunks ---


def _print_document_summary(doc: Any, chunks: list[Any]) -> None:
    """Readable summary of one parsed document: meeting, items with dnr, chunk counts."""
    m = doc.meeting
    when = " ".join(x for x in (m.date, f"kl {m.time}" if m.time else None) if x)
    print(f"{doc.source_file}: {m.doc_type}, {m.committee or '?'}, {m.kommun or '?'} kommun, {when or 'datum okänt'}")
    if m.place:
        print(f"  Plats: {m.place}")
    counts: dict[tuple[Any, Any], int] = {}
    for chunk in chunks:
        key = (chunk.item_number, chunk.item_title)
        counts[key] = counts.get(key, 0) + 1
    print(f"  {len(doc.items)} ärenden, {len(chunks)} chunkar")
    for item in doc.items:
        label = item.paragraph or f"{item.number}."
        dnr = ", ".join(item.diarienummer) or "inget dnr"
        n = counts.get((item.number, item.title), 0)
        print(f"  {label:>7} {item.title} [{dnr}] ({n} chunkar)")


@app.command("chunks")
def chunks_command(
    paths: list[Path] = typer.Argument(None, help="Filer eller mappar (standard: den medföljande korpusen)."),
    jsonl: bool = typer.Option(False, "--jsonl", help="En JSON-rad per chunk (för maskiner)."),
) -> None:
    """Tolka och dela upp dokument i chunkar.

    Exempel: namnd chunks corpus/samples/004_45a1c237a718c0b7.txt --jsonl | head -1
    """
    from corpus.chunking import chunk_document
    from corpus.errors import ParseError
    from corpus.parse import discover_files, parse_file

    corpus_settings = _settings().corpus
    files = discover_files(paths or [corpus_settings.source_dir])
    failed = 0
    for path in files:
        try:
            doc = parse_file(path, corpus_settings)
            chunks = chunk_document(doc, corpus_settings)
        except ParseError as exc:
            failed += 1
            print(f"Fel: {exc}", file=sys.stderr)
            continue
        if jsonl:
            for chunk in chunks:
                _emit_json(chunk.to_record())
        else:
            _print_document_summary(doc, chunks)
    if not files:
        _fail("inga dokument hittades; ange filer eller mappar med .txt, .md, .pdf, .docx eller .html")
    if failed == len(files):
        raise typer.Exit(1)


# --- eval: namnd bench ---


@app.command("bench")
def bench_command(
    chunks: list[int] = typer.Option(None, "--chunks", help="Korpusstorlekar att mäta sök vid (standard 10000 och 100000)."),
    out: Path = typer.Option(Path("bench-out"), "--out", help="Mapp för bench.json, bench.md och diagram."),
    quick: bool = typer.Option(False, "--quick", help="Liten körning (en fil, N=1000, utan LLM) för röktest."),
    no_server: bool = typer.Option(False, "--no-server", help="Hoppa över mätningarna mot en Chroma-server."),
    llm_questions: int = typer.Option(3, "--llm-questions", help="Antal frågor till den lokala LLM:en (0 = hoppa över)."),
    keep: bool = typer.Option(False, "--keep", help="Behåll de byggda indexen (i en tillfällig mapp)."),
    as_json: bool = typer.Option(False, "--json", help="Skriv bench.json till stdout."),
) -> None:
    """Mät ingest, sökning (inbäddad Chroma och Chroma-server), svar och minne vid växande korpus.

    Exempel: namnd bench --out docs/bench   (tar ~30 min på 2 kärnor; --quick tar ~1 min)
    """
    from tqdm import tqdm

    from eval.bench import DEFAULT_LEVELS, QUICK_LEVELS, BenchConfig, run_bench
    from eval.errors import BenchError

    levels = tuple(chunks) if chunks else (QUICK_LEVELS if quick else DEFAULT_LEVELS)
    config = BenchConfig(out_dir=out, levels=levels, quick=quick, server=not no_server,
                         llm_questions=0 if quick else llm_questions, keep=keep, extra={"argv": sys.argv[2:]})
    phases = 2 + len(levels) + (1 + len(levels)) * (1 if no_server else 2)  # ingest, builds, searches, answer
    bar = tqdm(total=phases, desc="namnd bench", unit="steg", file=sys.stderr, disable=as_json)

    def progress(message: str) -> None:
        bar.set_description(message)
        bar.update(1)

    try:
        result = run_bench(config, progress)
    except BenchError as exc:
        bar.close()
        _fail(str(exc))
    bar.close()
    if as_json:
        _emit_json(result)
        return
    print((out / "bench.md").read_text(encoding="utf-8"))
    print(f"Skrev {out / 'bench.json'}, {out / 'bench.md'} och diagram i {out}/.")



# --- eval: namnd eval ---


@app.command("eval")
def eval_command(
    dataset: Path = typer.Argument(..., help="JSONL med frågefall eller sökfall, t.ex. eval/datasets/dev.jsonl."),
    mode: str = typer.Option(None, "--mode", help="Frågefall: llm (standard) eller extractive."),
    method: str = typer.Option("hybrid", "--method", help="Sökfall: hybrid, dense eller keyword."),
    k: int = typer.Option(None, "--k", help="Träffar per sökning (standard 10); för frågor: hämtade källor."),
    out: Path = typer.Option(Path("eval-out"), "--out", help="Mapp för report.json, report.md och diagram."),
    limit: int = typer.Option(None, "--limit", help="Kör bara N fall, stratifierat urval per typ."),
    corpus: list[Path] = typer.Option(
        None, "--corpus", help="Indexera dessa filer/mappar i <out>/index först (eget index, t.ex. SweQUAD)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Skriv sammanfattningen som JSON (ingen förloppsindikator)."),
) -> None:
    """Utvärdera sökning och svar på ett frågeset; skriver report.json, report.md och PNG-diagram.

    Exempel: namnd eval eval/datasets/dev.jsonl --mode extractive --out eval-out/dev
             namnd eval eval/datasets/retrieval.jsonl --method keyword
             namnd eval ../shared/external/swequad/qa.jsonl --corpus ../shared/external/swequad/contexts --mode extractive
    """
    from eval.dataset import DatasetError
    from eval.errors import EvalRunError
    from eval.run import RunOptions, evaluate
    from index.errors import IndexNotBuiltError

    if mode not in (None, "llm", "extractive"):
        _fail(f"okänt läge {mode!r}; välj llm eller extractive")
    if method not in ("hybrid", "dense", "keyword"):
        _fail(f"okänd sökmetod {method!r}; välj hybrid, dense eller keyword")
    options = RunOptions(mode=mode, method=method, k=k, limit=limit, progress=not as_json)
    try:
        report = evaluate(dataset, _settings(), options, out, corpus=corpus or ())
    except (DatasetError, EvalRunError) as exc:
        _fail(str(exc))
    except IndexNotBuiltError:
        _fail("det finns inget index. Kör `namnd ingest` först eller ange --corpus.")
    if as_json:
        _emit_json({k_: report[k_] for k_ in ("dataset", "kind", "options", "summary", "by_type", "by_lang")})
        return
    from eval.report import fmt

    summary = report["summary"]
    print(f"{summary['n']} fall, {summary['errors']} fel → {out / 'report.md'}")
    for key, value in summary.items():
        if key not in ("n", "errors"):
            print(f"  {key:20s} {fmt(value)}")



def main() -> None:
    app()


if __name__ == "__main__":
    main()
