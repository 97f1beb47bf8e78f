"""Per-token int8 inference for BERT-like encoders: int8 speed, batch-independent outputs.

torch's dynamic quantisation (``quantize_dynamic``) picks one activation scale for the whole
batch, so a sentence embeds differently depending on its batch-mates. Here each token (row) gets
its own scale, weights are int8 per output channel, and products are accumulated exactly in int32
(``torch._int_mm``: AVX512-VNNI/AMX on CPU, about 4x the fp32 rate there). A sentence therefore
embeds the same alone or in any batch, up to float rounding in the (fp32) attention.

Where ``_int_mm`` has no fast kernel (AVX2 only), :class:`FbgemmWeights` runs the same per-token
scheme through FBGEMM's dynamic int8 linear, which has AVX2 kernels: each row is divided by its
own peak, one fixed anchor row pins the tensor's range to [-1, 1] (so FBGEMM's per-tensor scale
is the same whatever the batch-mates), and the rows are multiplied back. Weights are 7-bit per
channel there, so that AVX2's 16-bit pair sums (``vpmaddubsw``) never saturate.

- :class:`BertInt8`: a lean forward pass for BERT models (MiniLM is one): fused Q/K/V, plain
  attention whose masked padding contributes exact zeros, no pooler.
- :func:`to_int8`: swaps every ``nn.Linear`` of any other model for an :class:`Int8Linear`.
"""

from __future__ import annotations

import math
import warnings

import torch
import torch.nn.functional as F

from models.kernels import dequantize_torch, kernels, quantize_torch


class Int8Weights:
    """A linear layer's weights as int8 (per output channel) plus fp32 bias."""

    __slots__ = ("bias", "q", "scale", "width")

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        w = weight.detach().float()
        scale = w.abs().amax(1).clamp(min=1e-12) / 127.0
        self.q = torch.round(w / scale[:, None]).to(torch.int8).t().contiguous()  # (in, out)
        self.scale = scale / 127.0  # both int8 scales: (x / 127 * peak) . (w / 127 * wpeak)
        self.bias = torch.zeros(len(w)) if bias is None else bias.detach().float().clone()
        self.width = len(w)

    def __call__(self, x: torch.Tensor, residual: torch.Tensor | None = None) -> torch.Tensor:
        """``x @ W.T + b`` (+ ``residual``) for 2-D float32 ``x``, each row quantised with its
        own scale: in the fused kernels where they are built, else the same arithmetic in torch."""
        fused = kernels()
        if fused is not None:
            q, peak = fused.quantize(x)
            acc = torch._int_mm(q, self.q)  # exact int32 sums
            return fused.dequantize(acc, peak, self.scale, self.bias, residual)
        q, peak = quantize_torch(x)
        return dequantize_torch(torch._int_mm(q, self.q), peak, self.scale, self.bias, residual)


class FbgemmWeights:
    """A linear layer as FBGEMM int8 (7-bit weights per output channel, per-token activations)."""

    __slots__ = ("bias", "packed", "width")
    PEAK = 63  # 7-bit weights: u8 x s7 pair sums stay inside int16 on AVX2

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        w = weight.detach().float()
        scale = w.abs().amax(1).clamp(min=1e-12) / self.PEAK
        zero = torch.zeros(len(w), dtype=torch.long)
        with warnings.catch_warnings():  # quantised tensors are deprecated (torch is pinned)
            warnings.simplefilter("ignore", UserWarning)
            qw = torch.quantize_per_channel(w, scale.double(), zero, 0, torch.qint8)
        self.packed = torch.ops.quantized.linear_prepack(qw, None)
        self.bias = torch.zeros(len(w)) if bias is None else bias.detach().float().clone()
        self.width = len(w)

    def __call__(self, x: torch.Tensor, residual: torch.Tensor | None = None) -> torch.Tensor:
        """``x @ W.T + b`` (+ ``residual``) for 2-D float32 ``x``, each row on its own scale."""
        peak = x.abs().amax(1, keepdim=True).clamp_(min=1e-12)
        rows = torch.empty((len(x) + 1, x.shape[1]))
        torch.div(x, peak, out=rows[:-1])
        rows[-1].zero_()  # the anchor row: the range is [-1, 1] every time
        rows[-1, 0], rows[-1, 1] = 1.0, -1.0
        out = torch.ops.quantized.linear_dynamic(rows, self.packed, False)[:-1]
        out = torch.addcmul(self.bias, out, peak)
        return out if residual is None else out.add_(residual)


