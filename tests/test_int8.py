"""Per-token int8 layers against their fp32 originals (real MiniLM weights)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.encoder import Encoder, minilm_path
from models.int8 import BertInt8, Int8Linear, to_int8


@pytest.mark.parametrize(("rows", "width", "out"), [(1, 8, 3), (5, 384, 1536), (37, 1536, 384)])
def test_int8_linear_is_close_to_fp32(rows, width, out):
    torch.manual_seed(rows)
    lin = torch.nn.Linear(width, out)
    x = torch.randn(2, rows, width)
    want = lin(x).detach()
    got = Int8Linear(lin)(x)
    assert got.shape == want.shape
    rel = (got - want).norm() / want.norm()
    assert rel < 0.02


def test_int8_rows_do_not_depend_on_each_other():
    torch.manual_seed(0)
    lin = Int8Linear(torch.nn.Linear(64, 32))
    x = torch.randn(10, 64)
    x_loud = x.clone()
    x_loud[0] *= 1000  # one outlier row: a batch-wide scale would crush every other row
    assert torch.equal(lin(x)[1:], lin(x_loud)[1:])


def test_to_int8_replaces_every_linear():
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    to_int8(model)
    kinds = [type(m) for m in model]
    assert kinds == [Int8Linear, torch.nn.ReLU, Int8Linear]


@pytest.fixture(scope="module")
def fp32_encoder():
    return Encoder.load(arithmetic="fp32")


SENTENCES = [
    "China calls for an immediate ceasefire in Ukraine.",
    "The White House said Biden warned Xi of consequences if Beijing helps Russia.",
    "NATO's eastward expansion is the root cause of the crisis, the spokesperson said.",
    "Hi.",
]


def test_int8_minilm_embeds_like_fp32(encoder, fp32_encoder):
    """Per-token int8 keeps the fp32 geometry: every sentence within a small angle of fp32."""
    got, want = encoder.encode(SENTENCES), fp32_encoder.encode(SENTENCES)
    assert np.all(np.sum(got * want, axis=1) > 0.97)
    # and what matters for ranking: which sentence is nearest to which stays the same
    assert np.array_equal(np.argsort(got @ got.T, 1), np.argsort(want @ want.T, 1))


def test_lean_bert_pass_matches_the_transformers_modules():
    """BertInt8 (fused Q/K/V) against transformers' own BertModel with Int8Linear layers."""
    from transformers import AutoModel, AutoTokenizer

    path = str(minilm_path())
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    assert BertInt8.supports(model)
    lean = BertInt8(model)
    batch = tok(SENTENCES, padding=True, return_tensors="pt")
    with torch.inference_mode():
        a = lean(batch["input_ids"], batch["attention_mask"])
        b = to_int8(model)(**batch).last_hidden_state
    real = batch["attention_mask"].bool()
    cos = torch.nn.functional.cosine_similarity(a[real], b[real], dim=-1)
    assert cos.min() > 0.99


def test_default_encoder_is_independent_of_the_batch(encoder):
    """Per-token int8: a sentence embeds the same alone, among others, in any order or batch."""
    text = "Beijing urged both sides to return to the negotiating table."
    others = [
        "A much longer sentence about tariffs, sanctions and export controls " * 3,
        "Hi.",
        *[f"Officials met {n} times in the capital to discuss the war." for n in range(20)],
    ]
    alone = encoder.encode([text])[0]
    beside = encoder.encode([*others, text])[-1]
    reordered = encoder.encode([text, *reversed(others)], batch_size=3)[0]
    # float rounding in the attention only; batch-wide int8 scales differed by up to 0.05
    assert np.abs(alone - beside).max() < 1e-5
    assert np.abs(alone - reordered).max() < 1e-5


def test_worker_threads_do_not_change_embeddings(encoder):
    """One worker or one per core, the same vectors (batches are computed independently)."""
    texts = [f"Talks number {n} ended without a deal on sanctions or trade." for n in range(40)]
    workers = encoder.workers
    try:
        encoder.workers = 1
        single = encoder.encode(texts)
        encoder.workers = 2
        pooled = encoder.encode(texts)
    finally:
        encoder.workers = workers
    assert np.abs(single - pooled).max() < 1e-5
