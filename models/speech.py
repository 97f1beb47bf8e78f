"""Reporting cues and their speakers in one parsed paragraph.

Generic linguistics only: a lexicon of reporting verbs and nouns (data file
``models/data/reporting_verbs.toml``), spaCy's dependency parse (``nsubj`` of a reporting
verb, ``appos`` for roles, ``agent`` of passives), NER, and quote-span detection. Resolving
pronouns, surnames and titles across paragraphs is ``models.attribute``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from models.lexicon import Lexicon
from models.quotes import quote_spans
from models.speakers import Speaker, lemma, make_speaker

_PATH_DEPS = {"ROOT", "conj", "ccomp", "parataxis", "xcomp"}
_OTHER_CLAUSES = {"advcl", "conj", "relcl", "acl", "npadvmod", "nsubj", "nsubjpass", "cc", "punct"}


@dataclass(frozen=True)
class Claim:
    """One reporting cue with its speaker, in one paragraph."""

    speaker: Speaker
    cue: str
    start: int  # character offset of the cue in the paragraph
    sent: int  # sentence number in the paragraph
    quoted: int  # characters of quotation in the cue's sentence
    nested: int  # reporting clauses it sits under ("A said B said ...")
    own: int = 0  # characters of quotation in the cue's own clause


def find_claims(doc: Doc, lex: Lexicon) -> list[Claim]:
    """Every reporting cue of a paragraph that names a speaker, in text order."""
    spans = quote_spans(doc.text)
    inq = [any(a <= t.idx < b for a, b in spans) for t in doc]
    sents = list(doc.sents)
    sent_of = {t.i: n for n, s in enumerate(sents) for t in s}
    quoted = [
        sum(max(0, min(b, s.end_char) - max(a, s.start_char)) for a, b in spans) for s in sents
    ]
    found: list[tuple[Token, Speaker, str, Token]] = []
    for tok in doc:
        if inq[tok.i]:
            continue
        hit = _verb_claim(tok, lex, inq) or _adjective_claim(tok, lex, inq)
        hit = hit or _preposition_claim(tok, lex)
        if hit is not None:
            found.append((tok, *hit))
    anchors = {a.i for _, _, _, a in found}
    claims = []
    for tok, speaker, cue, anchor in found:
        n = sent_of[tok.i]
        nested = sum(
            1 for a in [anchor, *anchor.ancestors] if a.dep_ == "ccomp" and not inq[a.head.i]
        )
        own = _own_quoted(anchor, anchors, inq)
        claims.append(Claim(speaker, cue, tok.idx, n, quoted[n], nested, own))
    return claims


def _own_quoted(anchor: Token, anchors: set[int], inq: list[bool]) -> int:
    """Quoted characters in the cue's clause, not counting clauses of other cues under it."""
    total, stack = 0, [anchor]
    while stack:
        t = stack.pop()
        if inq[t.i]:
            total += len(t.text_with_ws)
        stack += [c for c in t.children if c.i not in anchors]
    return total


# -- cues -----------------------------------------------------------------------------------
def _main_clause(tok: Token, lex: Lexicon, inq: list[bool]) -> bool:
    """The cue is the paragraph's own statement, not background ("While X said ...")."""
    chain = [tok, *tok.ancestors]
    for t in chain:
        if t.dep_ == "parataxis" and lemma(t) in lex.speech:  # "..., he said, ..."
            return True
        if any(c.dep_ == "mark" and c.lower_ in lex.subordinators for c in t.children):
            return False
        if t.dep_ in _PATH_DEPS or inq[t.i]:
            continue
        if t.dep_ == "advcl" and t.tag_ == "VBG" and lemma(t) in lex.continuing:
            continue
        return False
    return True


def _has_clause(tok: Token, inq: list[bool], speaker_tok: Token | None) -> bool:
    """A clausal complement, or a quotation among the cue's own complements."""
    if any(c.dep_ in ("ccomp", "parataxis") for c in tok.children):
        return True
    for c in tok.children:
        if c is speaker_tok or c.dep_ in _OTHER_CLAUSES:
            continue
        if any(inq[t.i] for t in c.subtree):
            return True
    return False


