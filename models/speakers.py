"""Speakers named by a reporting cue: person, organisation, group, pronoun or title.

Built from spaCy's parse (subject, ``appos`` roles, compound names) and NER; resolving them
across paragraphs is ``models.attribute``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from models.lexicon import Lexicon

_QUANT = {"some", "several", "many", "other", "most", "few", "all", "both", "these", "those"}
_RELATIVE = {"who", "which", "whose", "whom"}
_HONORIFIC = {"mr", "mrs", "ms", "dr", "sir", "madam", "prof"}


def lemma(tok: Token) -> str:
    return tok.lemma_.lower()


@dataclass(frozen=True)
class Speaker:
    """Who a cue names, before document-level resolution.

    kind: person | name (a proper name of unknown type) | organization | group |
    pronoun | title (a person named by office only: "the US president") | report (an
    outlet relaying its sources: the citing article's narration).
    """

    text: str
    kind: str
    role: str = ""
    head: str = ""  # lower-case head word (the pronoun, or the title noun)


def _clean(words: list[Token], common: frozenset[str] = frozenset()) -> str:
    """The words as a name; a sentence's first word in lower case if it is one of ``common``,
    so 'Officials' and 'officials' are one speaker ('Western' kept)."""
    while words and words[0].lower_ in ("a", "an", "the"):
        words = words[1:]

    def shown(t: Token) -> str:
        return t.lower_ if t.is_sent_start and t.lower_ in common else t.text

    text = " ".join(shown(t) for t in words if not t.is_punct or t.text in ".-'")
    text = re.sub(r"\s+(['’]s)\b", r"\1", text).replace(" - ", "-")
    return re.sub(r"\s+", " ", text).strip(" ,")


def _premodifiers(tok: Token) -> list[Token]:
    return [t for t in tok.subtree if t.i <= tok.i and t.dep_ not in ("punct", "cc")] or [tok]


def _role_after(tok: Token) -> str:
    for c in tok.children:
        if c.dep_ == "appos" and c.ent_type_ != "PERSON":
            words = list(c.subtree)
            cut = next((k for k, t in enumerate(words) if t.lower_ in _RELATIVE), len(words))
            return _clean(words[:cut])
        if c.dep_ == "relcl":  # "X, who serves as senior fellow at Y"
            words = list(c.subtree)
            cut = next((k for k, t in enumerate(words) if t.lower_ in ("as", "is", "was")), -1)
            if cut >= 0:
                return _clean(words[cut + 1 :])
    return ""


def make_speaker(tok: Token, lex: Lexicon) -> Speaker | None:
    """Describe the noun phrase headed by ``tok`` as a speaker (None: not a speaker)."""
    if tok.pos_ == "PRON":
        low = tok.lower_
        if low in ("who", "that", "which") and tok.head.dep_ == "relcl":
            return make_speaker(tok.head.head, lex)
        return Speaker(low, "pronoun", head=low) if low in ("he", "she", "they", "it") else None
    pre = _premodifiers(tok)
    person = _person_ent(tok, pre, lex)
    if person is not None:
        role_words = [
            t
            for t in pre
            if t.i < person.start
            and t.dep_ != "det"
            and not (t.dep_ == "poss" and t.pos_ == "PRON")
            and t.lower_.rstrip(".") not in _HONORIFIC
        ]
        role = " ".join(x for x in (_clean(role_words), _role_after(tok)) if x)
        name, title = _split_title(re.sub(r"['’]s$", "", person.text).strip(), lex)
        role = " ".join(x for x in (title, role) if x) if title not in role else role
        return Speaker(name, "person", role)
    words = [t for t in pre if t.dep_ not in ("det",) and t.lower_ not in _QUANT]
    text = _clean(words)
    low, lem = tok.lower_, lemma(tok)
    if tok.pos_ == "PROPN":
        kind = "organization" if tok.ent_type_ in ("ORG", "GPE", "NORP", "FAC") else "name"
        if kind == "organization" and _bare_name(tok, words, lex):
            kind = "name"  # a surname the NER took for an organisation ("Psaki said")
        if tok.ent_type_ in ("ORG", "GPE", "FAC"):
            text = _ent_text(tok) or text
        role = _role_after(tok)
        if kind == "name":
            text, title = _split_title(text, lex)
            role = " ".join(x for x in (title, role) if x)
        return Speaker(text, kind, role)
    if lem in lex.documents:
        return _document_author(tok, lex)
    if _several_named(tok):
        return None  # "the two ministers agreed": a summary of sides named before, not a voice
    if low in lex.group or (tok.tag_ in ("NNS", "NNPS") and lem in lex.person):
        text = _clean(words, lex.group | lex.person | lex.rank | _QUANT)
        return Speaker(text, "group", text, head=low)
    if low in lex.organization or lem in lex.organization or text.lower() in lex.organization:
        if any(t.lower_ in lex.rank for t in words):  # "a senior X administration" (official)
            return Speaker(f"{text} official", "group", f"{text} official", head="official")
        return Speaker(text, "organization", head=lem)
    if lem in lex.person:
        if any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in tok.children):
            return Speaker(text, "group", text, head=lem)  # "a diplomat": someone new, unnamed
        return Speaker(text, "title", text, head=lem)
    return None


def _several_named(tok: Token) -> bool:
    """'the two leaders', 'both sides': a definite count of people the article has named."""
    kids = {c.lower_ for c in tok.children if c.dep_ in ("det", "predet", "nummod")}
    return "both" in kids or ("the" in kids and any(c.dep_ == "nummod" for c in tok.children))


def _bare_name(tok: Token, words: list[Token], lex: Lexicon) -> bool:
    return (
        tok.ent_type_ == "ORG"
        and len(words) == 1
        and not tok.text.isupper()
        and tok.lower_ not in lex.organization
    )


def _split_title(name: str, lex: Lexicon) -> tuple[str, str]:
    """'Interior Ministry spokeswoman Ana Ruiz' -> ('Ana Ruiz', 'Interior Ministry spokeswoman')."""
    words = name.split()
    cut = 0
    for k, w in enumerate(words[:-1]):
        if w.islower() or w.lower() in lex.person:
            cut = k + 1
    return " ".join(words[cut:]), " ".join(words[:cut])


def _ent_text(tok: Token) -> str:
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return re.sub(r"^(the|The)\s+", "", re.sub(r"['’]s$", "", ent.text))
    return ""


def _person_ent(tok: Token, pre: list[Token], lex: Lexicon) -> Span | None:
    """The PERSON the phrase names: its head, or the name after/beside a title noun."""
    cand = [tok, *(c for c in tok.children if c.dep_ == "appos")]  # "my colleague X"
    if lemma(tok) in lex.person or tok.pos_ == "PROPN":
        cand += pre
    for ent in tok.doc.ents:
        if ent.label_ == "PERSON" and any(ent.start <= t.i < ent.end for t in cand):
            return ent
    if lemma(tok) in lex.person:
        return _trailing_name(tok)
    return None


def _trailing_name(tok: Token) -> Span | None:
    """'ambassador to Ukraine Fan Xianrong': the proper nouns ending a title phrase."""
    right = [t for t in tok.subtree if t.i > tok.i]
    run: list[Token] = []
    for t in reversed(right):
        if t.pos_ != "PROPN" or not t.text[:1].isupper():
            break
        run.insert(0, t)
    if not run:
        return None
    while run and run[0].ent_type_ in ("GPE", "LOC", "NORP", "ORG", "FAC"):
        ent = next((e for e in tok.doc.ents if e.start <= run[0].i < e.end), None)
        if ent is None:
            break
        if ent.end > run[-1].i:  # the whole run is a place or body: no name
            return None
        run = run[ent.end - run[0].i :]
    if not 2 <= len(run) <= 3:
        return None
    return tok.doc[run[0].i : run[-1].i + 1]


def _document_author(tok: Token, lex: Lexicon) -> Speaker | None:
    """'a readout released by the White House' / 'the ministry's statement' -> the author."""
    for t in tok.subtree:
        if (t.dep_ == "pobj" and t.head.dep_ == "agent") or (t.dep_ == "poss" and t.head is tok):
            return make_speaker(t, lex)
    for t in tok.lefts:
        if t.pos_ == "PROPN" and t.ent_type_ in ("ORG", "GPE", "NORP"):
            return Speaker(_ent_text(t) or t.text, "organization")
    return None
