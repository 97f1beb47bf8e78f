"""Reporting cues, their speakers and quoted spans in one parsed paragraph.

Generic linguistics only: a lexicon of reporting verbs and nouns (data file
``models/data/reporting_verbs.toml``), spaCy's dependency parse (``nsubj`` of a reporting
verb, ``appos`` for roles, ``agent`` of passives), NER, and quote-span detection. Resolving
pronouns, surnames and titles across paragraphs is ``models.attribute``'s job.

>>> quote_spans('“Peace,” he said. "Talks."')
[(1, 7), (19, 25)]
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

VERBS_PATH = Path(__file__).parent / "data" / "reporting_verbs.toml"
_PATH_DEPS = {"ROOT", "conj", "ccomp", "parataxis", "xcomp"}
_OTHER_CLAUSES = {"advcl", "conj", "relcl", "acl", "npadvmod", "nsubj", "nsubjpass", "cc", "punct"}
_QUANT = {"some", "several", "many", "other", "most", "few", "all", "both", "these", "those"}
_STRAIGHT = '"'
_RELATIVE = {"who", "which", "whose", "whom"}
_HONORIFIC = {"mr", "mrs", "ms", "dr", "sir", "madam", "prof"}


@dataclass(frozen=True)
class Lexicon:
    """The cue lists of ``reporting_verbs.toml`` as lower-case sets."""

    speech: frozenset[str]
    needs_clause: frozenset[str]
    listener: frozenset[str]
    passive_speaker: frozenset[str]
    continuing: frozenset[str]
    adjectives: frozenset[str]
    prepositions: tuple[tuple[str, ...], ...]
    subordinators: frozenset[str]
    documents: frozenset[str]
    person: frozenset[str]
    group: frozenset[str]
    organization: frozenset[str]
    rank: frozenset[str]
    titles: frozenset[str]


@cache
def load_lexicon(path: Path = VERBS_PATH) -> Lexicon:
    """Read the cue lexicon (cached per path)."""
    d = tomllib.loads(Path(path).read_text(encoding="utf-8"))

    def s(*keys: str) -> frozenset[str]:
        node = d
        for k in keys:
            node = node[k]
        return frozenset(w.lower() for w in node)

    return Lexicon(
        speech=s("speech", "verbs"),
        needs_clause=s("speech", "needs_clause"),
        listener=s("speech", "listener"),
        passive_speaker=s("speech", "passive_speaker"),
        continuing=s("speech", "continuing"),
        adjectives=s("adjectives", "words"),
        prepositions=tuple(tuple(p.lower().split()) for p in d["prepositions"]["phrases"]),
        subordinators=s("subordinators", "words"),
        documents=s("nouns", "documents"),
        person=s("nouns", "person"),
        group=s("nouns", "group"),
        organization=s("nouns", "organization"),
        rank=s("nouns", "rank"),
        titles=s("titles", "words"),
    )


@dataclass(frozen=True)
class Speaker:
    """Who a cue names, before document-level resolution.

    kind: person | name (a proper name of unknown type) | organization | group |
    pronoun | title (a person named by office only: "the US president").
    """

    text: str
    kind: str
    role: str = ""
    head: str = ""  # lower-case head word (the pronoun, or the title noun)


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


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (inside the marks) of the quotations of a paragraph.

    Curly marks pair directly; a straight mark opens at a word start and closes after one.
    An opening mark with no closing one ends at the last comma before the next opening
    (a dropped closing mark), or at the end of the paragraph (a quote running on).
    """
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for m in re.finditer(r"[\"“”]", text):
        ch, i = m.group(), m.start()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opening = ch == "“" or (
            ch == _STRAIGHT and (before.isspace() or before in "([—–-") and not after.isspace()
        )
        if opening:
            if start is not None:  # dropped closing mark
                cut = text.rfind(",", start, i)
                spans.append((start, cut + 1 if cut > start else i))
            start = i + 1
        elif start is not None:
            spans.append((start, i))
            start = None
        elif not spans:  # a quote carried over from the previous paragraph
            spans.append((0, i))
    if start is not None and start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


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


