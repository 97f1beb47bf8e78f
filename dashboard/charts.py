"""Pure Altair builders: a tidy frame in, an Altair chart out; colours always from the scheme.

Bars are grouped (one per label in each group), each with its paragraph count printed and a
whisker for its share's interval (dashboard.certainty): stacked shares cannot show one.

>>> import pandas as pd
>>> from dashboard.frames import mix
>>> df = pd.DataFrame({"source": ["CNN", "CNN", "RT"], "stance": ["none", "us_critical", "none"]})
>>> chart = stance_bars(mix(df, by="source", labels=["us_critical", "none"]), by="source",
...                     colors={"us_critical": "#d62728", "none": "#b0b0b0"})
>>> chart.to_dict()["layer"][0]["encoding"]["color"]["scale"]["range"]
['#d62728', '#b0b0b0']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from dashboard.state import Selection

PICK = "pick"  # the name of every chart's point selection (st.altair_chart selection_mode)
BAR_PX = 11  # height per bar (one label of one group)
GROUP_PADDING = 0.25  # space between groups, as a share of a group's band
TITLES = {"source": "Source", "speaker": "Speaker", "affiliation": "Affiliation"}
TIME_FORMATS = {"day": "%b %d", "week": "%b %d", "month": "%b %Y"}


def spec_of(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, not validated again: the builders here are tested against
    the schema (tests/test_dashboard_charts.py), and validating three layered charts on every
    rerun cost more than drawing them (about 50 ms a chart at 20k paragraphs)."""
    return chart.to_dict(validate=False)


def color_scale(colors: Mapping[str, str], titles: Mapping[str, str] | None = None) -> alt.Scale:
    """One fixed colour per label, in scheme order, so every chart agrees (keyed by the title
    people read when ``titles`` is given)."""
    names = [(titles or {}).get(label, label) for label in colors]
    return alt.Scale(domain=names, range=list(colors.values()))


def stance_bars(
    data: pd.DataFrame,
    *,
    by: str,
    colors: Mapping[str, str],
    titles: Mapping[str, str] | None = None,
    selected: Selection | None = None,
    title: str = "",
    width: int | str = "container",
    legend: bool = False,
) -> alt.LayerChart:
    """Grouped horizontal bars: each ``by`` group's share per label (from frames.mix), with
    the paragraph count printed at each bar and a whisker for the share's interval (lo, hi).

    Clicking a bar selects (``by``, stance) through the point selection named :data:`PICK`.
    """
    titles = dict(titles or {})
    data = data.assign(label=[titles.get(s, s) for s in data["stance"]]) if len(data) else data
    if data.empty:
        data = data.assign(label=pd.Series(dtype=str))
    groups: Sequence[str] = list(dict.fromkeys(data[by])) if not data.empty else []
    initial = None
    if selected is not None and selected.by == by and selected.group in groups:
        initial = [{by: selected.group, "stance": selected.stance}]
    pick = alt.selection_point(
        name=PICK, fields=[by, "stance"], value=initial if initial else alt.Undefined
    )
    axis_title = TITLES.get(by, by.title())
    y = alt.Y(f"{by}:N", sort=groups, title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False))
    order = [titles.get(s, s) for s in colors]
    y_offset = alt.YOffset("label:N", sort=order, scale=alt.Scale(paddingInner=0.1))
    y.scale = alt.Scale(paddingInner=GROUP_PADDING)
    x = alt.X(
        "share:Q",
        title="Share of the group's paragraphs",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1], clamp=True),
    )
    tooltip = [
        alt.Tooltip(f"{by}:N", title=axis_title),
        alt.Tooltip("label:N", title="Stance"),
        alt.Tooltip("count:Q", title="Paragraphs"),
        alt.Tooltip("share:Q", title="Share", format=".0%"),
        alt.Tooltip("lo:Q", title="Interval from", format=".0%"),
        alt.Tooltip("hi:Q", title="Interval to", format=".0%"),
        alt.Tooltip("total:Q", title=f"All paragraphs of this {axis_title.lower()}"),
    ]
    base = alt.Chart(data).encode(y=y, yOffset=y_offset)
    bars = (
        base.mark_bar(cursor="pointer")
        .encode(
            x=x,
            color=alt.Color(
                "label:N",
                scale=color_scale(colors, titles),
                # orient="bottom" squashes the bars in Streamlit; pages show one legend instead
                legend=alt.Legend(title="Stance") if legend else None,
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    whiskers = base.mark_rule(color="#333", strokeWidth=1.2, aria=False).encode(
        x=alt.X("lo:Q", scale=alt.Scale(domain=[0, 1], clamp=True)), x2="hi:Q"
    )
    counts = base.mark_text(align="left", dx=4, fontSize=10, color="#222", aria=False).encode(
        x=alt.X("hi:Q", scale=alt.Scale(domain=[0, 1], clamp=True)), text="count:Q"
    )
    # with yOffset, a step height is the step of one bar (the offset band): every group gets
    # n_labels bars whatever the chart's size, so a two-group chart is not squashed
    return alt.layer(bars, whiskers, counts, title=title or alt.Undefined).properties(
        height=alt.Step(BAR_PX), width=width
    )


def stance_over_time(
    data: pd.DataFrame,
    *,
    colors: Mapping[str, str],
    titles: Mapping[str, str] | None = None,
    grain: str = "day",
    width: int | str = "container",
) -> alt.LayerChart:
    """Share of each label per period (from timeline.over_time): a line with points, the
    interval as a band, each point's paragraph count printed above it. Clicking a point
    selects (period, stance) through the point selection named :data:`PICK`."""
    titles = dict(titles or {})
    data = data.assign(label=[titles.get(s, s) for s in data["stance"]]) if len(data) else data
    if data.empty:
        data = data.assign(label=pd.Series(dtype=str))
    pick = alt.selection_point(name=PICK, fields=["period", "stance"])
    x = alt.X("period:T", title=None, axis=alt.Axis(format=TIME_FORMATS.get(grain, "%Y-%m-%d")))
    y = alt.Y(
        "share:Q",
        title="Share of the period's paragraphs",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1], clamp=True),
    )
    color = alt.Color("label:N", scale=color_scale(colors, titles), legend=None)
    base = alt.Chart(data).encode(x=x, color=color)
    band = base.mark_area(opacity=0.15, aria=False).encode(
        y=alt.Y("lo:Q", scale=alt.Scale(domain=[0, 1], clamp=True)), y2="hi:Q"
    )
    line = base.mark_line(strokeWidth=1.5, aria=False).encode(y=y)
    points = (
        base.mark_point(filled=True, size=70, cursor="pointer")
        .encode(
            y=y,
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("period:T", title=f"{grain.title()} from", format="%Y-%m-%d"),
                alt.Tooltip("label:N", title="Stance"),
                alt.Tooltip("count:Q", title="Paragraphs"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
                alt.Tooltip("lo:Q", title="Interval from", format=".0%"),
                alt.Tooltip("hi:Q", title="Interval to", format=".0%"),
                alt.Tooltip("total:Q", title="All paragraphs of the period"),
            ],
        )
        .add_params(pick)
    )
    counts = base.mark_text(dy=-9, fontSize=9, aria=False).encode(y=y, text="count:Q")
    return alt.layer(band, line, points, counts).properties(height=260, width=width)
