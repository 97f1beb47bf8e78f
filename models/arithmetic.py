"""Which arithmetic the sentence encoder runs in on this CPU: chosen by measurement, not assumed.

Three paths (:mod:`models.int8`): per-token int8 through ``torch._int_mm`` ("int8": about 4x
fp32 where oneDNN has int8 kernels for the CPU, AVX-512 VNNI or AMX, and some 50x *slower* than
fp32 where torch falls back to its reference loop, on CPUs with AVX2 only or ARM); the same
per-token scheme through FBGEMM's int8 linear ("fbgemm": AVX2 kernels of its own); and plain
"fp32". Once per CPU model and library version a short micro-benchmark times one linear layer of
the encoder's shape on each path and picks the fastest (an int8 path only when clearly faster
than fp32); the choice is kept in ``<cache>/arithmetic.json``.
``STANCEMAP_ARITHMETIC=int8|fbgemm|fp32`` forces a path (``auto``, the default, measures).

>>> Choice("fp32", "forced by STANCEMAP_ARITHMETIC", "any CPU", ("avx2",)).describe()
'fp32 (forced by STANCEMAP_ARITHMETIC); CPU: any CPU [avx2]'
>>> ENCODINGS["fbgemm"]
'int8-fbgemm-per-token-v1'
"""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# Each path's numerics, part of every cache key of its vectors: change one when its numerics change
ENCODINGS = {"int8": "int8-per-token-v1", "fbgemm": "int8-fbgemm-per-token-v1", "fp32": "fp32"}
SETTING = "STANCEMAP_ARITHMETIC"
PATHS = tuple(ENCODINGS)
RECORD = "paths-v2"  # the version of the measurement: older records in the cache are measured again
FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")  # the ones that matter here
INT8_MARGIN = 0.8  # an int8 path is chosen when it takes at most this share of the fp32 time
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


def measure(repeats: int = 5) -> dict[str, float]:
    """Seconds for one linear layer of ``SHAPE`` on each path, one thread, best of ``repeats``
    (the int8 paths with their per-token quantisation; inf where a path cannot run here)."""
    import torch

    from models.int8 import FbgemmWeights, Int8Weights  # torch: loaded only when measuring

    m, k, n = SHAPE
    gen = torch.Generator().manual_seed(0)
    x = torch.randn((m, k), generator=gen)
    w, b = torch.randn((n, k), generator=gen) / k**0.5, torch.zeros(n)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        times = {"fp32": _best(lambda: torch.addmm(b, x, w.t()), repeats)}
        for path, kind in (("int8", Int8Weights), ("fbgemm", FbgemmWeights)):
            try:
                layer = kind(w, b)
            except RuntimeError:  # no such engine in this build
                times[path] = float("inf")
                continue
            times[path] = _best(lambda layer=layer: layer(x), repeats)
        return times
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
    return f"{cpu}|{','.join(flags)}|torch {torch_version}|{RECORD}"


def known(cache_dir: str | Path | None = None) -> Choice | None:
    """The choice :func:`choose` gives without measuring (forced, or measured before on this
    CPU), else None. Cheap, loads no torch: for a line on screen."""
    return _forced() or _recorded(cache_dir)[0]


def choose(cache_dir: str | Path | None = None) -> Choice:
    """The arithmetic for this CPU: forced by ``STANCEMAP_ARITHMETIC``, else measured once and
    cached in ``<cache_dir>/arithmetic.json`` (default: stancemap's cache folder)."""
    forced = _forced()
    if forced is not None:
        return forced
    recorded, path, records = _recorded(cache_dir)
    if recorded is not None:
        return recorded
    cpu, flags = cpu_features()
    choice = Choice(fastest(times := measure()), "measured: " + per_path(times), cpu, flags)
    records[_key(cpu, flags)] = asdict(choice)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(records, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError:  # a read-only cache: measure again next time
        pass
    return choice


def _forced() -> Choice | None:
    forced = os.environ.get(SETTING, "auto").strip().lower() or "auto"
    if forced in PATHS:
        return Choice(forced, f"forced by {SETTING}", *cpu_features())
    if forced != "auto":
        raise ValueError(f"{SETTING}={forced!r}: use auto, {', '.join(PATHS)}")
    return None


def _recorded(cache_dir: str | Path | None) -> tuple[Choice | None, Path, dict]:
    """This CPU's record in ``<cache_dir>/arithmetic.json``, the file, and all its records."""
    if cache_dir is None:
        from models.cache import default_cache_dir

        cache_dir = default_cache_dir()
    path = Path(cache_dir) / "arithmetic.json"
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        records = {}
    records = records if isinstance(records, dict) else {}
    mine = records.get(_key(*cpu_features()))
    if isinstance(mine, dict):
        try:
            return Choice(**{**mine, "flags": tuple(mine["flags"])}), path, records
        except (TypeError, KeyError):
            pass  # an older record: measure again
    return None, path, records


def fastest(times: dict[str, float]) -> str:
    """The fastest path; an int8 one only when it takes at most ``INT8_MARGIN`` of fp32's time.

    >>> fastest({"int8": 0.064, "fbgemm": 0.002, "fp32": 0.005})
    'fbgemm'
    >>> fastest({"int8": 0.0009, "fbgemm": 0.002, "fp32": 0.001})
    'fp32'
    """
    best = min(times, key=times.__getitem__)
    return best if best == "fp32" or times[best] <= INT8_MARGIN * times["fp32"] else "fp32"


def per_path(times: dict[str, float]) -> str:
    """The times in words.

    >>> per_path({"int8": 0.0001, "fp32": float("inf")})
    'int8 0.10 ms, fp32 - per linear layer'
    """
    shown = (f"{p} {t * 1e3:.2f} ms" if t != float("inf") else f"{p} -" for p, t in times.items())
    return ", ".join(shown) + " per linear layer"
