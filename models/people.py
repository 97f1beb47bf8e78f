"""Who a speaker is: the people a document has named so far, and a claim's speaker resolved
to an actor (pronouns, surnames, descriptions such as "the US president", the actor registry).

``models.attribute`` keeps one ``DocContext`` per document and calls ``remember_people`` on
each paragraph before ``resolve`` on each of its claims; pronouns and descriptions are
resolved to the article's speakers by ``models.coref``.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from models.coref import (
    DocContext,
    by_description,
    known_person,
    name_of,
    registry_name,
    strip_titles,
    subject_before,
)
from models.lexicon import Lexicon
from models.records import Attribution
from models.registry import Actor, canonical_institution
from models.sides import NARRATION, UNKNOWN, affiliation_of
from models.speech import Claim

__all__ = ["DocContext", "remember_people", "resolve"]


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


def remember_people(doc: Doc, ctx: DocContext) -> None:
    """Add the full names this paragraph introduces (with their titles) to ``ctx.people``."""
    for ent in _person_spans(doc, ctx.lex):
        name = name_of(ent.text)
        words = name.split()
        if len(words) < 2 or not all(w[:1].isupper() for w in words) or "-" in name:
            continue
        if words[0].lower().rstrip(".") in {w.rstrip(".") for w in ctx.lex.titles}:
            continue
        name = registry_name(name, ctx) or name
        pre = [t for t in ent.root.subtree if t.i < ent.start and t.dep_ not in ("det", "punct")]
        title = " ".join(t.text for t in pre) or ctx.people.get(name, "")
        ctx.people.pop(name, None)
        ctx.people[name] = title


def resolve(claim: Claim, doc: Doc, ctx: DocContext) -> Attribution | None:
    """The actor a claim's speaker stands for, or None for a pronoun with no antecedent."""
    sp = claim.speaker
    name, kind, role = sp.text, sp.kind, sp.role
    if kind == "report":  # an outlet's report the article cites: its narration, cue kept
        return Attribution(cue=f"{name} {claim.cue}")
    if kind == "pronoun":
        if sp.head in ("he", "she"):
            met = next(reversed(ctx.people), "") if ctx.people else ""
            name = subject_before(doc, claim.start, ctx) or ctx.last_person or met
            kind = "person"
        else:
            name = subject_before(doc, claim.start, ctx, plural=True)
            name, kind = (name, "organization") if name else ctx.last_plural
        if not name:
            return None
        role = ""
    elif kind == "title":
        found = by_description(sp, ctx)
        name, kind = (found, "person") if found else (sp.text, "group")
    elif kind in ("person", "name", "organization"):
        short = strip_titles(name, ctx.lex)
        full = known_person(short, ctx)
        if full:
            name, kind = full, "person"
        elif kind != "organization":
            name = short
        else:
            name = canonical_institution(name)
    actor = ctx.registry.lookup(name) if ctx.registry is not None else None
    if actor is not None and (kind != "group" or actor.kind == "group"):
        name = actor.name
        kind = actor.kind if kind in ("name", "organization") else kind
    else:
        actor = None
    if kind == "name":
        kind = "person"
    role = (actor.role if actor else "") or ctx.roles.get(name, "") or role
    role = role or ctx.people.get(name, "")
    if role:
        ctx.roles.setdefault(name, role)
    return Attribution(name, kind, role, _side(name, role, actor), claim.cue, "")


def _side(name: str, role: str, actor: Actor | None) -> str:
    if actor is not None and actor.affiliation not in (UNKNOWN, NARRATION):
        return actor.affiliation
    return affiliation_of(f"{role} {name}")
