"""ChatModel Protocol and its backends: the local GGUF (batched or via llama-index), Ollama, OpenAI-compatible."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assistant.errors import LLMBackendError, ModelFilesError
from assistant.model_files import ensure_model
from assistant.settings import ChatSettings

log = logging.getLogger(__name__)
_LOAD_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message; role is "system", "user" or "assistant"."""

    role: str
    content: str


class ChatModel(Protocol):
    """What the assistant needs from an LLM."""

    def complete(self, messages: Sequence[Message]) -> str: ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]: ...


class JsonChatModel(ChatModel, Protocol):
    """A ChatModel that can also answer in JSON of a given schema (every backend here can)."""

    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any]) -> dict[str, Any]: ...


def messages_to_chatml(messages: Sequence[Any]) -> str:
    """Qwen2.5 ChatML prompt, ending with the open assistant turn.

    Accepts our Message or llama-index ChatMessage (both have .role and .content).
    """
    parts = []
    for message in messages:
        role = getattr(message.role, "value", message.role)
        parts.append(f"<|im_start|>{role}\n{message.content}<|im_end|>\n")
    return "".join(parts) + "<|im_start|>assistant\n"


def completion_to_chatml(completion: str) -> str:
    return messages_to_chatml([Message("user", completion)])


class _LlamaIndexChat:
    """Shared body of the backends: our Messages -> llama-index chat / stream_chat."""

    setting_hint = "NAMND_CHAT__BACKEND"

    def __init__(self, llm: Any) -> None:
        self._llm = llm

    def complete(self, messages: Sequence[Message]) -> str:
        try:
            response = self._llm.chat(_to_llama_index(messages))
        except Exception as exc:  # noqa: BLE001 - any client error becomes one clear message
            raise self._error(exc) from exc
        return response.message.content or ""

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        try:
            for response in self._llm.stream_chat(_to_llama_index(messages)):
                if response.delta:
                    yield response.delta
        except Exception as exc:  # noqa: BLE001
            raise self._error(exc) from exc

    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any]) -> dict[str, Any]:
        """The reply as a JSON object of `schema` (a JSON Schema dict, e.g. {"type": "object", ...}).

        The local backends constrain sampling with a grammar made from the schema, the OpenAI one asks
        for `response_format` json_schema; Ollama is asked in the prompt. Raises LLMBackendError when
        the reply is not a JSON object.
        """
        try:
            reply = self._complete_constrained(messages, schema)
        except LLMBackendError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise self._error(exc) from exc
        return parse_json_reply(reply, type(self).__name__)

    def _complete_constrained(self, messages: Sequence[Message], schema: dict[str, Any]) -> str:
        ask = Message("system", "Svara endast med ett JSON-objekt enligt detta schema: "
                      + json.dumps(schema, ensure_ascii=False))
        return self.complete([*messages, ask])

    def _error(self, exc: Exception) -> LLMBackendError:
        return LLMBackendError(
            f"LLM backend {type(self).__name__} failed: {exc!r}; check {self.setting_hint}, "
            "or answer without an LLM with --mode extractive (NAMND_CHAT__MODE=extractive)."
        )


class LocalLlamaCpp(_LlamaIndexChat):
    """The bundled Qwen2.5-Coder-1.5B GGUF run in-process by llama-cpp-python."""

    setting_hint = "NAMND_CHAT__MODEL_PATH / NAMND_CHAT__BACKEND"

    def __init__(self, settings: ChatSettings) -> None:
        try:
            from llama_index.llms.llama_cpp import LlamaCPP
        except ImportError as exc:
            raise LLMBackendError(
                "The local backend needs llama-index-llms-llama-cpp and llama-cpp-python; "
                "run `pip install llama-index-llms-llama-cpp llama-cpp-python` or set "
                "NAMND_CHAT__BACKEND=ollama|openai."
            ) from exc
        path = _model_file(settings)
        threads, batch_threads = thread_counts(settings.n_threads)
        model_kwargs: dict[str, Any] = {"n_gpu_layers": 0, "n_batch": 512, "n_threads": threads,
                                        "n_threads_batch": batch_threads}
        try:
            with without_amx(settings.allow_amx):
                llm = LlamaCPP(
                    model_path=str(path),
                    temperature=settings.temperature,
                    max_new_tokens=settings.max_tokens,
                    context_window=settings.n_ctx,
                    generate_kwargs={"stop": ["<|im_end|>", "<|endoftext|>"], "top_p": 0.9},
                    model_kwargs=model_kwargs,
                    messages_to_prompt=messages_to_chatml,
                    completion_to_prompt=completion_to_chatml,
                    verbose=False,
                )
        except Exception as exc:  # noqa: BLE001
            raise LLMBackendError(
                f"Could not load GGUF model {str(path)!r}: {exc!r}; check NAMND_CHAT__MODEL_PATH."
            ) from exc
        self._settings = settings
        super().__init__(llm)

    def _complete_constrained(self, messages: Sequence[Message], schema: dict[str, Any]) -> str:
        from llama_cpp.llama_grammar import LlamaGrammar

        grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        out = self._llm._model(prompt=messages_to_chatml(messages), grammar=grammar,  # the llama_cpp.Llama
                               max_tokens=self._settings.max_tokens, temperature=self._settings.temperature,
                               stop=["<|im_end|>", "<|endoftext|>"])
        return out["choices"][0]["text"]


