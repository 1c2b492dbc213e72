"""BM25 over chunk text with a Swedish tokenizer (stems, compound parts, one token per diarienummer)."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

from corpus.metadata import iter_dnr
from corpus.types import Chunk

log = logging.getLogger(__name__)

TOKENIZER_VERSION = 1
_WORD = re.compile(r"[^\W_]+")
_PARAGRAPH = re.compile(r"§\s?(\d{1,4})\b")
_MIN_PART = 4  # compound parts shorter than this ("ab", "tid") split too eagerly
_STOPWORDS = frozenset(STOPWORDS_SWEDISH) | {"dnr", "diarienummer", "ärende", "ärendet", "paragraf"}


def dnr_token(canonical: str) -> str:
    """The single BM25 token of a diarienummer: "SN/2023:144" -> "dnr:sn/2023:144"."""
    return "dnr:" + canonical.casefold()


def keyword_text(chunk: Chunk) -> str:
    """What BM25 sees: title, section, the case's diarienummer and the text.

    The item's own dnr are added so a dnr query finds every chunk of the ärende, not only the
    chunk whose text happens to repeat the number.
    """
    head = " ".join(filter(None, [chunk.item_title, chunk.section, chunk.paragraph]))
    return "\n".join([head, " ".join(chunk.diarienummer), chunk.text])


class SwedishTokenizer:
    """lowercase -> dnr/§ tokens -> words -> stopwords out -> Snowball stems + compound parts.

    Compounds are split against a lexicon of stems seen as words of their own in the corpus:
    "familjehemsplaceringar" -> familjehemsplacering, familjehem, placering (the linking -s- is
    dropped), so a query for "placeringar" also finds the compound.
    """

    def __init__(self, lexicon: Iterable[str] = ()) -> None:
        self._stemmer = Stemmer.Stemmer("swedish")
        self.lexicon = frozenset(lexicon)
        self._cache: dict[str, tuple[str, ...]] = {}

    def stem(self, word: str) -> str:
        return self._stemmer.stemWord(word)

    def _parts(self, word: str, depth: int = 0) -> tuple[str, ...]:
        """Stems of the compound parts of `word` (empty if it does not split into known words)."""
        # Longer than 40 letters is glued text or OCR junk, not a compound; splitting it costs O(n³).
        if depth > 2 or not 2 * _MIN_PART <= len(word) <= 40 or not word.isalpha():
            return ()
        # Longest head first: "socialnämnden" -> social + nämnd, not socialnä + mnden.
        for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
            head_stem = self.stem(word[cut:])
            if head_stem not in self.lexicon:
                continue
            for left in (word[:cut], word[:cut - 1] if word[cut - 1] == "s" else None):
                if not left or len(left) < _MIN_PART:
                    continue
                if self.stem(left) in self.lexicon:
                    return (self.stem(left), head_stem, *self._parts(left, depth + 1))
                inner = self._parts(left, depth + 1)  # "internkontroll" + "plan"
                if inner:
                    return (*inner, head_stem)
            # Swedish compounds are right-headed: an unknown modifier still yields its head,
            # "familjehemsplaceringar" -> placering; long parts only, so "samarbete" stays whole.
            if cut >= 5 and len(head_stem) >= 5:
                return (head_stem,)
        return ()

    def _word_tokens(self, word: str) -> tuple[str, ...]:
        cached = self._cache.get(word)
        if cached is None:
            cached = (self.stem(word), *self._parts(word)) if self.lexicon else (self.stem(word),)
            if len(self._cache) < 500_000:
                self._cache[word] = cached
        return cached

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        pieces: list[str] = []
        last = 0
        for match in iter_dnr(text):  # every written form of a dnr becomes one canonical token
            if match.start < last:
                continue
            tokens.append(dnr_token(match.canonical))
            pieces.append(text[last:match.start])
            last = match.end
        pieces.append(text[last:])
        rest = " ".join(pieces)
        tokens.extend(f"§{m.group(1)}" for m in _PARAGRAPH.finditer(rest))
        for word in _WORD.findall(rest.casefold()):
            if len(word) > 1 and word not in _STOPWORDS:
                tokens.extend(self._word_tokens(word))
        return tokens


def build_lexicon(texts: Iterable[str], min_count: int = 2) -> set[str]:
    """Stems of words that occur on their own at least `min_count` times; the compound splitter's dictionary."""
    stemmer = Stemmer.Stemmer("swedish")
    words: Counter[str] = Counter()
    for text in texts:
        words.update(_WORD.findall(text.casefold()))
    stems: Counter[str] = Counter()
    for word, n in words.items():
        if len(word) >= _MIN_PART and word.isalpha() and word not in _STOPWORDS:
            stems[stemmer.stemWord(word)] += n
    return {stem for stem, n in stems.items() if n >= min_count and len(stem) >= _MIN_PART - 1}


