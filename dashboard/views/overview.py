"""Overview: stance mix per source, affiliation and speaker (counts and intervals on every bar),
stance over time for dated corpora; click a bar or a point to list its paragraphs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, data, sidebar, timeline_view
from dashboard.certainty import method_line
from dashboard.charts import PICK, spec_of, stance_bars
from dashboard.frames import TABLE_COLUMNS, mix, select_rows, table_view
from dashboard.state import Selection, link, opened, selection_from_points, with_selection
from dashboard.textfmt import escape_md
from models.voices import unvoiced

TOP_SPEAKERS = 15
MAX_CARDS = 40
TABLE_PX = 420  # the unselected list's height at most (shorter lists get no filler rows)
MAX_TABLE_ROWS = 500  # rows sent to the browser in the unselected list (exports have them all)
GEN_KEY = "_chart_generation"  # bumped on every selection change: charts restart from the URL


def _on_pick(by: str, key: str) -> None:
    """Chart click callback: copy the clicked segment into the URL."""
    event = st.session_state.get(key) or {}
    points = (event.get("selection") or {}).get(PICK) or []
    _select(selection_from_points(by, points))


def _select(sel: Selection | None) -> None:
    sidebar.set_url(with_selection(sidebar.current_view().state, sel))
    st.session_state[GEN_KEY] = st.session_state.get(GEN_KEY, 0) + 1


@st.cache_data(max_entries=64, show_spinner=False)
def _bars_spec(
    data: pd.DataFrame,
    by: str,
    colors: tuple[tuple[str, str], ...],
    titles: tuple[tuple[str, str], ...],
    sel: Selection | None,
) -> dict:
    """The bars' spec, kept for the next rerun: building an Altair chart costs tens of ms,
    and most reruns (a click on another chart, a plain rerun) draw the same one again."""
    chart = stance_bars(data, by=by, colors=dict(colors), titles=dict(titles), selected=sel)
    return spec_of(chart)


def _chart(view: sidebar.View, by: str, title: str, *, top: int | None = None) -> None:
    labels = view.state.stances or view.scheme.label_names
    rows = view.rows
    data = mix(
        rows, by=by, labels=labels, top=top, min_count=view.state.min_count, measured=view.measured
    )
    st.subheader(title)
    if data.empty:
        n = view.state.min_count
        few = f"{n} or more paragraphs" if n > 1 else "paragraphs"
        st.info(f"No {by} has {few} matching the filters.")
        return
    key = f"chart-{by}-{st.session_state.get(GEN_KEY, 0)}"
    sel = view.state.sel if view.state.sel and view.state.sel.by == by else None
    scheme = view.scheme
    spec = _bars_spec(data, by, tuple(scheme.colors.items()), tuple(scheme.titles.items()), sel)
    st.vega_lite_chart(
        spec,
        on_select=lambda: _on_pick(by, key),
        selection_mode=[PICK],
        key=key,
        width="stretch",
    )
    st.caption(escape_md(method_line(view.measured, view.measured_problem)))


def _drilldown(view: sidebar.View) -> None:
    state = view.state
    sel = state.sel
    rows = select_rows(view.rows, sel)
    st.subheader("Paragraphs")
    if sel is None:
        st.caption("Click a bar (or a point over time) to list its paragraphs. All in view:")
    else:
        left, right = st.columns([4, 1])
        left.markdown(
            escape_md(
                f"{sel.by}: {sel.group} · stance: {view.scheme.titles.get(sel.stance, sel.stance)}"
                f" — {len(rows)} paragraph(s)"
            )
        )
        right.button("Clear selection", on_click=_select, args=(None,), key="clear-sel")
    components.downloads(rows, name="stancemap-view", key="dl")
    if sel is None:
        shown = rows.head(MAX_TABLE_ROWS)
        table = table_view(
            shown, view.scheme.titles, lambda d, p: link(opened(state, d, p), "reader")
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=min(TABLE_PX, 38 + 35 * len(table)),
            column_config=TABLE_COLUMNS,
        )
        if len(rows) > MAX_TABLE_ROWS:
            st.caption(
                f"Showing the first {MAX_TABLE_ROWS} of {len(rows)}; the downloads hold all."
            )
        return
    scheme = data.effective(view.scheme, view.model)
    for i, (_, row) in enumerate(rows.head(MAX_CARDS).iterrows()):
        components.paragraph_card(
            row,
            labels=view.scheme.label_names,
            state=state,
            key=f"c{i}",
            corrections=view.corrections,
            unvoiced=unvoiced(row, scheme),
            titles=view.scheme.titles,
        )
    if len(rows) > MAX_CARDS:
        st.caption(f"Showing the first {MAX_CARDS} of {len(rows)}; narrow the filters for more.")


def render() -> None:
    view = sidebar.current_view()
    components.inject_css(view.scheme.colors)
    st.title("Stance map")
    n_docs = view.rows["doc"].nunique()
    st.caption(
        escape_md(
            f"{len(view.rows)} paragraphs from {n_docs} article{'s' * (n_docs != 1)} in view · "
            f"corpus {view.corpus_name} · scheme {view.scheme.name} · model {view.model}"
        )
    )
    sidebar.show_notices(view)
    timeline_view.range_notice(view)
    components.legend(view.scheme)
    left, right = st.columns(2, gap="large")
    with left:
        _chart(view, "source", "Stance mix per source")
    with right:
        _chart(view, "affiliation", "Who speaks for whom (affiliation)")
    _chart(view, "speaker", f"Stance mix per speaker (top {TOP_SPEAKERS})", top=TOP_SPEAKERS)
    timeline_view.render(view)
    _drilldown(view)
    sidebar.share_box(view.state, "overview")
    sidebar.timing_caption()


render()
