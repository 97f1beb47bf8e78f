"""Review: the paragraphs the model is least sure of, one at a time, then a retrain on them.

Keyboard first: the form has the model's stance preselected, so Enter accepts it. Accept
confirms the model's stance (a correction equal to the model's value), Save writes the form's
stance and speaker, Skip moves on for this session. Corpus text is shown with ``st.text`` only.
Retrain adds the corpus's stance corrections to the scheme's training (models.retrain), keeps
the training in the workspace (dashboard.teach) and names the new head in the URL (``head``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, sidebar, teach
from dashboard.review import correction_note, record
from dashboard.schemes import DEFAULT_ID
from dashboard.state import write_url
from dashboard.textfmt import escape_md
from models.cache import digest
from models.classify import parse_model_spec
from models.corrections import load_corrections

SKIPPED_KEY = "_stancemap_review_skipped"
RESULT_KEY = "_stancemap_review_result"


def _write(rec: dict, stance: str, actor: str, corrections: str) -> None:
    data.save_corrections(Path(corrections), teach.review_corrections(rec, stance, actor))


def _accept(key: str, rec: dict, corrections: str) -> None:
    """The model's stance, confirmed (and the speaker as the form has it)."""
    _write(rec, str(rec["stance"]), st.session_state[f"{key}-actor"], corrections)


def _save(key: str, rec: dict, corrections: str) -> None:
    state = st.session_state
    _write(rec, state[f"{key}-stance"], state[f"{key}-actor"], corrections)


def _skip(item: str) -> None:
    st.session_state.setdefault(SKIPPED_KEY, set()).add(item)


def _next(view: sidebar.View) -> None:
    """The least sure paragraph nobody reviewed yet, and its form."""
    sch = view.scheme
    skipped = st.session_state.get(SKIPPED_KEY, set())
    todo = teach.queue(view.table, skipped)
    st.caption(f"{teach.reviewed(view.table)} reviewed · {len(todo)} left to review")
    if todo.empty:
        st.success("Nothing left to review." + (" (Some were skipped.)" if skipped else ""))
        if skipped and st.button("Show the skipped paragraphs again"):
            st.session_state[SKIPPED_KEY] = set()
            st.rerun()
        return
    row = todo.iloc[0]
    rec, item = record(row), teach.item_key(row)
    # the model's values are part of the key: a new head's preselection is not an old form's
    key = "review-" + digest(item, view.state.head, str(row["stance"]), str(row["actor"]))[:12]
    titles, labels = sch.titles, sch.label_names
    box = st.container(border=True, key="review-item")
    box.caption(
        escape_md(
            f"{row['source']} · ¶{int(row['paragraph']) + 1} · speaker: {row['speaker']} · "
            f"model: {titles.get(str(row['stance']), row['stance'])} "
            f"({float(row['stance_score']):.2f})"
        )
    )
    box.text(str(row["text"]))
    with box.form(f"{key}-form", border=False, enter_to_submit=True):
        current = str(row["stance"])
        st.selectbox("Stance", labels, index=labels.index(current) if current in labels else 0,
                     format_func=lambda s: titles.get(s, s), key=f"{key}-stance")  # fmt: skip
        st.text_input("Speaker (empty: the outlet's own narration)",
                      value=str(row["actor"] or ""), max_chars=200, key=f"{key}-actor")  # fmt: skip
        a, s, k = st.columns(3)
        with a:
            st.form_submit_button("Accept", type="primary", on_click=_accept,
                                  args=(key, rec, view.corrections))  # fmt: skip
        with s:
            st.form_submit_button("Save", on_click=_save, args=(key, rec, view.corrections))
        with k:
            st.form_submit_button("Skip", on_click=_skip, args=(item,))


def _done(view: sidebar.View) -> None:
    """The paragraphs reviewed so far, newest first (plain table cells)."""
    rows = view.table[view.table["corrected_by"].fillna("").astype(str) != ""]
    if rows.empty:
        return
    rows = rows.sort_values("corrected_at", ascending=False)
    shown = pd.DataFrame(
        {
            "Source": rows["source"],
            "Speaker": rows["speaker"],
            "Review": [correction_note(r, view.scheme.titles) for r in rows.to_dict("records")],
            "Paragraph": rows["text"],
        }
    )
    st.subheader(f"Reviewed ({len(rows)})")
    st.container(key="review-done").dataframe(shown, hide_index=True)


def _scheme_path(view: sidebar.View) -> str:
    schemes = view.schemes or {}
    picked = schemes.get(view.state.scheme or DEFAULT_ID) or schemes.get(DEFAULT_ID)
    return picked.path if picked else data.config().scheme_path


