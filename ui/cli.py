"""The `namnd` command: the terminal twin of the web app; each subcommand calls one library function."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assistant.settings import Settings, load_settings
from index.types import SearchFilters
from ui.cli_options import emit_json as _emit_json
from ui.cli_options import fail as _fail
from ui.cli_options import fail_on, with_filters
from ui.inputs import Mode, parse_method, parse_mode
from ui.messages import KNOWN_ERRORS, error_message, status_label

if TYPE_CHECKING:
    from assistant.chat import Assistant
    from index.ingest import IngestProgress

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


def _mode(text: str | None) -> Mode | None:
    try:
        return parse_mode(text)
    except ValueError as exc:
        fail_on(exc)


# --- subcommands are added below, one block per layer (keep blocks separate) ---


# --- index: namnd ingest, namnd search ---


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
    bar = tqdm(total=0, unit="chunk", disable=as_json, file=sys.stderr)  # ETA over chunks, not files

    def progress(event: IngestProgress) -> None:
        bar.total = max(event.chunks_expected, event.chunks_done)
        bar.update(event.chunks_done - bar.n)
        bar.set_postfix_str(f"fil {event.files_done}/{event.files_total}, {event.chunks_embedded} inbäddade",
                            refresh=False)
        bar.refresh()
        if event.result is not None and not as_json:
            r = event.result
            extra = f" – {r.reason}" if r.reason else ""
            extra += f" – saknas: {', '.join(r.missing)}" if r.missing else ""
            bar.write(f"{status_label(r.status):>10}  {Path(r.path).name} ({r.chunks} chunkar){extra}")

    try:
        report = ingest(paths or None, settings.corpus, settings.index, progress=progress, prune=prune)
    except (IndexBusyError, IndexNotBuiltError, EmbeddingBackendError) as exc:
        bar.close()
        fail_on(exc, settings.index)
    bar.close()
    if as_json:
        _emit_json({"files": [{"path": f.path, "status": f.status, "chunks": f.chunks, "embedded": f.embedded,
                               "reason": f.reason, "missing": list(f.missing)} for f in report.files],
                    "counts": report.counts(), "chunks_total": report.chunks_total, "embedded": report.embedded,
                    "seconds": round(report.seconds, 3), "encoder_seconds": round(report.encoder_seconds, 3),
                    "generation": report.generation, "engine": report.engine, "notes": list(report.notes)})
        return
    for note in report.notes:
        print(f"Obs: {note}")
    counts = ", ".join(f"{n} {status_label(s).lower()}" for s, n in report.counts().items() if n)
    print(f"Klart: {counts}. {report.chunks_total} chunkar i indexet, {report.embedded} nya inbäddningar, "
          f"{report.seconds:.1f} s.")
    if report.counts()["rejected"]:
        raise typer.Exit(1)


@app.command("search")
@with_filters()
def search_command(
    query: str = typer.Argument(..., help="Sökfråga eller diarienummer, t.ex. \"SN/2023:00144\"."),
    k: int = typer.Option(None, "--k", help="Antal träffar (standard: NAMND_INDEX__TOP_K)."),
    method: str = typer.Option("hybrid", "--method", help="hybrid (standard), dense eller keyword."),
    as_json: bool = typer.Option(False, "--json", help="Träffarna som JSON: chunkfält + score + rank."),
    filters: SearchFilters | None = None,
) -> None:
    """Sök i indexet (hybrid: semantisk + BM25; diarienummer och § slås upp exakt).

    Exempel: namnd search "placeringar av barn" --kommun Botkyrka --from 2023 --doc-type protokoll --json
    """
    from index.search import Searcher
    from ui.terminal import print_hits

    settings = _settings()
    try:
        chosen = parse_method(method)
        searcher = Searcher.from_settings(settings.index)
        hits = searcher.search(query, k=k, filters=filters, method=chosen)
    except KNOWN_ERRORS as exc:
        fail_on(exc, settings.index)
    if as_json:
        _emit_json([{**h.chunk.to_record(), "score": h.score, "rank": h.rank, "source": h.source,
                     "dense_similarity": h.dense_similarity} for h in hits])
        return
    print_hits(hits)


# --- assistant: namnd ask, namnd chat ---

_RESET_WORDS = {"ny", "nytt", "/ny", "reset", "/reset", "new"}
_QUIT_WORDS = {"avsluta", "sluta", "exit", "quit", "q", "/q"}


def _make_assistant(settings: Settings) -> Assistant:
    from assistant.chat import Assistant

    try:
        return Assistant.from_settings(settings)
    except KNOWN_ERRORS as exc:
        fail_on(exc, settings.index)


@app.command("ask")
@with_filters()
def ask_command(
    question: str = typer.Argument(..., help="Frågan, t.ex. \"Hur stort överskott hade socialnämnden 2022?\""),
    mode: str = typer.Option(None, "--mode", help="llm (standard) eller extractive (utan språkmodell, direkt)."),
    as_json: bool = typer.Option(False, "--json", help="Skriv svaret (Answer) som JSON."),
    filters: SearchFilters | None = None,
) -> None:
    """Ställ en fråga och få ett svar med källhänvisningar.

    Exempel: namnd ask "Hur stort överskott hade socialnämnden 2022?" --mode extractive
    """
    from ui.terminal import stream_to_terminal

    settings = _settings()
    chosen = _mode(mode)
    assistant = _make_assistant(settings)
    try:
        if as_json:
            _emit_json(assistant.answer(question, (), filters, chosen).to_record())
        else:
            stream_to_terminal(assistant, question, (), filters, chosen)
    except KNOWN_ERRORS as exc:
        fail_on(exc, settings.index)


@app.command("chat")
@with_filters()
def chat_command(
    mode: str = typer.Option(None, "--mode", help="llm (standard) eller extractive."),
    filters: SearchFilters | None = None,
) -> None:
    """Samtal i terminalen; följdfrågor som "och året innan?" förstås. Skriv "ny" för nytt samtal, "avsluta" för att sluta.

    Exempel: namnd chat --mode extractive --kommun Botkyrka
    """
    from assistant.types import Turn
    from ui.terminal import stream_to_terminal

    settings = _settings()
    chosen = _mode(mode)
    assistant = _make_assistant(settings)
    history: list[Turn] = []
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
            answer = stream_to_terminal(assistant, question, history, filters, chosen)
        except KNOWN_ERRORS as exc:
            print(f"Fel: {error_message(exc, settings.index)}", file=sys.stderr)
            continue
        history.append(Turn(question, answer, filters or SearchFilters()))


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
    from ui.app import serve

    settings = _settings()
    try:
        serve(settings, host=host, port=port)
    except KNOWN_ERRORS as exc:
        fail_on(exc, settings.index)


# --- corpus: namnd chunks ---


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
    from corpus.structure import missing_fields
    from ui.terminal import print_document_summary

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
        missing = missing_fields(doc.meeting)  # "nämnd okänd": said, never guessed
        if jsonl:
            for chunk in chunks:
                _emit_json({**chunk.to_record(), "missing_fields": list(missing)})
        else:
            print_document_summary(doc, chunks)
            if missing:
                print(f"  Saknas: {', '.join(missing)}")
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
    corpus: list[Path] = typer.Option(None, "--corpus", help="Riktigt arkiv att indexera och mäta, t.ex. ../shared/corpora."),
    encoder_passages: int = typer.Option(48, "--encoder-passages", help="Stycken per kodarmotor i jämförelsen (0 = hoppa över)."),
    as_json: bool = typer.Option(False, "--json", help="Skriv bench.json till stdout."),
    work: Path = typer.Option(None, "--work", help="Mapp där de byggda indexen sparas (n<N>/ per nivå), för --reuse."),
    reuse: Path = typer.Option(None, "--reuse", help="Mät bara sökningen på index som en tidigare körning byggt i mappen."),
    parse_variants: bool = typer.Option(False, "--parse-variants",
                                        help="Bygg nivåerna via tolken (variantfiler, långsamt) i stället för härledda rader."),
    profile: bool = typer.Option(False, "--profile", help="Profilera hybridsökningen (cProfile) på varje nivå."),
) -> None:
    """Mät ingest, kodarmotorer, sökning (inbäddad Chroma och Chroma-server), svar och minne vid växande korpus.

    Exempel: namnd bench --out docs/bench   (tar ~30 min på 2 kärnor; --quick tar ~1 min)
             namnd bench --corpus ../shared/corpora --chunks 100000 --chunks 1000000 --llm-questions 0 --work /tmp/b
             namnd bench --reuse /tmp/b --chunks 100000 --chunks 1000000 --no-server --out bench-1m   (bara sök)
    """
    from tqdm import tqdm

    from eval.bench import DEFAULT_LEVELS, QUICK_LEVELS, BenchConfig, run_bench
    from eval.errors import BenchError

    levels = tuple(chunks) if chunks else (QUICK_LEVELS if quick else DEFAULT_LEVELS)
    config = BenchConfig(out_dir=out, levels=levels, quick=quick, server=not no_server,
                         llm_questions=0 if quick else llm_questions, keep=keep, corpus=tuple(corpus or ()),
                         encoder_passages=min(encoder_passages, 8) if quick else encoder_passages,
                         work_dir=work, reuse=reuse, parse_variants=parse_variants, profile=profile,
                         extra={"argv": sys.argv[2:]})
    searched = 1 + len(levels) + (1 if corpus else 0)  # bundled, scaled levels, real corpus
    phases = 2 + len(levels) + searched * (1 if no_server else 2) + (1 if corpus else 0) + (1 if encoder_passages else 0)
    if reuse is not None:
        phases = len(levels) * (1 if no_server else 2)
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
             namnd eval eval/datasets/shared_tune.jsonl --mode extractive --out eval-out/shared-tune
             (index ../shared/corpora/lomma och kungsbacka först; jämför delarna med
             python -m eval.summary eval-out/shared-tune/report.json eval-out/shared-heldout/report.json)
             namnd eval ../shared/external/swequad/qa.jsonl --corpus ../shared/external/swequad/contexts --mode extractive
    """
    from eval.run import RunOptions, evaluate

    settings = _settings()
    try:
        options = RunOptions(mode=parse_mode(mode), method=parse_method(method), k=k, limit=limit,
                             progress=not as_json)
        report = evaluate(dataset, settings, options, out, corpus=corpus or ())
    except KNOWN_ERRORS as exc:  # DatasetError, EvalRunError, IndexNotBuiltError, InputError, …
        fail_on(exc, settings.index)
    if as_json:
        _emit_json({k_: report[k_] for k_ in ("dataset", "kind", "options", "summary", "by_type", "by_lang")})
        return
    from eval.report import fmt

    summary = report["summary"]
    print(f"{summary['n']} fall, {summary['errors']} fel → {out / 'report.md'}")
    for key, value in summary.items():
        if key not in ("n", "errors"):
            print(f"  {key:20s} {fmt(value)}")



