"""The learned head on the command line: ``stancemap train`` and ``evaluate --by article``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from models.cache import Cache
from models.learned import TrainingSet, gold_examples, save_head
from models.schemes import Scheme, load_scheme


def corpus_paragraphs(paths: Sequence[str]) -> pd.DataFrame:
    """``doc``, ``paragraph`` and ``text`` of every content paragraph of a corpus (no model)."""
    from models.corpus import read_corpus
    from models.segment import segment_document

    docs, _ = read_corpus([Path(p) for p in paths])
    rows = [
        {"doc": p.doc, "paragraph": p.paragraph, "text": p.text}
        for d in docs
        for p in segment_document(d)
        if p.kind == "content"
    ]
    return pd.DataFrame(rows, columns=["doc", "paragraph", "text"])


def extra_training(
    args: argparse.Namespace, prefix: str, scheme: Scheme, paths: Sequence[str]
) -> TrainingSet | None:
    """The gold files' and the stance corrections' paragraphs named by ``--{prefix}gold`` and
    ``--{prefix}corrections`` (texts from ``--{prefix}corpus``, else ``paths``)."""
    from models.evaluate import load_gold

    key = prefix.replace("-", "_")
    parts = [gold_examples(load_gold(g), scheme) for g in getattr(args, f"{key}gold")]
    corrections = getattr(args, f"{key}corrections")
    if corrections:
        from models.corrections import corrections_as_gold, load_corrections

        table = corpus_paragraphs(getattr(args, f"{key}corpus") or paths)
        for path in corrections:
            if not Path(path).is_file():
                raise FileNotFoundError(f"corrections file not found: {path}")
            stance = [c for c in load_corrections(path) if c.field == "stance"]
            items = corrections_as_gold(table, stance)
            if stance and not items:
                print(f"note: no stance correction in {path} matches the corpus", file=sys.stderr)
            parts.append(gold_examples(items, scheme))
    if not parts:
        return None
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def _engine(args: argparse.Namespace, scheme: Scheme, extra: TrainingSet | None = None):
    from models.pipeline import Engine, Settings

    settings = Settings(scheme, args.model or "minilm", extra_training=extra)
    return Engine(settings, Cache(args.cache_dir))


def cmd_train(args: argparse.Namespace) -> int:
    scheme = load_scheme(args.scheme)
    extra = extra_training(args, "", scheme, ["seeds"])
    engine = _engine(args, scheme, extra)
    training = engine.training()
    print(f"scheme {scheme.name}: {len(training.texts)} examples {training.counts()}")
    t0 = time.perf_counter()
    engine.progress = _say
    clf = engine.classifier()
    head = getattr(clf, "head", None)
    if head is None:
        print("error: train works on the embedding backend", file=sys.stderr)
        return 2
    import hashlib

    from models.learned import head_to_bytes

    digest = hashlib.sha256(head_to_bytes(head)).hexdigest()[:16]
    took = time.perf_counter() - t0
    print(f"head {training.fingerprint} for {engine.spec.name}, {took:.1f} s")
    print(f"coefficients {digest} (the same on every run of this repository and arithmetic)")
    if args.save:
        save_head(head, args.save)
        print(f"wrote {args.save}", file=sys.stderr)
    return 0


def _say(done: int, total: int, stage: str) -> None:
    print(f"\r{stage}: {done}/{total}", end="\n" if done >= total else "", file=sys.stderr)


def cmd_evaluate_by_article(args: argparse.Namespace) -> int:
    from models.evaluate import load_gold
    from models.heldout import by_article, format_by_article

    scheme = load_scheme(args.scheme)
    gold = [g for path in args.gold for g in load_gold(path)]
    engine = _engine(args, scheme)
    if engine.spec.backend != "embedding":
        print("error: --by article trains the learned head: an embedding model", file=sys.stderr)
        return 2
    result = by_article(scheme, engine.embedder(), gold, train_on_gold=args.train_on_gold)
    if args.json:
        import json

        pooled = {m: r.as_dict() for m, r in result.pooled.items()}
        articles = {a.doc: {m: r.as_dict() for m, r in a.reports.items()} for a in result.articles}
        source = f"stancemap evaluate --by article, held out, on {', '.join(args.gold)}"
        labels = {k: {"precision": v["precision"], "recall": v["recall"]}
                  for k, v in result.pooled["model"].per_label.items()}  # fmt: skip
        print(json.dumps({"source": source, "labels": labels, "pooled": pooled,
                          "articles": articles}))  # fmt: skip
    else:
        print(format_by_article(result))
    return 0
