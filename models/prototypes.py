"""Prototype scoring for the embedding backend (pure numpy, no model).

A paragraph is cut into units (its sentences, its quotations of two words or more, and, for
several sentences, the mean vector of the sentences).
Each unit is compared with every prototype statement of the scheme; a label's similarity is the
mean of its ``top_k`` best prototypes; with ``own_contrasts`` a label's look-alike ``contrasts``
pull down that label alone (else they vote for the abstain label); a softmax over the labels
(``temperature``) gives unit probabilities, which :func:`models.targets.target_gate` scales by
whether the label's target is named; a label's paragraph score is its best unit; the label
furthest over its own threshold wins, or the paragraph abstains.

The knobs live in the scheme's ``[thresholds]`` table: ``temperature``, ``top_k``,
``own_contrasts``, ``target_miss_sentence``, ``target_miss_paragraph``, ``quote_units``
(chosen by ``stancemap calibrate``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.quotes import quotes_of
from models.records import StanceResult
from models.schemes import Scheme
from models.targets import Targets, target_gate
from models.text import cut_long, split_sentences


@dataclass(frozen=True)
class Units:
    """The scored units of a batch of paragraphs: unit x prototype cosine similarities."""

    raw: np.ndarray  # (n_units, n_prototypes)
    owner: np.ndarray  # (n_units,) index of the paragraph each unit belongs to
    texts: list[str]  # the unit texts (evidence)
    mentions: list[frozenset[str]]  # targets each unit names
    quoted: np.ndarray  # (n_units,) bool: a quotation unit (not a sentence or a mean)

    def subset(self, idx: Sequence[int]) -> Units:
        """The units of paragraphs ``idx``, renumbered 0..len(idx)-1 in that order."""
        remap = {o: i for i, o in enumerate(idx)}
        rows = np.flatnonzero(np.isin(self.owner, list(idx)))
        return Units(
            self.raw[rows],
            np.array([remap[o] for o in self.owner[rows].tolist()], dtype=np.int64),
            [self.texts[r] for r in rows],
            [self.mentions[r] for r in rows],
            self.quoted[rows],
        )


def prototype_table(scheme: Scheme) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every prototype and contrast statement, the label it belongs to, and whether a contrast."""
    texts: list[str] = []
    owners: list[str] = []
    contrast: list[bool] = []
    for lb in (*scheme.labels, scheme.abstain):
        for group, is_contrast in ((lb.prototypes, False), (lb.contrasts, True)):
            texts += group
            owners += [lb.name] * len(group)
            contrast += [is_contrast] * len(group)
    if not any(not c for c in contrast):
        raise ValueError(f"scheme {scheme.name!r} has no prototypes for the embedding backend")
    return texts, np.array(owners), np.array(contrast, dtype=bool)


def param(scheme: Scheme, key: str, default: float) -> float:
    return float(scheme.thresholds.params.get(key, default))


def label_similarity(
    raw: np.ndarray, owners: np.ndarray, contrast: np.ndarray, scheme: Scheme
) -> np.ndarray:
    """(n_units, n_labels): each unit's similarity to each label (labels in scheme order)."""
    k = max(1, int(param(scheme, "top_k", 1)))
    own = param(scheme, "own_contrasts", 0.0) > 0
    abstain = scheme.abstain.name
    cols = []
    for name in scheme.label_names:
        mask = (owners == name) & ~contrast
        if name == abstain and not own:
            mask |= contrast
        if not mask.any() or not len(raw):
            cols.append(np.full(len(raw), -1.0))
            continue
        best = -np.sort(-raw[:, mask], axis=1)[:, :k]
        col = best.mean(1)
        cmask = (owners == name) & contrast
        if own and cmask.any() and name != abstain:  # a closer look-alike pulls the label down
            c = raw[:, cmask].max(1)
            col = np.where(c > col, 2 * col - c, col)
        cols.append(col)
    return np.stack(cols, axis=1) if cols else np.zeros((len(raw), 0))


def unit_probs(
    units: Units, owners: np.ndarray, contrast: np.ndarray, scheme: Scheme, targets: Targets
) -> np.ndarray:
    """Softmax over labels per unit, gated by target mentions: (n_units, n_labels)."""
    sims = label_similarity(units.raw, owners, contrast, scheme)
    if not sims.size:
        return sims
    z = sims / max(scheme.thresholds.temperature, 1e-6)
    z = np.exp(z - z.max(1, keepdims=True))
    probs = z / z.sum(1, keepdims=True)
    if param(scheme, "quote_units", 1.0) <= 0:  # quotations not scored on their own
        probs[units.quoted] = 0.0
    return target_gate(
        probs,
        units.owner,
        units.mentions,
        scheme.label_names,
        targets,
        miss_sentence=param(scheme, "target_miss_sentence", 1.0),
        miss_paragraph=param(scheme, "target_miss_paragraph", 0.0),
    )