def quotes_of(text: str) -> list[str]:
    """The quoted strings of a paragraph, stripped."""
    return [text[a:b].strip(" ,") for a, b in quote_spans(text) if text[a:b].strip(" ,.")]


# -- cues -----------------------------------------------------------------------------------
def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _main_clause(tok: Token, lex: Lexicon, inq: list[bool]) -> bool:
    """The cue is the paragraph's own statement, not background ("While X said ...")."""
    chain = [tok, *tok.ancestors]
    for t in chain:
        if t.dep_ == "parataxis" and _lemma(t) in lex.speech:  # "..., he said, ..."
            return True
        if any(c.dep_ == "mark" and c.lower_ in lex.subordinators for c in t.children):
            return False
        if t.dep_ in _PATH_DEPS or inq[t.i]:
            continue
        if t.dep_ == "advcl" and t.tag_ == "VBG" and _lemma(t) in lex.continuing:
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
    lemma = _lemma(tok)
    if lemma not in lex.speech and tok.lower_ not in lex.speech:
        return None
    verbal = tok.pos_ in ("VERB", "AUX") or tok.tag_ in ("VBD", "VBN", "VBZ", "VBP")
    if not verbal and not any(c.dep_ == "nsubj" for c in tok.children):
        return None
    if not _main_clause(tok, lex, inq) and tok.dep_ != "amod":
        return None
    subj = _subject(tok, lex, inq)
    if subj is None:
        return None
    if lemma in lex.needs_clause and not _has_clause(tok, inq, subj):
        return None
    speaker = make_speaker(subj, lex)
    if speaker is None:
        return None
    return speaker, _cue_text(tok, lex), tok


def _cue_text(tok: Token, lex: Lexicon) -> str:
    words = [tok.text]
    words += [c.text for c in tok.children if c.dep_ == "prt"]
    if _lemma(tok) in lex.listener:
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
        if c.dep_ == "nsubjpass" and _lemma(tok) in lex.passive_speaker and not inq[c.i]:
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
    if _lemma(tok) not in lex.adjectives or tok.pos_ != "ADJ":
        return None
    be = next((a for a in list(tok.ancestors)[:2] if _lemma(a) == "be"), None)
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


# -- speakers -------------------------------------------------------------------------------
def _clean(words: list[Token]) -> str:
    while words and words[0].lower_ in ("a", "an", "the"):
        words = words[1:]
    text = " ".join(t.text for t in words if not t.is_punct or t.text in ".-'")
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
            if t.i < person.start and t.dep_ != "det" and t.lower_.rstrip(".") not in _HONORIFIC
        ]
        role = " ".join(x for x in (_clean(role_words), _role_after(tok)) if x)
        name, title = _split_title(re.sub(r"['’]s$", "", person.text).strip(), lex)
        role = " ".join(x for x in (title, role) if x) if title not in role else role
        return Speaker(name, "person", role)
    words = [t for t in pre if t.dep_ not in ("det",) and t.lower_ not in _QUANT]
    text = _clean(words)
    low, lemma = tok.lower_, _lemma(tok)
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
    if lemma in lex.documents:
        return _document_author(tok, lex)
    if low in lex.group or (tok.tag_ in ("NNS", "NNPS") and lemma in lex.person):
        return Speaker(text, "group", text, head=low)
    if low in lex.organization or lemma in lex.organization or text.lower() in lex.organization:
        if any(t.lower_ in lex.rank for t in words):  # "a senior X administration" (official)
            return Speaker(f"{text} official", "group", f"{text} official", head="official")
        return Speaker(text, "organization", head=lemma)
    if lemma in lex.person:
        return Speaker(text, "title", text, head=lemma)
    return None


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
    cand = [tok]
    if _lemma(tok) in lex.person or tok.pos_ == "PROPN":
        cand += pre + [c for c in tok.children if c.dep_ == "appos"]
    for ent in tok.doc.ents:
        if ent.label_ == "PERSON" and any(ent.start <= t.i < ent.end for t in cand):
            return ent
    if _lemma(tok) in lex.person:
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
