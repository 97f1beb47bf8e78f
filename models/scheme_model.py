"""A stance scheme as a record: labels, thresholds, targets, and the fingerprints of what
changes classification. Reading and checking scheme files is :mod:`models.schemes`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SCHEME = DATA_DIR / "scheme_default.toml"
_PALETTE = ("#d62728", "#1f77b4", "#9467bd", "#2ca02c", "#ff7f0e", "#8c564b", "#e377c2")
ABSTAIN_COLOR = "#b0b0b0"


class SchemeError(ValueError):
    """A scheme file is missing, unreadable or inconsistent; the message says what to fix."""


@dataclass(frozen=True)
class Label:
    name: str
    description: str = ""
    title: str = ""  # the name people read (charts, legends); the id `name` is for exports
    color: str = ""
    hypothesis: str = ""  # NLI hypothesis (filled into the template)
    prototypes: tuple[str, ...] = ()  # statements that carry the stance (embedding backend)
    contrasts: tuple[str, ...] = ()  # look-alikes that do NOT carry it (count for abstain)
    examples: tuple[str, ...] = ()  # labelled training texts (inline and the examples file)
    threshold: float | None = None  # per-label override of the scheme threshold
    targets: tuple[str, ...] = ()  # keys of the scheme's [targets] this label speaks about
    # speakers' sides (the `affiliation` column) whose words do not put this position forward:
    # quoted on it, they report or oppose it (models.voices)
    not_voiced_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    abstain: float = 0.5  # top label score below this -> abstain label
    multi: float = 0.5  # every label scoring over this goes into `stances`
    temperature: float = 0.05  # softmax temperature over cosine similarities
    params: dict[str, float] = field(default_factory=dict)  # backend-specific extras


@dataclass(frozen=True)
class Scheme:
    name: str
    labels: tuple[Label, ...]  # stance labels, without the abstain label
    abstain: Label
    description: str = ""
    hypothesis_template: str = "This text {}."
    multi_label: bool = True
    thresholds: Thresholds = Thresholds()
    path: str = ""
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # target -> its names
    # model name -> overrides of [thresholds] and of label thresholds, from [thresholds.<model>]
    model_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    generic_none: bool = True  # the shipped topic-free `none` examples train the head too

    @property
    def label_names(self) -> tuple[str, ...]:
        return (*(lb.name for lb in self.labels), self.abstain.name)

    @property
    def titles(self) -> dict[str, str]:
        """Label id -> the name people read."""
        return {lb.name: lb.title or lb.name for lb in (*self.labels, self.abstain)}

    @property
    def colors(self) -> dict[str, str]:
        return {lb.name: lb.color for lb in (*self.labels, self.abstain)}

    def label(self, name: str) -> Label:
        for lb in (*self.labels, self.abstain):
            if lb.name == name:
                return lb
        raise KeyError(name)

    def threshold(self, name: str) -> float:
        lb = self.label(name)
        return self.thresholds.abstain if lb.threshold is None else lb.threshold

    def model_table(self, model: str) -> dict[str, float] | None:
        """The ``[thresholds.<model>]`` table of ``model`` (or of its name without ``-fp32``)."""
        return self.model_thresholds.get(model) or self.model_thresholds.get(
            model.removesuffix("-fp32")
        )

    def for_model(self, model: str) -> Scheme:
        """The scheme as ``model`` classifies with it: its ``[thresholds.<model>]`` table (looked
        up by the model's name, then by the name without ``-fp32``) over the general values.

        >>> from models.schemes import parse_scheme
        >>> s = parse_scheme({"name": "s", "labels": [{"name": "a", "hypothesis": "is a"}],
        ...                   "thresholds": {"temperature": 0.05, "big": {"a": 0.7}}})
        >>> s.for_model("big-fp32").threshold("a"), s.for_model("small").threshold("a")
        (0.7, 0.5)

        Only the keys the table lists change; the result has no tables left, so that editing
        one model's table leaves every other model's fingerprint (and cached results) alone.
        """
        over = self.model_table(model) or {}
        # the tables are settled here: another model's table is not part of this fingerprint
        labels = tuple(replace(lb, threshold=over.get(lb.name, lb.threshold)) for lb in self.labels)
        general = {k: v for k, v in over.items() if k in THRESHOLD_FIELDS}
        names = {lb.name for lb in self.labels}
        params = {k: v for k, v in over.items() if k not in names and k not in THRESHOLD_FIELDS}
        t = replace(self.thresholds, **general, params={**self.thresholds.params, **params})
        return replace(self, labels=labels, thresholds=t, model_thresholds={})

    @property
    def fingerprint(self) -> str:
        """A short hash of everything that changes classification output."""
        return content_hash(self, "classify")

    @property
    def table_fingerprint(self) -> str:
        """``fingerprint`` and the ``not_voiced_by`` sides, applied after classification (so
        editing them re-decides a table without reclassifying a paragraph)."""
        voices = [[lb.name, lb.not_voiced_by] for lb in self.labels if lb.not_voiced_by]
        if not voices:
            return self.fingerprint
        return hashlib.sha256(json.dumps([self.fingerprint, voices]).encode()).hexdigest()[:16]

    def label_fingerprint(self, name: str) -> str:
        """Hash of one label's classifier inputs, so a changed label recomputes only itself."""
        lb = self.label(name)
        names = {t: self.targets.get(t, ()) for t in lb.targets}
        payload = [lb.name, lb.hypothesis, lb.prototypes, lb.contrasts, sorted(names.items())]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def content_hash(scheme: Scheme, purpose: str) -> str:
    labels = [
        [lb.name, lb.hypothesis, lb.prototypes, lb.contrasts, lb.threshold, lb.targets,
         lb.description, lb.examples]
        for lb in (*scheme.labels, scheme.abstain)
    ]  # fmt: skip
    t = scheme.thresholds
    payload = [purpose, scheme.hypothesis_template, scheme.multi_label, labels, scheme.generic_none]
    payload.append(sorted(scheme.targets.items()))
    payload += [t.abstain, t.multi, t.temperature, sorted(t.params.items())]
    if scheme.model_thresholds:  # absent from schemes without tables: their fingerprints stay
        payload.append(sorted((m, sorted(v.items())) for m, v in scheme.model_thresholds.items()))
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


THRESHOLD_FIELDS = ("abstain", "multi", "temperature")
# the embedding backend's knobs (models.prototypes) that a [thresholds.<model>] table may set
PARAMS = (
    "top_k",
    "own_contrasts",
    "target_miss_sentence",
    "target_miss_paragraph",
    "quote_units",
)
