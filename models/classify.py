"""Zero-shot stance classifiers behind one interface: ``classify(texts) -> list[StanceResult]``.

- :class:`EmbeddingClassifier` (default, offline): every sentence of a paragraph is compared with
  the scheme's prototype statements (all-MiniLM-L6-v2 embeddings); per sentence a softmax over
  labels, per paragraph the strongest sentence per label; a calibrated per-label threshold
  abstains to the scheme's abstain label. The deciding sentence is returned as evidence.
- :class:`NLIClassifier`: the transformers ``zero-shot-classification`` pipeline with any NLI model
  (hub id or local folder), using the scheme's hypotheses and template.

Model specs (``--model``): ``minilm`` (int8, default), ``minilm-fp32``, ``nli:<hub id or folder>``,
or a folder holding a sentence encoder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from models.records import StanceResult
from models.schemes import Scheme
from models.text import split_sentences

Embed = Callable[[Sequence[str]], np.ndarray]
DEFAULT_MODEL = "minilm"


class Classifier(Protocol):
    name: str

    def classify(self, texts: Sequence[str]) -> list[StanceResult]: ...


@dataclass(frozen=True)
class ModelSpec:
    backend: str  # "embedding" | "nli"
    target: str  # "" for the bundled MiniLM, else a hub id or a folder
    quantize: bool = True

    @property
    def name(self) -> str:
        if self.backend == "nli":
            return f"nli:{self.target}"
        base = self.target.rstrip("/").rsplit("/", 1)[-1] if self.target else "minilm"
        return base + ("" if self.quantize else "-fp32")


def parse_model_spec(spec: str | None) -> ModelSpec:
    """``None``/"minilm" -> bundled MiniLM int8; "minilm-fp32"; "nli:X"; a folder path."""
    spec = (spec or DEFAULT_MODEL).strip()
    if spec in ("minilm", "minilm-int8"):
        return ModelSpec("embedding", "")
    if spec == "minilm-fp32":
        return ModelSpec("embedding", "", quantize=False)
    if spec.startswith("nli:"):
        return ModelSpec("nli", spec[4:])
    if os.path.isdir(spec) and _looks_like_nli(spec):
        return ModelSpec("nli", spec)
    return ModelSpec("embedding", spec)


def _looks_like_nli(folder: str) -> bool:
    import json

    try:
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as fh:
            labels = json.load(fh).get("label2id", {})
    except (OSError, ValueError):
        return False
    return any(str(k).lower().startswith("entail") for k in labels)


# --------------------------------------------------------------------------- embedding backend


def prototype_table(scheme: Scheme) -> tuple[list[str], np.ndarray]:
    """All prototype statements and, for each, the label it votes for (contrasts -> abstain)."""
    texts: list[str] = []
    owners: list[str] = []
    for lb in (*scheme.labels, scheme.abstain):
        for p in lb.prototypes:
            texts.append(p)
            owners.append(lb.name)
        for p in lb.contrasts:
            texts.append(p)
            owners.append(scheme.abstain.name)
    if not texts:
        raise ValueError(f"scheme {scheme.name!r} has no prototypes for the embedding backend")
    return texts, np.array(owners)


def label_similarity(
    units: np.ndarray, protos: np.ndarray, owners: np.ndarray, names
) -> np.ndarray:
    """(n_units, n_labels): each unit's best cosine similarity to each label's prototypes."""
    sims = units @ protos.T
    cols = []
    for name in names:
        mask = owners == name
        cols.append(sims[:, mask].max(1) if mask.any() else np.full(len(units), -1.0))
    return np.stack(cols, axis=1)


def decide(
    sims: np.ndarray, owner: np.ndarray, n_texts: int, units: Sequence[str], scheme: Scheme
) -> list[StanceResult]:
    """Turn unit x label similarities into one StanceResult per paragraph (pure)."""
    names = scheme.label_names  # stance labels first, abstain last
    t = scheme.thresholds
    probs = np.zeros((0, len(names)))
    if sims.size:
        z = sims / max(t.temperature, 1e-6)
        z = np.exp(z - z.max(1, keepdims=True))
        probs = z / z.sum(1, keepdims=True)
    results: list[StanceResult] = []
    abstain = scheme.abstain.name
    thresholds = np.array([scheme.threshold(n) for n in names[:-1]])
    for i in range(n_texts):
        rows = np.flatnonzero(owner == i)
        if rows.size == 0:
            results.append(StanceResult(abstain, 1.0, {n: 0.0 for n in names}, True))
            continue
        p = probs[rows]
        best = p[:, :-1].max(0)  # strongest sentence per stance label
        best_row = rows[p[:, :-1].argmax(0)]
        scores = {n: float(s) for n, s in zip(names[:-1], best, strict=True)}
        scores[abstain] = float(1.0 - best.max())
        k = int(np.argmax(best / thresholds))  # the label furthest over its own threshold
        over = best >= thresholds
        if over[k]:
            label, score, ev = names[k], float(best[k]), int(best_row[k])
        else:
            label, score = abstain, scores[abstain]
            ev = int(rows[p[:, -1].argmax()])
        multi = tuple(
            n for n, s, o in zip(names[:-1], best, over, strict=True) if o and s >= t.multi
        )
        if label != abstain:  # the top label first, then the others over their thresholds
            multi = (label, *(n for n in multi if n != label))
        results.append(
            StanceResult(
                stance=label,
                stance_score=round(score, 4),
                scores={n: round(v, 4) for n, v in scores.items()},
                abstained=label == abstain,
                stances=multi if scheme.multi_label else multi[:1],
                evidence=units[ev],
                evidence_score=round(float(probs[ev].max()), 4),
            )
        )
    return results


def paragraph_units(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Sentences of every paragraph, with the index of the paragraph each belongs to."""
    units: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        for s in split_sentences(text):
            units.append(s)
            owner.append(i)
    return units, np.array(owner, dtype=np.int64)


