"""Pure pandas steps between the analysis table and the charts: filter, select, aggregate.

Everything here is vectorised and streamlit-free, so it is unit-tested table-driven.

>>> import pandas as pd
>>> t = prepare(pd.DataFrame({"source": ["CNN", "CNN"], "actor": ["", "Xi Jinping"],
...     "kind": ["content", "content"], "stance": ["none", "us_critical"]}))
>>> list(t["speaker"])
['CNN (narration)', 'Xi Jinping']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from dashboard.state import DEFAULT_CORPUS, NARRATION, Selection, ViewState, Vocab
from models.summary import content_rows as content

EXPORT_DROP = ("speaker",)  # helper columns not in the pipeline's table
# people's corrections beside the model's values (models.corrections.apply_corrections)
EXPORT_AFTER = {
    "stance": ("model_stance", "corrected_stance"),
    "actor": ("model_actor", "corrected_actor", "corrected_by", "corrected_at"),
}


def prepare(table: pd.DataFrame) -> pd.DataFrame:
    """Add the display column ``speaker`` (narration -> "<outlet> (narration)")."""
    out = table.copy()
    actor = out["actor"].fillna("").astype(str)
    source = out["source"].fillna("").astype(str)
    out["speaker"] = actor.where(actor != "", source + NARRATION)  # as state.speaker_label
    return out


def filter_rows(df: pd.DataFrame, state: ViewState) -> pd.DataFrame:
    """Content rows that pass every filter of ``state`` (not the chart selection)."""
    rows = content(df)
    mask = pd.Series(True, index=rows.index)
    for column, allowed in (
        ("source", state.sources),
        ("speaker", state.speakers),
        ("affiliation", state.affiliations),
        ("stance", state.stances),
    ):
        if allowed:
            mask &= rows[column].isin(allowed)
    if state.min_conf > 0:
        mask &= rows["stance_score"].fillna(0.0) >= state.min_conf
    if not state.narration:
        mask &= rows["actor"].fillna("") != ""
    if state.query.strip():
        needle = state.query.strip().lower()
        hay = rows["text"].fillna("") + "\n" + rows["speaker"] + "\n" + rows["quote"].fillna("")
        mask &= hay.str.lower().str.contains(needle, regex=False)
    return rows[mask]


def select_rows(df: pd.DataFrame, sel: Selection | None) -> pd.DataFrame:
    """The rows behind a clicked bar segment (all rows when nothing is clicked)."""
    if sel is None:
        return df
    return df[(df[sel.by] == sel.group) & (df["stance"] == sel.stance)]


def mix(
    df: pd.DataFrame, *, by: str, labels: Sequence[str], top: int | None = None
) -> pd.DataFrame:
    """Tidy stance mix per group: columns [by, stance, count, share, total, order].

    Groups are sorted by paragraph count (largest first) and cut to the ``top`` largest.
    """
    cols = [by, "stance", "count", "share", "total", "order"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    counts = df.groupby([by, "stance"], observed=True).size().rename("count").reset_index()
    totals = counts.groupby(by)["count"].sum().sort_values(ascending=False, kind="stable")
    if top is not None:
        totals = totals.head(top)
    counts = counts[counts[by].isin(totals.index)]
    counts["total"] = counts[by].map(totals).astype(int)
    counts["share"] = counts["count"] / counts["total"]
    rank = {label: i for i, label in enumerate(labels)}
    counts["order"] = counts["stance"].map(rank).fillna(len(rank)).astype(int)
    counts[by] = pd.Categorical(counts[by], categories=list(totals.index))
    counts = counts.sort_values([by, "order"]).reset_index(drop=True)
    counts[by] = counts[by].astype(str)
    return counts[cols]


def vocab_of(
    df: pd.DataFrame,
    *,
    stances: Iterable[str],
    models: Iterable[str],
    corpora: Iterable[str] = (DEFAULT_CORPUS,),
) -> Vocab:
    """The values a URL may name, taken from the data and the scheme."""

    def values(column: str) -> frozenset[str]:
        return frozenset(df[column].dropna().astype(str).unique())

    return Vocab(
        sources=values("source"),
        speakers=values("speaker"),
        affiliations=values("affiliation"),
        stances=frozenset(stances),
        models=frozenset(models),
        docs=values("doc"),
        corpora=frozenset(corpora),
    )


def options(df: pd.DataFrame, column: str) -> list[str]:
    """Sidebar options for a column: most frequent first (ties alphabetical)."""
    counts = content(df)[column].fillna("").astype(str).value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [value for value, _ in ranked if value]


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of a view for CSV/Parquet downloads: the pipeline's columns, each corrected
    value beside the model's (``stance`` is the value in use, ``model_stance`` the model's)."""
    out = df.drop(columns=[c for c in EXPORT_DROP if c in df.columns]).reset_index(drop=True)
    moved = {c for extra in EXPORT_AFTER.values() for c in extra if c in out.columns}
    order: list[str] = []
    for col in out.columns:
        if col in moved:
            continue
        order.append(col)
        order += [c for c in EXPORT_AFTER.get(col, ()) if c in out.columns]
    return out[order + [c for c in out.columns if c not in order]]
