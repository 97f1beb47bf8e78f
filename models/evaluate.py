"""Score a paragraph table against hand-labelled gold paragraphs (format of dev_gold.json).

Rows are matched to gold items by document file name and normalised text (as the shared
``score.py`` does). A prediction in the item's ``accept`` list counts as right; macro-F1 is over
every label of the gold; actors match on the surname, narration being an empty actor.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

NARRATOR_NAMES = {"", "narrator", "(narrator)", "author", "outlet", "none"}
_TITLES = re.compile(r"^(mr|ms|mrs|dr|president|secretary|the)\s+")


def norm(text: str) -> str:
    s = unicodedata.normalize("NFKC", text or "").lower()
    s = re.sub(r"[“”\"'‘’]", "", s)
    return re.sub(r"\W+", " ", s).strip()


def _surname_match(pred: str, wanted: str) -> bool:
    p, w = _TITLES.sub("", norm(pred)), _TITLES.sub("", norm(wanted))
    if not w:
        return p in NARRATOR_NAMES
    return bool(p) and (p == w or p.split()[-1] == w.split()[-1])


@dataclass(frozen=True)
class Report:
    n: int
    matched: int
    accuracy: float
    macro_f1: float
    per_label: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    actor_accuracy: float | None
    furniture_kept_out: tuple[int, int]
    unmatched: list[str] = field(default_factory=list)
    per_doc: dict[str, dict[str, float]] = field(default_factory=dict)  # doc -> n, accuracy
    misses: list[dict[str, object]] = field(default_factory=list)  # the wrong stances

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def load_gold(path: str | Path) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: gold must be a JSON list of items")
    return data


def _match(gold: dict, by_doc: dict[str, list[tuple[str, dict]]]) -> dict | None:
    key = norm(gold["text"])[:60]
    full = norm(gold["text"])
    for text, row in by_doc.get(Path(gold["doc"]).name, []):
        if key in text or (text and text[:60] in full):
            return row
    return None


def evaluate_table(table: pd.DataFrame, gold: list[dict]) -> Report:
    """Score a table (the columns of ``models.table``) against gold items."""
    by_doc: dict[str, list[tuple[str, dict]]] = {}
    for row in table.to_dict("records"):
        by_doc.setdefault(Path(str(row["doc"])).name, []).append((norm(str(row["text"])), row))
    return evaluate_rows(gold, [_match(g, by_doc) for g in gold])


def evaluate_rows(
    gold: list[dict], rows: list[dict | None], labels: Sequence[str] | None = None
) -> Report:
    """Score ``rows[i]`` (a row's fields: ``stance``, optionally ``kind`` and ``actor``; None
    where the table has no such paragraph) against ``gold[i]``, already matched. Macro-F1 is
    over ``labels`` (default: the gold's labels and ``none``)."""
    if labels is None:
        labels = sorted({g["stance"] for g in gold if g["kind"] == "content"} | {"none"})
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = {lb: Counter() for lb in labels}
    n = matched = right = actor_right = actor_n = furn_ok = furn_n = 0
    unmatched: list[str] = []
    docs: dict[str, list[bool]] = {}
    misses: list[dict[str, object]] = []
    for g, row in zip(gold, rows, strict=True):
        if g["kind"] in ("boilerplate", "heading"):
            furn_n += 1
            furn_ok += row is None or str(row.get("kind", "")) != "content"
            continue
        if g["kind"] != "content":
            continue
        n += 1
        pred = "(missing)" if row is None else str(row.get("stance") or "none")
        ok = row is not None and pred in g["accept"]
        docs.setdefault(str(g["doc"]), []).append(ok)
        if not ok:  # a gold paragraph missing from the table counts as wrong, as in accuracy
            misses.append(
                {"doc": g["doc"], "index": g["index"], "gold": g["stance"],
                 "accept": list(g["accept"]), "predicted": pred, "text": g["text"]}
            )  # fmt: skip
        if row is None:
            unmatched.append(f"{g['doc']}:{g['index']}")
            fn[g["stance"]] += 1
            confusion.setdefault(g["stance"], Counter())["(missing)"] += 1
            continue
        matched += 1
        right += ok
        truth = pred if ok else g["stance"]
        confusion.setdefault(truth, Counter())[pred] += 1
        if pred == truth:
            tp[truth] += 1
        else:
            fn[truth] += 1
            fp[pred] += 1
        if "actor" in row:
            actor_n += 1
            wanted = [g.get("actor", ""), *g.get("actor_ok", [])]
            actor_right += any(_surname_match(str(row["actor"] or ""), w) for w in wanted)
    per_label = {}
    for lb in labels:
        p = tp[lb] / (tp[lb] + fp[lb]) if tp[lb] + fp[lb] else 0.0
        r = tp[lb] / (tp[lb] + fn[lb]) if tp[lb] + fn[lb] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_label[lb] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
    return Report(
        n=n,
        matched=matched,
        accuracy=round(right / n, 3) if n else 0.0,
        macro_f1=round(sum(v["f1"] for v in per_label.values()) / len(per_label), 3),
        per_label=per_label,
        confusion={k: dict(v) for k, v in confusion.items()},
        actor_accuracy=round(actor_right / actor_n, 3) if actor_n else None,
        furniture_kept_out=(furn_ok, furn_n),
        unmatched=unmatched,
        per_doc={d: {"n": len(v), "accuracy": round(sum(v) / len(v), 3)} for d, v in docs.items()},
        misses=misses,
    )


def _snippet(text: object, width: int = 90) -> str:
    """One line of untrusted text for a terminal: control characters out, whitespace folded."""
    s = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def format_report(r: Report, misses: bool = False) -> str:
    """The report as text; with ``misses`` every wrongly labelled paragraph too."""
    lines = [
        f"paragraphs: {r.n} (matched {r.matched})",
        f"stance accuracy: {r.accuracy:.3f}   macro-F1: {r.macro_f1:.3f}",
    ]
    if r.actor_accuracy is not None:
        lines.append(f"actor accuracy: {r.actor_accuracy:.3f}")
    ok, tot = r.furniture_kept_out
    lines.append(f"furniture kept out of the content: {ok}/{tot}")
    lines.append("")
    lines.append(f"{'label':<16}{'precision':>10}{'recall':>8}{'f1':>8}")
    for lb, v in r.per_label.items():
        lines.append(f"{lb:<16}{v['precision']:>10.3f}{v['recall']:>8.3f}{v['f1']:>8.3f}")
    preds = sorted({p for row in r.confusion.values() for p in row})
    lines.append("")
    lines.append("confusion (rows: gold, columns: predicted)")
    lines.append(" " * 16 + "".join(f"{p[:14]:>15}" for p in preds))
    for gl, row in r.confusion.items():
        lines.append(f"{gl:<16}" + "".join(f"{row.get(p, 0):>15}" for p in preds))
    if len(r.per_doc) > 1:
        lines += ["", "by document (accuracy, paragraphs)"]
        lines += [f"  {d:<40}{v['accuracy']:>7.3f}{v['n']:>6}" for d, v in r.per_doc.items()]
    if r.unmatched:
        lines.append(f"unmatched gold items: {', '.join(r.unmatched[:20])}")
    if misses and r.misses:
        lines += ["", f"wrong stances ({len(r.misses)}): doc:index  gold -> predicted  text"]
        lines += [
            f"  {_snippet(m['doc'], 40)}:{m['index']}  {m['gold']} -> {m['predicted']}  "
            f"{_snippet(m['text'])}"
            for m in r.misses
        ]
    return "\n".join(lines)
