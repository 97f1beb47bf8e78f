"""Human corrections of the model's stance and actor, stored as append-only JSON Lines.

A correction names its paragraph by document and text hash (``models.cache.digest`` of the
paragraph text), so it still applies after a re-analysis that numbers paragraphs differently,
or after a model change. The last correction of a (doc, text, field) wins.

>>> c = Correction("a.txt", digest("Some text."), 3, "stance", "us_critical", "none")
>>> append_correction(path, c); load_corrections(path)[-1] == c   # doctest: +SKIP
True
>>> table = apply_corrections(analysis.table, load_corrections(path))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from dataclasses import field as dc_field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from models.cache import digest

try:  # POSIX; elsewhere appends rely on O_APPEND alone
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

Field = Literal["stance", "actor"]
FIELDS: tuple[str, ...] = ("stance", "actor")
# Columns a correction may overwrite; each keeps the model's value in ``model_<column>``.
OVERWRITTEN = ("stance", "stances", "abstained", "actor", "actor_kind", "actor_role", "affiliation")
CORRECTED_COLUMNS = ("corrected_stance", "corrected_actor", "corrected_by", "corrected_at")
Key = tuple[str, str, str]  # (doc, text_hash, field)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Correction:
    """A person's value for one field of one paragraph, and the model's value it replaced."""

    doc: str
    text_hash: str  # models.cache.digest(paragraph text)
    paragraph: int  # informative: the index when it was made
    field: Field
    value: str
    previous: str = ""  # the model's value when corrected
    author: str = "person"
    source: str = "person"  # provenance: who made it ("person"; the model's values stay)
    created: str = dc_field(default_factory=_now)  # ISO 8601 UTC

    def __post_init__(self) -> None:
        if self.field not in FIELDS:
            raise ValueError(f"a correction's field is one of {FIELDS}, not {self.field!r}")


def make_correction(
    row: Mapping[str, object], field: Field, value: str, author: str = "person"
) -> Correction:
    """A correction of one table row (a dict or Series with doc, paragraph, text, the field).

    ``previous`` is the model's value (``model_<field>`` when corrections were applied).
    """
    previous = row.get(f"model_{field}", row.get(field, ""))
    return Correction(
        doc=str(row["doc"]),
        text_hash=digest(str(row["text"])),
        paragraph=int(row.get("paragraph", -1)),  # type: ignore[arg-type]
        field=field,
        value=str(value),
        previous="" if previous is None else str(previous),
        author=str(author) or "person",
    )


def append_correction(path: str | Path, correction: Correction) -> None:
    """Append one JSON line under an exclusive lock, flushed and fsync'ed.

    A half line left by an earlier crash is closed off first, so it never swallows this one.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(asdict(correction), ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(p, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock


def load_corrections(path: str | Path) -> list[Correction]:
    """Every readable correction in file order; broken lines are skipped; no file -> []."""
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY)
    except FileNotFoundError:
        return []
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read()
    finally:
        os.close(fd)
    out = []
    for line in data.split(b"\n"):
        c = _parse(line)
        if c is not None:
            out.append(c)
    return out


_NAMES = {f.name for f in fields(Correction)}


def _parse(line: bytes) -> Correction | None:
    if not line.strip():
        return None
    try:
        d = json.loads(line)
        if not isinstance(d, dict):
            return None
        d = {k: v for k, v in d.items() if k in _NAMES}
        d["paragraph"] = int(d.get("paragraph", -1))
        for k in ("doc", "text_hash", "value", "previous", "author", "source", "created"):
            if k in d and not isinstance(d[k], str):
                return None
        return Correction(**d)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def latest(corrections: Iterable[Correction]) -> dict[Key, Correction]:
    """(doc, text_hash, field) -> the last correction of it (file order: last write wins)."""
    return {(c.doc, c.text_hash, c.field): c for c in corrections}


def model_values(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the model made it: undoes :func:`apply_corrections` (else unchanged)."""
    if "model_stance" not in table.columns:
        return table
    out = table.copy()
    for col in OVERWRITTEN:
        if f"model_{col}" in out.columns:
            out[col] = out.pop(f"model_{col}")
    return out.drop(columns=[c for c in CORRECTED_COLUMNS if c in out.columns])


def apply_corrections(
    table: pd.DataFrame, corrections: Iterable[Correction], abstain: str = "none"
) -> pd.DataFrame:
    """A copy of the table where people's values win over the model's (pure).

    Adds ``model_stance``/``model_actor`` (the model's values; likewise ``model_<col>`` for
    every other column a correction changes), ``corrected_stance`` / ``corrected_actor`` (""
    when not corrected), ``corrected_by`` and ``corrected_at``. A corrected stance also sets
    ``stances`` and ``abstained``; a corrected actor takes kind, role and affiliation from the
    model's rows of that actor (else a "person" of "unknown" side; "" is the narration, of side
    "narration").
    Applying to an already corrected table starts again from the model's values.
    """
    out = model_values(table).copy()
    present = [c for c in OVERWRITTEN if c in out.columns]
    profiles = _actor_profiles(out)
    for col in present:
        out[f"model_{col}"] = out[col]
    for col in CORRECTED_COLUMNS:
        out[col] = ""
    last = latest(corrections)
    if out.empty or not last:
        return out
    keys = [(str(d), digest(str(t))) for d, t in zip(out["doc"], out["text"], strict=True)]
    for i, (doc, h) in enumerate(keys):
        stance, actor = last.get((doc, h, "stance")), last.get((doc, h, "actor"))
        if stance is None and actor is None:
            continue
        idx = out.index[i]
        if stance is not None:
            out.at[idx, "stance"] = out.at[idx, "corrected_stance"] = stance.value
            if "stances" in present:
                out.at[idx, "stances"] = "" if stance.value == abstain else stance.value
            if "abstained" in present:
                out.at[idx, "abstained"] = stance.value == abstain
        if actor is not None:
            out.at[idx, "actor"] = out.at[idx, "corrected_actor"] = actor.value
            kind, role, side = profiles.get(actor.value, ("person", "", "unknown"))
            if not actor.value:
                kind, role, side = "narrator", "", "narration"
            for col, v in (("actor_kind", kind), ("actor_role", role), ("affiliation", side)):
                if col in present:
                    out.at[idx, col] = v
        newest = max((c for c in (stance, actor) if c is not None), key=lambda c: c.created)
        out.at[idx, "corrected_by"] = newest.author
        out.at[idx, "corrected_at"] = newest.created
    return out


def _actor_profiles(table: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """Actor -> its most frequent (kind, role, affiliation) in a table of model values."""
    cols = ["actor", "actor_kind", "actor_role", "affiliation"]
    if not set(cols) <= set(table.columns):
        return {}
    rows = table.loc[table["actor"].astype(str) != "", cols].astype(str)
    if rows.empty:
        return {}
    top = rows.value_counts().reset_index().drop_duplicates("actor")
    return {r[0]: (r[1], r[2], r[3]) for r in top[cols].itertuples(index=False)}


def corrections_as_gold(table: pd.DataFrame, corrections: Iterable[Correction]) -> list[dict]:
    """Gold items (format of dev_gold.json) for the corrected paragraphs found in ``table``.

    A reviewed paragraph's uncorrected field is taken as confirmed: its gold value is the
    model's. Corrections whose paragraph is not in the table are left out (see :func:`orphans`).
    """
    last = latest(corrections)
    if not last or table.empty:
        return []
    base = model_values(table)
    items = []
    seen: set[tuple[str, str]] = set()
    for row in base.to_dict("records"):
        doc, text = str(row["doc"]), str(row["text"])
        key = (doc, digest(text))
        if key in seen:
            continue
        stance, actor = last.get((*key, "stance")), last.get((*key, "actor"))
        if stance is None and actor is None:
            continue
        seen.add(key)
        value = stance.value if stance else str(row.get("stance") or "none")
        items.append(
            {
                "doc": doc,
                "index": int(row.get("paragraph", -1)),
                "text": text,
                "kind": "content",
                "stance": value,
                "accept": [value],
                "actor": actor.value if actor else str(row.get("actor") or ""),
            }
        )
    return items


def orphans(table: pd.DataFrame, corrections: Iterable[Correction]) -> list[Correction]:
    """Latest corrections whose paragraph (doc + text) no longer appears in ``table``."""
    present = {(str(d), digest(str(t))) for d, t in zip(table["doc"], table["text"], strict=True)}
    return [c for (doc, h, _), c in latest(corrections).items() if (doc, h) not in present]
