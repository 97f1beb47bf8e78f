"""The ``stancemap`` argument parser: every subcommand and option, in one place."""

from __future__ import annotations

import argparse

DEFAULT_PATHS = ["seeds"]


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        default=None,
        help="minilm (default), minilm-int8, minilm-fbgemm, minilm-fp32, nli:<id|dir>",
    )
    p.add_argument("--scheme", default=None, help="stance scheme TOML (default: built-in)")
    p.add_argument("--registry", default=None, help="actor registry CSV merged over the corpus one")
    p.add_argument("--cache-dir", default=None, help="cache folder (default ~/.cache/stancemap)")
    p.add_argument(
        "--head", choices=["learned", "prototypes"], default="learned",
        help="embedding models: the learned head (default) or the prototype scorer of `calibrate`",
    )  # fmt: skip


def _training(p: argparse.ArgumentParser, prefix: str) -> None:
    """The extra training data of the learned head: gold files and corrections."""
    p.add_argument(
        f"--{prefix}gold", action="append", default=[], metavar="FILE",
        help="gold JSON whose paragraphs train the head besides the scheme's examples",
    )  # fmt: skip
    p.add_argument(
        f"--{prefix}corrections", action="append", default=[], metavar="FILE",
        help="corrections.jsonl whose stances train the head (their texts come from the "
        "corpus given by --corpus, default seeds)",
    )  # fmt: skip
    p.add_argument(
        f"--{prefix}corpus", nargs="*", default=None, metavar="PATH",
        help="the corpus the corrections were made on (default: the paths analysed, or seeds)",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="stancemap", description="Who is pushing which position, in which outlet."
    )
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="tag every paragraph of a corpus with stance and speaker")
    a.add_argument(
        "paths", nargs="*", default=DEFAULT_PATHS, help="files or folders (default: seeds)"
    )
    a.add_argument("--out", default=None, help="output table: .parquet, .csv or .jsonl")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.add_argument("--shards", type=int, default=0, help="split into N resumable shards (--out)")
    a.add_argument(
        "--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
        help="run the shards as Ray tasks (local Ray, or a cluster address such as auto)",
    )  # fmt: skip
    _training(a, "train-")
    _common(a)
    t = sub.add_parser("train", help="train the scheme's stance head (cached; analyze uses it)")
    _training(t, "")
    t.add_argument("--save", default=None, metavar="FILE", help="also write the head (.npz)")
    _common(t)
    e = sub.add_parser("evaluate", help="score a table against hand-labelled gold paragraphs")
    e.add_argument(
        "export", nargs="?", default=None, help="a table from `analyze` (default: run it)"
    )
    e.add_argument(
        "--gold", action="append", default=None,
        help="gold JSON (format of dev_gold.json); repeat it to pool several files",
    )  # fmt: skip
    e.add_argument(
        "--by", choices=["article"], default=None,
        help="article: score each article with a head trained without it (held out), beside "
        "the always-none and plain-similarity baselines",
    )  # fmt: skip
    e.add_argument(
        "--train-on-gold", action="store_true",
        help="with --by article: the other articles' gold paragraphs train the head too",
    )  # fmt: skip
    e.add_argument(
        "--corrections", default=None, metavar="FILE",
        help="people's corrections (corrections.jsonl) as gold, instead of or besides --gold",
    )  # fmt: skip
    e.add_argument("--paths", nargs="*", default=DEFAULT_PATHS, help="corpus when no export given")
    e.add_argument("--json", action="store_true", help="print the report as JSON")
    e.add_argument(
        "--misses", action="store_true", help="list every paragraph whose stance is wrong"
    )
    _common(e)
    c = sub.add_parser("actors", help="list speakers with counts, role and affiliation")
    c.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    c.add_argument("--save-registry", default=None, help="write the corpus registry CSV here")
    _common(c)
    k = sub.add_parser("calibrate", help="choose thresholds by cross-validation on gold")
    k.add_argument("--gold", required=True, help="gold JSON (format of dev_gold.json)")
    k.add_argument("--folds", type=int, default=5)
    k.add_argument(
        "--repeats", type=int, default=5,
        help="cross-validate over N different fold draws and report mean and spread (default 5)",
    )  # fmt: skip
    k.add_argument(
        "--ceiling", action="store_true",
        help="also print the ceiling: the best figures any setting reaches when fitted on the "
        "gold itself (under a minute on the dev gold; shows whether tuning could reach a target)",
    )  # fmt: skip
    _common(k)
    b = sub.add_parser("bench", help="paragraphs per second and peak memory of each backend")
    b.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    b.add_argument("--models", default="minilm,minilm-fp32,nli-random", help="comma-separated")
    b.add_argument("--repeat", type=int, default=3, help="passes over the seeds per backend")
    b.add_argument(
        "--rounds", type=int, default=2,
        help="run every backend this many times, in alternating order (ratios per round)",
    )  # fmt: skip
    b.add_argument("--scale", type=int, default=0, help="also classify N generated paragraphs")
    b.add_argument("--analyze", type=int, default=0, help="time `analyze` on N generated ones")
    b.add_argument(
        "--per-doc", type=int, default=10,
        help="generated paragraphs to a document for --analyze (500: long documents)",
    )  # fmt: skip
    b.add_argument(
        "--dashboard", nargs="*", type=int, default=None, metavar="N",
        help="dashboard rerun times at N paragraphs (default 1000 20000 100000)",
    )  # fmt: skip
    # -- statements (issue 17): the same statement across outlets -------------------------
    from models.cli_statements import add_parser as add_statements_parser

    _common(add_statements_parser(sub, DEFAULT_PATHS))
    return ap