class KeywordIndex:
    """bm25s index over chunk ids; `search` scores every chunk, so filters are an exact mask."""

    def __init__(self, chunk_ids: Sequence[str], tokenizer: SwedishTokenizer, bm25: bm25s.BM25 | None,
                 generation: int = 0) -> None:
        self.chunk_ids = list(chunk_ids)
        self.generation = generation  # catalog generation this index was built from
        self.tokenizer = tokenizer
        self._bm25 = bm25
        self._position = {cid: i for i, cid in enumerate(self.chunk_ids)}

    @classmethod
    def build(cls, chunk_ids: Sequence[str], texts: Sequence[str], generation: int = 0) -> KeywordIndex:
        tokenizer = SwedishTokenizer(build_lexicon(texts))
        if not texts:
            return cls([], tokenizer, None, generation)
        bm25 = bm25s.BM25()
        corpus_tokens = [tokenizer.tokenize(t) or [""] for t in texts]
        bm25.index(corpus_tokens, show_progress=False)
        return cls(chunk_ids, tokenizer, bm25, generation)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def position(self, chunk_id: str) -> int | None:
        return self._position.get(chunk_id)

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Best `n` (chunk_id, BM25 score) with score > 0; `mask` (bool, one per chunk_ids) restricts them."""
        if self._bm25 is None or n <= 0:
            return []
        token_ids = self._bm25.get_tokens_ids(self.tokenizer.tokenize(query))
        if not token_ids:
            return []
        scores = self._bm25.get_scores_from_ids(token_ids)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        if len(scores) > n:
            top = np.argpartition(-scores, n - 1)[:n]
        else:
            top = np.arange(len(scores))
        # Sort by score, then by id, so equal scores come out in the same order every time.
        ranked = sorted(((float(scores[i]), self.chunk_ids[i]) for i in top if scores[i] > 0),
                        key=lambda sc: (-sc[0], sc[1]))
        return [(cid, score) for score, cid in ranked]

    def save(self, directory: Path) -> None:
        """Write atomically: build in a temp dir, then rename into place."""
        directory = Path(directory)
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"), show_progress=False)
        meta = {"version": TOKENIZER_VERSION, "generation": self.generation, "chunk_ids": self.chunk_ids,
                "lexicon": sorted(self.tokenizer.lexicon)}
        (tmp / "keyword.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        (tmp / "generation").write_text(str(self.generation), encoding="utf-8")
        shutil.rmtree(directory, ignore_errors=True)
        os.replace(tmp, directory)

    @staticmethod
    def saved_generation(directory: Path) -> int | None:
        """Generation of the saved index without loading it (an unchanged re-ingest checks only this)."""
        try:
            return int((Path(directory) / "generation").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The saved index, or None when it is missing, partial or from another tokenizer version."""
        directory = Path(directory)
        try:
            meta = json.loads((directory / "keyword.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("version") != TOKENIZER_VERSION:
            return None
        tokenizer = SwedishTokenizer(meta["lexicon"])
        bm25 = None
        if meta["chunk_ids"]:
            try:
                bm25 = bm25s.BM25.load(str(directory / "bm25"), mmap=False, show_progress=False)
            except (OSError, ValueError) as exc:
                log.warning("BM25 index at %s unreadable (%s); it will be rebuilt", directory, exc)
                return None
        return cls(meta["chunk_ids"], tokenizer, bm25, int(meta.get("generation", 0)))
