"""Fused per-token int8 quantise/dequantise kernels (``data/int8_kernels.c``), built on first use.

The int8 encoder spends as long on quantising activations and dequantising products (four or
five torch ops each, each a pass over memory) as on the int8 matrix products themselves. The C
kernels do each in one pass, with the very same float operations in the same order, so the
embeddings are bit-identical with or without them (checked on random data when they load, and
in tests/test_kernels.py); only the speed differs.

The shared library is compiled with the system C compiler (``$CC``, else ``cc``/``gcc``) into
``<cache>/kernels/``, keyed by the source, the flags and the CPU, and loaded with ctypes (which
releases the GIL for the call, so the encoder's worker threads run them side by side). Without a
compiler, or with ``STANCEMAP_KERNELS=0``, the torch ops run instead, with one warning.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import logging
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

import torch

log = logging.getLogger(__name__)

SOURCE = Path(__file__).parent / "data" / "int8_kernels.c"
# no -ffast-math: every rounding must match torch's (fp-contract off; fmaf where torch fuses)
FLAGS = ["-O3", "-march=native", "-ffp-contract=off", "-fno-math-errno", "-ffinite-math-only",
         "-fno-signed-zeros", "-fno-trapping-math", "-shared", "-fPIC"]  # fmt: skip
_P, _N = ctypes.c_void_p, ctypes.c_int64


def quantize_torch(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The reference arithmetic of :meth:`Kernels.quantize`, in torch ops."""
    peak = x.abs().amax(1, keepdim=True).clamp_(min=1e-12)
    return (x * (127.0 / peak)).round_().to(torch.int8), peak


def dequantize_torch(
    acc: torch.Tensor,
    peak: torch.Tensor,
    scale: torch.Tensor,
    bias: torch.Tensor,
    residual: torch.Tensor | None = None,
) -> torch.Tensor:
    """The reference arithmetic of :meth:`Kernels.dequantize`, in torch ops."""
    out = torch.addcmul(bias, acc.float().mul_(peak), scale)
    return out if residual is None else out.add_(residual)


class Kernels:
    """The loaded shared library (state: the ctypes handle). Inputs must be contiguous float32."""

    def __init__(self, path: Path) -> None:
        lib = ctypes.CDLL(str(path))
        lib.sm_quantize_rows.argtypes = [_P, _P, _P, _N, _N]
        lib.sm_quantize_rows.restype = None
        lib.sm_dequantize.argtypes = [_P, _P, _P, _P, _P, _P, _N, _N]
        lib.sm_dequantize.restype = None
        self._lib = lib
        self.path = path

    def quantize(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(int8 rows, per-row peaks) for a 2-D float32 tensor."""
        x = x.float().contiguous()
        m, k = x.shape
        q = torch.empty((m, k), dtype=torch.int8)
        peak = torch.empty((m, 1), dtype=torch.float32)
        self._lib.sm_quantize_rows(x.data_ptr(), q.data_ptr(), peak.data_ptr(), m, k)
        return q, peak

    def dequantize(
        self,
        acc: torch.Tensor,
        peak: torch.Tensor,
        scale: torch.Tensor,
        bias: torch.Tensor,
        residual: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """``bias + (acc * peak) * scale`` (+ ``residual``) as float32, in one pass."""
        acc = acc.contiguous()
        m, n = acc.shape
        if residual is not None and residual.shape != (m, n):  # C reads it as (m, n), no broadcast
            raise ValueError(f"residual of shape {tuple(residual.shape)}, expected {(m, n)}")
        out = torch.empty((m, n), dtype=torch.float32)
        res = residual.float().contiguous() if residual is not None else None
        self._lib.sm_dequantize(acc.data_ptr(), peak.data_ptr(), scale.data_ptr(),
                                bias.data_ptr(), res.data_ptr() if res is not None else None,
                                out.data_ptr(), m, n)  # fmt: skip
        return out


def _compiler() -> str | None:
    for cc in (os.environ.get("CC"), "cc", "gcc"):
        if cc and shutil.which(cc):
            return cc
    return None


def _cpu_flags() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            return next((ln for ln in fh if ln.startswith(("flags", "Features"))), "")
    except OSError:
        return ""


def build(directory: Path, cc: str) -> Path:
    """Compile the kernels into ``directory`` (once per source, flags and CPU); returns the .so."""
    parts = [SOURCE.read_bytes(), " ".join(FLAGS).encode(), cc.encode(),
             platform.machine().encode(), _cpu_flags().encode()]  # fmt: skip
    key = hashlib.sha256(b"\x1f".join(parts)).hexdigest()[:16]
    target = directory / f"int8_kernels-{key}.so"
    if target.exists():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".so", dir=directory)
    os.close(fd)
    try:
        subprocess.run([cc, *FLAGS, "-o", tmp, str(SOURCE)], check=True, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
        os.chmod(tmp, 0o755)  # mkstemp's 0600 would shut out other users of a shared cache
        os.replace(tmp, target)  # atomic: a concurrent build of the same key is harmless
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


@functools.cache
def kernels() -> Kernels | None:
    """The fused kernels, or None (torch ops instead) where they cannot be built."""
    if os.environ.get("STANCEMAP_KERNELS", "1") == "0":
        return None
    from models.cache import default_cache_dir

    cc = _compiler()
    if cc is None:
        log.warning("no C compiler (cc/gcc/$CC): int8 encoder runs without its fused kernels")
        return None
    try:
        fused = Kernels(build(default_cache_dir() / "kernels", cc))
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or exc
        log.warning("int8 kernels not built (%s); the encoder runs slower, same results", detail)
        return None
    if not agrees_with_torch(fused):  # e.g. torch built without FMA on this CPU: no fused add
        log.warning("int8 kernels differ from torch's arithmetic on this CPU; not used")
        return None
    return fused


def agrees_with_torch(fused: Kernels, rows: int = 9, width: int = 48, out: int = 40) -> bool:
    """Bit-identical to the torch ops on random data? (torch fuses multiply-add only where its
    CPU kernels have FMA; the C kernel always does.)"""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(rows, width, generator=gen) * 3
    w = torch.randint(-127, 128, (width, out), dtype=torch.int8, generator=gen)
    scale, bias = torch.rand(out, generator=gen), torch.randn(out, generator=gen)
    res = torch.randn(rows, out, generator=gen)
    q, peak = fused.quantize(x)
    q_ref, peak_ref = quantize_torch(x)
    acc = torch._int_mm(q_ref, w)
    return (
        torch.equal(q, q_ref)
        and torch.equal(peak, peak_ref)
        and torch.equal(
            fused.dequantize(acc, peak, scale, bias, res),
            dequantize_torch(acc, peak_ref, scale, bias, res),
        )
    )
