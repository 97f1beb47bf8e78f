"""The sidebar: model and scheme, the filters (bound to the URL), and the view every page uses.

``build_view()`` runs once per script run in app.py; pages read it with ``current_view()``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.frames import filter_rows, options, vocab_of
from dashboard.state import PAGES, ViewState, link, parse_query
from dashboard.textfmt import escape_md
from models.schemes import Scheme

VIEW_KEY = "_stancemap_view"
STARTED_KEY = "_stancemap_started"


@dataclass(frozen=True)
class View:
    """What every page renders from: the state, the whole table and the filtered rows."""

    state: ViewState
    table: pd.DataFrame  # every paragraph (with the display column ``speaker``)
    rows: pd.DataFrame  # content rows passing the filters
    scheme: Scheme
    model: str
    notices: tuple[str, ...]


def raw_params() -> dict[str, list[str]]:
    """The URL's query parameters, every value kept (repeated keys as lists)."""
    qp = st.query_params
    return {key: qp.get_all(key) for key in qp}


def _ensure_table(cfg: data.Config, model: str, sch: Scheme) -> pd.DataFrame:
    path = data.table_path(cfg, model, sch)
    if not path.is_file():
        bar = st.progress(0.0, text=f"Analysing the corpus with {model}…")

        def progress(done: int, total: int, stage: str) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"{stage}: {done}/{total} documents")

        try:
            data.analyse(cfg, model, progress)
        except Exception as exc:  # a model that cannot load, an unreadable corpus: say so
            bar.empty()
            st.error(escape_md(f"Could not analyse the corpus with {model}: {exc}"))
            st.stop()
        bar.empty()
    return data.load_table(str(path), path.stat().st_mtime_ns)


def build_view() -> View:
    """Sidebar widgets + URL -> View (stored in session state for the pages)."""
    st.session_state[STARTED_KEY] = time.perf_counter()
    cfg = data.config()
    sch = data.scheme(cfg.scheme_path)
    params = raw_params()
    sb = st.sidebar
    sb.header("Filters")
    model = sb.selectbox(
        "Model", cfg.models, key="model", bind="query-params", help="Backend/model in use"
    )
    sb.caption(escape_md(f"Stance scheme: {sch.name}"))
    table = _ensure_table(cfg, model, sch)
    vocab = vocab_of(table, stances=sch.label_names, models=cfg.models)
    url_state, notices = parse_query(params, vocab=vocab)
    state = ViewState(
        sources=tuple(
            sb.multiselect("Sources", options(table, "source"), key="source", bind="query-params")
        ),
        speakers=tuple(
            sb.multiselect(
                "Speakers", options(table, "speaker"), key="speaker", bind="query-params"
            )
        ),
        affiliations=tuple(
            sb.multiselect(
                "Affiliations", options(table, "affiliation"), key="aff", bind="query-params"
            )
        ),
        stances=tuple(
            sb.multiselect("Stances", list(sch.label_names), key="stance", bind="query-params")
        ),
        min_conf=sb.slider(
            "Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="conf", bind="query-params"
        ),
        narration=sb.toggle(
            "Include narration",
            True,
            key="narration",
            bind="query-params",
            help="The outlets' own voice (paragraphs nobody is quoted in)",
        ),
        query=sb.text_input("Search", key="q", bind="query-params", max_chars=200),
        model="" if model == cfg.default_model else model,
        sel=url_state.sel,
        doc=url_state.doc,
        paragraph=url_state.paragraph,
    )
    view = View(state, table, filter_rows(table, state), sch, model, notices)
    st.session_state[VIEW_KEY] = view
    return view


def current_view() -> View:
    """The View built by app.py for this run."""
    return st.session_state[VIEW_KEY]


def show_notices(view: View) -> None:
    for notice in view.notices:
        st.warning(escape_md(notice), icon="⚠️")


def set_url(state: ViewState) -> None:
    """Write the non-widget parts of ``state`` (selection, opened paragraph) into the URL."""
    wanted = {
        "sel_by": state.sel.by if state.sel else "",
        "sel": state.sel.group if state.sel else "",
        "sel_stance": state.sel.stance if state.sel else "",
        "doc": state.doc,
        "p": "" if state.paragraph is None else str(state.paragraph),
    }
    for key, value in wanted.items():
        if value:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def share_box(state: ViewState, page: str) -> None:
    """The 'copy link' control: the full URL of this view."""
    here = st.context.url or "http://localhost:8501/"
    root = here.rstrip("/")
    suffix = PAGES.get(page, "")
    if suffix and root.endswith("/" + suffix):
        root = root[: -len(suffix) - 1]
    st.sidebar.markdown("**Share this view**")
    st.sidebar.code(link(state, page, base=root), language=None, wrap_lines=True)


def timing_caption() -> None:
    """Server-side time of this run (set STANCEMAP_TIMING=1 to show it)."""
    import os

    started = st.session_state.get(STARTED_KEY)
    if os.environ.get("STANCEMAP_TIMING") and started is not None:
        ms = (time.perf_counter() - started) * 1000
        st.caption(f"render {ms:.0f} ms", help="server-side script time of this run")


def replace_state(view: View, **changes: object) -> ViewState:
    return replace(view.state, **changes)  # type: ignore[arg-type]
