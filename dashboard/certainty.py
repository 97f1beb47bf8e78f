"""How sure a share is: the sample size (Wilson interval) and the classifier's measured error.

Pure: numbers and small frames in, intervals out; the one file read is the scheme's evaluation,
``<scheme file stem>_eval.json`` beside the scheme file::

    {"source": "dev gold, 5-fold cross-validation",
     "labels": {"us_critical": {"precision": 0.7, "recall": 0.6}, ...}}

>>> lo, hi = share_interval(5, 20)
>>> round(lo, 3), round(hi, 3)
(0.112, 0.469)
>>> lo, hi = share_interval(5, 20, precision=0.5, recall=1.0)  # half of what it finds is wrong
>>> round(lo, 3), round(hi, 3)
(0.056, 0.469)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

Z95 = 1.959964  # two-sided 95 %
MAX_EVAL_BYTES = 1_000_000


@dataclass(frozen=True)
class Measured:
    """Held-out precision and recall per label, read from a scheme's ``_eval.json``."""

    source: str  # what they were measured on (free text from the file)
    file: str
    labels: dict[str, tuple[float, float]] = field(default_factory=dict)  # id -> (P, R)


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion ``k / n`` (``(0, 1)`` when ``n`` is 0).

    >>> wilson(0, 10)[0], round(wilson(0, 10)[1], 3)
    (0.0, 0.278)
    """
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def share_interval(
    k: float,
    n: float,
    *,
    precision: float | None = None,
    recall: float | None = None,
    z: float = Z95,
) -> tuple[float, float]:
    """A 95 % interval for the true share of a label among ``n`` paragraphs, ``k`` tagged with it.

    Method: the Wilson interval [lo, hi] of the observed share k/n covers sampling error. When
    the label's held-out ``precision`` and ``recall`` are known, the classifier's error is
    added: of the paragraphs it tags, a fraction ``precision`` truly carry the label, and it
    finds a fraction ``recall`` of those that do, so the true share is about
    ``p_obs * precision / recall``. That correction is applied to both Wilson bounds (clipped
    to [0, 1]) and the interval reported is the union of the two intervals, observed and
    corrected: it widens towards where the classifier's error would move the share, and never
    claims the corrected value is more certain than the count. Precision and recall are taken
    as exact (their own sampling error is not added), so the interval is a floor on the
    uncertainty, not a ceiling. A recall of 0 leaves the upper bound at 1.
    """
    lo, hi = wilson(k, n, z)
    if precision is None or recall is None:
        return lo, hi
    if recall <= 0:
        return min(lo, lo * precision), 1.0
    factor = precision / recall
    return min(lo, min(1.0, lo * factor)), max(hi, min(1.0, hi * factor))


def add_intervals(counts: pd.DataFrame, measured: Measured | None) -> pd.DataFrame:
    """``counts`` (columns stance, count, total) with ``lo`` and ``hi``: share_interval per row,
    vectorised. A label the evaluation does not list gets the sample-size interval."""
    out = counts.copy()
    k = out["count"].to_numpy(dtype=float)
    n = out["total"].to_numpy(dtype=float)
    safe = np.where(n > 0, n, 1.0)
    p = k / safe
    z2 = Z95 * Z95
    denom = 1 + z2 / safe
    centre = (p + z2 / (2 * safe)) / denom
    half = Z95 * np.sqrt(p * (1 - p) / safe + z2 / (4 * safe * safe)) / denom
    lo = np.where(n > 0, np.clip(centre - half, 0, 1), 0.0)
    hi = np.where(n > 0, np.clip(centre + half, 0, 1), 1.0)
    if measured is not None and measured.labels:
        pr = [measured.labels.get(str(s)) for s in out["stance"]]
        prec = np.array([v[0] if v else np.nan for v in pr])
        rec = np.array([v[1] if v else np.nan for v in pr])
        known = ~np.isnan(prec)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(rec > 0, prec / rec, 0.0)
            lo_c = np.where(rec > 0, np.clip(lo * factor, 0, 1), lo * np.nan_to_num(prec))
            hi_c = np.where(rec > 0, np.clip(hi * factor, 0, 1), 1.0)
        lo = np.where(known, np.minimum(lo, lo_c), lo)
        hi = np.where(known, np.maximum(hi, hi_c), hi)
    out["lo"] = lo
    out["hi"] = hi
    return out


def eval_path(scheme_path: str | Path) -> Path:
    """``models/data/scheme_default.toml`` -> ``models/data/scheme_default_eval.json``."""
    p = Path(scheme_path)
    return p.with_name(f"{p.stem}_eval.json")


def _rate(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    x = float(value)
    return x if math.isfinite(x) and 0.0 <= x <= 1.0 else None


def parse_measured(data: object, *, file: str = "") -> Measured:
    """A parsed ``_eval.json`` -> Measured; ValueError says what is wrong. Labels whose
    precision or recall is missing or outside [0, 1] are left out (sample size only).

    >>> parse_measured({"source": "dev", "labels": {"a": {"precision": 0.8, "recall": 0.5}}})
    Measured(source='dev', file='', labels={'a': (0.8, 0.5)})
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("labels"), Mapping):
        raise ValueError('needs a "labels" object: {"label": {"precision": P, "recall": R}}')
    labels: dict[str, tuple[float, float]] = {}
    for name, rates in data["labels"].items():
        if not isinstance(rates, Mapping):
            continue
        p, r = _rate(rates.get("precision")), _rate(rates.get("recall"))
        if p is not None and r is not None:
            labels[str(name)] = (p, r)
    return Measured(str(data.get("source") or "unnamed evaluation")[:200], file, labels)


def load_measured(scheme_path: str | Path) -> tuple[Measured | None, str]:
    """(Measured or None, problem): None and "" when the scheme has no ``_eval.json``."""
    path = eval_path(scheme_path)
    try:
        if not path.is_file():
            return None, ""
        if path.stat().st_size > MAX_EVAL_BYTES:
            return None, f"{path.name} is too large"
        return parse_measured(json.loads(path.read_text("utf-8")), file=path.name), ""
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError included
        return None, f"{path.name} could not be read ({str(exc)[:120]})"


def method_line(measured: Measured | None, problem: str = "") -> str:
    """The one line under a chart saying what its whiskers mean (plain text)."""
    base = "Number: paragraphs. Whiskers: 95 % interval of the share"
    if measured is not None and measured.labels:
        return (
            f"{base} from sample size (Wilson) widened by the classifier's measured precision "
            f"and recall per label ({measured.file}: {measured.source})."
        )
    why = f"; {problem}" if problem else "; no measured error for this scheme"
    return f"{base} from sample size only (Wilson{why})."
