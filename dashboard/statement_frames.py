"""Pure steps of the Statements page over ``models.statements``' per-paragraph table.

``statements(table, embed)`` gives one row per paragraph carrying a statement (ids, label ids);
these functions turn it into what people read (label titles, one line per outlet) and check a
URL's statement id. Streamlit-free, so they are unit-tested table-driven.

>>> df = pd.DataFrame([
...     dict(statement_id=1, speaker="Ana Ruiz", statement="Talks must start", doc="a.txt",
...          source="CNN", paragraph=2, form="paraphrased", verb="say", stance="none", text="x"),
...     dict(statement_id=1, speaker="Ana Ruiz", statement="Talks must start", doc="b.txt",
...          source="RT", paragraph=0, form="quoted", verb="insist", stance="us_critical",
...          text="y")])
>>> row = statement_list(df, {"us_critical": "US-critical", "none": "None"}).iloc[0]
>>> row["outlet_list"], row["carried"]
('CNN; RT', 'CNN: paraphrased (say), stance None · RT: quoted (insist), stance US-critical')
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Mapping

import pandas as pd

from models.statements import COLUMNS

UNATTRIBUTED = "(unattributed)"
INPUT_COLUMNS = ("doc", "source", "paragraph", "kind", "text", "actor", "cue", "quote", "stance")
LIST_COLUMNS = ["statement_id", "speaker", "statement", "outlets", "outlet_list", "paragraphs",
                "carried", "stances"]  # fmt: skip
_FINGERPRINTS: dict[int, tuple[weakref.ref, str]] = {}  # id(table) -> (the table, its key)


def speaker_shown(speaker: object) -> str:
    """A statement's speaker as shown: the name, or "(unattributed)" for a bare quotation.

    >>> speaker_shown("Jen Psaki"), speaker_shown("")
    ('Jen Psaki', '(unattributed)')
    """
    text = "" if speaker is None or pd.isna(speaker) else str(speaker)
    return text or UNATTRIBUTED


def _counts(values: list[str]) -> str:
    """'US-critical 2, None 1': each value with its count, most frequent first."""
    vc = pd.Series([v for v in values if v], dtype=object).value_counts()
    return ", ".join(f"{k} {v}" for k, v in sorted(vc.items(), key=lambda kv: (-kv[1], kv[0])))


def carried_line(row: Mapping[str, object], titles: Mapping[str, str]) -> str:
    """How one paragraph carries its statement: 'CNN: quoted (say), stance US-critical'.

    >>> carried_line({"source": "RT", "form": "quoted", "verb": "", "stance": "x"}, {})
    'RT: quoted, stance x'
    """
    stance, verb = str(row["stance"]), str(row["verb"])
    how = str(row["form"]) + (f" ({verb})" if verb else "")
    return f"{row['source']}: {how}, stance {titles.get(stance, stance)}"


def statement_list(
    df: pd.DataFrame, titles: Mapping[str, str], min_outlets: int = 1
) -> pd.DataFrame:
    """One row per statement carried by ``min_outlets`` outlets or more (columns
    ``LIST_COLUMNS``), in the table's order (most outlets first): the speaker as shown, how
    each paragraph carried it and its stances by title."""
    rows = []
    for sid, g in df.groupby("statement_id", sort=True):
        outlets = list(dict.fromkeys(g["source"].astype(str)))
        if len(outlets) < min_outlets:
            continue
        records = g.to_dict("records")
        rows.append(
            dict(
                statement_id=int(sid),
                speaker=speaker_shown(g["speaker"].iloc[0]),
                statement=str(g["statement"].iloc[0]),
                outlets=len(outlets),
                outlet_list="; ".join(outlets),
                paragraphs=len(g),
                carried=" · ".join(carried_line(r, titles) for r in records),
                stances=_counts([titles.get(str(s), str(s)) for s in g["stance"]]),
            )
        )
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def carriers(df: pd.DataFrame, stmt: int, titles: Mapping[str, str]) -> pd.DataFrame:
    """The paragraphs carrying statement ``stmt``, as read: ``stance`` by its title, ``¶``
    from 1, ``words`` the words it carries the statement with (the id stays in ``label``).

    >>> df = pd.DataFrame([dict(statement_id=4, source="RT", doc="a", paragraph=0,
    ...     form="quoted", verb="say", stance="none", text="w", speaker="", statement="w")])
    >>> carriers(df, 4, {"none": "None"})[["source", "number", "stance", "label"]].values.tolist()
    [['RT', 1, 'None', 'none']]
    """
    rows = df[df["statement_id"] == stmt]
    return pd.DataFrame(
        {
            "source": rows["source"].astype(str),
            "doc": rows["doc"].astype(str),
            "paragraph": rows["paragraph"].astype(int),
            "number": rows["paragraph"].astype(int) + 1,
            "form": rows["form"].astype(str),
            "verb": rows["verb"].astype(str),
            "stance": [titles.get(str(s), str(s)) for s in rows["stance"]],
            "label": rows["stance"].astype(str),
            "words": rows["text"].astype(str),
        }
    ).reset_index(drop=True)


def check_statement(df: pd.DataFrame, stmt: int | None) -> tuple[int | None, str]:
    """A URL's statement id -> (the id, "") when the corpus has it, else (None, a notice).

    >>> df = pd.DataFrame({"statement_id": [1, 1, 2]})
    >>> check_statement(df, 2), check_statement(df, None), check_statement(df, 9)[1]
    ((2, ''), (None, ''), 'Ignored parameter "stmt": this corpus has no statement 9.')
    """
    if stmt is None or stmt in set(df["statement_id"].astype(int)):
        return stmt, ""
    return None, f'Ignored parameter "stmt": this corpus has no statement {stmt}.'


def paragraph_texts(table: pd.DataFrame, rows: pd.DataFrame) -> list[str]:
    """The full text of each carrying paragraph (``rows``: doc, paragraph) from the table.

    >>> t = pd.DataFrame({"doc": ["a", "a"], "paragraph": [0, 1], "text": ["one", "two"]})
    >>> paragraph_texts(t, pd.DataFrame({"doc": ["a"], "paragraph": [1]}))
    ['two']
    """
    table = table[table["doc"].astype(str).isin(set(rows["doc"].astype(str)))]  # its articles
    index = {(str(d), int(p)): str(x) for d, p, x in
             zip(table["doc"], table["paragraph"], table["text"], strict=True)}  # fmt: skip
    return [index.get((str(d), int(p)), "") for d, p in zip(rows["doc"], rows["paragraph"],
                                                            strict=True)]  # fmt: skip


def export_statements(df: pd.DataFrame) -> pd.DataFrame:
    """The per-paragraph table for CSV download: ``models.statements.COLUMNS``, label ids."""
    return df.reindex(columns=COLUMNS).reset_index(drop=True)


def fingerprint(table: pd.DataFrame) -> str:
    """A key of what statements depend on in ``table`` (texts, speakers, cues, quotes, stances:
    a correction changes it), computed once per table object (the loaded table is shared and
    read-only, so later reruns cost a lookup).

    >>> t = pd.DataFrame({c: ["x"] for c in INPUT_COLUMNS})
    >>> fingerprint(t) == fingerprint(t.copy()) != fingerprint(t.assign(stance="y"))
    True
    """
    known = _FINGERPRINTS.get(id(table))
    if known is not None and known[0]() is table:
        return known[1]
    cols = [c for c in INPUT_COLUMNS if c in table.columns]
    hashed = pd.util.hash_pandas_object(table[cols].astype(str), index=False)
    key = hashlib.sha256(hashed.to_numpy().tobytes() + "|".join(cols).encode()).hexdigest()[:20]
    for k, (ref, _) in list(_FINGERPRINTS.items()):  # sessions' threads share it: no del
        if ref() is None:
            _FINGERPRINTS.pop(k, None)
    _FINGERPRINTS[id(table)] = (weakref.ref(table), key)
    return key