@app.command("probe")
def probe_command(
    n: int = typer.Option(20, "--n", help="Antal ärenden och sammanträden att generera frågor om (vardera)."),
    seed: int = typer.Option(1, "--seed", help="Slumpfrö för urvalet."),
    mode: str = typer.Option("extractive", "--mode", help="extractive (standard) eller llm."),
    as_json: bool = typer.Option(False, "--json", help="Resultat per fråga som JSON."),
) -> None:
    """Strukturprov: frågor genererade ur indexets egna ärenden och sammanträden (diarienummer, titel, datum,
    plats, ordförande, justerare), i flera formuleringar; visar hur många svaren klarar per frågetyp.

    Exempel: namnd probe --n 30 --seed 3
    """
    import random

    from tqdm import tqdm

    from eval.probe import case_questions, meeting_questions, run_probe, summary

    settings = _settings()
    assistant = _make_assistant(settings)
    try:
        decisions = assistant.searcher.decisions()
    except KNOWN_ERRORS as exc:
        fail_on(exc, settings.index)
    rng = random.Random(seed)
    cases = case_questions(decisions, rng, n) + meeting_questions((c.meeting for c in decisions), rng, n)
    if not cases:
        _fail("Indexet har inga ärenden med diarienummer eller protokoll att generera frågor om. Kör `namnd ingest` först.")
    bar = tqdm(total=len(cases), unit="fråga", disable=as_json, file=sys.stderr)

    def ask(question: str) -> tuple[bool, str, str]:
        answer = assistant.answer(question, mode=_mode(mode))
        return answer.answered, answer.route, answer.text

    results = run_probe(cases, ask, progress=lambda i: bar.update(i - bar.n))
    bar.close()
    table = summary(results)
    if as_json:
        _emit_json({"summary": {k: {"passed": p, "asked": a} for k, (p, a) in table.items()},
                    "results": [{"kind": r.case.kind, "question": r.case.question, "passed": r.passed,
                                 "route": r.route, "text": r.text} for r in results]})
        return
    for kind, (passed, asked) in table.items():
        print(f"  {kind:16s} {passed:3d}/{asked:<3d}")
    for r in results:
        if not r.passed:
            print(f"MISS [{r.case.kind}] {r.case.question}\n     {' '.join(r.text.split())[:160]}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
