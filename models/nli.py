"""Loading an NLI model for the transformers zero-shot-classification pipeline, offline-first."""

from __future__ import annotations

import os
from pathlib import Path

from models.encoder import ModelLoadError, configure_threads, quiet_transformers


def load_zero_shot(model: str):  # -> transformers.Pipeline
    """A zero-shot-classification pipeline on the CPU from a local folder or a hub id.

    A hub id only works where the model is already in the local Hugging Face cache or the hub can
    be reached; set ``HF_HUB_OFFLINE=0`` explicitly to allow downloads.
    """
    if not model:
        raise ModelLoadError("an NLI model is needed: --model nli:<hub id or local folder>")
    local = Path(model).expanduser()
    if not local.exists():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import pipeline

    configure_threads()
    quiet_transformers()
    target = str(local) if local.exists() else model
    try:
        return pipeline("zero-shot-classification", model=target, device=-1)
    except (OSError, ValueError) as exc:
        hint = (
            "it is not a folder here and not in the local Hugging Face cache; download it where "
            "there is internet (HF_HUB_OFFLINE=0) or pass a local folder"
            if not local.exists()
            else "the folder must hold an NLI model (config with entailment in label2id) and "
            "its tokenizer"
        )
        raise ModelLoadError(f"cannot load NLI model {model!r}: {hint} ({exc})") from exc


def build_random_nli(
    folder: str | Path,
    *,
    hidden: int = 384,
    layers: int = 6,
    heads: int = 12,
    intermediate: int = 1536,
    seed: int = 0,
) -> Path:
    """Write a randomly initialised BERT NLI model (MiniLM-sized by default) with the MiniLM
    tokenizer into ``folder``: for speed benchmarks and wiring tests, never for accuracy."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from models.encoder import minilm_path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    tok = AutoTokenizer.from_pretrained(str(minilm_path()))
    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=intermediate,
        id2label={0: "contradiction", 1: "neutral", 2: "entailment"},
        label2id={"contradiction": 0, "neutral": 1, "entailment": 2},
    )
    torch.manual_seed(seed)
    BertForSequenceClassification(config).save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out
