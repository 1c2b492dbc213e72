"""Continuous batching over one llama.cpp context: several users' answers decoded in the same llama_decode.

llama-cpp-python's `Llama` runs one sequence at a time, so concurrent questions queue behind each
other (32 s, 50 s, 67 s for three). Here one worker thread owns a context with `n_parallel`
sequences: every step it decodes the next token of each generating sequence plus a slice of the
waiting prompts in one batch, then samples each sequence at its own batch row. On a memory-bound
CPU one step for four sequences costs far less than four steps (figures: docs/performance.md).
The last prompt stays in the KV cache as an extra sequence, and a new prompt starts from its
common prefix (the constant system prompt at least) instead of evaluating it again.
"""

from __future__ import annotations

import codecs
import ctypes
import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from types import ModuleType

log = logging.getLogger(__name__)
_DONE = object()  # end of a request's piece queue


@dataclass(frozen=True, slots=True)
class Sampling:
    """Per-request sampling: temperature 0 is greedy; `grammar` (GBNF) constrains the output."""

    max_tokens: int = 220
    temperature: float = 0.1
    top_p: float = 0.9
    seed: int = 0
    grammar: str | None = None


@dataclass(eq=False)
class _Request:
    tokens: list[int]
    sampling: Sampling
    pieces: queue.Queue = field(default_factory=queue.Queue)  # str pieces, then an exception or _DONE
    seq: int = -1
    fed: int = 0          # prompt tokens already in the KV cache
    generated: int = 0
    last: int = -1        # token to feed next while generating
    row: int = -1         # batch row of this step whose logits belong to this request
    cancelled: bool = False  # the reader stopped iterating: free the sequence at the next step
    sampler: object = None
    decoder: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")("replace"))


