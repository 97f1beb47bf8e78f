"""One statement across outlets: group the quotations and reported statements of a corpus.

MemeTracker tracks a phrase and Quotebank a quotation with its speaker; here each statement keeps
how every outlet carried it: which paragraph, ``quoted`` (inside quotation marks) or
``paraphrased`` (a reported clause), the reporting verb and the paragraph's stance.

**Statements** (one or more per content paragraph of the table of ``models.pipeline``): every
sentence of a quoted span of two words or more (the ``quote`` column, else
``models.quotes.quotes_of``); for an attributed paragraph without one, the reported clause of the
sentence holding its cue ("Officials said that X" -> "X"; "X, officials said" -> "X").
Narration's own words are not statements; its quotations are, with no speaker.

**Grouping.** Two statements join when
  - they are near copies (:func:`near_copy`: the word sequences match for at least ``NEAR_COPY``
    of their length by difflib, or the shorter, of 4 words or more, lies inside the longer) and
    their speakers are the same or one is unattributed; or
  - they are paraphrases: the same (attributed) speaker, different articles, and a MiniLM cosine
    of at least ``PARAPHRASE``.
Pairs that may not join get a prohibitive distance, and average-linkage agglomerative clustering
(scikit-learn, precomputed distances, ``distance_threshold = 1 - PARAPHRASE``) groups each
connected set of linkable statements; near copies count as distance 0.

**Thresholds, chosen on the seeds only** (never on an evaluation set), by listing every pair
of statements from two seed articles with its cosine and difflib ratio: the synonym-spun copies
of one wire quote score 0.73-1.00 by difflib and 0.95-1.00 by cosine, true paraphrases of one
speaker ("absence of denunciation" / "has not condemned") 0.30-0.38 and 0.79-0.82; the closest
*different* statements of one speaker (Blinken's two warnings to China) 0.11-0.19 and 0.66-0.67,
and of unrelated pairs none reaches 0.41 by difflib. So ``NEAR_COPY = 0.6`` and
``PARAPHRASE = 0.75`` sit in those gaps. Five articles are few: treat both as starting points.

See :func:`statements` for an example.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.quotes import quotes_of
from models.statement_text import (
    CONTAINED,
    NEAR_COPY,
    near_copy,
    reported_clause,
    verb_of,
    words_of,
)
from models.text import split_sentences

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> L2-normalised rows

PARAPHRASE = 0.75  # cosine of the MiniLM vectors: a paraphrase (same speaker, other article)
MIN_WORDS = 2  # a quotation of fewer words is a word, not a statement
_APART = 1e3  # the distance of a pair that may not join
COLUMNS = ["statement_id", "speaker", "statement", "doc", "source", "paragraph", "form", "verb",
           "stance", "text"]  # fmt: skip
SUMMARY_COLUMNS = ["statement_id", "speaker", "statement", "outlets", "outlet_list", "paragraphs",
                   "forms", "verbs", "stances"]  # fmt: skip


@dataclass(frozen=True)
class Mention:
    """One statement as one paragraph (``row``: position in the table) carries it."""

    row: int
    speaker: str
    text: str
    form: str  # "quoted" or "paraphrased"
    words: tuple[str, ...]


def mentions(table: pd.DataFrame) -> list[Mention]:
    """Every statement of the table's content paragraphs, in table order."""
    out: list[Mention] = []
    for i, r in enumerate(table.itertuples(index=False)):
        if r.kind != "content":
            continue
        speaker = _str(r.actor)
        spans = _str(r.quote).split(" … ") if _str(r.quote) else quotes_of(_str(r.text))
        pieces = [s for span in spans for s in split_sentences(span.strip(" ,"))]
        pieces = [p for p in pieces if len(words_of(p)) >= MIN_WORDS]
        for p in pieces:
            out.append(Mention(i, speaker, p, "quoted", words_of(p)))
        if not pieces and speaker:
            clause = reported_clause(_str(r.text), _str(r.cue))
            if len(words_of(clause)) >= MIN_WORDS:
                out.append(Mention(i, speaker, clause, "paraphrased", words_of(clause)))
    return out


