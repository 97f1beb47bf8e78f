"""The Review page's pure steps: the review queue, the charts a retrain moved, the head files.

A retrained head is kept in the workspace as ``heads/<fingerprint>.json``: the corrected
paragraphs it learned from (gold items, see models.retrain), so a URL with ``head=<fingerprint>``
analyses with the same extra training, i.e. the same head. Pure but for :func:`head_from_url`
(the sidebar's step: the URL and this session's model version).

>>> import pandas as pd
>>> t = pd.DataFrame({"kind": ["content"] * 3, "stance_score": [0.9, 0.4, 0.6],
...     "corrected_by": ["", "", "person"], "doc": ["a", "a", "b"], "paragraph": [0, 1, 0]})
>>> list(queue(t).index)
[1, 0]
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pandas as pd

from models.summary import content_rows

HEADS = "heads"  # the workspace folder of retrained heads
HEAD_ID = re.compile(r"[0-9a-f]{16}")  # a training fingerprint
MOVED = 0.05  # a share that changed by this much or more "moved"
MOVED_COLUMNS = ["chart", "group", "stance", "before", "after", "change"]


def item_key(row: Mapping[str, object]) -> str:
    """A paragraph's key in the queue (its document and number)."""
    return f"{row['doc']}#{int(row['paragraph'])}"  # type: ignore[call-overload]


def queue(table: pd.DataFrame, skipped: Collection[str] = ()) -> pd.DataFrame:
    """Content rows nobody reviewed yet (no correction), least sure first (lowest
    ``stance_score``; ties in corpus order), without the ones skipped in this session."""
    rows = content_rows(table)
    if "corrected_by" in rows.columns:
        rows = rows[rows["corrected_by"].fillna("").astype(str) == ""]
    if skipped and len(rows):
        keys = [item_key(r) for r in rows[["doc", "paragraph"]].to_dict("records")]
        rows = rows[[k not in skipped for k in keys]]
    return rows.sort_values(["stance_score", "doc", "paragraph"], kind="stable")


def review_corrections(row: Mapping[str, object], stance: str, actor: str) -> list:
    """What a review writes: as dashboard.review.corrections_for, and always the stance (a
    paragraph whose speaker alone was fixed had its stance looked at too: it is confirmed, so
    every reviewed paragraph teaches the stance head)."""
    from dashboard.review import corrections_for
    from models.corrections import make_correction

    out = corrections_for(row, stance, actor)
    if not any(c.field == "stance" for c in out):
        out.insert(0, make_correction(row, "stance", stance))
    return out


def reviewed(table: pd.DataFrame) -> int:
    """Content paragraphs a person reviewed (corrected or confirmed)."""
    rows = content_rows(table)
    if "corrected_by" not in rows.columns:
        return 0
    return int((rows["corrected_by"].fillna("").astype(str) != "").sum())


def shares(table: pd.DataFrame, by: str) -> pd.Series:
    """(group, stance) -> share of the group's content paragraphs."""
    rows = content_rows(table)
    if rows.empty:
        return pd.Series(dtype=float)
    return rows.groupby(by)["stance"].value_counts(normalize=True)


def moved_shares(
    before: pd.DataFrame,
    after: pd.DataFrame,
    by: Sequence[str] = ("source", "speaker"),
    threshold: float = MOVED,
    titles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The shares (per source, per speaker) that changed by ``threshold`` or more, largest
    change first: chart, group, stance (its title), before, after, change (in points)."""
    names = titles or {}
    out = []
    for column in by:
        b, a = shares(before, column), shares(after, column)
        both = pd.concat([b.rename("before"), a.rename("after")], axis=1).fillna(0.0)
        for (group, stance), row in both.iterrows():
            change = row["after"] - row["before"]
            if abs(change) >= threshold - 1e-9:
                out.append([column, group, names.get(stance, stance),
                            round(100 * row["before"], 1), round(100 * row["after"], 1),
                            round(100 * change, 1)])  # fmt: skip
    frame = pd.DataFrame(out, columns=MOVED_COLUMNS)
    order = frame["change"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def valid_head(head: object) -> bool:
    return isinstance(head, str) and bool(HEAD_ID.fullmatch(head))


def head_file(workspace: str | Path, head: str) -> Path:
    if not valid_head(head):
        raise ValueError(f"not a head id: {head!r}")
    return Path(workspace) / HEADS / f"{head}.json"


def save_head(workspace: str | Path, head: str, items: Sequence[dict], scheme: str) -> Path:
    """Store a head's extra training (atomically: write, then rename)."""
    path = head_file(workspace, head)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"head": head, "scheme": scheme, "items": list(items)}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def load_head(workspace: str | Path, head: str) -> tuple[list[dict], str] | None:
    """(items, scheme name) of a stored head; None for a malformed, unknown or broken one."""
    if not valid_head(head):
        return None
    try:
        payload = json.loads(head_file(workspace, head).read_text(encoding="utf-8"))
        items = payload["items"]
        ok = isinstance(items, list) and all(
            isinstance(g, dict) and isinstance(g.get("text"), str) for g in items
        )
        return (items, str(payload.get("scheme", ""))) if ok else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def resolve_head(workspace: str | Path, head: str, scheme, model: str):
    """The URL's ``head`` -> (head id, extra TrainingSet, notice). An unknown, broken or
    other-scheme head gives ("", None, a notice saying so); no head gives ("", None, "")."""
    from models.retrain import extra_training, head_id

    if not head:
        return "", None, ""
    shown = "".join(ch if ch.isprintable() else "?" for ch in head)[:40]
    stored = load_head(workspace, head)
    if stored is None:
        return "", None, f'Ignored unknown model version "{shown}": showing the scheme\'s model.'
    items, _ = stored
    if head_id(scheme, model, items) != head:
        note = f'Model version "{shown}" was trained under another scheme: showing this one\'s.'
        return "", None, note
    return head, extra_training(items, scheme), ""


HEAD_KEY = "_stancemap_head"  # this session's model version (page links drop the URL's)


def head_from_url(cfg, params: dict[str, list[str]], scheme, model: str):
    """The model version the URL names (or this session's last one, which the navigation's
    page links drop): (head, extra training, notice); an unknown one is taken out of the URL."""
    import streamlit as st

    from dashboard.state import write_url

    values = params.get("head") or []
    if not values and st.session_state.get(HEAD_KEY):
        values = [st.session_state[HEAD_KEY]]
    head, extra, notice = resolve_head(cfg.workspace, values[-1] if values else "", scheme, model)
    st.session_state[HEAD_KEY] = head
    write_url({"head": head or None})
    return head, extra, notice
