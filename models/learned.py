"""The learned stance model: a scikit-learn head over sentence embeddings, trained per scheme.

A scheme's labels carry examples (``examples``, the scheme's ``examples_file``, prototypes, and
their descriptions and hypotheses, so that a scheme of labels and descriptions alone trains too);
contrasts and the shipped topic-free ``none`` examples train the abstain label; a label with
fewer than ``FEW_EXAMPLES`` written examples also learns from its hypothesis in a few frames.
Optionally gold paragraphs and people's corrections join them (``stancemap train --gold G
--corrections C``). ``none`` is learned like any label.

The head is a multinomial logistic regression with balanced class weights, trained on each
example's vector (the normalised mean of its sentence vectors; one sentence: that sentence). A
paragraph is read unit by unit: each stance label scores its strongest unit (a sentence or the
paragraph's mean), the abstain label scores the paragraph's mean;
the scores, normalised to sum to one, are ``scores``; the stance is the top label; every other
stance label scoring ``thresholds.multi`` or more joins ``stances``; the evidence is the unit that
gave the chosen label its score (the whole paragraph, when it abstains).

>>> t = TrainingSet(("Peace now.", "It rained."), ("peace", "none"))
>>> t.counts()
{'none': 1, 'peace': 1}
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.prototypes import paragraph_units, unit_groups, with_paragraph_means
from models.records import StanceResult
from models.schemes import DATA_DIR, Scheme

Embed = Callable[[Sequence[str]], np.ndarray]
GENERIC_NONE = DATA_DIR / "generic_none_examples.csv"
FEATURES = "unit-max-v2"  # part of every head's fingerprint: change it with the features
C = 3.0  # inverse regularisation of the logistic regression (README: how it was chosen)
# Quotations as units of their own: no better for the learned head (README), and a quarter more
# text to encode; the sentences and the paragraph's mean are the units.
QUOTE_UNITS = False
# A label with fewer written examples than this also learns from its hypothesis in these
# frames (SetFit's zero-shot recipe): a scheme of descriptions and hypotheses alone trains.
FEW_EXAMPLES = 5
ZERO_SHOT_FRAMES = ("The speaker {}.", "The article {}.")


@dataclass(frozen=True)
class TrainingSet:
    """Labelled texts, in a fixed order (the order is part of the fingerprint)."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]

    def __add__(self, other: TrainingSet) -> TrainingSet:
        return TrainingSet(self.texts + other.texts, self.labels + other.labels)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items()))

    @property
    def fingerprint(self) -> str:
        payload = json.dumps([FEATURES, C, self.texts, self.labels])
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def scheme_examples(scheme: Scheme) -> TrainingSet:
    """Everything a scheme says about its labels, as training texts (see the module doc)."""
    texts: list[str] = []
    labels: list[str] = []

    def add(group: Iterable[str], label: str) -> None:
        for t in group:
            texts.append(t)
            labels.append(label)

    abstain = scheme.abstain.name
    for lb in (*scheme.labels, scheme.abstain):
        add(lb.examples, lb.name)
        add(lb.prototypes, lb.name)
        add(lb.contrasts, abstain)
        add([lb.description] if lb.description else [], lb.name)
        if lb.hypothesis:
            add([scheme.hypothesis_template.format(lb.hypothesis)], lb.name)
            if len(lb.examples) + len(lb.prototypes) < FEW_EXAMPLES and lb is not scheme.abstain:
                add([f.format(lb.hypothesis) for f in ZERO_SHOT_FRAMES], lb.name)
    if scheme.generic_none:
        add(generic_none(), abstain)
    return TrainingSet(tuple(texts), tuple(labels))


def generic_none() -> list[str]:
    """The shipped topic-free examples of reporting that takes no position."""
    with GENERIC_NONE.open(encoding="utf-8", newline="") as fh:
        return [r["text"].strip() for r in csv.DictReader(fh) if r["text"].strip()]


def gold_examples(items: Iterable[dict], scheme: Scheme) -> TrainingSet:
    """Content paragraphs of a gold file (``dev_gold.json`` format) whose stance the scheme has."""
    known = set(scheme.label_names)
    rows = [(g["text"], g["stance"]) for g in items
            if g.get("kind", "content") == "content" and g.get("stance") in known]  # fmt: skip
    return TrainingSet(tuple(t for t, _ in rows), tuple(lb for _, lb in rows))


def paragraph_vectors(texts: Sequence[str], embed: Embed) -> tuple[np.ndarray, _Units]:
    """One feature vector per paragraph, and its units (for the evidence)."""
    units, owner, quoted = paragraph_units(texts, QUOTE_UNITS)
    vecs = embed(units) if units else np.zeros((0, 0), dtype=np.float32)
    vecs, owner, units, quoted = with_paragraph_means(vecs, owner, units, texts, quoted)
    groups = unit_groups(owner, len(texts))
    dim = vecs.shape[1] if vecs.size else 0
    feats = np.zeros((len(texts), dim), dtype=np.float32)
    for i, rows in enumerate(groups):
        sentences = [r for r in rows if not quoted[r]]
        if sentences:
            feats[i] = vecs[sentences[-1]]  # the mean unit comes last; one sentence: itself
    return feats, _Units(vecs, groups, units)


