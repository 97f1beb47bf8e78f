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

from dashboard import corpora, data, filters, teach
from dashboard.certainty import Measured
from dashboard.corpora import CORPUS_KEY, open_corpus  # noqa: F401  (pages switch corpora)
from dashboard.filters import pick_scheme  # noqa: F401  (the Scheme page picks one)
from dashboard.frames import filter_rows, vocab_of
from dashboard.schemes import DEFAULT_ID, SchemeFile
from dashboard.state import (
    DEFAULT_CORPUS,
    PAGES,
    ViewState,
    drop_bad,
    link,
    parse_query_dropped,
    read_url,
    write_view,
)
from dashboard.textfmt import escape_md
from models.schemes import Scheme
from models.workspace import CorpusInfo

VIEW_KEY = "_stancemap_view"
STARTED_KEY = "_stancemap_started"
FLASH_KEY = "_stancemap_flash"  # one-shot messages for the next page: [(kind, plain text)]
FILTER_PAGES = ("overview",)  # pages the filters apply to (the others hide them; a filter
# bound to the URL keeps its value in the session and comes back with the Overview)


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
    measured: Measured | None = None  # the scheme's measured precision/recall per label
    measured_problem: str = ""
    schemes: dict[str, SchemeFile] | None = None  # id -> file, as the picker offers them
    articles: dict[str, str] | None = None  # doc -> "Outlet — title" (dashboard.frames)

    @property
    def corpus_name(self) -> str:
        return self.corpus.name if self.corpus else "built-in seeds"


def progress_bar(text: str):
    """A progress bar and the ``progress(done, total, stage)`` callback the pipeline calls."""
    bar = st.progress(0.0, text=text)

    def progress(done: int, total: int, stage: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=stage_text(done, total, stage))

    return bar, progress


def stage_text(done: int, total: int, stage: str) -> str:
    """The progress bar's text for a pipeline stage (documents, or a scheme model's training).

    >>> stage_text(3, 10, "classifying"), stage_text(1, 4, "training")
    ('Classifying: 3/10 documents', "Training the scheme's model (first use): step 1/4")
    """
    if stage == "training":
        return f"Training the scheme's model (first use): step {done}/{total}"
    return f"{stage.capitalize()}: {done}/{total} documents"


def _ensure_table(
    cfg: data.Config,
    model: str,
    sch: Scheme,
    corpus: str,
    paths: tuple[str, ...],
    scheme_path: str,
    extra=None,
) -> data.Loaded:
    training = data.training_key(scheme_path, model, extra)  # a retrained head's (issue 18)
    if cfg.table and corpus == DEFAULT_CORPUS and scheme_path == cfg.scheme_path and not training:
        # a table analysed elsewhere (STANCEMAP_TABLE), under the configured scheme
        path = Path(cfg.table)
        if not path.is_file():
            st.error(escape_md(f"STANCEMAP_TABLE names no file: {cfg.table}"))
            st.stop()
    else:
        path = data.table_path(cfg, model, sch, paths, training)
    if not path.is_file():
        bar, progress = progress_bar(f"Analysing the corpus with {model} under {sch.name}…")
        try:
            data.analyse(cfg, model, paths, progress, scheme_path, extra)
        except Exception as exc:  # a model that cannot load, an unreadable corpus: say so
            bar.empty()
            st.error(
                escape_md(
                    f"Could not analyse the corpus with {model} under the scheme {sch.name}: "
                    f"{exc}. Pick another model or scheme in the sidebar."
                )
            )
            st.stop()
        bar.empty()
    return data.load_table(path, data.corrections_file(cfg, corpus), sch.abstain)


def flash(kind: str, text: str) -> None:
    """A message (plain text) shown once on the next page: kind is success/warning/error."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, text))


def build_view(page: str = "overview") -> View:
    """Sidebar widgets + URL -> View (stored in session state for the pages). The filters
    show on the pages they apply to (:data:`FILTER_PAGES`); elsewhere the URL's values stand."""
    st.session_state[STARTED_KEY] = time.perf_counter()
    cfg = data.config()
    params = read_url()
    filters.keep_across_pages(params)
    corpora.take_pending()
    choices = corpora.corpus_choices(cfg, params)
    ids = [DEFAULT_CORPUS, *choices]
    st.session_state[CORPUS_KEY] = corpora.current_corpus(params, ids)
    sb = st.sidebar
    sb.header("Corpus and scheme")
    corpus = sb.selectbox(
        "Corpus",
        ids,
        format_func=lambda c: choices[c].name if c in choices else "Built-in seed articles",
        key=CORPUS_KEY,
        on_change=corpora.on_corpus,
        help="Upload your own articles on the Upload page",
    )
    model = sb.selectbox(
        "Model", cfg.models, key="model", bind="query-params", help="Backend/model in use"
    )
    scheme_id, scheme_file, schemes = filters.scheme_picker(cfg, sb, params)
    try:
        sch = data.scheme(scheme_file.path)
    except (ValueError, OSError) as exc:  # a stored scheme file broken since its upload
        st.error(escape_md(f"Scheme {scheme_id} cannot be read ({exc}); using the default."))
        scheme_id, scheme_file = DEFAULT_ID, schemes[DEFAULT_ID]
        sch = data.scheme(scheme_file.path)
    paths = data.corpus_paths(cfg, corpus)
    if not paths:
        st.error(escape_md(f"Corpus {corpus} has no files left; showing the built-in corpus."))
        corpus, paths = DEFAULT_CORPUS, cfg.corpus
    head, extra, head_note = teach.head_from_url(cfg, params, sch, model)  # issue 18
    loaded = _ensure_table(cfg, model, sch, corpus, paths, scheme_file.path, extra)
    table = loaded.table
    vocab = vocab_of(
        table, stances=sch.label_names, models=cfg.models, corpora=ids, schemes=schemes
    )
    url_state, notices, dropped = parse_query_dropped(params, vocab=vocab)
    drop_bad(dropped)
    notices += (head_note,) if head_note else ()
    filters.remember(url_state.stances)
    if page in FILTER_PAGES:
        sb.header("Filters")
        chosen = filters.filters(sb, loaded, sch, url_state.stances)
    else:
        keep = ("sources", "speakers", "affiliations", "stances", "min_conf", "narration")
        chosen = {k: getattr(url_state, k) for k in (*keep, "query", "min_count")}
    state = ViewState(
        corpus=corpus,
        **chosen,  # type: ignore[arg-type]
        model="" if model == cfg.default_model else model,
        scheme="" if scheme_id == DEFAULT_ID else scheme_id,
        time_by=url_state.time_by,
        time_group=url_state.time_group,
        date_from=url_state.date_from,
        date_to=url_state.date_to,
        sel=url_state.sel,
        doc=url_state.doc,
        paragraph=url_state.paragraph,
        stmt=url_state.stmt,  # the Statements page (issue 17)
        stmt_min=url_state.stmt_min,
        head=head,
    )
    info = choices.get(corpus)
    measured, problem = data.measured(sch)
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
        measured=measured,
        measured_problem=problem,
        schemes=schemes,
        articles=loaded.articles,
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
    write_view(state)


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
