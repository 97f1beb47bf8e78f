"""The sidebar: corpus, model and scheme, the filters (bound to the URL), and the page's view.

``build_view()`` runs once per script run in app.py; pages read it with ``current_view()``.
Everything per user lives in ``st.session_state`` and the URL; the server shares only the
cached tables and the model (see dashboard/data.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.frames import filter_rows, vocab_of
from dashboard.state import DEFAULT_CORPUS, PAGES, ViewState, link, parse_query
from dashboard.textfmt import escape_md
from models.schemes import Scheme
from models.workspace import CorpusInfo

VIEW_KEY = "_stancemap_view"
STARTED_KEY = "_stancemap_started"
PENDING_KEY = "_stancemap_open_corpus"  # a corpus to switch to on the next run (after upload)
MINE_KEY = "_stancemap_my_corpora"  # corpora this session uploaded or opened
FLASH_KEY = "_stancemap_flash"  # one-shot messages for the next page: [(kind, plain text)]
CORPUS_KEY = "corpus-pick"  # the corpus selectbox (not bound: the URL carries the id, not the name)
CORPUS_FILTERS = ("source", "speaker", "aff")  # filters whose values belong to one corpus


@dataclass(frozen=True)
class View:
    """What every page renders from: the state, the whole table and the filtered rows."""

    state: ViewState
    table: pd.DataFrame  # every paragraph (with the display column ``speaker``)
    rows: pd.DataFrame  # content rows passing the filters
    scheme: Scheme
    model: str
    notices: tuple[str, ...]
    corpus: CorpusInfo | None = None  # None: the built-in corpus
    corrections: str = ""  # this corpus's corrections file
    names: dict[str, str] | None = None  # doc -> file name as uploaded

    @property
    def corpus_name(self) -> str:
        return self.corpus.name if self.corpus else "built-in seeds"


def raw_params() -> dict[str, list[str]]:
    """The URL's query parameters, every value kept (repeated keys as lists)."""
    qp = st.query_params
    return {key: qp.get_all(key) for key in qp}