@dataclass(frozen=True)
class _Units:
    vecs: np.ndarray
    groups: list[np.ndarray]
    texts: list[str]


Progress = Callable[[int, int, str], None]
STEP = 64  # examples embedded between two progress reports


def train_head(training: TrainingSet, embed: Embed, progress: Progress | None = None) -> object:
    """Fit the head (a scikit-learn ``LogisticRegression``) on ``training``."""
    from sklearn.linear_model import LogisticRegression

    counts = training.counts()
    if len(counts) < 2:
        raise ValueError(f"training needs examples of two labels at least, got {counts}")
    n = len(training.texts)
    parts = []
    for start in range(0, n, STEP):
        parts.append(paragraph_vectors(training.texts[start : start + STEP], embed)[0])
        if progress:
            progress(min(start + STEP, n), n, "training")
    X = np.vstack(parts)
    head = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    return head.fit(X, np.array(training.labels))


def head_to_bytes(head: object) -> bytes:
    """The fitted coefficients as a small ``.npz`` (no pickle: safe to load from a cache)."""
    buf = io.BytesIO()
    np.savez(buf, coef=head.coef_, intercept=head.intercept_, classes=head.classes_.astype(str))  # type: ignore[attr-defined]
    return buf.getvalue()


def head_from_bytes(raw: bytes) -> object:
    from sklearn.linear_model import LogisticRegression

    data = np.load(io.BytesIO(raw), allow_pickle=False)
    head = LogisticRegression()
    head.coef_, head.intercept_ = data["coef"], data["intercept"]
    head.classes_ = data["classes"].astype(object)
    head.n_features_in_ = head.coef_.shape[1]
    return head


def save_head(head: object, path: str | Path) -> None:
    Path(path).write_bytes(head_to_bytes(head))


def cached_head(
    training: TrainingSet,
    embed: Embed,
    cache: object,
    encoder_key: str,
    progress: Progress | None = None,
) -> object:
    """The head for ``training`` under this encoder: from the cache (``models.cache.Cache``),
    else trained now and kept there under the fingerprint of (encoder, training data)."""
    ns, key = f"head:{encoder_key}", training.fingerprint
    found = cache.get_many(ns, [key])  # type: ignore[attr-defined]
    if key in found:
        return head_from_bytes(found[key])
    head = train_head(training, embed, progress)
    cache.put_many(ns, [(key, head_to_bytes(head))])  # type: ignore[attr-defined]
    return head


class LearnedClassifier:
    """Stance by a trained head over paragraph vectors (state: the head and the encoder)."""

    def __init__(self, scheme: Scheme, embed: Embed, head: object, name: str = "minilm") -> None:
        self.scheme = scheme
        self.name = name
        self._embed = embed
        self.head = head
        classes = [str(c) for c in head.classes_]  # type: ignore[attr-defined]
        missing = [n for n in scheme.label_names if n not in classes]
        if missing:
            raise ValueError(f"the trained head has no examples of {missing}")
        self._cols = [classes.index(n) for n in scheme.label_names]

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """(n, labels in scheme order) probabilities."""
        if not len(X):
            return np.zeros((0, len(self._cols)))
        return self.head.predict_proba(X)[:, self._cols]  # type: ignore[attr-defined]

    def classify(self, texts: Sequence[str]) -> list[StanceResult]:
        X, units = paragraph_vectors(texts, self._embed)
        probs = self.probabilities(X)
        unit_probs = self.probabilities(units.vecs) if len(units.texts) else probs[:0]
        return [
            self._result(probs[i], unit_probs, units, rows) for i, rows in enumerate(units.groups)
        ]

    def _result(
        self, para: np.ndarray, unit_probs: np.ndarray, units: _Units, rows: np.ndarray
    ) -> StanceResult:
        s = self.scheme
        names = s.label_names
        abstain = s.abstain.name
        if rows.size == 0:  # an empty paragraph
            return StanceResult(abstain, 1.0, {n: 0.0 for n in names}, True)
        p = unit_probs[rows].max(0)  # each stance label: its strongest unit
        p[-1] = para[-1]  # the abstain label: the paragraph as a whole
        p = p / p.sum()
        k = int(np.argmax(p))
        label = names[k]
        multi = [n for n, v in zip(names, p, strict=True)
                 if n not in (label, abstain) and v >= s.thresholds.multi]  # fmt: skip
        stances = (label, *multi) if label != abstain else ()
        ev = int(rows[int(np.argmax(unit_probs[rows, k]))]) if label != abstain else int(rows[-1])
        return StanceResult(
            stance=label,
            stance_score=round(float(p[k]), 4),
            scores={n: round(float(v), 4) for n, v in zip(names, p, strict=True)},
            abstained=label == abstain,
            stances=stances if s.multi_label else stances[:1],
            evidence=units.texts[ev],
            evidence_score=round(float(unit_probs[ev, k]), 4),
        )
