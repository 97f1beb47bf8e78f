"""Calibrate the embedding backend on gold paragraphs, and report honest figures by k-fold
cross-validation: every setting (temperature, target gating, per-label thresholds) is chosen on
the other folds, so the cross-validated figures are what to expect on unseen articles.

``stancemap calibrate --gold dev_gold.json`` prints the cross-validated figures and the setting
chosen on all of the gold, ready to paste into the scheme's TOML.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from models.classify import EmbeddingClassifier
from models.evaluate import Report, evaluate_rows
from models.prototypes import decide, param, unit_probs
from models.records import StanceResult
from models.schemes import Scheme

TEMPERATURES = (0.03, 0.05, 0.08)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
# (target_miss_sentence, target_miss_paragraph): no gating, softer, the default, both softer
GATES = ((1.0, 1.0), (1.0, 0.5), (1.0, 0.0), (0.7, 0.4))
QUOTE_UNITS = (1.0, 0.0)  # quotations scored on their own, or not


@dataclass(frozen=True)
class Grid:
    """The values :func:`fit` tries, and how many passes over the labels' own thresholds."""

    temperatures: tuple[float, ...] = TEMPERATURES
    thresholds: tuple[float, ...] = THRESHOLDS
    gates: tuple[tuple[float, float], ...] = GATES
    quote_units: tuple[float, ...] = QUOTE_UNITS
    passes: int = 2


GRID = Grid()


@dataclass(frozen=True)
class Setting:
    temperature: float
    gate: tuple[float, float]
    thresholds: dict[str, float]
    quote_units: float = 1.0


@dataclass(frozen=True)
class Calibration:
    setting: Setting
    cv: Report  # figures on held-out folds
    fit: Report  # figures on all gold with the final setting (optimistic)
    multi_precision: float | None = None  # share of second labels (cross-validated) in `accept`
    multi_count: int = 0
    draws: tuple[tuple[float, float], ...] = ()  # (accuracy, macro-F1) per fold draw

    @property
    def spread(self) -> tuple[float, float, float, float]:
        """Mean and standard deviation of accuracy and macro-F1 over the fold draws."""
        acc, f1 = np.array(self.draws or [(self.cv.accuracy, self.cv.macro_f1)]).T
        return float(acc.mean()), float(acc.std()), float(f1.mean()), float(f1.std())

    @property
    def temperature(self) -> float:
        return self.setting.temperature

    @property
    def thresholds(self) -> dict[str, float]:
        return self.setting.thresholds


def with_setting(scheme: Scheme, s: Setting) -> Scheme:
    labels = tuple(replace(lb, threshold=s.thresholds[lb.name]) for lb in scheme.labels)
    params = {
        **scheme.thresholds.params,
        "target_miss_sentence": s.gate[0],
        "target_miss_paragraph": s.gate[1],
        "quote_units": s.quote_units,
    }
    t = replace(scheme.thresholds, temperature=s.temperature, params=params)
    return replace(scheme, labels=labels, thresholds=t)


def setting_of(scheme: Scheme) -> Setting:
    """The setting ``scheme`` has now (the inverse of :func:`with_setting`)."""
    gate = (param(scheme, "target_miss_sentence", 1.0), param(scheme, "target_miss_paragraph", 0.0))
    return Setting(
        scheme.thresholds.temperature,
        gate,
        {lb.name: scheme.threshold(lb.name) for lb in scheme.labels},
        param(scheme, "quote_units", 1.0),
    )


class _Scored:
    """The gold paragraphs' units, encoded once; unit probabilities cached per setting."""

    def __init__(self, clf: EmbeddingClassifier, gold: Sequence[dict]) -> None:
        self.clf = clf
        self.gold = list(gold)
        self.units = clf.units([g["text"] for g in self.gold], quotes=True)  # both ways tried
        self._probs: dict[tuple, np.ndarray] = {}

    def results(self, idx: Sequence[int], scheme: Scheme, s: Setting) -> list[StanceResult]:
        scorer = (param(scheme, "top_k", 1), param(scheme, "own_contrasts", 0))
        key = (s.temperature, s.gate, s.quote_units, *scorer)
        if key not in self._probs:
            sch = with_setting(scheme, s)
            c = self.clf
            self._probs[key] = unit_probs(self.units, c._owners, c._contrast, sch, c.targets)
        rows = np.flatnonzero(np.isin(self.units.owner, list(idx)))
        remap = {o: i for i, o in enumerate(idx)}
        owner = np.array([remap[o] for o in self.units.owner[rows].tolist()], dtype=np.int64)
        texts = [self.units.texts[r] for r in rows]
        probs = self._probs[key][rows]
        return decide(probs, owner, len(idx), texts, with_setting(scheme, s))

    def report(self, idx: Sequence[int], stances: Sequence[str]) -> Report:
        """Figures for paragraphs ``idx`` labelled ``stances`` (aligned by position: no need to
        match text to gold, which was most of the time of a fit)."""
        rows: list[dict | None] = [{"stance": s, "kind": "content"} for s in stances]
        return evaluate_rows([self.gold[i] for i in idx], rows)

    def score(self, idx: Sequence[int], scheme: Scheme, s: Setting) -> float:
        r = self.report(idx, [x.stance for x in self.results(idx, scheme, s)])
        return r.macro_f1 + r.accuracy


