"""Calibrate the embedding backend's temperature and per-label thresholds on gold paragraphs,
and report honest figures by k-fold cross-validation (thresholds chosen on the other folds).

``stancemap calibrate --gold dev_gold.json`` prints the cross-validated figures and the
thresholds chosen on all of the gold, ready to paste into the scheme's TOML.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from models.classify import EmbeddingClassifier, decide
from models.evaluate import Report, evaluate_table
from models.schemes import Scheme

TEMPERATURES = (0.03, 0.05, 0.08)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass(frozen=True)
class Calibration:
    temperature: float
    thresholds: dict[str, float]
    cv: Report  # figures on held-out folds
    fit: Report  # figures on all gold with the final setting (optimistic)


def with_setting(scheme: Scheme, temperature: float, thresholds: dict[str, float]) -> Scheme:
    labels = tuple(replace(lb, threshold=thresholds[lb.name]) for lb in scheme.labels)
    return replace(
        scheme, labels=labels, thresholds=replace(scheme.thresholds, temperature=temperature)
    )


class _Scored:
    """Unit x label similarities of the gold paragraphs, computed once."""

    def __init__(self, clf: EmbeddingClassifier, gold: Sequence[dict]) -> None:
        self.gold = list(gold)
        self.texts = [g["text"] for g in self.gold]
        self.sims, self.owner, self.units = clf.similarities(self.texts)

    def predict(self, idx: Sequence[int], scheme: Scheme) -> list[str]:
        mask = np.isin(self.owner, idx)
        remap = {o: i for i, o in enumerate(idx)}
        owner = np.array([remap[o] for o in self.owner[mask]], dtype=np.int64)
        units = [u for u, m in zip(self.units, mask, strict=True) if m]
        return [r.stance for r in decide(self.sims[mask], owner, len(idx), units, scheme)]

    def report(self, idx: Sequence[int], stances: Sequence[str]) -> Report:
        g = [self.gold[i] for i in idx]
        df = pd.DataFrame(
            {"doc": [x["doc"] for x in g], "text": [x["text"] for x in g], "kind": "content"}
        )
        df["stance"] = list(stances)
        return evaluate_table(df, g)


def _objective(r: Report) -> float:
    return r.macro_f1 + r.accuracy


def fit(scored: _Scored, idx: Sequence[int], scheme: Scheme) -> tuple[float, dict[str, float]]:
    """Coordinate search: a shared threshold first, then each label's own, twice over."""
    names = [lb.name for lb in scheme.labels]

    def score(t: float, th: dict[str, float]) -> float:
        return _objective(scored.report(idx, scored.predict(idx, with_setting(scheme, t, th))))

    best = (-1.0, TEMPERATURES[0], {n: THRESHOLDS[0] for n in names})
    for t in TEMPERATURES:
        for v in THRESHOLDS:
            th = dict.fromkeys(names, v)
            s = score(t, th)
            if s > best[0]:
                best = (s, t, th)
    s_best, t, th = best
    for _ in range(2):
        for n in names:
            for v in THRESHOLDS:
                trial = {**th, n: v}
                s = score(t, trial)
                if s > s_best:
                    s_best, th = s, trial
    return t, th


def calibrate(
    clf: EmbeddingClassifier, gold: Sequence[dict], folds: int = 5, seed: int = 0
) -> Calibration:
    content = [g for g in gold if g["kind"] == "content"]
    scored = _Scored(clf, content)
    idx = list(range(len(content)))
    order = idx[:]
    random.Random(seed).shuffle(order)
    preds: dict[int, str] = {}
    for k in range(folds):
        test = sorted(order[k::folds])
        train = [i for i in idx if i not in set(test)]
        t, th = fit(scored, train, clf.scheme)
        for i, s in zip(test, scored.predict(test, with_setting(clf.scheme, t, th)), strict=True):
            preds[i] = s
    cv = scored.report(idx, [preds[i] for i in idx])
    t, th = fit(scored, idx, clf.scheme)
    fitted = scored.report(idx, scored.predict(idx, with_setting(clf.scheme, t, th)))
    return Calibration(t, th, cv, fitted)


def format_calibration(c: Calibration) -> str:
    lines = [
        f"{len(c.thresholds)} labels; cross-validated (held-out folds): "
        f"accuracy {c.cv.accuracy:.3f}, macro-F1 {c.cv.macro_f1:.3f}",
        f"fit on all gold (optimistic): accuracy {c.fit.accuracy:.3f}, "
        f"macro-F1 {c.fit.macro_f1:.3f}",
        "",
        "# paste into the scheme TOML:",
        "[thresholds]",
        f"temperature = {c.temperature}",
    ]
    lines.append("# and in each [[labels]] table:")
    lines += [f"#   {n}: threshold = {v}" for n, v in c.thresholds.items()]
    return "\n".join(lines)
