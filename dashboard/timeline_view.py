"""The overview's "Stance over time" section (dated corpora only) and its time-range notice.

Its two pickers keep their values in the URL (``t_by``, ``t_group``) through dashboard.state;
a click on a point opens that period's paragraphs of the group and stance (``from``, ``to`` and
the chart selection), like a click on a bar.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import sidebar
from dashboard.certainty import method_line
from dashboard.charts import PICK, spec_of, stance_over_time
from dashboard.frames import filter_rows, options
from dashboard.state import TIME_GROUPINGS, Selection, write_url, write_view
from dashboard.textfmt import escape_md
from dashboard.timeline import grain_for, over_time, period_end

BY_KEY = "t-by-pick"
GROUP_KEY = "t-group-pick"
GEN_KEY = "_time_generation"


def _to_url(param: str, key: str) -> None:
    write_url({param: st.session_state[key], **({"t_group": None} if param == "t_by" else {})})


def _on_pick(by: str, group: str, grain: str, key: str) -> None:
    event = st.session_state.get(key) or {}
    points = (event.get("selection") or {}).get(PICK) or []
    state = sidebar.current_view().state
    for point in points:
        period, stance = day_of(point.get("period")), point.get("stance")
        if period and isinstance(stance, str):
            end = period_end(period, grain)
            sel = Selection(by, group, stance)
            write_view(replace(state, date_from=period, date_to=end, sel=sel))
            break
    st.session_state[GEN_KEY] = st.session_state.get(GEN_KEY, 0) + 1


def day_of(value: object) -> str:
    """A point's period as Vega returns it (epoch milliseconds, or a date string) -> ISO day.

    >>> day_of(1647561600000), day_of("2022-03-18T00:00:00"), day_of(None)
    ('2022-03-18', '2022-03-18', '')
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return pd.Timestamp(value, unit="ms").strftime("%Y-%m-%d")
    return str(value)[:10] if isinstance(value, str) else ""


def _clear_range() -> None:
    state = sidebar.current_view().state
    write_view(replace(state, date_from="", date_to="", sel=None))


def range_notice(view: sidebar.View) -> None:
    """'Dated from … to …' with a button that clears it (when a range is set)."""
    state = view.state
    if not (state.date_from or state.date_to):
        return
    left, right = st.columns([4, 1])
    shown = f"{state.date_from or 'the start'} to {state.date_to or 'the end'}"
    left.info(escape_md(f"Only paragraphs dated {shown} (undated ones are left out)."))
    right.button("Clear time range", on_click=_clear_range, key="clear-range")


def render(view: sidebar.View) -> None:
    """The section, or nothing when the corpus has fewer than two distinct dates."""
    grain = grain_for(view.table["date"]) if "date" in view.table else None
    if grain is None:
        return
    state = view.state
    undated = replace(state, date_from="", date_to="", sel=None)
    rows = filter_rows(view.table, undated)
    rows = rows[rows["date"].fillna("").astype(str) != ""]
    st.subheader(f"Stance over time (per {grain})")
    by = state.time_by
    groups = options(rows, by) if len(rows) else []
    if not groups:
        st.info("No dated paragraphs match the filters.")
        return
    group = state.time_group if state.time_group in groups else groups[0]
    st.session_state[BY_KEY] = by
    st.session_state[GROUP_KEY] = group
    left, right = st.columns([1, 3])
    left.radio(
        "Per",
        TIME_GROUPINGS,
        format_func=str.title,
        key=BY_KEY,
        horizontal=True,
        on_change=_to_url,
        args=("t_by", BY_KEY),
    )
    right.selectbox(
        by.title(), groups, key=GROUP_KEY, on_change=_to_url, args=("t_group", GROUP_KEY)
    )
    labels = state.stances or view.scheme.label_names
    data = over_time(rows[rows[by] == group], labels=labels, grain=grain, measured=view.measured)
    key = f"time-{st.session_state.get(GEN_KEY, 0)}"
    chart = stance_over_time(
        data, colors=view.scheme.colors, titles=view.scheme.titles, grain=grain
    )
    st.vega_lite_chart(
        spec_of(chart),
        on_select=lambda: _on_pick(by, group, grain, key),
        selection_mode=[PICK],
        key=key,
        width="stretch",
    )
    st.caption(
        escape_md(
            method_line(view.measured, view.measured_problem)
            + f" Band: that interval. One point per {grain}; click one for its paragraphs."
        )
    )