class BatchedLlama:
    """A GGUF model answering up to `n_parallel` requests at once; thread-safe, one worker thread."""

    def __init__(self, raw: ModuleType, model_path: Path, n_ctx: int, n_parallel: int = 4,
                 n_threads: int | None = None, n_threads_batch: int | None = None, n_batch: int = 512) -> None:
        """Args:
            raw: the `llama_cpp.llama_cpp` ctypes module (imported by assistant/llm.py, its one home).
            n_ctx: context per sequence (prompt + answer); the KV cache holds n_ctx x n_parallel tokens.
        """
        self._raw = raw
        params = self._raw.llama_model_default_params()  # looked up at call time: without_amx() patches it
        params.n_gpu_layers = 0
        self._model = self._raw.llama_model_load_from_file(str(model_path).encode(), params)
        if not self._model:
            raise ValueError(f"llama.cpp could not load {str(model_path)!r}")
        self._vocab = self._raw.llama_model_get_vocab(self._model)
        cparams = self._raw.llama_context_default_params()
        cparams.n_ctx = n_ctx * (n_parallel + 1)  # + the cached prompt
        cparams.n_batch = cparams.n_ubatch = n_batch
        cparams.n_seq_max = n_parallel + 1
        cparams.kv_unified = True  # one buffer: a sequence may use more than n_ctx / n_parallel
        if n_threads:  # llama.cpp's own default is 4 threads, whatever the cores
            cparams.n_threads = n_threads
            cparams.n_threads_batch = n_threads_batch or n_threads
        self._ctx = self._raw.llama_init_from_model(self._model, cparams)
        if not self._ctx:
            self._raw.llama_model_free(self._model)
            raise ValueError(f"llama.cpp could not create a context of {n_ctx} x {n_parallel} tokens")
        self._memory = self._raw.llama_get_memory(self._ctx)
        self.n_ctx, self.n_parallel, self.n_batch = n_ctx, n_parallel, n_batch
        self._batch = self._raw.llama_batch_init(n_batch, 0, 1)
        self._waiting: queue.Queue[_Request] = queue.Queue()
        self._free = list(range(n_parallel))
        self._active: list[_Request] = []
        self._cache_seq, self._cached = n_parallel, []  # sequence id and tokens of the cached prompt
        self.reused_tokens = 0  # prompt tokens taken from the cache instead of evaluated (for the bench)
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="llama-batch", daemon=True)
        self._worker.start()

    # --- public ----------------------------------------------------------------------------

    def tokenize(self, text: str) -> list[int]:
        data = text.encode("utf-8")
        buffer = (self._raw.llama_token * (len(data) + 8))()
        n = self._raw.llama_tokenize(self._vocab, data, len(data), buffer, len(buffer), False, True)
        return list(buffer[:n])

    def generate(self, prompt: str, sampling: Sampling) -> Iterator[str]:
        """Text pieces of the answer as they are sampled (the prompt is ChatML, special tokens parsed)."""
        tokens = self.tokenize(prompt)
        if len(tokens) + sampling.max_tokens > self.n_ctx:
            raise ValueError(f"prompt of {len(tokens)} tokens + {sampling.max_tokens} to generate exceeds the "
                             f"context of {self.n_ctx}; raise NAMND_CHAT__N_CTX or send fewer sources")
        request = _Request(tokens, sampling)
        self._waiting.put(request)
        try:
            while (piece := request.pieces.get()) is not _DONE:
                if isinstance(piece, BaseException):
                    raise piece
                yield piece
        finally:
            request.cancelled = True

    def close(self) -> None:
        self._closed = True
        self._waiting.put(None)  # type: ignore[arg-type]
        self._worker.join(timeout=30)
        self._raw.llama_batch_free(self._batch)
        self._raw.llama_free(self._ctx)
        self._raw.llama_model_free(self._model)

    # --- worker ----------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._closed:
            self._admit(block=not self._active)
            if not self._active:
                continue
            try:
                self._step()
            except Exception as exc:  # noqa: BLE001 - every waiting user gets the error, the worker lives on
                log.error("llama.cpp batch failed: %r", exc)
                for request in list(self._active):
                    self._finish(request, exc)

    def _admit(self, block: bool) -> None:
        while self._free:
            try:
                request = self._waiting.get(block=block, timeout=None if block else 0)
            except queue.Empty:
                return
            if request is None:  # close()
                return
            request.seq = self._free.pop(0)
            request.sampler = self._sampler(request.sampling)
            shared = _common_prefix(request.tokens, self._cached, len(request.tokens) - 1)
            if shared >= 8:  # e.g. a 140-token system prompt + "Källor (endast data):"
                self._raw.llama_memory_seq_cp(self._memory, self._cache_seq, request.seq, 0, shared)
                request.fed = shared
                self.reused_tokens += shared
            self._active.append(request)
            block = False

    def _sampler(self, sampling: Sampling) -> object:
        chain = self._raw.llama_sampler_chain_init(self._raw.llama_sampler_chain_default_params())
        if sampling.grammar:
            self._raw.llama_sampler_chain_add(chain, self._raw.llama_sampler_init_grammar(
                self._vocab, sampling.grammar.encode("utf-8"), b"root"))
        if sampling.temperature <= 0:
            self._raw.llama_sampler_chain_add(chain, self._raw.llama_sampler_init_greedy())
        else:
            self._raw.llama_sampler_chain_add(chain, self._raw.llama_sampler_init_top_p(sampling.top_p, 1))
            self._raw.llama_sampler_chain_add(chain, self._raw.llama_sampler_init_temp(sampling.temperature))
            self._raw.llama_sampler_chain_add(chain, self._raw.llama_sampler_init_dist(sampling.seed))
        return chain

    def _step(self) -> None:
        """One llama_decode: one token per generating sequence, then prompt slices in the room left."""
        batch, n, prompted = self._batch, 0, None
        for request in [r for r in self._active if r.cancelled]:
            self._finish(request)
        for request in self._active:
            request.row = -1
            if request.fed == len(request.tokens):
                n = self._add(n, request.last, len(request.tokens) + request.generated - 1, request.seq, True)
                request.row = n - 1
        for request in self._active:
            left = len(request.tokens) - request.fed
            if left <= 0 or n >= self.n_batch:
                continue
            take = min(left, self.n_batch - n)
            for i in range(request.fed, request.fed + take):
                n = self._add(n, request.tokens[i], i, request.seq, i == len(request.tokens) - 1)
            request.fed += take
            if request.fed == len(request.tokens):
                request.row = n - 1
                prompted = request
        batch.n_tokens = n
        if n == 0:
            return
        status = self._raw.llama_decode(self._ctx, batch)
        if status != 0:
            raise RuntimeError(f"llama_decode returned {status} (1: the KV cache is full)")
        if prompted is not None:  # keep this prompt's KV as the cache for the next ones
            self._raw.llama_memory_seq_rm(self._memory, self._cache_seq, -1, -1)
            self._raw.llama_memory_seq_cp(self._memory, prompted.seq, self._cache_seq, 0, len(prompted.tokens))
            self._cached = prompted.tokens
        for request in list(self._active):
            if request.row >= 0:
                self._sample(request)

    def _add(self, n: int, token: int, pos: int, seq: int, logits: bool) -> int:
        batch = self._batch
        batch.token[n], batch.pos[n], batch.n_seq_id[n] = token, pos, 1
        batch.seq_id[n][0] = seq
        batch.logits[n] = logits
        return n + 1

    def _sample(self, request: _Request) -> None:
        token = self._raw.llama_sampler_sample(request.sampler, self._ctx, request.row)
        if self._raw.llama_vocab_is_eog(self._vocab, token):
            self._finish(request)
            return
        buffer = ctypes.create_string_buffer(64)
        size = self._raw.llama_token_to_piece(self._vocab, token, buffer, len(buffer), 0, False)
        text = request.decoder.decode(buffer.raw[:max(size, 0)])
        if text:
            request.pieces.put(text)
        request.generated += 1
        request.last = token
        if request.generated >= request.sampling.max_tokens:
            self._finish(request)

    def _finish(self, request: _Request, error: BaseException | None = None) -> None:
        tail = request.decoder.decode(b"", final=True)
        if tail and error is None:
            request.pieces.put(tail)
        request.pieces.put(error if error is not None else _DONE)
        self._raw.llama_memory_seq_rm(self._memory, request.seq, -1, -1)
        self._raw.llama_sampler_free(request.sampler)
        self._active.remove(request)
        self._free.append(request.seq)


def _common_prefix(a: list[int], b: list[int], limit: int) -> int:
    n = min(len(a), len(b), limit)
    for i in range(n):
        if a[i] != b[i]:
            return i
    return max(n, 0)
