"""The words of a statement: word tokens, the reporting verb of a cue, the reported clause of
an attribution, and whether two statements are near copies (pure text, no model)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher

from models.lexicon import load_lexicon
from models.text import split_sentences

NEAR_COPY = 0.6  # difflib ratio of the word sequences: a near copy
CONTAINED = 0.9  # share of the shorter statement's words, in order, inside the longer one
_IRREGULAR = {"said": "say", "told": "tell", "wrote": "write", "thought": "think", "felt": "feel"}


def words_of(text: str) -> tuple[str, ...]:
    """Lower-case word tokens, quotes and punctuation gone: what near copies are compared on.

    >>> words_of("“China’s view,” he said — 2022!")
    ("china's", 'view', 'he', 'said', '2022')
    """
    t = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    return tuple(w.strip("'") for w in re.findall(r"[\w']+", t) if w.strip("'"))


def verb_of(cue: str) -> str:
    """The reporting verb of an attribution cue, as its lemma when the cue lexicon knows it.

    >>> [verb_of(c) for c in ["said", "informed Newsweek", "adding", "emphasised", "according to"]]
    ['say', 'inform', 'add', 'emphasise', 'according to']
    """
    speech = load_lexicon().speech
    words = cue.lower().split()
    for w in words:
        for lemma in _lemmas(w):
            if lemma in speech:
                return lemma
    return " ".join(words)


def _lemmas(w: str) -> list[str]:
    if w in _IRREGULAR:
        return [_IRREGULAR[w]]
    out = [w]
    for suffix in ("s", "es", "ed", "d", "ing"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            out += [stem, stem + "e", stem[:-1]]  # noted -> note, admitted -> admit
    return out


def reported_clause(text: str, cue: str) -> str:
    """The sentence holding the cue, minus the attribution frame (empty if the cue is absent).

    >>> reported_clause("He spoke at noon. Ana Ruiz warned that the talks would fail.", "warned")
    'the talks would fail'
    >>> reported_clause("Trade will suffer this year, officials said Monday.", "said")
    'Trade will suffer this year'
    """
    if not cue:
        return ""
    pattern = re.compile(r"\b" + re.escape(cue) + r"\b", re.IGNORECASE)
    for sentence in split_sentences(text):
        m = pattern.search(sentence)
        if not m:
            continue
        before, after = sentence[: m.start()], sentence[m.end() :]
        if cue.lower() == "according to":
            after = after.split(",", 1)[1] if "," in after else ""
        else:
            that = re.match(r"^(?:\W*\w+){0,4}?\W+that\b", after)
            after = after[that.end() :] if that else after
        if (len(words_of(after)) >= 4 and cue.lower() != "according to") or not before.strip():
            clause = after
        else:
            clause = before.rsplit(",", 1)[0] if "," in before else ""
        return clause.strip(" ,.;:—–-\"“”'‘’")
    return ""


def near_copy(a: Sequence[str], b: Sequence[str]) -> bool:
    """The same words, give or take a spinner's synonyms, or one quoted inside the other.

    >>> near_copy(words_of("we will impose costs on them"), words_of("we shall impose costs"))
    True
    >>> near_copy(words_of("talks must start"), words_of("a ceasefire comes first"))
    False
    """
    if not a or not b:
        return False
    sm = SequenceMatcher(None, list(a), list(b), autojunk=False)
    if sm.ratio() >= NEAR_COPY:
        return True
    inside = sum(block.size for block in sm.get_matching_blocks())
    return min(len(a), len(b)) >= 4 and inside >= CONTAINED * min(len(a), len(b))