Weights = Int8Weights | FbgemmWeights


class Int8Linear(torch.nn.Module):
    """Drop-in ``nn.Linear`` replacement backed by :class:`Int8Weights`."""

    def __init__(self, linear: torch.nn.Linear, kind: type[Weights] = Int8Weights) -> None:
        super().__init__()
        self.w = kind(linear.weight, linear.bias)
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.w(x.reshape(-1, self.in_features).float())
        return out.reshape(*x.shape[:-1], self.out_features)


def to_int8(model: torch.nn.Module, kind: type[Weights] = Int8Weights) -> torch.nn.Module:
    """Replace every ``nn.Linear`` of ``model`` (in place) by an :class:`Int8Linear`."""
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(module, name, Int8Linear(child, kind))
    return model


def _norm(ln: torch.nn.LayerNorm) -> tuple[torch.Tensor, torch.Tensor, float]:
    return ln.weight.detach().clone(), ln.bias.detach().clone(), float(ln.eps)


class _Layer:
    __slots__ = ("ffn_in", "ffn_norm", "ffn_out", "heads", "out", "out_norm", "qkv")

    def __init__(self, layer: torch.nn.Module, kind: type[Weights]) -> None:
        att = layer.attention
        parts = (att.self.query, att.self.key, att.self.value)
        self.qkv = kind(torch.cat([p.weight for p in parts]), torch.cat([p.bias for p in parts]))
        self.heads = int(att.self.num_attention_heads)
        self.out = kind(att.output.dense.weight, att.output.dense.bias)
        self.out_norm = _norm(att.output.LayerNorm)
        self.ffn_in = kind(layer.intermediate.dense.weight, layer.intermediate.dense.bias)
        self.ffn_out = kind(layer.output.dense.weight, layer.output.dense.bias)
        self.ffn_norm = _norm(layer.output.LayerNorm)


class BertInt8:
    """Forward pass of a transformers ``BertModel`` (absolute positions, exact GELU) in int8."""

    def __init__(self, model: torch.nn.Module, kind: type[Weights] = Int8Weights) -> None:
        emb = model.embeddings
        self.word = emb.word_embeddings.weight.detach().clone()
        self.position = emb.position_embeddings.weight.detach().clone()
        self.token_type = emb.token_type_embeddings.weight[0].detach().clone()
        self.norm = _norm(emb.LayerNorm)
        self.layers = [_Layer(layer, kind) for layer in model.encoder.layer]
        kernels()  # built (once per machine) while the model loads, not in the first batch
        self.dim = int(self.word.shape[1])

    @staticmethod
    def supports(model: torch.nn.Module) -> bool:
        cfg = model.config
        return (
            cfg.model_type == "bert"
            and getattr(cfg, "position_embedding_type", "absolute") == "absolute"
            and cfg.hidden_act == "gelu"
        )

    def __call__(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Last hidden states, shape (batch, length, dim), for token ids and attention mask."""
        b, n = ids.shape
        d = self.dim
        x = self.word[ids] + self.position[:n] + self.token_type
        x = F.layer_norm(x, (d,), *self.norm).reshape(b * n, d)
        pad = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            h = layer.heads
            q, k, v = layer.qkv(x).view(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
            scores = torch.matmul(q, k.transpose(-1, -2)).mul_(1.0 / math.sqrt(d // h)).add_(pad)
            ctx = torch.matmul(torch.softmax(scores, -1), v).transpose(1, 2).reshape(b * n, d)
            x = F.layer_norm(layer.out(ctx, x), (d,), *layer.out_norm)
            x = F.layer_norm(layer.ffn_out(F.gelu(layer.ffn_in(x)), x), (d,), *layer.ffn_norm)
        return x.view(b, n, d)
