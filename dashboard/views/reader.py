"""Article reader: one article paragraph by paragraph, coloured by stance; furniture greyed out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, sidebar
from dashboard.components import scores_line, who
from dashboard.textfmt import escape_md, highlight

DOC_KEY = "reader-doc"


def _on_doc() -> None:
    st.query_params["doc"] = st.session_state[DOC_KEY]
    if "p" in st.query_params:
        del st.query_params["p"]


def _articles(table: pd.DataFrame, names: dict[str, str]) -> dict[str, str]:
    """doc -> 'source — title' (or the file name as uploaded) in corpus order."""
    firsts = table.drop_duplicates("doc")
    return {
        str(r.doc): f"{r.source} — {r.title or names.get(str(r.doc), r.doc)}"
        for r in firsts.itertuples()
    }


def _paragraph(row: pd.Series, *, labels: tuple[str, ...], is_open: bool, corrections: str) -> None:
    kind = str(row["kind"])
    tag = str(row["stance"]) if kind == "content" and row["stance"] else "furniture"
    key = f"stance-{tag}-p{int(row['paragraph'])}" + ("-opened" if is_open else "")
    box = st.container(border=is_open, key=key)
    if kind != "content":
        box.caption(escape_md(f"¶{int(row['paragraph'])} · {kind}"))
        box.text(str(row["text"]))
        return
    score = float(row["stance_score"])
    head = f"¶{int(row['paragraph'])} · {row['stance']} ({score:.2f}) · {who(row)}"
    if is_open:
        head = "▶ opened · " + head
    box.caption(escape_md(head))
    box.markdown(highlight(str(row["text"]), quote=str(row["quote"]), actor=str(row["actor"])))
    if is_open:
        box.caption(escape_md(f"Scores: {scores_line(row, labels)}"))
        if row.get("evidence"):
            box.caption("Evidence: " + escape_md(str(row["evidence"])))
    components.mark_corrected(row, box)
    with box:
        components.correct_control(row, labels=labels, corrections=corrections)


def render() -> None:
    view = sidebar.current_view()
    components.inject_css(view.scheme.colors)
    st.title("Article reader")
    sidebar.show_notices(view)
    articles = _articles(view.table, view.names or {})
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
        st.warning(escape_md(f"This article has no paragraph {opened}."))
    elif opened is not None:
        st.info(escape_md(f"Paragraph {opened} is opened (outlined below)."))
    for _, row in paras.iterrows():
        _paragraph(
            row,
            labels=view.scheme.label_names,
            is_open=row["paragraph"] == opened,
            corrections=view.corrections,
        )
    components.downloads(paras, name=doc.rsplit(".", 1)[0], key="dl-reader")
    sidebar.share_box(view.state if view.state.doc else _with_doc(view, doc), "reader")
    sidebar.timing_caption()


def _with_doc(view: sidebar.View, doc: str):
    return sidebar.replace_state(view, doc=doc)


render()
