"""Which target (a country, an alliance, ...) a sentence speaks about, from the scheme's own names.

A scheme may name its targets in a ``[targets]`` table (target -> the names it goes by) and list,
in each label's ``targets``, the targets that label speaks about::

    [targets]
    us = ["United States", "U.S.", "US", "Washington"]
    [[labels]]
    name = "us_critical"
    targets = ["us"]

A sentence that names none of a label's targets, in a paragraph that names none of them either,
cannot carry that label (``target_miss_paragraph``, default 0: its probability is multiplied by
it); a sentence of a paragraph that names the target elsewhere keeps ``target_miss_sentence`` of
it (pronouns: "It has a foreign policy ..."). Names in capitals (``US``, ``NATO``) or with dots
(``U.S.``) match case-sensitively, so "get us out" does not name the US; others match in any case.

>>> t = Targets.build({"us": ["US", "Washington"]}, {"us_critical": ("us",)})
>>> sorted(t.mentions("Washington said so")), sorted(t.mentions("get us out"))
(['us'], [])
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from models.schemes import Scheme


def name_pattern(names: Sequence[str]) -> re.Pattern[str] | None:
    """One regex matching any of the names as whole words (see the module doc for case)."""
    parts = []
    for n in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        esc = re.escape(n)
        parts.append(f"(?-i:{esc})" if n.isupper() or "." in n else esc)
    if not parts:
        return None
    return re.compile(r"(?<![\w.])(?i:" + "|".join(parts) + r")(?!\w)")


@dataclass(frozen=True)
class Targets:
    patterns: Mapping[str, re.Pattern[str]] = field(default_factory=dict)
    by_label: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, names: Mapping[str, Sequence[str]], by_label: Mapping[str, Sequence[str]]):
        pats = {k: p for k, v in names.items() if (p := name_pattern(v)) is not None}
        labels = {lb: frozenset(t for t in ts if t in pats) for lb, ts in by_label.items()}
        return cls(pats, {lb: ts for lb, ts in labels.items() if ts})

    def mentions(self, text: str) -> frozenset[str]:
        return frozenset(k for k, p in self.patterns.items() if p.search(text))

    def __bool__(self) -> bool:
        return bool(self.by_label)


def load_targets(scheme: Scheme) -> Targets:
    """The scheme's targets (its ``[targets]`` table and each label's ``targets``).

    A scheme without a ``[targets]`` table gets no targets, and no label is gated.
    """
    by_label = {lb.name: lb.targets for lb in scheme.labels if lb.targets}
    return Targets.build(scheme.targets, by_label)


def target_gate(
    probs: np.ndarray,
    owner: np.ndarray,
    mentions: Sequence[frozenset[str]],
    label_names: Sequence[str],
    targets: Targets,
    *,
    miss_sentence: float = 1.0,
    miss_paragraph: float = 0.0,
) -> np.ndarray:
    """Scale each unit's label probabilities by whether it (or its paragraph) names the target.

    ``probs`` is (n_units, n_labels) with the labels in ``label_names`` order; labels without
    targets (the abstain label among them) are left as they are. Pure: returns a new array.
    """
    out = probs.copy()
    if not targets or not len(owner):
        return out
    para: dict[int, frozenset[str]] = {}
    for o, m in zip(owner.tolist(), mentions, strict=True):
        para[o] = para.get(o, frozenset()) | m
    for j, name in enumerate(label_names):
        wanted = targets.by_label.get(name)
        if not wanted:
            continue
        for u, (o, m) in enumerate(zip(owner.tolist(), mentions, strict=True)):
            if not m & wanted:
                out[u, j] *= miss_sentence if para[o] & wanted else miss_paragraph
    return out
