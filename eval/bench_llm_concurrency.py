"""Several users at once: time to the last of N simultaneous LLM answers, one-at-a-time vs batched.

`python -m eval.bench_llm_concurrency --model PATH.gguf --users 4` asks N realistic prompts (the
system prompt, three ~230-character sources of the bundled corpus, a question) (1) one after another
through the llama-index backend, as the web app's LLM lock does today, and (2) all at once through
the continuously batched backend; prints one JSON line with per-answer seconds and tokens/s.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from assistant import prompts
from assistant.llm import LocalBatchedLlama, LocalLlamaCpp, Message
from assistant.settings import ChatSettings
from corpus.chunking import chunk_document
from corpus.parse import discover_files, parse_file
from corpus.settings import CorpusSettings

QUESTIONS = ("Hur stort överskott hade socialnämnden 2022?", "Vad beslutade nämnden om verksamhetsberättelsen?",
             "Vilka åtgärder föreslås för en budget i balans?", "Hur många lex Sarah-anmälningar kom in?",
             "Vad kostar försörjningsstödet?", "Vem är ordförande i socialnämnden?")


def prompts_for(n: int) -> list[list[Message]]:
    """n chat prompts shaped like the assistant's: constant system prompt, 3 sources, a question."""
    corpus = CorpusSettings()
    chunks = [c for p in discover_files([corpus.source_dir]) for c in chunk_document(parse_file(p, corpus), corpus)]
    out = []
    for i in range(n):
        picked = chunks[(97 * i) % len(chunks)::len(chunks) // 3][:3]
        sources = "\n\n".join(prompts.SOURCE_BLOCK.format(number=k + 1, header=f"{c.meeting.committee} {c.meeting.date}",
                                                          text=c.text[:230]) for k, c in enumerate(picked))
        user = prompts.USER_SV.format(sources=sources, question=QUESTIONS[i % len(QUESTIONS)])
        out.append([Message("system", prompts.SYSTEM_SV), Message("user", user)])
    return out


def _timed(model: Any, messages: list[Message], began: float) -> dict[str, float]:
    first, pieces = None, []
    for piece in model.stream(messages):
        first = first or time.perf_counter() - began
        pieces.append(piece)
    return {"ttft_s": round(first or 0, 2), "done_s": round(time.perf_counter() - began, 2),
            "chars": len("".join(pieces))}


def run(model_path: Path, users: int, max_tokens: int) -> dict[str, Any]:
    settings = ChatSettings(model_path=model_path, max_tokens=max_tokens, temperature=0.1, n_parallel=users)
    asks = prompts_for(users + 2)  # [0]: warm-up, [1]: alone, [2:]: the simultaneous users
    warm, alone, asks = asks[0], asks[1], asks[2:]
    result: dict[str, Any] = {"users": users, "max_tokens": max_tokens, "cpu_count": os.cpu_count()}
    single = LocalLlamaCpp(settings)
    _timed(single, warm, time.perf_counter())  # warm-up, and the system prompt in its prefix cache
    began = time.perf_counter()
    result["one_after_another"] = [_timed(single, m, began) for m in asks]  # what the LLM lock does
    del single
    batched = LocalBatchedLlama(settings)
    _timed(batched, warm, time.perf_counter())  # warm-up, as above
    began = time.perf_counter()
    result["batched_one_alone"] = _timed(batched, alone, began)
    timings: list[dict[str, float]] = [{} for _ in asks]

    def ask(i: int) -> None:
        timings[i] = _timed(batched, asks[i], began)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(users)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result["batched_at_once"] = timings
    one = result["batched_one_alone"]["done_s"]
    result["last_at_once_over_one"] = round(max(t["done_s"] for t in timings) / one, 2)
    result["last_sequential_over_one"] = round(result["one_after_another"][-1]["done_s"] / one, 2)
    result["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=120)
    args = parser.parse_args()
    print(json.dumps(run(args.model, args.users, args.max_tokens), ensure_ascii=False))


if __name__ == "__main__":
    main()
