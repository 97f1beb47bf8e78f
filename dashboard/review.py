"""People's corrections in the dashboard, pure: what a Save writes, and how a row is marked.

>>> row = {"doc": "a.txt", "text": "Some text.", "paragraph": 2, "stance": "none", "actor": ""}
>>> [(c.field, c.value, c.previous) for c in corrections_for(row, "us_critical", "")]
[('stance', 'us_critical', 'none')]
>>> correction_note({"corrected_stance": "us_critical", "model_stance": "none"})
'corrected: us_critical (model: none)'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from models.corrections import Correction, make_correction

MAX_ACTOR = 200
RECORD_KEYS = ("doc", "text", "paragraph", "stance", "actor", "model_stance", "model_actor")


def clean_actor(text: object) -> str:
    """A typed actor name: printable, single-spaced, at most MAX_ACTOR characters.

    >>> clean_actor("  Wang\\tYi \\x00 ")
    'Wang Yi'
    """
    text = "".join(ch if ch.isprintable() else " " for ch in str(text or ""))
    return re.sub(r"\s+", " ", text).strip()[:MAX_ACTOR]


def record(row: Mapping[str, object]) -> dict[str, object]:
    """The fields of a table row a correction needs (small and picklable, for callbacks)."""
    out: dict[str, object] = {k: row.get(k, "") for k in RECORD_KEYS}
    out["paragraph"] = int(row.get("paragraph", -1) or 0)  # type: ignore[call-overload]
    return {k: "" if v is None else v for k, v in out.items()}


def corrections_for(
    row: Mapping[str, object], stance: str, actor: str, author: str = "person"
) -> list[Correction]:
    """The corrections a Save of (stance, actor) on ``row`` writes.

    Only changed fields are written; saving without a change confirms the stance (so the
    paragraph still counts as reviewed, e.g. as gold for ``stancemap evaluate``).
    """
    actor = clean_actor(actor)
    out = []
    if stance != str(row.get("stance", "")):
        out.append(make_correction(row, "stance", stance, author))
    if actor != str(row.get("actor", "") or ""):
        out.append(make_correction(row, "actor", actor, author))
    return out or [make_correction(row, "stance", stance, author)]


def _shown(actor: object) -> str:
    return str(actor) if actor else "narration"


def correction_note(row: Mapping[str, object], titles: Mapping[str, str] | None = None) -> str:
    """'corrected: us_critical (model: none)' (and the actor), or "" for a model-only row.

    >>> correction_note({"corrected_actor": "Wang Yi", "model_actor": "", "corrected_stance": ""})
    'actor corrected: Wang Yi (model: narration)'
    """
    parts = []
    stance, model_stance = row.get("corrected_stance") or "", row.get("model_stance") or ""
    if stance:
        verb = "confirmed" if stance == model_stance else "corrected"
        names = titles or {}
        shown = names.get(str(stance), stance), names.get(str(model_stance), model_stance)
        parts.append(f"{verb}: {shown[0]} (model: {shown[1] or '—'})")
    if row.get("corrected_by") and row.get("corrected_actor") == "" and _actor_fixed(row):
        parts.append(f"actor corrected: narration (model: {_shown(row.get('model_actor'))})")
    elif row.get("corrected_actor"):
        actor = row["corrected_actor"]
        parts.append(f"actor corrected: {actor} (model: {_shown(row.get('model_actor'))})")
    return " · ".join(parts)


def _actor_fixed(row: Mapping[str, object]) -> bool:
    """A correction set the actor to "" (the narration) where the model had a speaker."""
    return bool(row.get("model_actor")) and str(row.get("actor", "")) == ""