def progress_bar(text: str):
    """A progress bar and the ``progress(done, total, stage)`` callback the pipeline calls."""
    bar = st.progress(0.0, text=text)

    def progress(done: int, total: int, stage: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{stage}: {done}/{total} documents")

    return bar, progress


def _ensure_table(
    cfg: data.Config, model: str, sch: Scheme, corpus: str, paths: tuple[str, ...]
) -> data.Loaded:
    if cfg.table and corpus == DEFAULT_CORPUS:  # a table analysed elsewhere (STANCEMAP_TABLE)
        path = Path(cfg.table)
        if not path.is_file():
            st.error(escape_md(f"STANCEMAP_TABLE names no file: {cfg.table}"))
            st.stop()
    else:
        path = data.table_path(cfg, model, sch, paths)
    if not path.is_file():
        bar, progress = progress_bar(f"Analysing the corpus with {model}…")
        try:
            data.analyse(cfg, model, paths, progress)
        except Exception as exc:  # a model that cannot load, an unreadable corpus: say so
            bar.empty()
            st.error(escape_md(f"Could not analyse the corpus with {model}: {exc}"))
            st.stop()
        bar.empty()
    return data.load_table(path, data.corrections_file(cfg, corpus), sch.abstain)


def _reset_corpus_filters() -> None:
    """A new corpus: its sources and speakers differ, so those filters and the clicks go."""
    for key in CORPUS_FILTERS:
        st.session_state[key] = []
    for key in ("sel_by", "sel", "sel_stance", "doc", "p"):
        if key in st.query_params:
            del st.query_params[key]


def _on_corpus() -> None:
    """Corpus selectbox callback: the id goes into the URL, the corpus's filters go."""
    corpus = st.session_state[CORPUS_KEY]
    if corpus == DEFAULT_CORPUS:
        st.query_params.pop("corpus", None)
    else:
        st.query_params["corpus"] = corpus
    _reset_corpus_filters()


def open_corpus(corpus_id: str) -> None:
    """Switch this session to ``corpus_id`` on the overview (after an upload)."""
    st.session_state[PENDING_KEY] = corpus_id
    st.switch_page("views/overview.py", query_params={"corpus": corpus_id})


def _current_corpus(params: dict[str, list[str]], ids: list[str]) -> str:
    """The URL's corpus (an unknown one falls back to the built-in corpus; parse_query gives
    the notice); without one, this session's last corpus, put back into the URL (the page
    links of st.navigation drop query parameters that no widget is bound to)."""
    if "corpus" in params:
        asked = (params["corpus"] or [""])[-1]
        return asked if asked in ids else DEFAULT_CORPUS
    last = st.session_state.get(CORPUS_KEY, DEFAULT_CORPUS)
    if last in ids and last != DEFAULT_CORPUS:
        st.query_params["corpus"] = last
        return last
    return DEFAULT_CORPUS


def flash(kind: str, text: str) -> None:
    """A message (plain text) shown once on the next page: kind is success/warning/error."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def _corpus_choices(cfg: data.Config, params: dict[str, list[str]]) -> dict[str, CorpusInfo]:
    """id -> CorpusInfo of the corpora the selectbox offers (the built-in one comes first)."""
    mine: set[str] = st.session_state.setdefault(MINE_KEY, set())
    asked = (params.get("corpus") or [""])[-1]
    if asked and asked != DEFAULT_CORPUS and data.corpus_info(cfg, asked) is not None:
        mine.add(asked)  # opened by a link: the session may come back to it
    listed = data.corpora(cfg)
    return {c.id: c for c in listed if cfg.list_all or c.id in mine}


def build_view() -> View:
    """Sidebar widgets + URL -> View (stored in session state for the pages)."""
    st.session_state[STARTED_KEY] = time.perf_counter()
    cfg = data.config()
    sch = data.scheme(cfg.scheme_path)
    params = raw_params()
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending:
        st.session_state.setdefault(MINE_KEY, set()).add(pending)
        _reset_corpus_filters()
    choices = _corpus_choices(cfg, params)
    ids = [DEFAULT_CORPUS, *choices]
    st.session_state[CORPUS_KEY] = _current_corpus(params, ids)
    sb = st.sidebar
    sb.header("Filters")
    corpus = sb.selectbox(
        "Corpus",
        ids,
        format_func=lambda c: choices[c].name if c in choices else "Built-in seed articles",
        key=CORPUS_KEY,
        on_change=_on_corpus,
        help="Upload your own articles on the Upload page",
    )
    model = sb.selectbox(
        "Model", cfg.models, key="model", bind="query-params", help="Backend/model in use"
    )
    sb.caption(escape_md(f"Stance scheme: {sch.name}"))
    paths = data.corpus_paths(cfg, corpus)
    if not paths:
        st.error(escape_md(f"Corpus {corpus} has no files left; showing the built-in corpus."))
        corpus, paths = DEFAULT_CORPUS, cfg.corpus
    loaded = _ensure_table(cfg, model, sch, corpus, paths)
    table = loaded.table
    vocab = vocab_of(table, stances=sch.label_names, models=cfg.models, corpora=ids)
    url_state, notices = parse_query(params, vocab=vocab)
    state = ViewState(
        corpus=corpus,
        sources=tuple(
            sb.multiselect("Sources", loaded.options["source"], key="source", bind="query-params")
        ),
        speakers=tuple(
            sb.multiselect(
                "Speakers", loaded.options["speaker"], key="speaker", bind="query-params"
            )
        ),
        affiliations=tuple(
            sb.multiselect(
                "Affiliations", loaded.options["affiliation"], key="aff", bind="query-params"
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
    info = choices.get(corpus)
    view = View(
        state,
        table,
        filter_rows(loaded.content, state),
        sch,
        model,
        notices,
        corpus=info,
        corrections=str(data.corrections_file(cfg, corpus)),
        names=dict(info.originals) if info else {},
    )
    st.session_state[VIEW_KEY] = view
    return view


def current_view() -> View:
    """The View built by app.py for this run."""
    return st.session_state[VIEW_KEY]


def show_notices(view: View) -> None:
    """The URL's notices, this session's one-shot messages, the corpus's read problems."""
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        getattr(st, kind)(escape_md(text))
    for notice in view.notices:
        st.warning(escape_md(notice), icon="⚠️")
    problems = view.corpus.problems if view.corpus else ()
    if problems:
        with st.expander(f"{len(problems)} problem(s) reading this corpus's files"):
            for p in problems:
                st.text(f"{p.path}: {p.reason}")


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
