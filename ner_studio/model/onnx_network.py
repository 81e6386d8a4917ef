"""The BiLSTM and its linear reads run by ONNX Runtime instead of torch: an optional runtime
for tagging, chosen at load, with torch as the fallback.

Why: ONNX Runtime's int8 LSTM (``DynamicQuantizeLSTM``) takes padded batches with each row's
length, so it needs no pack/unpack, and one call runs the LSTM and both linear reads with the
GIL released (benchmarks/results/2026-12-07-tagging-speed-3.md). The embeddings and the
character features stay in torch (the word table computes them once per distinct word).

The graph is built from the float weights the first time a model is loaded (``onnx`` makes
it, ``onnxruntime`` quantises and runs it; nothing is downloaded) and kept in the user cache
folder under a hash of those weights, so later loads skip importing ``onnx`` (0.7 CPU-s).
Both packages, and numpy which they need, are optional: without them,
:func:`onnx_network` returns None and torch tags as before. Its
int8 kernel rounds differently from torch's, so predictions can differ in rare tokens (F1 on
CoNLL-2003 test: 90.08 against torch's 90.05).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import torch
from torch import Tensor, nn

log = logging.getLogger(__name__)

# The ONNX operator set the graph is written in (LSTM with sequence lengths since opset 7).
_OPSET = 17


class OnnxNetwork:
    """``emission_parts`` of a :class:`~ner_studio.model.network.BiLSTMNetwork` from its input
    features, run by one ONNX Runtime session on one thread per call. Several threads may call
    it at once (a session's ``run`` is thread-safe)."""

    def __init__(self, session, pooled: bool):
        self._session = session
        self._pooled = pooled

    def emission_parts(self, features: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor | None]:
        """``(own, shared)`` scores ``(batch, time, tags)`` for ``features`` ``(batch, time,
        features)`` with ``lengths`` ``(batch,)``; ``shared`` is None without document pooling.
        Scores at padded positions are meaningless (the decoders mask them)."""
        outputs = self._session.run(None, {"features": features.contiguous().numpy(),
                                           "lengths": lengths.to(torch.int32).numpy()})
        own = torch.from_numpy(outputs[0])
        return own, torch.from_numpy(outputs[1]) if self._pooled else None


def onnx_network(model: nn.Module, *, quantize: bool, cache: Path | None = None,
                 arena: bool = True) -> OnnxNetwork | None:
    """``model``'s LSTM and linear reads in ONNX Runtime (int8 LSTM weights with ``quantize``),
    or None if the packages are missing or the network has another shape (several LSTM
    layers): the caller then runs torch. ``cache``: a folder for the built graphs. ``arena``:
    False turns off ONNX Runtime's CPU memory arena and memory patterns, which keep the
    largest batch's buffers (grown in powers of two) for the session's life."""
    if model.config.layers != 1:
        return None
    try:
        import onnxruntime
    except ImportError:
        return None
    saved = None if cache is None else cache / f"{_weights_key(model, quantize, onnxruntime.__version__)}.onnx"
    if saved is None or not saved.is_file():
        try:
            graph = _built_graph(model, quantize)
        except ImportError:  # onnx itself is missing
            return None
        if saved is None:
            return OnnxNetwork(_session(onnxruntime, graph, arena), model.shared is not None)
        _save_atomically(graph, saved)
    return OnnxNetwork(_session(onnxruntime, saved.read_bytes(), arena), model.shared is not None)


def _session(onnxruntime, graph: bytes, arena: bool = True):
    options = onnxruntime.SessionOptions()
    # One thread per call: the predictor runs batches side by side on its own threads.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only
    if not arena:
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


def _weights_key(model: nn.Module, quantize: bool, version: str) -> str:
    """A name for the graph of exactly these weights (a fine-tuned model gets its own)."""
    digest = hashlib.sha256(f"{quantize} {version} {_OPSET}".encode())
    for name, tensor in sorted(model.state_dict().items()):
        if name.startswith(("lstm.", "output.", "shared.")):
            digest.update(name.encode())
            digest.update(tensor.detach().float().contiguous().numpy().tobytes())
    return digest.hexdigest()[:32]


def _save_atomically(graph: bytes, path: Path) -> None:
    """Write to a temporary file and rename it: two processes loading the same model at once
    never read half a graph. An unwritable cache only costs the next load the build again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(graph)
        os.replace(temporary, path)
    except OSError:
        log.warning("could not keep the ONNX graph in %s", path.parent, exc_info=True)


def _built_graph(model: nn.Module, quantize: bool) -> bytes:
    """The serialised graph, int8 LSTM weights with ``quantize`` (what torch's int8 model does
    to the LSTM; the linear reads are small and stay float)."""
    import onnx  # noqa: F401 - raises ImportError before any work if it is missing

    with tempfile.TemporaryDirectory(prefix="ner-studio-onnx-") as folder:
        path = Path(folder) / "network.onnx"
        _save_graph(model, path)
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantized = Path(folder) / "network-int8.onnx"
            quantize_dynamic(path, quantized, op_types_to_quantize=["LSTM"], weight_type=QuantType.QInt8)
            path = quantized
        return path.read_bytes()


def _gates(weight: Tensor) -> Tensor:
    """torch's gate order (input, forget, cell, output) → ONNX's (input, output, forget, cell)."""
    i, f, g, o = weight.detach().float().chunk(4, 0)
    return torch.cat([i, o, f, g], 0)


def _save_graph(model: nn.Module, path: Path) -> None:
    """The float graph: features → transpose to time-major → bidirectional LSTM with each row's
    length → ``(batch, time, 2 * hidden)`` as torch's batch-first output → linear read(s)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    lstm = model.lstm
    hidden = lstm.hidden_size

    def stacked(name: str) -> Tensor:
        return torch.stack([_gates(getattr(lstm, name)), _gates(getattr(lstm, name + "_reverse"))])

    biases = torch.cat([stacked("bias_ih_l0"), stacked("bias_hh_l0")], dim=1)
    weights = {
        "W": stacked("weight_ih_l0"), "R": stacked("weight_hh_l0"), "B": biases,
        "shape": torch.tensor([0, 0, 2 * hidden]),
        "output_weight": model.output.weight.detach().float().T.contiguous(),
        "output_bias": model.output.bias.detach().float(),
    }
    tags = model.output.out_features
    nodes = [
        helper.make_node("Transpose", ["features"], ["time_major"], perm=[1, 0, 2]),
        helper.make_node("LSTM", ["time_major", "W", "R", "B", "lengths"], ["states"], hidden_size=hidden,
                         direction="bidirectional"),
        # (time, 2, batch, hidden) → (batch, time, 2, hidden) → forward and backward side by side
        helper.make_node("Transpose", ["states"], ["batch_major"], perm=[2, 0, 1, 3]),
        helper.make_node("Reshape", ["batch_major", "shape"], ["hidden"]),
        helper.make_node("MatMul", ["hidden", "output_weight"], ["own_product"]),
        helper.make_node("Add", ["own_product", "output_bias"], ["own"]),
    ]
    outputs = [helper.make_tensor_value_info("own", TensorProto.FLOAT, ["batch", "time", tags])]
    if model.shared is not None:
        weights["shared_weight"] = model.shared.weight.detach().float().T.contiguous()
        nodes.append(helper.make_node("MatMul", ["hidden", "shared_weight"], ["shared"]))
        outputs.append(helper.make_tensor_value_info("shared", TensorProto.FLOAT, ["batch", "time", tags]))
    inputs = [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", "time", lstm.input_size]),
              helper.make_tensor_value_info("lengths", TensorProto.INT32, ["batch"])]
    initializers = [numpy_helper.from_array(value.numpy(), name) for name, value in weights.items()]
    graph = helper.make_graph(nodes, "bilstm", inputs, outputs, initializers)
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    onnx_model.ir_version = 8  # what every onnxruntime since 1.10 reads
    onnx.save(onnx_model, str(path))