def _retrain(view: sidebar.View, items: list[dict]) -> None:
    """Train the head with the corrections, re-analyse the corpus with it, measure, remember."""
    from models import retrain

    cfg, sch, model = data.config(), view.scheme, view.model
    spath = _scheme_path(view)
    extra = retrain.extra_training(items, sch)
    head = data.training_key(spath, model, extra)
    teach.save_head(cfg.workspace, head, items, sch.name)
    bar, progress = sidebar.progress_bar("Retraining the scheme's model with the corrections…")
    paths = data.corpus_paths(cfg, view.state.corpus)
    try:
        path = data.analyse(cfg, model, paths, progress, spath, extra)
    except Exception as exc:  # a model that cannot load, an unreadable corpus: say so
        bar.empty()
        st.error(escape_md(f"Could not retrain and re-analyse the corpus: {exc}"))
        return
    after = data.load_table(path, Path(view.corrections), sch.abstain).table
    eng, lock = data.engine(model, cfg.cache_dir, spath, head, extra)  # its encoder, loaded
    docs = sorted({g["doc"] for g in items})
    done: list[str] = []

    def held_out(doc: str) -> None:
        done.append(doc)
        bar.progress(min(len(done) / max(2 * len(docs), 1), 1.0),
                     text=f"Scoring held-out articles: {len(done)}/{2 * len(docs)}")  # fmt: skip

    with lock:
        figure = retrain.before_after(sch, eng.embedder(), items, held_out)
    bar.empty()
    moved = teach.moved_shares(view.table, after, titles=sch.titles)
    st.session_state[RESULT_KEY] = {"head": head, "figure": figure, "moved": moved,
                                    "corpus": view.state.corpus,
                                    "from": view.state.head or "the scheme's model"}  # fmt: skip
    st.session_state[teach.HEAD_KEY] = head
    write_url({"head": head})
    st.rerun()


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _result(view: sidebar.View) -> None:
    """The last retrain's figures (while its head and corpus are the ones shown)."""
    res = st.session_state.get(RESULT_KEY)
    if not res or (res["head"], res["corpus"]) != (view.state.head, view.state.corpus):
        return
    fig = res["figure"]
    box = st.container(border=True, key="retrain-result")
    box.markdown(f"**Retrained: model version `{res['head']}`** (from {escape_md(res['from'])})")
    what = f"{fig.n} stance corrections in {fig.articles} article{'s' * (fig.articles != 1)}"
    if not fig.enough:
        box.info(f"Agreement with the corrections: too few to say ({what}; leave-one-article-out "
                 "needs corrections in at least 2 articles).")  # fmt: skip
    else:
        box.markdown(f"Agreement with the corrections, each article held out ({what}):")
        figure = pd.DataFrame(
            {
                "accuracy": [_pct(fig.before.accuracy), _pct(fig.after.accuracy)],
                "macro-F1": [_pct(fig.before.macro_f1), _pct(fig.after.macro_f1)],
            },
            index=["before (never saw the corrections)",
                   "after (trained on the other articles' corrections)"],
        )  # fmt: skip
        box.container(key="retrain-figure").table(figure)
    moved = res["moved"]
    if moved.empty:
        box.caption("No share per source or speaker moved by 5 points or more.")
    else:
        box.markdown(
            f"Charts that moved: {len(moved)} shares per source and per speaker changed by "
            "5 points or more (percent of the group's paragraphs):"
        )
        box.container(key="retrain-moved").dataframe(moved, hide_index=True)


def _retrain_section(view: sidebar.View) -> None:
    from models import retrain

    st.subheader("Teach the model")
    fixes = load_corrections(view.corrections) if Path(view.corrections).is_file() else []
    items = retrain.training_items(view.table, fixes)
    shown = f"model version {view.state.head}" if view.state.head else "the scheme's model"
    st.caption(escape_md(f"Now showing {shown}. {len(items)} stance corrections in this corpus."))
    learns = parse_model_spec(view.model).backend != "nli"  # an NLI model has no head to train
    if not learns:
        st.caption(escape_md(f"{view.model} is not a sentence encoder: it cannot be retrained."))
    go = st.button(f"Retrain with {len(items)} stance corrections",
                   disabled=not (items and learns), type="primary", key="retrain")  # fmt: skip
    if go:
        _retrain(view, items)
    _result(view)
    if view.state.head and st.button("Back to the scheme's model", key="retrain-reset"):
        st.session_state[teach.HEAD_KEY] = ""
        st.session_state.pop(RESULT_KEY, None)
        write_url({"head": None})
        st.rerun()


def render() -> None:
    view = sidebar.current_view()
    st.title("Review")
    sidebar.show_notices(view)
    st.caption(
        "The paragraphs the model is least sure of, one at a time. Enter in the speaker field "
        "accepts the model's stance (with the speaker as typed); Save keeps another stance."
    )
    _next(view)
    _retrain_section(view)
    _done(view)
    sidebar.share_box(view.state, "review")
    sidebar.timing_caption()


render()
