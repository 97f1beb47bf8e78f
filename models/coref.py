"""Pronouns and descriptions resolved to the speakers of an article.

A pronoun or a description ("the Russian envoy", "Ukraine's ambassador") names someone the article
has met: the most recent *compatible speaker*, not the most recent name. Compatible means the
description's side (its nationality words, ``models.sides``) and its office (the head noun:
"president", "ambassador") agree with what the article or the registry says of the person;
generic heads ("envoy", "diplomat", "official") fit anyone of the side. ``note_centre`` keeps
the person a paragraph is about (the person subject of its main clauses: centering theory's
preferred centre) when nobody is quoted in it, so that "he" in the next paragraph finds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from models.lexicon import Lexicon
from models.quotes import quote_spans
from models.records import Attribution
from models.registry import Registry
from models.sides import affiliation_of
from models.speakers import Speaker

# Heads that describe any person of a side ("the Russian envoy" = the article's Russian speaker).
GENERIC_HEADS = frozenset(
    {"envoy", "diplomat", "official", "leader", "representative", "counterpart", "source"}
)


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
    speakers: dict[str, str] = field(default_factory=dict)  # person speaker -> side, latest last

    def heard(self, att: Attribution) -> None:
        """Remember a resolved speaker (a person becomes the most recent one)."""
        if att.actor_kind == "person" and att.actor:
            self.last_person = att.actor
            self.speakers.pop(att.actor, None)
            self.speakers[att.actor] = att.affiliation
        elif att.actor_kind in ("group", "organization") and att.actor:
            self.last_plural = (att.actor, att.actor_kind)


def name_of(text: str) -> str:
    return re.sub(r"['’]s?$", "", text).strip(" ,.")


def _norm_word(w: str) -> str:
    w = w.lower().replace(".", "")
    return {"american": "us", "usa": "us"}.get(w, w)


def by_description(speaker: Speaker, ctx: DocContext) -> str:
    """The person a description stands for ('' if none fits)."""
    want = {_norm_word(w) for w in speaker.text.split()} - {"the", "a", "an"}
    for full, title in reversed(ctx.people.items()):  # introduced with this very title
        have = {_norm_word(w) for w in title.split()}
        if speaker.head in have and want <= have | {speaker.head}:
            return full
    side = affiliation_of(speaker.text)
    for name in _candidates(ctx):
        if _compatible(name, speaker.head, side, ctx):
            return name
    return ""


def _candidates(ctx: DocContext) -> Iterator[str]:
    """Speakers first (most recent first), then the other people named (most recent first)."""
    yield from reversed(ctx.speakers)
    yield from (p for p in reversed(ctx.people) if p not in ctx.speakers)


def _compatible(name: str, head: str, side: str, ctx: DocContext) -> bool:
    actor = ctx.registry.lookup(name) if ctx.registry is not None else None
    role = " ".join(
        x for x in (actor.role if actor else "", ctx.roles.get(name, ""), ctx.people.get(name, ""))
    )
    if side != "unknown":
        known = actor.affiliation if actor is not None else ctx.speakers.get(name, "unknown")
        if known in ("unknown", "narration"):
            known = affiliation_of(f"{role} {name}")
        if known != side:
            return False
    if head in GENERIC_HEADS:
        return True
    return head in {_norm_word(w) for w in re.split(r"[\s-]+", role)}


def subject_before(doc: Doc, start: int, ctx: DocContext, plural: bool = False) -> str:
    """The last person (``plural``: organisation) named as a subject before ``start`` in this
    paragraph, outside quotations ('' if none)."""
    spans = quote_spans(doc.text)
    found = ""
    for tok in doc:
        if tok.idx >= start or tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        if any(a <= tok.idx < b for a, b in spans):
            continue
        name = _organisation(tok, ctx) if plural else _person(tok, ctx)
        found = name or found
    return found


def _organisation(tok: Token, ctx: DocContext) -> str:
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    if ent is None or ent.label_ != "ORG":
        return ""  # "the ministry": a description, not a name
    name = name_of(re.sub(r"^(the|The)\s+", "", ent.text))
    return registry_name(name, ctx) or name


def _person(tok: Token, ctx: DocContext) -> str:
    if tok.pos_ != "PROPN":
        return ""
    if tok.ent_type_ in ("GPE", "NORP", "LOC", "FAC") or tok.lower_ in ctx.lex.organization:
        return ""
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    if ent is not None and ent.label_ == "ORG" and len(ent) > 1:
        return ""
    text = name_of(ent.text if ent is not None and ent.label_ == "PERSON" else tok.text)
    short = strip_titles(text, ctx.lex)
    return known_person(short, ctx) or registry_name(short, ctx) or short


def note_centre(doc: Doc, ctx: DocContext) -> None:
    """After a paragraph with no person speaking: its main clauses' last person subject becomes
    the one 'he'/'she' refers to next."""
    for tok in doc:
        if tok.dep_ == "nsubj" and tok.head.dep_ in ("ROOT", "conj") and tok.head.pos_ == "VERB":
            if any(a <= tok.idx < b for a, b in quote_spans(doc.text)):
                continue
            name = _person(tok, ctx)
            if name and (name in ctx.people or name in ctx.speakers or registry_name(name, ctx)):
                ctx.last_person = name


def strip_titles(text: str, lex: Lexicon) -> str:
    words = text.split()
    while len(words) > 1 and words[0].lower() in lex.titles:
        words = words[1:]
    return " ".join(words)


def known_person(name: str, ctx: DocContext) -> str:
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


def registry_name(name: str, ctx: DocContext) -> str:
    actor = ctx.registry.lookup(name) if ctx.registry is not None else None
    return actor.name if actor else ""
