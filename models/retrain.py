"""Corrections that teach: people's stance corrections as extra training for a scheme's head.

A model version is the fingerprint of its head's training (``Settings.training().fingerprint``):
the scheme's examples plus the corrected paragraphs (as gold items, see
:func:`models.corrections.corrections_as_gold`). Training is deterministic, so the same items
under the same scheme give the same head again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from models.corrections import Correction, corrections_as_gold
from models.heldout import Embed, by_article
from models.learned import TrainingSet, gold_examples
from models.pipeline import Settings
from models.schemes import Scheme

MIN_ARTICLES = 2  # leave-one-article-out needs another article to learn from


def stance_only(corrections: Iterable[Correction]) -> list[Correction]:
    """The stance corrections (speaker fixes do not teach the stance head)."""
    return [c for c in corrections if c.field == "stance"]


def training_items(table: pd.DataFrame, corrections: Iterable[Correction]) -> list[dict]:
    """The corrected paragraphs of ``table`` as gold items, from stance corrections only."""
    items = corrections_as_gold(table, stance_only(corrections))
    return [{k: g[k] for k in ("doc", "index", "text", "kind", "stance", "accept")} for g in items]


def extra_training(items: Sequence[dict], scheme: Scheme) -> TrainingSet:
    return gold_examples(items, scheme)


def head_id(scheme: Scheme, model: str, items: Sequence[dict]) -> str:
    """The model version these items make under ``scheme``: its training fingerprint."""
    extra = extra_training(items, scheme)
    return Settings(scheme, model, extra_training=extra).training().fingerprint


@dataclass(frozen=True)
class Agreement:
    """How often a head agrees with the corrections, each article held out."""

    accuracy: float
    macro_f1: float


@dataclass(frozen=True)
class BeforeAfter:
    n: int  # corrected paragraphs scored
    articles: int
    before: Agreement | None  # the scheme's head, which never saw the corrections
    after: Agreement | None  # each article by a head trained on the other articles' corrections

    @property
    def enough(self) -> bool:
        return self.articles >= MIN_ARTICLES


def before_after(
    scheme: Scheme,
    embed: Embed,
    items: Sequence[dict],
    progress: Callable[[str], None] | None = None,
) -> BeforeAfter:
    """Agreement with the corrections under leave-one-article-out, before and after retraining.

    With fewer than :data:`MIN_ARTICLES` articles there is nothing to hold out: both are None.
    """
    known = set(scheme.label_names)
    gold = [g for g in items if g.get("stance") in known]
    articles = len({g["doc"] for g in gold})
    if articles < MIN_ARTICLES:
        return BeforeAfter(len(gold), articles, None, None)
    out = []
    for on_gold in (False, True):
        r = by_article(scheme, embed, gold, train_on_gold=on_gold, progress=progress)
        pooled = r.pooled["model"]
        out.append(Agreement(pooled.accuracy, pooled.macro_f1))
    return BeforeAfter(len(gold), articles, out[0], out[1])
