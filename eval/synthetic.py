"""Scaled corpora for `namnd bench`: realistic variants of the bundled files, and vectors derived from real ones.

Embedding 100,000 chunks with the bundled encoder takes hours on 2 cores, so the 10k/100k latency
runs use (1) variant files of the bundled documents (other kommun, nämnd, dates, diarienummer,
amounts and wording) that go through the real parser, chunker, Chroma and BM25, and (2) an
embedder that gives each variant chunk the real vector of its lexically closest bundled chunk,
plus a small seeded Gaussian perturbation (cosine to the source ≈ 0.96, see `PERTURBATION`).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from scipy import sparse  # a dependency of sentence-transformers

from index.embed import Embedder

# sigma of the per-dimension noise in units of 1/sqrt(dim): E[cos(v, v')] = 1/sqrt(1 + 0.3**2) ≈ 0.958,
# about the similarity of two paraphrases of one passage under e5.
PERTURBATION = 0.3

KOMMUNER = ("Botkyrka", "Tyresö", "Huddinge", "Haninge", "Nacka", "Södertälje", "Uppsala", "Västerås",
            "Örebro", "Linköping", "Norrköping", "Jönköping", "Umeå", "Luleå", "Sundsvall", "Gävle",
            "Borås", "Eskilstuna", "Karlstad", "Växjö", "Halmstad", "Kalmar", "Falun", "Skövde")
NAMNDER = (("Socialnämnden", "SN"), ("Barn- och utbildningsnämnden", "BUN"), ("Kultur- och fritidsnämnden", "KFN"),
           ("Miljö- och hälsoskyddsnämnden", "MHN"), ("Tekniska nämnden", "TN"), ("Byggnadsnämnden", "BN"),
           ("Äldrenämnden", "ÄN"), ("Arbetsmarknadsnämnden", "AMN"), ("Gymnasienämnden", "GN"),
           ("Omsorgsnämnden", "ON"))
# Wording that municipal scribes vary; each pair is swapped in ~half the occurrences of a variant.
WORDING = (("godkänns", "fastställs"), ("förvaltningen", "kontoret"), ("redovisning", "rapport"),
           ("beslutar", "besluter"), ("uppdrar", "ger i uppdrag"), ("verksamheten", "verksamhetsområdet"),
           ("ärendet", "frågan"), ("överlämnas", "skickas vidare"), ("anmäls", "redovisas"),
           ("enligt", "i enlighet med"), ("föreslår", "förordar"), ("insatser", "åtgärder"))

_DATE = r"\b(?P<date>(?P<dy>20\d\d)-(?P<dm>\d\d)-(?P<dd>\d\d))\b"
_DNR = r"\b(?P<dnr>[A-ZÅÄÖ]{2,4})(?P<s1>[ /])(?P<ny>20\d\d)(?P<s2>[:/])(?P<nn>\d{1,5})\b"
_DNR_OLD = r"\b(?P<oy>20\d\d)/(?P<old>[A-ZÅÄÖ]{2,4}) (?P<on>\d{4})"
_NAMND = r"\b(?P<namnd>Socialnämnden|Arbetsmarknads- och socialnämnden|Kommunstyrelsen)(?P<ns>s?)\b"
_AMOUNT = r"\b(?P<amount>\d{1,3}(?:[ \u00a0]\d{3})*|\d+)(?P<dec>,\d+)?(?= ?(?:kr|tkr|mnkr|mkr|miljoner|kronor))"
_YEAR = r"\b(?P<year>20[0-2]\d)\b"
_WORDS = r"\b(?P<word>" + "|".join(old for old, _ in WORDING) + r")\b"
_SWAP = dict(WORDING)


def _pattern(kommuner: Sequence[str]) -> re.Pattern[str]:
    """Every rule as one alternation, tried left to right at each position: one pass over a text."""
    names = "|".join(sorted({re.escape(k) for k in kommuner}, key=len, reverse=True))
    return re.compile("|".join([_DATE, _DNR, _DNR_OLD, rf"\b(?P<kommun>{names})(?=s?\b)", _NAMND, _AMOUNT, _YEAR,
                                _WORDS]))


_PATTERN = _pattern(KOMMUNER)


class Template:
    """A text cut once into literal pieces and the spans each Variant rule rewrites; `fill` is one join.

    Filling a template costs a few microseconds per rewritten span, where running the rules over the
    text costs a regex pass per rule: what lets eval/scaled_index.py make 1M chunks in minutes.
    """

    __slots__ = ("pieces", "slots")

    def __init__(self, text: str, pattern: re.Pattern[str] = _PATTERN) -> None:
        pieces, slots, last = [], [], 0
        for m in pattern.finditer(text):
            pieces.append(text[last:m.start()])
            slots.append((m.lastgroup if m.lastgroup in _KINDS else _kind(m), m.groupdict(), m[0]))
            last = m.end()
        pieces.append(text[last:])
        self.pieces: tuple[str, ...] = tuple(pieces)
        self.slots: tuple[tuple[str, dict[str, str | None], str], ...] = tuple(slots)

    def fill(self, variant: Variant) -> str:
        out = [self.pieces[0]]
        for (kind, groups, written), piece in zip(self.slots, self.pieces[1:]):
            out.append(variant.replace(kind, groups, written))
            out.append(piece)
        return "".join(out)


_KINDS = ("kommun", "word", "year")


def _kind(m: re.Match[str]) -> str:
    return next(k for k in ("date", "dnr", "old", "namnd", "amount") if m[k] is not None)


class Variant:
    """One rewrite of the bundled corpus, seeded by its number: another kommun, nämnd, time and wording."""

    def __init__(self, number: int) -> None:
        rng = random.Random(number)
        self.kommun = KOMMUNER[number % len(KOMMUNER)]
        self.namnd, self.abbrev = NAMNDER[(number // len(KOMMUNER) + number) % len(NAMNDER)]
        self.days = rng.randint(-5 * 365, 2 * 365)
        self.serial_shift = rng.randint(1, 5000)
        self.amount_factor = rng.uniform(0.75, 1.3)
        self.rng = rng

    def rewrite(self, text: str) -> str:
        return Template(text).fill(self)

    def replace(self, kind: str, g: dict[str, str | None], written: str) -> str:
        """The rewrite of one span the rules matched (`g`: the pattern's named groups)."""
        if kind == "date":
            return self._date(g["dy"], g["dm"], g["dd"], written)  # type: ignore[arg-type]
        if kind == "dnr":
            return f"{self.abbrev}{g['s1']}{self._year(g['ny'])}{g['s2']}{self._serial(g['nn'])}"  # type: ignore[arg-type]
        if kind == "old":
            return f"{self._year(g['oy'])}/{self.abbrev} {self._serial(g['on'])}"  # type: ignore[arg-type]
        if kind == "kommun":
            return self.kommun
        if kind == "namnd":
            return self.namnd + ("s" if g["ns"] and not self.namnd.endswith("s") else "")
        if kind == "amount":
            return self._amount(g["amount"], g["dec"])  # type: ignore[arg-type]
        if kind == "year":
            return self._year(written)
        return _SWAP[written] if self.rng.random() < 0.5 else written  # an everyday wording swap

    def _year(self, year: str) -> str:
        return str(min(2026, max(2005, int(year) + self.days // 365)))

    def _date(self, y: str, m: str, d: str, written: str) -> str:
        try:
            day = date(int(y), int(m), int(d)) + timedelta(days=self.days)
        except ValueError:
            return written
        return day.isoformat()

    def shift_date(self, iso: str | None) -> str | None:
        """A meeting's ISO date moved like the dates in its text (None and junk unchanged)."""
        match = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", iso or "")
        return self._date(match[1], match[2], match[3], iso) if match and iso else iso

    def _serial(self, digits: str) -> str:
        # No wrap-around: "00144" and its canonical "144" stay one number, so a chunk's dnr metadata
        # and its text agree after the rewrite (eval/scaled_index.py rewrites both).
        return str(int(digits) + self.serial_shift).zfill(len(digits))

    def _amount(self, digits: str, decimals: str | None) -> str:
        value = int(re.sub(r"\D", "", digits)) * self.amount_factor
        return f"{round(value):,}".replace(",", " ") + (decimals or "")


def write_variants(sources: Sequence[Path], out_dir: Path, first: int, count: int) -> list[Path]:
    """Write variants first..first+count-1 of every source file into out_dir (existing files are kept)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    texts = {src: src.read_text(encoding="utf-8") for src in sources}
    for number in range(first, first + count):
        variant = Variant(number)
        for src in sources:
            target = out_dir / f"v{number:05d}_{src.stem}{src.suffix}"
            if not target.exists():
                target.write_text(variant.rewrite(texts[src]), encoding="utf-8")
            written.append(target)
    return written


_TOKEN = re.compile(r"[^\W\d_]{3,}")


class RecordingEmbedder:
    """Wraps a real embedder and keeps every (text, vector) it produced, for timing and derivation."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.texts: list[str] = []
        self.vectors: list[list[float]] = []

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self.inner.embed_documents(texts)
        self.texts.extend(texts)
        self.vectors.extend(vectors)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class DerivedEmbedder:
    """Passages get the vector of the closest real passage (TF-IDF cosine) plus seeded noise; queries are real.

    Costs ~1 ms per passage instead of ~110 ms, so a 100k-chunk index builds in minutes.
    """

    def __init__(self, query_embedder: Embedder, texts: Sequence[str], vectors: np.ndarray,
                 sigma: float = PERTURBATION) -> None:
        self._query = query_embedder
        self.name, self.dim = query_embedder.name, int(vectors.shape[1])
        self._vectors = np.asarray(vectors, dtype=np.float32)
        self._sigma = sigma
        docs = [Counter(_TOKEN.findall(t.casefold())) for t in texts]
        df = Counter(word for doc in docs for word in doc)
        self._vocab = {word: i for i, word in enumerate(sorted(df))}
        self._idf = np.array([math.log(len(docs) / df[w]) + 1.0 for w in sorted(df)], dtype=np.float32)
        self._matrix = self._bags(docs).T.tocsr()  # sparse (vocab, n_real): ~1,100 real chunks

    def _bags(self, docs: Sequence[Counter[str]]) -> sparse.csr_matrix:
        """L2-normalised log-TF-IDF rows; words unknown to the real corpus are ignored."""
        rows, cols, vals = [], [], []
        for r, counts in enumerate(docs):
            entries = [(self._vocab[w], (1.0 + math.log(n)) * self._idf[self._vocab[w]])
                       for w, n in counts.items() if w in self._vocab]
            norm = math.sqrt(sum(v * v for _, v in entries)) or 1.0
            for c, v in entries:
                rows.append(r), cols.append(c), vals.append(v / norm)
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(self._vocab)), dtype=np.float32)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        scores = (self._bags([Counter(_TOKEN.findall(t.casefold())) for t in texts]) @ self._matrix).toarray()
        out = []
        for text, src in zip(texts, scores.argmax(axis=1)):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            noise = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            vec = self._vectors[src] + noise * (self._sigma / math.sqrt(self.dim))
            out.append((vec / np.linalg.norm(vec)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._query.embed_query(text)
