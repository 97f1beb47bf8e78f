"""Pure pandas steps between the analysis table and the charts: filter, select, aggregate.

Everything here is vectorised and streamlit-free, so it is unit-tested table-driven.

>>> import pandas as pd
>>> t = prepare(pd.DataFrame({"source": ["CNN", "CNN"], "actor": ["", "Xi Jinping"],
...     "kind": ["content", "content"], "stance": ["none", "us_critical"]}))
>>> list(t["speaker"])
['CNN (narration)', 'Xi Jinping']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from dashboard.certainty import Measured, add_intervals
from dashboard.state import DEFAULT_CORPUS, NARRATION, Selection, ViewState, Vocab
from dashboard.timeline import in_range
from models.summary import content_rows as content

TABLE_COLUMNS = {  # st.dataframe column_config of table_view (plain dicts: no streamlit here)
    "source": {"label": "Source"},
    "speaker": {"label": "Speaker"},
    "stance": {"label": "Stance"},
    "corrected": {"label": "Corrected", "help": "A person corrected this paragraph's stance"},
    "score": {"label": "Score", "type_config": {"type": "number", "format": "%.2f"}},
    "text": {"label": "Paragraph", "width": "large"},
    "article": {"label": "Article"},
    "paragraph": {"label": "¶", "help": "Paragraph number in its article (from 1)"},
    "open": {
        "label": "Open",
        "type_config": {"type": "link", "display_text": "Open in article"},
    },
}
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
    if state.date_from or state.date_to:
        mask &= in_range(rows, state.date_from, state.date_to)
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
    df: pd.DataFrame,
    *,
    by: str,
    labels: Sequence[str],
    top: int | None = None,
    min_count: int = 1,
    measured: Measured | None = None,
) -> pd.DataFrame:
    """Tidy stance mix per group: columns [by, stance, count, share, total, order, lo, hi].

    Every group gets a row per label in ``labels`` (count 0 included, so its interval shows);
    ``lo``/``hi`` bound the share (dashboard.certainty.add_intervals). Groups with fewer than
    ``min_count`` paragraphs are left out; the rest are sorted by paragraph count (largest
    first) and cut to the ``top`` largest.
    """
    cols = [by, "stance", "count", "share", "total", "order", "lo", "hi"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    counts = df.groupby([by, "stance"], observed=True).size().rename("count").reset_index()
    totals = counts.groupby(by)["count"].sum().sort_values(ascending=False, kind="stable")
    totals = totals[totals >= max(1, min_count)]
    if top is not None:
        totals = totals.head(top)
    if totals.empty:
        return pd.DataFrame(columns=cols)
    shown = list(dict.fromkeys([*labels, *counts["stance"].astype(str)]))
    grid = pd.MultiIndex.from_product([list(totals.index), shown], names=[by, "stance"])
    counts = counts.set_index([by, "stance"])["count"].reindex(grid, fill_value=0).reset_index()
    counts = counts[counts["stance"].isin(labels) | (counts["count"] > 0)].copy()
    counts["count"] = counts["count"].astype(int)
    counts["total"] = counts[by].map(totals).astype(int)
    counts["share"] = counts["count"] / counts["total"]
    rank = {label: i for i, label in enumerate(labels)}
    counts["order"] = counts["stance"].map(rank).fillna(len(rank)).astype(int)
    counts[by] = pd.Categorical(counts[by], categories=list(totals.index))
    counts = counts.sort_values([by, "order"]).reset_index(drop=True)
    counts[by] = counts[by].astype(str)
    return add_intervals(counts, measured)[cols]


def short(text: str, words: int = 10, chars: int = 80) -> str:
    """The first ``words`` words of ``text`` (at most ``chars`` characters), with "…" if cut.

    >>> short("one two three", words=2)
    'one two…'
    """
    parts = str(text).split()
    cut = " ".join(parts[:words])[:chars].rstrip()
    return cut + ("…" if cut != " ".join(parts) else "")


def article_names(table: pd.DataFrame, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """doc -> "Outlet — title" in corpus order. Without a title: the article's opening
    heading, else the start of its first content paragraph, else the file name (as uploaded,
    when known). Vectorised: one pass over the table, whatever the number of articles."""
    if table.empty:
        return {}
    order = table["doc"].astype(str).drop_duplicates()
    ranked = table.assign(doc=table["doc"].astype(str)).sort_values(["doc", "paragraph"])
    first = ranked.drop_duplicates("doc").set_index("doc")
    content_rows = ranked[ranked["kind"] == "content"].drop_duplicates("doc")
    lead = content_rows.set_index("doc")["text"].reindex(first.index)
    opening = first["text"].where(first["kind"] == "heading")
    text = opening.fillna(lead).fillna("").astype(str)
    title = first["title"].fillna("").astype(str).str.strip() if "title" in first else ""
    shown = pd.Series(title, index=first.index).where(lambda t: t != "", text.map(short))
    shown = shown.where(
        shown != "",
        pd.Series(first.index, index=first.index).map(lambda d: (names or {}).get(d, d)),
    )
    source = first["source"].fillna("").astype(str)
    full = (source + " — " + shown).where(source != "", shown)
    return {doc: full[doc] for doc in order}


def table_view(
    rows: pd.DataFrame, titles: Mapping[str, str], link_of: Callable[[str, int], str]
) -> pd.DataFrame:
    """The paragraph list as people read it: label titles, scores to 2 decimals, ¶ from 1,
    the article's title and a link into the reader; the corrections column only when a
    paragraph in it was corrected."""
    out = pd.DataFrame(
        {
            "source": rows["source"].astype(str),
            "speaker": rows["speaker"].astype(str),
            "stance": [titles.get(s, s) for s in rows["stance"].astype(str)],
            "score": rows["stance_score"].astype(float).round(2),
            "text": rows["text"].astype(str),
            "article": rows["doc"].astype(str),
            "paragraph": rows["paragraph"].astype(int) + 1,
            "open": [
                link_of(str(d), int(p)) for d, p in zip(rows["doc"], rows["paragraph"], strict=True)
            ],
        },
        index=rows.index,
    )
    if "title" in rows:
        title = rows["title"].fillna("").astype(str)
        out["article"] = title.where(title != "", out["article"])
    if "corrected_stance" in rows and (rows["corrected_stance"].fillna("") != "").any():
        fixed = rows["corrected_stance"].fillna("") != ""
        out.insert(3, "corrected", fixed.map({True: "✎", False: ""}))
    return out.reset_index(drop=True)


def vocab_of(
    df: pd.DataFrame,
    *,
    stances: Iterable[str],
    models: Iterable[str],
    corpora: Iterable[str] = (DEFAULT_CORPUS,),
    schemes: Iterable[str] = (),
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
        schemes=frozenset(schemes),
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
