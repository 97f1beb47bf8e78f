"""The paragraph table: its columns, building it from records, and reading/writing it.

Formats by extension: ``.parquet``, ``.csv``, ``.jsonl``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from models.records import Attribution, Paragraph, StanceResult
from models.schemes import Scheme

BASE_COLUMNS = ("doc", "source", "title", "date", "paragraph", "kind", "text")
STANCE_COLUMNS = ("stance", "stances", "stance_score")
TAIL_COLUMNS = (
    "abstained",
    "evidence",
    "evidence_score",
    "model",
    "scheme",
    "actor",
    "actor_kind",
    "actor_role",
    "affiliation",
    "cue",
    "quote",
    "unvoiced",
)
FORMATS = (".parquet", ".csv", ".jsonl")


def columns(scheme: Scheme) -> list[str]:
    scores = [f"score_{n}" for n in scheme.label_names]
    return [*BASE_COLUMNS, *STANCE_COLUMNS, *scores, *TAIL_COLUMNS]


def row(
    p: Paragraph, att: Attribution | None, st: StanceResult | None, scheme: Scheme, model: str
) -> dict[str, object]:
    att = att or Attribution()
    out: dict[str, object] = {
        "doc": p.doc,
        "source": p.source,
        "title": p.title,
        "date": p.date,
        "paragraph": p.paragraph,
        "kind": p.kind,
        "text": p.text,
        "stance": st.stance if st else "",
        "stances": ";".join(st.stances) if st else "",
        "stance_score": st.stance_score if st else float("nan"),
    }
    for n in scheme.label_names:
        out[f"score_{n}"] = st.scores.get(n, float("nan")) if st else float("nan")
    out.update(
        abstained=bool(st.abstained) if st else False,
        evidence=st.evidence if st else "",
        evidence_score=st.evidence_score if st else float("nan"),
        model=model if st else "",
        scheme=scheme.name if st else "",
        actor=att.actor,
        actor_kind=att.actor_kind if st else "",
        actor_role=att.actor_role,
        affiliation=att.affiliation if st else "",
        cue=att.cue,
        quote=att.quote,
        unvoiced=";".join(st.unvoiced) if st else "",
    )
    return out


def rows_to_frame(
    rows: Sequence[tuple[Paragraph, Attribution | None, StanceResult | None]],
    scheme: Scheme,
    model: str,
) -> pd.DataFrame:
    df = pd.DataFrame([row(p, a, s, scheme, model) for p, a, s in rows], columns=columns(scheme))
    return df.astype({"paragraph": "int64", "abstained": "bool"})


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write atomically (temp file + rename) in the format named by the extension."""
    p = Path(path)
    if p.suffix not in FORMATS:
        raise ValueError(f"unknown output format {p.suffix!r}: use one of {', '.join(FORMATS)}")
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp")
    if p.suffix == ".parquet":
        df.to_parquet(tmp, index=False)
    elif p.suffix == ".csv":
        df.to_csv(tmp, index=False)
    else:
        df.to_json(tmp, orient="records", lines=True, force_ascii=False)
    tmp.replace(p)
    return p


def read_table(path: str | Path) -> pd.DataFrame:
    p = Path(path)
    if p.suffix == ".parquet":
        return pd.read_parquet(p)
    if p.suffix == ".csv":
        df = pd.read_csv(p)
        for col in df.columns:
            if not pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(
                df[col]
            ):
                df[col] = df[col].fillna("")
        return df
    if p.suffix == ".jsonl":
        return pd.read_json(p, orient="records", lines=True)
    raise ValueError(f"unknown table format {p.suffix!r}: use one of {', '.join(FORMATS)}")
