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
