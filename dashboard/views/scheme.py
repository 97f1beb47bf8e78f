"""Scheme: the picked stance scheme's labels (title, description, colour, examples), and an
upload of a new scheme TOML, validated before anything is stored.

Scheme files are untrusted: their text reaches the page only escaped or as plain text; the
colours only through dashboard.components.stance_css, which keeps valid hex colours alone.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components, data, sidebar
from dashboard.schemes import MAX_SCHEME_BYTES, check_upload, examples, store_upload
from dashboard.textfmt import escape_md
from models.schemes import SchemeError

UPLOAD_KEY = "_stancemap_scheme_uploads"  # schemes added in this session


def _labels(view: sidebar.View) -> None:
    sch = view.scheme
    for lb in (*sch.labels, sch.abstain):
        box = st.container(border=True, key=f"stance-{lb.name}-scheme")
        box.markdown(f"**{escape_md(lb.title or lb.name)}**")
        box.caption(escape_md(f"id {lb.name} · colour {lb.color}"))
        if lb.description:
            box.markdown(escape_md(lb.description))
        shown = examples(lb)
        if shown:
            with box.expander(f"{len(shown)} example{'s' * (len(shown) != 1)}"):
                for text in shown:
                    st.text(f"• {text}")


def _upload(view: sidebar.View) -> None:
    st.subheader("Add a scheme")
    st.markdown(
        "A TOML file like the shipped `scheme_default.toml`: a `name` and `[[labels]]` with "
        "at least a `name` and a `description` each (prototypes, titles and colours are "
        f"optional), up to {MAX_SCHEME_BYTES // 1000} kB. It is checked before it is stored."
    )
    generation = st.session_state.get(UPLOAD_KEY, 0)  # a new uploader after each addition
    up = st.file_uploader("Scheme file", type=["toml"], key=f"scheme-file-{generation}")
    if up is None:
        return
    if not st.button("Check and add this scheme", type="primary", key="scheme-add"):
        return
    payload = up.getvalue()
    try:
        sch = check_upload(up.name, payload)
    except SchemeError as exc:
        st.error(escape_md(f"Not added (nothing was stored): {exc}"))
        return
    cfg = data.config()
    try:
        sid = store_upload(cfg.workspace, payload, sch, set(view.schemes or {}))
    except OSError as exc:
        st.error(escape_md(f"Not added: the workspace is not writable ({exc})"))
        return
    sidebar.flash(
        "success",
        f'Scheme "{sch.name}" added ({len(sch.labels)} labels, id {sid}); the corpus is '
        "analysed under it now.",
    )
    sidebar.pick_scheme(sid)
    st.session_state[UPLOAD_KEY] = generation + 1
    st.rerun()


def render() -> None:
    view = sidebar.current_view()
    components.inject_css(view.scheme.colors)
    st.title("Stance scheme")
    sidebar.show_notices(view)
    sch = view.scheme
    st.caption(escape_md(f"{sch.name} · {len(sch.labels)} labels and {sch.abstain.name}"))
    if sch.description:
        st.markdown(escape_md(sch.description))
    st.caption("Pick another scheme in the sidebar; the corpus is analysed under it on first use.")
    _labels(view)
    _upload(view)
    sidebar.share_box(view.state, "scheme")
    sidebar.timing_caption()


render()
