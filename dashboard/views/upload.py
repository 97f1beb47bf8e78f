"""Upload: the user's own articles become a corpus in the workspace, analysed with a progress bar.

Uploaded files are held in memory by Streamlit: the server refuses anything over
``server.maxUploadSize`` (.streamlit/config.toml) and this page refuses files over
:data:`dashboard.uploads.MAX_FILE_MB` before reading them. File names, source names and the
corpus name are untrusted: they reach the page only as escaped Markdown or plain text.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard import data, sidebar
from dashboard.textfmt import escape_md
from dashboard.uploads import (
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    TYPES,
    clean_source,
    default_source,
    human_size,
    is_records,
    refusal,
    split_by_size,
)

NAME_KEY = "up-name"
FILES_KEY = "up-files"


def _analyse(view: sidebar.View, name: str, files: list, sources: dict[str, str]) -> None:
    """Store, analyse (progress bar), then switch this session to the new corpus."""
    cfg = data.config()
    started = time.perf_counter()
    bar, progress = sidebar.progress_bar("Storing and checking the files…")
    try:
        info = data.create_corpus(
            cfg, name, [(f.name, f.getvalue()) for f in files], sources, MAX_FILE_BYTES
        )
    except (ValueError, OSError) as exc:  # nothing readable, or the workspace is not writable
        bar.empty()
        st.error(escape_md(f"Nothing was stored: {exc}"))
        return
    try:
        scheme_path = (view.schemes or {}).get(view.state.scheme or "default")
        data.analyse(
            cfg,
            view.model,
            data.corpus_paths(cfg, info.id),
            progress,
            scheme_path.path if scheme_path else None,
        )
    except Exception as exc:  # a model that cannot load: the files stay stored
        bar.empty()
        st.error(escape_md(f"The files are stored, but the analysis failed: {exc}"))
        return
    seconds = time.perf_counter() - started
    bar.empty()
    ok = len(info.files)
    sidebar.flash(
        "success",
        f'Corpus "{info.name}": {ok} file{"s" * (ok != 1)} stored and analysed in '
        f"{seconds:.1f} s (id {info.id}).",
    )
    if info.problems:
        named = ", ".join(dict.fromkeys(p.path for p in info.problems))
        sidebar.flash("warning", f"{len(info.problems)} problem(s), details below: {named}")
    sidebar.open_corpus(info.id)


def render() -> None:
    view = sidebar.current_view()
    st.title("Upload articles")
    sidebar.show_notices(view)
    st.markdown(
        f"Text (.txt, .md), web pages (.html) or records (.jsonl, .csv with a text column), "
        f"several at once, **up to {MAX_FILE_MB} MB per file**. The files are kept in this "
        "server's workspace and analysed once; the new corpus gets its own link."
    )
    name = st.text_input("Corpus name", value="My articles", max_chars=100, key=NAME_KEY)
    uploaded = st.file_uploader(
        f"Articles (up to {MAX_FILE_MB} MB each)",
        type=list(TYPES),
        accept_multiple_files=True,
        key=FILES_KEY,
        max_upload_size=MAX_FILE_MB,
    )
    kept, refused = split_by_size(list(uploaded or []))
    for f in refused:
        st.error(escape_md(refusal(f)))
    if not kept:
        st.info("Choose one or more files to start.")
        return
    st.subheader("Source of each file")
    st.caption(
        "The outlet each file comes from (charts group by it). In .jsonl and .csv files a "
        "record's own source column wins; this name is used for records without one."
    )
    sources: dict[str, str] = {}
    for f in kept:
        label = f"{f.name} ({human_size(f.size)})" + (" · records" if is_records(f.name) else "")
        typed = st.text_input(
            escape_md(label), value=default_source(f.name), max_chars=200, key=f"up-src-{f.file_id}"
        )
        sources[f.name] = clean_source(typed)
    count = f"{len(kept)} file{'s' * (len(kept) != 1)}"
    if st.button(f"Analyse {count}", type="primary", key="up-go"):
        _analyse(view, name, kept, sources)
    sidebar.timing_caption()


render()
