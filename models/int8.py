"""Per-token int8 inference for BERT-like encoders: int8 speed, batch-independent outputs.

torch's dynamic quantisation (``quantize_dynamic``) picks one activation scale for the whole
batch, so a sentence embeds differently depending on its batch-mates. Here each token (row) gets
its own scale, weights are int8 per output channel, and products are accumulated exactly in int32
(``torch._int_mm``: AVX512-VNNI/AVX2 on CPU, about 4x the fp32 rate here). A sentence therefore
embeds the same alone or in any batch, up to float rounding in the (fp32) attention.

- :class:`BertInt8`: a lean forward pass for BERT models (MiniLM is one): fused Q/K/V, plain
  attention whose masked padding contributes exact zeros, no pooler.
- :func:`to_int8`: swaps every ``nn.Linear`` of any other model for an :class:`Int8Linear`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from models.arithmetic import ENCODING  # noqa: F401  (part of every int8 cache key)
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


class Int8Linear(torch.nn.Module):
    """Drop-in ``nn.Linear`` replacement backed by :class:`Int8Weights`."""

    def __init__(self, linear: torch.nn.Linear) -> None:
        super().__init__()
        self.w = Int8Weights(linear.weight, linear.bias)
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.w(x.reshape(-1, self.in_features).float())
        return out.reshape(*x.shape[:-1], self.out_features)


def to_int8(model: torch.nn.Module) -> torch.nn.Module:
    """Replace every ``nn.Linear`` of ``model`` (in place) by an :class:`Int8Linear`."""
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(module, name, Int8Linear(child))
    return model


def _norm(ln: torch.nn.LayerNorm) -> tuple[torch.Tensor, torch.Tensor, float]:
    return ln.weight.detach().clone(), ln.bias.detach().clone(), float(ln.eps)


class _Layer:
    __slots__ = ("ffn_in", "ffn_norm", "ffn_out", "heads", "out", "out_norm", "qkv")

    def __init__(self, layer: torch.nn.Module) -> None:
        att = layer.attention
        parts = (att.self.query, att.self.key, att.self.value)
        self.qkv = Int8Weights(
            torch.cat([p.weight for p in parts]), torch.cat([p.bias for p in parts])
        )
        self.heads = int(att.self.num_attention_heads)
        self.out = Int8Weights(att.output.dense.weight, att.output.dense.bias)
        self.out_norm = _norm(att.output.LayerNorm)
        self.ffn_in = Int8Weights(layer.intermediate.dense.weight, layer.intermediate.dense.bias)
        self.ffn_out = Int8Weights(layer.output.dense.weight, layer.output.dense.bias)
        self.ffn_norm = _norm(layer.output.LayerNorm)


class BertInt8:
    """Forward pass of a transformers ``BertModel`` (absolute positions, exact GELU) in int8."""

    def __init__(self, model: torch.nn.Module) -> None:
        emb = model.embeddings
        self.word = emb.word_embeddings.weight.detach().clone()
        self.position = emb.position_embeddings.weight.detach().clone()
        self.token_type = emb.token_type_embeddings.weight[0].detach().clone()
        self.norm = _norm(emb.LayerNorm)
        self.layers = [_Layer(layer) for layer in model.encoder.layer]
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
