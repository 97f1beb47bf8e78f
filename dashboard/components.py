"""Small Streamlit components shared by the pages: stance colours, paragraph cards, downloads.

Corpus text only ever reaches the page through :func:`dashboard.textfmt.escape_md` /
:func:`dashboard.textfmt.highlight` or ``st.text``; the only raw HTML is a CSS block built
from the scheme's validated colours and label names.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.frames import export_frame
from dashboard.review import clean_actor, correction_note, corrections_for, record
from dashboard.state import ViewState, opened, to_query, with_selection
from dashboard.textfmt import escape_md, highlight
from models.cache import digest
from models.schemes import Scheme

_HEX = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
READER_PAGE = "views/reader.py"


def stance_css(colors: Mapping[str, str]) -> str:
    """CSS colouring containers keyed ``stance-<label>-…`` (label and colour validated).

    >>> "st-key-stance-none-" in stance_css({"none": "#b0b0b0", "x;}": "red"})
    True
    """
    rules = [
        f'[class*="st-key-stance-{label}-"] {{border-left: 6px solid {color} !important;'
        f" background: {color}14; padding-left: 0.6rem; border-radius: 0.4rem;}}"
        for label, color in colors.items()
        if _NAME.match(label) and _HEX.match(color)
    ]
    rules += [
        '[class*="st-key-stance-furniture-"] {opacity: 0.45; border-left: 6px solid #dddddd;'
        " padding-left: 0.6rem;}",
        '[class*="st-key-stance-"][class*="-opened"] {outline: 3px solid #222;'
        " outline-offset: 2px;}",
    ]
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def inject_css(colors: Mapping[str, str]) -> None:
    st.html(stance_css(colors))


def legend(scheme: Scheme) -> None:
    """The label legend: one coloured chip per label (its title), its description on hover."""
    colors, titles = scheme.colors, scheme.titles
    descriptions = {lb.name: lb.description for lb in (*scheme.labels, scheme.abstain)}
    cols = st.columns(len(colors))
    for col, label in zip(cols, colors, strict=True):
        box = col.container(key=f"stance-{label}-legend")
        box.markdown(
            f"**{escape_md(titles.get(label, label))}**", help=descriptions.get(label) or None
        )


def scores_line(
    row: pd.Series, labels: tuple[str, ...], titles: Mapping[str, str] | None = None
) -> str:
    """'US-critical 0.81 · None 0.10 · …' sorted by score (plain text; ids without titles)."""
    names = titles or {}
    scores = [(label, float(row.get(f"score_{label}", 0.0) or 0.0)) for label in labels]
    ranked = sorted(scores, key=lambda s: -s[1])
    return " · ".join(f"{names.get(label, label)} {score:.2f}" for label, score in ranked)


def who(row: pd.Series) -> str:
    """'Speaker (role, affiliation) — cue' as plain text."""
    extras = [str(x) for x in (row.get("actor_role"), row.get("affiliation")) if x]
    skip = ("unknown", "narration", str(row["speaker"]))  # no side, or the outlet itself
    extras = [x for x in dict.fromkeys(extras) if x not in skip]
    text = str(row["speaker"]) + (f" ({', '.join(extras)})" if extras else "")
    return text + (f" — {row['cue']}" if row.get("cue") else "")


def _save_correction(key: str, row: dict[str, object], path: str) -> None:
    """Form callback (runs before the rerun, so the new values show at once)."""
    stance = str(st.session_state.get(f"{key}-stance") or row["stance"])
    actor = clean_actor(st.session_state.get(f"{key}-actor", row["actor"]))
    data.save_corrections(Path(path), corrections_for(row, stance, actor))
    st.session_state[key] = False  # close the popover
    st.toast("Correction saved: every chart and list now uses it.", icon=":material/check:")


def correct_control(
    row: pd.Series,
    *,
    labels: tuple[str, ...],
    corrections: str,
    titles: Mapping[str, str] | None = None,
) -> None:
    """A small "Correct" popover: set the paragraph's stance and/or actor, then Save.

    The form is built only while the popover is open (lazy), so a long list stays cheap.
    """
    key = "fix-" + digest(f"{row['doc']}\x1f{int(row['paragraph'])}")[:12]
    pop = st.popover("Correct", icon=":material/edit:", type="tertiary", key=key, on_change="rerun")
    if not pop.open:
        return
    rec = record(row)
    current = str(row["stance"])
    with pop, st.form(f"{key}-form", border=False):
        st.selectbox(
            "Stance",
            labels,
            index=labels.index(current) if current in labels else 0,
            format_func=lambda s: (titles or {}).get(s, s),
            key=f"{key}-stance",
        )
        st.text_input(
            "Actor (empty: the outlet's own narration)",
            value=str(row["actor"] or ""),
            max_chars=200,
            key=f"{key}-actor",
        )
        st.form_submit_button(
            "Save", type="primary", on_click=_save_correction, args=(key, rec, corrections)
        )


def mark_corrected(row: pd.Series, where, titles: Mapping[str, str] | None = None) -> None:
    """'✎ corrected: US-critical (model: None) · by person' under a corrected paragraph."""
    note = correction_note(row, titles)
    if note:
        when = str(row.get("corrected_at") or "")[:16].replace("T", " ")
        who_when = f" · by {row.get('corrected_by') or 'person'}"
        who_when += f", {when} UTC" if when else ""
        where.caption("✎ " + escape_md(note + who_when))


def paragraph_card(
    row: pd.Series,
    *,
    labels: tuple[str, ...],
    state: ViewState,
    key: str,
    corrections: str = "",
    unvoiced: tuple[str, ...] = (),
    titles: Mapping[str, str] | None = None,
) -> None:
    """One drilled-down paragraph: highlighted text, speaker, scores, evidence, reader link."""
    names = titles or {}
    box = st.container(border=True, key=f"stance-{row['stance']}-card-{key}")
    head = f"{row['source']} · ¶{int(row['paragraph']) + 1} · {who(row)}"
    box.markdown(f"**{escape_md(head)}**")
    box.markdown(highlight(str(row["text"]), quote=str(row["quote"]), actor=str(row["actor"])))
    stance = f"{names.get(row['stance'], row['stance'])} ({float(row['stance_score']):.2f})"
    if row.get("stances") and row["stances"] != row["stance"]:
        also = [names.get(s, s) for s in str(row["stances"]).split(";") if s]
        stance += f" · also over threshold: {', '.join(also)}"
    box.caption(escape_md(f"Stance: {stance} — scores: {scores_line(row, labels, names)}"))
    if row.get("evidence"):
        box.caption("Evidence: " + escape_md(str(row["evidence"])))
    if unvoiced:
        side = f"{row['affiliation']} speakers"
        box.caption(
            escape_md(
                f"Over threshold, but not voiced by {side} (scheme): "
                + ", ".join(names.get(s, s) for s in unvoiced)
            )
        )
    mark_corrected(row, box, names)
    target = opened(state, str(row["doc"]), int(row["paragraph"]))
    left, right = box.columns([1, 1])
    if corrections:
        with left:
            correct_control(row, labels=labels, corrections=corrections, titles=names)
    right.page_link(
        READER_PAGE,
        label="Open in article",
        icon=":material/article:",
        query_params=reader_params(target),
    )


def reader_params(state: ViewState) -> dict[str, str | list[str]]:
    """Query parameters of the reader for ``state`` (filters kept, chart selection dropped)."""
    return to_query(with_selection(state, None))


def downloads(rows: pd.DataFrame, *, name: str, key: str) -> None:
    """CSV and Parquet downloads of the given rows (bytes built lazily, on click)."""
    frame = export_frame(rows)

    def parquet() -> bytes:
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        return buf.getvalue()

    row = st.container(horizontal=True, key=f"{key}-downloads")
    row.download_button(
        "Download CSV",
        lambda: frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        on_click="ignore",
    )
    row.download_button(
        "Download Parquet",
        parquet,
        file_name=f"{name}.parquet",
        mime="application/vnd.apache.parquet",
        key=f"{key}-parquet",
        on_click="ignore",
    )
