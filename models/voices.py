"""Whose voice a stance is in: a label the paragraph's speaker's side does not voice is dropped.

The stance is the position a paragraph puts forward in the voice of its speaker. A speaker on a
side the scheme lists in a label's ``not_voiced_by`` (e.g. a US official for ``us_critical``)
who is quoted on that position reports or opposes it ("where you want to be as the history
books are written", said of China): the paragraph keeps its other labels over threshold, or
abstains. Applied by the pipeline where the stance and the attribution of a paragraph meet,
for every backend; the label scores stay as the classifier gave them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from models.records import StanceResult
from models.schemes import Scheme


def in_voice(result: StanceResult, side: str, scheme: Scheme) -> StanceResult:
    """``result`` without the labels that speakers of ``side`` do not voice (pure).

    A voiced top label stays, its barred companions leave ``stances``; a barred top label gives
    way to the voiced label furthest over its own threshold (as the classifier picks), or the
    paragraph abstains. Its evidence was the barred label's, so it is cleared.

    >>> from models.schemes import parse_scheme
    >>> s = parse_scheme({"name": "s", "labels": [
    ...     {"name": "pro", "prototypes": ["Yes."], "not_voiced_by": ["China"]},
    ...     {"name": "anti", "prototypes": ["No."]}]})
    >>> r = StanceResult("pro", 0.8, {"pro": 0.8, "anti": 0.6, "none": 0.2}, False, ("pro", "anti"))
    >>> in_voice(r, "China", s).stance, in_voice(r, "Russia", s).stance
    ('anti', 'pro')
    """
    barred = {lb.name for lb in scheme.labels if side and side in lb.not_voiced_by}
    dropped = tuple(n for n in dict.fromkeys((result.stance, *result.stances)) if n in barred)
    if not dropped:
        return result
    result = replace(result, unvoiced=dropped)
    stances = tuple(n for n in result.stances if n not in barred)
    if result.stance not in barred:
        return replace(result, stances=stances)
    over = [
        lb.name
        for lb in scheme.labels
        if lb.name not in barred and result.scores.get(lb.name, 0.0) >= scheme.threshold(lb.name)
    ]
    cleared = {"evidence": "", "evidence_score": 0.0}
    if over:
        top = max(over, key=lambda n: result.scores[n] / scheme.threshold(n))
        rest = tuple(n for n in stances if n != top) if scheme.multi_label else ()
        return replace(
            result, stance=top, stance_score=result.scores[top], stances=(top, *rest), **cleared
        )
    abstain = scheme.abstain.name
    voiced = [v for n, v in result.scores.items() if n != abstain and n not in barred]
    score = round(1.0 - max(voiced, default=0.0), 4)
    return replace(
        result,
        stance=abstain,
        stance_score=score,
        scores={**result.scores, abstain: score},
        abstained=True,
        stances=(),
        **cleared,
    )


def unvoiced(row: Mapping[str, object], scheme: Scheme) -> tuple[str, ...]:
    """For a table row: the labels the classifier gave it that the speaker's side does not voice,
    so the row does not carry them (its ``unvoiced`` column; in a table made before that column,
    the labels that scored over their threshold, from ``score_<label>``, ``stance(s)`` and
    ``affiliation``). Nothing for a row a person corrected: the rule ran on the model's speaker.

    >>> from models.schemes import parse_scheme
    >>> s = parse_scheme({"name": "s", "labels": [
    ...     {"name": "pro", "prototypes": ["Y."], "not_voiced_by": ["Russia"], "threshold": 0.5}]})
    >>> unvoiced({"affiliation": "Russia", "score_pro": 0.7}, s), unvoiced({"score_pro": 0.7}, s)
    (('pro',), ())
    """
    corrected = (row.get(c) for c in ("corrected_stance", "corrected_actor"))
    if any(isinstance(v, str) and v for v in corrected):
        return ()
    if "unvoiced" in row:  # empty in a CSV reads back as NaN: nothing unvoiced
        recorded = row.get("unvoiced")
        return tuple(n for n in recorded.split(";") if n) if isinstance(recorded, str) else ()
    side = str(row.get("affiliation") or "")
    carried = {str(row.get("stance") or ""), *str(row.get("stances") or "").split(";")}
    over = {
        lb.name
        for lb in scheme.labels
        if _number(row.get(f"score_{lb.name}")) >= scheme.threshold(lb.name)
    }
    return tuple(
        n
        for lb in scheme.labels
        if side in lb.not_voiced_by and (n := lb.name) in over and n not in carried
    )


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("-inf")
