"""Which arithmetic the sentence encoder runs in on this CPU: chosen by measurement, not assumed.

Per-token int8 (``torch._int_mm``, :mod:`models.int8`) is about 4x fp32 where oneDNN has int8
kernels for the CPU (AVX-512 VNNI, AMX), and some 50x *slower* than fp32 where torch falls back to
its reference loop (CPUs with AVX2 only, ARM). So, once per CPU model and library version, a
short micro-benchmark times one int8 and one fp32 product of the encoder's shape and picks the
faster (int8 only when clearly faster); the choice is kept in ``<cache>/arithmetic.json``.
``STANCEMAP_ARITHMETIC=int8|fp32`` forces a path (``auto``, the default, measures).

>>> Choice("fp32", "forced by STANCEMAP_ARITHMETIC", "any CPU", ("avx2",)).describe()
'fp32 (forced by STANCEMAP_ARITHMETIC); CPU: any CPU [avx2]'
"""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ENCODING = "int8-per-token-v1"  # part of every int8 cache key: change it when the numerics change
SETTING = "STANCEMAP_ARITHMETIC"
PATHS = ("int8", "fp32")
FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")  # the ones that matter here
INT8_MARGIN = 0.8  # int8 is chosen when it takes at most this share of the fp32 time
SHAPE = (64, 384, 1536)  # a batch of tokens through MiniLM's feed-forward layer


@dataclass(frozen=True)
class Choice:
    path: str  # "int8" | "fp32"
    reason: str
    cpu: str
    flags: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.path} ({self.reason}); CPU: {self.cpu} [{' '.join(self.flags) or '-'}]"


def cpu_features() -> tuple[str, tuple[str, ...]]:
    """The CPU's model name and which of ``FLAGS`` it has (Linux; elsewhere the platform name)."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return name, ()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            name = value.strip()
        elif key.strip() in ("flags", "Features"):
            flags |= set(value.split())
    return name, tuple(f for f in FLAGS if f in flags)


def measure(repeats: int = 5) -> tuple[float, float]:
    """Seconds for one int8 and one fp32 product of ``SHAPE`` on one thread (best of repeats)."""
    import torch

    m, k, n = SHAPE
    gen = torch.Generator().manual_seed(0)
    a = torch.randint(-127, 128, (m, k), dtype=torch.int8, generator=gen)
    b = torch.randint(-127, 128, (k, n), dtype=torch.int8, generator=gen)
    af, bf = a.float(), b.float()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _best(lambda: torch._int_mm(a, b), repeats), _best(lambda: af @ bf, repeats)
    finally:
        torch.set_num_threads(threads)


def _best(run, repeats: int) -> float:
    try:
        run()  # warm-up (and the fallback's first call)
    except RuntimeError:  # no int8 product on this build
        return float("inf")
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t)
    return best


def _key(cpu: str, flags: tuple[str, ...]) -> str:
    import importlib.metadata as md

    try:
        torch_version = md.version("torch")
    except md.PackageNotFoundError:  # pragma: no cover - torch is a dependency
        torch_version = "?"
    return f"{cpu}|{','.join(flags)}|torch {torch_version}|{ENCODING}"


def choose(cache_dir: str | Path | None = None) -> Choice:
    """The arithmetic for this CPU: forced by ``STANCEMAP_ARITHMETIC``, else measured once and
    cached in ``<cache_dir>/arithmetic.json`` (default: stancemap's cache folder)."""
    cpu, flags = cpu_features()
    forced = os.environ.get(SETTING, "auto").strip().lower() or "auto"
    if forced in PATHS:
        return Choice(forced, f"forced by {SETTING}", cpu, flags)
    if forced != "auto":
        raise ValueError(f"{SETTING}={forced!r}: use auto, int8 or fp32")
    if cache_dir is None:
        from models.cache import default_cache_dir

        cache_dir = default_cache_dir()
    path = Path(cache_dir) / "arithmetic.json"
    key = _key(cpu, flags)
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if isinstance(known, dict) and isinstance(known.get(key), dict):
        try:
            return Choice(**{**known[key], "flags": tuple(known[key]["flags"])})
        except TypeError:
            pass  # an older record: measure again
    t_int8, t_fp32 = measure()
    path_ = "int8" if t_int8 <= INT8_MARGIN * t_fp32 else "fp32"
    reason = f"measured: int8 {t_int8 * 1e3:.2f} ms, fp32 {t_fp32 * 1e3:.2f} ms per product"
    choice = Choice(path_, reason, cpu, flags)
    known = known if isinstance(known, dict) else {}
    known[key] = asdict(choice)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError:  # a read-only cache: measure again next time
        pass
    return choice