def unit_groups(owner: np.ndarray, n: int) -> list[np.ndarray]:
    """For each paragraph 0..n-1, the indices of its units in increasing order (one sort,
    not one scan per paragraph: linear in the corpus, not quadratic).

    >>> [g.tolist() for g in unit_groups(np.array([1, 0, 1, 3]), 4)]
    [[1], [0, 2], [], [3]]
    """
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(n + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(n)]


def decide(
    probs: np.ndarray, owner: np.ndarray, n_texts: int, units: Sequence[str], scheme: Scheme
) -> list[StanceResult]:
    """Unit x label probabilities -> one StanceResult per paragraph (pure).

    A second label joins ``stances`` when it is over its own threshold and scores at least
    ``thresholds.multi``; the top label comes first.
    """
    names = scheme.label_names  # stance labels first, abstain last
    abstain = scheme.abstain.name
    thresholds = np.array([scheme.threshold(n) for n in names[:-1]])
    results: list[StanceResult] = []
    for rows in unit_groups(owner, n_texts):
        if rows.size == 0:
            results.append(StanceResult(abstain, 1.0, {n: 0.0 for n in names}, True))
            continue
        p = probs[rows]
        best = p[:, :-1].max(0)  # strongest unit per stance label
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
            n
            for n, s, o in zip(names[:-1], best, over, strict=True)
            if o and s >= scheme.thresholds.multi and n != label
        )
        stances = (label, *multi) if label != abstain else ()
        results.append(
            StanceResult(
                stance=label,
                stance_score=round(score, 4),
                scores={n: round(v, 4) for n, v in scores.items()},
                abstained=label == abstain,
                stances=stances if scheme.multi_label else stances[:1],
                evidence=units[ev],
                evidence_score=round(float(probs[ev].max()), 4),
            )
        )
    return results


MIN_QUOTE_WORDS = 2  # a quoted single word is a term ("costs"), not something said


def _units_version() -> str:
    """Part of the stance cache key: a hash of the code that cuts paragraphs into units (this
    module, the sentence splitter, the quotation finder), so that changing it never serves
    results computed from other units."""
    here = Path(__file__).parent
    h = hashlib.sha256(str(MIN_QUOTE_WORDS).encode())
    for name in ("prototypes.py", "text.py", "quotes.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:  # installed without sources: the package version stands in
            from models import __version__

            h.update(f"{name}@{__version__}".encode())
    return "units-" + h.hexdigest()[:12]


UNITS = _units_version()


def _bare(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def paragraph_units(
    texts: Sequence[str], quotes: bool = True
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The units of every paragraph, with the index of the paragraph each belongs to: its
    sentences, then (with ``quotes``) each quotation of at least two words that is not a whole
    sentence already (the third array marks those).

    A quotation is the speaker's own words without the narration around them ("By pursuing a
    policy of 'containing China', Bochkov said the U.S. 'has lost touch with Beijing'"): scored
    on its own it is not diluted by the reporting frame, and a short quoted phrase ("special
    military operation") is compared with the prototypes directly.

    >>> units, owner, quoted = paragraph_units(['He said the US "lost touch with us". Ok.'])
    >>> units, quoted.tolist()
    (['He said the US "lost touch with us".', 'Ok.', 'lost touch with us'], [False, False, True])
    """
    units: list[str] = []
    owner: list[int] = []
    quoted: list[bool] = []
    for i, text in enumerate(texts):
        sentences = split_sentences(text)
        seen = {_bare(x) for x in sentences}
        said = [q for q in quotes_of(text) if len(q.split()) >= MIN_QUOTE_WORDS] if quotes else []
        extra: list[str] = []
        for piece in (piece for q in said for piece in cut_long(q)):
            if _bare(piece) not in seen:
                seen.add(_bare(piece))  # once each, however often quoted
                extra.append(piece)
        units += sentences + extra
        owner += [i] * (len(sentences) + len(extra))
        quoted += [False] * len(sentences) + [True] * len(extra)
    return units, np.array(owner, dtype=np.int64), np.array(quoted, dtype=bool)


def with_paragraph_means(
    vecs: np.ndarray, owner: np.ndarray, units: list[str], texts: Sequence[str], quoted: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Add one unit per multi-sentence paragraph: the normalised mean of its sentence vectors
    (the paragraph's overall drift, at no extra encoding cost; quotation units left out)."""
    extra_vecs, extra_owner, extra_units = [], [], []
    sentence = ~quoted
    for i, rows in enumerate(unit_groups(np.where(sentence, owner, -1), len(texts))):
        if rows.size > 1:
            m = vecs[rows].mean(0)
            extra_vecs.append(m / max(float(np.linalg.norm(m)), 1e-9))
            extra_owner.append(i)
            extra_units.append(texts[i])
    if not extra_vecs:
        return vecs, owner, units, quoted
    return (
        np.vstack([vecs, np.stack(extra_vecs)]),
        np.concatenate([owner, np.array(extra_owner, dtype=np.int64)]),
        [*units, *extra_units],
        np.concatenate([quoted, np.zeros(len(extra_vecs), bool)]),
    )
