"""Reporting cues and their speakers in one parsed paragraph.

Generic linguistics only: a lexicon of reporting verbs and nouns (data file
``models/data/reporting_verbs.toml``), spaCy's dependency parse (``nsubj`` of a reporting
verb, ``appos`` for roles, ``agent`` of passives), NER, and quote-span detection; which frames
report speech is ``models.frames``. Resolving pronouns, surnames and descriptions across
paragraphs is ``models.people`` and ``models.coref``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from models.frames import has_clause, infinitive, main_clause, phrasal, relayed_report
from models.lexicon import Lexicon
from models.quotes import quote_spans
from models.speakers import Speaker, lemma, make_speaker

_MODIFIERS = {"npadvmod", "compound", "det", "poss", "nummod", "amod", "pobj", "appos"}


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
def _verb_claim(tok: Token, lex: Lexicon, inq: list[bool]) -> tuple[Speaker, str, Token] | None:
    lem = lemma(tok)
    pair = phrasal(tok, lex)
    if lem not in lex.speech and tok.lower_ not in lex.speech and not pair:
        return None
    verbal = tok.pos_ in ("VERB", "AUX") or tok.tag_ in ("VBD", "VBN", "VBZ", "VBP")
    if not verbal and not any(c.dep_ == "nsubj" for c in tok.children):
        return None
    if not main_clause(tok, lex, inq) and tok.dep_ != "amod":
        return None
    subj = _subject(tok, lex, inq)
    if subj is None:
        return None
    if not pair and lem in lex.needs_clause and not has_clause(tok, lex, inq, subj):
        return None
    speaker = make_speaker(subj, lex)
    if speaker is None:
        return None
    if relayed_report(tok, subj, speaker, lex):
        speaker = Speaker(speaker.text, "report", speaker.role)
    return speaker, pair or _cue_text(tok, lex), tok


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
    if tok.dep_ == "conj":
        own = _own_subject(tok, inq)
        if own is not None:
            return own
    if tok.dep_ in ("conj", "advcl", "xcomp") and tok.head is not tok:
        head_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.head.children)
        absolute = any(c.lower_ == "with" and c.i < tok.i for c in tok.head.children)
        if tok.tag_ == "VBG" and (absolute or not head_subject):  # "with X, Y, saying ..."
            lo = tok.head.i if tok.head.i < tok.i else tok.sent.start
            for t in reversed(tok.doc[lo + 1 : tok.i]):
                if t.ent_type_ == "PERSON" and not inq[t.i]:
                    return t
        if infinitive(tok, lex) and any(c.dep_ == "dobj" for c in tok.head.children):
            return None  # "urged them to say": the object, not the subject, speaks
        if tok.dep_ != "xcomp" or infinitive(tok, lex):
            return _subject(tok.head, lex, inq)
    return _nearby(tok, lex, inq)


def _own_subject(tok: Token, inq: list[bool]) -> Token | None:
    """A conjoined verb with a noun phrase of its own before it ('A did X and reports have
    said Y', misparsed as 'X and reports'): that noun phrase is its subject."""
    between = tok.doc[tok.head.i + 1 : tok.i]
    cut = next((t.i for t in reversed(between) if t.dep_ == "cc" or t.text in ",;"), None)
    if cut is None:
        return None
    for t in tok.doc[cut + 1 : tok.i]:
        if inq[t.i] or t.ent_type_ in ("DATE", "TIME"):
            continue
        if t.pos_ in ("NOUN", "PROPN", "PRON") and t.dep_ not in _MODIFIERS:
            return t
    return None


def _nearby(tok: Token, lex: Lexicon, inq: list[bool]) -> Token | None:
    """Fallback when the parse gives the cue no subject (often in rewritten text)."""
    sent = tok.sent
    if not any(inq[t.i] for t in sent) and tok.dep_ != "ROOT":
        return None
    lo = sent.start
    for t in sent:
        if t.i < tok.i and inq[t.i]:
            lo = t.i + 1
    for t in tok.doc[lo : tok.i]:  # '"...," the ministry statement said': its author
        if t.lower_ in lex.documents and t.i > lo and t.nbor(-1).pos_ == "PROPN":
            return _ent_root(t.nbor(-1))
    if any(c.dep_ == "csubj" for c in tok.children):
        return None  # "Messaging from X urged ...": a clause is the subject, not a speaker
    for t in tok.doc[lo : tok.i]:
        if inq[t.i] or _ent_root(t).dep_ in ("poss", "pobj"):  # "ahead of X's call"
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
    if be is None or not main_clause(be, lex, inq):
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
