"""The ``stancemap`` command line (the parser is in ``cli_parser``)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path

from models.cli_learn import cmd_evaluate_by_article, cmd_train, extra_training
from models.cli_parser import build_parser
from models.cli_statements import cmd_statements


def _progress_bar(quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="doc", file=sys.stderr, leave=False)

    def update(done: int, total: int, stage: str) -> None:
        bar.total = total
        bar.set_description(stage)
        bar.n = done
        bar.refresh()

    return update, bar


def _registry(path: str | None):
    if not path:
        return None
    from models.registry import load_registry

    return load_registry(Path(path))


def _analyze(args: argparse.Namespace, paths: list[str], quiet: bool = True):
    from models.pipeline import analyze
    from models.schemes import load_scheme

    update, bar = _progress_bar(quiet)
    scheme = load_scheme(args.scheme)
    try:
        return analyze(
            paths,
            scheme=scheme,
            model=args.model,
            registry=_registry(args.registry),
            cache_dir=args.cache_dir,
            progress=update,
            extra_training=_extra(args, scheme),
            head=args.head,
        )
    finally:
        if bar is not None:
            bar.close()


def cmd_analyze(args: argparse.Namespace) -> int:
    from models.summary import stance_mix
    from models.table import FORMATS

    if args.out and Path(args.out).suffix not in FORMATS:
        raise ValueError(
            f"unknown output format {Path(args.out).suffix!r}: use {', '.join(FORMATS)}"
        )
    if (args.shards or args.ray) and not args.out:
        raise ValueError("--shards and --ray write shard files: give --out")
    t0 = time.perf_counter()
    if args.shards or args.ray:
        rows, problems, mix, model, scheme = _sharded(args)
    elif args.out:  # stream to the file in bounded memory
        rows, problems, mix, model, scheme = _stream(args)
    else:
        result = _analyze(args, args.paths, quiet=args.quiet)
        rows, problems, model = len(result.table), result.problems, result.model
        mix, scheme = stance_mix(result.table), result.scheme.name
    for p in problems:
        print(f"{p.severity} {p.path}: {p.reason}", file=sys.stderr)
    if rows == 0:
        print("error: nothing readable in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    if args.out:
        print(f"wrote {rows} paragraphs to {args.out}", file=sys.stderr)
    from models.schemes import load_scheme
    from models.summary import in_scheme_order

    print(in_scheme_order(mix, load_scheme(args.scheme).label_names).to_string())
    print(
        f"\n{rows} paragraphs, model {model}, scheme {scheme}, {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return 0


def _settings(args: argparse.Namespace):
    from models.pipeline import Settings, corpus_registry
    from models.schemes import load_scheme

    registry = _registry(args.registry) or corpus_registry(args.paths)
    scheme = load_scheme(args.scheme)
    extra = _extra(args, scheme)
    return Settings(scheme, args.model or "minilm", registry, head=args.head, extra_training=extra)


def _extra(args: argparse.Namespace, scheme):
    """``analyze --train-gold/--train-corrections``: more training for the head (or None)."""
    if not hasattr(args, "train_gold"):
        return None
    return extra_training(args, "train-", scheme, args.paths)


def _sharded(args: argparse.Namespace):
    from models.classify import parse_model_spec
    from models.shards import analyze_sharded
    from models.summary import stance_mix
    from models.table import read_table

    settings = _settings(args)
    executor = "ray" if args.ray else "local"
    address = None if args.ray in (None, "local") else args.ray
    results = analyze_sharded(
        args.paths, args.out, settings=settings, shards=args.shards or 4,
        cache_dir=args.cache_dir, executor=executor, address=address,
    )  # fmt: skip
    skipped = sum(r.skipped for r in results)
    print(f"{len(results)} shards ({skipped} already finished, not redone)", file=sys.stderr)
    problems = [p for r in results for p in r.problems]
    mix = stance_mix(read_table(args.out))
    rows = sum(r.rows for r in results)
    return rows, problems, mix, parse_model_spec(settings.model).name, settings.scheme.name


def _stream(args: argparse.Namespace):
    import pandas as pd

    from models.cache import Cache
    from models.pipeline import Engine
    from models.stream import analyze_to_file
    from models.summary import stance_mix

    engine = Engine(_settings(args), Cache(args.cache_dir))
    scheme = engine.settings.scheme
    mixes: list[pd.DataFrame] = []
    update, bar = _progress_bar(args.quiet)
    try:
        rows, problems = analyze_to_file(
            args.paths, args.out, engine=engine, progress=update,
            on_chunk=lambda c: mixes.append(stance_mix(c)),
        )  # fmt: skip
    finally:
        engine.close()
        if bar is not None:
            bar.close()
    mix = pd.concat(mixes).groupby(level=0).sum().fillna(0).astype(int) if mixes else None
    return rows, problems, mix if mix is not None else pd.DataFrame(), engine.spec.name, scheme.name


def cmd_evaluate(args: argparse.Namespace) -> int:
    from models.evaluate import evaluate_table, format_report, load_gold
    from models.table import read_table

    if not args.gold and not args.corrections:
        raise ValueError("evaluate needs --gold FILE or --corrections FILE (or both)")
    if args.by == "article":
        if not args.gold:
            raise ValueError("--by article needs --gold")
        return cmd_evaluate_by_article(args)
    golds: dict[str, list[dict]] = {}
    if args.gold:
        golds["gold"] = [g for path in args.gold for g in load_gold(path)]
    if args.corrections and not Path(args.corrections).is_file():
        raise FileNotFoundError(f"corrections file not found: {args.corrections}")
    table = read_table(args.export) if args.export else _analyze(args, args.paths).table
    if args.corrections:
        from models.corrections import corrections_as_gold, load_corrections, model_values

        table = model_values(table)  # an export with corrections applied: score the model
        golds["corrections"] = corrections_as_gold(table, load_corrections(args.corrections))
        if not golds["corrections"]:
            print(f"note: no correction in {args.corrections} matches the table", file=sys.stderr)
    reports = {name: evaluate_table(table, gold) for name, gold in golds.items()}
    if not args.json:
        print("in-sample: the model may have been trained or tuned on this gold; held-out "
              "figures: --by article", file=sys.stderr)  # fmt: skip
    if len(reports) == 1:  # one report: printed as before
        report = next(iter(reports.values()))
        print(json.dumps(report.as_dict()) if args.json else format_report(report, args.misses))
    elif args.json:
        print(json.dumps({name: r.as_dict() for name, r in reports.items()}))
    else:
        named = {"gold": ", ".join(args.gold or []), "corrections": args.corrections}
        text = (f"== {n}: {named[n]}\n{format_report(r, args.misses)}" for n, r in reports.items())
        print("\n\n".join(text))
    return 0


def cmd_actors(args: argparse.Namespace) -> int:
    from models.attribute import actor_summary

    result = _analyze(args, args.paths)
    summary = actor_summary(result.table)
    print(summary.to_string(index=False))
    if args.save_registry:
        from models.registry import build_registry_from_table, save_registry

        save_registry(build_registry_from_table(result.table), Path(args.save_registry))
        print(f"wrote {args.save_registry}", file=sys.stderr)
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from models.cache import Cache
    from models.calibrate import calibrate, format_calibration
    from models.classify import EmbeddingClassifier
    from models.evaluate import load_gold
    from models.pipeline import Engine, Settings
    from models.schemes import load_scheme

    scheme = load_scheme(args.scheme)
    engine = Engine(
        Settings(scheme, args.model or "minilm", head="prototypes"), Cache(args.cache_dir)
    )
    clf = engine.classifier()
    if not isinstance(clf, EmbeddingClassifier):
        print("error: calibrate works on the embedding backend", file=sys.stderr)
        return 2
    gold = load_gold(args.gold)
    report = calibrate(clf, gold, folds=args.folds, repeats=args.repeats)
    name = engine.spec.name
    print(format_calibration(report, name, own_table=scheme.model_table(name) is not None))
    if args.ceiling:
        from functools import partial

        from models.ceiling import ceiling, format_ceiling

        say = partial(print, file=sys.stderr, flush=True)
        print("\n" + format_ceiling(ceiling(clf, gold, progress=say)))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from models.bench import run_bench

    models = [m for m in args.models.split(",") if m]
    dash = None if args.dashboard is None else (args.dashboard or [1_000, 20_000, 100_000])
    print(
        run_bench(
            args.paths, models, repeat=args.repeat, scale=args.scale, analyze=args.analyze,
            dashboard=dash, rounds=args.rounds, per_doc=args.per_doc,
        )
    )  # fmt: skip
    return 0


COMMANDS = {
    "analyze": cmd_analyze,
    "evaluate": cmd_evaluate,
    "actors": cmd_actors,
    "calibrate": cmd_calibrate,
    "train": cmd_train,
    "bench": cmd_bench,
    "statements": cmd_statements,  # models/cli_statements.py
}


def main(argv: list[str] | None = None) -> int:
    if argv is None and hasattr(signal, "SIGPIPE"):  # `stancemap ... | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = build_parser().parse_args(argv)
    from models.encoder import ModelLoadError
    from models.schemes import SchemeError

    try:
        return COMMANDS[args.command](args)
    except (FileNotFoundError, SchemeError, ModelLoadError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
