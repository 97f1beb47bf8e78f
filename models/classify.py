"""Zero-shot stance classifiers behind one interface: ``classify(texts) -> list[StanceResult]``.

- :class:`EmbeddingClassifier` (default, offline): every unit of a paragraph (its sentences and
  quotations) is compared with the scheme's prototype statements (all-MiniLM-L6-v2 embeddings);
  per unit a softmax over labels, gated by whether the unit names the label's target; per
  paragraph the strongest unit per label; a calibrated per-label threshold abstains to the
  scheme's abstain label. The deciding unit is returned as evidence (see :mod:`models.prototypes`).
- :class:`NLIClassifier`: the transformers ``zero-shot-classification`` pipeline with any NLI model
  (hub id or local folder), using the scheme's hypotheses and template.

Model specs (``--model``): ``minilm`` (per-token int8, default), ``minilm-fp32``, ``mpnet``
(``pip install 'stancemap[mpnet]'``), ``nli:<hub id or folder>``, or a folder holding a sentence
encoder.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from models.arithmetic import ENCODINGS, PATHS, choose
from models.packaged import PACKAGED
from models.prototypes import (
    Units,
    decide,
    paragraph_units,
    param,
    prototype_table,
    unit_probs,
    with_paragraph_means,
)
from models.records import StanceResult
from models.schemes import Scheme
from models.targets import Targets, load_targets

Embed = Callable[[Sequence[str]], np.ndarray]
DEFAULT_MODEL = "minilm"


class Classifier(Protocol):
    name: str

    def classify(self, texts: Sequence[str]) -> list[StanceResult]: ...


@dataclass(frozen=True)
class ModelSpec:
    backend: str  # "embedding" | "nli"
    target: str  # "" for the bundled MiniLM, else a hub id or a folder
    arithmetic: str = "int8"  # models.arithmetic.PATHS; the int8 ones per token (models.int8)

    @property
    def cache_name(self) -> str:
        """The name plus the numerics, so that a change of encoding never reuses old vectors."""
        if self.backend == "nli":
            return self.name
        where = ""  # a folder: its absolute path too (two folders may share a name)
        if self.target and self.target not in PACKAGED:
            where = "#" + hashlib.sha256(os.path.abspath(self.target).encode()).hexdigest()[:8]
        return f"{self.name}{where}@{ENCODINGS[self.arithmetic]}"

    @property
    def name(self) -> str:
        if self.backend == "nli":
            return f"nli:{self.target}"
        base = self.target.rstrip("/").rsplit("/", 1)[-1] if self.target else "minilm"
        return base + ("" if self.arithmetic == "int8" else f"-{self.arithmetic}")


def parse_model_spec(spec: str | None) -> ModelSpec:
    """``None``/"minilm" -> bundled MiniLM in the arithmetic this CPU runs fastest
    (:mod:`models.arithmetic`: int8, fbgemm or fp32); "minilm-int8" (the former
    ``minilm-batched`` names the same), "minilm-fbgemm" and "minilm-fp32" force one; a packaged
    encoder likewise ("mpnet", "mpnet-fp32", ..., see models.packaged); "nli:X"; a folder path
    (``./mpnet`` for a folder of that name)."""
    spec = (spec or DEFAULT_MODEL).strip()
    if spec == "minilm-batched":
        spec = "minilm-int8"
    for base in ("minilm", *PACKAGED):
        for path in ("", *PATHS):
            if spec == base + (f"-{path}" if path else ""):
                target = "" if base == "minilm" else base
                return ModelSpec("embedding", target, arithmetic=path or choose().path)
    if spec.startswith("nli:"):
        return ModelSpec("nli", spec[4:])
    if os.path.isdir(spec) and _looks_like_nli(spec):
        return ModelSpec("nli", spec)
    return ModelSpec("embedding", spec, arithmetic=choose().path)


def _looks_like_nli(folder: str) -> bool:
    import json

    try:
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as fh:
            labels = json.load(fh).get("label2id", {})
    except (OSError, ValueError):
        return False
    return any(str(k).lower().startswith("entail") for k in labels)


# --------------------------------------------------------------------------- embedding backend


class EmbeddingClassifier:
    """Prototype-similarity classifier over sentence embeddings (state: the prototype matrix).

    The scoring is in :mod:`models.prototypes`; the targets each label speaks about come from
    the scheme's ``[targets]`` table (:mod:`models.targets`).
    """

    def __init__(
        self, scheme: Scheme, embed: Embed, name: str = "minilm", targets: Targets | None = None
    ) -> None:
        self.scheme = scheme
        self.name = name
        self._embed = embed
        texts, self._owners, self._contrast = prototype_table(scheme)
        self._protos = embed(texts)
        self.targets = load_targets(scheme) if targets is None else targets

    def units(self, texts: Sequence[str], quotes: bool | None = None) -> Units:
        """Encode the units of ``texts`` (plus paragraph means) and compare with prototypes;
        quotation units as the scheme's ``quote_units`` says, unless ``quotes`` is given."""
        if quotes is None:
            quotes = param(self.scheme, "quote_units", 1.0) > 0
        units, owner, quoted = paragraph_units(texts, quotes)
        vecs, owner, units, quoted = with_paragraph_means(
            self._embed(units), owner, units, texts, quoted
        )
        raw = vecs @ self._protos.T if len(units) else np.zeros((0, len(self._owners)))
        return Units(raw, owner, units, [self.targets.mentions(u) for u in units], quoted)

    def decide(self, units: Units, n_texts: int, scheme: Scheme | None = None):
        """Results for already-encoded units, optionally under another setting of the scheme."""
        s = scheme or self.scheme
        probs = unit_probs(units, self._owners, self._contrast, s, self.targets)
        return decide(probs, units.owner, n_texts, units.texts, s)

    def classify(self, texts: Sequence[str]) -> list[StanceResult]:
        if not any(t.strip() for t in texts):
            return decide(np.zeros((0, 0)), np.zeros(0), len(texts), [], self.scheme)
        return self.decide(self.units(texts), len(texts))


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
        from models.encoder import configure_threads

        s = self.scheme
        if not texts:
            return []
        configure_threads()  # this thread may have been left with one torch thread
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
