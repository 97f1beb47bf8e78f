"""Statements: the same statement (quoted or paraphrased) across outlets, from
``models.statements``; pick one to read the paragraphs that carry it. State in the URL:
``stmt`` (the statement opened) and ``stmt_min`` (minimum outlets)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, data, sidebar
from dashboard.state import MAX_STMT, STMT_MIN, opened, statement_view, write_statement
from dashboard.statement_frames import (
    carried_line,
    carriers,
    check_statement,
    export_statements,
    fingerprint,
    paragraph_texts,
    speaker_shown,
    statement_list,
)
from dashboard.textfmt import escape_md
from models.statements import statements

MAX_LISTED = 50  # statements drawn (the CSV holds every one listed)
MIN_KEY = "stmt-min-pick"


@st.cache_data(max_entries=8, show_spinner=False)
def _statements(key: str, _table: pd.DataFrame, cache_dir: str, scheme_path: str) -> pd.DataFrame:
    """Every statement of a loaded table (``key``: its fingerprint; corrections change it),
    grouped with MiniLM whatever model classified the stances (the thresholds are MiniLM's)."""
    engine, lock = data.engine(data.BUILTIN_MODELS[0], cache_dir, scheme_path)
    embed = engine.embedder()

    def locked(texts):
        with lock:  # the encoder is shared by every session
            return embed(texts)

    return statements(_table, locked, min_outlets=1)


def _open(stmt: int | None) -> None:
    """Button callback: open statement ``stmt`` (None: back to the list)."""
    write_statement(statement_view(sidebar.current_view().state, stmt))


def _on_min() -> None:
    state = sidebar.current_view().state
    write_statement(statement_view(state, state.stmt, int(st.session_state[MIN_KEY])))


def _drilldown(view: sidebar.View, df: pd.DataFrame, stmt: int) -> None:
    state, titles = view.state, view.scheme.titles
    rows = carriers(df, stmt, titles)
    first = df[df["statement_id"] == stmt].iloc[0]
    outlets = rows["source"].nunique()
    st.subheader(f"Statement #{stmt}: {len(rows)} paragraph(s) in {outlets} outlet(s)")
    head = f"{speaker_shown(first['speaker'])}: “{first['statement']}”"
    st.markdown(f"**{escape_md(head)}**")
    st.button("← All statements", on_click=_open, args=(None,), key="stmt-clear")
    back = statement_view(state, None, STMT_MIN)  # the reader's link keeps the filters only
    texts = paragraph_texts(view.table, rows)
    for i, (r, text) in enumerate(zip(rows.to_dict("records"), texts, strict=True)):
        box = st.container(border=True, key=f"stance-{r['label']}-stmtpara-{i}")
        box.markdown(f"**{escape_md(carried_line(r, titles))}** · ¶{r['number']}")
        box.text(text)
        box.caption("Carries it as: " + escape_md(r["words"]))
        target = opened(back, r["doc"], r["paragraph"])
        box.page_link(
            components.READER_PAGE,
            label="Open in article",
            icon=":material/article:",
            query_params=components.reader_params(target),
        )


def _listing(listed: pd.DataFrame, selected: int | None) -> None:
    for s in listed.head(MAX_LISTED).itertuples(index=False):
        sid = int(s.statement_id)
        box = st.container(border=True, key=f"stmt-{sid}")
        left, right = box.columns([5, 1])
        left.markdown(
            f"**#{sid} · {escape_md(s.speaker)}** · {s.outlets} outlet(s), "
            f"{s.paragraphs} paragraph(s)  \n“{escape_md(s.statement)}”"
        )
        left.caption(escape_md(f"Carried by {s.carried}"))
        left.caption(escape_md(f"Stances: {s.stances}"))
        right.button(
            "Showing ↑" if sid == selected else "Show paragraphs",
            on_click=_open,
            args=(sid,),
            key=f"stmt-open-{sid}",
            type="primary" if sid == selected else "secondary",
            help="List the paragraphs carrying this statement",
        )
    if len(listed) > MAX_LISTED:
        st.caption(f"Showing the first {MAX_LISTED} of {len(listed)}; the CSV holds them all.")


def render() -> None:
    view = sidebar.current_view()
    components.inject_css(view.scheme.colors)
    st.title("Statements")
    st.caption(
        "The same statement across outlets: a quotation, a near copy of it, or a paraphrase by "
        "the same speaker. For each outlet: quoted or paraphrased, the reporting verb, and the "
        "carrying paragraph's stance."
    )
    sidebar.show_notices(view)
    cfg = data.config()
    with st.spinner("Grouping the corpus's statements (once per analysed table)…"):
        df = _statements(fingerprint(view.table), view.table, cfg.cache_dir, cfg.scheme_path)
    stmt, notice = check_statement(df, view.state.stmt)
    state = statement_view(view.state, stmt)
    if notice:
        st.warning(escape_md(notice), icon="⚠️")
        write_statement(state)
    if st.session_state.get(MIN_KEY) != state.stmt_min:
        st.session_state[MIN_KEY] = state.stmt_min
    st.columns([1, 3])[0].number_input(
        "Minimum outlets",
        min_value=1,
        max_value=MAX_STMT,
        step=1,
        key=MIN_KEY,
        on_change=_on_min,
        help="List the statements carried by this many outlets or more",
    )
    if stmt is not None:
        _drilldown(view, df, stmt)
        st.subheader("All statements")
    listed = statement_list(df, view.scheme.titles, state.stmt_min)
    n = df["statement_id"].nunique()
    st.caption(f"{len(listed)} of {n} statement(s) carried by {state.stmt_min}+ outlet(s).")
    if listed.empty:
        st.info(f"No statement is carried by {state.stmt_min} or more outlets; lower the minimum.")
    shown = df[df["statement_id"].isin(listed["statement_id"])]
    st.download_button(
        "Download CSV",
        lambda: export_statements(shown).to_csv(index=False).encode("utf-8"),
        file_name="stancemap-statements.csv",
        mime="text/csv",
        key="stmt-csv",
        on_click="ignore",
        help="One row per carrying paragraph of the statements listed (label ids)",
    )
    _listing(listed, stmt)
    sidebar.share_box(state, "statements")
    sidebar.timing_caption()


render()
