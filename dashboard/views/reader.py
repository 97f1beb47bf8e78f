"""Article reader: one article paragraph by paragraph, coloured by stance; furniture greyed out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, sidebar
from dashboard.components import scores_line, who
from dashboard.frames import article_names
from dashboard.state import write_url
from dashboard.textfmt import escape_md, highlight
from models.schemes import Scheme

DOC_KEY = "reader-doc"


def _on_doc() -> None:
    write_url({"doc": st.session_state[DOC_KEY], "p": None})


def _paragraph(
    row: pd.Series, *, scheme: Scheme, is_open: bool, corrections: str, where: str = ""
) -> None:
    """One paragraph, numbered from ¶1; ``where`` "linked" draws the linked copy at the top."""
    kind = str(row["kind"])
    n = int(row["paragraph"])
    tag = str(row["stance"]) if kind == "content" and row["stance"] else "furniture"
    suffix = "-linked" if where == "linked" else ("-opened" if is_open else "")
    box = st.container(border=is_open, key=f"stance-{tag}-p{n}{suffix}")
    if kind != "content":
        box.caption(escape_md(f"¶{n + 1} · {kind}"))
        box.text(str(row["text"]))
        return
    titles = scheme.titles
    stance = titles.get(str(row["stance"]), str(row["stance"]))
    head = f"¶{n + 1} · {stance} ({float(row['stance_score']):.2f}) · {who(row)}"
    if is_open:
        head = ("▶ linked paragraph · " if where == "linked" else "▶ opened · ") + head
    box.caption(escape_md(head))
    box.markdown(highlight(str(row["text"]), quote=str(row["quote"]), actor=str(row["actor"])))
    if is_open:
        box.caption(escape_md(f"Scores: {scores_line(row, scheme.label_names, titles)}"))
        if row.get("evidence"):
            box.caption("Evidence: " + escape_md(str(row["evidence"])))
    components.mark_corrected(row, box, titles)
    if where != "linked":  # one Correct control per paragraph (its key is the paragraph's)
        with box:
            components.correct_control(
                row, labels=scheme.label_names, corrections=corrections, titles=titles
            )


def render() -> None:
    view = sidebar.current_view()
    components.inject_css(view.scheme.colors)
    st.title("Article reader")
    sidebar.show_notices(view)
    articles = view.articles or article_names(view.table, view.names or {})
    if not articles:
        st.info("The corpus is empty.")
        return
    doc = view.state.doc if view.state.doc in articles else next(iter(articles))
    if st.session_state.get(DOC_KEY) != doc:
        st.session_state[DOC_KEY] = doc
    st.selectbox(
        "Article", list(articles), format_func=articles.__getitem__, key=DOC_KEY, on_change=_on_doc
    )
    components.legend(view.scheme)
    paras = view.table[view.table["doc"] == doc].sort_values("paragraph")
    first = paras.iloc[0]
    shown = (view.names or {}).get(doc, doc)
    meta = " · ".join(str(x) for x in (first["source"], first["date"], shown) if x)
    st.caption(escape_md(meta))
    opened = view.state.paragraph if view.state.doc == doc else None
    if opened is not None and opened not in set(paras["paragraph"]):
        st.warning(escape_md(f"This article has no paragraph ¶{opened + 1}."))
    elif opened is not None:  # shown first, so a link lands on it; outlined again in place
        st.info(escape_md(f"¶{opened + 1} is the linked paragraph; it is outlined in the article."))
        row = paras[paras["paragraph"] == opened].iloc[0]
        _paragraph(
            row, scheme=view.scheme, is_open=True, corrections=view.corrections, where="linked"
        )
        st.subheader("The whole article")
    for _, row in paras.iterrows():
        _paragraph(
            row,
            scheme=view.scheme,
            is_open=row["paragraph"] == opened,
            corrections=view.corrections,
        )
    components.downloads(paras, name=doc.rsplit(".", 1)[0], key="dl-reader")
    sidebar.share_box(view.state if view.state.doc else _with_doc(view, doc), "reader")
    sidebar.timing_caption()


def _with_doc(view: sidebar.View, doc: str):
    return sidebar.replace_state(view, doc=doc)


render()