def _verb_claim(tok: Token, lex: Lexicon, inq: list[bool]) -> tuple[Speaker, str, Token] | None:
    lem = lemma(tok)
    if lem not in lex.speech and tok.lower_ not in lex.speech:
        return None
    verbal = tok.pos_ in ("VERB", "AUX") or tok.tag_ in ("VBD", "VBN", "VBZ", "VBP")
    if not verbal and not any(c.dep_ == "nsubj" for c in tok.children):
        return None
    if not _main_clause(tok, lex, inq) and tok.dep_ != "amod":
        return None
    subj = _subject(tok, lex, inq)
    if subj is None:
        return None
    if lem in lex.needs_clause and not _has_clause(tok, inq, subj):
        return None
    speaker = make_speaker(subj, lex)
    if speaker is None:
        return None
    return speaker, _cue_text(tok, lex), tok


def _cue_text(tok: Token, lex: Lexicon) -> str:
    words = [tok.text]
    words += [c.text for c in tok.children if c.dep_ == "prt"]
    if lemma(tok) in lex.listener:
        for c in tok.children:
            if c.dep_ in ("dobj", "dative", "appos") and c.pos_ == "PROPN":
                words.append(" ".join(t.text for t in c.subtree if not t.is_punct))
                break
        else:
            nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
            if nxt is not None and nxt.pos_ == "PROPN" and nxt.ent_type_ in ("ORG", ""):
                words.append(nxt.text)
    return " ".join(words)


def _subject(tok: Token, lex: Lexicon, inq: list[bool]) -> Token | None:
    kids = list(tok.children)
    for c in kids:
        if c.dep_ == "agent":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    for c in kids:
        if c.dep_ == "nsubj" and not inq[c.i]:
            return c
        if c.dep_ == "nsubjpass" and lemma(tok) in lex.passive_speaker and not inq[c.i]:
            return c
    if tok.dep_ in ("conj", "advcl", "xcomp") and tok.head is not tok:
        if tok.tag_ == "VBG":  # "..., with the spokesman, Liu Pengyu, saying ..."
            lo = tok.head.i if tok.head.i < tok.i else tok.sent.start
            for t in reversed(tok.doc[lo + 1 : tok.i]):
                if t.ent_type_ == "PERSON" and not inq[t.i]:
                    return t
        if tok.dep_ != "xcomp":
            return _subject(tok.head, lex, inq)
    return _nearby(tok, inq)


def _nearby(tok: Token, inq: list[bool]) -> Token | None:
    """Fallback when the parse gives the cue no subject (often in rewritten text)."""
    sent = tok.sent
    if not any(inq[t.i] for t in sent) and tok.dep_ != "ROOT":
        return None
    lo = sent.start
    for t in sent:
        if t.i < tok.i and inq[t.i]:
            lo = t.i + 1
    for t in tok.doc[lo : tok.i]:
        if inq[t.i]:
            continue
        if t.ent_type_ in ("PERSON", "ORG") or t.lower_ in ("he", "she", "they"):
            return t.doc[t.i : t.i + 1].root if not t.ent_type_ else _ent_root(t)
    for t in tok.doc[tok.i + 1 : min(tok.i + 5, sent.end)]:
        if t.ent_type_ == "PERSON" and not inq[t.i]:
            return _ent_root(t)
    return None


def _ent_root(t: Token) -> Token:
    for ent in t.doc.ents:
        if ent.start <= t.i < ent.end:
            return ent.root
    return t


def _adjective_claim(tok: Token, lex: Lexicon, inq: list[bool]):
    if lemma(tok) not in lex.adjectives or tok.pos_ != "ADJ":
        return None
    be = next((a for a in list(tok.ancestors)[:2] if lemma(a) == "be"), None)
    if be is None or not _main_clause(be, lex, inq):
        return None
    if not any(c.dep_ == "ccomp" for c in [*be.children, *tok.children]):
        return None
    subj = next((c for c in be.children if c.dep_ == "nsubj"), None)
    speaker = make_speaker(subj, lex) if subj is not None else None
    return (speaker, f"{be.text} {tok.text}", be) if speaker else None


def _preposition_claim(tok: Token, lex: Lexicon):
    for phrase in lex.prepositions:
        words = [t.lower_ for t in tok.doc[tok.i : tok.i + len(phrase)]]
        if tuple(words) != phrase:
            continue
        last = tok.doc[tok.i + len(phrase) - 1]
        obj = next((c for c in last.children if c.dep_ == "pobj"), None)
        speaker = make_speaker(obj, lex) if obj is not None else None
        if speaker is None or speaker.kind == "pronoun":
            return None
        return speaker, " ".join(phrase), tok
    return None
