"""Pure Altair builders: a tidy frame in, an ``alt.Chart`` out; colours always from the scheme.

>>> import pandas as pd
>>> from dashboard.frames import mix
>>> df = pd.DataFrame({"source": ["CNN", "CNN", "RT"], "stance": ["none", "us_critical", "none"]})
>>> chart = stance_bars(mix(df, by="source", labels=["us_critical", "none"]), by="source",
...                     colors={"us_critical": "#d62728", "none": "#b0b0b0"})
>>> chart.to_dict()["encoding"]["color"]["scale"]["range"]
['#d62728', '#b0b0b0']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from dashboard.state import Selection

PICK = "pick"  # the name of every chart's point selection (st.altair_chart selection_mode)
ROW_PX = 26  # height per bar
TITLES = {"source": "Source", "speaker": "Speaker", "affiliation": "Affiliation"}


def color_scale(colors: Mapping[str, str]) -> alt.Scale:
    """One fixed colour per label, in scheme order, so every chart agrees."""
    return alt.Scale(domain=list(colors), range=list(colors.values()))


def stance_bars(
    data: pd.DataFrame,
    *,
    by: str,
    colors: Mapping[str, str],
    selected: Selection | None = None,
    title: str = "",
    width: int | str = "container",
    legend: bool = False,
) -> alt.Chart:
    """Horizontal 100 % stacked bars: the stance mix of each ``by`` group (from frames.mix).

    Bars show shares; the tooltip adds counts. Clicking a segment selects (``by``, stance)
    through the point selection named :data:`PICK`.
    """
    groups: Sequence[str] = list(dict.fromkeys(data[by])) if not data.empty else []
    initial = None
    if selected is not None and selected.by == by and selected.group in groups:
        initial = [{by: selected.group, "stance": selected.stance}]
    pick = alt.selection_point(
        name=PICK, fields=[by, "stance"], value=initial if initial else alt.Undefined
    )
    axis_title = TITLES.get(by, by.title())
    chart = (
        alt.Chart(data, title=title or alt.Undefined)
        .mark_bar(stroke="white", strokeWidth=0.5, cursor="pointer")
        .encode(
            y=alt.Y(
                f"{by}:N",
                sort=groups,
                title=None,
                axis=alt.Axis(labelLimit=220, labelOverlap=False),
            ),
            x=alt.X(
                "share:Q",
                stack="zero",
                title="Share of paragraphs",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "stance:N",
                scale=color_scale(colors),
                # orient="bottom" squashes the bars in Streamlit; pages show one legend instead
                legend=alt.Legend(title="Stance") if legend else None,
            ),
            order=alt.Order("order:Q"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip(f"{by}:N", title=axis_title),
                alt.Tooltip("stance:N", title="Stance"),
                alt.Tooltip("count:Q", title="Paragraphs"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
                alt.Tooltip("total:Q", title=f"All paragraphs of this {axis_title.lower()}"),
            ],
        )
        .add_params(pick)
        .properties(height=alt.Step(ROW_PX), width=width)
    )
    return chart


def stance_totals(data: pd.DataFrame, *, colors: Mapping[str, str]) -> alt.Chart:
    """A single bar of label counts for the whole filtered view (a legend with numbers)."""
    counts = data.groupby("stance", observed=True).size().rename("count").reset_index()
    rank = {label: i for i, label in enumerate(colors)}
    counts["order"] = counts["stance"].map(rank).fillna(len(rank))
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", stack="zero", title="Paragraphs in view"),
            color=alt.Color("stance:N", scale=color_scale(colors), legend=None),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("stance:N", title="Stance"), alt.Tooltip("count:Q")],
        )
        .properties(height=28, width="container")
    )
