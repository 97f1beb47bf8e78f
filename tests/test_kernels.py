"""The fused int8 kernels (compiled with the system C compiler) against the torch ops they
replace: bit-identical results, and a clear fallback where they cannot be built."""

from __future__ import annotations

import logging
import os

import numpy as np
import pytest
import torch

from models import kernels as K
from models.int8 import Int8Weights

SENTENCES = [
    "China calls for an immediate ceasefire in Ukraine.",
    "The White House said Biden warned Xi of consequences if Beijing helps Russia.",
    "Hi.",
    "NATO's eastward expansion is the root cause of the crisis, the spokesperson said on Monday "
    "at a regular press briefing in Beijing, according to the ministry's transcript.",
]


@pytest.fixture
def fresh_kernels(monkeypatch):
    """kernels() decided anew under the test's environment, and anew again afterwards."""
    K.kernels.cache_clear()
    yield monkeypatch
    K.kernels.cache_clear()


@pytest.fixture(scope="module")
def built() -> K.Kernels:
    if K._compiler() is None:
        pytest.skip("no C compiler here: the torch ops run (tested below)")
    fused = K.kernels()
    assert fused is not None, "the C compiler of this machine should build the kernels"
    return fused


@pytest.mark.parametrize(
    ("rows", "width", "out"),
    [(1, 8, 3), (5, 7, 385), (37, 384, 1152), (64, 1536, 384), (3, 384, 16)],
)
def test_kernels_match_the_torch_ops_bit_for_bit(built, rows, width, out):
    torch.manual_seed(rows * width)
    x = torch.randn(rows, width) * 4
    x[0, : width // 2] = 0.0
    if rows > 2:
        x[2] = 0.0  # an all-zero row: the peak is clamped, every value quantises to 0
    q, peak = built.quantize(x)
    q_ref, peak_ref = K.quantize_torch(x)
    assert torch.equal(q, q_ref) and torch.equal(peak, peak_ref)

    w = Int8Weights(torch.randn(out, width), torch.randn(out))
    acc = torch._int_mm(q_ref, w.q)
    want = torch.addcmul(w.bias, acc.float().mul_(peak_ref), w.scale)
    assert torch.equal(K.dequantize_torch(acc, peak_ref, w.scale, w.bias), want)
    assert torch.equal(built.dequantize(acc, peak, w.scale, w.bias), want)
    res = torch.randn(rows, out)
    got = built.dequantize(acc, peak, w.scale, w.bias, res)
    assert torch.equal(got, want + res)


def test_a_residual_of_another_shape_is_refused(built):
    acc = torch.ones((3, 4), dtype=torch.int32)
    peak, scale, bias = torch.ones((3, 1)), torch.ones(4), torch.zeros(4)
    with pytest.raises(ValueError, match="residual of shape"):
        built.dequantize(acc, peak, scale, bias, torch.ones(4))  # would broadcast in torch


def test_kernels_that_torch_does_not_match_are_not_used(built, tmp_path):
    """Where torch's CPU kernels have no fused multiply-add (ATEN_CPU_CAPABILITY=default), the
    load-time check finds the difference and the torch ops run."""
    import subprocess
    import sys

    code = "from models.kernels import kernels; print(kernels() is None)"
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "default", "STANCEMAP_CACHE": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"
    assert "differ from torch's arithmetic" in proc.stderr
    assert K.agrees_with_torch(built)  # and here, with torch's own capability, they agree


def test_minilm_embeds_identically_with_and_without_the_kernels(encoder, fresh_kernels):
    with_kernels = encoder.encode(SENTENCES)
    assert K.kernels() is not None
    fresh_kernels.setenv("STANCEMAP_KERNELS", "0")
    K.kernels.cache_clear()
    assert K.kernels() is None
    without = encoder.encode(SENTENCES)
    assert np.array_equal(with_kernels, without)


@pytest.mark.parametrize(
    ("cc", "path", "expected"),
    [
        ("false", None, "int8 kernels not built"),  # a compiler that fails
        ("", "empty", "no C compiler"),  # none on PATH
    ],
)
def test_without_a_working_compiler_the_torch_ops_run_with_a_warning(
    fresh_kernels, tmp_path, caplog, cc, path, expected
):
    fresh_kernels.setenv("STANCEMAP_CACHE", str(tmp_path / "cache"))
    fresh_kernels.setenv("CC", cc)
    if path:
        (tmp_path / path).mkdir()
        fresh_kernels.setenv("PATH", str(tmp_path / path))
    with caplog.at_level(logging.WARNING, logger="models.kernels"):
        assert K.kernels() is None
    assert expected in caplog.text
    assert not list((tmp_path / "cache").glob("kernels/*"))  # no half-written library left
    w = Int8Weights(torch.randn(4, 8), torch.randn(4))
    x = torch.randn(3, 8)
    q, peak = K.quantize_torch(x)
    want = torch.addcmul(w.bias, torch._int_mm(q, w.q).float().mul_(peak), w.scale)
    assert torch.equal(w(x), want)  # the torch path, same arithmetic


def test_the_library_is_built_once_per_machine(tmp_path):
    cc = K._compiler()
    assert cc is not None
    first = K.build(tmp_path, cc)
    stamp = first.stat().st_mtime_ns
    assert K.build(tmp_path, cc) == first and first.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name]
    assert first.stat().st_mode & 0o777 == 0o755  # readable by other users of a shared cache
