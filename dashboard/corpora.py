"""The sidebar's corpus choice: which corpora a session may pick, and switching between them.

Every URL change goes through dashboard.state (the only module that touches the URL).
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.state import DEFAULT_CORPUS, write_url
from models.workspace import CorpusInfo

PENDING_KEY = "_stancemap_open_corpus"  # a corpus to switch to on the next run (after upload)
MINE_KEY = "_stancemap_my_corpora"  # corpora this session uploaded or opened
CORPUS_KEY = "corpus-pick"  # the corpus selectbox (not bound: the URL carries the id, not the name)
CORPUS_FILTERS = ("source", "speaker", "aff")  # filters whose values belong to one corpus


def reset_corpus_filters() -> None:
    """A new corpus: its sources and speakers differ, so those filters and the clicks go."""
    for key in CORPUS_FILTERS:
        st.session_state[key] = []
    write_url({key: None for key in ("sel_by", "sel", "sel_stance", "doc", "p")})


def on_corpus() -> None:
    """Corpus selectbox callback: the id goes into the URL, the corpus's filters go."""
    corpus = st.session_state[CORPUS_KEY]
    write_url({"corpus": None if corpus == DEFAULT_CORPUS else corpus})
    reset_corpus_filters()


def open_corpus(corpus_id: str) -> None:
    """Switch this session to ``corpus_id`` on the overview (after an upload)."""
    st.session_state[PENDING_KEY] = corpus_id
    st.switch_page("views/overview.py", query_params={"corpus": corpus_id})


def take_pending() -> None:
    """After an upload: the new corpus is this session's, and the old corpus's filters go."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending:
        st.session_state.setdefault(MINE_KEY, set()).add(pending)
        reset_corpus_filters()


def current_corpus(params: dict[str, list[str]], ids: list[str]) -> str:
    """The URL's corpus (an unknown one falls back to the built-in corpus; parse_query gives
    the notice); without one, this session's last corpus, put back into the URL (the page
    links of st.navigation drop query parameters that no widget is bound to)."""
    if "corpus" in params:
        asked = (params["corpus"] or [""])[-1]
        return asked if asked in ids else DEFAULT_CORPUS
    last = st.session_state.get(CORPUS_KEY, DEFAULT_CORPUS)
    if last in ids and last != DEFAULT_CORPUS:
        write_url({"corpus": last})
        return last
    return DEFAULT_CORPUS


def corpus_choices(cfg: data.Config, params: dict[str, list[str]]) -> dict[str, CorpusInfo]:
    """id -> CorpusInfo of the corpora the selectbox offers (the built-in one comes first)."""
    mine: set[str] = st.session_state.setdefault(MINE_KEY, set())
    asked = (params.get("corpus") or [""])[-1]
    if asked and asked != DEFAULT_CORPUS and data.corpus_info(cfg, asked) is not None:
        mine.add(asked)  # opened by a link: the session may come back to it
    listed = data.corpora(cfg)
    return {c.id: c for c in listed if cfg.list_all or c.id in mine}
