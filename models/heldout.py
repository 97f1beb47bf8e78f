"""Held-out evaluation by article: ``stancemap evaluate --gold A --gold B ... --by article``.

Each article of the gold is scored by a head trained without it: on the scheme's examples alone,
or (``train_on_gold``) on them plus the gold paragraphs of every *other* article. Beside the model,
on the same paragraphs, two baselines: always the abstain label, and plain similarity (each
paragraph gets the label whose description, or hypothesis, or name, its vector is closest to).
Stances only: the voice rule needs the articles' speakers (``evaluate`` on a table applies it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from models.evaluate import Report, evaluate_rows
from models.learned import (
    LearnedClassifier,
    TrainingSet,
    gold_examples,
    paragraph_vectors,
    scheme_examples,
    train_head,
)
from models.schemes import Scheme

Embed = Callable[[Sequence[str]], np.ndarray]
METHODS = ("model", "always-none", "similarity")
EDGES = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@dataclass(frozen=True)
class ArticleScore:
    doc: str
    n: int
    reports: dict[str, Report]  # method -> its report on this article


@dataclass(frozen=True)
class ByArticle:
    articles: list[ArticleScore]
    pooled: dict[str, Report]  # method -> every article's held-out predictions scored together
    train_on_gold: bool
    predictions: list[str]  # the model's held-out stance for each content item, in gold order
    confidences: list[float]  # its stance_score
    reliability: list[Bin]  # stance_score against how often the stance is right


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    confidence: float  # mean stance_score in the bin
    accuracy: float  # share of its paragraphs whose stance is accepted


def reliability(
    items: Sequence[dict], stances: Sequence[str], scores: Sequence[float], edges=EDGES
) -> list[Bin]:
    """Reliability bins: a calibrated score is as often right as it says."""
    bins = []
    for low, high in itertools.pairwise(edges):
        idx = [i for i, s in enumerate(scores) if low <= s < high or (high == 1.0 and s == 1.0)]
        if idx:
            right = [stances[i] in items[i]["accept"] for i in idx]
            bins.append(Bin(low, high, len(idx), float(np.mean([scores[i] for i in idx])),
                            float(np.mean(right))))  # fmt: skip
    return bins


def expected_calibration_error(bins: Sequence[Bin]) -> float:
    n = sum(b.n for b in bins)
    return sum(b.n * abs(b.confidence - b.accuracy) for b in bins) / n if n else 0.0


def content(gold: Sequence[dict]) -> list[dict]:
    return [g for g in gold if g.get("kind") == "content"]


def similarity_baseline(scheme: Scheme, embed: Embed, texts: Sequence[str]) -> list[str]:
    """The label whose description (else hypothesis, else name) is closest to each paragraph."""
    labels = (*scheme.labels, scheme.abstain)
    names = [lb.description or lb.hypothesis or lb.name.replace("_", " ") for lb in labels]
    D = paragraph_vectors(names, embed)[0]
    P = paragraph_vectors(texts, embed)[0]
    return [labels[j].name for j in (P @ D.T).argmax(1)] if len(texts) else []


def by_article(
    scheme: Scheme,
    embed: Embed,
    gold: Sequence[dict],
    *,
    train_on_gold: bool = False,
    extra: TrainingSet | None = None,
    progress: Callable[[str], None] | None = None,
) -> ByArticle:
    """Score every article of ``gold`` with a head that never saw it (see the module doc)."""
    items = content(gold)
    docs = sorted({str(g["doc"]) for g in items})
    base = scheme_examples(scheme) + extra if extra else scheme_examples(scheme)
    shared = None if train_on_gold else LearnedClassifier(scheme, embed, train_head(base, embed))
    texts = [g["text"] for g in items]
    similar = similarity_baseline(scheme, embed, texts)
    model_pred: list[str] = [""] * len(items)
    model_score: list[float] = [0.0] * len(items)
    for doc in docs:
        idx = [i for i, g in enumerate(items) if g["doc"] == doc]
        clf = shared
        if clf is None:
            others = gold_examples([g for g in items if g["doc"] != doc], scheme)
            clf = LearnedClassifier(scheme, embed, train_head(base + others, embed))
        for i, r in zip(idx, clf.classify([texts[i] for i in idx]), strict=True):
            model_pred[i], model_score[i] = r.stance, r.stance_score
        if progress:
            progress(doc)
    preds = {
        "model": model_pred,
        "always-none": [scheme.abstain.name] * len(items),
        "similarity": similar,
    }
    labels = sorted(scheme.label_names)
    articles = []
    for doc in docs:
        idx = [i for i, g in enumerate(items) if g["doc"] == doc]
        sub = [items[i] for i in idx]
        reports = {m: _score(sub, [p[i] for i in idx], labels) for m, p in preds.items()}
        articles.append(ArticleScore(doc, len(idx), reports))
    pooled = {m: _score(items, p, labels) for m, p in preds.items()}
    bins = reliability(items, model_pred, model_score)
    return ByArticle(articles, pooled, train_on_gold, model_pred, model_score, bins)


def _score(items: Sequence[dict], stances: Sequence[str], labels: Sequence[str]) -> Report:
    return evaluate_rows(list(items), [{"stance": s} for s in stances], labels)


def format_by_article(r: ByArticle) -> str:
    """A table: per article, then the mean of articles and every paragraph pooled."""
    how = "scheme examples + the other articles' gold" if r.train_on_gold else "scheme examples"
    head = f"{'article':<28}{'n':>4}" + "".join(f"{m:>22}" for m in METHODS)
    lines = [f"held out by article; the model trained on {how}", "accuracy / macro-F1", head]

    def cells(reports: dict[str, Report]) -> str:
        return "".join(f"{reports[m].accuracy:>13.3f} / {reports[m].macro_f1:.3f}" for m in METHODS)

    for a in r.articles:
        lines.append(f"{a.doc[:27]:<28}{a.n:>4}{cells(a.reports)}")
    mean = {
        m: _Mean(
            float(np.mean([a.reports[m].accuracy for a in r.articles])),
            float(np.mean([a.reports[m].macro_f1 for a in r.articles])),
        )
        for m in METHODS
    }
    n = sum(a.n for a in r.articles)
    lines.append(f"{'mean of articles':<28}{'':>4}{cells(mean)}")  # type: ignore[arg-type]
    lines.append(f"{'all paragraphs pooled':<28}{n:>4}{cells(r.pooled)}")
    f1 = r.pooled["model"].per_label
    by_label = ", ".join(f"{k} {v['f1']:.2f}" for k, v in f1.items())
    lines.append(f"model F1 by label (pooled): {by_label}")
    ece = expected_calibration_error(r.reliability)
    lines.append(f"reliability of stance_score (expected calibration error {ece:.3f}):")
    lines += [f"  {b.low:.1f}-{b.high:.1f}: {b.n:>4} paragraphs, mean score {b.confidence:.2f}, "
              f"right {b.accuracy:.2f}" for b in r.reliability]  # fmt: skip
    return "\n".join(lines)


@dataclass(frozen=True)
class _Mean:
    accuracy: float
    macro_f1: float
