"""How far tuning can go on a gold set: the best figures any setting of the prototype scorer
reaches when it is chosen on the very paragraphs it is scored on.

This is a ceiling, not a figure to quote (``stancemap calibrate`` gives the honest,
cross-validated one): every knob ``calibrate`` tunes, on a wider and finer grid, and the two
the scheme fixes by hand (``top_k``, ``own_contrasts``), all fitted to the answers. Where even
the ceiling is under a target, no threshold or temperature will reach it: the prototypes (or
the model) must change. ``stancemap calibrate --gold G --ceiling`` prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from models.calibrate import GATES, QUOTE_UNITS, Grid, Setting, _Scored, fit, setting_of
from models.classify import EmbeddingClassifier
from models.evaluate import Report
from models.prototypes import param
from models.schemes import Scheme

CEILING_GRID = Grid(
    temperatures=(0.02, 0.03, 0.05, 0.08, 0.12),
    thresholds=tuple(round(0.2 + 0.05 * i, 2) for i in range(16)),  # 0.2 .. 0.95
    gates=GATES,
    quote_units=QUOTE_UNITS,
    passes=2,
)
SCORERS = ((1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1))  # (top_k, own_contrasts)


@dataclass(frozen=True)
class Ceiling:
    report: Report  # figures on the gold the setting was chosen on
    setting: Setting
    top_k: int
    own_contrasts: int


def with_scorer(scheme: Scheme, top_k: int, own_contrasts: int) -> Scheme:
    params = {**scheme.thresholds.params, "top_k": top_k, "own_contrasts": own_contrasts}
    return replace(scheme, thresholds=replace(scheme.thresholds, params=params))


def ceiling(
    clf: EmbeddingClassifier,
    gold: Sequence[dict],
    grid: Grid = CEILING_GRID,
    scorers: Sequence[tuple[int, int]] = SCORERS,
    progress: Callable[[str], None] | None = None,
) -> Ceiling:
    """The best of: the scheme as it is, and each scorer with its setting fitted on all of
    ``gold`` (so never under the scheme's own figures)."""
    content = [g for g in gold if g["kind"] == "content"]
    scored = _Scored(clf, content)
    idx = list(range(len(content)))
    own = clf.scheme
    k0, c0 = int(param(own, "top_k", 1)), int(param(own, "own_contrasts", 0))
    candidates = [(own, setting_of(own), k0, c0)]
    for n, (k, c) in enumerate(scorers, 1):
        sch = with_scorer(own, k, c)
        candidates.append((sch, fit(scored, idx, sch, grid), k, c))
        if progress:
            progress(f"ceiling: scorer {n}/{len(scorers)} (top_k {k}, own_contrasts {c}) fitted")
    best: tuple[float, Ceiling] | None = None
    for sch, s, k, c in candidates:
        rep = scored.report(idx, [r.stance for r in scored.results(idx, sch, s)])
        if best is None or rep.accuracy + rep.macro_f1 > best[0]:
            best = (rep.accuracy + rep.macro_f1, Ceiling(rep, s, k, c))
    assert best is not None
    return best[1]


def format_ceiling(c: Ceiling) -> str:
    s = c.setting
    labels = ", ".join(f"{n} {v:g}" for n, v in s.thresholds.items())
    return "\n".join(
        [
            f"ceiling (every knob chosen on these same paragraphs; not a figure to quote): "
            f"accuracy {c.report.accuracy:.3f}, macro-F1 {c.report.macro_f1:.3f}",
            f"  reached with top_k {c.top_k}, own_contrasts {c.own_contrasts}, temperature "
            f"{s.temperature:g}, target gate {s.gate[0]:g}/{s.gate[1]:g}, quote_units "
            f"{s.quote_units:g}, thresholds {labels}",
            "  a target above the ceiling needs other prototypes or another model, not tuning",
        ]
    )