def fit(scored: _Scored, idx: Sequence[int], scheme: Scheme, grid: Grid = GRID) -> Setting:
    """Per temperature, gate and quote units: a shared threshold, then each label's own,
    ``grid.passes`` times over."""
    names = [lb.name for lb in scheme.labels]
    best: tuple[float, Setting] | None = None
    g = grid
    for t, gate, q in ((t, x, q) for t in g.temperatures for x in g.gates for q in g.quote_units):
        cand = max(
            (Setting(t, gate, dict.fromkeys(names, v), q) for v in g.thresholds),
            key=lambda s: scored.score(idx, scheme, s),
        )
        s_best = scored.score(idx, scheme, cand)
        for _ in range(g.passes):
            for n in names:
                for v in g.thresholds:
                    trial = replace(cand, thresholds={**cand.thresholds, n: v})
                    sc = scored.score(idx, scheme, trial)
                    if sc > s_best:
                        s_best, cand = sc, trial
        if best is None or s_best > best[0]:
            best = (s_best, cand)
    assert best is not None
    return best[1]


def calibrate(
    clf: EmbeddingClassifier, gold: Sequence[dict], folds: int = 5, seed: int = 0, repeats: int = 1
) -> Calibration:
    """Cross-validated figures (``repeats`` draws of the folds, the first one reported in full)
    and the setting chosen on all of the gold."""
    content = [g for g in gold if g["kind"] == "content"]
    scored = _Scored(clf, content)
    idx = list(range(len(content)))
    runs = [_cross_validate(scored, idx, folds, seed + r) for r in range(max(1, repeats))]
    cv, preds = runs[0]
    second = [(n, content[i]) for i in idx for n in preds[i].stances[1:]]
    multi = sum(n in g["accept"] for n, g in second) / len(second) if second else None
    s = fit(scored, idx, clf.scheme)
    fitted = scored.report(idx, [r.stance for r in scored.results(idx, clf.scheme, s)])
    draws = tuple((r.accuracy, r.macro_f1) for r, _ in runs)
    return Calibration(s, cv, fitted, multi, len(second), draws)


def _cross_validate(
    scored: _Scored, idx: list[int], folds: int, seed: int
) -> tuple[Report, dict[int, StanceResult]]:
    """Each fold predicted with the setting fitted on the other folds (fold draw ``seed``)."""
    order = idx[:]
    random.Random(seed).shuffle(order)
    scheme = scored.clf.scheme
    preds: dict[int, StanceResult] = {}
    for k in range(folds):
        test = sorted(order[k::folds])
        held = set(test)
        s = fit(scored, [i for i in idx if i not in held], scheme)
        preds.update(zip(test, scored.results(test, scheme, s), strict=True))
    return scored.report(idx, [preds[i].stance for i in idx]), preds


def toml_key(name: str) -> str:
    """``name`` as a TOML key: bare where it may be, else quoted (a dot would nest tables).

    >>> toml_key("mpnet"), toml_key("bge-small-en-v1.5")
    ('mpnet', '"bge-small-en-v1.5"')
    """
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def format_calibration(c: Calibration, model: str = "minilm", own_table: bool = False) -> str:
    """The report, and the setting as TOML: the general ``[thresholds]`` for the default model,
    a ``[thresholds.<model>]`` table (read by ``Scheme.for_model``) for any other, and for the
    default model too where the scheme has a table of its own (``own_table``: pasted into the
    general table, the setting would stay hidden under it)."""
    multi = (
        f"{c.multi_precision:.2f} of {c.multi_count}" if c.multi_precision is not None else "none"
    )
    s = c.setting
    acc, acc_sd, f1, f1_sd = c.spread
    general = model.removesuffix("-fp32") == "minilm" and not own_table
    lines = [
        f"{len(s.thresholds)} labels; cross-validated (held-out folds, {len(c.draws) or 1} "
        f"fold draws): accuracy {acc:.3f} ± {acc_sd:.3f}, macro-F1 {f1:.3f} ± {f1_sd:.3f}",
        f"fit on all gold (optimistic): accuracy {c.fit.accuracy:.3f}, "
        f"macro-F1 {c.fit.macro_f1:.3f}",
        f"second labels in `stances` (cross-validated) that gold accepts: {multi}",
        *(
            f"  {d}: accuracy {v['accuracy']:.3f} of {v['n']} (cross-validated, first draw)"
            for d, v in c.cv.per_doc.items()
            if len(c.cv.per_doc) > 1
        ),
        "",
        "# paste into the scheme TOML:",
        "[thresholds]" if general else f"[thresholds.{toml_key(model.removesuffix('-fp32'))}]",
        f"temperature = {s.temperature}",
        f"target_miss_sentence = {s.gate[0]}",
        f"target_miss_paragraph = {s.gate[1]}",
        f"quote_units = {s.quote_units}",
    ]
    if general:
        lines.append("# and in each [[labels]] table:")
        lines += [f"#   {n}: threshold = {v}" for n, v in s.thresholds.items()]
    else:
        lines += [f"{n} = {v}" for n, v in s.thresholds.items()]
    return "\n".join(lines)
