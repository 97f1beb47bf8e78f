"""The actor registry: canonical names, aliases, roles and sides of the people who speak.

A registry is a CSV file (``name,aliases,role,affiliation,kind``; aliases ``;``-separated).
It canonicalises names (an alias or a bare surname -> the canonical name) and supplies the
role and affiliation when an article does not. ``affiliation_of`` guesses a side from a
role's words with the generic table ``models/data/affiliations.toml``.

>>> reg = Registry([Actor("Jane Roe", ("J. Roe",), "minister", "other", "person")])
>>> reg.lookup("Roe").name, reg.lookup("j. roe").role
('Jane Roe', 'minister')
>>> affiliation_of("senior analyst at a Moscow think tank"), affiliation_of("Kremlin spokesman")
('other', 'Russia')
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from models.records import Attribution
from models.sides import AFFILIATIONS_PATH, SIDES, affiliation_of

__all__ = ["AFFILIATIONS_PATH", "SIDES", "Actor", "Registry", "affiliation_of", "load_registry"]

DEFAULT_PATH = Path(__file__).parent / "data" / "actors.csv"
FIELDS = ("name", "aliases", "role", "affiliation", "kind")
KINDS = ("person", "organization", "group", "narrator")
FUZZY_CUTOFF = 0.85  # difflib ratio for a near-spelling of a registered name of 2+ words


@dataclass(frozen=True)
class Actor:
    """One registry row."""

    name: str
    aliases: tuple[str, ...] = ()
    role: str = ""
    affiliation: str = "unknown"
    kind: str = "person"


def _key(name: str) -> str:
    return re.sub(r"[^\w]+", " ", name.lower()).strip()


class Registry(Mapping[str, Actor]):
    """Immutable mapping canonical name -> Actor, with lookup by alias or surname."""

    def __init__(self, actors: Iterable[Actor] = ()) -> None:
        self._actors: dict[str, Actor] = {}
        for a in actors:
            self._actors[a.name] = a
        self._alias: dict[str, str] = {}
        parts: dict[str, set[str]] = defaultdict(set)
        for a in self._actors.values():
            for n in (a.name, *a.aliases):
                self._alias.setdefault(_key(n), a.name)
                if a.kind == "person":
                    for w in _key(n).split():
                        parts[w].add(a.name)
        self._parts = {w: next(iter(ns)) for w, ns in parts.items() if len(ns) == 1}
        rows = sorted(_row(a) for a in self._actors.values())
        self.fingerprint = hashlib.sha1(repr(rows).encode()).hexdigest()[:16]
        self._near_memo: dict[str, str | None] = {}  # near-spelling -> alias key (immutable)

    def __getitem__(self, name: str) -> Actor:
        return self._actors[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._actors)

    def __len__(self) -> int:
        return len(self._actors)

    def __repr__(self) -> str:
        return f"Registry({len(self)} actors)"

    def lookup(self, name: str) -> Actor | None:
        """The actor called ``name``: canonical name, alias, an unambiguous single name, or a
        near-spelling of a name of two words or more ("White Home" for "White House")."""
        key = _key(canonical_institution(name))
        if key in self._alias:
            return self._actors[self._alias[key]]
        words = key.split()
        if len(words) == 1 and words[0] in self._parts:
            return self._actors[self._parts[words[0]]]
        if len(words) >= 2:
            if key not in self._near_memo:
                close = difflib.get_close_matches(key, self._near(words), 1, FUZZY_CUTOFF)
                self._near_memo[key] = close[0] if close else None
            hit = self._near_memo[key]
            return self._actors[self._alias[hit]] if hit is not None else None
        return None

    def _near(self, words: list[str]) -> list[str]:
        """Names a near-spelling may stand for: as many words, the same first letter, and for a
        person the same surname ("Li Qiang" is not "Li Keqiang")."""
        out = []
        for k, name in self._alias.items():
            have = k.split()
            if len(have) != len(words) or have[0][:1] != words[0][:1]:
                continue
            if self._actors[name].kind == "person" and have[-1] != words[-1]:
                continue
            out.append(k)
        return out


def canonical_institution(name: str) -> str:
    """One spelling for a ministry: 'Ministry of Foreign Affairs' and 'Foreign Affairs
    Ministry' -> 'Foreign Ministry' (so corpora that spell it differently meet)."""
    name = re.sub(r"\bMinistry of (?:the )?([A-Z][a-z]+) Affairs\b", r"\1 Ministry", name)
    name = re.sub(r"\b([A-Z][a-z]+) Affairs Ministry\b", r"\1 Ministry", name)
    return name