class OllamaChat(_LlamaIndexChat):
    """A model served by a local or remote Ollama."""

    setting_hint = "NAMND_CHAT__BASE_URL (e.g. http://127.0.0.1:11434) and NAMND_CHAT__MODEL_NAME"

    def __init__(self, settings: ChatSettings) -> None:
        try:
            from llama_index.llms.ollama import Ollama
        except ImportError as exc:
            raise LLMBackendError(
                "The ollama backend needs `pip install llama-index-llms-ollama`."
            ) from exc
        super().__init__(
            Ollama(
                model=settings.model_name,
                base_url=settings.base_url or "http://127.0.0.1:11434",
                temperature=settings.temperature,
                context_window=settings.n_ctx,
                request_timeout=120.0,
                additional_kwargs={"num_predict": settings.max_tokens},
            )
        )


class OpenAICompatibleChat(_LlamaIndexChat):
    """Any server speaking the OpenAI chat API (llama_cpp.server, vLLM, LM Studio, OpenAI)."""

    setting_hint = "NAMND_CHAT__BASE_URL (e.g. http://127.0.0.1:8000/v1), NAMND_CHAT__MODEL_NAME, NAMND_CHAT__API_KEY"

    def __init__(self, settings: ChatSettings) -> None:
        try:
            from llama_index.llms.openai_like import OpenAILike
        except ImportError as exc:
            raise LLMBackendError(
                "The openai backend needs `pip install llama-index-llms-openai-like`."
            ) from exc
        if not settings.base_url:
            raise LLMBackendError(
                "The openai backend needs a server URL; set NAMND_CHAT__BASE_URL, "
                "e.g. http://127.0.0.1:8000/v1."
            )
        super().__init__(
            OpenAILike(
                model=settings.model_name,
                api_base=settings.base_url,
                api_key=settings.api_key,
                is_chat_model=True,
                context_window=settings.n_ctx,
                max_tokens=settings.max_tokens,
                temperature=settings.temperature,
                timeout=120.0,
                max_retries=0,
            )
        )

    def _complete_constrained(self, messages: Sequence[Message], schema: dict[str, Any]) -> str:
        response_format = {"type": "json_schema", "json_schema": {"name": "svar", "schema": schema}}
        response = self._llm.chat(_to_llama_index(messages), response_format=response_format)
        return response.message.content or ""


class LocalBatchedLlama:
    """The bundled GGUF in-process with continuous batching (assistant/batched_llama.py): up to
    NAMND_CHAT__N_PARALLEL users are answered at the same time instead of one after another.

    Thread-safe: `concurrent` tells a caller (the web app) it needs no lock of its own.
    """

    setting_hint = "NAMND_CHAT__MODEL_PATH / NAMND_CHAT__N_PARALLEL / NAMND_CHAT__BACKEND"
    concurrent = True

    def __init__(self, settings: ChatSettings) -> None:
        from assistant.batched_llama import BatchedLlama, Sampling

        path = _model_file(settings)
        n_parallel = max(1, getattr(settings, "n_parallel", 4))
        try:
            import llama_cpp.llama_cpp as raw
            from llama_cpp._logger import set_verbose

            set_verbose(False)  # llama.cpp's load and graph logs, as Llama(verbose=False) does
            with without_amx(settings.allow_amx):
                self._engine = BatchedLlama(raw, path, settings.n_ctx, n_parallel, *thread_counts(settings.n_threads))
        except Exception as exc:  # noqa: BLE001
            raise LLMBackendError(
                f"Could not load GGUF model {str(path)!r} with {n_parallel} parallel sequences: {exc!r}; "
                "check NAMND_CHAT__MODEL_PATH, or lower NAMND_CHAT__N_PARALLEL / NAMND_CHAT__N_CTX."
            ) from exc
        self._sampling = Sampling(settings.max_tokens, settings.temperature, top_p=0.9)

    def complete(self, messages: Sequence[Message]) -> str:
        return "".join(self.stream(messages))

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        yield from self._generate(messages, self._sampling)

    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any]) -> dict[str, Any]:
        """The reply as a JSON object of `schema`, sampled under a grammar made from the schema."""
        from llama_cpp.llama_grammar import json_schema_to_gbnf

        from assistant.batched_llama import Sampling

        s = self._sampling
        grammar = json_schema_to_gbnf(json.dumps(schema))
        reply = "".join(self._generate(messages, Sampling(s.max_tokens, s.temperature, s.top_p, grammar=grammar)))
        return parse_json_reply(reply, type(self).__name__)

    def _generate(self, messages: Sequence[Message], sampling: Any) -> Iterator[str]:
        try:
            yield from self._engine.generate(messages_to_chatml(messages), sampling)
        except (ValueError, RuntimeError) as exc:
            raise LLMBackendError(
                f"LLM backend {type(self).__name__} failed: {exc}; check {self.setting_hint}, or answer "
                "without an LLM with --mode extractive (NAMND_CHAT__MODE=extractive)."
            ) from exc