def with_paragraph_means(
    vecs: np.ndarray, owner: np.ndarray, units: list[str], texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Add one unit per multi-sentence paragraph: the normalised mean of its sentence vectors
    (the paragraph's overall drift, at no extra encoding cost)."""
    extra_vecs, extra_owner, extra_units = [], [], []
    for i in np.unique(owner):
        rows = np.flatnonzero(owner == i)
        if rows.size > 1:
            m = vecs[rows].mean(0)
            extra_vecs.append(m / max(float(np.linalg.norm(m)), 1e-9))
            extra_owner.append(i)
            extra_units.append(texts[i])
    if not extra_vecs:
        return vecs, owner, units
    return (
        np.vstack([vecs, np.stack(extra_vecs)]),
        np.concatenate([owner, np.array(extra_owner, dtype=np.int64)]),
        [*units, *extra_units],
    )


class EmbeddingClassifier:
    """Prototype-similarity classifier over sentence embeddings (state: the prototype matrix)."""

    def __init__(self, scheme: Scheme, embed: Embed, name: str = "minilm") -> None:
        self.scheme = scheme
        self.name = name
        self._embed = embed
        texts, self._owners = prototype_table(scheme)
        self._protos = embed(texts)

    def similarities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        units, owner = paragraph_units(texts)
        vecs, owner, units = with_paragraph_means(self._embed(units), owner, units, texts)
        sims = label_similarity(vecs, self._protos, self._owners, self.scheme.label_names)
        return sims, owner, units

    def classify(self, texts: Sequence[str]) -> list[StanceResult]:
        if not any(t.strip() for t in texts):
            return decide(np.zeros((0, 0)), np.zeros(0), len(texts), [], self.scheme)
        sims, owner, units = self.similarities(texts)
        return decide(sims, owner, len(texts), units, self.scheme)


# --------------------------------------------------------------------------- NLI backend


class NLIClassifier:
    """transformers zero-shot-classification with the scheme's hypotheses (state: the pipeline)."""

    def __init__(self, scheme: Scheme, model: str, *, batch_size: int = 8) -> None:
        from models.nli import load_zero_shot

        self.scheme = scheme
        self.name = f"nli:{model}"
        self._pipe = load_zero_shot(model)
        self._batch = batch_size
        self._hyp = {lb.hypothesis or lb.description or lb.name: lb.name for lb in scheme.labels}

    def classify(self, texts: Sequence[str]) -> list[StanceResult]:
        s = self.scheme
        if not texts:
            return []
        outs = self._pipe(
            list(texts),
            candidate_labels=list(self._hyp),
            hypothesis_template=s.hypothesis_template,
            multi_label=s.multi_label,
            batch_size=self._batch,
        )
        outs = outs if isinstance(outs, list) else [outs]
        results = []
        for text, out in zip(texts, outs, strict=True):
            raw = {
                self._hyp[h]: float(v) for h, v in zip(out["labels"], out["scores"], strict=True)
            }
            scores = {lb.name: raw[lb.name] for lb in s.labels}
            top = max(scores, key=lambda n: scores[n] / s.threshold(n))
            over = {n for n, v in scores.items() if v >= s.threshold(n)}
            scores[s.abstain.name] = 1.0 - max(scores.values())
            label = top if top in over else s.abstain.name
            multi = tuple(n for n in scores if n in over and scores[n] >= s.thresholds.multi)
            results.append(
                StanceResult(
                    stance=label,
                    stance_score=round(scores[label], 4),
                    scores={n: round(v, 4) for n, v in scores.items()},
                    abstained=label == s.abstain.name,
                    stances=multi if label != s.abstain.name else (),
                    evidence=text[:300],
                    evidence_score=round(scores[label], 4),
                )
            )
        return results
