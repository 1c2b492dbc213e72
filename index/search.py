"""Searcher: hybrid (dense + BM25, RRF) search with exact diarienummer/§ routing, filters and case views."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from corpus.metadata import find_diarienummer, iter_dnr, normalize_dnr
from corpus.paragraphs import DECISION_SECTIONS, SECTION_ORDER, SUMMARY_SECTIONS, iter_paragraphs, normalize_paragraph
from corpus.types import Chunk
from index.cases import case_steps
from index.catalog import Catalog
from index.embed import Embedder, make_embedder
from index.errors import IndexNotBuiltError
from index.exact_dense import DenseMatrix
from index.expand import WeightedTerms, coverage, feedback_terms, rocchio
from index.fusion import reciprocal_rank_fusion
from index.keyword import KeywordIndex, keyword_text
from index.settings import IndexSettings
from index.types import CaseStep, DocumentInfo, Hit, SearchFilters
from index.vector_store import VectorStore, WindowStore, date_key
from index.windows import WINDOW_FORMAT

log = logging.getLogger(__name__)

METHODS = ("hybrid", "dense", "keyword")


# A series, a year and a number in any case and separator, looked up only among the archive's own numbers.
_LOOSE_DNR = re.compile(r"(?<![\w/])([A-Za-zÅÄÖåäö]{2,5})[ /.-]?((?:19|20)\d\d)(?::|/|-(?=\d{3}))0*(\d{1,6})(?![\d:-])")


def _loose_key(match: re.Match[str]) -> str:
    return f"~{match.group(1).casefold()}/{match.group(2)}:{int(match.group(3))}"


def loose_dnr_keys(canonical: str) -> tuple[str, ...]:
    """Case-folded lookup keys of a canonical dnr: "KS KF/2023:324" -> ("~ks kf/2023:324", "~kf/2023:324").

    A compound series ("KS KF") is also found by its last part, as users write "KF 2023:324".
    """
    series, _, rest = canonical.partition("/")
    keys = [f"~{series.casefold()}/{rest}"]
    if " " in series:
        keys.append(f"~{series.split()[-1].casefold()}/{rest}")
    return tuple(keys)


@dataclass(slots=True)
class _Table:
    """The in-memory chunk table of one catalog generation, with arrays for fast filtering."""

    generation: int
    chunks: list[Chunk]
    by_id: dict[str, int]
    by_dnr: dict[str, list[int]]
    by_paragraph: dict[str, list[int]]
    dates: np.ndarray
    kommun: np.ndarray
    committee: np.ndarray
    doc_type: np.ndarray
    # The BM25 index answering for this table and, per table row, its position there (-1: absent).
    # Kept on the table so a search running during a reload never mixes two generations.
    keyword: KeywordIndex | None = None
    keyword_rows: np.ndarray | None = None
    # Every chunk vector, for exact dense ranking (None: the table is larger than exact_dense_max; HNSW ranks).
    dense: DenseMatrix | None = None

    @classmethod
    def build(cls, generation: int, chunks: list[Chunk]) -> _Table:
        by_dnr: dict[str, list[int]] = {}
        by_paragraph: dict[str, list[int]] = {}
        for i, chunk in enumerate(chunks):
            for dnr in chunk.diarienummer:
                by_dnr.setdefault(dnr, []).append(i)
                for key in loose_dnr_keys(dnr):
                    by_dnr.setdefault(key, []).append(i)
            if chunk.paragraph:
                by_paragraph.setdefault(normalize_paragraph(chunk.paragraph) or chunk.paragraph, []).append(i)

        def folded(values: Iterable[str | None]) -> np.ndarray:
            return np.array([(v or "").casefold() for v in values], dtype=object)

        return cls(
            generation, chunks, {c.chunk_id: i for i, c in enumerate(chunks)}, by_dnr, by_paragraph,
            np.array([date_key(c.meeting.date) for c in chunks], dtype=np.int64),
            folded(c.meeting.kommun for c in chunks), folded(c.meeting.committee for c in chunks),
            np.array([c.meeting.doc_type for c in chunks], dtype=object),
        )

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        """Boolean row mask for the filters; None when nothing is filtered."""
        if filters is None or filters.is_empty():
            return None
        mask = np.ones(len(self.chunks), dtype=bool)
        if filters.kommun:
            mask &= self.kommun == filters.kommun.casefold()
        if filters.committee:
            mask &= self.committee == filters.committee.casefold()
        if filters.doc_type:
            mask &= self.doc_type == filters.doc_type
        if filters.date_from:
            mask &= self.dates >= date_key(filters.date_from)
        if filters.date_to:
            mask &= self.dates <= date_key(filters.date_to)
        if filters.diarienummer:
            rows = np.zeros(len(self.chunks), dtype=bool)
            rows[self.by_dnr.get(filters.diarienummer, [])] = True
            mask &= rows
        if filters.decision_state:  # "beslut" | "förslag" (corpus/decision_state.py)
            mask &= np.array([c.decision_state == filters.decision_state for c in self.chunks], dtype=bool)
        return mask


def canonical_filters(filters: SearchFilters | None) -> SearchFilters | None:
    """Filters with the diarienummer in canonical form ("sn 2023:00144" -> "SN/2023:144")."""
    if filters is None or not filters.diarienummer:
        return filters
    canonical = normalize_dnr(filters.diarienummer) or filters.diarienummer.strip().upper()
    return replace(filters, diarienummer=canonical)


class Searcher:
    """Answers searches from the catalog's current generation; picks up other processes' ingests."""

    def __init__(self, settings: IndexSettings, embedder: Embedder, store: VectorStore, catalog: Catalog) -> None:
        self.settings = settings
        self.embedder = embedder
        self._store = store
        self._catalog = catalog
        self._lock = threading.Lock()
        self._table: _Table | None = None
        self._windows = WindowStore(settings, embedder.name) if settings.sentence_windows else None
        self._warned = False  # the missing-windows warning is logged once per searcher

    @classmethod
    def from_settings(cls, settings: IndexSettings, embedder: Embedder | None = None) -> Searcher:
        """Open the index at settings.path (and settings.chroma_url); raises IndexNotBuiltError if absent."""
        if settings.path is None or not (Path(settings.path) / "catalog.sqlite3").exists():
            raise IndexNotBuiltError(
                f"No index at {str(settings.path)!r}; run `namnd ingest` to index the bundled corpus.")
        embedder = embedder or make_embedder(settings)
        catalog = Catalog(Path(settings.path))
        built_with = catalog.get_meta("embedder")
        if built_with not in (None, embedder.name):
            raise IndexNotBuiltError(
                f"The index at {str(settings.path)!r} was built with {built_with!r}, not {embedder.name!r}; "
                "run `namnd ingest` again with the current embedding settings.")
        return cls(settings, embedder, VectorStore(settings, embedder.name), catalog)

    # --- keeping up with ingests ------------------------------------------------------------

    def refresh(self) -> _Table:
        """Reload chunks and BM25 when the catalog generation moved (another process ingested)."""
        generation = self._catalog.generation()
        table = self._table
        if table is not None and table.generation == generation:
            return table
        with self._lock:
            if self._table is not None and self._table.generation == generation:
                return self._table
            if self._table is not None:
                self._store.reopen()  # another process may have written vectors since
                if self._windows is not None:
                    self._windows.reopen()
            table = _Table.build(generation, self._catalog.chunks())
            self._load_keyword(table)
            if len(table.chunks) <= self.settings.exact_dense_max:
                table.dense = DenseMatrix.read([c.chunk_id for c in table.chunks], self._store.vectors)
            self._table = table
            log.info("loaded index generation %d (%d chunks)", generation, len(table.chunks))
            return table

    def _load_keyword(self, table: _Table) -> None:
        previous = self._table.keyword if self._table is not None else None
        # Segments already in memory are not read again (index/bm25.py: segment files never change).
        saved = KeywordIndex.load(Path(self.settings.path) / "keyword", reuse=previous)  # type: ignore[arg-type]
        if saved is not None and saved.generation == table.generation:
            keyword = saved
        elif saved is not None or previous is not None:
            # An ingest is running (or was killed): catch the newest BM25 we have up with this table in
            # memory, tokenizing only the chunks it lacks; the ingest saves the same at its end.
            base = max((k for k in (saved, previous) if k is not None), key=lambda k: k.generation)
            keyword = base.caught_up(table.by_id.keys(), lambda ids: [table.chunks[table.by_id[i]] for i in ids],
                                     table.generation, rebuild=False)
        else:
            log.info("BM25 index not saved for generation %d; building it in memory", table.generation)
            keyword = KeywordIndex.build([c.chunk_id for c in table.chunks],
                                         [keyword_text(c) for c in table.chunks], table.generation)
        positions = [keyword.position(c.chunk_id) for c in table.chunks]
        table.keyword = keyword
        table.keyword_rows = np.array([-1 if p is None else p for p in positions], dtype=np.int64)

    # --- search -------------------------------------------------------------------------------

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               method: str = "hybrid") -> list[Hit]:
        """Top-k chunks for a query, best first, one per duplicated decision text."""
        if method not in METHODS:
            raise ValueError(f"Unknown search method {method!r}; use one of {METHODS}.")
        k = k or self.settings.top_k
        table = self.refresh()
        filters = canonical_filters(filters)
        mask = table.mask(filters)
        query_vector = self.embedder.embed_query(query) if method != "keyword" else None
        dense = self._dense(table, query_vector, self.settings.candidates, filters) if query_vector else []
        keyword = self._bm25(table, query, self.settings.candidates, mask) if method != "dense" else []
        similarities = dict(dense)
        if query_vector and self.settings.sentence_windows:
            dense = self._windowed(table, query_vector, self.settings.candidates, filters, dense)
        if method == "dense":
            ranked = [(cid, sim, "dense") for cid, sim in dense]
        elif method == "keyword":
            ranked = [(cid, score, "keyword") for cid, score in keyword]
        else:
            fused = self._fuse(table, dense, keyword, query)
            if self.settings.prf_docs > 0 and query_vector is not None:
                first = (dense, keyword)
                dense, keyword = self._feedback(table, query, query_vector, fused, filters, mask, dense, keyword)
                fused = self._fuse(table, dense, keyword, query, first)
            exact = self._exact(table, query, mask, fused)
            exact_ids = {cid for cid, _ in exact}
            ranked = [(cid, score, "exact") for cid, score in exact]
            ranked += [(cid, score, "fused") for cid, score in fused if cid not in exact_ids]
        hits = self._collapse(table, ranked, k)
        if query_vector is not None:
            self._fill_similarity(hits, similarities, query_vector)
        return [Hit(table.chunks[table.by_id[cid]], score, source, rank, similarities.get(cid))
                for rank, (cid, score, source) in enumerate(hits, start=1)]

    def _fuse(self, table: _Table, dense: Sequence[tuple[str, float]], keyword: Sequence[tuple[str, float]],
              query: str, first: tuple[Sequence[tuple[str, float]], Sequence[tuple[str, float]]] | None = None
              ) -> list[tuple[str, float]]:
        """RRF of the dense and BM25 lists (and, after feedback, the first pass's lists at prf_first_pass_weight)."""
        lists = [[c for c, _ in dense], [c for c, _ in keyword]]
        weights = [1.0, self.settings.keyword_weight]
        if first is not None and self.settings.prf_first_pass_weight > 0:
            lists += [[c for c, _ in first[0]], [c for c, _ in first[1]]]
            weights += [self.settings.prf_first_pass_weight * w for w in weights]
        fused = reciprocal_rank_fusion(lists, self.settings.rrf_k, weights=weights)
        return self._boost_titles(table, self._boost_summaries(table, fused), query)

    def _boost_titles(self, table: _Table, fused: list[tuple[str, float]], query: str) -> list[tuple[str, float]]:
        """Raise chunks whose ärende title/section holds the query's words, by settings.title_boost."""
        boost = self.settings.title_boost
        index = table.keyword
        if not boost or index is None or not fused:
            return fused
        idf = index.idf(index.tokenizer.tokenize(query))
        total = sum(idf.values())
        if not total:
            return fused
        boosted = []
        for cid, score in fused:
            chunk = table.chunks[table.by_id[cid]]
            title = set(index.tokenizer.tokenize(" ".join(filter(None, [chunk.item_title, chunk.section]))))
            boosted.append((cid, score * (1 + boost * sum(w for t, w in idf.items() if t in title) / total)))
        return sorted(boosted, key=lambda cs: -cs[1])

    def _feedback(self, table: _Table, query: str, vector: list[float], fused: Sequence[tuple[str, float]],
                  filters: SearchFilters | None, mask: np.ndarray | None, dense: list[tuple[str, float]],
                  keyword: list[tuple[str, float]]) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """Second-pass dense and BM25 lists from the first pass's top chunks (index/expand.py)."""
        s = self.settings
        ids: list[str] = []
        for cid, _ in fused:  # one chunk per repeated text, as the hits will show them
            chunk = table.chunks[table.by_id[cid]]
            group = chunk.duplicate_of if chunk.duplicate_of in table.by_id else cid
            if group not in ids:
                ids.append(group)
            if len(ids) == s.prf_docs:
                break
        if not ids:
            return dense, keyword
        index = table.keyword
        assert index is not None
        documents = [index.tokenizer.tokenize(keyword_text(table.chunks[table.by_id[c]])) for c in ids]
        query_tokens = index.tokenizer.tokenize(query)
        if s.prf_max_coverage < 1.0 and coverage(query_tokens, documents, index.idf(query_tokens)) > s.prf_max_coverage:
            return dense, keyword  # the first pass already holds the query's words: feedback would only drift
        if s.prf_terms > 0 and s.prf_weight > 0:
            candidates = {t for tokens in documents for t in tokens}
            terms = feedback_terms(query_tokens, documents, index.idf(candidates), s.prf_terms)
            keyword = self._bm25(table, query, s.candidates, mask, terms, s.prf_weight)
        if s.rocchio_alpha > 0:
            vectors = self._store.vectors(ids)
            moved = rocchio(vector, [vectors[c] for c in ids if c in vectors], s.rocchio_alpha)
            dense = self._dense(table, moved, s.candidates, filters)
            if s.sentence_windows:
                dense = self._windowed(table, moved, s.candidates, filters, dense)
        return dense, keyword

    def _dense(self, table: _Table, vector: list[float], n: int,
               filters: SearchFilters | None) -> list[tuple[str, float]]:
        if table.dense is not None:  # exact and deterministic (index/exact_dense.py)
            return table.dense.top(vector, n, table.mask(filters))
        # Vectors not in the catalog belong to an unfinished ingest: skip them.
        return [(cid, sim) for cid, sim in self._store.query(vector, n, filters) if cid in table.by_id]

    def _windowed(self, table: _Table, vector: list[float], n: int, filters: SearchFilters | None,
                  chunk_dense: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Dense ranking of chunks by their best sentence window (max-sim), fused with the whole-chunk list.

        Falls back to the chunk list while the index has no complete windows (built with the flag off).
        """
        if self._windows is None or self._catalog.get_meta("windows") != str(WINDOW_FORMAT):
            if self._windows is not None and not self._warned:
                self._warned = True
                log.warning("sentence_windows is on but the index at %s has no complete windows; ranking by "
                            "whole chunks until `namnd ingest` runs with the flag on", self.settings.path)
            return chunk_dense
        # ~5 windows per chunk and neighbours overlap: 4 windows per wanted chunk leaves ~n parents.
        parents = [(cid, sim) for cid, sim in self._windows.query_parents(vector, 4 * n, filters)
                   if cid in table.by_id][:n]
        weight = self.settings.window_chunk_weight
        if weight <= 0:
            return parents
        fused = reciprocal_rank_fusion([[c for c, _ in parents], [c for c, _ in chunk_dense]], self.settings.rrf_k,
                                       weights=(1.0, weight))
        return fused[:n]

    @staticmethod
    def _bm25(table: _Table, query: str, n: int, mask: np.ndarray | None, expansion: WeightedTerms = (),
              weight: float = 0.0) -> list[tuple[str, float]]:
        keyword, rows_of = table.keyword, table.keyword_rows
        assert keyword is not None and rows_of is not None
        keyword_mask = None
        if mask is not None:
            keyword_mask = np.zeros(len(keyword), dtype=bool)
            rows = rows_of[mask]
            keyword_mask[rows[rows >= 0]] = True
        found = keyword.search_expanded(query, expansion, weight, n, keyword_mask) if expansion else \
            keyword.search(query, n, keyword_mask)
        return [(cid, s) for cid, s in found if cid in table.by_id]

    def _boost_summaries(self, table: _Table, fused: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Raise decision and summary chunks by settings.summary_boost; equal scores keep the fused order."""
        boost = self.settings.summary_boost
        if not boost:
            return fused
        boosted = [(cid, score * (1 + boost) if table.chunks[table.by_id[cid]].section in SUMMARY_SECTIONS
                     else score) for cid, score in fused]
        return sorted(boosted, key=lambda cs: -cs[1])

    def _exact(self, table: _Table, query: str, mask: np.ndarray | None,
               fused: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
        """Chunks of a diarienummer or § named in the query, ranked first (score 1.0)."""
        rows: list[int] = []
        for dnr in find_diarienummer(query):
            rows += table.by_dnr.get(dnr, [])
        if not rows:  # "if 2025:343", "KF 2023:324" for "IF/2025:343", "KS KF/2023:324" held by the archive
            for key in dict.fromkeys(_loose_key(m) for m in _LOOSE_DNR.finditer(query)):
                rows += table.by_dnr.get(key, [])
        refs = iter_paragraphs(query)
        for paragraph in dict.fromkeys(p for ref in refs for p in ref.paragraphs):
            rows += table.by_paragraph.get(paragraph, [])
        rows = [r for r in dict.fromkeys(rows) if mask is None or mask[r]]
        if not rows:
            return []
        # A bare lookup ("SN 2023:00144") lists the case decision first; a question about the
        # case ("SN/2023:144 kostnader") orders its chunks by the fused ranking.
        residual = query
        for ref in refs:
            residual = residual.replace(ref.written, " ")
        for match in iter_dnr(residual):
            residual = residual.replace(match.written, " ")
        topical = table.keyword is not None and bool(table.keyword.tokenizer.tokenize(residual))
        fused_rank = {cid: i for i, (cid, _) in enumerate(fused)} if topical else {}

        def order(row: int) -> tuple[int, int, str, int]:
            chunk = table.chunks[row]
            return (fused_rank.get(chunk.chunk_id, len(fused_rank)), SECTION_ORDER.get(chunk.section or "", 9),
                    chunk.source_file, chunk.start_char)

        return [(table.chunks[r].chunk_id, 1.0) for r in sorted(rows, key=order)]

    @staticmethod
    def _collapse(table: _Table, ranked: Sequence[tuple[str, float, str]], k: int) -> list[tuple[str, float, str]]:
        """One hit per group of repeated texts (Chunk.duplicate_of), shown as the group's first chunk."""
        seen: set[str] = set()
        kept: list[tuple[str, float, str]] = []
        for cid, score, source in ranked:
            chunk = table.chunks[table.by_id[cid]]
            group = chunk.duplicate_of if chunk.duplicate_of in table.by_id else chunk.chunk_id
            if group in seen:
                continue
            seen.add(group)
            # The summary sheet's copy stands for the tjänsteskrivelse's repeat of the same decision.
            kept.append((group, score, source))
            if len(kept) == k:
                break
        return kept

    def _fill_similarity(self, hits: Sequence[tuple[str, float, str]], similarities: dict[str, float],
                         query_vector: list[float]) -> None:
        """Cosine similarity for hits the dense retriever did not return (exact and BM25-only hits)."""
        missing = [cid for cid, _, _ in hits if cid not in similarities]
        if missing:
            q = np.asarray(query_vector, dtype=np.float32)
            for cid, vector in self._store.vectors(missing).items():
                similarities[cid] = float(np.dot(q, np.asarray(vector, dtype=np.float32)))

    # --- browsing -----------------------------------------------------------------------------

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        table = self.refresh()
        row = table.by_id.get(chunk_id)
        return table.chunks[row] if row is not None else None

    def case(self, dnr: str) -> list[Chunk]:
        """Every chunk of a case (any written form of its dnr) across meetings, oldest meeting first.

        The chunks of case_steps(dnr), so a kallelse item matched to its protocol item by title is included;
        other organs' ärenden that the case only cites (linked_by "protokollsutdrag") are not.
        """
        return [chunk for step in self.case_steps(dnr) if step.linked_by != "protokollsutdrag"
                for chunk in step.chunks]

    def case_steps(self, dnr: str) -> tuple[CaseStep, ...]:
        """The case's timeline, one step per ärende and document: förslag → beslut → återrapportering."""
        table = self.refresh()
        return case_steps(table.chunks, table.by_dnr, dnr)

    def decisions(self, filters: SearchFilters | None = None) -> list[Chunk]:
        """Beslut / Förslag till beslut chunks matching the filters, repeated texts collapsed."""
        table = self.refresh()
        mask = table.mask(canonical_filters(filters))
        found = [c for i, c in enumerate(table.chunks)
                 if c.section in DECISION_SECTIONS and c.duplicate_of is None and (mask is None or mask[i])]
        return sorted(found, key=lambda c: (date_key(c.meeting.date), c.source_file, c.start_char))

    def item_chunks(self, chunk: Chunk) -> list[Chunk]:
        """The whole ärende the chunk belongs to, in document order."""
        table = self.refresh()
        same = [c for c in table.chunks if c.doc_id == chunk.doc_id and c.item_number == chunk.item_number
                and c.item_title == chunk.item_title]
        return sorted(same, key=lambda c: c.start_char)

    def documents(self) -> list[DocumentInfo]:
        """One entry per ingested document, newest meeting first."""
        table = self.refresh()
        groups: dict[str, list[Chunk]] = {}
        for chunk in table.chunks:
            groups.setdefault(chunk.doc_id, []).append(chunk)
        infos = [DocumentInfo(cs[0].source_file, doc_id, cs[0].meeting.kommun, cs[0].meeting.committee,
                              cs[0].meeting.date, cs[0].meeting.doc_type, len(cs),
                              len({(c.item_number, c.item_title) for c in cs}))
                 for doc_id, cs in groups.items()]
        return sorted(infos, key=lambda d: (-date_key(d.date), d.source_file))

    def __len__(self) -> int:
        return len(self.refresh().chunks)
