"""BM25 over chunk text with a Swedish tokenizer (stems, compound parts, one token per diarienummer), updated in place."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

from corpus.metadata import iter_dnr
from corpus.paragraphs import iter_paragraphs, paragraph_token
from corpus.types import Chunk
from index.bm25 import Segment, SegmentSet, read_manifest

log = logging.getLogger(__name__)

TOKENIZER_VERSION = 3  # 2: segmented index (index/bm25.py); 3: definite -an/-et left by Snowball (swedish_stem)
MAX_SEGMENTS = 8  # more, and every segment but the largest is merged into one
MAX_DEAD = 0.25  # a larger share of deleted chunks, and the index is rebuilt from the catalog
MAX_GROWTH = 2.0  # more live chunks than this x those the lexicon came from, and it is rebuilt too
_WORD = re.compile(r"[^\W_]+")
_MIN_PART = 4  # compound parts shorter than this ("ab", "tid") split too eagerly
_STOPWORDS = frozenset(STOPWORDS_SWEDISH) | {"dnr", "diarienummer", "ärende", "ärendet", "paragraf"}


# Snowball's Swedish stemmer leaves two definite endings on: "-an" of first-declension nouns ("taxan", "skolan",
# "frågan" stay whole while "taxa", "taxor" -> "tax") and "-et" after some stems ("protokollet", "boendet"). Both
# are cut from the stem when at least four letters remain, so every inflection of the noun shares one token.
# "plan", "utan", "sedan" keep theirs (too short). Measured (AVX2, onnx-int8; all key facts): six tune parts 218 -> 221
# of 293, six held-out parts 170 -> 172 of 291, fresh dev4+shared4 40 -> 41 of 93 (docs/evaluation.md, Session 10).
_DEFINITE = ("an", "et")
_MIN_STEM = 4


def swedish_stem(stemmer: Stemmer.Stemmer, word: str) -> str:
    """Snowball's stem with a left-over definite ending cut: "timtaxan" -> "timtax" (as "timtaxa")."""
    stem = stemmer.stemWord(word)
    for ending in _DEFINITE:
        if stem.endswith(ending) and len(stem) - len(ending) >= _MIN_STEM:
            return stem[: -len(ending)]
    return stem


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
        return swedish_stem(self._stemmer, word)

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
        if "§" in rest:  # the § pattern tries every position: 1.3 ms a chunk, and ~92% of chunks have no §
            tokens.extend(paragraph_token(p) for ref in iter_paragraphs(rest) for p in ref.paragraphs)
        for word in _WORD.findall(rest.casefold()):
            if len(word) > 1 and word not in _STOPWORDS:
                tokens.extend(self._word_tokens(word))
        return tokens


def stem_counts(texts: Iterable[str]) -> Counter[str]:
    """How often each word stem occurs on its own in `texts` (words of >= 4 letters, no stopwords)."""
    stemmer = Stemmer.Stemmer("swedish")
    words: Counter[str] = Counter()
    for text in texts:
        words.update(_WORD.findall(text.casefold()))
    stems: Counter[str] = Counter()
    for word, n in words.items():
        if len(word) >= _MIN_PART and word.isalpha() and word not in _STOPWORDS:
            stems[swedish_stem(stemmer, word)] += n
    return stems


def lexicon_from_counts(stems: Mapping[str, int], min_count: int = 2) -> set[str]:
    return {stem for stem, n in stems.items() if n >= min_count and len(stem) >= _MIN_PART - 1}


def build_lexicon(texts: Iterable[str], min_count: int = 2) -> set[str]:
    """Stems of words that occur on their own at least `min_count` times; the compound splitter's dictionary."""
    return lexicon_from_counts(stem_counts(texts), min_count)


ChunksOf = Callable[[Sequence[str]], Sequence[Chunk]]  # chunk ids -> those chunks (any order), e.g. Catalog.chunks


