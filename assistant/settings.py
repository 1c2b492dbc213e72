"""ChatSettings and the root Settings object composing every section (env prefix NAMND_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.settings import CorpusSettings
from index.settings import IndexSettings


class ChatSettings(BaseModel):
    """Answering options: mode, LLM backend and generation limits."""

    model_config = ConfigDict(frozen=True)

    mode: str = Field(
        "extractive",
        description="'extractive' (verbatim quotes, the default) or 'llm' (the same quotes led by a short model "
                    "answer verified claim by claim against them; same key facts on held-out questions, seconds "
                    "slower on a 2-core CPU, docs/evaluation.md).")
    backend: str = Field("local", description="'local' (bundled GGUF), 'ollama' or 'openai'.")
    model_path: Path | None = Field(
        None, description="GGUF file for the local backend; default <data_dir>/models/qwen2.5-coder-1.5b-q4_k_m.gguf."
    )
    model_name: str = Field("qwen2.5-coder:1.5b", description="Model name for the ollama/openai backends.")
    base_url: str | None = Field(None, description="URL of the ollama or OpenAI-compatible server.")
    api_key: str = Field("none", description="API key for an OpenAI-compatible server.")
    # 4 -> 6: six tune parts all key facts +3, answerable refused -1, no loss (8: the same); six held-out parts
    # answerable refused 34 -> 32 of 291, key facts and unanswerable refused unchanged (docs/evaluation.md,
    # "Session 7 figures"). The sentences of hits 5-6 lose 0.6-0.75 (extractive.RANK_DECAY).
    context_chunks: int = Field(
        6, description="Retrieved chunks kept as sources; the extractive mode quotes from them and the LLM mode "
        "sees only the sentences quoted."
    )
    n_ctx: int = Field(4096, description="LLM context window in tokens.")
    n_threads: int | None = Field(
        None, description="CPU threads for llama.cpp generation and prompt; None = physical cores - 1 for "
        "generation (one preempted thread stalls the others: 2 threads were 2-6x slower than 1 on the 2-core host "
        "at load 4-5) and all physical cores for the prompt.")
    n_parallel: int = Field(
        4, description="backend 'local-batched': questions answered at the same time by one llama.cpp context "
        "(continuous batching; the KV cache holds n_ctx x n_parallel tokens, ~28 KB each)."
    )
    max_tokens: int = Field(
        220, description="Most tokens the backend generates per call (follow-up condensing, JSON replies).")
    summary_max_tokens: int = Field(
        100, description="Most tokens of an LLM-mode summary, cut at the last full sentence (one or two "
        "sentences; on dev_tune 23-86 tokens, one copied 119-token sentence).")
    temperature: float = Field(0.1, description="Sampling temperature; low keeps answers close to sources.")
    max_question_chars: int = Field(1000, description="Longer questions are truncated with a notice.")
    extractive_sentences: int = Field(3, description="Sentences quoted by the extractive mode.")
    # Six tune parts: all key facts 215 -> 217/293, answerable refused 18 -> 17 (0.1: 215; 0.5: 205); six held-out
    # parts, run once for this choice: 164 -> 169/291, answerable refused 32 -> 29, unanswerable refused 46/61 =
    # (docs/evaluation.md, Session 8). Cost: extractive p50 0.05 -> 0.11 s per answer (2-core EPYC, onnx-int8).
    semantic_weight: float = Field(
        0.2, ge=0.0, description="Weight of the encoder's similarity of each candidate sentence to the question, "
        "scaled 0..1 within the question, beside the lexical score (assistant/semantic.py); 0 turns it off.")
    # Off by default: six tune parts all key facts +3, answerable refused -2, unanswerable refused = ; but six
    # held-out parts all key facts 163 -> 166, answerable refused 32 -> 29, unanswerable refused 45 -> 41 of 61
    # (docs/evaluation.md, Session 7): more answers, and more unanswerable questions answered.
    rank_by_scope: bool = Field(
        False, description="A question naming a year searches 16 hits and puts chunks about that year first, and "
        "one naming a single nämnd puts that nämnd's first (assistant/year_scope.py); docs/evaluation.md Session 7.")
    fallback_to_extractive: bool = Field(
        True, description="When the LLM backend fails, answer extractively with a notice instead of raising."
    )
    condense_with_llm: bool = Field(
        False, description="Let the LLM rewrite follow-ups the rules cannot (slower; rules always run first)."
    )
    allow_amx: bool = Field(
        False, description="Let llama.cpp use Intel AMX weight buffers; off because its AMX matmul "
        "segfaults on some hosts (llama.cpp#20824). Other CPUs are unaffected."
    )
    min_relevance: float = Field(
        0.79, description="Refuse when the best dense cosine similarity is below this (calibrated, docs/assistant.md)."
    )
    min_term_coverage: float = Field(
        0.10, description="Refuse when no retrieved chunk holds this share of the question's content words "
        "(calibrated, docs/assistant.md)."
    )
    max_missing_topic_share: float = Field(
        0.75, description="Refuse when at least this share of the question's topic words (3 or more) occurs in "
        "no retrieved chunk, e.g. 'bygget', 'äldreboendet' (calibrated, docs/assistant.md)."
    )


class UISettings(BaseModel):
    """Web app options."""

    model_config = ConfigDict(frozen=True)

    host: str = Field("127.0.0.1", description="Address the web app binds to.")
    port: int = Field(7860, description="Port of the web app.")
    username: str | None = Field(None, description="Login name; required when host is not loopback.")
    password: str | None = Field(None, description="Login password; required when host is not loopback.")


class Settings(BaseSettings):
    """Every setting of the app; e.g. NAMND_INDEX__TOP_K=8 or NAMND_DATA_DIR=/srv/namnd."""

    model_config = SettingsConfigDict(env_prefix="NAMND_", env_nested_delimiter="__", frozen=True)

    data_dir: Path = Field(Path(".namnd"), description="Everything the app writes lives here.")
    chroma_url: str | None = Field(None, description="Shortcut for index.chroma_url (NAMND_CHROMA_URL).")
    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    chat: ChatSettings = Field(default_factory=ChatSettings)
    ui: UISettings = Field(default_factory=UISettings)

    @model_validator(mode="after")
    def _derive_paths(self) -> Settings:
        # Paths left unset follow data_dir, so NAMND_DATA_DIR moves everything at once.
        index = self.index
        if index.path is None:
            index = index.model_copy(update={"path": self.data_dir / "index"})
        if self.chroma_url and not index.chroma_url:
            index = index.model_copy(update={"chroma_url": self.chroma_url})
        chat = self.chat
        if chat.model_path is None:
            chat = chat.model_copy(update={"model_path": self.data_dir / "models" / "qwen2.5-coder-1.5b-q4_k_m.gguf"})
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "chat", chat)
        return self

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (NAMND_*), with keyword overrides on top."""
    return Settings(**overrides)
