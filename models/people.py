"""Who a speaker is: the people a document has named so far, and a claim's speaker resolved
to an actor (pronouns, surnames, titles such as "the US president", the actor registry).

``models.attribute`` keeps one ``DocContext`` per document and calls ``remember_people`` on
each paragraph before ``resolve`` on each of its claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from models.lexicon import Lexicon
from models.quotes import quote_spans
from models.records import Attribution
from models.registry import Actor, Registry, affiliation_of
from models.speakers import Speaker
from models.speech import Claim


@dataclass
class DocContext:
    """What one document has said so far (the only state of attribution)."""

    registry: Registry | None
    lex: Lexicon
    people: dict[str, str] = field(default_factory=dict)  # full name -> title, latest last
    last_person: str = ""
    last_plural: tuple[str, str] = ("", "")  # (actor, kind) of the last group/organisation
    last: Attribution | None = None
    roles: dict[str, str] = field(default_factory=dict)  # actor -> first role given


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


def remember_people(doc: Doc, ctx: DocContext) -> None:
    """Add the full names this paragraph introduces (with their titles) to ``ctx.people``."""
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


def _known_person(name: str, ctx: DocContext) -> str:
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


def _by_title(speaker: Speaker, ctx: DocContext) -> str:
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


def resolve(claim: Claim, doc: Doc, ctx: DocContext) -> Attribution | None:
    """The actor a claim's speaker stands for, or None for a pronoun with no antecedent."""
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


def _subject_before(doc: Doc, start: int, ctx: DocContext) -> str:
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


def _registry_name(name: str, ctx: DocContext) -> str:
    actor = ctx.registry.lookup(name) if ctx.registry is not None else None
    return actor.name if actor else ""
