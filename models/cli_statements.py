"""``stancemap statements``: the same statement across outlets (see ``models.statements``).

The corpus is analysed as by ``stancemap analyze`` (cached), statements are grouped with the
MiniLM encoder whatever ``--model`` classified the stances (the thresholds are MiniLM's), the
largest are printed, and ``--out`` writes one row per carrying paragraph.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd


def add_parser(sub: argparse._SubParsersAction, paths: list[str]) -> argparse.ArgumentParser:
    """The ``statements`` subcommand (its model options are added by the caller)."""
    s = sub.add_parser("statements", help="the same statement (quote or paraphrase) across outlets")
    s.add_argument("paths", nargs="*", default=paths, help="files or folders (default: seeds)")
    s.add_argument("--out", default=None, help="per-paragraph table: .csv, .parquet or .jsonl")
    s.add_argument("--min-outlets", type=int, default=2, help="statements carried by N+ outlets")
    s.add_argument("--top", type=int, default=10, help="statements to print (default 10)")
    return s


def clean(text: object, width: int = 100) -> str:
    """One line of untrusted text for a terminal: control and format characters out.

    >>> clean("a\\x1b[31mb\\u202ec\\n d", 20)
    'a [31mb c d'
    """
    s = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def format_statements(df: pd.DataFrame, top: int = 10) -> str:
    """The ``top`` largest statements, each with the paragraphs that carry it."""
    from models.statements import statement_summary

    lines: list[str] = []
    summary = statement_summary(df).head(top)
    shown = df[df["statement_id"].isin(summary["statement_id"])]
    width = max((len(clean(v, 28)) for v in shown["source"]), default=0) + 6
    for s in summary.itertuples(index=False):
        speaker = clean(s.speaker, 60) or "(unattributed)"
        lines.append(
            f"#{s.statement_id}  {speaker}: {s.outlets} outlets, {s.paragraphs} paragraphs "
            f"({clean(s.forms, 60)})"
        )
        lines.append(f'    "{clean(s.statement, 110)}"')
        rows = df[df["statement_id"] == s.statement_id]
        for r in rows.itertuples(index=False):
            where = f"{clean(r.source, 28)} ¶{r.paragraph}"
            lines.append(
                f"    {where:<{width}} {r.form:<12} {clean(r.verb, 14) or '-':<14} "
                f"{clean(r.stance, 16):<16} {clean(r.text, 70)}"
            )
        lines.append("")
    return "\n".join(lines)


def cmd_statements(args: argparse.Namespace) -> int:
    """Analyse, group, print the largest statements, write ``--out``."""
    from models.cache import Cache
    from models.cli import _analyze
    from models.pipeline import Engine, Settings
    from models.schemes import load_scheme
    from models.statements import statements
    from models.table import FORMATS, write_table

    if args.out and not args.out.endswith(tuple(FORMATS)):
        raise ValueError(f"unknown output format for {args.out!r}: use {', '.join(FORMATS)}")
    result = _analyze(args, args.paths)
    for p in result.problems:
        print(f"{p.severity} {clean(p.path)}: {clean(p.reason)}", file=sys.stderr)
    if result.table.empty:
        print("error: nothing readable in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    embed = Engine(Settings(load_scheme(args.scheme)), Cache(args.cache_dir)).embedder()
    df = statements(result.table, embed, min_outlets=args.min_outlets)
    n = df["statement_id"].nunique()
    print(format_statements(df, args.top) or f"no statement carried by {args.min_outlets}+ outlets")
    print(f"{n} statements carried by {args.min_outlets}+ outlets, {len(df)} paragraphs",
          file=sys.stderr)  # fmt: skip
    if args.out:
        write_table(df, args.out)
        print(f"wrote {len(df)} rows to {args.out}", file=sys.stderr)
    return 0
