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
import hashlib
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from models.records import Attribution

AFFILIATIONS_PATH = Path(__file__).parent / "data" / "affiliations.toml"
FIELDS = ("name", "aliases", "role", "affiliation", "kind")
SIDES = ("United States", "China", "Russia", "other", "unknown")
KINDS = ("person", "organization", "group", "narrator")
_SKIP_AFTER = {"to", "with", "on", "against", "toward", "towards", "into"}


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

    def __getitem__(self, name: str) -> Actor:
        return self._actors[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._actors)

    def __len__(self) -> int:
        return len(self._actors)

    def __repr__(self) -> str:
        return f"Registry({len(self)} actors)"

    def lookup(self, name: str) -> Actor | None:
        """The actor called ``name`` (canonical name, alias, or an unambiguous single name)."""
        key = _key(name)
        if key in self._alias:
            return self._actors[self._alias[key]]
        words = key.split()
        if len(words) == 1 and words[0] in self._parts:
            return self._actors[self._parts[words[0]]]
        return None


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


# -- sides ----------------------------------------------------------------------------------
@cache
def _side_patterns(path: Path = AFFILIATIONS_PATH) -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    out = [("other", _pattern(data["independent"]["keywords"]))]
    out += [(side, _pattern(d["keywords"])) for side, d in data["sides"].items()]
    return tuple(out)


def _pattern(words: list[str]) -> re.Pattern[str]:
    alts = sorted(words, key=len, reverse=True)
    parts = [re.escape(w) if w.isupper() else f"(?i:{re.escape(w)})" for w in alts]
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])")


def affiliation_of(text: str) -> str:
    """The side a role/name/organisation text points to ("unknown" when none)."""
    pats = _side_patterns()
    if pats[0][1].search(text):
        return "other"
    best: tuple[int, str] | None = None
    for side, pat in pats[1:]:
        for m in pat.finditer(text):
            prev = text[: m.start()].split()[-1:] or [""]
            if prev[0].lower() in _SKIP_AFTER:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), side)
            break
    return best[1] if best else "unknown"