def _str(value: object) -> str:
    """A table cell as text: missing (None, NaN) is empty."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _candidates(ms: list[Mention]) -> list[tuple[int, int]]:
    """Pairs that could be near copies: each word occurrence is a feature ("the", "the#2"), so
    a sparse product counts the words two statements share, an upper bound on what difflib can
    match; pairs under both bounds of :func:`near_copy` are never compared."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, m in enumerate(ms):
        seen: dict[str, int] = {}
        for w in m.words:
            seen[w] = seen.get(w, 0) + 1
            rows.append(i)
            cols.append(vocab.setdefault(f"{w}#{seen[w]}", len(vocab)))
    b = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(ms), len(vocab) or 1))
    shared = sparse.triu(b @ b.T, k=1).tocoo()
    out = []
    for i, j, s in zip(shared.row, shared.col, shared.data, strict=True):
        la, lb = len(ms[i].words), len(ms[j].words)
        if 2 * s >= NEAR_COPY * (la + lb) or (min(la, lb) >= 4 and s >= CONTAINED * min(la, lb)):
            out.append((int(i), int(j)))
    return sorted(out)


def group(ms: list[Mention], docs: Sequence[str], embed: Embed) -> list[int]:
    """A group number for each mention (``docs``: each mention's document)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from sklearn.cluster import AgglomerativeClustering

    n = len(ms)
    near = {
        (i, j)
        for i, j in _candidates(ms)
        if (ms[i].speaker == ms[j].speaker or not ms[i].speaker or not ms[j].speaker)
        and near_copy(ms[i].words, ms[j].words)
    }
    vecs = np.zeros((n, 1), dtype=np.float32)
    attributed = [i for i, m in enumerate(ms) if m.speaker]
    if attributed:
        found = np.asarray(embed([ms[i].text for i in attributed]), dtype=np.float32)
        vecs = np.zeros((n, found.shape[1]), dtype=np.float32)
        vecs[attributed] = found

    def distance(i: int, j: int) -> float:
        if (min(i, j), max(i, j)) in near:
            return 0.0
        if ms[i].speaker and ms[i].speaker == ms[j].speaker and docs[i] != docs[j]:
            return float(1.0 - vecs[i] @ vecs[j])
        return _APART

    edges = list(near)
    by_speaker: dict[str, list[int]] = {}
    for i in attributed:
        by_speaker.setdefault(ms[i].speaker, []).append(i)
    for idx in by_speaker.values():  # one speaker's statements: paraphrase edges
        a, b = np.nonzero(np.triu(vecs[idx] @ vecs[idx].T, k=1) >= PARAPHRASE)
        edges += [
            (idx[x], idx[y]) for x, y in zip(a, b, strict=True) if docs[idx[x]] != docs[idx[y]]
        ]
    graph = coo_matrix(([1] * len(edges), tuple(zip(*edges, strict=True)) or ([], [])), (n, n))
    _, component = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(component.tolist()):
        groups.setdefault(c, []).append(i)
    labels = [-1] * n
    for c, members in groups.items():
        sub = [0] * len(members)
        if len(members) > 2:  # two are one edge: joined
            d = np.array([[distance(i, j) if i != j else 0.0 for j in members] for i in members])
            sub = AgglomerativeClustering(
                n_clusters=None, metric="precomputed", linkage="average",
                distance_threshold=1.0 - PARAPHRASE,
            ).fit_predict(d).tolist()  # fmt: skip
        for i, k in zip(members, sub, strict=True):
            labels[i] = c * n + k
    return labels


def statements(table: pd.DataFrame, embed: Embed, min_outlets: int = 1) -> pd.DataFrame:
    """One row per paragraph carrying a statement (columns ``COLUMNS``; ``text``: the words this
    paragraph carries it with), statements numbered from 1 by most outlets, then most paragraphs.

    >>> rows = [dict(doc=d, source=s, paragraph=0, kind="content", stance="none", actor="Ana Ruiz",
    ...              cue=c, quote=q, text=t) for d, s, c, q, t in [
    ...     ("a", "CNN", "said", "", "Talks must start at once and without conditions, Ruiz said."),
    ...     ("b", "RT", "added", "Talks must start at once and without any conditions",
    ...      '"Talks must start at once and without any conditions," Ruiz added.')]]
    >>> df = statements(pd.DataFrame(rows), embed=lambda texts: np.eye(len(texts)))
    >>> df[["statement_id", "speaker", "source", "form", "verb"]].values.tolist()
    [[1, 'Ana Ruiz', 'CNN', 'paraphrased', 'say'], [1, 'Ana Ruiz', 'RT', 'quoted', 'add']]
    """
    ms = mentions(table)
    if not ms:
        return pd.DataFrame(columns=COLUMNS)
    docs = [str(table.iloc[m.row]["doc"]) for m in ms]
    labels = group(ms, docs, embed)
    per_group: dict[int, list[Mention]] = {}
    for m, g in zip(ms, labels, strict=True):
        per_group.setdefault(g, []).append(m)
    found = []
    for members in per_group.values():
        rows = _carrying_rows(table, members)
        speakers = sorted({m.speaker for m in members if m.speaker})
        speaker = max(speakers, key=lambda s: sum(m.speaker == s for m in members), default="")
        quoted = [m.text for m in members if m.form == "quoted"]
        text = max(quoted, key=len) if quoted else members[0].text
        for r in rows:
            r.update(speaker=speaker, statement=text)
        key = (-len({r["source"] for r in rows}), -len(rows), members[0].row, text)
        found.append((key, rows))
    found.sort(key=lambda f: f[0])
    out = [
        dict(r, statement_id=k + 1)
        for k, (_, rows) in enumerate(f for f in found if -f[0][0] >= min_outlets)
        for r in rows
    ]
    return pd.DataFrame(out, columns=COLUMNS)


def _carrying_rows(table: pd.DataFrame, members: list[Mention]) -> list[dict]:
    """One row per paragraph: its quoted form if it has one (the longest), else its clause."""
    best: dict[int, Mention] = {}
    for m in members:
        old = best.get(m.row)
        if old is None or (m.form, len(m.text)) > (old.form, len(old.text)):
            best[m.row] = m  # "quoted" > "paraphrased"
    return [
        dict(doc=_str(r["doc"]), source=_str(r["source"]), paragraph=int(r["paragraph"]),
             form=m.form, verb=verb_of(_str(r["cue"])), stance=_str(r["stance"]), text=m.text)
        for m, r in ((m, table.iloc[row]) for row, m in sorted(best.items()))
    ]  # fmt: skip


def statement_summary(df: pd.DataFrame) -> pd.DataFrame:
    """One row per statement: its speaker and text, the outlets and paragraphs carrying it, and
    counts of the forms, verbs and stances ("quoted 2, paraphrased 1")."""

    def counts(s: pd.Series) -> str:
        vc = s[s != ""].value_counts()
        return ", ".join(f"{k} {v}" for k, v in sorted(vc.items(), key=lambda kv: (-kv[1], kv[0])))

    rows = []
    for sid, g in df.groupby("statement_id", sort=True):
        outlets = list(dict.fromkeys(g["source"]))
        rows.append(dict(
            statement_id=sid, speaker=g["speaker"].iloc[0], statement=g["statement"].iloc[0],
            outlets=len(outlets), outlet_list="; ".join(outlets), paragraphs=len(g),
            forms=counts(g["form"]), verbs=counts(g["verb"]), stances=counts(g["stance"]),
        ))  # fmt: skip
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
