"""Aggregations of the paragraph table that the CLI and the dashboard share (pure)."""

from __future__ import annotations

import pandas as pd


def content_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["kind"] == "content"]


def stance_mix(table: pd.DataFrame, by: str = "source") -> pd.DataFrame:
    """Paragraph counts per ``by`` value and stance, with a total column.

    >>> df = pd.DataFrame({"kind": ["content"] * 3, "source": ["A", "A", "B"],
    ...                    "stance": ["none", "x", "x"]})
    >>> stance_mix(df).to_dict("index")
    {'A': {'none': 1, 'x': 1, 'total': 2}, 'B': {'none': 0, 'x': 1, 'total': 1}}
    """
    rows = content_rows(table)
    mix = pd.crosstab(rows[by], rows["stance"]) if len(rows) else pd.DataFrame()
    mix.columns.name = None
    mix.index.name = None
    mix["total"] = mix.sum(axis=1)
    return mix


def in_scheme_order(mix: pd.DataFrame, labels: tuple[str, ...]) -> pd.DataFrame:
    """The columns of ``stance_mix`` in the scheme's label order (others after), total last.

    >>> mix = pd.DataFrame({"none": [1], "b": [2], "a": [0], "total": [3]})
    >>> list(in_scheme_order(mix, ("a", "b", "none")).columns)
    ['a', 'b', 'none', 'total']
    """
    first = [c for c in labels if c in mix.columns]
    rest = [c for c in mix.columns if c not in first and c != "total"]
    return mix[first + rest + (["total"] if "total" in mix.columns else [])]
