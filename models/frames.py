"""Reporting frames: whether a reporting cue is the paragraph's own statement, and whether it
reports speech ("X wrote:", "as X remarked: ...", "went on to say", "hit back", "X urged Y to
...", '"...," the ministry statement said', an outlet relaying its sources). Generic grammar
over spaCy's parse and the cue lexicon (``models/data/reporting_verbs.toml``); used by
``models.speech``.
"""

from __future__ import annotations

from spacy.tokens import Token

from models.lexicon import Lexicon
from models.speakers import Speaker, lemma

_PATH_DEPS = {"ROOT", "conj", "ccomp", "parataxis", "xcomp"}
_OTHER_CLAUSES = {"advcl", "conj", "relcl", "acl", "npadvmod", "nsubj", "nsubjpass", "cc", "punct"}


def main_clause(tok: Token, lex: Lexicon, inq: list[bool]) -> bool:
    """The cue is the paragraph's own statement, not background ("While X said ...")."""
    chain = [tok, *tok.ancestors]
    for t in chain:
        if t.dep_ == "parataxis" and lemma(t) in lex.speech:  # "..., he said, ..."
            return True
        if t is tok and (_as_frame(t, lex) or _closing_cue(t, inq)):
            return True
        if any(c.dep_ == "mark" and c.lower_ in lex.subordinators for c in t.children):
            return False
        if t.dep_ in _PATH_DEPS or inq[t.i] or infinitive(t, lex):
            continue
        if t.dep_ == "advcl" and t.tag_ == "VBG" and lemma(t) in lex.continuing:
            continue
        return False
    return True


def _as_frame(tok: Token, lex: Lexicon) -> bool:
    """'as X remarked: ...' / 'As X said, ...': a source frame, not background (no own object)."""
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
        return False
    return lemma(tok) in lex.speech and not any(
        c.dep_ in ("ccomp", "dobj", "xcomp") for c in tok.children
    )


def _closing_cue(tok: Token, inq: list[bool]) -> bool:
    """'"...," the statement said.': a cue ending the sentence that a quotation opened."""
    sent = tok.sent
    after = tok.doc[tok.i + 1 : sent.end]
    return all(t.is_punct for t in after) and inq[sent.start + 1 if len(sent) > 1 else sent.start]


def infinitive(tok: Token, lex: Lexicon) -> bool:
    """'went on to say', 'continued to insist': an infinitive under a verb of going on (the
    lexicon's ``frames``), whose subject is the speaker ('likes to quote' is not speech)."""
    return tok.dep_ in ("advcl", "xcomp") and lemma(tok.head) in lex.frames and _to_infinitive(tok)


def _colon_after(tok: Token) -> bool:
    """The cue ends in a colon ('X wrote:'): what follows, here or in the next paragraph, is
    what was said."""
    if any(c.text == ":" and c.i > tok.i for c in tok.children):
        return True
    end = max(t.i for t in tok.subtree) + 1
    return end < len(tok.doc) and tok.doc[end].text == ":"


def has_clause(tok: Token, lex: Lexicon, inq: list[bool], speaker_tok: Token | None) -> bool:
    """A clausal complement, or a quotation among the cue's own complements."""
    if any(c.dep_ in ("ccomp", "parataxis") for c in tok.children) or _colon_after(tok):
        return True
    if lemma(tok) in lex.directive and any(
        c.dep_ == "xcomp" and _to_infinitive(c) for c in tok.children
    ):
        return True  # "X urged Washington to talk": a directive is speech
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.lower_ == "that" and nxt.pos_ == "SCONJ":
        return True  # "X argues that ...", however the (cut-off) clause was parsed
    listener = lemma(tok) in lex.listener  # "told her that ...", parsed as a clause of "her"
    for c in tok.children:
        if (
            listener
            and c.dep_ in ("dobj", "dative")
            and any(g.dep_ == "acl" and _marked_that(g) for g in c.children)
        ):
            return True
    for c in tok.children:
        if c is speaker_tok or c.dep_ in _OTHER_CLAUSES:
            continue
        if any(inq[t.i] for t in c.subtree):
            return True
    return False


def phrasal(tok: Token, lex: Lexicon) -> str:
    """'pushed back', 'hit out': a verb and particle that report speech together ('' if not)."""
    for c in tok.children:
        pair = f"{lemma(tok)} {c.lower_}"
        if c.dep_ in ("prt", "advmod") and c.i == tok.i + 1 and pair in lex.phrasal:
            return f"{tok.text} {c.text}"
    return ""


def _to_infinitive(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _marked_that(tok: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children)


def relayed_report(tok: Token, subj: Token, speaker: Speaker, lex: Lexicon) -> bool:
    """'The X Herald reported ...', 'X Times insisted, citing court papers, ...': an outlet relaying
    a report (its sources, not its own position), cited by the article's narration."""
    if speaker.kind != "organization":
        return False
    words = {t.lower_ for t in subj.subtree} | {w.lower() for w in speaker.role.split()}
    if not (speaker.text.split()[-1].lower() in lex.media or words & lex.media):
        return False
    near = tok.doc[tok.i + 1 : tok.i + 4]  # "claimed, citing ...": the parse may hang it lower
    cites = any(t.tag_ == "VBG" and lemma(t) in ("cite", "quote") for t in near)
    return cites or lemma(tok) == "report"
