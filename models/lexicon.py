"""The reporting-cue lexicon: verbs, nouns and phrases from ``data/reporting_verbs.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VERBS_PATH = Path(__file__).parent / "data" / "reporting_verbs.toml"


@dataclass(frozen=True)
class Lexicon:
    """The cue lists of ``reporting_verbs.toml`` as lower-case sets."""

    speech: frozenset[str]
    phrasal: frozenset[str]
    frames: frozenset[str]
    directive: frozenset[str]
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
    media: frozenset[str]
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
        phrasal=s("speech", "phrasal"),
        frames=s("speech", "frames"),
        directive=s("speech", "directive"),
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
        media=s("nouns", "media"),
        titles=s("titles", "words"),
    )