def _model_file(settings: ChatSettings) -> Path:
    if settings.model_path is None:
        raise LLMBackendError("NAMND_CHAT__MODEL_PATH is not set; build settings with load_settings().")
    try:
        return ensure_model(settings.model_path)
    except ModelFilesError as exc:
        raise LLMBackendError(f"{exc} (setting: NAMND_CHAT__MODEL_PATH)") from exc


def parse_json_reply(reply: str, backend: str) -> dict[str, Any]:
    """The first JSON object in a model reply ("```json {...} ```" too); LLMBackendError if there is none."""
    start, end = reply.find("{"), reply.rfind("}")
    try:
        value = json.loads(reply[start:end + 1]) if 0 <= start < end else None
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise LLMBackendError(f"LLM backend {backend} did not answer with a JSON object: {reply[:200]!r}; "
                              "retry, or answer without an LLM with --mode extractive.")
    return value


BACKENDS: dict[str, type[_LlamaIndexChat] | type[LocalBatchedLlama]] = {
    "local": LocalLlamaCpp,
    "local-batched": LocalBatchedLlama,
    "ollama": OllamaChat,
    "openai": OpenAICompatibleChat,
}


def make_chat_model(settings: ChatSettings) -> ChatModel:
    """The backend named by settings.backend, constructed (the local one loads the GGUF)."""
    backend = BACKENDS.get(settings.backend)
    if backend is None:
        raise LLMBackendError(
            f"Unknown LLM backend {settings.backend!r}; set NAMND_CHAT__BACKEND to one of {sorted(BACKENDS)}."
        )
    log.info("Loading LLM backend %r", settings.backend)
    return backend(settings)


def thread_counts(n_threads: int | None) -> tuple[int, int]:
    """(generation, prompt) threads for llama.cpp: NAMND_CHAT__N_THREADS for both, else cores - 1 and cores.

    Generation syncs its threads hundreds of times per token, so one thread that another process preempts
    stalls all: on the 2-core EPYC at load 4-5, 2 generation threads took 0.6-2.4 s/token against 0.3-0.5 s
    for 1 (docs/assistant.md, "Threads"). Prompt evaluation does far more work per sync and keeps every core.
    """
    if n_threads:
        return n_threads, n_threads
    cores = physical_cores()
    return max(1, cores - 1), cores


def physical_cores() -> int:
    """CPU cores this process may run on, counting a core's SMT siblings once (they add no matmul speed)."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    try:
        return count_cores(Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore"), cpus)
    except OSError:
        return max(1, len(cpus))


def count_cores(cpuinfo: str, cpus: Iterable[int]) -> int:
    """Distinct (physical id, core id) of `cpus` in a /proc/cpuinfo text; a CPU it does not list counts as one."""
    core_of: dict[int, tuple[str, str]] = {}
    for block in cpuinfo.split("\n\n"):
        fields = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in block.splitlines())}
        if fields.get("processor", "").isdigit() and "core id" in fields:
            core_of[int(fields["processor"])] = (fields.get("physical id", "0"), fields["core id"])
    return max(1, len({core_of.get(cpu, ("cpu", str(cpu))) for cpu in cpus}))


def cpu_has_amx() -> bool:
    """Whether this (Linux) CPU advertises Intel AMX tiles."""
    try:
        return "amx_int8" in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="ignore")
    except OSError:
        return False


@contextmanager
def without_amx(allow_amx: bool) -> Iterator[None]:
    """Load llama.cpp models without its extra (AMX/repack) weight buffers on AMX CPUs.

    llama.cpp's AMX matmul segfaults on the first decode on some Sapphire Rapids hosts
    (ggml-org/llama.cpp#20824; we hit it with this Q4_K_M model). Llama() has no switch for
    llama_model_params.use_extra_bufts, so we patch the defaults it starts from while loading.
    """
    if allow_amx or not cpu_has_amx():
        yield
        return
    import llama_cpp.llama_cpp as raw

    original = raw.llama_model_default_params

    def defaults() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    with _LOAD_LOCK:
        raw.llama_model_default_params = defaults
        try:
            yield
        finally:
            raw.llama_model_default_params = original


def _to_llama_index(messages: Sequence[Message]) -> list[Any]:
    from llama_index.core.llms import ChatMessage

    return [ChatMessage(role=m.role, content=m.content) for m in messages]