@cache
def default_registry(path: Path = DEFAULT_PATH) -> Registry:
    """The registry shipped with stancemap (``models/data/actors.csv``): heads of state and
    government, ministries and international bodies; a corpus's ``actors.csv`` overlays it."""
    return load_registry(path)


def with_default(registry: Registry | None) -> Registry:
    """``registry`` over the shipped one (the shipped one alone for None)."""
    if registry is None:
        return default_registry()
    key = registry.fingerprint
    if key not in _MERGED:
        _MERGED[key] = merge_registries(default_registry(), registry)
    return _MERGED[key]


_MERGED: dict[str, Registry] = {}  # user registry fingerprint -> merged


def _row(a: Actor) -> tuple[str, ...]:
    return (a.name, ";".join(a.aliases), a.role, a.affiliation, a.kind)


def load_registry(path: str | Path) -> Registry:
    """Read a registry CSV (unknown sides/kinds are read as "unknown"/"person")."""
    actors = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = (row.get("name") or "").strip()
            if not name or name.startswith("#"):
                continue
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
            side = (row.get("affiliation") or "").strip()
            kind = (row.get("kind") or "").strip()
            actors.append(
                Actor(
                    name,
                    aliases,
                    (row.get("role") or "").strip(),
                    side if side in SIDES else "unknown",
                    kind if kind in KINDS else "person",
                )
            )
    return Registry(actors)


def save_registry(registry: Registry, path: str | Path) -> None:
    """Write a registry CSV, sorted by name."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(FIELDS)
        for name in sorted(registry):
            w.writerow(_row(registry[name]))


def merge_registries(base: Registry, user: Registry) -> Registry:
    """``base`` overlaid with ``user``: a user row replaces the base row it names or aliases."""
    replaced = set()
    for a in user.values():
        for n in (a.name, *a.aliases):
            hit = base.lookup(n) if len(_key(n).split()) > 1 or n in base else None
            if hit is not None:
                replaced.add(hit.name)
    kept = [a for name, a in base.items() if name not in replaced]
    return Registry([*kept, *user.values()])


def build_registry(attributions: Iterable[Attribution]) -> Registry:
    """The people and organisations met in a corpus, with their most frequent role and side."""
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    sides: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for a in attributions:
        if not a.actor or a.actor_kind not in ("person", "organization"):
            continue
        kinds[a.actor][a.actor_kind] += 1
        if a.actor_role:
            roles[a.actor][a.actor_role] += 1
        if a.affiliation != "unknown":
            sides[a.actor][a.affiliation] += 1
    return Registry(
        Actor(
            name,
            (),
            _top(roles[name], longest=True),
            _top(sides[name]) or "unknown",
            _top(kinds[name]),
        )
        for name in kinds
    )


def build_registry_from_table(table: pd.DataFrame) -> Registry:
    """``build_registry`` over the actor columns of an analysis table."""
    cols = ("actor", "actor_kind", "actor_role", "affiliation")
    rows = table.loc[:, list(cols)].fillna("").itertuples(index=False)
    return build_registry(Attribution(r[0], r[1], r[2], r[3]) for r in rows)


def _top(counts: Counter[str], longest: bool = False) -> str:
    if not counts:
        return ""
    best = max(counts.values())
    tops = [k for k, v in counts.items() if v == best]
    return max(tops, key=len) if longest else tops[0]


def corpus_registry(paths: Iterable[str | Path]) -> Registry | None:
    """The actor registry shipped beside a corpus (``actors.csv`` in a corpus folder)."""
    found = None
    for p in paths:
        candidate = Path(p) / "actors.csv"
        if candidate.is_file():
            reg = load_registry(candidate)
            found = reg if found is None else merge_registries(found, reg)
    return found