class KeywordIndex:
    """BM25 over chunk ids in segments (index/bm25.py); `search` scores every chunk, so filters are an exact mask.

    Positions run over every segment's chunks in order, deleted ones included (they score 0). An
    instance never changes: `changed`, `caught_up` and `compacted` return new ones, so a search running
    in another thread keeps a consistent view. The compound lexicon is fixed at the last full build,
    so every segment and every query is tokenized alike and scores equal a rebuild with that lexicon;
    a rebuild (MAX_DEAD, MAX_GROWTH) takes in the words of the chunks added since.
    """

    def __init__(self, segments: SegmentSet, tokenizer: SwedishTokenizer, generation: int = 0,
                 lexicon_chunks: int = 0) -> None:
        self.segments = segments
        self.generation = generation  # catalog generation this index was built from
        self.tokenizer = tokenizer
        self.lexicon_chunks = lexicon_chunks  # chunks the lexicon was built from
        self.chunk_ids = [cid for segment in segments.segments for cid in segment.chunk_ids]
        dead = np.concatenate(segments.dead) if segments.dead else np.zeros(0, dtype=bool)
        ids = self.chunk_ids
        self._position = {ids[i]: i for i in np.flatnonzero(~dead).tolist()}

    @classmethod
    def build(cls, chunk_ids: Sequence[str], texts: Sequence[str], generation: int = 0,
              lexicon: Iterable[str] | None = None) -> KeywordIndex:
        """A one-segment index from scratch (the lexicon comes from these texts unless given)."""
        tokenizer = SwedishTokenizer(build_lexicon(texts) if lexicon is None else lexicon)
        if not texts:
            return cls(SegmentSet(), tokenizer, generation)
        segment = Segment.build(chunk_ids, (tokenizer.tokenize(t) for t in texts))
        return cls(SegmentSet.of([segment]), tokenizer, generation, len(texts))

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def live_ids(self) -> Collection[str]:
        return self._position.keys()

    def position(self, chunk_id: str) -> int | None:
        return self._position.get(chunk_id)

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Best `n` (chunk_id, BM25 score) with score > 0; `mask` (bool, one per position) restricts them."""
        if not self._position or n <= 0:
            return []
        tokens = self.tokenizer.tokenize(query)
        if not tokens:
            return []
        return self._ranked(self.segments.scores(tokens), n, mask)

    def search_expanded(self, query: str, expansion: Sequence[tuple[str, float]], weight: float, n: int,
                        mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """`search` with weighted expansion tokens (index/expand.py) mixed in, RM3-style.

        score = (1 - weight) * BM25(query) / |query| + weight * sum_t w_t * BM25(t), the weights w_t
        summing to 1: `weight` is the share of the expansion in the query's total mass.
        """
        tokens = self.tokenizer.tokenize(query)
        if not self._position or n <= 0 or not tokens:
            return []
        if not expansion or weight <= 0:
            return self._ranked(self.segments.scores(tokens), n, mask)
        # One weighted pass over the postings: one pass per expansion token cost ~47 ms per expanded search
        # at 797k chunks, the hybrid p95 tail (docs/performance.md).
        share = (1 - weight) / len(tokens)
        weights = [share] * len(tokens) + [weight * w for _, w in expansion]
        scores = self.segments.scores([*tokens, *(t for t, _ in expansion)], weights)
        return self._ranked(scores, n, mask)

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """BM25 idf of each token over the live chunks (tokens no chunk has are left out)."""
        n = self.segments.live_count()
        out: dict[str, float] = {}
        for token in dict.fromkeys(tokens):
            df = sum(int(d[s.lookup[token]]) for s, d in zip(self.segments.segments, self.segments.df)
                     if token in s.lookup)
            if df:
                out[token] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
        return out

    def _ranked(self, scores: np.ndarray, n: int, mask: np.ndarray | None) -> list[tuple[str, float]]:
        # Only positive scores are ever returned, so select among those (a query's tokens reach a small share of
        # 1M chunks): 13.3 -> 11.3 CPU-ms per query at 1.06M chunks (docs/performance.md), same output.
        candidates = np.flatnonzero(scores > 0)
        if mask is not None:
            candidates = candidates[mask[candidates]]
        if len(candidates) > n:
            values = scores[candidates]
            kth = np.partition(values, len(values) - n)[len(values) - n]
            # Every chunk tied with the n-th score competes, so ties are cut by id, not by where
            # the partition happened to leave them (texts repeated across meetings tie exactly).
            candidates = candidates[values >= kth]
        # Sort by score, then by id, so equal scores come out in the same order every time.
        ranked = sorted(((float(scores[i]), self.chunk_ids[i]) for i in candidates), key=lambda sc: (-sc[0], sc[1]))
        return [(cid, score) for score, cid in ranked[:n]]

    # --- updates ------------------------------------------------------------------------------

    def changed(self, removed: Iterable[str], chunk_ids: Sequence[str], texts: Sequence[str],
                generation: int) -> KeywordIndex:
        """Tombstones for `removed` (and for re-added ids), one new segment for the given chunks."""
        gone = [p for cid in (*removed, *chunk_ids) if (p := self._position.get(cid)) is not None]
        segments = self.segments.without(gone)
        if chunk_ids:
            segments = segments.with_segment(Segment.build(chunk_ids, (self.tokenizer.tokenize(t) for t in texts)))
        return KeywordIndex(segments, self.tokenizer, generation, self.lexicon_chunks)

    def caught_up(self, live: Collection[str], chunks_of: ChunksOf, generation: int,
                  rebuild: bool = True) -> KeywordIndex:
        """This index brought to the chunk ids `live`: gone ones dead, missing ones added as a segment.

        Args:
            chunks_of: fetches the chunks of missing ids (Catalog.chunks, or a searcher's table).
            rebuild: allow a full rebuild when too many chunks are dead (off where a search waits).
        """
        have = self._position.keys()
        removed = [cid for cid in have if cid not in live]
        added = list(chunks_of(sorted(cid for cid in live if cid not in have)))
        index = self.changed(removed, [c.chunk_id for c in added], [keyword_text(c) for c in added], generation)
        return index.compacted(chunks_of, rebuild)

    def compacted(self, chunks_of: ChunksOf, rebuild: bool = True) -> KeywordIndex:
        """Merge small segments past MAX_SEGMENTS; rebuild from scratch past MAX_DEAD or MAX_GROWTH."""
        live = sorted(self._position)
        grown = len(live) > MAX_GROWTH * self.lexicon_chunks
        if rebuild and (self.segments.dead_fraction() > MAX_DEAD or grown):
            log.info("keyword index: %.0f%% of %d chunks deleted, lexicon from %d chunks; rebuilding",
                     100 * self.segments.dead_fraction(), len(self), self.lexicon_chunks)
            chunks = chunks_of(live)
            return KeywordIndex.build([c.chunk_id for c in chunks], [keyword_text(c) for c in chunks],
                                      self.generation)
        if len(self.segments.segments) <= MAX_SEGMENTS:
            return self
        sizes = [len(s) for s in self.segments.segments]
        big = sizes.index(max(sizes))
        keep = set(self.segments.segments[big].chunk_ids)
        small = [cid for cid in live if cid not in keep]
        base = KeywordIndex(SegmentSet.of([self.segments.segments[big]], [self.segments.dead[big]]),
                            self.tokenizer, self.generation, self.lexicon_chunks)
        chunks = chunks_of(small)
        return base.changed([], [c.chunk_id for c in chunks], [keyword_text(c) for c in chunks], self.generation)

    # --- disk ---------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """New segment files, then an atomic manifest with the generation (index/bm25.py)."""
        self.segments.save(Path(directory), {"version": TOKENIZER_VERSION, "generation": self.generation,
                                             "lexicon_chunks": self.lexicon_chunks,
                                             "lexicon": sorted(self.tokenizer.lexicon)})

    @staticmethod
    def saved_generation(directory: Path) -> int | None:
        """Generation of the saved index without loading it (an unchanged re-ingest checks only this)."""
        manifest = read_manifest(Path(directory))
        if manifest is None or manifest.get("version") != TOKENIZER_VERSION:
            return None
        return int(manifest.get("generation", 0))

    @classmethod
    def load(cls, directory: Path, reuse: KeywordIndex | None = None) -> KeywordIndex | None:
        """The saved index, or None when missing, partial or of another format; `reuse`'s segments are not re-read."""
        manifest = read_manifest(Path(directory))
        if manifest is None or manifest.get("version") != TOKENIZER_VERSION:
            return None
        loaded = SegmentSet.load(Path(directory), reuse.segments if reuse is not None else None)
        if loaded is None:
            return None
        segments, manifest = loaded
        lexicon = frozenset(manifest.get("lexicon", ()))
        tokenizer = reuse.tokenizer if reuse is not None and reuse.tokenizer.lexicon == lexicon else \
            SwedishTokenizer(lexicon)
        return cls(segments, tokenizer, int(manifest.get("generation", 0)), int(manifest.get("lexicon_chunks", 0)))

    @classmethod
    def sync(cls, directory: Path, generation: int, live: Collection[str], chunks_of: ChunksOf) -> KeywordIndex:
        """Bring the saved index at `directory` to the catalog's chunk ids `live` and save it.

        A missing or unreadable index is built from scratch. Validity is the catalog generation in the
        manifest, written last, so a crash before it leaves the old index, which the next run catches up.
        """
        saved = cls.load(directory)
        if saved is None:
            chunks = chunks_of(sorted(live))
            index = cls.build([c.chunk_id for c in chunks], [keyword_text(c) for c in chunks], generation)
        else:
            index = saved.caught_up(live, chunks_of, generation)
        index.save(directory)
        return index
